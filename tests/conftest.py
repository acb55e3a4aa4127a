"""Fixture sites written inline, built into tmp_path, asserted on.

``site(files)`` writes a small but complete site (a site.yaml, a masterplan
with two dimensions and whatever the test adds or overrides) and returns its
folder; ``build(site_dir)`` runs the real command line on it.
"""

from __future__ import annotations

import io
import os
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smartsite.cli import main  # noqa: E402

SITE_YAML = """\
title: Portal Uji
base_url: https://example.org/
language: id
timezone: Asia/Makassar
organisation: Dinas Uji
description: Portal untuk pengujian.
"""

MASTERPLAN_YAML = """\
period: {start: 2020, end: 2029}
horizons:
  short: {name: {id: Jangka Pendek, en: Short term}, years: "2020-2022"}
  medium: {name: {id: Jangka Menengah, en: Medium term}, years: "2023-2025"}
  long: {name: {id: Jangka Panjang, en: Long term}, years: "2026-2029"}
dimensions:
  - id: governance
    name: {id: Smart Governance, en: Smart Governance}
    description: Tata kelola.
    elements:
      - {id: layanan-publik, name: {id: Layanan Publik, en: Public services}}
  - id: environment
    name: {id: Smart Environment, en: Smart Environment}
    elements: []
"""

def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable_here(reason: str, *, whole_module: bool = False) -> None:
    """Skip what needs a tool or a machine this one lacks, except under ``CI=true``: CI's machine has
    them all (``.ci/run`` installs the tools), so there a lack of one fails instead of skipping."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=whole_module)


BASE_FILES = {
    "content/site.yaml": SITE_YAML,
    "content/masterplan.yaml": MASTERPLAN_YAML,
}


def innovation(**fields) -> str:
    """An innovation file with required fields, overridable."""
    data = {"name": "Inovasi Uji", "dimension": "governance", "horizon": "short", "owner": "DKISP",
            "status": "in-progress", "progress": 50}
    data.update(fields)
    lines = []
    for key, value in data.items():
        if isinstance(value, str) and value.startswith("\n"):  # a nested YAML block
            lines.append(f"{key}:{value}")
        elif isinstance(value, str) and "\n" in value:
            lines.append(f"{key}: |\n" + textwrap.indent(value, "  "))
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def news(title="Berita Uji", date="2024-03-01", body="Isi berita.", **fields) -> str:
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    lines += ["---", "", body, ""]
    return "\n".join(lines)


@dataclass
class Run:
    code: int
    out: str
    err: str


# The whole suite runs with the build cache on (the default), off, or damaged before every build:
# SMARTSITE_TEST_CACHE=off|damaged python -m pytest. Every mode must give the same results.
# Tests of the cache itself are marked ``about_the_cache`` and always run with it as a user has it.
CACHE_MODE = os.environ.get("SMARTSITE_TEST_CACHE", "on")
_active = {"mode": CACHE_MODE}


@pytest.fixture(autouse=True)
def _cache_mode(request):
    _active["mode"] = "on" if request.node.get_closest_marker("about_the_cache") else CACHE_MODE
    yield
    _active["mode"] = CACHE_MODE


def damage_cache(site_dir: Path) -> int:
    """Overwrite part of every file in the site's build cache with garbage; how many were damaged."""
    damaged = 0
    folder = Path(site_dir) / ".smartsite-cache"
    if not folder.is_dir():
        return 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "serve" in path.relative_to(folder).parts:
            continue
        data = bytearray(path.read_bytes())
        if not data:
            continue
        middle = len(data) // 2
        data[middle:middle + 64] = b"\xde\xad" * 32
        path.write_bytes(bytes(data[:len(data)]))
        damaged += 1
    return damaged


def _with_cache_mode(args: list[str]) -> list[str]:
    if not args or args[0] != "build":
        return args
    if _active["mode"] == "off":
        return args + ["--no-cache"]
    if _active["mode"] == "damaged" and "--site" in args:
        damage_cache(Path(args[args.index("--site") + 1]))
    return args


def run_cli(*args: str) -> Run:
    args = _with_cache_mode([str(a) for a in args])
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


def write_files(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path):
    counter = {"n": 0}

    def make(files: dict | None = None, base: bool = True) -> Path:
        counter["n"] += 1
        root = tmp_path / f"site{counter['n']}"
        all_files = dict(BASE_FILES) if base else {}
        all_files.update(files or {})
        return write_files(root, {k: v for k, v in all_files.items() if v is not None})

    return make


@pytest.fixture
def build():
    def do(site_dir: Path, *extra: str, output: Path | None = None, search: bool = False) -> Run:
        """Build a fixture site; the search index only when the test is about search."""
        out = output or site_dir / "public"
        return run_cli("build", "--site", site_dir, "--output", out, *extra, *(() if search else ("--no-search",)))

    return do
