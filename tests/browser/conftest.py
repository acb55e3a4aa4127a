"""Fixtures of the browser suite: the repository's portal built once, served on 127.0.0.1, and Chromium.

* The site is built (``run_cli("build", ...)``) once per session into a temporary folder, the first time
  something needs it: at collection, since the tests are parametrized by the page kinds found in the output
  (``site_pages.representatives``).
* ``server`` serves that folder from a ThreadingHTTPServer on a free port of 127.0.0.1; ``base_url`` is its
  address (under the site's base path, if ``base_url`` in ``content/site.yaml`` has one).
* ``browser`` is Playwright's Chromium, always Debian's ``/usr/bin/chromium`` (Playwright cannot download
  its own here), with flags that keep it off the network.
* Without ``/usr/bin/chromium`` the whole suite is skipped, except when the environment says ``CI=true``:
  there the browser tests are mandatory and fail.

Every test here carries the ``browser`` marker: ``python -m pytest -m "not browser"`` leaves them out.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
import traceback
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, in_ci, run_cli, unavailable_here  # tests/conftest.py

from .site_pages import Page, representatives

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"  # git-ignored


def missing_browser_reason() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (f"{CHROMIUM} is not installed: the browser tests need Debian's Chromium "
            "(apt-get update && apt-get install -y chromium)")


# --- the built site, shared by collection and the fixtures -------------------------------------------

class BuiltSite:
    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="smartsite-browser-"))
        self.out = self.tmp / "public"
        self.kinds: dict[str, Page] = {}
        try:
            run = run_cli("build", "--site", ROOT, "--output", self.out)
            self.error = None if run.code == 0 else f"the build failed (exit {run.code}):\n{run.err}{run.out}"
            if self.error is None:
                self.kinds = representatives(self.out)
        except Exception:  # a crash in the engine: fail the tests, not the collection of the whole suite
            self.error = "the build crashed:\n" + traceback.format_exc()


_built: BuiltSite | None = None


def built_site() -> BuiltSite:
    global _built
    if _built is None:
        _built = BuiltSite()
    return _built


def site_base_path() -> str:
    """The path part of site.yaml's base_url ("/" or e.g. "/smartcity/"): links in the output are under it."""
    try:
        data = yaml.safe_load((ROOT / "content/site.yaml").read_text(encoding="utf-8"))
        path = urlsplit(str(data.get("base_url", "/"))).path or "/"
    except (OSError, yaml.YAMLError, AttributeError):
        path = "/"
    return path if path.endswith("/") else path + "/"


# --- pytest hooks ----------------------------------------------------------------------------------------

def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs the built portal in headless Chromium (tests/browser/)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_generate_tests(metafunc):
    """``page_kind``: one parameter per page kind found in the built output, the kind as its id."""
    if "page_kind" not in metafunc.fixturenames:
        return
    if missing_browser_reason() and not in_ci():
        kinds = ["(not built: no browser)"]  # the autouse fixture skips them; no need to build
    else:
        site = built_site()
        kinds = list(site.kinds) or ["(build failed)"]
    metafunc.parametrize("page_kind", kinds, ids=kinds)


def pytest_unconfigure(config):
    if _built is not None:
        shutil.rmtree(_built.tmp, ignore_errors=True)


# --- fixtures ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    reason = missing_browser_reason()
    if reason:
        unavailable_here(reason)


@pytest.fixture(scope="session")
def site_output() -> Path:
    site = built_site()
    if site.error:
        pytest.fail(site.error, pytrace=False)
    return site.out


@pytest.fixture(scope="session")
def page_kinds(site_output) -> dict[str, Page]:
    return built_site().kinds


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                      ".json": "application/json", ".webmanifest": "application/manifest+json",
                      ".svg": "image/svg+xml", ".xml": "application/xml"}
    base_path = "/"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def translate_path(self, path):
        # the site's links are under its base path: serve the output folder there
        if self.base_path != "/" and path.startswith(self.base_path):
            path = "/" + path[len(self.base_path):]
        return super().translate_path(path)


@pytest.fixture(scope="session")
def server(site_output):
    handler = type("Handler", (QuietHandler,), {"base_path": site_base_path()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_output)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(server) -> str:
    """The served site's address, ending in "/"; ``base_url + page.path`` is a page's URL."""
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{site_base_path()}"


@pytest.fixture(scope="package")
def playwright_instance():
    """Package-scoped: Playwright's sync API keeps its asyncio loop registered as running while it is
    started, which breaks later tests that run an event loop of their own (tests/test_serve.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


def _shared_page(browser, width: int):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def page(browser):
    """A 1280x800 page shared by the tests of a module (each test navigates it where it needs)."""
    yield from _shared_page(browser, 1280)


@pytest.fixture(scope="module")
def narrow_page(browser):
    """A 360x800 page shared by the tests of a module."""
    yield from _shared_page(browser, 360)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
