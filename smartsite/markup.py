"""How Markdown becomes safe HTML: the only Markdown configuration.

* Python-Markdown with the ``extra`` and ``sane_lists`` extensions, one
  instance reused (``reset()``) per process;
* links and images pass through a resolver supplied by the caller, which
  turns links to content files (``../innovations/sipades.yaml``) and site
  paths (``/inovasi/sipades/``) into the target's URL under the base path and
  reports links to pages that do not exist;
* headings are shifted down one level when the text uses ``#`` (it becomes
  ``<h2>``), since the page title is the page's only ``<h1>``; text whose
  sections start at ``##`` keeps its levels;
* the result passes through the ``nh3`` allow-list sanitizer, so raw HTML an
  editor pasted can never carry script, event handlers, ``javascript:`` or
  ``data:`` URLs, frames, objects or styles.
"""

from __future__ import annotations

import functools
import importlib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import markdown
import nh3

from .diagnostics import msg
from .markdown_steps import TextSteps
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor

# (href, source) -> (new href or None to keep, problem message or None)
Resolver = Callable[[str], "tuple[str | None, object | None]"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "lang", "title"},
    "div": {"role", "tabindex", "aria-label"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "ol": {"start"},
    "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class MarkupProblem:
    href: str  # the link concerned; empty for a problem of the whole text
    line: int  # 1-based within the Markdown text
    column: int
    message: object  # a diagnostics Message
    hint: object = None


class _Links(Treeprocessor):
    def __init__(self, md, owner: "MarkdownRenderer"):
        super().__init__(md)
        self.owner = owner

    def run(self, root: etree.Element) -> None:
        if any(el.tag == "h1" for el in root.iter()):  # the page's title is its only <h1>
            for el in root.iter():
                if el.tag in ("h1", "h2", "h3", "h4", "h5"):
                    el.tag = "h" + str(int(el.tag[1]) + 1)
        for el in root.iter():
            if el.tag == "table" and el.get("data-wrapped") is None:
                _wrap_table(el, root)
            if el.tag in ("a", "img"):
                for attr in ("href", "src"):
                    value = el.get(attr)
                    if value is not None:
                        el.set(attr, self.owner._mark(value))


def _wrap_table(table: etree.Element, root: etree.Element) -> None:
    """Put a wide table in a focusable scrolling box, so phones never scroll the page sideways."""
    for parent in root.iter():
        children = list(parent)
        if table in children:
            index = children.index(table)
            box = etree.Element("div", {"class": "table-scroll", "role": "region", "tabindex": "0"})
            caption = table.find("caption")
            box.set("aria-label", "".join(caption.itertext()) if caption is not None else "Tabel")
            parent.remove(table)
            parent.insert(index, box)
            table.set("data-wrapped", "1")
            box.append(table)
            return


class _LinkExtension(Extension):
    def __init__(self, owner: "MarkdownRenderer"):
        super().__init__()
        self.owner = owner

    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(_Links(md, self.owner), "smartsite_links", 1)


# Where a link stands in converted HTML until it is resolved: characters that are not text (and are removed
# from the text before conversion), around the link's number.
_MARK_OPEN, _MARK_CLOSE = "\x1e", "\x1f"
_MARK_RE = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")
_NO_MARKS = str.maketrans("", "", _MARK_OPEN + _MARK_CLOSE)


@dataclass(frozen=True)
class Converted:
    """Markdown turned into HTML whose links are not resolved yet (see :meth:`MarkdownRenderer.convert`).

    ``html`` holds a numbered mark where each link's target goes; ``links`` are
    the targets as written, and ``kept`` what each becomes when the resolver
    leaves it alone. Converting does not depend on the site's routes, so it can
    start before they are known.
    """

    html: str
    links: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    problem: "MarkupProblem | None" = None  # the whole text could not be converted

    def resolve(self, text: str, resolver: Resolver | None) -> tuple[str, list[MarkupProblem], list]:
        """``(safe html, link problems, [(href, what it became)])`` with every link resolved."""
        if self.problem is not None:
            return "", [self.problem], []
        found: list[tuple[str, str | None]] = []
        problems: list[tuple[str, object]] = []
        targets = []
        for href, kept in zip(self.links, self.kept):
            new, problem = resolver(href) if resolver is not None else (None, None)
            if resolver is not None:
                found.append((href, new))
            if problem is not None:
                problems.append((href, problem))
            targets.append(_attribute(new) if new is not None else kept)
        html = _MARK_RE.sub(lambda m: targets[int(m.group(1))], self.html) if targets else self.html
        return sanitize(html), located(text, problems), found


def leads_outside(href: str) -> bool:
    """A link no resolver changes or questions: another site, a mail address, a place in the same page."""
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc or href.startswith("#") or not parts.path)


def _extensions() -> list[Extension]:
    """``extra`` (the extensions its module lists, in its order) and ``sane_lists``, each made by its own
    module's ``makeExtension``.

    Named as strings, Python-Markdown first looks for each name among every installed package's entry
    points: that reads the metadata of every installed distribution, 30-40 ms in each process that makes a
    converter (and an installed plugin declaring one of these names would take its place)."""
    from markdown.extensions import extra

    return [importlib.import_module(f"markdown.extensions.{name}").makeExtension()
            for name in (*extra.extensions, "sane_lists")]


class MarkdownRenderer:
    """Reusable converter; not thread-safe (one per process)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=[*_extensions(), _LinkExtension(self)], output_format="html")
        self._steps = TextSteps(self._md)
        self._links: list[str] = []
        self._kept: list[str] = []
        self.links: list[tuple[str, str | None]] = []  # (href, what it became) of the last render, in order

    def _mark(self, href: str) -> str:
        """The link's mark in the tree; what it stands for is written after serialisation."""
        self._links.append(href)
        self._kept.append(_attribute(href))
        return f"{_MARK_OPEN}{len(self._links) - 1}{_MARK_CLOSE}"

    def convert(self, text: str) -> Converted:
        """The text as HTML with its links marked, to be resolved by :meth:`Converted.resolve`."""
        problem = complexity_problem(text)
        if problem is not None:
            return Converted("", problem=MarkupProblem("", *problem, msg("split it into shorter paragraphs or lists")))
        self._links, self._kept = [], []
        text = text.translate(_NO_MARKS)
        with self._steps.only_for(text):
            html = self._md.reset().convert(text)
        return Converted(html, tuple(self._links), tuple(self._kept))

    def render(self, text: str, resolver: Resolver | None = None) -> tuple[str, list[MarkupProblem]]:
        html, problems, self.links = self.convert(text).resolve(text, resolver)
        return html, problems


_unescape = UnescapeTreeprocessor().unescape


def _attribute(value: str) -> str:
    """An attribute value set by the link step, as Markdown writes it: its escaped characters restored
    (the step that restores them runs after links are marked), then escaped for HTML by its serialiser."""
    from markdown.serializers import _escape_attrib_html

    return _escape_attrib_html(_unescape(value))


def located(text: str, problems) -> list[MarkupProblem]:
    """``(href, message)`` pairs as problems at the link's line and column in ``text``."""
    return [MarkupProblem(href, *_locate(text, href), message) for href, message in problems]


# One sanitizer, its allow-lists turned into ammonia's once: nh3.clean() converts them on every call,
# which was half the time of cleaning a 380-word news item (0.096 against 0.044 ms).
_SANITIZER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                         link_rel="noopener noreferrer", strip_comments=True,
                         allowed_classes={"div": {"table-scroll"}})


def sanitize(html: str) -> str:
    return _SANITIZER.clean(html)


def _locate(text: str, href: str) -> tuple[int, int]:
    """Line and column of a link target in the Markdown source (first occurrence)."""
    for pattern in ("(" + href, "<" + href, href):
        index = text.find(pattern)
        if index >= 0:
            index += len(pattern) - len(href)
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 1
            return line, column
    return 1, 1


# Python-Markdown's inline patterns take time quadratic in the number of brackets
# of a block, and its list parser quadratic in nesting. These bounds keep any
# 2 MiB file under a few seconds while leaving ordinary writing far below them.
MAX_BRACKETS_PER_BLOCK = 2_000
MAX_BRACKET_WORK = 15_000_000  # sum over blocks of (brackets in the block) squared
MAX_INDENT = 96  # columns of leading whitespace (about 24 nested lists)


_DEEP_LINE = re.compile(r"^[ \t]{%d}" % (MAX_INDENT + 1), re.MULTILINE)


def complexity_problem(text: str):
    """``(line, column, message)`` when the text is built to be slow to parse, else ``None``."""
    brackets = text.count("[") + text.count("(")
    if brackets <= MAX_BRACKETS_PER_BLOCK and brackets * brackets <= MAX_BRACKET_WORK \
            and _DEEP_LINE.search(text) is None:
        return None  # no block can hold more brackets than the text, nor a line be indented deeper
    return _block_by_block(text)


def _block_by_block(text: str):
    """:func:`complexity_problem` for a text that may have one: the first block or line that does."""
    work = 0
    line_no = 1
    for index, block in enumerate(re.split(r"(\n[ \t]*\n)", text)):
        if index % 2 == 0 and block.strip():  # odd items are the blank-line separators
            count = block.count("[") + block.count("(")
            work += count * count
            if count > MAX_BRACKETS_PER_BLOCK or work > MAX_BRACKET_WORK:
                first = line_no + block[: len(block) - len(block.lstrip())].count("\n")
                return first, 1, msg("this paragraph has {count} brackets, too many to be read safely",
                                       count=count)
            for offset, line in enumerate(block.split("\n")):
                indent = len(line) - len(line.lstrip(" \t"))
                if indent > MAX_INDENT and line.strip():
                    return line_no + offset, 1, msg("this line is indented {indent} columns, too deep to be "
                                                    "read safely", indent=indent)
        line_no += block.count("\n")
    return None


_TAG_RE = re.compile(r"<[^>]+>")
_PARA_RE = re.compile(r"<p>(.*?)</p>", re.S)


@functools.lru_cache(maxsize=1 << 16)  # a preview asks again for every unchanged item on every save
def first_paragraph_text(html: str, limit: int = 300) -> str:
    """Plain text of the first paragraph, for summaries and meta descriptions."""
    import html as html_lib

    match = _PARA_RE.search(html)
    text = html_lib.unescape(_TAG_RE.sub("", match.group(1) if match else html)).strip()
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0]
        text = cut.rstrip(",.;:") + "…"
    return text
