"""The build's memory between runs: one SQLite file in ``SITE/.smartsite-cache/``.

What is kept is only ever a shortcut: deleting the folder, or any damage to
the file, costs time and never changes the site. Every entry is stored with a
CRC-32 of its value and checked when read; a file SQLite cannot read, or an
entry whose checksum does not match, makes the cache discard everything and
start empty, and the build goes on from the sources. The file name carries
the engine's fingerprint, so a new engine never reads an old engine's entries.

Values are JSON, by key: rendered Markdown by the hash of its text and the
file it belongs to (``md:``), the last build's manifest per output folder
(``manifest:``). Drawn share images and processed news images are files
beside it, named by the hash of their inputs.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from . import __version__

CACHE_FORMAT = 1


LIBRARIES = ("markdown", "nh3", "jinja2", "markupsafe", "yaml", "babel", "PIL", "fastjsonschema", "jsonschema",
             "pagefind")


@functools.lru_cache(maxsize=None)
def engine_fingerprint() -> str:
    """A hash of the engine's code and catalogs, and of where and when the libraries it relies on were installed.

    The libraries are located, not imported (that would cost more than the
    check it serves): upgrading one changes its files' times.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}".encode())
    files = sorted(package.glob("*.py")) + sorted(package.glob("schemas/*.json")) \
        + sorted(package.glob("locale/*/LC_MESSAGES/*.po"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None and spec.origin else ""
        try:
            st = os.stat(origin)
            digest.update(f"{name}\0{origin}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"{name}\0-".encode())
    return digest.hexdigest()[:16]


PENDING_BYTES = 8 << 20  # written once this much is waiting: a first build at 10k news would hold 50 MB


class Cache:
    """Key → JSON value, checked on read, written in a transaction per 8 MiB of entries and at the end.

    Each entry is checked on its own (CRC-32), so entries written before a
    build fails are as good as the rest; holding them all until the end would
    keep the JSON of every text of a large site in memory at once.
    """

    def __init__(self, folder: Path | None, name: str = "build"):
        self.path = None if folder is None else folder / f"{name}-{engine_fingerprint()}.sqlite"
        self.discarded = False  # the file was damaged and thrown away during this run
        self._db: sqlite3.Connection | None = None
        self._pending: dict[str, str] = {}
        self._pending_size = 0
        if self.path is not None:
            self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for stale in self.path.parent.glob(self.path.name.split("-")[0] + "-*.sqlite"):
                if stale != self.path:  # another engine's cache: never read again
                    stale.unlink(missing_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, crc INTEGER, value TEXT)")
            self._db.execute("SELECT count(*) FROM entries").fetchone()
        except (sqlite3.Error, OSError):
            self._discard()

    def _discard(self) -> None:
        """Throw the whole file away and go on without it (it is rebuilt by the next write)."""
        self.discarded = True
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None
        if self.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            try:
                self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                self._db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, crc INTEGER, "
                                 "value TEXT)")
            except (sqlite3.Error, OSError):
                self._db = None

    def get_many(self, prefix: str) -> dict[str, Any]:
        """Every entry whose key starts with ``prefix``, checked; on any damage, nothing."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("SELECT key, crc, value FROM entries WHERE key >= ? AND key < ?",
                                    (prefix, prefix + "\uffff")).fetchall()
            out = {}
            for key, crc, value in rows:
                if zlib.crc32(value.encode("utf-8")) != crc:
                    raise ValueError(key)
                out[key] = json.loads(value)
            return out
        except (sqlite3.Error, ValueError, TypeError):
            self._discard()
            return {}

    def get(self, key: str) -> Any:
        return self.get_many(key).get(key)

    def put(self, key: str, value: Any) -> None:
        text = self._pending[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        self._pending_size += len(text)
        if self._pending_size > PENDING_BYTES:
            self.flush()

    def forget(self, prefix: str, keep: set[str]) -> None:
        """Delete the entries under ``prefix`` that the build did not use (old texts, old settings)."""
        if self._db is None:
            return
        try:
            keys = [k for (k,) in self._db.execute("SELECT key FROM entries WHERE key >= ? AND key < ?",
                                                   (prefix, prefix + "\uffff"))]
            gone = [(k,) for k in keys if k not in keep and k not in self._pending]
            if gone:
                self._db.executemany("DELETE FROM entries WHERE key = ?", gone)
        except sqlite3.Error:
            self._discard()

    def delete(self, key: str) -> None:
        self._pending.pop(key, None)
        if self._db is None:
            return
        try:
            self._db.execute("DELETE FROM entries WHERE key = ?", (key,))
        except sqlite3.Error:
            self._discard()

    def flush(self) -> None:
        self._pending_size = 0
        if self._db is None or not self._pending:
            self._pending.clear()
            return
        rows = [(k, zlib.crc32(v.encode("utf-8")), v) for k, v in self._pending.items()]
        self._pending.clear()
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
        except sqlite3.Error:
            self._discard()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None
