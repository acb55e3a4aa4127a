"""The preview's rebuild: after a save, only the pages whose inputs changed are rendered again.

A long-running preview keeps what the last build knew (:class:`Memory`): the
parsed content files, the rendered Markdown, and for every page a
*signature*: its template, its context (the model objects it shows,
compared by value), the HTML of the texts it carries, its share image and
its evaluation findings. A rebuild plans the whole site again (cheap: the
files that did not change are neither read nor parsed, the Markdown is
remembered) and renders only the pages whose signature changed. When
something every page shows changes (site settings, the masterplan, the menu,
a template, the assets, the data's date), every page is rendered again.

Pages are then written in place, each file atomically, and only when its
bytes changed; files the site no longer has are removed. The preview folder
is private to the server, so in-place writes are safe here (and no
precompressed copies are kept); the published site is always built through
the staging folder (:mod:`smartsite.write`).
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import headers, opendata, social, validate
from .cache import Cache
from .diagnostics import Report
from .options import CACHE_DIR, Options
from .parallel import few_collections
from .pipeline import (Plan, Result, _bytecode_dir, _template_error, _write_site, copied_files, plan,
                       release_renderers, remove_scratch, renderer_for)
from .write import Staging, checked_rel


class RememberedCache:
    """The Markdown cache held in memory for the server's life, backed by the cache on disk."""

    def __init__(self, disk: Cache | None):
        self.disk = disk
        self.entries: dict | None = None
        self.link_context = None  # the links' targets when the entries were last checked (see render_markdown)

    def get_many(self, prefix: str) -> dict:
        if self.entries is None:
            self.entries = self.disk.get_many(prefix) if self.disk is not None else {}
        return self.entries

    def put(self, key: str, value) -> None:
        self.get_many("")[key] = value
        if self.disk is not None:
            self.disk.put(key, value)

    def forget(self, prefix: str, keep: set) -> None:
        entries = self.get_many(prefix)
        if len(entries) > len(keep):
            for key in [k for k in entries if k.startswith(prefix) and k not in keep]:
                del entries[key]

    def flush(self) -> None:
        if self.disk is not None:
            self.disk.flush()


@dataclass
class Memory:
    """What the last build of a preview knew."""

    files: dict = field(default_factory=dict)  # content file -> (state, SourceFile), see load()
    headers: tuple | None = None  # (the site's files, their _headers)
    validation: validate.Memory = field(default_factory=validate.Memory)
    markdown: RememberedCache | None = None
    everywhere: tuple | None = None  # what every page shows, as of the last build
    pages: dict = field(default_factory=dict)  # output file -> signature
    outputs: dict = field(default_factory=dict)  # the news item pages of the last plan (see compute.route_table)
    data_files: tuple | None = None  # (what they were made from, the open data files) (see pipeline._data_files)
    written: dict = field(default_factory=dict)  # output file -> digest of its bytes (None: not known)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _layouts_state(p: Plan) -> tuple:
    state = []
    for folder in p.content.layout_dirs:
        for root, _dirs, files in os.walk(folder):
            for name in sorted(files):
                st = os.stat(os.path.join(root, name))
                state.append((os.path.join(root, name), st.st_size, st.st_mtime_ns))
    return tuple(sorted(state))


def everywhere(p: Plan, options: Options) -> tuple:
    """What every page shows: a change here renders every page again."""
    return (p.site.config, p.site.masterplan, tuple(page for page in p.site.pages if page.menu is not None),
            p.generated, p.evaluation is not None, tuple(sorted(p.published_assets.items())),
            p.default_share, tuple(sorted(p.pictures.items())), p.router.base_url, p.languages,
            options.fingerprint(), _layouts_state(p))


def signatures(p: Plan, before: dict) -> tuple[dict, list]:
    """(output file -> signature, the outputs whose signature is not the one in ``before``).

    A signature is what a page shows that may change without the rest of the
    site changing. An unchanged page keeps the signature it had in
    ``before``: a preview asks after every save for every page (31,000 at
    10,000 news items), so a page made from one file takes no generator, and
    a new signature is made only for a page that changed, instead of one for
    every page to be compared and thrown away.
    """
    findings = {}
    if p.evaluation is not None:
        findings = {inn.source: p.evaluation.findings.get(inn.id, ()) for inn in p.site.innovations}
    html_of, share_of, found_in, known_as = p.html.get, p.shares.get, findings.get, before.get
    sigs = {}
    changed = []
    for o in p.outputs:
        sources = o.sources
        if not sources:  # most pages: lists, topics, dashboards
            texts = found = ()
        elif len(sources) == 1:
            source = sources[0]
            texts, found = (html_of(source), html_of(source + "#en")), (found_in(source),)
        else:
            texts = tuple(t for s in sources for t in (html_of(s), html_of(s + "#en")))
            found = tuple(found_in(s) for s in sources)
        share = share_of(o.route)
        file = o.file
        known = known_as(file)
        if known is not None and (known[3] is o.context or known[3] == o.context) and known[4] == texts \
                and known[5] == share and known[6] == found and known[0] == o.template \
                and known[1] == o.lang and known[2] == o.searchable:
            sigs[file] = known
        else:
            sigs[file] = (o.template, o.lang, o.searchable, o.context, texts, share, found)
            changed.append(o)
    return sigs, changed


def rebuild(site_dir: Path, output: Path, options: Options, memory: Memory) -> Result:
    """Bring the preview in ``output`` up to date with the sources; render only what changed.

    The preview holds the whole site in memory, and a rebuild makes tens of
    thousands of small objects (routes, signatures): Python's collector would
    walk all of them, several times per save, for a few cycles. It is paused
    while the rebuild runs, and what the first build made (most of the heap,
    alive as long as the preview) is moved out of its sight.
    """
    first = memory.everywhere is None
    with few_collections():
        try:
            result = _rebuild(site_dir, output, options, memory)
        finally:
            release_renderers()  # else each save would leave its whole site to the cyclic collector
    if first and result.ok:
        gc.freeze()
    return result


def _rebuild(site_dir: Path, output: Path, options: Options, memory: Memory) -> Result:
    result = Result(Report())
    site_dir = Path(site_dir).resolve()
    output = Path(output).resolve()
    disk = Cache(site_dir / CACHE_DIR) if options.cache else None
    if memory.markdown is None:
        memory.markdown = RememberedCache(disk)
    memory.markdown.disk = disk
    try:
        p = plan(site_dir, options, result, memory.markdown, memory)
        if p is None:
            return result
        t = time.perf_counter()
        shown = everywhere(p, options)
        if shown == memory.everywhere:
            shown = memory.everywhere  # the same: keep the objects the preview holds already
        same_everywhere = shown is memory.everywhere
        sigs, changed = signatures(p, memory.pages if same_everywhere else {})  # else every page is rendered
        try:
            if memory.everywhere is None or not output.is_dir():
                _full(p, options, output, result, memory)
            else:
                _changed_only(p, options, output, result, memory, same_everywhere, changed)
        finally:
            remove_scratch(p.scratch)
        if result.ok:
            memory.everywhere, memory.pages = shown, sigs
        result.timings["write"] = time.perf_counter() - t
        return result
    finally:
        memory.markdown.flush()
        if disk is not None:
            disk.close()
        memory.markdown.disk = None


def _full(p: Plan, options: Options, output: Path, result: Result, memory: Memory) -> None:
    with Staging(output) as stage:
        _write_site(p, options, stage, result)
        if result.report.has_errors:
            stage.discard()
            return
        stage.commit()
    memory.written = {rel: None for rel in stage.files}
    for rel, source in copied_files(p).items():  # copied, not made: their state stands for their bytes
        memory.written[rel] = _copy_digest(source)


def _copy_digest(source: Path) -> tuple:
    st = source.stat()
    return ("copy", str(source), st.st_size, st.st_mtime_ns)


def _render_some(state, start: int, stop: int) -> list:
    """(file, bytes or None, diagnostics) for todo[start:stop] (runs in a worker when there are many)."""
    p, search_enabled, todo, bytecode_dir = state
    out = []
    for o in todo[start:stop]:
        renderer = renderer_for(p, o.lang, search_enabled, bytecode_dir)
        try:
            out.append((o.file, renderer.render(o).encode("utf-8"), []))
        except jinja2.TemplateError as exc:
            found = Report()
            _template_error(exc, o, p, found)
            out.append((o.file, None, [(str(exc), found.items)]))
    return out


def _changed_only(p: Plan, options: Options, output: Path, result: Result, memory: Memory,
                  same_everywhere: bool, todo: list) -> None:
    from .parallel import run_chunks

    rendered: dict[str, bytes] = {}
    seen: set = set()
    state = (p, options.search, todo, _bytecode_dir(p.content.site_dir, options))
    for file, data, diagnostics in run_chunks(_render_some, len(todo), state, options.jobs):
        for key, found in diagnostics:
            if key not in seen:
                seen.add(key)
                result.report.extend(found)
        if data is not None:
            rendered[file] = data
    if result.report.has_errors:
        return  # the last good pages stay
    result.pages = len(rendered)
    files: dict[str, bytes | Path] = dict(rendered)
    for name, text in p.data.items():
        files[f"data/{name}"] = text.encode("utf-8") if isinstance(text, str) else text
    files.update(p.generated_files)
    files.update(copied_files(p))
    dossier = "evaluasi/dosir/index.html"
    if p.evaluation is not None and (dossier in rendered or not same_everywhere):
        name, data = opendata.evaluation_bundle(p.site, p.evaluation, p.router, p.assets, p.generated,
                                                rendered.get(dossier) or (output / dossier).read_bytes())
        files[f"data/{name}"] = data
    kept = {o.file for o in p.outputs} | {rel for rel in memory.written if rel.startswith("data/evaluasi-")}
    kept |= set(files)
    kept.add("_headers")
    if memory.headers is None or memory.headers[0] != kept:  # the same files (nearly every save): the same rules
        memory.headers = (kept, headers.headers_file(kept).encode("utf-8"))
    files["_headers"] = memory.headers[1]
    written = 0
    for rel, data in files.items():
        written += _put(output, rel, data, memory)
    for rel in sorted(set(memory.written) - kept - {"_headers"}):
        (output / rel).unlink(missing_ok=True)
        del memory.written[rel]
    result.files = len(memory.written)
    result.rewritten = written


def _put(output: Path, rel: str, data: "bytes | Path | social.CachedPicture", memory: Memory) -> bool:
    """Write one file in place (atomically) when its bytes changed; True when it was written.

    A copied file's state and a cached picture's checksum stand for their
    bytes, which are read only when the file has to be written.
    """
    rel = checked_rel(rel)
    target = output / rel
    if isinstance(data, Path):
        digest = _copy_digest(data)
    elif isinstance(data, social.CachedPicture):
        digest = ("picture", data.digest)
    else:
        digest = _digest(data)
    known = memory.written.get(rel, False)
    if known == digest:
        return False
    if isinstance(data, Path):
        data = data.read_bytes()
    elif isinstance(data, social.CachedPicture):
        data = data.read()
    if known is None and target.is_file() and target.read_bytes() == data:
        memory.written[rel] = digest
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    memory.written[rel] = digest
    return True
