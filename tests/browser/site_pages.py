"""The pages of a built site, grouped into page kinds.

Shared by the browser tests (one URL per kind) and ``tests/test_page_weight.py`` (the heaviest page of
each kind). Nothing here knows the portal's addresses: kinds are read off the output folder, so a new
section (``/cari/``, ``/evaluasi/``, ``/en/...``) becomes a new kind without editing the tests.

A page's kind is its path with the variable parts replaced:

* a language folder at the top (``en/``, a folder whose ``index.html`` says ``<html lang="en"``)
  is kept, together with the section after it;
* the first segment (the section: ``inovasi``, ``berita``, ``topik``...) is kept;
* a numeric segment becomes ``<n>`` (``berita/<n>/<id>``, ``berita/halaman/<n>``);
* a folder that is no page itself, only holds pages (``halaman/``, ``page/``, ``inovasi/opd/``), is kept;
* any other segment becomes ``<id>`` (``inovasi/<id>``, ``topik/<id>``, ``jangka/<id>``).

Pages that are not ``index.html`` (``404.html``) are a kind of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: where a kind has several pages, this one represents it if it exists (else the first by path)
PREFERRED = ("jangka/pendek/", "en/term/short/")

_LANG_RE = re.compile(r"^[a-z]{2}(-[a-z0-9]+)?$")
_HTML_LANG_RE = re.compile(r"<html[^>]*\blang=\"([^\"]+)\"", re.I)


@dataclass(frozen=True)
class Page:
    path: str   # the URL path under the site's base, "" for the home page: "inovasi/sipades/", "404.html"
    file: Path  # the HTML file in the output folder


def html_pages(out: Path) -> list[Page]:
    """Every HTML page of the output folder, sorted by path."""
    pages = []
    for file in sorted(out.rglob("*.html")):
        rel = file.relative_to(out).as_posix()
        if rel == "index.html":
            path = ""
        elif rel.endswith("/index.html"):
            path = rel[: -len("index.html")]
        else:
            path = rel
        pages.append(Page(path, file))
    return sorted(pages, key=lambda p: p.path)


def _language_folders(out: Path) -> set[str]:
    langs = set()
    for child in out.iterdir():
        index = child / "index.html"
        if child.is_dir() and _LANG_RE.match(child.name) and index.is_file():
            m = _HTML_LANG_RE.search(index.read_text(encoding="utf-8", errors="replace")[:2000])
            if m and m.group(1).lower().startswith(child.name):
                langs.add(child.name)
    return langs


def _container(folder: Path) -> bool:
    """A folder of pages that is no page itself (``berita/halaman/``, ``inovasi/opd/``)."""
    return folder.is_dir() and not (folder / "index.html").exists() and any(c.is_dir() for c in folder.iterdir())


def kind_of(page: Page, out: Path, langs: set[str] | None = None) -> str:
    """The page's kind, e.g. ``home``, ``inovasi``, ``inovasi/<id>``, ``en/news/<n>/<id>``, ``404.html``."""
    langs = _language_folders(out) if langs is None else langs
    segments = [s for s in page.path.split("/") if s]
    if not page.path.endswith("/") and page.path:  # a named file such as 404.html
        return page.path
    prefix, folder = [], out
    if segments and segments[0] in langs:
        prefix, folder = [segments[0]], out / segments[0]
        segments = segments[1:]
    if not segments:
        return "/".join(prefix + ["home"])
    parts = [segments[0]]
    folder = folder / segments[0]
    for seg in segments[1:]:
        folder = folder / seg
        if seg.isdigit():
            parts.append("<n>")
        elif _container(folder):
            parts.append(seg)
        else:
            parts.append("<id>")
    return "/".join(prefix + parts)


def pages_by_kind(out: Path) -> dict[str, list[Page]]:
    """Kind -> its pages (sorted by path); kinds in the order of their first page."""
    langs = _language_folders(out)
    groups: dict[str, list[Page]] = {}
    for page in html_pages(out):
        groups.setdefault(kind_of(page, out, langs), []).append(page)
    return groups


def representatives(out: Path) -> dict[str, Page]:
    """One page per kind: a preferred one where it exists, else the first by path."""
    chosen = {}
    for kind, pages in pages_by_kind(out).items():
        preferred = [p for p in pages if p.path in PREFERRED]
        chosen[kind] = (preferred or pages)[0]
    return chosen
