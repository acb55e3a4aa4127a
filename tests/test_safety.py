"""Nothing lost, nothing unsafe: failed, interrupted and killed builds; XSS; random input."""

from __future__ import annotations

import json
import re
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE_FILES, ROOT, innovation, news, run_cli, write_files

from smartsite import pipeline
from smartsite.write import Staging


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith((".smartsite-staging", ".smartsite-retired"))]


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    site = tmp_path / "banjar"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copytree(ROOT / "assets", site / "assets")
    return site


def test_a_broken_copy_of_the_sample_site_leaves_public_byte_identical(sample_copy):
    assert run_cli("build", "--site", sample_copy).code == 0
    before = snapshot(sample_copy / "public")
    inn = next((sample_copy / "content/innovations").glob("*.yaml"))
    inn.write_text(inn.read_text().replace("progress:", "progress: 120\nprogres:", 1))
    item = next((sample_copy / "content/news").rglob("*.md"))
    item.write_text(item.read_text().replace("---", "", 2))
    r = run_cli("build", "--site", sample_copy)
    assert r.code == 1
    assert snapshot(sample_copy / "public") == before
    assert leftovers(sample_copy) == []


def test_ctrl_c_during_the_write_leaves_the_previous_output(make_site, monkeypatch):
    site = make_site({"content/innovations/x.yaml": innovation()})
    assert run_cli("build", "--site", site).code == 0
    before = snapshot(site / "public")
    (site / "content/innovations/x.yaml").write_text(innovation(name="Nama Baru"))
    written = {"n": 0}
    original = Staging.write

    def interrupted(self, rel, data):
        written["n"] += 1
        if written["n"] == 5:
            raise KeyboardInterrupt
        original(self, rel, data)

    monkeypatch.setattr(Staging, "write", interrupted)
    r = run_cli("build", "--site", site)
    assert r.code == 130 and "dihentikan" in r.err
    assert snapshot(site / "public") == before
    assert leftovers(site) == []


def test_a_killed_build_leaves_the_previous_output_and_the_next_build_cleans_up(make_site):
    files = {f"content/news/2024/n{i:03d}.md": news(f"Berita {i}", body="Paragraf. " * 80) for i in range(400)}
    site = make_site({"content/innovations/x.yaml": innovation(), **files})
    assert run_cli("build", "--site", site).code == 0
    before = snapshot(site / "public")
    (site / "content/innovations/x.yaml").write_text(innovation(name="Nama Baru"))
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not leftovers(site) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert proc.poll() is None, "the build ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert snapshot(site / "public") == before
    assert run_cli("build", "--site", site).code == 0
    assert leftovers(site) == []
    assert "Nama Baru" in (site / "public/inovasi/x/index.html").read_text()


@pytest.mark.parametrize("where", ["site", "content", "git"])
def test_an_output_folder_that_holds_other_things_is_refused(where, make_site):
    site = make_site({})
    output = {"site": site, "content": site / "content/keluaran", "git": site.parent / "repo"}[where]
    if where == "git":
        (output / ".git").mkdir(parents=True)
    before = snapshot(site)
    r = run_cli("build", "--site", site, "--output", output)
    assert r.code == 2 and "menolak" in r.err.lower()
    assert snapshot(site) == before


PAYLOADS = ['<script>alert("xss")</script>', '"><img src=x onerror=alert(1)>', "</title><b>bold</b>",
            "{{ 7*777 }}"]
BAD_OUTPUT = ['<script>alert("xss")', "<img src=x onerror", "</title><b>bold", "5439", 'href="javascript:',
              "onerror=alert(1)>"]


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_every_text_field_is_escaped_and_never_evaluated(payload, make_site, build):
    p = q(payload)
    site_yaml = (f"title: {p}\nbase_url: https://example.org/\nlanguage: id\norganisation: {p}\n"
                 f"description: {p}\ncontact: {{email: {p}, phone: {p}, address: {p}}}\n")
    masterplan = yaml.safe_load(BASE_FILES["content/masterplan.yaml"])
    for h in masterplan["horizons"].values():
        h["name"] = {"id": payload, "en": payload}
    for d in masterplan["dimensions"]:
        d["name"] = payload
        d["description"] = payload
        for e in d["elements"]:
            e["name"] = payload
    body = f"{payload}\n\n[klik](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a>\n\n<iframe src=x></iframe>"
    site = make_site({
        "content/site.yaml": site_yaml,
        "content/masterplan.yaml": yaml.safe_dump(masterplan, allow_unicode=True),
        "content/innovations/x.yaml": innovation(
            name=p, owner=p, summary=body, tags=f"[{p}]",
            milestones=f"\n  - {{date: 2023-01-01, title: {p}, done: true}}",
            evidence=f"\n  - {{title: {p}, date: 2023-01-01, url: 'https://example.org/a?b=\"><x'}}",
            history=f"\n  - {{date: 2023-01-01, progress: 10, status: in-progress, note: {p}}}"),
        "content/news/2024/a.md": news(title=p, place=p, reporter=p, editor=p, uploader=p, source=p,
                                       summary=p, tags=f"[{p}, biasa]", innovations="[x]", body=body),
        "content/pages/hal.md": f"---\ntitle: {p}\nmenu: 1\n---\n\n{body}\n",
    })
    r = build(site)
    assert r.code == 0, r.err
    outputs = [f for f in (site / "public").rglob("*") if f.suffix in (".html", ".xml", ".json", ".txt")]
    assert len(outputs) > 15
    for f in outputs:
        text = f.read_text(encoding="utf-8")
        for bad in BAD_OUTPUT:
            assert bad not in text, (f, bad)
        assert "<iframe" not in text
    if payload.startswith("{{"):
        assert payload in (site / "public/berita/2024/a/index.html").read_text()


# --- random input: the build either succeeds or reports clean diagnostics -----------------

FIELDS = ["name", "dimension", "horizon", "owner", "status", "progress", "start_year", "target_year", "element",
          "quick_win", "summary", "tags", "milestones", "evidence", "history", "title", "date", "place",
          "innovations", "draft", "slug", "image", "image_alt", "progres", "menu"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.floats(allow_nan=False, width=32),
                    st.text(max_size=30), st.sampled_from(["2023-05-25", "2023-02-30", "25/5/2023", "done",
                                                           "governance", "short", "x", "evidence/a.pdf",
                                                           "2024-01-01 09:00", "in-progress", "../a.md"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(FIELDS), inner, max_size=3)),
                      max_leaves=8)
mappings = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


def _assert_clean(site: Path, r) -> None:
    assert r.code in (0, 1), r.err
    assert "Traceback" not in r.err
    if r.code == 1:
        assert not (site / "public").exists()
        assert leftovers(site) == []
        top = [line for line in r.err.splitlines() if line and not line.startswith(" ")]
        assert re.match(r"^\d+ galat, \d+ peringatan$", top[-2]) and "gagal" in top[-1]
        for line in top[:-2]:
            assert re.match(r"^[^\s:]+(:\d+(:\d+)?)?: (galat|peringatan): \S", line), line
    else:
        assert (site / "public/index.html").is_file()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mappings, raw=st.one_of(st.none(), st.text(max_size=60)))
def test_random_innovation_yaml_never_crashes(tmp_path_factory, data, raw):
    site = tmp_path_factory.mktemp("rand")
    text = raw if raw is not None else yaml.safe_dump(data, allow_unicode=True)
    write_files(site, {**BASE_FILES, "content/innovations/acak.yaml": text})
    _assert_clean(site, run_cli("build", "--site", site, "--no-search"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mappings, body=st.text(max_size=80))
def test_random_front_matter_never_crashes(tmp_path_factory, data, body):
    site = tmp_path_factory.mktemp("rand")
    front = yaml.safe_dump(data, allow_unicode=True) if data else ""
    write_files(site, {**BASE_FILES, "content/innovations/x.yaml": innovation(),
                       "content/news/2024/acak.md": f"---\n{front}---\n\n{body}\n"})
    _assert_clean(site, run_cli("build", "--site", site, "--no-search"))
