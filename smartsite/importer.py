"""Plain-text articles, as editors paste them, turned into news items.

Regional news arrives as plain text copied from a radio station's site or from
InfoPublik (the format is described in the shared reference): the title on the
first line, a dateline (``MARTAPURA,-``) opening the first paragraph, the event
date inside the prose (``Selasa (14/3/2023) pagi``), one paragraph per line,
then credit lines, a syndication line and ``Source:: INFOPUBLIK``.

:func:`parse_article` reads such a text into front matter and a Markdown body
and :func:`render_markdown` writes the news file. Nothing is guessed: a value
that is not in the text (a date, a place, a credit) is left out with a warning,
so the editor fills it in; the item is always a draft. Text damaged by a wrong
encoding is repaired line by line with ftfy (see :mod:`smartsite.mojibake`);
certain repairs are silent, the others are warnings located in the input file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

import ftfy
import yaml
from ftfy.badness import is_bad

from . import mojibake
from .diagnostics import Diagnostic, Message, Severity, msg
from .urls import slugify

SLUG_LIMIT = 60

FRONT_ORDER = ("title", "date", "place", "reporter", "editor", "uploader", "source", "via", "source_url",
               "tags", "draft")

# The label of a credit line, in any case, and the field it fills.
CREDIT_LABELS = {
    "reporter": "reporter", "penulis": "reporter", "pewarta": "reporter",
    "editor": "editor", "redaktur": "editor",
    "uploader": "uploader", "pengunggah": "uploader",
}
CREDITS = (("reporter", "Reporter"), ("editor", "Editor"), ("uploader", "Uploader"))

# Syndication services whose usual spelling is not plain title case.
VIA_NAMES = {"infopublik": "InfoPublik", "rri": "RRI", "tvri": "TVRI"}

_CREDIT_RE = re.compile(r"^(?P<label>" + "|".join(CREDIT_LABELS) + r")\s*:(?!:)\s*(?P<name>.*?)\s*$",
                        re.IGNORECASE)
_SYNDICATION_RE = re.compile(
    r"^Artikel\s+(?P<title>.+?)\s+pertama\s+kali\s+(?:tampil|tayang|terbit)\s+(?:pada|di)\s+"
    r"(?P<outlet>.+?)[\s.]*$", re.IGNORECASE)
_SOURCE_RE = re.compile(r"^(?:Source\s*::?|Sumber\s*::)\s*(?P<via>.+?)\s*$", re.IGNORECASE)

# A place (one to four words of letters, in capitals or capitalised), then ",-" with any spacing.
_WORD = r"[^\W\d_][^\W\d_.'’]*\.?"
_DATELINE_RE = re.compile(rf"^(?P<place>{_WORD}(?:[ -]{_WORD}){{0,3}})\s*,\s*[-–—]")
_DATE_RE = re.compile(r"\(\s*(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\s*\)")
_TIME_RE = re.compile(
    r"\b(?:pukul|pkl\.?|jam)\s*(?P<h>\d{1,2})\s*[.:]\s*(?P<min>\d{2})(?!\d)"
    r"(?:\s*(?P<zone>WITA|WIB|WIT)\b)?(?:\s+(?P<part>pagi|siang|sore|malam)\b)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+")

# Any character that can follow "â€" in UTF-8 read as Windows-1252: the third byte 0x80..0xBF as
# Windows-1252 shows it, or as a C1 control (bytes Windows-1252 leaves undefined, or text read as Latin-1).
_CONTINUATION = frozenset(
    {bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xC0)}
    | {chr(b) for b in range(0x80, 0xA0)})
_OPENING, _CLOSING = "\u201c", "\u201d"


@dataclass(frozen=True)
class ImportedArticle:
    front: dict  # the front matter, keys in FRONT_ORDER
    body: str  # Markdown, one paragraph per input line
    slug: str  # slugify(title), at most 60 characters, cut at a word boundary
    year: int  # of the date, or of `today` when the text has none
    diagnostics: tuple  # Diagnostic items located in the input file


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based, in the input
    raw: str  # as written (without BOM and line ending)
    text: str  # repaired
    origin: tuple  # for each index of `text`, plus one past the end: the index in `raw`

    def column(self, index: int) -> int:
        """The 1-based column in the input of ``text[index]``."""
        return self.origin[max(0, min(index, len(self.origin) - 1))] + 1


class _Diagnostics:
    def __init__(self, path: str):
        self.path = path
        self.items: list[Diagnostic] = []

    def add(self, severity: Severity, line: _Line | None, column: int, message: Message,
            hint: Message | None = None) -> None:
        self.items.append(Diagnostic(severity, self.path, line.number if line else 0,
                                     column if line else 0, message, hint, line.raw if line else None))

    def error(self, line, column, message, hint=None):
        self.add(Severity.ERROR, line, column, message, hint)

    def warning(self, line, column, message, hint=None):
        self.add(Severity.WARNING, line, column, message, hint)


def parse_article(text: str, path: str, today: dt.date) -> ImportedArticle:
    """Read one pasted article; problems are diagnostics (located in ``text``), never exceptions."""
    report = _Diagnostics(path)
    raw_lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_repair(raw, number, report) for number, raw in enumerate(raw_lines, start=1)]
    content = [line for line in lines if line.text.strip()]
    front: dict = {}
    if not content:
        report.error(None, 0, msg("the file is empty"))
        return _article(front, [], today, report)

    title_line, rest = content[0], content[1:]
    if _find_place(title_line.text) is not None:
        report.error(title_line, 1, msg("there is no title: the first line already starts the article text"))
        rest = content
    else:
        front["title"] = title_line.text.strip()

    body: list[_Line] = []
    for line in rest:
        stripped = line.text.strip()
        if credit := _CREDIT_RE.match(stripped):
            key = CREDIT_LABELS[credit["label"].lower()]
            if credit["name"] and key not in front:
                front[key] = credit["name"]
        elif syndication := _SYNDICATION_RE.match(stripped):
            front.setdefault("source", syndication["outlet"])
        elif source := _SOURCE_RE.match(stripped):
            front.setdefault("via", _readable_via(source["via"]))
        else:
            body.append(line)

    if not body:
        report.error(title_line, 1, msg("the article has a title but no text"))
    else:
        _dateline(body[0], front, report)
        _event_date(body, front, report)
    for key, label in CREDITS:
        if key not in front and body:
            report.warning(None, 0, msg("no {credit} line found; '{field}' is left out", credit=label, field=key))
    front["draft"] = True
    return _article(front, body, today, report)


def render_markdown(article: ImportedArticle) -> str:
    """The news file: ``---``, the front matter, ``---``, a blank line, the body."""
    lines = ["---"]
    for key in FRONT_ORDER:
        if key not in article.front:
            continue
        value = article.front[key]
        if key == "tags":
            lines.append(f"tags: [{', '.join(_scalar(t) for t in value)}]")
        elif key == "draft":
            lines.append(f"draft: {'true' if value else 'false'}")
        elif key == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", value):
            lines.append(f"date: {value}")  # the site reads dates as text, like the other content
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines += ["---", "", article.body, ""]
    return "\n".join(lines)


# -- the parts of an article ---------------------------------------------------------------------------


def _article(front: dict, body: list[_Line], today: dt.date, report: _Diagnostics) -> ImportedArticle:
    ordered = {key: front[key] for key in FRONT_ORDER if key in front}
    date = ordered.get("date")
    year = int(date[:4]) if date else today.year
    paragraphs = "\n\n".join(line.text.strip() for line in body)
    return ImportedArticle(ordered, paragraphs, short_slug(ordered.get("title", "")), year,
                           tuple(report.items))


def short_slug(title: str, limit: int = SLUG_LIMIT) -> str:
    """slugify(title), at most ``limit`` characters, cut between words (a single long word is cut)."""
    slug = slugify(title)
    if len(slug) <= limit:
        return slug
    if slug[limit] == "-":
        return slug[:limit]
    cut = slug[:limit].rsplit("-", 1)[0]
    return cut.rstrip("-")


def _find_place(text: str) -> str | None:
    """The place of the dateline that starts ``text`` (MARTAPURA,- or Martapura,-), in title case."""
    match = _DATELINE_RE.match(text.strip())
    # a place is written in capitals (MARTAPURA) or at least capitalised (Martapura)
    if match and all(word[:1].isupper() for word in re.split(r"[ -]", match["place"])):
        return _title_case(match["place"])
    return None


def _dateline(first: _Line, front: dict, report: _Diagnostics) -> None:
    place = _find_place(first.text)
    if place is not None:
        front["place"] = place
        return
    indent = len(first.text) - len(first.text.lstrip())
    report.warning(first, first.column(indent),
                   msg("no dateline found; 'place' is left out"),
                   msg("the first paragraph usually starts with the place in capitals and ',-', "
                       "for example MARTAPURA,-"))


def _event_date(body: list[_Line], front: dict, report: _Diagnostics) -> None:
    for line in body:
        match = _DATE_RE.search(line.text)
        if match:
            break
    else:
        report.warning(None, 0, msg("no event date found; fill in 'date'"),
                       msg("the date is read from the text, written in brackets like (14/3/2023)"))
        return
    written = match.group(0)[1:-1].replace(" ", "")
    try:
        date = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        report.warning(line, line.column(match.start()), msg("{value} is not a date in the calendar", value=written),
                       msg("'date' is left out; fill it in by hand"))
        return
    front["date"] = date.isoformat()
    time = _nearby_time(line, match)
    if time is None:
        return
    found, hour, minute = time
    column = line.column(found.start())
    shown = found.group(0)
    if found["zone"] and found["zone"].upper() != "WITA":
        report.warning(line, column, msg("the time \"{time}\" is not in WITA; only the date is kept", time=shown))
    elif not (0 <= hour <= 23 and 0 <= minute <= 59):
        report.warning(line, column, msg("\"{time}\" is not a time of day; only the date is kept", time=shown))
    else:
        front["date"] = f"{date.isoformat()} {hour:02d}:{minute:02d}"


def _nearby_time(line: _Line, date: re.Match) -> tuple[re.Match, int, int] | None:
    """The clock time stated in the same sentence as the date, the closest one; ``None`` if there is none."""
    text = line.text
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if end.end() <= date.start():
            start = end.end()
        elif end.start() >= date.end():
            stop = end.start()
            break
    else:
        stop = len(text)
    times = [t for t in _TIME_RE.finditer(text, start, stop)]
    if not times:
        return None
    found = min(times, key=lambda t: min(abs(t.start() - date.end()), abs(date.start() - t.end())))
    hour, minute = int(found["h"]), int(found["min"])
    part = (found["part"] or "").lower()
    if 1 <= hour <= 11 and (part in ("sore", "malam") or part == "siang" and hour <= 5):
        hour += 12  # "pukul 2.00 siang" is 14:00
    return found, hour, minute


def _title_case(place: str) -> str:
    return re.sub(r"[^\W\d_][^\s-]*", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), place)


def _readable_via(value: str) -> str:
    value = value.rstrip(". ")
    known = VIA_NAMES.get(value.lower())
    if known:
        return known
    return _title_case(value) if value.isupper() else value


def _scalar(value: str) -> str:
    """A YAML scalar for ``value``: as written when YAML reads it back unchanged, else double-quoted."""
    value = str(value)
    printable = all(c.isprintable() or c == " " for c in value)
    if printable and value == value.strip() and value:
        try:
            if yaml.safe_load(f"k: {value}\n") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1 << 30).strip()


# -- damaged text ----------------------------------------------------------------------------------------


def _repair(raw: str, number: int, report: _Diagnostics) -> _Line:
    """One line with its encoding damage undone, knowing where each character came from."""
    chars, origin = [], []
    lost = []  # (index in raw, chosen character) of sequences that lost their last byte
    balance = 0  # quotations opened and not yet closed on this line
    i = 0
    while i < len(raw):
        if raw.startswith("â€", i):
            after = raw[i + 2:i + 3]
            if after in _CONTINUATION and after:
                balance += {"œ": 1, "\u009d": -1}.get(after, 0)
                chars += raw[i:i + 3]
                origin += [i, i + 1, i + 2]
                i += 3
                continue
            chosen = _lost_byte(raw[i - 1:i], after, balance)
            balance += {_OPENING: 1, _CLOSING: -1}.get(chosen, 0)
            lost.append((i, chosen))
            chars.append(chosen)
            origin.append(i)
            i += 2
            continue
        balance += {_OPENING: 1, _CLOSING: -1}.get(raw[i], 0)
        chars.append(raw[i])
        origin.append(i)
        i += 1
    origin.append(len(raw))
    pre = "".join(chars)

    fixed, certain = _fix(pre)
    if fixed == pre:
        fixed_origin = origin
    else:
        fixed_origin = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, pre, fixed, autojunk=False).get_opcodes():
            if op == "equal":
                fixed_origin += origin[i1:i2]
            else:
                fixed_origin += [origin[i1]] * (j2 - j1)
        fixed_origin.append(len(raw))
    line = _Line(number, raw, fixed, tuple(fixed_origin))

    for index, chosen in lost:
        report.warning(line, index + 1,
                       msg("damaged text (a wrong encoding): {fragment} was taken to be {repaired}",
                           fragment=_visible(raw[index:index + 2]), repaired=chosen),
                       msg("a byte of this character was lost in an earlier copy; compare with the original "
                           "article"))
    if not certain and (fixed != pre or mojibake.find(fixed)):
        findings = mojibake.find(pre)
        if findings:
            index, fragment = origin[findings[0].column - 1], findings[0].damaged
        else:
            index = origin[next((k for k, (a, b) in enumerate(zip(pre, fixed)) if a != b), 0)]
            fragment = raw[index:index + 3]
        report.warning(line, index + 1, msg("damaged text (a wrong encoding): {fragment}",
                                            fragment=_visible(fragment)),
                       msg("retype the quotes and apostrophes here; the damage cannot be repaired "
                           "with certainty"))
    return line


def _fix(text: str) -> tuple[str, bool]:
    """``(text, certain)`` as :func:`mojibake.repair_line` gives them, with HTML entities left alone."""
    fixed = ftfy.fix_text(text, mojibake.fix_config())
    certain = not is_bad(fixed) and not any(s in fixed for s in ("â€", "†", "\ufffd"))
    return fixed, certain


def _lost_byte(before: str, after: str, balance: int) -> str:
    """The most likely character for "â€" whose last byte was lost, from its neighbours."""
    if before.isalpha() and after.isalpha():
        return "\u2019"  # Jum’at
    if balance > 0:
        return _CLOSING  # closes the quotation opened earlier on the line
    if after.isalnum() and (not before or before.isspace() or before in "([{"):
        return _OPENING  # at the start of a word
    if before and not before.isspace():
        return _CLOSING  # right after a word or its punctuation
    return _OPENING


def _visible(text: str) -> str:
    """Invisible control characters shown as \\x.. so an editor can see them."""
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 else c for c in text)
