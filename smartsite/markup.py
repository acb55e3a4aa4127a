"""How Markdown becomes safe HTML: the only Markdown configuration.

* Python-Markdown with the ``extra`` and ``sane_lists`` extensions, one
  instance reused (``reset()``) per process;
* links and images pass through a resolver supplied by the caller, which
  turns links to content files (``../innovations/sipades.yaml``) and site
  paths (``/inovasi/sipades/``) into the target's URL under the base path and
  reports links to pages that do not exist;
* headings are shifted down one level (``#`` becomes ``<h2>``), since the page
  title is the page's only ``<h1>``;
* the result passes through the ``nh3`` allow-list sanitizer, so raw HTML an
  editor pasted can never carry script, event handlers, ``javascript:`` or
  ``data:`` URLs, frames, objects or styles.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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
class LinkProblem:
    href: str
    line: int  # 1-based within the Markdown text
    column: int
    message: object  # a diagnostics Message


class _Links(Treeprocessor):
    def __init__(self, md, owner: "MarkdownRenderer"):
        super().__init__(md)
        self.owner = owner

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag in ("h1", "h2", "h3", "h4", "h5"):
                el.tag = "h" + str(int(el.tag[1]) + 1)
            for attr in ("href", "src"):
                value = el.get(attr)
                if value is not None and el.tag in ("a", "img"):
                    new = self.owner._resolve(value)
                    if new is not None:
                        el.set(attr, new)


class _LinkExtension(Extension):
    def __init__(self, owner: "MarkdownRenderer"):
        super().__init__()
        self.owner = owner

    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(_Links(md, self.owner), "smartsite_links", 1)


class MarkdownRenderer:
    """Reusable converter; not thread-safe (one per process)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["extra", "sane_lists", _LinkExtension(self)],
                                     output_format="html")
        self._resolver: Resolver | None = None
        self._problems: list[tuple[str, object]] = []

    def _resolve(self, href: str) -> str | None:
        if self._resolver is None:
            return None
        new, problem = self._resolver(href)
        if problem is not None:
            self._problems.append((href, problem))
        return new

    def render(self, text: str, resolver: Resolver | None = None) -> tuple[str, list[LinkProblem]]:
        self._resolver = resolver
        self._problems = []
        try:
            html = self._md.reset().convert(text)
        finally:
            self._resolver = None
        problems = [LinkProblem(href, *_locate(text, href), message) for href, message in self._problems]
        return sanitize(html), problems


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True)


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


_TAG_RE = re.compile(r"<[^>]+>")
_PARA_RE = re.compile(r"<p>(.*?)</p>", re.S)


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
