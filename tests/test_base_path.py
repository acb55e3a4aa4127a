"""The sample site under a sub-path and at the domain root, crawled over HTTP by LinkChecker."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading

import pytest

from conftest import ROOT, run_cli


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output only under the base path; anything outside it is a 404, as on a real server."""

    prefix = "/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return "/nonexistent/outside-the-base-path"
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("prefix", ["/portal/", "/"])
def test_every_link_works_and_stays_under_the_base_path(prefix, tmp_path):
    out = tmp_path / "site"
    base_url = f"https://example.org{prefix}"
    r = run_cli("build", "--site", ROOT, "--output", out, "--base-url", base_url)
    assert r.code == 0, r.err
    out.chmod(0o755)  # LinkChecker run as root drops to 'nobody'; the server reads the files itself
    handler = type("Handler", (SubPathHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        start = f"http://127.0.0.1:{port}{prefix}"
        done = subprocess.run([shutil.which("linkchecker"), "--no-status", "--no-warnings", "--no-robots",
                               "--threads", "16", "-o", "text", start],
                              capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stdout[-4000:]
    assert "0 errors found" in done.stdout or "0 errors" in done.stdout
    assert "links in" in done.stdout  # it really crawled
