"""A build's first steps, taken before the rest of the engine is even imported.

Converting Markdown is most of a cold build's work and needs nothing but the
text, so it starts first: the content folder is listed, the cache's Markdown
entries are read, and worker processes are forked to read and convert every
news and page body and innovation summary the cache does not hold. This
module imports only what those steps need (listing, the Markdown converter),
so the workers start 0.15–0.2 s into the build instead of 0.33 s, while this
process goes on to import Jinja, the models and the rest, then loads,
validates and routes the same files. The conversions are handed, a chunk at
a time, to :func:`smartsite.compute.render_markdown`, which uses one only for
a text identical to the one validation accepted.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from pathlib import Path
from typing import Iterator

import yaml

from .diagnostics import Report
from .load import classify, decode, listing, read_bytes, split_markdown
from .markup import MarkdownRenderer, leads_outside
from .options import Options
from .parallel import start_chunks, workers_for

MARKDOWN_CACHE_PREFIX = "md:"
# Up to this many texts, the converting workers keep off this process's core until it has loaded,
# validated and compiled the templates. This process's part has a fixed cost (imports, compiling the
# templates: about 0.5 s here) and is as long as the conversions for small sites: at 1,100 texts, on two
# thirds of a core, it ended 0.2-0.35 s after them, and with a core of its own the pages started 0.25 s
# sooner. For large sites the conversions are the longer part and gain nothing from it, and two
# workers sharing one core took 2 s more CPU at 10,500 texts (9% more wall time).
SPARE_CORE_UP_TO = 2000
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=1 << 16)  # a preview asks again for the same unchanged texts on every save
def text_key(source: str, lang: str, text: str) -> str:
    """The cache key of a Markdown text: the text and the file its links are resolved from."""
    return MARKDOWN_CACHE_PREFIX + hashlib.sha256(f"{source}\0{lang}\0{text}".encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def converter() -> MarkdownRenderer:
    """One converter per process, reused (``reset()``) for every text: building one costs 30 ms."""
    return MarkdownRenderer()


class Started:
    """A build begun: the content listed, the cache's Markdown read, conversion under way.

    ``cache`` (a :class:`smartsite.cache.Cache` or None) is the build's; a
    preview (``preview=True``) has read and converted nearly everything before,
    so nothing is started early for it. Use it as a context manager: leaving
    the block stops the workers, whether or not their work was collected.
    """

    def __init__(self, site_dir: Path, options: Options, cache=None, preview: bool = False):
        began = time.perf_counter()
        site_dir = Path(site_dir).resolve()
        self.cache = cache
        self.report = Report()  # what listing found (merged into the build's report)
        self.rels = listing(site_dir, self.report)
        self.stored = cache.get_many(MARKDOWN_CACHE_PREFIX) if cache is not None else {}
        self.markdown = EarlyMarkdown(site_dir, None if preview else self.rels, set(self.stored),
                                      options.max_file_bytes, options.jobs)
        self.took = time.perf_counter() - began

    def __enter__(self) -> "Started":
        return self

    def __exit__(self, *exc) -> None:
        self.markdown.close()


class EarlyMarkdown:
    """The Markdown texts converted in worker processes while this one loads and validates.

    Links are marked, not resolved (see :class:`smartsite.markup.Converted`):
    the workers read the news, page and innovation files themselves and
    convert every text not in ``known`` (the cache keys held already): the
    bodies of news items and pages, the summaries of innovations. A conversion
    is used only for a text identical to the one validation accepted (same
    file, language and text); any other text is converted later, as if none
    had been made early.
    """

    def __init__(self, site_dir: Path, rels, known: set, max_bytes: int, jobs: int | None):
        todo = [(rel, kind) for rel in (rels or ()) if (kind := classify(rel)) in _KINDS]
        self._pending = None
        if workers_for(len(todo), jobs) > 1:  # only worth it when it runs beside this process
            # Made before the fork, once: each worker would otherwise import the extensions' modules itself
            # (15-25 ms), and at first the workers share one core (see SPARE_CORE_UP_TO).
            converter()
            self._pending = start_chunks(_convert_files, len(todo), (site_dir, todo, known, max_bytes), jobs,
                                         spare_core=len(todo) <= SPARE_CORE_UP_TO)

    @property
    def in_background(self) -> bool:
        return self._pending is not None

    def arriving(self) -> Iterator[list]:
        """The conversions, a chunk at a time as the workers finish them: lists of (cache key of the
        text, its :class:`smartsite.markup.Converted`, or the finished (html, links, None)).

        Asking for them means this process has done its own work: the workers get its core too."""
        if self._pending is not None:
            self._pending.use_every_core()
            yield from self._pending.parts()

    def close(self) -> None:
        if self._pending is not None:
            self._pending.close()


_KINDS = ("news", "page", "translation", "innovation")


def _texts(kind: str, text: str) -> list[tuple[str, str]]:
    """The (language, Markdown) texts a file of ``kind`` holds, as far as a quick read can tell: a
    file validation will reject, or read otherwise, only makes a conversion nobody asks for."""
    if kind != "innovation":
        parts = split_markdown(text)
        return [] if parts is None else [("en" if kind == "translation" else "id", parts[1])]
    try:
        data = yaml.load(text, Loader=_LOADER)
    except (yaml.YAMLError, RecursionError):
        return []
    summary = data.get("summary") if isinstance(data, dict) else None
    if isinstance(summary, dict):
        return [(lang, str(summary[lang])) for lang in ("id", "en") if summary.get(lang)]
    return [("id", str(summary))] if summary is not None else []


def _convert_files(state, start: int, stop: int) -> list:
    """Read and convert the texts of todo[start:stop] (runs in a worker): [(cache key, Converted, or
    the finished (html, links, None) of a text whose links all lead outside the site)]."""
    site_dir, todo, known, max_bytes = state
    renderer = converter()
    out = []
    for rel, kind in todo[start:stop]:
        path = os.path.join(site_dir, rel)
        try:
            raw = read_bytes(path, max_bytes)
        except OSError:
            continue
        if isinstance(raw, int):  # over the limit: validation reports it
            continue
        text = decode(raw, rel, Report())
        for lang, body in _texts(kind, text) if text else ():
            key = text_key(rel, lang, body)
            if key not in known:
                converted = renderer.convert(body)
                if converted.problem is None and all(leads_outside(href) for href in converted.links):
                    # nothing the site's routes could change: finished here, not in the main process
                    html, _problems, found = converted.resolve(body, _outside)
                    converted = (html, found, None)
                out.append((key, converted))
    return out


def _outside(href: str) -> tuple[None, None]:
    return None, None  # only asked for links that lead outside the site
