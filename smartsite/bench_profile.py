"""Where a build's time goes, by library: the engine, Python-Markdown, Jinja, PyYAML...

A profile that lists functions shows that no single one of them is worth
much; what a build's speed comes down to is how much of the time is spent in
the engine's own code, which can be changed, and how much in the libraries
the portal is built on, in Python itself and in the kernel, which cannot. This module sums a
pyinstrument profile (a session saved with ``pyinstrument -r session``) that
way: each sample counts for the package whose code was running, and time in
a built-in function (``re``'s matching, say) counts for the package that
called it, except the system calls that make and write files and folders,
which are the kernel's work and counted apart.

    python -m smartsite.bench_profile build.pyisession

:mod:`smartsite.bench` does this for a core cold build in one process
(``--jobs 1``, so the workers' share is in it too) when asked ``--profile``.
"""

from __future__ import annotations

import importlib.util
import sys
import sysconfig
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

ENGINE = "smartsite (the engine)"
TEMPLATES = "templates (the Python Jinja made of them)"
STDLIB = "Python's standard library"
IMPORTS = "Python's import system"
STARTUP = "the interpreter, before any Python code"
GENERATED = "code made while running (dataclasses' methods, schema validators)"
KERNEL = "the system calls that make, write and read files and folders"
# Built-in functions that are one system call on a file or folder (os.*, and io's open and read).
SYSTEM_CALLS = frozenset({
    "open", "read", "write", "close", "mkdir", "stat", "lstat", "fstat", "scandir", "listdir",
    "rename", "replace", "unlink", "rmdir", "sendfile", "fsync", "utime", "chmod", "link", "symlink",
    "readlink", "lseek", "BufferedReader.read", "BufferedWriter.write", "FileIO.read", "FileIO.write",
    "open_code",
})
# Import names, as they appear in a path, of the libraries a build uses -> how they are known.
KNOWN = {
    "markdown": "Python-Markdown",
    "jinja2": "Jinja",
    "yaml": "PyYAML",
    "_yaml": "PyYAML",
    "markupsafe": "MarkupSafe",
    "babel": "Babel",
    "PIL": "Pillow",
    "fastjsonschema": "fastjsonschema",
    "jsonschema": "jsonschema",
    "nh3": "nh3",
    "pygments": "Pygments",
}


def classifier(engine_dir: Path, layout_dirs: Iterable[Path]) -> Callable[[str | None, str], str | None]:
    """A function from a frame's file and function to what it belongs to (None: counted for its caller)."""
    engine = str(Path(engine_dir).resolve())
    # the same modules in another copy of the engine (a profile recorded from a clone)
    engine_name, engine_modules = Path(engine).name, {p.name for p in Path(engine).glob("*.py")}
    layouts = tuple(str(Path(d).resolve()) for d in layout_dirs)
    stdlib = sysconfig.get_paths()["stdlib"]
    libraries = ("site-packages", "dist-packages")

    def classify(path: str | None, function: str = "") -> str | None:
        if path and path.startswith("<built-in"):
            return KERNEL if function in SYSTEM_CALLS else None
        if not path:
            return None
        if path.startswith("<frozen importlib") or path.startswith("<frozen zipimport"):
            return IMPORTS
        if path == "<string>":  # exec() of generated source
            return GENERATED
        if path.startswith(engine + "/"):
            return ENGINE
        where = Path(path)
        if where.parent.name == engine_name and where.name in engine_modules:
            return ENGINE
        if path.startswith(layouts) or path.endswith((".html", ".xml", ".txt")):
            return TEMPLATES
        parts = Path(path).parts
        for i, part in enumerate(parts[:-1]):
            if part in libraries:
                name = parts[i + 1].split(".")[0]
                return KNOWN.get(name, name)
        if path.startswith(stdlib) or path.startswith("<frozen"):
            return STDLIB
        return "other: " + path

    return classify


def time_by_package(root, classify: Callable[[str | None, str], str | None]) -> Counter:
    """Seconds of the profile ``root`` (a pyinstrument frame tree) per package, self time only.

    A frame that ``classify`` cannot place (a built-in function other than a
    system call on a file, pyinstrument's self-time leaves) counts for the
    nearest frame above it that it can.
    """
    totals: Counter = Counter()
    todo = [(root, STARTUP)]
    while todo:
        frame, owner = todo.pop()
        here = classify(frame.file_path, frame.function) or owner
        children = list(frame.children)
        own = frame.time - sum(child.time for child in children)
        if own > 0:
            totals[here] += own
        todo.extend((child, here) for child in children)
    return totals


def summarise(session_file: Path, engine_dir: Path, layout_dirs: Iterable[Path]) -> list[tuple[str, float]]:
    """(package, seconds) of a saved pyinstrument session, the largest first."""
    from pyinstrument.session import Session

    root = Session.load(str(session_file)).root_frame()
    if root is None:
        return []
    return time_by_package(root, classifier(engine_dir, layout_dirs)).most_common()


def table(rows: list[tuple[str, float]]) -> str:
    """The summary as a Markdown table, with each package's share of the whole (those under 5 ms only
    in the total)."""
    total = sum(seconds for _name, seconds in rows) or 1.0
    lines = ["| where | time | share |", "| --- | --- | --- |"]
    lines += [f"| {name} | {seconds:.2f} s | {100 * seconds / total:.1f}% |" for name, seconds in rows
              if seconds >= 0.005]
    lines.append(f"| all | {total:.2f} s | 100% |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m smartsite.bench_profile SESSION.pyisession", file=sys.stderr)
        return 2
    session = Path(args[0])
    if not session.is_file():
        print(f"error: no such file: {session}", file=sys.stderr)
        return 2
    if importlib.util.find_spec("pyinstrument") is None:
        print("error: pyinstrument is not installed (pip install -e '.[bench]')", file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parent.parent
    print(table(summarise(session, root / "smartsite", [root / "layouts"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
