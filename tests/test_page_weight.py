"""Page weight: what a visitor downloads for each page, compressed, without images.

For every HTML page of the built sample site the transferred weight is the gzip (level 9) size of the HTML
(inline SVG and inline styles included) plus the gzip size of every stylesheet (``<link rel=stylesheet>``)
and script (``<script src>``) it references, resolved in the output folder. Images, fonts, documents and
whatever scripts fetch later (search indexes) are not counted. Budgets: the dashboard (``/`` and each
language's home) under 60 KB, every page under 100 KB (1 KB = 1000 bytes).

Run by pytest (prints the table: ``pytest -s tests/test_page_weight.py``) or directly:
``python tests/test_page_weight.py [OUTPUT_DIR]`` prints the table for a built site (default: the
repository's site, built into a temporary folder). The script exits 1 when a page is over budget or
references a file the output does not have, else 0.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # when run as a script
from browser.site_pages import Page, kind_of, html_pages  # noqa: E402
from conftest import ROOT, run_cli  # noqa: E402

KB = 1000
DASHBOARD_BUDGET = 60 * KB
PAGE_BUDGET = 100 * KB


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split() and a.get("href"):
            self.refs.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.refs.append(a["src"])


def referenced(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    parser.close()
    return parser.refs


def site_base_url() -> str:
    data = yaml.safe_load((ROOT / "content/site.yaml").read_text(encoding="utf-8"))
    url = str(data["base_url"])
    return url if url.endswith("/") else url + "/"


@dataclass
class Weight:
    page: Page
    kind: str
    html: int                      # gzip size of the HTML
    assets: dict[str, int]         # output-relative path -> gzip size
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())

    @property
    def budget(self) -> int:
        home = self.kind == "home" or self.kind.endswith("/home")
        return DASHBOARD_BUDGET if home else PAGE_BUDGET


def weigh(out: Path, base_url: str | None = None) -> list[Weight]:
    """The weight of every HTML page of ``out``, a site published at ``base_url``."""
    base_url = base_url or site_base_url()
    base = urlsplit(base_url)
    asset_sizes: dict[Path, int] = {}
    pages = html_pages(out)
    weights = []
    for page in pages:
        data = page.file.read_bytes()
        w = Weight(page, kind_of(page, out), gzip_size(data), {})
        for ref in referenced(data.decode("utf-8", errors="replace")):
            url = urlsplit(urljoin(base_url + page.path, ref))
            if (url.scheme, url.netloc) != (base.scheme, base.netloc) or not url.path.startswith(base.path):
                w.problems.append(f"{ref}: outside the site, not measured")
                continue
            rel = unquote(url.path[len(base.path):])
            file = out / (rel + "index.html" if rel.endswith("/") or not rel else rel)
            if not file.is_file():
                w.problems.append(f"{ref}: no such file in the output ({file.relative_to(out)})")
                continue
            if file not in asset_sizes:
                asset_sizes[file] = gzip_size(file.read_bytes())
            w.assets[file.relative_to(out).as_posix()] = asset_sizes[file]
        weights.append(w)
    return weights


def table(weights: list[Weight]) -> str:
    """One row per page kind: its heaviest page and that page's weight."""
    worst: dict[str, Weight] = {}
    count: dict[str, int] = {}
    for w in weights:
        count[w.kind] = count.get(w.kind, 0) + 1
        if w.kind not in worst or w.total > worst[w.kind].total:
            worst[w.kind] = w
    rows = [("page kind", "pages", "worst page", "HTML KB", "CSS+JS KB", "total KB", "budget KB")]
    for kind in sorted(worst, key=lambda k: (k.startswith("en/"), k)):
        w = worst[kind]
        flag = "  OVER BUDGET" if w.total >= w.budget else ""
        rows.append((kind, str(count[kind]), "/" + w.page.path, f"{w.html / KB:.1f}",
                     f"{sum(w.assets.values()) / KB:.1f}", f"{w.total / KB:.1f}", f"{w.budget // KB}{flag}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = {1, 3, 4, 5}
    lines = []
    for n, r in enumerate(rows):
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * wd for wd in widths))
    heaviest = max(weights, key=lambda w: w.total)
    lines.append(f"{len(weights)} pages; heaviest /{heaviest.page.path} {heaviest.total / KB:.1f} KB "
                 f"(gzip -9 of HTML + referenced CSS/JS, images excluded; 1 KB = 1000 bytes)")
    return "\n".join(lines)


def failures(weights: list[Weight]) -> list[str]:
    found = []
    for w in weights:
        if w.total >= w.budget:
            found.append(f"/{w.page.path} ({w.kind}): {w.total / KB:.1f} KB, budget {w.budget // KB} KB "
                         f"(HTML {w.html / KB:.1f} KB, {', '.join(f'{k} {v / KB:.1f} KB' for k, v in w.assets.items())})")
        found += [f"/{w.page.path}: {p}" for p in w.problems]
    return found


# --- pytest ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> list[Weight]:
    out = tmp_path_factory.mktemp("weight") / "public"
    r = run_cli("build", "--site", ROOT, "--output", out)
    assert r.code == 0, r.err
    return weigh(out)


def test_page_weight_within_budget(weights):
    print("\n" + table(weights))
    kinds = {w.kind for w in weights}
    assert "home" in kinds, f"no dashboard among the pages; kinds: {sorted(kinds)}"
    assert len(weights) > 50
    problems = failures(weights)
    assert not problems, "pages over budget or not measurable:\n" + "\n".join(problems)


def test_the_stylesheet_is_counted(weights):
    home = next(w for w in weights if w.kind == "home")
    assert any(path.endswith(".css") for path in home.assets), home.assets


# --- script -------------------------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python tests/test_page_weight.py [OUTPUT_DIR]", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="smartsite-weight-") as tmp:
        if argv:
            out = Path(argv[0])
            if not (out / "index.html").is_file():
                print(f"{out} holds no built site (no index.html)", file=sys.stderr)
                return 2
        else:
            out = Path(tmp) / "public"
            r = run_cli("build", "--site", ROOT, "--output", out)
            if r.code != 0:
                print(r.err, file=sys.stderr)
                return 1
        weights = weigh(out)
        print(table(weights))
        problems = failures(weights)
        for p in problems:
            print("problem:", p)
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
