"""The live preview: serves, rebuilds on save, signals a reload, survives a broken save."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, innovation, news


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def served(make_site):
    site = make_site({"content/innovations/x.yaml": innovation(name="Inovasi Awal"),
                      "content/news/2024/a.md": news("Judul Awal"),
                      "content/news/2024/draf.md": news("Masih Draf", draft="true")})
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--site", str(site),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return fetch(base + "/")[0] == 200
        except OSError:
            return False

    try:
        wait_for(up)
        yield site, base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def listen_for_reload(base: str):
    """Connect like the browser's livereload script; return a function that waits for 'reload'."""
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    loop = IOLoop()
    ws = loop.run_sync(lambda: websocket_connect(base.replace("http", "ws") + "/livereload"))
    loop.run_sync(lambda: ws.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]})))
    loop.run_sync(lambda: ws.write_message(json.dumps({"command": "info", "url": base + "/", "plugins": {}})))

    def wait(seconds: float = 30.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            message = loop.run_sync(ws.read_message, timeout=deadline - time.monotonic())
            if message and json.loads(message).get("command") == "reload":
                return True
        return False

    return wait


def test_serve_rebuilds_on_save_and_signals_a_reload(served):
    site, base = served
    page = base + "/berita/2024/a/"
    assert "Judul Awal" in fetch(page)[1]
    assert "livereload.js" in fetch(page)[1]  # the reload script is injected
    draft = fetch(base + "/berita/2024/draf/")[1]
    assert "Masih Draf" in draft and "Draf" in draft  # drafts are shown in the preview, marked
    wait_reload = listen_for_reload(base)
    (site / "content/news/2024/a.md").write_text(news("Judul Sesudah Disimpan"))
    assert wait_reload()
    wait_for(lambda: "Judul Sesudah Disimpan" in fetch(page)[1])


def test_a_broken_save_shows_the_diagnostics_and_the_next_good_save_clears_them(served):
    site, base = served
    page = base + "/inovasi/x/"
    assert "Inovasi Awal" in fetch(page)[1]
    (site / "content/innovations/x.yaml").write_text(innovation(name="Inovasi Awal", progress=120))
    status, body = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(fetch(page)))
    assert "content/innovations/x.yaml:6:11: galat: progress harus" in body
    assert "livereload.js" in body  # the error page reloads itself when fixed
    (site / "content/innovations/x.yaml").write_text(innovation(name="Inovasi Diperbaiki"))
    wait_for(lambda: fetch(page)[0] == 200 and "Inovasi Diperbaiki" in fetch(page)[1])


def test_the_server_listens_on_loopback_only_by_default(served):
    site, base = served
    port = int(base.rsplit(":", 1)[1])
    # /proc/net/tcp lists listening sockets (state 0A) as hex address:port; 0100007F is 127.0.0.1
    listening = []
    for line in open("/proc/net/tcp").read().splitlines()[1:] + open("/proc/net/tcp6").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.rsplit(":", 1)
        if state == "0A" and int(hex_port, 16) == port:
            listening.append(address)
    assert listening == ["0100007F"]
