"""The evaluation pages, data files, bundle and report on a fixture site."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from conftest import MASTERPLAN_YAML, innovation, news, run_cli

EVALUATION = "evaluation:\n  next: 2025-06-10\n  past: [2023-06-12, 2024-06-10]\n  cycle: 2025\n"


def evaluated_site(make_site):
    return make_site({
        "content/masterplan.yaml": MASTERPLAN_YAML + EVALUATION,
        "assets/evidence/sk.pdf": b"%PDF-1.4 sk",
        # ready: evidence for the 2025 cycle, nothing wrong
        "content/innovations/siap.yaml": innovation(
            name="Siap", owner="DKISP", progress=60,
            evidence="\n  - {title: Laporan 2025, date: 2025-01-10, file: evidence/sk.pdf, year: 2025}",
            history="\n  - {date: 2023-06-01, progress: 20, status: in-progress}\n"
                    "  - {date: 2024-06-01, progress: 50, status: in-progress}"),
        # an error: done without evidence (and a warning about it from check)
        "content/innovations/tanpa-bukti.yaml": innovation(
            name="Tanpa Bukti", owner="DLH", dimension="environment", status="done", progress=100,
            history="\n  - {date: 2023-06-01, progress: 70, status: in-progress}\n"
                    "  - {date: 2025-01-05, progress: 100, status: done}"),
        # a warning: a milestone in the past not reached
        "content/innovations/terlambat.yaml": innovation(
            name="Terlambat", owner="DLH", dimension="environment", progress=30,
            milestones="\n  - {date: 2024-01-31, title: Uji coba lapangan, done: false}",
            history="\n  - {date: 2025-02-01, progress: 30, status: in-progress}"),
        "content/news/2025/a.md": news("Berita", "2025-02-01"),
    })


def test_the_evaluation_page_shows_readiness_and_findings_by_office(make_site, build):
    site = evaluated_site(make_site)
    r = build(site)
    assert r.code == 0, r.err
    page = (site / "public/evaluasi/index.html").read_text()
    assert "1 / 3" in page  # one of three innovations ready
    assert "33,3%" in page
    assert "Selasa, 10 Juni 2025" in page and "129 hari lagi" in page  # from the data date, 2025-02-01
    dlh = page[page.index(">DLH <"):]
    assert "Tanpa Bukti" in dlh and "berstatus selesai tetapi tidak memiliki bukti dukung" in dlh
    assert "tonggak bertanggal 2024-01-31 belum tercapai: Uji coba lapangan" in dlh
    dkisp = page[page.index(">DKISP <"):page.index(">DLH <")]
    assert "semua inovasi perangkat daerah ini sudah tertib" in dkisp.lower() or "Tidak ada" in dkisp
    innovation_page = (site / "public/inovasi/tanpa-bukti/index.html").read_text()
    assert "berstatus selesai tetapi tidak memiliki bukti dukung" in innovation_page
    assert "<svg" in (site / "public/index.html").read_text().split("grafik-tahunan")[1][:2000] or \
        'id="grafik-tahunan-title"' in (site / "public/index.html").read_text()
    assert (site / "public/en/evaluation/index.html").is_file()
    assert (site / "public/en/evaluation/dossier/index.html").is_file()


def test_the_report_lists_the_same_findings_as_the_page(make_site, build):
    site = evaluated_site(make_site)
    assert build(site).code == 0
    page = (site / "public/evaluasi/index.html").read_text()
    page_findings = re.findall(r'<li class="finding finding-(\w+)">', page)
    rows = list(csv.DictReader(io.StringIO(run_cli("report", "--site", site, "--format", "csv").out)))
    assert sorted(r["severity"] for r in rows) == sorted(page_findings)
    assert {(r["office"], r["innovation"], r["rule"]) for r in rows} == {
        ("DLH", "tanpa-bukti", "done-without-evidence"), ("DLH", "terlambat", "milestone-overdue")}
    text = run_cli("report", "--site", site, "--office", "dlh")
    assert text.code == 0 and "DLH (2)" in text.out and "DKISP" not in text.out
    assert run_cli("report", "--site", site, "--strict").code == 1  # an error finding
    assert run_cli("report", "--site", site, "--strict", "--office", "DKISP").code == 0
    md = run_cli("report", "--site", site, "--format", "markdown").out
    assert md.startswith("## ") and "### DLH (2)" in md


def test_evidence_and_history_files_and_the_evaluator_bundle(make_site, build):
    site = evaluated_site(make_site)
    assert build(site).code == 0
    evidence = list(csv.DictReader((site / "public/data/evidence.csv").open(encoding="utf-8")))
    assert evidence == [{"innovation": "siap", "title": "Laporan 2025", "area": "", "year": "2025",
                         "date": "2025-01-10", "file": "evidence/sk.pdf", "url": "",
                         "link": "https://example.org/evidence/sk.pdf"}]
    history = list(csv.DictReader((site / "public/data/history.csv").open(encoding="utf-8")))
    assert [(h["innovation"], h["date"], h["progress"]) for h in history] == [
        ("siap", "2023-06-01", "20"), ("siap", "2024-06-01", "50"), ("tanpa-bukti", "2023-06-01", "70"),
        ("tanpa-bukti", "2025-01-05", "100"), ("terlambat", "2025-02-01", "30")]
    bundle = zipfile.ZipFile(site / "public/data/evaluasi-2025.zip")
    assert sorted(bundle.namelist()) == ["berkas/evidence/sk.pdf", "bukti-dukung.csv", "dosir.html"]
    assert bundle.read("berkas/evidence/sk.pdf") == b"%PDF-1.4 sk"
    assert "Uji coba lapangan" in bundle.read("dosir.html").decode()
    first = (site / "public/data/evaluasi-2025.zip").read_bytes()
    assert build(site).code == 0
    assert (site / "public/data/evaluasi-2025.zip").read_bytes() == first  # reproducible


def test_the_dossier_has_contents_and_every_innovation_with_its_evidence(make_site, build):
    site = evaluated_site(make_site)
    assert build(site).code == 0
    dossier = (site / "public/evaluasi/dosir/index.html").read_text()
    for ident in ("siap", "tanpa-bukti", "terlambat"):
        assert f'href="#inovasi-{ident}"' in dossier and f'id="inovasi-{ident}"' in dossier
    assert 'href="https://example.org/evidence/sk.pdf"' in dossier
    assert dossier.count('class="dossier-dimension"') == 2
