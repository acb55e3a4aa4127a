"""Is the content right? Raw YAML in, typed models or located diagnostics out.

Each file is checked against its JSON Schema (shipped in ``schemas/``, the
same files editors point their editors at), then cross references are
checked (dimensions, elements, innovations named by news, files under
``assets/``). Every problem is collected; when there are errors the caller
stops before anything is written. Messages name the editor's own keys and
say what to write instead.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import fastjsonschema

from .diagnostics import Message, Report, msg
from . import mojibake
from .load import Content, SourceFile
from .model import (Contact, Dimension, Element, EvaluationSettings, Evidence, HistoryEntry, Horizon, Innovation,
                     LocalText, Masterplan, Milestone, NewsItem, Page, Site, SiteConfig, Tag, Translation)
from .urls import SLUG_RE, slugify
from .yaml_source import YamlDocument

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(name: str, dimension_ids: tuple[str, ...] = ()) -> "_TwoStepValidator":
    """The validator of a kind of file; innovations also get the masterplan's dimension ids."""
    sch = schema(name)
    if dimension_ids:
        sch = dict(sch, properties=dict(sch["properties"],
                                        dimension=dict(sch["properties"]["dimension"], enum=list(dimension_ids))))
    # Its verdict is all that is used (jsonschema explains a rejected file): without the detail of each
    # failure the generated code is half the size and compiles in a third of the time (94 ms for all the
    # schemas here, against 33 ms, at the start of every build).
    return _TwoStepValidator(sch, fastjsonschema.compile(sch, detailed_exceptions=False))


class _TwoStepValidator:
    """A compiled check for the common case, jsonschema for the explanation.

    fastjsonschema turns the schema into plain Python (a few microseconds per
    file, against over a hundred for jsonschema); only a file it rejects goes
    through jsonschema, whose errors carry the paths and keywords the
    diagnostics are built from. Both read the same schema; a property test
    keeps their verdicts equal.
    """

    def __init__(self, schema: dict, fast):
        self.schema = schema
        self.fast = fast
        self._full = None

    @property
    def full(self):
        """jsonschema's validator, made (and jsonschema imported) only when a file is rejected."""
        if self._full is None:
            import jsonschema

            self._full = jsonschema.validators.validator_for(self.schema)(self.schema)
        return self._full

    def is_valid(self, data: Any) -> bool:
        try:
            self.fast(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def iter_errors(self, data: Any):
        return iter(()) if self.is_valid(data) else self.full.iter_errors(data)


# ---------------------------------------------------------------------------
# Schema errors as editor-friendly diagnostics
# ---------------------------------------------------------------------------

def _strip_nulls(value: Any) -> Any:
    """Empty fields (``reporter:``) count as absent; the schema then decides.

    A file without an empty field (nearly all) is used as it was parsed
    rather than copied: a preview keeps both for every file.
    """
    if not _has_null(value):
        return value
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


def _has_null(value: Any) -> bool:
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return False
    return any(v is None or (isinstance(v, (dict, list)) and _has_null(v)) for v in value)


def expected(sch: dict) -> Message:
    if "enum" in sch:
        return msg("one of: {values}", values=", ".join(str(v) for v in sch["enum"]))
    kind = sch.get("x-kind")
    if kind == "date":
        return msg("a date written as 2023-05-25")
    if kind == "datetime":
        return msg("a date written as 2023-05-25 or 2023-05-25 09:00")
    if kind == "slug":
        return msg("a code of lower-case letters, digits and '-'")
    if kind == "url":
        return msg("a web address starting with https://")
    if kind == "text":
        return msg("text")
    types = sch.get("type")
    if types == "integer":
        if "minimum" in sch and "maximum" in sch:
            return msg("a whole number from {min} to {max}", min=sch["minimum"], max=sch["maximum"])
        return msg("a whole number")
    if types == "boolean":
        return msg("true or false")
    if types == "array":
        return msg("a list")
    if types == "object":
        return msg("a group of fields")
    return msg("text")


def shown(value: Any, raw: str | None) -> str:
    if raw is not None and not isinstance(value, str):
        return raw
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...", ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[...]"
    if isinstance(value, dict):
        return "{...}"
    return str(value)


# What editors write in Indonesian for the values the files take in English.
INDONESIAN_WORDS = {
    "direncanakan": "planned", "rencana": "planned", "berjalan": "in-progress", "proses": "in-progress",
    "selesai": "done", "terhenti": "stalled", "mandek": "stalled", "dibatalkan": "cancelled", "batal": "cancelled",
    "pendek": "short", "jangka pendek": "short", "menengah": "medium", "jangka menengah": "medium",
    "panjang": "long", "jangka panjang": "long",
}

_TYPE_WORD = {"bool": msg("true/false"), "int": msg("a number"), "float": msg("a number"),
              "null": msg("empty"), "timestamp": msg("a date")}


def _field(path: tuple) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else "(file)"


def schema_diagnostics(src: SourceFile, data: Any, report: Report, validator) -> None:
    doc = src.doc
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        _report_schema_error(src, doc, error, report)


def _report_schema_error(src: SourceFile, doc: YamlDocument, error, report: Report) -> None:
    path = tuple(error.absolute_path)
    sch = error.schema if isinstance(error.schema, dict) else {}
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        if path + (missing,) in doc.keys:  # present but empty
            pos = doc.keys[path + (missing,)]
            report.error(src.rel, pos.line, pos.column, msg("'{field}' is empty", field=missing),
                         msg("fill it in; it is required"), source_text=src.text)
        else:
            pos = doc.where(path) if path else doc.values.get(path) or doc.where(())
            report.error(src.rel, pos.line, pos.column,
                         msg("the required field '{field}' is missing", field=missing),
                         source_text=src.text)
        return
    if v == "additionalProperties":
        allowed = list(sch.get("properties", {}))
        for key in error.instance:
            if key in allowed:
                continue
            pos = doc.key_where(path + (key,))
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = (msg("did you mean '{name}'?", name=close[0]) if close
                    else msg("the fields allowed here are: {names}", names=", ".join(allowed)))
            report.error(src.rel, pos.line, pos.column,
                         msg("unknown field '{field}'", field=key), hint, source_text=src.text)
        return
    pos = doc.where(path)
    field = _field(path)
    got = shown(error.instance, pos.raw)
    hint: Message | None = None
    if v == "type" and pos.raw is not None and pos.tag in _TYPE_WORD and "string" in str(sch.get("type")):
        hint = msg("YAML reads {raw} as {what}; put it in quotes: \"{raw}\"",
                   raw=pos.raw, what=_TYPE_WORD[pos.tag])
    elif v == "enum":
        word = str(error.instance).strip().lower()
        close = [INDONESIAN_WORDS[word]] if INDONESIAN_WORDS.get(word) in sch["enum"] else \
            difflib.get_close_matches(str(error.instance), [str(x) for x in sch["enum"]], n=1, cutoff=0.5)
        if close:
            hint = msg("did you mean '{value}'?", value=close[0])
    elif sch.get("type") == "boolean":
        hint = msg("write true (yes) or false (no)")
    elif sch.get("x-kind") in ("date", "datetime"):
        hint = msg("write dates as 2023-05-25")
    elif sch.get("type") == "integer" and isinstance(error.instance, str) and re.search(r"\d", error.instance):
        digits = re.sub(r"[^\d]", "", error.instance)
        hint = msg("write only the number, for example {number}", number=digits or 0)
    elif sch.get("x-kind") == "slug" and isinstance(error.instance, str):
        hint = msg("for example '{slug}'", slug=slugify(error.instance) or "nama-inovasi")
    elif sch.get("x-kind") == "url":
        hint = msg("only https://, http:// and mailto: addresses are allowed")
    if v in ("minLength",):
        report.error(src.rel, pos.line, pos.column, msg("'{field}' is empty", field=field),
                     source_text=src.text)
        return
    report.error(src.rel, pos.line, pos.column,
                 msg("{field} must be {expected}, got {got}", field=field, expected=expected(sch), got=got),
                 hint, source_text=src.text)


# ---------------------------------------------------------------------------
# Models from checked data
# ---------------------------------------------------------------------------

def local(value: Any) -> LocalText | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return LocalText(str(value["id"]), value.get("en") or None)
    return LocalText(str(value))


class _Checker:
    """Turns schema-valid data into models, reporting what the schema cannot see."""

    def __init__(self, content: Content, report: Report, now: dt.datetime):
        self.content = content
        self.report = report
        self.now = now

    def error(self, src: SourceFile, path: tuple, message: Message, hint: Message | None = None,
              key: bool = False) -> None:
        pos = src.doc.key_where(path) if key else src.doc.where(path)
        self.report.error(src.rel, pos.line, pos.column, message, hint, source_text=src.text)

    def warning(self, src: SourceFile, path: tuple, message: Message, hint: Message | None = None) -> None:
        pos = src.doc.where(path)
        self.report.warning(src.rel, pos.line, pos.column, message, hint, source_text=src.text)

    def date(self, src: SourceFile, path: tuple, value: str | None) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(src, path, msg("{value} is not a date in the calendar", value=value),
                       msg("write dates as 2023-05-25"))
            return None

    def asset(self, src: SourceFile, path: tuple, rel: str) -> bool:
        norm = rel.strip().lstrip("/")
        if norm.startswith("assets/"):
            norm = norm[len("assets/"):]
        if norm in self.content.assets:
            return True
        close = difflib.get_close_matches(norm, list(self.content.assets), n=1, cutoff=0.7)
        self.error(src, path, msg("the file assets/{file} does not exist", file=norm),
                   msg("did you mean '{name}'?", name=close[0]) if close
                   else msg("put the file in the assets/ folder, or correct the name"))
        return False


def _asset_name(rel: str) -> str:
    norm = rel.strip().lstrip("/")
    return norm[len("assets/"):] if norm.startswith("assets/") else norm


class Memory:
    """What validating each file gave last time, for a long-running preview.

    A step (schema check, model of a news item...) run again with the same
    inputs (the same parsed file, the same settings) gives the same model and
    the same diagnostics, so they are recalled instead of computed: after one
    saved file, only that file is validated again, and the unchanged models
    stay the same objects, which makes comparing pages cheap.
    """

    def __init__(self) -> None:
        self.entries: dict = {}
        self.values: dict = {}

    def recall(self, step: str, rel: str, inputs: tuple, compute, report: Report, still_valid=None):
        known = self.entries.get((step, rel))
        if known is not None and known[0] == inputs and (still_valid is None or still_valid(known[1])):
            report.extend(known[2])
            return known[1]
        found = Report()
        result = compute(found)
        report.extend(found.items)
        self.entries[(step, rel)] = (inputs, result, found.items)
        return result

    def same_as_before(self, name: str, value):
        """``value``, or the equal value of the last run (so later comparisons stop at identity)."""
        old = self.values.get(name)
        if old is not None and old == value:
            return old
        self.values[name] = value
        return value

    def forget_missing(self, rels: set) -> None:
        for key in [k for k in self.entries if k[1] not in rels]:
            del self.entries[key]


class _NoMemory(Memory):
    def recall(self, step, rel, inputs, compute, report, still_valid=None):
        return compute(report)

    def same_as_before(self, name, value):
        return value


def validate(content: Content, report: Report, now: dt.datetime | None = None,
             include_drafts: bool = False, memory: Memory | None = None) -> Site | None:
    """The site's models, built from every file that has no error.

    ``None`` when ``site.yaml`` or ``masterplan.yaml`` is unusable. When other
    files have errors the returned site lacks them and the report says so:
    the caller may go on checking (links, say) but must not publish.
    ``memory`` (a preview's) recalls the results of files that did not change.
    """
    mem = memory if memory is not None else _NoMemory()
    mem.forget_missing({f.rel for f in content.files})
    site_src = content.single("site")
    mp_src = content.single("masterplan")
    site_data = _checked(site_src, report, _validator("site"))
    mp_data = _checked(mp_src, report, _validator("masterplan"))
    dimension_ids = tuple(d["id"] for d in mp_data["dimensions"]) if mp_data else ()
    checked: dict[str, Any] = {}
    for src in content.files:
        if src.kind in ("site", "masterplan"):
            continue
        v = _validator(src.kind, dimension_ids if src.kind == "innovation" else ())
        data = mem.recall("schema", src.rel, (src, v), lambda r: _checked(src, r, v), report)
        if data is not None:
            checked[src.rel] = data
    for src in content.files:
        mem.recall("mojibake", src.rel, (src,), lambda r: _mojibake_warnings(src, r), report)
    if site_data is None or mp_data is None:
        return None  # the per-file checks above are all that can be done without them
    config = _site_config(site_src, site_data, report)
    tz = _zone(config, site_src, report)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(tz)
    checker = _Checker(content, report, now)
    masterplan = mem.same_as_before("masterplan", _masterplan(mp_src, mp_data, checker))
    assets = mem.same_as_before("assets", frozenset(content.assets))

    def with_report(r: Report) -> _Checker:
        return _Checker(content, r, now)

    innovations = [mem.recall("model", f.rel, (f, checked[f.rel], masterplan, assets),
                              lambda r: _innovation(f, checked[f.rel], masterplan, with_report(r)), report)
                   for f in content.of_kind("innovation") if f.rel in checked]
    innovations = [i for i in innovations if i is not None]
    innovations = _unique_innovations(innovations, report)
    known_all = {Path(f.rel).stem for f in content.of_kind("innovation")}
    known_all |= {Path(rel).stem for rel in content.unreadable if rel.startswith("content/innovations/")}
    known_all = mem.same_as_before("known", frozenset(known_all))
    english = _translations(content, checked, report)

    def on_time(item: NewsItem | None) -> bool:  # "scheduled" depends on the clock
        return item is None or item.scheduled == (item.date > now)

    news = [mem.recall("model", f.rel, (f, checked[f.rel], known_all, tz.key, assets, english.get(f.rel)),
                       lambda r: _news(f, checked[f.rel], known_all, tz, with_report(r), english.get(f.rel)),
                       report, on_time)
            for f in content.of_kind("news") if f.rel in checked]
    news = [n for n in news if n is not None]
    pages = [_page(f, checked[f.rel], checker, english.get(f.rel))
             for f in content.of_kind("page") if f.rel in checked]
    pages = [p for p in pages if p is not None]
    published = [n for n in news if include_drafts or (not n.draft and n.date <= now)]
    published.sort(key=lambda n: (n.date, n.slug), reverse=True)
    unpublished = tuple(sorted({n.source for n in news} - {n.source for n in published}))
    pages.sort(key=lambda p: (p.menu is None, p.menu or 0, p.slug))
    upcoming = min((n.date for n in news if n.date > now), default=None)
    return Site(config, masterplan, tuple(sorted(innovations, key=lambda i: i.id)),
                tuple(published), tuple(pages), unpublished, upcoming)


def _visible(text: str) -> str:
    """Show invisible control characters as \\x.. so an editor can see them."""
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 else c for c in text)


def _mojibake_warnings(src: SourceFile, report: Report) -> None:
    for f in mojibake.find(src.text):
        if f.repaired is not None:
            start = max(0, f.column - 20)
            excerpt = f.repaired[start:start + 70].strip()
            hint = msg("it probably should read: {text}", text=excerpt)
        else:
            hint = msg("retype the quotes and apostrophes here; the damage cannot be repaired with certainty")
        report.warning(src.rel, f.line, f.column,
                       msg("damaged text (a wrong encoding): {fragment}", fragment=_visible(f.damaged)),
                       hint, source_text=src.text)


def _checked(src: SourceFile | None, report: Report, validator) -> dict | None:
    """The file's data when it is a mapping that passes its schema, else ``None``."""
    if src is None:
        return None
    data = _strip_nulls(src.doc.data) if src.doc.has_null else src.doc.data
    if not isinstance(data, dict):
        report.error(src.rel, 1, 1, msg("the file must be a list of fields ('name: value'), "
                                        "not a single value or a list"),
                     source_text=src.text)
        return None
    before = len(report.errors)
    schema_diagnostics(src, data, report, validator)
    return data if len(report.errors) == before else None


def _zone(config: SiteConfig, src: SourceFile, report: Report) -> ZoneInfo:
    try:
        return ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        pos = src.doc.where(("timezone",))
        report.error(src.rel, pos.line, pos.column,
                     msg("unknown time zone '{zone}'", zone=config.timezone),
                     msg("for Kalimantan Selatan write Asia/Makassar (WITA)"), source_text=src.text)
        return ZoneInfo("Asia/Makassar")


def _site_config(src: SourceFile, d: dict, report: Report) -> SiteConfig:
    base = d["base_url"]
    if not base.startswith(("http://", "https://")):
        pos = src.doc.where(("base_url",))
        report.error(src.rel, pos.line, pos.column, msg("base_url must start with https:// or http://"),
                     source_text=src.text)
    if not base.endswith("/"):
        base += "/"
    c = d.get("contact", {})
    return SiteConfig(
        title=local(d["title"]), base_url=base, language=d["language"],
        timezone=d.get("timezone", "Asia/Makassar"), organisation=local(d["organisation"]),
        description=local(d.get("description")),
        contact=Contact(c.get("email"), c.get("phone"), c.get("address")), precompress=d.get("precompress", False))


def _masterplan(src: SourceFile, d: dict, c: _Checker) -> Masterplan:
    if d["period"]["end"] < d["period"]["start"]:
        c.error(src, ("period", "end"), msg("the period ends before it starts"))
    horizons = tuple(Horizon(k, local(d["horizons"][k]["name"]),
                             str(d["horizons"][k]["years"]) if "years" in d["horizons"][k] else None)
                     for k in ("short", "medium", "long"))
    dims = []
    seen: set[str] = set()
    for i, raw in enumerate(d["dimensions"]):
        if raw["id"] in seen:
            c.error(src, ("dimensions", i, "id"), msg("the dimension '{id}' is listed twice", id=raw["id"]))
        seen.add(raw["id"])
        elements = tuple(Element(e["id"], local(e["name"])) for e in raw.get("elements", []))
        dims.append(Dimension(raw["id"], local(raw["name"]), local(raw.get("description")), elements))
    ev = d.get("evaluation", {})
    past = tuple(sorted(x for i, raw in enumerate(ev.get("past", []))
                        if (x := c.date(src, ("evaluation", "past", i), raw)) is not None))
    settings = EvaluationSettings(c.date(src, ("evaluation", "next"), ev.get("next")), past, ev.get("cycle"),
                                  ev.get("stale_months", 12))
    return Masterplan(d["period"]["start"], d["period"]["end"], horizons, tuple(dims), settings)


def _innovation(src: SourceFile, d: dict, mp: Masterplan, c: _Checker) -> Innovation | None:
    ident = _stem(src.rel)
    if not SLUG_RE.match(ident):
        c.report.error(src.rel, 0, 0, msg("the file name '{name}' cannot be an innovation id", name=ident),
                       msg("rename the file to '{slug}.yaml': lower-case letters, digits and '-'",
                           slug=slugify(ident) or "nama-inovasi"))
        return None
    dimension = mp.dimension(d["dimension"])  # the schema allowed only the masterplan's ids
    element = d.get("element")
    if element and dimension.element(element) is None:
        names = [e.id for e in dimension.elements]
        c.error(src, ("element",), msg("the dimension '{dimension}' has no element '{value}'",
                                       dimension=dimension.id, value=element),
                msg("the elements of this dimension are: {values}", values=", ".join(names) or "-"))
    if not slugify(d["owner"]):
        c.error(src, ("owner",), msg("write the office's name or abbreviation with letters, e.g. DKISP"))
    if d.get("start_year") and d.get("target_year") and d["target_year"] < d["start_year"]:
        c.error(src, ("target_year",), msg("target_year is before start_year"))
    milestones = []
    for i, m in enumerate(d.get("milestones", [])):
        date = c.date(src, ("milestones", i, "date"), m["date"])
        if date:
            milestones.append(Milestone(date, local(m["title"]), bool(m.get("done", False))))
    evidence = []
    for i, e in enumerate(d.get("evidence", [])):
        has_file, has_url = "file" in e, "url" in e
        if has_file == has_url:
            c.error(src, ("evidence", i), msg("each evidence needs either 'file' (under assets/) or 'url', "
                                              "not both and not neither"), key=True)
        if has_file:
            c.asset(src, ("evidence", i, "file"), e["file"])
        evidence.append(Evidence(local(e["title"]), c.date(src, ("evidence", i, "date"), e.get("date")),
                                 _asset_name(e["file"]) if has_file else None, e.get("url"),
                                 e.get("area"), e.get("year")))
    history = []
    for i, h in enumerate(d.get("history", [])):
        date = c.date(src, ("history", i, "date"), h["date"])
        if date:
            history.append(HistoryEntry(date, h["progress"], h["status"], local(h.get("note"))))
    history.sort(key=lambda h: h.date)
    if d["status"] == "done" and d["progress"] < 100:
        c.warning(src, ("progress",), msg("the status is 'done' but progress is {progress}",
                                          progress=d["progress"]),
                  msg("set progress to 100, or change the status to 'in-progress'"))
    if d["status"] == "done" and not evidence:
        c.warning(src, ("status",), msg("the innovation is 'done' but has no evidence"),
                  msg("add the supporting documents (bukti dukung) under 'evidence:'"))
    tags = tuple(dict.fromkeys(slugify(t) for t in d.get("tags", []) if slugify(t)))
    return Innovation(
        id=ident, source=src.rel, name=local(d["name"]), dimension=d["dimension"], horizon=d["horizon"],
        owner=d["owner"], status=d["status"], progress=d["progress"], start_year=d.get("start_year"),
        target_year=d.get("target_year"), element=element, quick_win=bool(d.get("quick_win", False)),
        summary=local(d.get("summary")), tags=tags, milestones=tuple(sorted(milestones, key=lambda m: m.date)),
        evidence=tuple(evidence), history=tuple(history))


def _unique_innovations(innovations: list[Innovation], report: Report) -> list[Innovation]:
    """The innovations with the first of each id; a second file with an id is an error."""
    seen: dict[str, Innovation] = {}
    for inn in innovations:
        if inn.id in seen:
            report.error(inn.source, 0, 0, msg("the innovation id '{id}' is already used by {other}",
                                               id=inn.id, other=seen[inn.id].source))
        else:
            seen[inn.id] = inn
    return list(seen.values())


def _translations(content: Content, checked: dict, report: Report) -> dict:
    """Original file -> (front matter, Translation) of its ``.en.md`` beside it."""
    from .load import TRANSLATION_SUFFIX

    originals = {f.rel for f in content.files if f.kind in ("news", "page")}
    found = {}
    for src in content.of_kind("translation"):
        original = src.rel[: -len(TRANSLATION_SUFFIX)] + ".md"
        if original not in originals:
            report.error(src.rel, 0, 0, msg("this translation has no original: {original} does not exist",
                                            original=original),
                         msg("name the translation after the original, e.g. rakoor.en.md beside rakoor.md"))
        elif src.rel in checked:
            found[original] = (checked[src.rel], Translation(src.rel, src.body, src.body_line))
    return found


def _both(indonesian: str | None, english: str | None) -> LocalText | None:
    return LocalText(indonesian, english) if indonesian else None


def _stem(rel: str) -> str:
    """The file's name without its last suffix, as ``Path(rel).stem`` (made for every item: kept cheap)."""
    name = rel.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def _date_and_time(raw: str) -> dt.datetime:
    """'2023-05-25 09:00' (the schema checked the form); ValueError when it is not in the calendar or the day.

    ``fromisoformat`` is C and reads the usual two-digit hour; ``strptime``, ten times slower, also
    reads the one-digit hour the schema allows ('2023-05-25 9:00').
    """
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        return dt.datetime.strptime(raw, "%Y-%m-%d %H:%M")


def _news(src: SourceFile, d: dict, known: set[str], tz: ZoneInfo, c: _Checker,
          english: tuple | None = None) -> NewsItem | None:
    en, translation = english or ({}, None)
    raw_date = d["date"]
    try:
        if " " in raw_date:
            when = _date_and_time(raw_date)
        else:
            when = dt.datetime.combine(dt.date.fromisoformat(raw_date), dt.time())
    except ValueError:
        c.error(src, ("date",), msg("{value} is not a date in the calendar", value=raw_date),
                msg("write dates as 2023-05-25"))
        return None
    when = when.replace(tzinfo=tz)
    slug = d.get("slug") or _stem(src.rel)
    if not SLUG_RE.match(slug):
        c.report.error(src.rel, 0, 0, msg("the file name '{name}' cannot be part of a web address",
                                          name=Path(src.rel).name),
                       msg("rename the file to '{slug}.md', or set 'slug:'", slug=slugify(slug) or "berita"))
        return None
    for i, ident in enumerate(d.get("innovations", [])):
        if ident not in known:
            close = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
            c.error(src, ("innovations", i), msg("there is no innovation '{id}'", id=ident),
                    msg("did you mean '{value}'?", value=close[0]) if close
                    else msg("the id is the file name in content/innovations/ without .yaml"))
    if "image" in d:
        c.asset(src, ("image",), d["image"])
        if "image_alt" not in d:
            c.error(src, ("image",), msg("the image has no 'image_alt'"),
                    msg("describe the picture in one sentence for readers who cannot see it"), key=True)
    folder = src.rel.rsplit("/", 2)[-2]
    if folder.isdigit() and len(folder) == 4 and int(folder) != when.year:
        c.warning(src, ("date",), msg("the file is in the folder {folder} but dated {year}; its address uses "
                                      "the year of the date", folder=folder, year=when.year),
                  msg("move the file to content/news/{year}/", year=when.year))
    if when > c.now and not d.get("draft"):
        c.warning(src, ("date",), msg("the date is in the future: the item is published by the first "
                                      "build after {date}", date=raw_date))
    tags = []
    for t in d.get("tags", []):
        s = slugify(t)
        if s:
            tags.append(Tag(s, t))
    return NewsItem(
        source=src.rel, slug=slug, title=LocalText(d["title"], en.get("title")), date=when, body=src.body,
        body_line=src.body_line, place=d.get("place"), reporter=d.get("reporter"), editor=d.get("editor"),
        uploader=d.get("uploader"), source_name=d.get("source"), via=d.get("via"),
        source_url=d.get("source_url"),
        summary=_both(d.get("summary"), en.get("summary")),
        image=_asset_name(d["image"]) if "image" in d else None,
        image_alt=_both(d.get("image_alt"), en.get("image_alt")),
        tags=tuple(dict.fromkeys(tags)), innovations=tuple(d.get("innovations", [])),
        draft=bool(d.get("draft", False)), has_time=" " in raw_date, en=translation, scheduled=when > c.now)


def _page(src: SourceFile, d: dict, c: _Checker, english: tuple | None = None) -> Page | None:
    en, translation = english or ({}, None)
    slug = d.get("slug") or _stem(src.rel)
    if not SLUG_RE.match(slug):
        c.report.error(src.rel, 0, 0, msg("the file name '{name}' cannot be part of a web address",
                                          name=Path(src.rel).name),
                       msg("rename the file to '{slug}.md', or set 'slug:'", slug=slugify(slug) or "halaman"))
        return None
    return Page(src.rel, slug, LocalText(d["title"], en.get("title")), src.body, src.body_line, d.get("menu"),
                translation)
