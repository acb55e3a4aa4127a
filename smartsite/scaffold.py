"""Starting files for editors: ``new news "Judul"`` and ``new innovation <id>``.

The files carry every field with the right shape and, for innovations, a
comment in Bahasa Indonesia on each field, so an editor fills in blanks
instead of remembering the format. They pass ``check`` as written (a news
item starts as a draft). Existing files are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .diagnostics import Message, msg
from .urls import SLUG_RE, slugify

SLUG_LIMIT = 60


class ScaffoldError(Exception):
    """Why the file was not created (already exists, bad id), as a translatable message."""

    def __init__(self, message: Message):
        super().__init__(message.msgid)
        self.message = message


def short_slug(title: str, limit: int = SLUG_LIMIT) -> str:
    slug = slugify(title)
    if len(slug) <= limit:
        return slug
    return slug[:limit].rsplit("-", 1)[0]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def news_file(site_dir: Path, title: str, now: dt.datetime) -> tuple[Path, str]:
    slug = short_slug(title)
    if not slug:
        raise ScaffoldError(msg("the title must contain letters or digits"))
    path = site_dir / "content" / "news" / f"{now:%Y}" / f"{slug}.md"
    text = "\n".join([
        "---",
        f"title: {_quoted(title)}",
        f"date: {now:%Y-%m-%d %H:%M}",
        "place:",
        "reporter:",
        "editor:",
        "uploader:",
        "source:",
        "tags: []",
        "innovations: []",
        "draft: true",
        "---",
        "",
        "MARTAPURA,- Tulis paragraf pertama di sini.",
        "",
    ])
    return path, text


INNOVATION_TEMPLATE = """\
# yaml-language-server: $schema=../../smartsite/schemas/innovation.schema.json
# Inovasi smart city. Nama berkas ini ({id}.yaml) adalah kodenya dan bagian alamat halamannya:
# /inovasi/{id}/. Setelah mengisi, jalankan: python build.py check

# Nama inovasi (wajib).
name: {name}
# Kode dimensi dari content/masterplan.yaml (wajib): {dimensions}
dimension: {dimension}
# Elemen dimensi (boleh dihapus): kode elemen dari masterplan.yaml.
# element:
# Jangka waktu (wajib): short (pendek), medium (menengah) atau long (panjang).
horizon: short
# Perangkat daerah penanggung jawab (wajib), misalnya DKISP.
owner: DKISP
# Status (wajib): planned (direncanakan), in-progress (berjalan), done (selesai),
# stalled (terhenti) atau cancelled (dibatalkan).
status: planned
# Capaian dalam persen (wajib): bilangan bulat 0 sampai 100, tanpa tanda %.
progress: 0
# Tahun mulai dan tahun target selesai (boleh dihapus).
start_year: {year}
target_year: {target}
# true bila inovasi ini termasuk quick win.
quick_win: false
# Ringkasan dalam beberapa kalimat (boleh memakai Markdown).
summary: |
  Jelaskan tujuan inovasi, siapa yang dilayani, dan cara kerjanya.
# Topik, huruf kecil dengan tanda hubung.
tags: []
# Tonggak capaian: tanggal ditulis 2023-05-25; done: true bila sudah tercapai.
milestones:
  - date: {today}
    title: Rencana kerja disusun
    done: false
# Bukti dukung: berkas di folder assets/ (file:) atau tautan (url:), masing-masing dengan tanggal.
# area: baseline, output, outcome, impact atau quick-win; year: tahun siklus evaluasi.
evidence: []
#  - title: SK Tim Pelaksana
#    date: {today}
#    file: evidence/sk-tim.pdf
#    area: baseline
#    year: {year}
# Riwayat capaian: tambahkan satu baris setiap kali capaian atau status berubah.
history:
  - date: {today}
    progress: 0
    status: planned
    note: Inovasi dicatat di portal.
"""


def innovation_file(site_dir: Path, ident: str, today: dt.date, dimensions: list[str]) -> tuple[Path, str]:
    if not SLUG_RE.match(ident):
        raise ScaffoldError(msg("'{id}' cannot be an innovation id; use lower-case letters, digits and '-', "
                                "for example '{example}'", id=ident, example=slugify(ident) or "sipades"))
    path = site_dir / "content" / "innovations" / f"{ident}.yaml"
    text = INNOVATION_TEMPLATE.format(
        id=ident, name=_quoted(ident.replace("-", " ").title()), dimensions=", ".join(dimensions) or "-",
        dimension=dimensions[0] if dimensions else "governance", year=today.year, target=today.year + 2,
        today=today.isoformat())
    return path, text


def create(path: Path, text: str, site_dir: Path | None = None) -> None:
    """Write a new file; an existing one is left alone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError as exc:
        shown = path.relative_to(site_dir) if site_dir and path.is_relative_to(site_dir) else path
        raise ScaffoldError(msg("{path} already exists; it was left as it is", path=str(shown))) from exc
