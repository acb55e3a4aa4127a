"""Does every internal link of a built site resolve? (reads the output only)

Walks the HTML files of an output folder, collects every ``href`` and
``src`` (and ``srcset``), and checks that each link under the site's base
path names a file in the output, and that each ``#anchor`` exists on its
target page. External links are listed, not fetched.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id",) or (tag == "a" and name == "name"):
                self.ids.add(value)
            if name in ("href", "src"):
                self.links.append((value, line))
            if name == "srcset":
                for part in value.split(","):
                    url = part.strip().split(" ")[0]
                    if url:
                        self.links.append((url, line))


@dataclass
class LinkReport:
    broken: list[tuple[str, int, str]] = field(default_factory=list)  # page, line, link
    escaping: list[tuple[str, int, str]] = field(default_factory=list)
    external: set[str] = field(default_factory=set)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.broken and not self.escaping


def _parse(path: Path) -> _Collector:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def check_links(output: Path, base_url: str) -> LinkReport:
    """Check every internal link of the HTML files under ``output``."""
    output = Path(output)
    base = urlsplit(base_url)
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    report = LinkReport()
    pages = sorted(p for p in output.rglob("*.html"))
    parsed: dict[Path, _Collector] = {}

    def page_of(file: Path) -> _Collector:
        if file not in parsed:
            parsed[file] = _parse(file)
        return parsed[file]

    for page in pages:
        rel = page.relative_to(output).as_posix()
        page_url = base_path + rel
        for link, line in page_of(page).links:
            parts = urlsplit(link)
            if parts.scheme in ("mailto", "tel", "data", "javascript"):
                continue
            if parts.scheme or parts.netloc:
                if parts.netloc and parts.netloc == base.netloc:
                    target_path = parts.path or "/"
                else:
                    report.external.add(link)
                    continue
            else:
                target_path = urlsplit(urljoin(page_url, link)).path
            report.checked += 1
            target_path = unquote(target_path)
            if not (target_path + "/").startswith(base_path) and target_path + "/" != base_path:
                report.escaping.append((rel, line, link))
                continue
            inner = posixpath.normpath(target_path[len(base_path):] or ".")
            file = output / inner if inner != "." else output
            if link.endswith("/") or file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                report.broken.append((rel, line, link))
                continue
            if parts.fragment and file.suffix == ".html":
                if parts.fragment not in page_of(file).ids:
                    report.broken.append((rel, line, link))
    return report
