"""What the numbers are and which pages exist.

From the validated :class:`~smartsite.model.Site` this stage computes the
progress aggregates (the same figures for the dashboard and ``summary.json``),
the indexes templates need (news per innovation, tags, groupings), renders
Markdown once, and builds the route table: every page with its template,
its context and the content files it comes from. Two sources for one output
file is an error naming both.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable, Iterable
from urllib.parse import urlsplit

from .diagnostics import Report, msg
from .load import Content
from .early import MARKDOWN_CACHE_PREFIX, converter, text_key
from .markup import first_paragraph_text, leads_outside, located
from .model import HORIZONS, STATUSES, Dimension, Horizon, Innovation, NewsItem, Site, Tag
from .urls import Router, output_file, path_of, slugify

if TYPE_CHECKING:
    from .evaluation import Evaluation

NEWS_PER_PAGE = 10
LATEST_NEWS = 5
FEED_ITEMS = 20
RECENT_MILESTONES = 6


# ---------------------------------------------------------------------------
# Aggregates
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Stats:
    """Counts and average progress of a group of innovations."""

    count: int
    average_progress: float | None  # mean over non-cancelled, 1 decimal, half up; None if none
    by_status: tuple[tuple[str, int], ...]  # every status, in STATUSES order

    @property
    def status_counts(self) -> dict[str, int]:
        return dict(self.by_status)

    def as_json(self) -> dict:
        return {"count": self.count, "average_progress": self.average_progress,
                "by_status": self.status_counts}


def average_progress(innovations: Iterable[Innovation]) -> float | None:
    values = [i.progress for i in innovations if i.status != "cancelled"]
    if not values:
        return None
    mean = Decimal(sum(values)) / Decimal(len(values))
    return float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def stats(innovations: Iterable[Innovation]) -> Stats:
    group = list(innovations)
    counts = {s: 0 for s in STATUSES}
    for inn in group:
        counts[inn.status] += 1
    return Stats(len(group), average_progress(group), tuple(counts.items()))


@dataclass(frozen=True)
class Summary:
    total: Stats
    horizons: tuple[tuple[Horizon, Stats], ...]
    dimensions: tuple[tuple[Dimension, Stats], ...]

    def as_json(self) -> dict:
        return {
            "total": self.total.count,
            "average_progress": self.total.average_progress,
            "by_status": self.total.status_counts,
            "horizons": {h.key: s.as_json() for h, s in self.horizons},
            "dimensions": {d.id: s.as_json() for d, s in self.dimensions},
        }


def summarize(site: Site) -> Summary:
    inns = site.innovations
    return Summary(
        total=stats(inns),
        horizons=tuple((h, stats(i for i in inns if i.horizon == h.key)) for h in site.masterplan.horizons),
        dimensions=tuple((d, stats(i for i in inns if i.dimension == d.id)) for d in site.masterplan.dimensions),
    )


# ---------------------------------------------------------------------------
# Indexes
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """A titled list of innovations (a dimension inside a horizon, and so on)."""

    key: Any  # a Horizon or Dimension
    innovations: tuple[Innovation, ...]
    stats: Stats


@dataclass(frozen=True)
class TagIndex:
    slug: str
    name: str
    news: tuple[NewsItem, ...]
    innovations: tuple[Innovation, ...]

    @property
    def route(self):
        return ("tag", (self.slug,))

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.news) // NEWS_PER_PAGE))

    @property
    def count(self) -> int:
        return len(self.news) + len(self.innovations)


@dataclass(frozen=True)
class Office:
    """A responsible office (OPD), as it has a page listing its innovations."""

    name: str
    slug: str

    @property
    def route(self):
        return ("office", (self.slug,))


@dataclass(frozen=True)
class StatusKey:
    key: str

    @property
    def route(self):
        return ("status", (self.key,))


@dataclass(frozen=True)
class MilestoneEntry:
    innovation: Innovation
    milestone: Any


@dataclass(frozen=True)
class Pager:
    """Page ``number`` of ``total`` of a paginated list whose first page is ``base`` (a route)."""

    number: int
    total: int
    base: tuple = ("news_list", ())

    @property
    def route(self):
        kind, args = self.base
        return (kind, args + (self.number,))

    @property
    def previous(self) -> "Pager | None":
        return Pager(self.number - 1, self.total, self.base) if self.number > 1 else None

    @property
    def next(self) -> "Pager | None":
        return Pager(self.number + 1, self.total, self.base) if self.number < self.total else None

    @property
    def window(self) -> tuple["Pager | None", ...]:
        """The pages to link: the first, the last and two either side of this one; None marks a gap.

        Linking every page from every page would make a list of a thousand pages a million links.
        """
        shown = sorted({1, self.total, *range(max(1, self.number - PAGER_NEIGHBOURS),
                                               min(self.total, self.number + PAGER_NEIGHBOURS) + 1)})
        out: list = []
        for n in shown:
            if out and n - out[-1].number > 1:
                out.append(None)
            out.append(Pager(n, self.total, self.base))
        return tuple(out)


PAGER_NEIGHBOURS = 2


def group_by(innovations: Iterable[Innovation], keys: Iterable[Any], attr: str) -> tuple[Group, ...]:
    items = list(innovations)
    groups = []
    for key in keys:
        ident = key.key if attr == "horizon" else key.id
        members = tuple(i for i in items if getattr(i, attr) == ident)
        if members:
            groups.append(Group(key, members, stats(members)))
    return tuple(groups)


@dataclass(frozen=True)
class Indexes:
    innovations_by_id: dict
    news_by_innovation: dict  # innovation id -> tuple of NewsItem, newest first
    tags: tuple[TagIndex, ...]
    recent_milestones: tuple[MilestoneEntry, ...]
    upcoming_milestones: tuple[MilestoneEntry, ...]
    offices: tuple[Office, ...]


def build_indexes(site: Site, as_of: dt.date) -> Indexes:
    """Indexes built once, so no page scans all news or all innovations.

    ``as_of`` is the data's date (see :func:`generated_stamp`): milestones not
    reached and dated from then on are the "next" ones.
    """
    by_inn: dict[str, list[NewsItem]] = defaultdict(list)
    tag_news: dict[str, list[NewsItem]] = defaultdict(list)
    tag_inns: dict[str, list[Innovation]] = defaultdict(list)
    tag_names: dict[str, str] = {}
    for item in site.news:
        for ident in item.innovations:
            by_inn[ident].append(item)
        for tag in item.tags:
            tag_news[tag.slug].append(item)
            tag_names.setdefault(tag.slug, tag.name)
    for inn in site.innovations:
        for slug in inn.tags:
            tag_inns[slug].append(inn)
            tag_names.setdefault(slug, slug)
    tags = tuple(TagIndex(s, tag_names[s], tuple(tag_news.get(s, ())), tuple(tag_inns.get(s, ())))
                 for s in sorted(tag_names))
    done, upcoming = [], []
    for inn in site.innovations:
        for m in inn.milestones:
            if m.done:
                done.append(MilestoneEntry(inn, m))
            elif m.date >= as_of:
                upcoming.append(MilestoneEntry(inn, m))
    done.sort(key=lambda e: (e.milestone.date, e.innovation.id), reverse=True)
    upcoming.sort(key=lambda e: (e.milestone.date, e.innovation.id))
    return Indexes(
        innovations_by_id={i.id: i for i in site.innovations},
        news_by_innovation={k: tuple(v) for k, v in by_inn.items()},
        tags=tags,
        recent_milestones=tuple(done[:RECENT_MILESTONES]),
        upcoming_milestones=tuple(upcoming[:RECENT_MILESTONES]),
        offices=tuple(Office(name, slugify(name)) for name in sorted({i.owner for i in site.innovations})),
    )


def news_summaries(site: Site, html: dict) -> dict:
    """(content path, language) -> plain-text summary: the editor's, else the first paragraph.

    English falls back to the Indonesian summary where the item has no English text.
    """
    out = {}
    for n in site.news:
        out[(n.source, "id")] = n.summary.id if n.summary else first_paragraph_text(html.get(n.source, ""))
        if n.summary and n.summary.en:
            out[(n.source, "en")] = n.summary.en
        elif n.en is not None:
            out[(n.source, "en")] = first_paragraph_text(html.get(n.source + "#en", ""))
        else:
            out[(n.source, "en")] = out[(n.source, "id")]
    return out


def generated_stamp(site: Site) -> dt.datetime:
    """The build's date stamp: SOURCE_DATE_EPOCH, else the newest date in the content.

    Never the clock, so two builds of the same content are byte-identical.
    """
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(site.config.timezone)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz)
    dates: list[dt.datetime] = [n.date for n in site.news]
    for inn in site.innovations:
        for d in ([m.date for m in inn.milestones if m.done] + [h.date for h in inn.history]
                  + [e.date for e in inn.evidence if e.date]):
            dates.append(dt.datetime.combine(d, dt.time(), tz))
    return max(dates) if dates else dt.datetime(site.masterplan.period_start, 1, 1, tzinfo=tz)


# ---------------------------------------------------------------------------
# Markdown and links
# ---------------------------------------------------------------------------

def content_routes(site: Site) -> dict:
    """Content file path -> route of the page it becomes (for links between files)."""
    routes = {i.source: i.route for i in site.innovations}
    routes.update({n.source: n.route for n in site.news})
    routes.update({p.source: p.route for p in site.pages})
    return routes


def make_resolver(source: str, file_routes: dict, site_paths: set, assets: dict, router: Router,
                  all_sources: set, unpublished: set, lang: str = "id"):
    """A link resolver for one Markdown source (see :mod:`smartsite.markup`).

    Links to content files lead to the target's page in ``lang``, the text's language.
    """

    def resolve(href: str):
        if leads_outside(href):
            return None, None
        parts = urlsplit(href)
        suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        path = parts.path
        if path.startswith("/"):
            candidate = path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"
            if candidate in site_paths:
                return router.href(candidate) + suffix, None
            if path.lstrip("/") in assets:
                return router.href(path_of(("asset", (path.lstrip("/"),)))) + suffix, None
            return None, msg("the link {href} points to a page that does not exist", href=href)
        here = posixpath.dirname(source)
        for cand in (posixpath.normpath(posixpath.join(here, path)),
                     posixpath.normpath(posixpath.join("content", path))):
            if cand in file_routes:
                return router.href(path_of(file_routes[cand], lang)) + suffix, None
            if cand.startswith("assets/") and cand[len("assets/"):] in assets:
                return router.href(path_of(("asset", (cand[len("assets/"):],)))) + suffix, None
            if cand in unpublished:
                return None, msg("the link {href} points to {file}, which is not published",
                                 href=href, file=cand)
            if cand in all_sources:  # a file with errors of its own, reported already
                return None, None
        return None, msg("the link {href} points to a file that does not exist", href=href)

    return resolve


@dataclass(frozen=True)
class MarkdownJob:
    """One Markdown text to turn into HTML: whose it is, in which language, where it starts."""

    key: str  # where the HTML goes in the result ("content/news/x.md", or "...#en")
    source: str  # the file whose links are resolved from its folder
    lang: str
    text: str
    start: int | Callable[[], int]  # file line of the text's first line, or how to find it

    @property
    def first_line(self) -> int:
        """Asked only to report a problem: finding the line of a YAML value parses its file again
        with positions (1.2 ms an innovation, for nothing when its summary is fine)."""
        return self.start if isinstance(self.start, int) else self.start()

    @property
    def cache_key(self) -> str:
        """The text and the place it is resolved from; links are checked again on every use."""
        return text_key(self.source, self.lang, self.text)


@dataclass(frozen=True)
class _LinkContext:
    file_routes: dict
    site_paths: set
    assets: dict
    router: Router
    all_sources: set
    unpublished: set

    def resolver(self, source: str, lang: str):
        return make_resolver(source, self.file_routes, self.site_paths, self.assets, self.router,
                             self.all_sources, self.unpublished, lang)


def markdown_jobs(site: Site, content: Content) -> list[MarkdownJob]:
    jobs = []
    for doc in (*site.news, *site.pages):
        jobs.append(MarkdownJob(doc.source, doc.source, "id", doc.body, doc.body_line))
        if doc.en is not None:
            jobs.append(MarkdownJob(doc.source + "#en", doc.en.source, "en", doc.en.body, doc.en.body_line))
    sources = {f.rel: f for f in content.files}
    for inn in site.innovations:
        if inn.summary is not None:
            src = sources.get(inn.source)
            jobs.append(MarkdownJob(inn.source, inn.source, "id", inn.summary.id,
                                    functools.partial(_block_start, src, ("summary",)) if src else 1))
            if inn.summary.en:
                jobs.append(MarkdownJob(inn.source + "#en", inn.source, "en", inn.summary.en,
                                        functools.partial(_block_start, src, ("summary", "en")) if src else 1))
    return jobs


def _finish(job: MarkdownJob, converted, links: "_LinkContext") -> tuple:
    """(html, [(href, what it became)] or None, whole-text problem or None) of a converted text."""
    if isinstance(converted, tuple):  # finished where it was converted (see _convert_files)
        return converted
    html, problems, found = converted.resolve(job.text, links.resolver(job.source, job.lang))
    whole = next((p for p in problems if not p.href), None)
    return html, None if whole else found, whole


def _convert(state, start: int, stop: int) -> list:
    """Render jobs[start:stop] (runs in a worker): see :func:`_finish`."""
    jobs, links = state
    renderer = converter()
    return [_finish(job, renderer.convert(job.text), links) for job in jobs[start:stop]]


def render_markdown(site: Site, content: Content, router: Router, site_paths: set, report: Report,
                    cache=None, jobs: int | None = None, stored: dict | None = None,
                    converted: Iterable[list] = ()) -> dict:
    """Every Markdown text as HTML, by key; link problems reported at their file line.

    A text is converted once per content: ``cache`` (a :class:`smartsite.cache.Cache`)
    keeps the HTML with the links it contains and what each became. A cached
    HTML is used only while every one of its links still resolves to the same
    place (a renamed page, a new base URL or a deleted file converts it again).
    ``stored`` is the cache's Markdown entries when the caller read them already;
    ``converted`` the texts converted early (see :class:`smartsite.early.EarlyMarkdown`),
    a chunk at a time as they arrive: each is finished (its links resolved) while
    the workers convert the next. The other texts are converted across ``jobs``
    processes.
    """
    links = _LinkContext(content_routes(site), site_paths, content.assets, router,
                         {f.rel for f in content.files}, set(site.unpublished))
    sources = {f.rel: f for f in content.files}
    work = markdown_jobs(site, content)
    if stored is None:
        stored = cache.get_many(MARKDOWN_CACHE_PREFIX) if cache is not None else {}
    # A cache that remembers the link context it was last used with (a preview's) needs no link checked
    # again while that context is unchanged: every link then resolves as it did.
    same_links = getattr(cache, "link_context", None) == links
    html: dict[str, str] = {}
    used: set[str] = set()
    missing: list[MarkdownJob] = []
    for job in work:
        entry = stored.get(job.cache_key)
        if entry is not None and (same_links or not entry[1]
                                  or _still_resolves(entry[1], links.resolver(job.source, job.lang))):
            html[job.key] = entry[0]
            used.add(job.cache_key)
            if entry[1]:
                _report_links(job, [tuple(link) for link in entry[1]], links, sources, report)
        else:
            missing.append(job)
    wanted = {job.cache_key: job for job in missing}
    finished: dict[str, tuple] = {}
    for chunk in converted:
        for key, early in chunk:
            job = wanted.get(key)
            if job is not None:
                finished[job.key] = _finish(job, early, links)
    late = [job for job in missing if job.key not in finished]
    finished.update(zip((job.key for job in late), _parallel_convert(late, links, jobs)))
    for job in missing:
        out, found, whole = finished.pop(job.key)
        html[job.key] = out
        if whole is not None:
            report.error(job.source, job.first_line + whole.line - 1, whole.column, whole.message, whole.hint,
                         source_text=_text_of(sources, job.source))
            continue
        _report_links(job, found, links, sources, report)
        if cache is not None:
            cache.put(job.cache_key, [out, found])
            used.add(job.cache_key)
    if cache is not None:
        cache.forget(MARKDOWN_CACHE_PREFIX, used)
        if hasattr(cache, "link_context"):
            cache.link_context = links
    return html


def _parallel_convert(missing: list, links: _LinkContext, jobs: int | None) -> list:
    from .parallel import run_chunks

    return run_chunks(_convert, len(missing), (missing, links), jobs) if missing else []


def _still_resolves(recorded, resolver) -> bool:
    try:
        return all(resolver(href)[0] == new for href, new in recorded)
    except (TypeError, ValueError):  # an entry of the wrong shape: convert again
        return False


def _text_of(sources: dict, rel: str) -> str | None:
    src = sources.get(rel)
    return None if src is None else src.text


def _report_links(job: MarkdownJob, found, links: _LinkContext, sources: dict, report: Report) -> None:
    """Report the text's broken links (resolved again here, so a cached text reports them too)."""
    if not found:
        return
    resolver = links.resolver(job.source, job.lang)
    problems = [(href, problem) for href, _new in found if (problem := resolver(href)[1]) is not None]
    if not problems:
        return
    example = posixpath.relpath("content/innovations/sipades.yaml", posixpath.dirname(job.source))
    for p in located(job.text, problems):
        hint = p.hint or msg("link to a content file by its path from this file ({example}) or to a page "
                             "(/inovasi/)", example=example)
        report.error(job.source, job.first_line + p.line - 1, p.column, p.message, hint,
                     source_text=_text_of(sources, job.source))


def _block_start(src, path: tuple) -> int:
    """The file line where a YAML text value's first line stands ('|' blocks start below)."""
    line = src.doc.where(path).line
    lines = src.text.split("\n")
    marker = lines[line - 1].rstrip() if 0 < line <= len(lines) else ""
    return line + 1 if marker.endswith(("|", ">", "|-", ">-", "|+", ">+")) else line


# ---------------------------------------------------------------------------
# The route table
# ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Output:
    """One file of the site to render: where, with which template and context.

    Its site path and file are worked out when it is made: every stage after
    this one asks for them, tens of thousands of times per build (and a
    preview makes every output again on each save), so they are plain slots,
    not properties.
    """

    route: tuple
    lang: str
    template: str
    context: dict = field(hash=False, compare=False)
    sources: tuple[str, ...] = ()
    searchable: bool = False  # has text of its own in its language: goes into the search index
    site_path: str = field(init=False, hash=False, compare=False, repr=False)
    file: str = field(init=False, hash=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        site_path = path_of(self.route, self.lang)
        object.__setattr__(self, "site_path", site_path)
        object.__setattr__(self, "file", output_file(site_path))


def route_table(site: Site, summary: Summary, idx: Indexes, lang: str = "id",
                previous: dict | None = None, evaluation: "Evaluation | None" = None) -> list[Output]:
    """Every page of the site in ``lang``, in a stable order.

    A page's context holds everything of the site it shows, so that a
    preview, which renders a page again only when its context changed, sees
    every change to it: the dashboard's readiness count and chart come from
    ``evaluation`` (None when the masterplan sets no evaluation).

    ``previous`` (a preview's, see :func:`reusable_outputs`) holds the news
    item pages of the last build: a page whose item and innovations are the
    very objects it was made from is taken as it is. A preview validates an
    unchanged file into the same objects, so after a save the twenty thousand
    item pages of a large archive are neither made again nor, later, compared
    field by field.
    """
    mp = site.masterplan
    out: list[Output] = []
    add = out.append
    inns = site.innovations
    add(Output(("home", ()), lang, "dashboard.html", {
        "summary": summary, "latest_news": site.news[:LATEST_NEWS],
        "recent_milestones": idx.recent_milestones, "upcoming_milestones": idx.upcoming_milestones,
        "evaluation": evaluation}))
    statuses = tuple(StatusKey(s) for s in STATUSES)
    add(Output(("innovations", ()), lang, "innovations.html", {
        "horizon_groups": tuple((g, group_by(g.innovations, mp.dimensions, "dimension"))
                                for g in group_by(inns, mp.horizons, "horizon")),
        "summary": summary, "offices": idx.offices, "status_keys": statuses}))
    for status in statuses:
        members = tuple(i for i in inns if i.status == status.key)
        add(Output(status.route, lang, "filtered.html", {
            "status": status.key, "office": None, "stats": stats(members),
            "groups": group_by(members, mp.horizons, "horizon")}))
    for office in idx.offices:
        members = tuple(i for i in inns if i.owner == office.name)
        add(Output(office.route, lang, "filtered.html", {
            "status": None, "office": office, "stats": stats(members),
            "groups": group_by(members, mp.horizons, "horizon")}))
    for inn in inns:
        dim = mp.dimension(inn.dimension)
        add(Output(inn.route, lang, "innovation.html", {
            "innovation": inn, "dimension": dim, "horizon": mp.horizon(inn.horizon),
            "element": dim.element(inn.element), "news": idx.news_by_innovation.get(inn.id, ())},
            (inn.source,), lang == "id" or bool(inn.name.en or (inn.summary and inn.summary.en))))
    for dim, st in summary.dimensions:
        members = tuple(i for i in inns if i.dimension == dim.id)
        add(Output(dim.route, lang, "dimension.html", {
            "dimension": dim, "stats": st, "groups": group_by(members, mp.horizons, "horizon")}))
    for hor, st in summary.horizons:
        members = tuple(i for i in inns if i.horizon == hor.key)
        add(Output(hor.route, lang, "horizon.html", {
            "horizon": hor, "stats": st, "groups": group_by(members, mp.dimensions, "dimension")}))
    pages = max(1, -(-len(site.news) // NEWS_PER_PAGE))
    for n in range(1, pages + 1):
        add(Output(("news_list", (n,)), lang, "news_list.html", {
            "items": site.news[(n - 1) * NEWS_PER_PAGE: n * NEWS_PER_PAGE], "pager": Pager(n, pages)}))
    by_id = idx.innovations_by_id
    known = (previous or {}).get(lang, {}).get
    for item in site.news:
        related = tuple(by_id[i] for i in item.innovations if i in by_id) if item.innovations else ()
        same = known(item.source)
        if same is not None and same.context["item"] is item and same.context["innovations"] == related:
            add(same)
        else:
            add(Output(item.route, lang, "news_item.html", {"item": item, "innovations": related},
                       (item.source,), item.has(lang)))
    add(Output(("tags", ()), lang, "tags.html", {"tags": idx.tags}))
    for tag in idx.tags:  # paginated like the news list: a topic gathers hundreds of items over the years
        for n in range(1, tag.pages + 1):
            pager = Pager(n, tag.pages, tag.route)
            # the page shows its own slice, so a change to one item redoes one page of the topic
            add(Output(pager.route, lang, "tag.html", {
                "tag": Tag(tag.slug, tag.name), "items": tag.news[(n - 1) * NEWS_PER_PAGE: n * NEWS_PER_PAGE],
                "pager": pager, "innovations": tag.innovations if n == 1 else ()}))
    for page in site.pages:
        add(Output(page.route, lang, "page.html", {"page": page}, (page.source,), page.has(lang)))
    add(Output(("data", ()), lang, "data.html", {"summary": summary}))
    add(Output(("search", ()), lang, "search.html", {"tags": idx.tags}))
    feed = site.news[:FEED_ITEMS]  # whole texts: made from the items' files, like their own pages
    add(Output(("feed", ()), lang, "atom.xml", {"items": feed}, tuple(item.source for item in feed)))
    if lang == "id":
        add(Output(("not_found", ()), lang, "404.html", {}))
        add(Output(("robots", ()), lang, "robots.txt", {}))
    return out


def reusable_outputs(outputs: Iterable[Output]) -> dict:
    """The news item pages of a build, by language and file, for the next :func:`route_table` of a preview."""
    by_lang: dict[str, dict] = defaultdict(dict)
    for o in outputs:
        if o.template == "news_item.html":
            by_lang[o.lang][o.sources[0]] = o
    return by_lang


def sitemap_output(outputs: list[Output]) -> Output:
    """The sitemap lists every HTML page of every language."""
    pages = tuple(o for o in outputs if o.file.endswith(".html") and o.route[0] != "not_found")
    return Output(("sitemap", ()), "id", "sitemap.xml", {"pages": pages})


def check_collisions(outputs: list[Output], extra: dict, report: Report) -> None:
    """Report output files that two sources would write (pages, assets, data files)."""
    seen: set[str] = set()
    clashes: set[str] = set()
    for file in chain((o.file for o in outputs), extra):
        key = file.casefold()
        if key in seen:
            clashes.add(key)
        seen.add(key)
    if not clashes:  # nearly always: the owners are gathered only for a clash
        return
    owners: dict[str, list[str]] = defaultdict(list)
    for o in outputs:
        if o.file.casefold() in clashes:
            owners[o.file.casefold()].append(o.sources[0] if o.sources else f"({o.template})")
    for file, source in extra.items():
        if file.casefold() in clashes:
            owners[file.casefold()].append(source)
    for file, sources in sorted(owners.items()):
        blamed = [s for s in sources if s.startswith("content/")] or sources[:1]
        for source in blamed:
            others = ", ".join(s for s in sources if s != source)
            report.error(source, 0, 0, msg("this file would be written to /{file}, which {others} "
                                           "also writes", file=file, others=others),
                         msg("give it another file name or 'slug:'"))
