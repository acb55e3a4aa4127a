"""Compiled templates kept between builds, each file checked before it is trusted.

Jinja's own file cache unmarshals whatever it finds; a damaged file can then
crash the interpreter. Here every compiled template is stored with a SHA-256
of its bytes, written atomically, and a file whose checksum does not match is
ignored (the template is compiled again and the file replaced).
"""

from __future__ import annotations

import hashlib
import os
import tempfile

import jinja2


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
