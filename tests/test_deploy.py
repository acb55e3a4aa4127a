"""Own-server deploys against a local folder: releases, the atomic switch, rollback, pruning."""

from __future__ import annotations

import datetime as dt
import os
import shutil

from conftest import innovation, run_cli, unavailable_here

from smartsite import deploy

if shutil.which("rsync") is None:
    unavailable_here("rsync is not installed (Debian: apt-get install rsync); .ci/run installs it",
                     whole_module=True)


def test_deploy_switches_current_atomically_and_rollback_goes_back(make_site, build, tmp_path):
    site = make_site({"content/innovations/x.yaml": innovation(name="Versi Satu")})
    server = tmp_path / "srv" / "portal"
    server.mkdir(parents=True)
    assert build(site).code == 0
    first = deploy.deploy(site / "public", str(server), now=dt.datetime(2026, 1, 1, 8, 0, 0))
    current = server / "current"
    assert current.is_symlink() and os.readlink(current) == f"releases/{first}"
    assert "Versi Satu" in (current / "inovasi/x/index.html").read_text()

    (site / "content/innovations/x.yaml").write_text(innovation(name="Versi Dua"))
    assert build(site).code == 0
    second = deploy.deploy(site / "public", str(server), now=dt.datetime(2026, 1, 2, 8, 0, 0))
    assert "Versi Dua" in (current / "inovasi/x/index.html").read_text()
    # unchanged files are hard links to the previous release: a deploy sends only what changed
    css = next((server / "releases" / second / "css").glob("*.css"))
    assert os.stat(css).st_nlink == 2

    r = run_cli("deploy", "--site", site, "--rsync", str(server), "--rollback")
    assert r.code == 0, r.err
    assert os.readlink(current) == f"releases/{first}"
    assert "Versi Satu" in (current / "inovasi/x/index.html").read_text()


def test_old_releases_are_pruned_only_after_the_switch(make_site, build, tmp_path):
    site = make_site({"content/innovations/x.yaml": innovation()})
    server = tmp_path / "srv"
    server.mkdir()
    assert build(site).code == 0
    ids = [deploy.deploy(site / "public", str(server), keep=2, now=dt.datetime(2026, 1, day)) for day in (1, 2, 3)]
    assert sorted(p.name for p in (server / "releases").iterdir()) == ids[1:]
    assert os.readlink(server / "current") == f"releases/{ids[2]}"


def test_a_missing_build_is_refused_and_nothing_changes(make_site, tmp_path):
    site = make_site({})
    server = tmp_path / "srv"
    server.mkdir()
    r = run_cli("deploy", "--site", site, "--rsync", str(server))
    assert r.code == 1 and "index.html" in r.err
    assert not (server / "current").exists()
