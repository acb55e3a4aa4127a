"""The editors' live preview: build, serve on loopback, rebuild on save, reload the browser.

``python build.py serve`` builds the site (drafts and scheduled items
included and marked, no search index) into ``.smartsite-cache/serve/``,
serves it with ``livereload`` on 127.0.0.1:8000 and watches ``content/``,
``layouts/`` and ``assets/`` through the operating system's file events
(``watchdog``: inotify on Linux), so a save is seen at once and an idle
server does not scan the archive. A burst of saves (a "save all", a ``git
pull``) is merged: the rebuild starts once no file changed for
:data:`SETTLE_SECONDS`, and saves during a rebuild make one more rebuild,
not one each. Rebuilds render only the pages the change affects
(:mod:`smartsite.incremental`). A save that breaks the content does not stop
the server and does not replace the last good pages: every page then shows
the same diagnostics as the command line, until the next good save clears
them.
"""

from __future__ import annotations

import html
import mimetypes
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import i18n
from .diagnostics import Report
from .incremental import Memory, rebuild
from .options import CACHE_DIR, Options

WATCHED = ("content", "layouts", "assets")
SETTLE_SECONDS = 0.05  # a burst of saves is over when nothing changed for this long


@dataclass
class Preview:
    """The state the server shows: where the last good build is, and the last failure."""

    site_dir: Path
    output: Path
    base_url: str
    lang: str = "id"
    error: str | None = None  # the diagnostics of the last failed build, as the command line prints them
    builds: int = 0
    last_seconds: float = 0.0
    on_build: Callable[["Preview"], None] | None = None  # told after every build (the terminal shows it)
    lock: threading.Lock = field(default_factory=threading.Lock)
    memory: Memory = field(default_factory=Memory)  # what the last build knew, so the next renders less

    def rebuild(self) -> bool:
        with self.lock:
            started = time.perf_counter()
            result = rebuild(self.site_dir, self.output,
                             Options(base_url=self.base_url, drafts=True, search=False), self.memory)
            self.last_seconds = time.perf_counter() - started
            self.builds += 1
            gettext = i18n.gettext_for(self.lang)
            self.error = None if result.ok else _format(result.report, gettext)
        if self.on_build is not None:
            self.on_build(self)
        return result.ok


def _format(report: Report, gettext: Callable[[str], str]) -> str:
    return "\n".join(d.format(gettext) for d in report.sorted())


class Watcher:
    """File events from the watched folders, merged into bursts: one rebuild per burst.

    ``watchdog`` delivers the events on its own thread; a second thread waits
    for the first event, then until no event came for ``settle`` seconds, and
    calls ``on_burst``. Events that arrive while ``on_burst`` runs start the
    next burst: a ``git pull`` during a rebuild costs exactly one more.
    """

    def __init__(self, site_dir: Path, on_burst: Callable[[], None], settle: float = SETTLE_SECONDS):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.on_burst = on_burst
        self.settle = settle
        self.changed = threading.Event()
        self.last_event = 0.0
        self.bursts = 0
        self._stop = False
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return  # reading a file changes nothing
                names = [os.path.basename(str(p)) for p in (event.src_path, getattr(event, "dest_path", ""))
                         if p]
                if all(n.startswith(".") or n.endswith("~") for n in names):
                    return  # editors' swap and backup files are not content
                watcher.last_event = time.monotonic()
                watcher.changed.set()

        self.observer = Observer()
        for name in WATCHED:
            if (site_dir / name).is_dir():
                self.observer.schedule(Handler(), str(site_dir / name), recursive=True)
        self.thread = threading.Thread(target=self._run, name="smartsite-watch", daemon=True)

    def start(self) -> None:
        self.observer.start()
        self.thread.start()

    def stop(self) -> None:
        self._stop = True
        self.changed.set()
        self.observer.stop()

    def _run(self) -> None:
        while not self._stop:
            self.changed.wait()
            if self._stop:
                return
            while time.monotonic() - self.last_event < self.settle:  # the burst is still going on
                time.sleep(self.settle / 2)
            self.changed.clear()
            self.bursts += 1
            try:
                self.on_burst()
            except Exception:  # the server must survive anything a rebuild does
                import traceback

                traceback.print_exc()


def error_page(preview: Preview) -> bytes:
    gettext = i18n.gettext_for(preview.lang)
    title = html.escape(gettext("The last save has errors"))
    note = html.escape(gettext("Fix the problems below and save again: the pages come back as soon as the "
                               "content is right, and this page reloads by itself. The published site is not "
                               "affected."))
    body = (f'<!doctype html><html lang="{preview.lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
            '<style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem;color:#1b1f24}'
            'pre{background:#fff4f2;border-left:4px solid #b3261e;padding:1rem;overflow-x:auto;'
            'white-space:pre-wrap}</style></head>'
            f'<body><main><h1>{title}</h1><p>{note}</p><pre id="diagnostics">'
            f'{html.escape(preview.error or "")}</pre></main></body></html>')
    return body.encode("utf-8")


def make_app(preview: Preview):
    """A WSGI app serving the last good build, or the error page while the content is broken."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        target = (preview.output / path.lstrip("/")).resolve()
        if not target.is_relative_to(preview.output.resolve()):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"forbidden"]
        if target.is_dir():
            target = target / "index.html"
        is_page = target.suffix in (".html", "") or path.endswith("/")
        if preview.error is not None and is_page:
            start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8"),
                                                         ("Cache-Control", "no-store")])
            return [error_page(preview)]
        status = "200 OK"
        if not target.is_file():
            status, target = "404 Not Found", preview.output / "404.html"
            if not target.is_file():
                start_response(status, [("Content-Type", "text/plain")])
                return [b"not found"]
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if mime.startswith("text/") or mime in ("application/json", "application/xml", "image/svg+xml"):
            mime += "; charset=utf-8"
        start_response(status, [("Content-Type", mime), ("Cache-Control", "no-store")])
        return [target.read_bytes()]

    return app


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000, lang: str = "id",
          on_ready: Callable[[Preview], None] | None = None,
          on_build: Callable[[Preview], None] | None = None) -> None:
    """Build once, then serve and rebuild on every burst of changes until interrupted."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    # livereload drops a reload that comes within 3 s of the previous one; an editor who saves
    # twice in a row must still see the second save. Bursts are merged by the Watcher.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0

    site_dir = site_dir.resolve()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    preview = Preview(site_dir, site_dir / CACHE_DIR / "serve", f"http://{shown_host}:{port}/", lang)
    preview.rebuild()
    preview.on_build = on_build
    server = Server(make_app(preview))
    loop = IOLoop.current()  # the loop server.serve() runs; other threads may only add callbacks to it

    def burst() -> None:
        preview.rebuild()
        loop.add_callback(LiveReloadHandler.reload_waiters, "*")  # the browsers reload, on the loop's thread

    watcher = Watcher(site_dir, burst)
    watcher.start()
    if on_ready is not None:
        on_ready(preview)
    try:
        server.serve(host=host, port=port, debug=False, restart_delay=0)
    finally:
        watcher.stop()
