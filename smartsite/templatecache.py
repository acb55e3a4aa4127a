"""Compiled templates: kept in memory for the process and its workers, and between builds on disk.

Jinja's own file cache unmarshals whatever it finds; a damaged file can then
crash the interpreter. Here every compiled template is stored with a SHA-256
of its bytes, written atomically, and a file whose checksum does not match is
ignored (the template is compiled again and the file replaced).

Every build makes new Jinja environments, one per language and worker. The
templates they compile are also kept in this process's memory, so a template
is compiled once per process: a build compiles them before it forks the
workers that render the pages, and a preview compiles only what was edited.
Jinja checks the template's source against what it was compiled from before
using either copy.
"""

from __future__ import annotations

import hashlib
import os
import tempfile

import jinja2

MEMORY_ENTRIES = 256  # a site's templates, several times over; a test run makes many sites

_compiled: dict[str, bytes] = {}  # Jinja's bucket key (template name and file) -> its compiled code


class CompiledTemplates(jinja2.BytecodeCache):
    """This process's compiled templates first, then the files of ``on_disk`` if there is one."""

    def __init__(self, on_disk: "CheckedBytecodeCache | None" = None):
        self.on_disk = on_disk

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = _compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # empty again if the template's source is not the same
            if bucket.code is not None:
                return
        if self.on_disk is not None:
            self.on_disk.load_bytecode(bucket)
            if bucket.code is not None:
                _remember(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        _remember(bucket)
        if self.on_disk is not None:
            self.on_disk.dump_bytecode(bucket)


def _remember(bucket: jinja2.bccache.Bucket) -> None:
    if len(_compiled) >= MEMORY_ENTRIES and bucket.key not in _compiled:
        _compiled.clear()
    _compiled[bucket.key] = bucket.bytecode_to_string()


class CheckedBytecodeCache(jinja2.BytecodeCache):
    def __init__(self, directory: str):
        self.directory = directory

    def _path(self, bucket: jinja2.bccache.Bucket) -> str:
        return os.path.join(self.directory, f"{bucket.key}.cache")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self._path(bucket), "rb") as f:
                data = f.read()
        except OSError:
            return
        body, check = data[:-32], data[-32:]
        if len(data) > 32 and hashlib.sha256(body).digest() == check:
            bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        body = bucket.bytecode_to_string()
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(body + hashlib.sha256(body).digest())
            os.replace(tmp, self._path(bucket))
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
