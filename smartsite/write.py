"""The only module that writes the site: into a staging folder, then a swap.

A build writes every file into a temporary folder next to the output and
replaces the output only when the whole build succeeded, so a failed or
interrupted build leaves the published files exactly as they were. Stale
staging folders from a killed build are removed by the next one. Every path
is checked to stay inside the output folder, and an output folder that could
hold anything else of value (the site itself, content/, a git checkout) is
refused.
"""

from __future__ import annotations

import filecmp
import os
import posixpath
import shutil
import stat
import tempfile
from pathlib import Path

from .load import read_bytes

STAGING_PREFIX = ".smartsite-staging-"
RETIRED_PREFIX = ".smartsite-retired-"


def N_(msgid: str) -> str:
    """Mark a string for the catalogs; the command line translates it when printing."""
    return msgid


class UnsafeOutput(Exception):
    """The output folder is one the build must never replace."""

    def __init__(self, reason: str, path: Path):
        super().__init__(reason)
        self.reason = reason
        self.path = path


def check_output_dir(output: Path, site_dir: Path) -> None:
    output = output.resolve()
    site_dir = site_dir.resolve()
    if output == site_dir or output in site_dir.parents or output == Path(output.anchor):
        raise UnsafeOutput(N_("the output folder would contain the site itself"), output)
    if output.is_relative_to(site_dir / "content") or output.is_relative_to(site_dir / "assets") \
            or output.is_relative_to(site_dir / "layouts"):
        raise UnsafeOutput(N_("the output folder is inside the site's sources"), output)
    if (output / ".git").exists():
        raise UnsafeOutput(N_("the output folder holds a .git repository"), output)
    if output.exists() and not output.is_dir():
        raise UnsafeOutput(N_("the output path is a file, not a folder"), output)


def remove_stale_staging(output: Path) -> None:
    parent = output.resolve().parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name.startswith((STAGING_PREFIX + output.name + "-", RETIRED_PREFIX + output.name + "-")):
            shutil.rmtree(entry, ignore_errors=True)


def checked_rel(rel: str) -> str:
    """``rel`` if it names a file inside the output folder; refuse anything else."""
    norm = posixpath.normpath(rel)
    if norm in (".", "") or norm.startswith(("../", "/")) or norm == ".." or "\0" in norm:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return norm


def place(root: Path, rel: str, data: bytes, previous: Path | None, folders: set) -> bool:
    """Write ``data`` to ``root/rel``; True when it was linked from ``previous/rel`` instead.

    A file whose bytes equal the previous build's is not written again: the new
    site gets a hard link to the old file, so it keeps its inode and its
    modification time (servers, rsync and caches see it as unchanged).
    """
    target = os.path.join(root, rel)
    parent = os.path.dirname(target)
    if parent not in folders:
        _make_folder(parent)
        folders.add(parent)
    if previous is not None and _same_file(os.path.join(previous, rel), data):
        try:
            os.link(os.path.join(previous, rel), target)
            return True
        except OSError:  # another file system, or links not allowed: write it
            pass
    _write_new(target, data)
    return False


def _write_new(path: str, data: bytes) -> None:
    """``open(path, "wb").write(data)`` in three system calls: a buffered file object also asks whether
    the file is a terminal and where it stands, for each of the thousands of pages a build writes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _make_folder(path: str) -> None:
    """``os.makedirs(path, exist_ok=True)``, in one system call when the parent folder exists already
    (nearly every page has a folder of its own, in a folder made for the page before it)."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)


def _same_file(path: str, data: bytes) -> bool:
    try:
        st = os.lstat(path)  # a symbolic link is never taken over
        if st.st_size != len(data) or not stat.S_ISREG(st.st_mode):
            return False
        return read_bytes(path, len(data)) == data  # every page of a rebuild is compared: no file object
    except OSError:
        return False


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


class Staging:
    """Collects the new site in a temporary folder; ``commit()`` swaps it in."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(self.output)
        self.root = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{self.output.name}-",
                                          dir=self.output.parent))
        self.previous = self.output if self.output.is_dir() else None
        self.files: set[str] = set()
        self.reused: set[str] = set()  # files identical to the previous build's, linked not written
        self._folders: set[str] = set()

    def claim(self, rel: str) -> str:
        rel = checked_rel(rel)
        if rel in self.files:
            raise ValueError(f"two outputs for one file: {rel!r}")
        self.files.add(rel)
        return rel

    def placed(self, rel: str, reused: bool) -> None:
        """Record a file a worker process wrote (see :func:`place`)."""
        self.claim(rel)
        if reused:
            self.reused.add(rel)

    def write(self, rel: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        rel = self.claim(rel)
        if place(self.root, rel, data, self.previous, self._folders):
            self.reused.add(rel)

    def copy(self, rel: str, source: Path) -> None:
        rel = self.claim(rel)
        target = os.path.join(self.root, rel)
        parent = os.path.dirname(target)
        if parent not in self._folders:
            _make_folder(parent)
            self._folders.add(parent)
        old = None if self.previous is None else os.path.join(self.previous, rel)
        if old is not None and _regular(old) and filecmp.cmp(source, old, shallow=False):
            try:
                os.link(old, target)
                self.reused.add(rel)
                return
            except OSError:
                pass
        shutil.copyfile(source, target)

    def reuse_tree(self, rel: str) -> bool:
        """Link a whole folder of the previous build (an index that did not change) into the new one."""
        if self.previous is None or not (self.previous / rel).is_dir():
            return False
        old = self.previous / rel
        for path in sorted(old.rglob("*")):
            if not path.is_symlink() and path.is_file():
                name = path.relative_to(self.previous).as_posix()
                target = os.path.join(self.root, name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(path, target)
        return True

    def precompress(self, suffixes: tuple[str, ...]) -> int:
        """Write ``name.gz`` and ``name.br`` beside every file with one of ``suffixes``.

        For servers that serve precompressed files (nginx ``gzip_static``/``brotli_static``); the gzip
        header carries no name and no time, so the files are as reproducible as the rest.
        """
        import gzip

        import brotli

        made = 0
        for rel in sorted(self.files):
            if not rel.endswith(suffixes):
                continue
            old = self.previous
            if rel in self.reused and old is not None and _regular(str(old / (rel + ".gz"))) \
                    and _regular(str(old / (rel + ".br"))):
                for suffix in (".gz", ".br"):  # compressed from the same bytes by the previous build
                    self.claim(rel + suffix)
                    os.link(old / (rel + suffix), self.root / (rel + suffix))
                    self.reused.add(rel + suffix)
                continue
            data = (self.root / rel).read_bytes()
            self.write(rel + ".gz", gzip.compress(data, compresslevel=9, mtime=0))
            self.write(rel + ".br", brotli.compress(data, quality=11))
            made += 2
        return made

    def commit(self) -> None:
        """Replace the output with the staged site."""
        os.chmod(self.root, 0o755)
        retired = None
        if self.output.exists():
            retired = Path(tempfile.mkdtemp(prefix=f"{RETIRED_PREFIX}{self.output.name}-",
                                            dir=self.output.parent))
            os.rmdir(retired)
            os.rename(self.output, retired)
        os.rename(self.root, self.output)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()
