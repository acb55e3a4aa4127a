"""The whole build, top to bottom: load → validate → compute → render → write.

Any error stops the build before the write stage, so nothing is published
from content that has a problem. ``check()`` runs every stage up to and
including the link checks, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import compute, evaluation, headers, i18n, images, opendata, search, social
from .diagnostics import Report, msg
from .early import Started
from .load import Content, load
from .options import CACHE_DIR, LANGUAGES, THEME_DIR, Options  # noqa: F401 (re-exported)
from .model import Site
from .parallel import few_collections, workers_for
from .render import Renderer
from .urls import Router, output_file, path_of
from .validate import validate
from .write import Staging, check_output_dir

SEARCH_KEY = "search:"
PRECOMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv")


@dataclass
class Result:
    report: Report
    pages: int = 0
    files: int = 0
    rewritten: int = 0  # files whose bytes changed (the others keep the previous build's file)
    up_to_date: bool = False  # nothing changed since the last build: nothing was done
    indexed: str | None = None  # a digest of the list of pages the search index was made from
    timings: dict = field(default_factory=dict)
    site: Site | None = None
    site_base_url: str = ""  # the base URL the site was built for (after --base-url)

    @property
    def ok(self) -> bool:
        return not self.report.has_errors


@dataclass(frozen=True)
class Plan:
    """Everything computed before rendering."""

    site: Site
    router: Router
    outputs: tuple
    html: dict
    summaries: dict
    data: dict  # data file name -> text
    assets: dict  # asset path -> source Path
    generated: dt.datetime
    content: Content
    shares: dict  # route -> social.ShareImage
    default_share: "social.ShareImage"
    generated_files: dict  # output path -> what the build made (share images: bytes or social.CachedPicture)
    pictures: dict  # asset path -> images.ProcessedImage (news images)
    picture_files: dict  # output path -> file in the cache
    evaluation: "evaluation.Evaluation | None" = None
    published_assets: dict = field(default_factory=dict)  # asset path -> path in the site (fingerprinted)
    languages: tuple = ("id", "en")
    scratch: Path | None = None  # news pictures made without a cache: removed once the site is written


def remove_scratch(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def plan(site_dir: Path, options: Options, result: Result, cache=None, memory=None,
         started: Started | None = None) -> Plan | None:
    """Everything up to rendering.

    ``memory`` (a preview's :class:`smartsite.incremental.Memory`) keeps parsed
    and validated files between builds, so only changed files are read again.
    ``started`` is the build's first steps when the caller took them already
    (see :mod:`smartsite.early`); its cache is then the build's.
    """
    with few_collections():
        if started is None:
            started = Started(site_dir, options, cache, preview=memory is not None)
        with started:
            return _plan(site_dir, options, result, memory, started)


def _plan(site_dir: Path, options: Options, result: Result, memory, started: Started) -> Plan | None:
    result.timings["start"] = started.took
    cache, rels, stored, early = started.cache, started.rels, started.stored, started.markdown
    result.report.extend(started.report.items)
    t = time.perf_counter()
    report = result.report
    content = load(site_dir, report, options.max_file_bytes, memory.files if memory is not None else None, rels)
    result.timings["load"] = time.perf_counter() - t
    t = time.perf_counter()
    site = validate(content, report, options.now, include_drafts=options.drafts,
                    memory=memory.validation if memory is not None else None)
    result.timings["validate"] = time.perf_counter() - t
    if site is None:
        return None
    result.site = site
    t = time.perf_counter()
    base_url = options.base_url or site.config.base_url
    if not base_url.endswith("/"):
        base_url += "/"
    router = Router(base_url)
    result.site_base_url = base_url
    summary = compute.summarize(site)
    generated = compute.generated_stamp(site)
    idx = compute.build_indexes(site, generated.date())
    ev = _evaluate(site, content, generated.date())
    outputs: list[compute.Output] = []
    previous = memory.outputs if memory is not None else None
    for lang in options.languages:
        outputs.extend(compute.route_table(site, summary, idx, lang, previous, ev))
    if memory is not None:
        memory.outputs = compute.reusable_outputs(outputs)
    if ev is not None:
        for lang in options.languages:
            outputs.append(compute.Output(("evaluation", ()), lang, "evaluation.html", {"ev": ev}))
            outputs.append(compute.Output(("dossier", ()), lang, "dossier.html",
                                          {"ev": ev, "innovations": site.innovations}))
    outputs.append(compute.sitemap_output(outputs))
    site_paths = {o.site_path for o in outputs}
    if early.in_background and workers_for(len(outputs), options.jobs) > 1:
        # the workers are still converting: compile the templates meanwhile, once, for every page worker
        compiler = Renderer(content.layout_dirs, router, "id", {}, None, _bytecode_dir(site_dir, options))
        compiler.precompile({o.template for o in outputs})
        compiler.close()
        for lang in options.languages:
            i18n.load_locale_data(lang)
    # made while the workers may still be converting: the data files do not depend on the HTML
    data = _data_files(site, summary, router, generated, memory)
    published_assets = _asset_names(content.assets)
    extra = {output_file(path_of(("asset", (published_assets[a],)))): f"assets/{a}" for a in content.assets}
    extra.update({f"data/{name}": "(data)" for name in data})
    cache_dir = site_dir / CACHE_DIR if options.cache else None
    # Without images there is one share card, the site's: drawn in this process (one card forks no pool)
    # while the workers convert. With images, the innovations' cards are drawn by a pool of their own,
    # forked only once the converting workers (and the threads that feed them) are gone.
    cards = None if options.images else social.share_images(site, cache_dir, False, options.jobs)
    t_md = time.perf_counter()
    html = compute.render_markdown(site, content, router, site_paths, report, cache, options.jobs, stored,
                                   early.arriving())
    result.timings["markdown"] = time.perf_counter() - t_md
    t_img = time.perf_counter()
    if cards is None:
        cards = social.share_images(site, cache_dir, True, options.jobs)
    shares, share_files, default_share = cards
    extra.update({rel: "(share image)" for rel in share_files})
    pictures, picture_files, scratch = _process_images(site, content, cache_dir, report)
    for item in site.news:
        if item.image in pictures and item.image_alt is not None:  # no alt: reported by validation
            fallback = pictures[item.image].fallback
            shares[item.route] = social.ShareImage(fallback.path, item.image_alt.id, fallback.width,
                                                   fallback.height)
    extra.update({rel: "(image)" for rel in picture_files})
    result.timings["images"] = time.perf_counter() - t_img
    compute.check_collisions(outputs, extra, report)
    result.timings["compute"] = time.perf_counter() - t
    if report.has_errors:
        remove_scratch(scratch)
        return None
    return Plan(site, router, tuple(outputs), html, compute.news_summaries(site, html), data,
                content.assets, generated, content, shares, default_share, share_files, pictures, picture_files, ev,
                published_assets, tuple(options.languages), scratch)


def _data_files(site: Site, summary: "compute.Summary", router: Router, generated: dt.datetime, memory) -> dict:
    """The open data files (name -> text); a preview reuses them while the innovations are the same objects.

    They describe the innovations only, and a preview validates an unchanged
    file into the same objects, so after saving a news item they are the
    same, and encoding 500 innovations as JSON and CSV again would be for nothing.
    """
    key = (site.config, site.masterplan, site.innovations, router.base_url, generated)
    known = memory.data_files if memory is not None else None
    if known is not None and known[0] == key:
        return known[1]
    data = opendata.data_files(site, summary, router, generated.isoformat())
    data.update(opendata.evaluation_files(site, router))
    if memory is not None:
        memory.data_files = (key, data)
    return data


def _asset_names(assets: dict) -> dict:
    """Asset path -> its name in the site: CSS and JS carry a hash of their content."""
    import hashlib

    from .urls import FINGERPRINTED, fingerprinted

    names = {}
    for rel, source in assets.items():
        if rel.endswith(FINGERPRINTED):
            names[rel] = fingerprinted(rel, hashlib.sha256(source.read_bytes()).hexdigest())
        else:
            names[rel] = rel
    return names


def copied_files(p: Plan) -> dict[str, Path]:
    """Output file -> the file it is a copy of (news pictures, assets)."""
    files = dict(p.picture_files)
    for rel, source in p.assets.items():
        files[output_file(path_of(("asset", (p.published_assets[rel],))))] = source
    return files


def _bytecode_dir(site_dir: Path, options: Options) -> Path | None:
    """Where compiled templates are kept between builds (None without the cache)."""
    if not options.cache:
        return None
    folder = site_dir / CACHE_DIR / "jinja" / _engine_key()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _engine_key() -> str:
    """Compiled templates depend on how the engine defines its filters and globals: a new engine, a new cache."""
    import hashlib

    from . import __version__, render

    digest = hashlib.sha256(Path(render.__file__).read_bytes() + __version__.encode()).hexdigest()
    return digest[:12]


def _index_files(root: Path) -> set[str]:
    """Files Pagefind wrote into the staging folder (the build wrote the rest itself)."""
    folder = root / search.INDEX_DIR
    return {p.relative_to(root).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def evaluation_config(site: Site) -> "evaluation.EvaluationConfig | None":
    settings = site.masterplan.evaluation
    if settings.next_date is None and settings.cycle is None:
        return None  # no evaluation configured: no readiness pages
    return evaluation.EvaluationConfig(settings.next_date, settings.past_dates, settings.cycle,
                                       settings.stale_months)


def _evaluate(site: Site, content: Content, as_of: dt.date) -> "evaluation.Evaluation | None":
    """Readiness for the next evaluation, as of the data's date (never the clock)."""
    config = evaluation_config(site)
    return None if config is None else evaluation.evaluate(site, config, as_of, content.assets)


def _process_images(site: Site, content: Content, cache_dir: Path | None,
                    report: Report) -> tuple[dict, dict, Path | None]:
    """Responsive variants of every news image; an unreadable image is the editor's error.

    Without a cache they are made in a temporary folder (the third value, None
    if none was needed), which the caller removes once the site is written.
    """
    pictures: dict = {}
    files: dict = {}
    scratch = None
    for item in site.news:
        if not item.image or item.image in pictures or item.image not in content.assets:
            continue  # no image, done already, or missing (reported by validation)
        if cache_dir is None and scratch is None:
            scratch = Path(tempfile.mkdtemp(prefix="smartsite-images-"))
        image_cache = (cache_dir or scratch) / "images"
        try:
            picture, made = images.process_image(item.image, content.assets[item.image], image_cache)
        except images.ImageError as exc:
            src = next(f for f in content.files if f.rel == item.source)
            pos = src.doc.where(("image",))
            report.error(item.source, pos.line, pos.column, exc.reason, source_text=src.text)
            continue
        pictures[item.image] = picture
        files.update(made)
    return pictures, files, scratch


def evaluation_report(site_dir: Path, options: Options = Options()):
    """(result, Evaluation or None): the findings the evaluation page shows, without writing anything."""
    result = Result(Report())
    p = plan(Path(site_dir).resolve(), options, result)
    return result, (p.evaluation if p is not None else None)


def check(site_dir: Path, options: Options = Options()) -> Result:
    result = Result(Report())
    plan(site_dir, options, result)
    return result


def build(site_dir: Path, output: Path, options: Options = Options(), inputs: str | None = None,
          started: Started | None = None) -> Result:
    """Build the site into ``output``; nothing is replaced unless the whole build succeeded.

    With the cache on, a build whose inputs and output are exactly as the last
    one left them does nothing (see :mod:`smartsite.manifest`); ``inputs`` is
    that state when the caller measured it already. ``started``: the build's
    first steps, when the caller took them (see :mod:`smartsite.early`); the
    build then uses its cache, which the caller closes.
    """
    from . import manifest
    from .cache import Cache

    result = Result(Report())
    site_dir = Path(site_dir).resolve()
    output = Path(output).resolve()
    check_output_dir(output, site_dir)  # before anything is written, the cache included
    if started is not None:
        cache = started.cache
    else:
        cache = Cache(site_dir / CACHE_DIR) if options.cache else None
    try:
        if cache is not None:
            inputs = inputs or manifest.inputs_state(site_dir, options)
            previous = manifest.up_to_date(cache, output, inputs, options.now)
            if previous is not None:
                result.report.extend(previous["diagnostics"])
                result.pages, result.files, result.up_to_date = previous["pages"], previous["files"], True
                return result
            manifest.forget(cache, output)  # the output is about to change
        # No collection until the site is written: collections while it was written walked every object
        # of the plan (a second of the main process's time at 10,000 news items, in three passes) and
        # found nothing to free. Pages rendered in this process make no cycles either.
        with few_collections(promote=True):
            p = plan(site_dir, options, result, cache, started=started)
            if p is None:
                return result
            index_key = SEARCH_KEY + str(output)
            with Staging(output) as stage:
                try:
                    _write_site(p, options, stage, result, cache.get(index_key) if cache is not None else None)
                finally:
                    release_renderers()  # the pages are written: the site is freed when the build returns
                    remove_scratch(p.scratch)
                if result.report.has_errors:
                    stage.discard()
                    return result
                stage.commit()
        if cache is not None:
            if result.indexed is not None:  # the pages the published index was made from
                cache.put(index_key, result.indexed)
            manifest.record(cache, output, inputs, stage.files, result.pages, result.report.sorted(),
                            p.site.next_publication)
        return result
    finally:
        if cache is not None and started is None:
            cache.close()


def _write_site(p: Plan, options: Options, stage: Staging, result: Result,
                indexed_before: str | None = None) -> None:
    """Render every page (on every core) and write it, the data, images and assets into ``stage``."""
    t = time.perf_counter()
    state = _PageJob(p, options.search, stage.root, stage.previous, _bytecode_dir(p.content.site_dir, options))
    from .parallel import start_chunks

    seen: set[str] = set()
    with start_chunks(_render_range, len(p.outputs), state, options.jobs) as pending:
        # The files that are not pages (data, assets, pictures) are written while the workers render:
        # written after them, they kept one core idle at the end of every build (0.1 s at 1,000 news).
        # The plan has checked already that no two outputs share a file, so the order does not matter.
        _write_files(p, stage)
        for part in pending.parts():
            for file, reused, diagnostics in part:
                if file is not None:
                    stage.placed(file, reused)
                    result.pages += 1
                for key, found in diagnostics:
                    if key not in seen:  # one report per template problem, not one per page
                        seen.add(key)
                        result.report.extend(found)
    result.timings["pages and files"] = time.perf_counter() - t
    t = time.perf_counter()
    if p.evaluation is not None and (stage.root / "evaluasi/dosir/index.html").is_file():
        name, data = opendata.evaluation_bundle(p.site, p.evaluation, p.router, p.assets, p.generated,
                                                (stage.root / "evaluasi/dosir/index.html").read_bytes())
        stage.write(f"data/{name}", data)
    result.timings["dossier"] = time.perf_counter() - t
    if options.search and not result.report.has_errors:
        t = time.perf_counter()
        indexed = sorted(o.file for o in p.outputs if o.searchable)
        result.indexed = hashlib.sha256("\n".join(indexed).encode()).hexdigest()
        # The index is made from the indexed pages alone: when the previous build's index was made from
        # these very pages and none of them changed by a byte, it is still right.
        if indexed_before == result.indexed and stage.reused.issuperset(indexed) \
                and stage.reuse_tree(search.INDEX_DIR):
            result.timings["search (reused)"] = time.perf_counter() - t
        else:
            try:
                search.build_index(stage.root, indexed)
            except search.SearchIndexError as exc:
                result.report.error("pagefind", 0, 0, msg("the search index could not be built: {problem}",
                                                          problem=str(exc)))
            result.timings["search"] = time.perf_counter() - t
    stage.write("_headers", headers.headers_file(stage.files | _index_files(stage.root)))
    if p.site.config.precompress:
        stage.precompress(PRECOMPRESSED)
    result.files = len(stage.files)
    result.rewritten = len(stage.files - stage.reused)


def _write_files(p: Plan, stage: Staging) -> None:
    """Write the files of ``p`` that are not pages: open data, drawn pictures, copied assets."""
    for name, text in p.data.items():
        stage.write(f"data/{name}", text)
    for rel, data in p.generated_files.items():
        stage.write(rel, social.picture_bytes(data))
    for rel, source in copied_files(p).items():
        stage.copy(rel, source)


@dataclass(frozen=True)
class _PageJob:
    """What a page-rendering worker needs; forked workers share it, nothing is pickled."""

    plan: Plan
    search: bool
    root: Path
    previous: Path | None
    bytecode_dir: Path | None


_RENDERERS: dict = {}  # this process's Jinja environments for the plan being rendered (see renderer_for)


def renderer_for(p: Plan, lang: str, search_enabled: bool, bytecode_dir: Path | None) -> Renderer:
    """The process's renderer for ``p`` in ``lang``: made once, reused by every chunk of pages it renders.

    Making one loads and compiles every template it uses; a worker renders several chunks.
    """
    key = (id(p), lang, search_enabled, bytecode_dir)
    known = _RENDERERS.get(key)
    if known is None or known[0].plan is not p:
        for stale in [k for k, (view, _renderer) in _RENDERERS.items() if view.plan is not p]:
            _close(*_RENDERERS.pop(stale))  # another plan's: they hold the old build's state
        view = _PlanView(p)
        known = _RENDERERS[key] = (view, Renderer(p.content.layout_dirs, p.router, lang,
                                                  {**_globals(view, lang), "search_enabled": search_enabled},
                                                  p.published_assets, bytecode_dir))
    return known[1]


class _PlanView:
    """The plan as the templates' helper functions reach it, let go of when their renderer is closed.

    Jinja keeps copies of the globals in places :meth:`Renderer.close` cannot
    reach (the render contexts of imported macro files, themselves in reference
    cycles); through this view those copies no longer hold the whole site.
    """

    __slots__ = ("plan",)

    def __init__(self, plan: Plan):
        self.plan = plan


def _close(view: _PlanView, renderer: Renderer) -> None:
    renderer.close()
    view.plan = None


def release_renderers() -> None:
    """Close this process's renderers (see :meth:`Renderer.close`): the pages are written."""
    for view, renderer in _RENDERERS.values():
        _close(view, renderer)
    _RENDERERS.clear()


def _render_range(job: _PageJob, start: int, stop: int) -> list:
    """Render and write outputs[start:stop]: (file or None, linked from the previous build, diagnostics)."""
    from .write import checked_rel, place

    p = job.plan
    folders: set = set()
    out = []
    for o in p.outputs[start:stop]:
        renderer = renderer_for(p, o.lang, job.search, job.bytecode_dir)
        try:
            text = renderer.render(o)
        except jinja2.TemplateError as exc:
            found = Report()
            _template_error(exc, o, p, found)
            out.append((None, False, [(str(exc), found.items)]))
            continue
        file = checked_rel(o.file)
        out.append((file, place(job.root, file, text.encode("utf-8"), job.previous, folders), []))
    return out


@dataclass(frozen=True)
class ShareTag:
    """What the Open Graph tags of one page say about its image."""

    url: str
    width: int
    height: int
    alt: str


def _globals(view: _PlanView, lang: str) -> dict:
    """What every template may use besides its page's context.

    The preview renders a page again only when its context, the texts of its
    sources, its share image or its findings changed, or something every page
    shows (:func:`smartsite.incremental.everywhere`). So the globals are only
    that, and helpers that look up what a page passes them; the site itself is
    not offered (a page that lists innovations gets them in its context), and
    a page that shows an item's whole text (``body_html``) names the item's
    file among its sources, as the news feed does.
    """
    p = view.plan
    menu = tuple(page for page in p.site.pages if page.menu is not None)

    tags: dict = {}  # ShareImage -> its ShareTag: most pages share the default image

    def share_image_for(route) -> ShareTag:
        p = view.plan
        image = p.shares.get(route, p.default_share)
        try:
            return tags[image]
        except KeyError:
            tag = tags[image] = ShareTag(p.router.absolute(path_of(("asset", (image.path,)))), image.width,
                                         image.height, image.alt)
            return tag

    return {
        "languages": p.languages,
        "share_image_for": share_image_for,
        "organisation_jsonld": social.organisation(p.site, p.router),
        "picture": lambda item: view.plan.pictures.get(item.image),
        "has_evaluation": p.evaluation is not None,  # the menu's link; the dashboard gets the figures
        "findings_of": lambda inn: view.plan.evaluation.findings.get(inn.id, ()) if view.plan.evaluation else (),
        "news_jsonld": lambda item: social.news_article(item, view.plan.router, lang, view.plan.site,
                                                        share_image_for(item.route).url),
        "config": p.site.config,
        "masterplan": p.site.masterplan,
        "menu_pages": menu,
        "generated": p.generated,
        "body_html": lambda obj: _body_html(view.plan.html, obj, lang),
        "summary_text": lambda item: view.plan.summaries.get((item.source, lang), ""),
    }


def _body_html(html: dict, obj, lang: str) -> Markup:
    """The object's Markdown as HTML in ``lang``; Indonesian marked lang="id" where untranslated."""
    if lang != "id" and obj.source + "#" + lang in html:
        return Markup(html[obj.source + "#" + lang])
    text = Markup(html.get(obj.source, ""))
    if lang != "id" and text:
        return Markup('<div lang="id">') + text + Markup("</div>")
    return text


def _template_error(exc: jinja2.TemplateError, output, p: Plan, report: Report) -> None:
    """Report a template failure at the template's own file and line."""
    import traceback

    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", 0) or 0
    if not line:  # runtime errors: Jinja maps the template's lines into the traceback
        dirs = [str(d) for d in p.content.layout_dirs]
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(frame.filename.startswith(d) for d in dirs):
                name, line = frame.filename, frame.lineno or 0
                break
    path = Path(name) if name and Path(name).is_absolute() else None
    if path is None:
        path = next((d / (name or output.template) for d in p.content.layout_dirs
                     if (d / (name or output.template)).is_file()), None)
    shown = "layouts/" + output.template
    source = None
    if path is not None and path.is_file():
        source = path.read_text(encoding="utf-8")
        for base in (p.content.site_dir, THEME_DIR):
            if path.is_relative_to(base):
                shown = path.relative_to(base).as_posix()
                break
    report.error(shown, line, 0, msg("the template failed while making {page}: {problem}",
                                     page=output.site_path, problem=str(exc)), source_text=source)
