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

import os
import shutil
import tempfile
from pathlib import Path

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


class Staging:
    """Collects the new site in a temporary folder; ``commit()`` swaps it in."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(self.output)
        self.root = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{self.output.name}-",
                                          dir=self.output.parent))
        self.files: set[str] = set()

    def _target(self, rel: str) -> Path:
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root) or target == self.root:
            raise ValueError(f"refusing to write outside the output folder: {rel!r}")
        if rel in self.files:
            raise ValueError(f"two outputs for one file: {rel!r}")
        self.files.add(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, rel: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._target(rel).write_bytes(data)

    def copy(self, rel: str, source: Path) -> None:
        target = self._target(rel)
        shutil.copyfile(source, target)

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
