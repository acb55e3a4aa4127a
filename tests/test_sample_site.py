"""The repository's own portal builds, links resolve, and its figures are right."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

from smartsite.linkcheck import check_links


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "public"
    r = run_cli("build", "--site", ROOT, "--output", out)
    assert r.code == 0, r.err
    return out


def independent_summary() -> dict:
    """summary.json recomputed from the YAML files alone, the way /data/ describes it."""
    inns = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content/innovations").glob("*.yaml"))]
    masterplan = yaml.safe_load((ROOT / "content/masterplan.yaml").read_text(encoding="utf-8"))
    statuses = ["planned", "in-progress", "done", "stalled", "cancelled"]

    def group(items):
        live = [i["progress"] for i in items if i["status"] != "cancelled"]
        avg = None
        if live:
            avg = float((Decimal(sum(live)) / len(live)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        return {"count": len(items), "average_progress": avg,
                "by_status": {s: sum(1 for i in items if i["status"] == s) for s in statuses}}

    total = group(inns)
    return {"total": total["count"], "average_progress": total["average_progress"], "by_status": total["by_status"],
            "horizons": {h: group([i for i in inns if i["horizon"] == h]) for h in ("short", "medium", "long")},
            "dimensions": {d["id"]: group([i for i in inns if i["dimension"] == d["id"]])
                           for d in masterplan["dimensions"]}}


def test_summary_equals_an_independent_computation_and_the_dashboard_shows_it(sample):
    summary = json.loads((sample / "data/summary.json").read_text())
    assert summary == independent_summary()
    dash = (sample / "index.html").read_text()
    shown = f"{summary['average_progress']:.1f}".replace(".", ",") + "%"
    assert shown in dash
    for h in summary["horizons"].values():
        assert f"{h['average_progress']:.1f}".replace(".", ",") + "%" in dash


def test_every_internal_link_resolves(sample):
    report = check_links(sample, "https://smartcity.banjarkab.go.id/")
    assert report.checked > 1000
    assert report.broken == [] and report.escaping == []


def test_the_sample_is_a_believable_portal(sample):
    inns = list((ROOT / "content/innovations").glob("*.yaml"))
    assert len(inns) >= 18
    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in inns]
    assert {d["dimension"] for d in data} == {"governance", "branding", "economy", "living", "society", "environment"}
    assert {d["horizon"] for d in data} == {"short", "medium", "long"}
    assert {d["status"] for d in data} == {"planned", "in-progress", "done", "stalled", "cancelled"}
    assert len(list((ROOT / "content/news").rglob("*.md"))) >= 8
    rakoor = (sample / "berita/2023/rakoor-persiapan-evaluasi-smart-city-tahap-i/index.html").read_text()
    assert "Kamis, 25 Mei 2023" in rakoor and "Martapura" in rakoor
    for page in ("tentang", "kontak"):
        assert (sample / page / "index.html").is_file()
