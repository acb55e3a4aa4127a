"""What is on disk: content files read and parsed, assets and layouts listed.

This stage only reads. It decodes each content file (UTF-8, a BOM and CRLF
accepted), splits Markdown front matter from the body, parses YAML with
positions (:mod:`smartsite.yaml_source`) and lists the theme's and the
site's assets and layouts. Problems that make a file unreadable (not UTF-8,
empty, too large, a link pointing outside the site, an unclosed front
matter) are reported here with their position; the file is then skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Report, msg
from .yaml_source import YamlDocument, parse_yaml

from .options import DEFAULT_MAX_FILE_BYTES, THEME_DIR  # noqa: F401 (re-exported)


@dataclass(frozen=True)
class SourceFile:
    """One content file, decoded and parsed, not yet validated."""

    rel: str  # path relative to the site directory, forward slashes
    kind: str  # site | masterplan | innovation | news | page
    head: str  # the file above its Markdown body (a YAML file: all of it), newlines normalised
    doc: YamlDocument  # the YAML (for Markdown files: the front matter)
    body: str = ""  # Markdown body (Markdown files only)
    body_line: int = 0  # line of the body's first line in the file

    @property
    def text(self) -> str:
        """The whole file, newlines normalised.

        Made when asked for (to quote a line in a message, to look for mojibake) rather than kept: a
        preview holds every file of the site, and ten thousand news items would be held twice.
        """
        return self.head + self.body if self.body else self.head


@dataclass(frozen=True)
class Content:
    site_dir: Path
    files: tuple[SourceFile, ...]
    assets: dict  # asset path ("css/style.css") -> absolute Path (site overrides theme)
    layout_dirs: tuple[Path, ...]  # site's first, then the theme's
    unreadable: tuple[str, ...] = ()  # content files that exist but could not be read (reported already)

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]

    def single(self, kind: str) -> SourceFile | None:
        found = self.of_kind(kind)
        return found[0] if found else None


TRANSLATION_SUFFIX = ".en.md"  # rakoor.en.md is the English text of rakoor.md


def classify(rel: str) -> str | None:
    """The kind of a content file from its place in content/, or None."""
    parts = rel.split("/")
    if rel == "content/site.yaml":
        return "site"
    if rel == "content/masterplan.yaml":
        return "masterplan"
    if len(parts) == 3 and parts[1] == "innovations" and rel.endswith((".yaml", ".yml")):
        return "innovation"
    if len(parts) >= 3 and parts[1] in ("news", "pages") and rel.endswith(TRANSLATION_SUFFIX):
        return "translation"
    if len(parts) >= 3 and parts[1] == "news" and rel.endswith(".md"):
        return "news"
    if len(parts) >= 3 and parts[1] == "pages" and rel.endswith(".md"):
        return "page"
    return None


def listing(site_dir: Path, report: Report) -> dict[str, os.stat_result] | None:
    """The files under content/ (relative to the site, sorted) with their state; None when there is no
    content/ folder."""
    content_dir = site_dir / "content"
    if not content_dir.is_dir():
        report.error("content", 0, 0, msg("there is no content/ folder in {site}", site=str(site_dir)))
        return None
    return dict(_walk(site_dir, content_dir, report))


def load(site_dir: Path, report: Report, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
         memory: dict | None = None, rels: dict | None = None) -> Content:
    """Read and parse every content file; list assets and layouts.

    ``memory`` (rel -> (file state, SourceFile)), kept by a long-running
    preview, lets a file that has not changed since the last call be reused
    instead of read and parsed again; only files read without any diagnostic
    are kept in it. ``rels`` is the :func:`listing` when the caller made it already.
    """
    site_dir = site_dir.resolve()
    files: list[SourceFile] = []
    if rels is None:
        rels = listing(site_dir, report)
    if rels is None:
        return Content(site_dir, (), {}, ())
    unreadable: list[str] = []
    _check_case_clashes(list(rels), report)
    for rel in rels:
        kind = classify(rel)
        if kind is None:
            report.warning(rel, 0, 0, msg("this file is not used: it is not in a place the site reads"),
                           msg("news go in content/news/, innovations in content/innovations/<id>.yaml, "
                               "pages in content/pages/, images and documents in assets/"))
            continue
        source = _remembered(site_dir, rel, kind, report, max_bytes, memory, rels[rel])
        if source is not None:
            files.append(source)
        else:
            unreadable.append(rel)
    if memory is not None:
        for gone in set(memory) - set(rels):
            del memory[gone]
    for name, kind in (("content/site.yaml", "site"), ("content/masterplan.yaml", "masterplan")):
        if not (site_dir / name).is_file():
            report.error(name, 0, 0, msg("the file {name} is missing", name=name))
    assets: dict = {}
    for root in dict.fromkeys((THEME_DIR, site_dir)):  # the site's files override the theme's
        if (root / "assets").is_dir():
            for rel, _ in _walk(root, root / "assets", report):
                assets[rel.split("/", 1)[1]] = root / rel
    layout_dirs = tuple(d for d in dict.fromkeys((site_dir / "layouts", THEME_DIR / "layouts")) if d.is_dir())
    return Content(site_dir, tuple(files), dict(sorted(assets.items())), layout_dirs, tuple(unreadable))


def _walk(root: Path, folder: Path, report: Report):
    """Yield ``(path relative to root, its state)`` for the files under ``folder``, sorted, refusing
    escaping links.

    Plain strings and the file types ``scandir`` reads with the names: an
    archive of ten thousand news items is listed in milliseconds, with one
    ``stat`` per file (what the preview compares to see which files changed).
    """
    base = str(root)
    cut = len(base.rstrip(os.sep)) + 1

    def visit(path: str):
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir():  # following links, as a folder: refused below
                if entry.is_symlink():
                    rel = entry.path[cut:].replace(os.sep, "/")
                    report.error(rel, 0, 0, msg("a linked folder is not followed"),
                                 msg("copy the files into the site instead of linking them"))
                else:
                    folders.append(entry.path)
                continue
            if name.endswith("~"):
                continue
            rel = entry.path[cut:].replace(os.sep, "/")
            if entry.is_symlink():
                target = Path(entry.path).resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    report.error(rel, 0, 0, msg("this link points outside the site and is refused"),
                                 msg("copy the file into the site instead of linking to it"))
                    continue
                yield rel, None  # its state is its target's, looked up when it is read
            else:
                yield rel, entry.stat(follow_symlinks=False)
        for sub in folders:
            yield from visit(sub)

    yield from visit(str(folder))


def _check_case_clashes(rels: list[str], report: Report) -> None:
    seen: dict[str, str] = {}
    for rel in rels:
        folded = rel.casefold()
        if folded in seen:
            report.error(rel, 0, 0, msg("this file name differs from {other} only by upper/lower case",
                                        other=seen[folded]),
                         msg("rename one of them; on many servers they would be the same file"))
        else:
            seen[folded] = rel


def _remembered(site_dir: Path, rel: str, kind: str, report: Report, max_bytes: int,
                memory: dict | None, st: os.stat_result | None = None) -> SourceFile | None:
    if memory is None:
        return read_source(site_dir, rel, kind, report, max_bytes)
    try:
        st = st or os.stat(os.path.join(site_dir, rel))
        state = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, max_bytes)
    except OSError:
        state = None
    known = memory.get(rel)
    if known is not None and state is not None and known[0] == state:
        return known[1]
    before = len(report.items)
    source = read_source(site_dir, rel, kind, report, max_bytes)
    if source is not None and state is not None and len(report.items) == before:
        memory[rel] = (state, source)
    else:
        memory.pop(rel, None)
    return source


def decode(raw: bytes, rel: str, report: Report) -> str | None:
    """UTF-8 text with a BOM removed and newlines normalised; or a located error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        report.error(rel, line, column,
                     msg("the file is not UTF-8 text: byte 0x{byte:02X} cannot be read", byte=raw[exc.start]),
                     msg("open the file in your editor and save it again with the encoding \"UTF-8\""),
                     source_text=raw.decode("utf-8", errors="replace"))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: str | os.PathLike, max_bytes: int) -> bytes | int:
    """The bytes of the file at ``path``, or its size when that is over ``max_bytes``.

    In five system calls (open, size, read, end of file, close): a Python file object also asks
    whether the file is a terminal, for its size three times and where it stands, which doubled the
    cost of reading a small content file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            return size
        parts = []
        while chunk := os.read(fd, max(size + 1, 1 << 16)):  # a file may grow while it is read
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def read_source(site_dir: Path, rel: str, kind: str, report: Report,
                max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile | None:
    raw = read_bytes(os.path.join(site_dir, rel), max_bytes)
    if isinstance(raw, int):
        report.error(rel, 0, 0, msg("the file is {size} bytes, more than the limit of {limit}",
                                    size=raw, limit=max_bytes),
                     msg("split it, or move large documents to assets/ and link to them"))
        return None
    text = decode(raw, rel, report)
    if text is None:
        return None
    if not text.strip():
        report.error(rel, 0, 0, msg("the file is empty"))
        return None
    if kind in ("news", "page", "translation"):
        return _read_markdown(rel, kind, text, report)
    doc = parse_yaml(text, rel, report)
    if doc is None:
        return None
    return SourceFile(rel, kind, text, doc)


def split_markdown(text: str) -> tuple[str, str, int] | None:
    """``(front matter, body, line of the body's first line)``; None without a closed front matter."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return None
    return "\n".join(lines[1:end]) + "\n", "\n".join(lines[end + 1:]), end + 2


def _read_markdown(rel: str, kind: str, text: str, report: Report) -> SourceFile | None:
    parts = split_markdown(text)
    if parts is not None:
        front, body, body_line = parts
        doc = parse_yaml(front, rel, report, line_offset=1, full_text=text)
        if doc is None:
            return None
        head = text[:len(text) - len(body)]  # the front matter with its two '---' lines
        doc.held_in(head, head.index("\n") + 1, head.rfind("\n", 0, len(head) - 1) + 1)
        return SourceFile(rel, kind, head, doc, body, body_line)
    if text.split("\n", 1)[0].strip() != "---":
        report.error(rel, 1, 1, msg("the file must start with front matter: a line '---', "
                                    "the fields, and another line '---'"),
                     msg("add a first line '---', then 'title: ...' and 'date: ...', then '---'"),
                     source_text=text)
        return None
    report.error(rel, 1, 1, msg("the front matter that starts here is never closed"),
                 msg("add a line '---' after the last field, before the text"),
                 source_text=text)
    return None
