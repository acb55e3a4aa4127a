"""The open data files: exact formats that other tools read.

``innovations.json`` and ``innovations.csv`` list every innovation (sorted
by id, absolute URLs), ``summary.json`` holds the very figures the dashboard
shows, and ``datapackage.json`` describes the CSV as a Frictionless Data
Package so it loads straight into data tools and Satu Data catalogues.
"""

from __future__ import annotations

import csv
import io
import json

from .compute import Summary
from .model import HORIZONS, STATUSES, Site
from .urls import Router

COLUMNS = ("id", "name", "dimension", "horizon", "owner", "status", "progress", "start_year",
           "target_year", "evidence_count", "url")

FIELDS = [
    {"name": "id", "type": "string", "title": "Kode inovasi", "constraints": {"required": True, "unique": True,
                                                                           "pattern": "[a-z0-9]+(-[a-z0-9]+)*"}},
    {"name": "name", "type": "string", "title": "Nama inovasi", "constraints": {"required": True}},
    {"name": "dimension", "type": "string", "title": "Dimensi smart city", "constraints": {"required": True}},
    {"name": "horizon", "type": "string", "title": "Jangka waktu",
     "constraints": {"required": True, "enum": list(HORIZONS)}},
    {"name": "owner", "type": "string", "title": "Perangkat daerah penanggung jawab",
     "constraints": {"required": True}},
    {"name": "status", "type": "string", "title": "Status", "constraints": {"required": True,
                                                                          "enum": list(STATUSES)}},
    {"name": "progress", "type": "integer", "title": "Capaian (persen)",
     "constraints": {"required": True, "minimum": 0, "maximum": 100}},
    {"name": "start_year", "type": "year", "title": "Tahun mulai"},
    {"name": "target_year", "type": "year", "title": "Tahun target"},
    {"name": "evidence_count", "type": "integer", "title": "Jumlah bukti dukung",
     "constraints": {"required": True, "minimum": 0}},
    {"name": "url", "type": "string", "format": "uri", "title": "Halaman inovasi",
     "constraints": {"required": True}},
]


def _dumps(value) -> str:
    """JSON with <, > and & escaped, so no text in it can ever be read as markup."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def innovation_rows(site: Site, router: Router) -> list[dict]:
    rows = []
    for inn in sorted(site.innovations, key=lambda i: i.id):
        rows.append({
            "id": inn.id, "name": inn.name.id, "dimension": inn.dimension, "horizon": inn.horizon,
            "owner": inn.owner, "status": inn.status, "progress": inn.progress,
            "start_year": inn.start_year, "target_year": inn.target_year,
            "evidence_count": len(inn.evidence), "url": router.absolute_url(inn.route),
        })
    return rows


def data_files(site: Site, summary: Summary, router: Router, generated: str) -> dict[str, str]:
    """File name under data/ -> text."""
    rows = innovation_rows(site, router)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    dims = [d.id for d in site.masterplan.dimensions]
    fields = [dict(f, constraints=dict(f.get("constraints", {}), enum=dims)) if f["name"] == "dimension" else f
              for f in FIELDS]
    package = {
        "profile": "tabular-data-package",
        "name": "smart-city-innovations",
        "title": f"{site.config.title.id}: inovasi smart city",
        "homepage": router.absolute_url(("data", ())),
        "created": generated,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [{
            "name": "innovations", "path": "innovations.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": {"fields": fields, "primaryKey": ["id"], "missingValues": [""]},
        }],
    }
    return {
        "innovations.json": _dumps({"generated": generated, "innovations": rows}),
        "innovations.csv": buf.getvalue(),
        "summary.json": _dumps(summary.as_json()),
        "datapackage.json": _dumps(package),
    }


# ---------------------------------------------------------------------------
# Evaluation files: the evidence index, the progress history, the evaluator's bundle
# ---------------------------------------------------------------------------

EVIDENCE_COLUMNS = ("innovation", "title", "area", "year", "date", "file", "url", "link")


def _csv(columns, rows) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return buf.getvalue()


def evidence_rows(site: Site, router: Router) -> list[dict]:
    """One row per piece of evidence: what it is, what it supports, and an absolute link to it."""
    rows = []
    for inn in sorted(site.innovations, key=lambda i: i.id):
        for ev in inn.evidence:
            link = router.absolute_url(("asset", (ev.file,))) if ev.file else ev.url
            rows.append({"innovation": inn.id, "title": ev.title.id, "area": ev.area, "year": ev.year,
                         "date": ev.date.isoformat() if ev.date else None, "file": ev.file, "url": ev.url,
                         "link": link})
    return rows


def evaluation_files(site: Site, router: Router) -> dict[str, str]:
    from .evaluation import HISTORY_COLUMNS, history_rows

    return {
        "evidence.csv": _csv(EVIDENCE_COLUMNS, evidence_rows(site, router)),
        "history.csv": _csv(HISTORY_COLUMNS, history_rows(site)),
    }


def evaluation_bundle(site: Site, ev, router: Router, assets: dict, generated, dossier_html: bytes
                      ) -> tuple[str, bytes]:
    """``evaluasi-<cycle>.zip``: the evidence index, every evidence file stored in the site, the dossier.

    Entries are sorted and carry the data's date, so the archive is byte-identical between builds.
    """
    import zipfile

    stamp = (max(generated.year, 1980), generated.month, generated.day, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as bundle:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)

        add("bukti-dukung.csv", _csv(EVIDENCE_COLUMNS, evidence_rows(site, router)).encode("utf-8"))
        add("dosir.html", dossier_html)
        files = sorted({e.file for i in site.innovations for e in i.evidence if e.file and e.file in assets})
        for rel in files:
            add(f"berkas/{rel}", assets[rel].read_bytes())
    return f"evaluasi-{ev.config.cycle}.zip", buf.getvalue()
