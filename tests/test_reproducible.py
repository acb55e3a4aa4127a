"""Two builds of the same commit, in other folders, under other hash seeds, zones and locales, are identical."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import ROOT


def _build(site, out, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("TZ", "LC_ALL", "LANG")}
    environment.update(env)
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site), "--output",
                           str(out)], env=environment, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def test_two_builds_in_different_conditions_are_byte_identical(tmp_path):
    first, second = tmp_path / "satu" / "banjar", tmp_path / "dua" / "lokasi-lain"
    for site in (first, second):
        shutil.copytree(ROOT / "content", site / "content")
        shutil.copytree(ROOT / "assets", site / "assets")
    _build(first, tmp_path / "out1", PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C.UTF-8", SOURCE_DATE_EPOCH="1780000000")
    _build(second, tmp_path / "out2", PYTHONHASHSEED="2", TZ="Asia/Tokyo", LC_ALL="C", SOURCE_DATE_EPOCH="1780000000")
    files1 = sorted(p.relative_to(tmp_path / "out1") for p in (tmp_path / "out1").rglob("*") if p.is_file())
    files2 = sorted(p.relative_to(tmp_path / "out2") for p in (tmp_path / "out2").rglob("*") if p.is_file())
    assert files1 == files2
    different = [str(rel) for rel in files1
                 if (tmp_path / "out1" / rel).read_bytes() != (tmp_path / "out2" / rel).read_bytes()]
    assert different == []
    for rel in files1:  # no absolute local path leaks into the output
        data = (tmp_path / "out1" / rel).read_bytes()
        assert str(tmp_path).encode() not in data, rel


def test_builds_on_different_days_are_byte_identical(tmp_path):
    """The clock decides only whether a scheduled item is out yet; it never shows in the files."""
    import datetime as dt

    from smartsite.pipeline import Options, build

    for name, day in (("one", dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)),
                      ("two", dt.datetime(2027, 3, 15, tzinfo=dt.timezone.utc))):
        result = build(ROOT, tmp_path / name, Options(now=day, search=False))
        assert result.ok
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one.keys() == two.keys()
    assert [str(k) for k in one if one[k] != two[k]] == []
