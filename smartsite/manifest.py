"""Whether building would change anything, decided without reading the content.

After every successful build the manifest records the state of everything
the site is made from (each file's size, modification time and inode under
``content/``, ``layouts/`` and ``assets/``, the theme's, the engine's own
code, the options and ``SOURCE_DATE_EPOCH``), the state of every file it
wrote, the warnings it printed, and the moment the site would change by
itself (the first news item dated in the future). A build that finds all of
that unchanged, and its output intact, has nothing to do: it repeats the
warnings and stops. Anything else (an edited, added, removed or touched
file, a damaged output, a deleted cache) makes a real build.

Only the standard library is imported here, so the check costs a walk over
the files and no more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from .cache import Cache, engine_fingerprint
from .diagnostics import Diagnostic, Message, Severity
from .options import THEME_DIR, Options

MANIFEST_KEY = "manifest:"


def inputs_state(site_dir: Path, options: Options) -> str:
    """A digest of the state of every file the build reads, and of what it is asked to do."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{engine_fingerprint()}\n{options.fingerprint()}\n{os.environ.get('SOURCE_DATE_EPOCH', '')}\n"
             .encode())
    folders = [site_dir / "content", site_dir / "layouts", site_dir / "assets"]
    if THEME_DIR != site_dir:
        folders += [THEME_DIR / "layouts", THEME_DIR / "assets"]
    for folder in folders:
        h.update(f"[{folder}]\n".encode())
        _walk(str(folder), h)
    return h.hexdigest()


def _walk(folder: str, h) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        h.update(b"-\n")
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            h.update(f"{entry.name}/\n".encode())
            _walk(entry.path, h)
            h.update(b"..\n")
        else:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            h.update(f"{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())


def _output_key(output: Path) -> str:
    return MANIFEST_KEY + str(output)


def output_state(output: Path, files) -> list:
    """[file, size, mtime] of every written file, to notice a damaged or replaced output."""
    out = []
    for rel in sorted(files):
        st = os.lstat(os.path.join(output, rel))
        out.append([rel, st.st_size, st.st_mtime_ns])
    return out


def _intact(output: Path, recorded: list) -> bool:
    """Every file written is still there, with its size and time (one lstat each: 30,000 in 0.2 s)."""
    base = str(output) + os.sep
    lstat = os.lstat
    for rel, size, mtime in recorded:
        try:
            st = lstat(base + rel)
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return True


def record(cache: Cache, output: Path, inputs: str, files, pages: int, diagnostics: list,
           next_change: dt.datetime | None) -> None:
    cache.put(_output_key(output), {
        "inputs": inputs,
        "pages": pages,
        "files": len(files),
        "next_change": next_change.isoformat() if next_change else None,
        "diagnostics": [_diagnostic_json(d) for d in diagnostics],
        "outputs": output_state(output, files),
    })


def forget(cache: Cache, output: Path) -> None:
    cache.delete(_output_key(output))


def up_to_date(cache: Cache, output: Path, inputs: str, now: dt.datetime | None) -> dict | None:
    """The recorded build when nothing changed since it: ``{"pages", "files", "diagnostics"}``; else None."""
    entry = cache.get(_output_key(output))
    try:
        if not entry or entry["inputs"] != inputs:
            return None
        if entry["next_change"] is not None:
            now = now or dt.datetime.now(dt.timezone.utc)
            if now >= dt.datetime.fromisoformat(entry["next_change"]):
                return None
        if not _intact(output, entry["outputs"]):
            return None
        return {"pages": entry["pages"], "files": entry["files"],
                "diagnostics": [_diagnostic_from_json(d) for d in entry["diagnostics"]]}
    except (KeyError, TypeError, ValueError):  # an entry of another shape: build
        return None


def _message_json(m: Message | None):
    if m is None:
        return None
    return [m.msgid, [[k, {"m": _message_json(v)} if isinstance(v, Message) else v] for k, v in m.args]]


def _message_from_json(data) -> Message | None:
    if data is None:
        return None
    msgid, args = data
    return Message(msgid, tuple((k, _message_from_json(v["m"]) if isinstance(v, dict) else v) for k, v in args))


def _diagnostic_json(d: Diagnostic) -> list:
    return [d.severity.value, d.path, d.line, d.column, _message_json(d.message), _message_json(d.hint),
            d.source_line]


def _diagnostic_from_json(data: list) -> Diagnostic:
    severity, path, line, column, message, hint, source_line = data
    return Diagnostic(Severity(severity), path, line, column, _message_from_json(message),
                      _message_from_json(hint), source_line)
