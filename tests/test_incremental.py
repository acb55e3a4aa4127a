"""Rebuilds that do only what changed, and caches that are never wrong.

A build with nothing changed does nothing; a build after a change rewrites
only files whose bytes changed (the others keep their inode); the preview
renders only the pages a save affects and ends with exactly the files a full
build makes; Markdown, share images and the manifest come from the cache
only while they are still right, and a damaged cache is noticed and rebuilt.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import shutil
from pathlib import Path

import jinja2
import pytest
from PIL import Image

from conftest import MASTERPLAN_YAML, ROOT, damage_cache, innovation, news, run_cli, write_files
from smartsite import compute, parallel, pipeline
from smartsite.cache import Cache
from smartsite.incremental import Memory, rebuild
from smartsite.options import Options
from smartsite.pipeline import build

WITA = dt.timezone(dt.timedelta(hours=8))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differing(shown: Path, expected: Path) -> list[str]:
    """The files whose bytes differ between two built sites, or that only one of them has."""
    a, b = tree(shown), tree(expected)
    return sorted(rel for rel in a.keys() | b.keys() if a.get(rel) != b.get(rel))


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def small_site(make_site):
    return make_site({
        "content/innovations/sipades.yaml": innovation(name="Sipades", tags="[desa]"),
        "content/innovations/lapor.yaml": innovation(name="Lapor Bupati", status="done", progress=100),
        "content/news/2024/satu.md": news("Berita Satu", "2024-03-01", "Tentang [Sipades](../../innovations/sipades.yaml).",
                                          innovations="[sipades]", tags="[desa]"),
        "content/news/2024/dua.md": news("Berita Dua", "2024-03-02", "Isi kedua.", tags="[desa, layanan]"),
        "content/news/2024/tiga.md": news("Berita Tiga", "2024-03-03", "Isi ketiga."),
        "content/pages/tentang.md": news("Tentang", "2024-01-01", "Halaman tentang.", menu=1).replace(
            "date: 2024-01-01\n", ""),
    })


@pytest.mark.about_the_cache
def test_a_second_build_with_nothing_changed_does_nothing(small_site, build):
    first = build(small_site)
    assert first.code == 0
    before = inodes(small_site / "public")
    mtimes = {p: (small_site / "public" / p).stat().st_mtime_ns for p in before}
    again = build(small_site)
    assert again.code == 0 and "tidak ada yang berubah" in again.err
    assert inodes(small_site / "public") == before
    assert {p: (small_site / "public" / p).stat().st_mtime_ns for p in before} == mtimes


@pytest.mark.about_the_cache
def test_an_edit_rewrites_only_the_files_whose_bytes_changed(small_site, build):
    assert build(small_site).code == 0
    before = inodes(small_site / "public")
    path = small_site / "content/news/2024/tiga.md"
    path.write_text(news("Berita Tiga", "2024-03-03", "Isi ketiga, diperbaiki."))
    assert build(small_site).code == 0
    after = inodes(small_site / "public")
    assert "diperbaiki" in (small_site / "public/berita/2024/tiga/index.html").read_text()
    changed = {p for p in after if before.get(p) != after[p]}
    assert "berita/2024/tiga/index.html" in changed
    assert "inovasi/sipades/index.html" not in changed  # does not show the item
    assert "berita/2024/satu/index.html" not in changed
    shows_the_item = {"berita/2024/tiga/index.html", "en/news/2024/tiga/index.html",  # the item
                      "index.html", "en/index.html",  # the dashboards' latest news
                      "berita/index.html", "en/news/index.html",  # the first page of the news list
                      "feed.xml", "en/feed.xml", "_headers"}
    assert changed <= shows_the_item | {p for p in after if p.endswith(".xml")}


@pytest.mark.about_the_cache
def test_the_warnings_are_repeated_when_nothing_changed(make_site, build):
    site = make_site({"content/innovations/x.yaml": innovation(status="done", progress=90)})
    first = build(site)
    again = build(site)
    assert "progress" in first.err and "tidak ada yang berubah" in again.err
    assert [line for line in again.err.splitlines() if "peringatan" in line] == \
        [line for line in first.err.splitlines() if "peringatan" in line]


@pytest.mark.about_the_cache
def test_a_damaged_or_deleted_output_is_built_again(small_site, build):
    assert build(small_site).code == 0
    page = small_site / "public/berita/2024/dua/index.html"
    good = page.read_bytes()
    page.write_text("rusak")
    assert "tidak ada yang berubah" not in build(small_site).err
    assert page.read_bytes() == good
    shutil.rmtree(small_site / "public")
    assert build(small_site).code == 0 and page.read_bytes() == good


def test_a_scheduled_item_appears_when_its_time_comes_without_any_file_changing(make_site):
    site = make_site({"content/news/2024/nanti.md": news("Terbit Nanti", "2024-06-01 09:00")})
    out = site / "public"
    early = build(site, out, Options(search=False, now=dt.datetime(2024, 5, 1, tzinfo=WITA)))
    assert early.ok and not (out / "berita/2024/nanti/index.html").exists()
    still_early = build(site, out, Options(search=False, now=dt.datetime(2024, 5, 2, tzinfo=WITA)))
    assert still_early.up_to_date
    later = build(site, out, Options(search=False, now=dt.datetime(2024, 6, 1, 9, 1, tzinfo=WITA)))
    assert not later.up_to_date and (out / "berita/2024/nanti/index.html").is_file()


@pytest.mark.about_the_cache
def test_the_markdown_cache_follows_a_renamed_link_target(small_site, build):
    assert build(small_site).code == 0
    assert 'href="/inovasi/sipades/"' in (small_site / "public/berita/2024/satu/index.html").read_text()
    # satu.md is unchanged, but the innovation it links to moves: the cached HTML must not be reused
    os.rename(small_site / "content/innovations/sipades.yaml", small_site / "content/innovations/sipades-baru.yaml")
    r = build(small_site)
    assert r.code == 1 and "satu.md:8:19" in r.err and "sipades.yaml" in r.err, r.err
    (small_site / "content/news/2024/satu.md").write_text(
        news("Berita Satu", "2024-03-01", "Tentang [Sipades](../../innovations/sipades-baru.yaml)."))
    assert build(small_site).code == 0
    assert 'href="/inovasi/sipades-baru/"' in (small_site / "public/berita/2024/satu/index.html").read_text()


@pytest.mark.about_the_cache
@pytest.mark.parametrize("damage", ["garbage", "deleted", "truncated"])
def test_a_damaged_cache_is_noticed_and_the_site_is_the_same(damage, small_site, build, tmp_path):
    assert build(small_site, "--no-cache", output=tmp_path / "reference").code == 0
    assert build(small_site).code == 0
    cache = small_site / ".smartsite-cache"
    if damage == "garbage":
        assert damage_cache(small_site) > 0
    elif damage == "deleted":
        shutil.rmtree(cache)
    else:
        for path in cache.rglob("*.sqlite"):
            path.write_bytes(path.read_bytes()[:100])
    os.utime(small_site / "content/news/2024/dua.md")  # touched: a real build, not a no-op
    assert build(small_site, output=tmp_path / "again").code == 0
    assert tree(tmp_path / "again") == tree(tmp_path / "reference")


def test_a_damaged_cache_entry_is_discarded_not_used(tmp_path):
    cache = Cache(tmp_path)
    cache.put("md:x", ["<p>baik</p>", []])
    cache.close()
    db = next(tmp_path.glob("*.sqlite"))
    data = db.read_bytes()
    assert data.count(b"<p>baik</p>") == 1
    db.write_bytes(data.replace(b"<p>baik</p>", b"<p>buruk</p>"[:11]))
    again = Cache(tmp_path)
    assert again.get_many("md:") == {} and again.discarded
    again.put("md:y", ["<p>lagi</p>", []])
    again.close()
    assert Cache(tmp_path).get_many("md:") == {"md:y": ["<p>lagi</p>", []]}


@pytest.mark.about_the_cache
def test_a_large_cache_is_written_as_it_fills_and_reads_back_whole(tmp_path, monkeypatch):
    """A first build of a large site writes its texts as it goes instead of holding them all until the end."""
    from smartsite import cache as cache_module

    monkeypatch.setattr(cache_module, "PENDING_BYTES", 1000)
    cache = Cache(tmp_path)
    texts = {f"md:{n}": [f"<p>teks {n} " + "x" * 100 + "</p>", []] for n in range(40)}
    for key, value in texts.items():
        cache.put(key, value)
    assert len(Cache(tmp_path).get_many("md:")) >= 30  # most are on disk before the build ends
    cache.forget("md:", set(texts))
    cache.close()
    assert Cache(tmp_path).get_many("md:") == texts


def test_pages_made_in_parallel_are_the_pages_made_in_one_process(small_site, build, tmp_path, monkeypatch):
    assert build(small_site, "--jobs", "1", "--no-cache", output=tmp_path / "one").code == 0
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 1)  # fork workers even for a small site
    assert parallel.workers_for(50, 2) == 2
    assert build(small_site, "--jobs", "2", "--no-cache", output=tmp_path / "two").code == 0
    assert tree(tmp_path / "two") == tree(tmp_path / "one")


def test_texts_converted_while_the_site_loads_give_the_site_one_process_gives(make_site, build, tmp_path,
                                                                                monkeypatch):
    """Worker processes convert the news, pages and innovation summaries while the build validates them;
    the site and every message must be the same as when one process does everything in turn."""
    files = {
        "content/innovations/sipades.yaml": innovation(name="Sipades", summary="Lihat [berita](/berita/)."),
        "content/innovations/dua.yaml": innovation(
            name="Dua", summary="\n  id: Ringkasan, lihat [berita](/berita/).\n  en: In English, see [news](/berita/)."),
        "content/pages/tentang.md": news("Tentang", "2024-01-01", "Ke [Sipades](/inovasi/sipades/).").replace(
            "date: 2024-01-01\n", ""),
        "content/news/2024/salah.md": news("Tanggal Salah", "2024-13-45", "Tidak pernah [tampil](/berita/)."),
        "content/news/2024/putus.md": news("Tautan Putus", "2024-03-02", "Ke [halaman hilang](/tidak-ada/)."),
        "content/news/2024/tabel.md": news("Tabel", "2024-03-03", "| a | b |\n|---|---|\n| [x](../../pages/tentang.md) | 2 |"),
        "content/news/2024/tabel.en.md": news("Table", "2024-03-03", "In English, [home](/), [x](https://e.id/?a=1&b=2).")
        .replace("date: 2024-03-03\n", ""),
    }
    for i in range(6):
        files[f"content/news/2023/item-{i}.md"] = news(f"Berita {i}", f"2023-05-0{i + 1}",
                                                        f"Isi {i} tentang [Sipades](../../innovations/sipades.yaml)"
                                                        r" dan \_garis\_ [rapat](/inovasi/sipades/?a=\_b&c).")
    site = make_site(files)
    one = build(site, "--jobs", "1", "--no-cache", output=tmp_path / "one")
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 1)  # fork workers even for a small site
    two = build(site, "--jobs", "2", "--no-cache", output=tmp_path / "two")
    assert one.code == two.code == 1  # the wrong date and the broken link: nothing is published
    assert "/tidak-ada/" in two.err and "2024-13-45" in two.err
    assert two.err.replace(str(tmp_path / "two"), "OUT") == one.err.replace(str(tmp_path / "one"), "OUT")
    (site / "content/news/2024/salah.md").write_text(news("Tanggal Benar", "2024-03-04", "Kini [tampil](/berita/)."))
    (site / "content/news/2024/putus.md").write_text(news("Tautan Baik", "2024-03-02", "Ke [Tentang](/tentang/)."))
    one = build(site, "--jobs", "1", "--no-cache", output=tmp_path / "one")
    late: list = []  # texts the workers did not convert early (converted again after validation)
    convert_late = compute._parallel_convert
    monkeypatch.setattr(compute, "_parallel_convert", lambda jobs, *rest: convert_late(late.extend(jobs) or jobs, *rest))
    two = build(site, "--jobs", "2", "--no-cache", output=tmp_path / "two")
    assert one.code == two.code == 0, two.err
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    assert late == []  # every text, the innovations' summaries in both languages too, was converted early
    assert 'In English, see <a href="/berita/"' in (tmp_path / "two/en/innovations/dua/index.html").read_text()
    page = (tmp_path / "two/berita/2023/item-0/index.html").read_text()
    assert 'href="/inovasi/sipades/"' in page and "_garis_" in page
    # with the cache on, the workers leave alone what the cache holds; an edited text is converted again
    assert build(site, "--jobs", "2", output=tmp_path / "cached").code == 0
    (site / "content/news/2023/item-3.md").write_text(news("Berita 3", "2023-05-04", "Isi baru [di sini](/tentang/)."))
    assert build(site, "--jobs", "2", output=tmp_path / "cached").code == 0
    assert build(site, "--jobs", "1", "--no-cache", output=tmp_path / "one").code == 0
    assert tree(tmp_path / "cached") == tree(tmp_path / "one")


def _preview(site: Path, out: Path, memory: Memory):
    return rebuild(site, out, Options(base_url="http://127.0.0.1:8000/", drafts=True, search=False), memory)


def _full(site: Path, out: Path):
    return _preview(site, out, Memory())


EDITS = [
    ("news body", lambda s: (s / "content/news/2024/dua.md").write_text(news("Berita Dua", "2024-03-02", "Isi baru."))),
    ("news title", lambda s: (s / "content/news/2024/dua.md").write_text(
        news("Judul Dua Baru", "2024-03-02", "Isi baru.", tags="[layanan]"))),
    ("innovation", lambda s: (s / "content/innovations/lapor.yaml").write_text(
        innovation(name="Lapor Bupati", status="in-progress", progress=70))),
    ("innovation a news item is about", lambda s: (s / "content/innovations/sipades.yaml").write_text(
        innovation(name="Sipades Terpadu", tags="[desa]"))),
    ("news added", lambda s: (s / "content/news/2024/empat.md").write_text(news("Berita Empat", "2024-04-01"))),
    ("news removed", lambda s: (s / "content/news/2024/tiga.md").unlink()),
    ("template", lambda s: write_files(s, {"layouts/page.html": (ROOT / "layouts/page.html").read_text().replace(
        "{% block content %}", "{% block content %}<p class=\"catatan\">Catatan tata letak</p>")})),
    ("site title", lambda s: (s / "content/site.yaml").write_text(
        (s / "content/site.yaml").read_text().replace("Portal Uji", "Portal Uji Baru"))),
    ("translation", lambda s: (s / "content/news/2024/satu.en.md").write_text(
        news("News One", "2024-03-01", "In English.").replace("date: 2024-03-01\n", ""))),
    ("a link to another item", lambda s: (s / "content/news/2024/satu.md").write_text(
        news("Berita Satu", "2024-03-01", "Lihat [berita dua](dua.md).", innovations="[sipades]", tags="[desa]"))),
    ("the address of the linked item", lambda s: (s / "content/news/2024/dua.md").write_text(
        news("Judul Dua Baru", "2024-03-02", "Isi baru.", tags="[layanan]", slug="dua-pindah"))),
]


def test_the_preview_after_each_save_equals_a_full_build(small_site, tmp_path):
    out = tmp_path / "preview"
    memory = Memory()
    first = _preview(small_site, out, memory)
    assert first.ok
    total = first.pages
    for name, edit in EDITS:
        edit(small_site)
        result = _preview(small_site, out, memory)
        assert result.ok, (name, result.report.items)
        reference = tmp_path / f"full-{name.replace(' ', '-')}"
        assert _full(small_site, reference).ok
        assert tree(out) == tree(reference), name
        if name == "news body":
            assert 0 < result.pages < total / 3, "an edited item renders the pages that show it, not the site"


SIAP_EVIDENCE = "\n  - {{title: {}, date: 2025-01-10, url: 'https://e.id/l', year: 2025}}"
SIAP_HISTORY = ("\n  - {date: 2024-01-10, progress: 50, status: in-progress}"  # unchanged since the last evaluation
                "\n  - {date: 2025-01-15, progress: 50, status: in-progress}")  # and reviewed lately


def test_the_preview_follows_evaluation_readiness_wherever_a_page_shows_it(make_site, tmp_path):
    """Evidence added for the evaluated cycle changes no figure of the dashboard but its readiness count:
    the dashboard must show it after the save, as a full build does."""
    site = make_site({
        "content/masterplan.yaml": MASTERPLAN_YAML + "evaluation:\n  next: 2025-06-10\n  past: [2024-06-10]\n"
                                                    "  cycle: 2025\n",
        "content/innovations/siap.yaml": innovation(name="Siap", evidence=SIAP_EVIDENCE.format("Laporan 2025"),
                                                    history=SIAP_HISTORY),
        "content/innovations/belum.yaml": innovation(name="Belum"),
        "content/news/2025/a.md": news("Berita", "2025-02-01"),
    })
    out = tmp_path / "preview"
    memory = Memory()
    assert _preview(site, out, memory).ok
    assert "1 dari 2 inovasi" in (out / "index.html").read_text()
    (site / "content/innovations/belum.yaml").write_text(innovation(
        name="Belum", evidence="\n  - {title: Laporan 2025, url: 'https://e.id/b', year: 2025}"))
    assert _preview(site, out, memory).ok
    assert "2 dari 2 inovasi" in (out / "index.html").read_text()
    assert _full(site, tmp_path / "reference").ok
    assert tree(out) == tree(tmp_path / "reference")
    # the title of a piece of evidence, which only the innovation's page and the evaluator's dossier show
    (site / "content/innovations/siap.yaml").write_text(innovation(
        name="Siap", evidence=SIAP_EVIDENCE.format("Laporan Tahunan 2025"), history=SIAP_HISTORY))
    assert _preview(site, out, memory).ok
    assert "Laporan Tahunan 2025" in (out / "evaluasi/dosir/index.html").read_text()
    assert _full(site, tmp_path / "reference2").ok
    assert tree(out) == tree(tmp_path / "reference2")


def test_the_preview_s_news_feed_follows_the_new_address_of_a_page_its_items_link_to(make_site, tmp_path):
    """The feed carries each recent item's whole text, links resolved: when the page a link leads to gets
    another address, the feed changes although no item in it was saved."""
    files = {f"content/news/2024/lama-{n:02}.md": news(f"Lama {n}", f"2024-01-{n + 1:02}") for n in range(21)}
    files["content/news/2024/baru.md"] = news("Baru", "2024-03-01", "Lihat [yang lama](lama-00.md).")
    site = make_site(files)
    out = tmp_path / "preview"
    memory = Memory()
    assert _preview(site, out, memory).ok
    assert "/berita/2024/lama-00/" in (out / "berita/atom.xml").read_text()
    (site / "content/news/2024/lama-00.md").write_text(news("Lama 0", "2024-01-01", slug="paling-lama"))
    assert _preview(site, out, memory).ok
    assert "/berita/2024/paling-lama/" in (out / "berita/atom.xml").read_text()
    assert _full(site, tmp_path / "reference").ok
    assert tree(out) == tree(tmp_path / "reference")


def test_a_preview_lets_go_of_each_site_it_replaced(small_site, tmp_path):
    """An editor saves hundreds of times in a session: the preview must not keep every version of the site.

    Python's cyclic collector is kept off here: a site still reachable when its save ends (through the
    Jinja environments that rendered it, webs of reference cycles) would stay until the collector's
    next full pass. Each site must be freed as soon as its pages are written.
    """
    out = tmp_path / "preview"
    memory = Memory()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        assert _preview(small_site, out, memory).ok
        body = small_site / "content/news/2024/dua.md"
        for n in range(4):
            body.write_text(news("Berita Dua", "2024-03-02", f"Isi ke-{n}."))
            assert _preview(small_site, out, memory).ok
        sites_alive = sum(1 for obj in gc.get_objects() if type(obj) is pipeline.Plan)
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
    assert sites_alive == 0  # the last save's site is written: nothing holds it, nor any before it


def test_the_sites_of_builds_run_one_after_another_in_one_process_are_all_freed(small_site, tmp_path):
    """A build counts what it made as old instead of having the collector walk it (see few_collections):
    a tool or test suite that builds many times in one process must still get every site's memory back,
    including the reference cycles (the Jinja environments) that only the collector frees."""
    for n in range(3):
        assert build(small_site, tmp_path / f"out{n}", Options(search=False, cache=False)).ok
    assert gc.get_freeze_count() == 0  # nothing the builds made is hidden from the collector for good
    gc.collect()
    assert sum(1 for obj in gc.get_objects() if type(obj) is pipeline.Plan) == 0
    assert sum(1 for obj in gc.get_objects() if isinstance(obj, jinja2.Environment)) == 0


@pytest.mark.about_the_cache
@pytest.mark.parametrize("harm", ["deleted", "damaged"])
def test_the_preview_goes_on_when_its_cache_is_deleted_or_damaged_while_it_runs(harm, small_site, tmp_path):
    """The cache is safe to delete at any time, even under a running preview, and never trusted blindly."""
    out = tmp_path / "preview"
    memory = Memory()
    assert _preview(small_site, out, memory).ok
    cache = small_site / ".smartsite-cache"
    if harm == "deleted":
        shutil.rmtree(cache)
    else:
        for picture in (cache / "share").iterdir():
            picture.write_bytes(b"\x89PNG not a picture" + picture.read_bytes()[40:])
    write_files(small_site, {"layouts/page.html": (ROOT / "layouts/page.html").read_text().replace(
        "{% block content %}", "{% block content %}<p>Catatan</p>")})  # every page is rendered again
    assert _preview(small_site, out, memory).ok
    assert _full(small_site, tmp_path / "reference").ok
    assert tree(out) == tree(tmp_path / "reference")
    pictures = sorted((out / "bagikan").iterdir())
    assert len(pictures) == 3  # the site's card and one per innovation, each still a whole picture
    for picture in pictures:
        with Image.open(picture) as image:
            image.load()
            assert image.size == (1200, 630)


def test_a_broken_save_keeps_the_last_good_preview_and_the_fix_restores_it(small_site, tmp_path):
    out = tmp_path / "preview"
    memory = Memory()
    assert _preview(small_site, out, memory).ok
    good = tree(out)
    (small_site / "content/innovations/lapor.yaml").write_text(innovation(name="Lapor Bupati", progress=120))
    broken = _preview(small_site, out, memory)
    assert not broken.ok and tree(out) == good
    (small_site / "content/innovations/lapor.yaml").write_text(
        innovation(name="Lapor Bupati", status="done", progress=100))
    assert _preview(small_site, out, memory).ok and tree(out) == good


@pytest.mark.about_the_cache
def test_the_search_index_is_reused_when_no_indexed_page_changed(small_site, build):
    assert build(small_site, search=True).code == 0
    index = small_site / "public/pagefind"
    before = inodes(index)
    assert before
    os.utime(small_site / "content/news/2024/dua.md")  # touched, not changed: a real build, same pages
    r = build(small_site, search=True)
    assert r.code == 0 and "tidak ada yang berubah" not in r.err
    assert inodes(index) == before
    (small_site / "content/news/2024/dua.md").write_text(news("Berita Dua", "2024-03-02", "Kata kunci baru."))
    assert build(small_site, search=True).code == 0
    assert inodes(index) != before


class _Portal:
    """A small portal as data, changed one save at a time by :func:`_random_save`.

    Every state it can reach is valid content, so each save must give a good
    preview: links go only to files that are never removed (the first news
    items, the innovations, the pages), while other items come and go.
    """

    INNOVATIONS = ("alpha", "beta", "gamma")
    KEPT_NEWS = ("n0", "n1", "n2", "n3")
    TAGS = ("desa", "layanan", "data")

    def __init__(self, rng):
        self.rng = rng
        self.evaluation_next = "2025-06-10"
        self.innovations = {i: self._innovation(i) for i in self.INNOVATIONS}
        self.news = {n: self._news(n, day) for day, n in enumerate(self.KEPT_NEWS, start=1)}
        self.translation: str | None = "In English."
        self.pages = {"tentang": {"title": "Tentang", "menu": 1, "body": "Tentang portal."},
                      "kontak": {"title": "Kontak", "menu": None, "body": "Hubungi kami."}}

    def _innovation(self, ident: str) -> dict:
        return {"name": ident.title(), "status": "in-progress", "progress": 50, "tags": [], "evidence": [],
                "milestones": [], "summary": f"Ringkasan {ident}."}

    def _news(self, name: str, day: int) -> dict:
        return {"title": f"Berita {name}", "date": f"2024-03-{day:02}", "slug": None, "tags": [],
                "innovations": [], "body": f"Isi {name}.", "summary": None}

    def link(self, folder: str) -> str:
        """A Markdown link, written as editors do, from a file in ``content/<folder>``."""
        up = "../" * (folder.count("/") + 1)
        return self.rng.choice([f"[berita]({up}news/2024/{self.rng.choice(self.KEPT_NEWS)}.md)",
                                f"[inovasi]({up}innovations/{self.rng.choice(self.INNOVATIONS)}.yaml)",
                                "[tentang](/tentang/)", f"[kontak]({up}pages/kontak.md)"])

    def files(self) -> dict:
        files = {"content/masterplan.yaml": MASTERPLAN_YAML + f"evaluation:\n  next: {self.evaluation_next}\n"
                                                              "  past: [2024-06-10]\n  cycle: 2025\n"}
        for ident, inn in self.innovations.items():
            fields = {"name": inn["name"], "status": inn["status"], "progress": inn["progress"],
                      "summary": inn["summary"]}
            if inn["tags"]:
                fields["tags"] = _flow(inn["tags"])
            if inn["evidence"]:
                fields["evidence"] = "".join(f"\n  - {{title: {t}, date: {d}, url: 'https://e.id/{ident}', year: 2025}}"
                                             for t, d in inn["evidence"])
            if inn["milestones"]:
                fields["milestones"] = "".join(f"\n  - {{date: {d}, title: {t}, done: {str(done).lower()}}}"
                                               for d, t, done in inn["milestones"])
            files[f"content/innovations/{ident}.yaml"] = innovation(**fields)
        for name, item in self.news.items():
            fields = {k: v for k, v in (("slug", item["slug"]), ("summary", item["summary"])) if v}
            for key in ("tags", "innovations"):
                if item[key]:
                    fields[key] = _flow(item[key])
            files[f"content/news/2024/{name}.md"] = news(item["title"], item["date"], item["body"], **fields)
        if self.translation is not None:
            files["content/news/2024/n0.en.md"] = "---\ntitle: News n0\n---\n\n" + self.translation + "\n"
        for name, page in self.pages.items():
            menu = f"menu: {page['menu']}\n" if page["menu"] else ""
            files[f"content/pages/{name}.md"] = f"---\ntitle: {page['title']}\n{menu}---\n\n{page['body']}\n"
        return files


def _flow(names: list) -> str:
    """A YAML flow list, as editors write tags and innovations: ``[desa, layanan]``."""
    return "[" + ", ".join(names) + "]"


def _random_save(portal: _Portal) -> str:
    """Change the portal as an editor's save would; returns what was done, for the failure message."""
    rng = portal.rng
    word = rng.choice(["baru", "kedua", "revisi", "akhir"])
    kind = rng.choice(["news body", "news title", "news date", "news slug", "news tags", "news innovations",
                       "news summary", "news added", "news removed", "innovation progress", "innovation name",
                       "evidence", "milestone", "innovation tags", "innovation summary", "translation",
                       "page", "menu", "evaluation date"])
    name = rng.choice(sorted(portal.news))
    item = portal.news[name]
    inn = portal.innovations[rng.choice(portal.INNOVATIONS)]
    if kind == "news body":
        item["body"] = f"Isi {word}, lihat {portal.link('news/2024')}.\n\nParagraf kedua {word}."
    elif kind == "news title":
        item["title"] = f"Berita {name} {word}"
    elif kind == "news date":
        item["date"] = f"2024-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
    elif kind == "news slug":
        item["slug"] = rng.choice([None, f"{name}-{word}"])
    elif kind == "news tags":
        item["tags"] = rng.sample(portal.TAGS, rng.randint(0, 2))
    elif kind == "news innovations":
        item["innovations"] = rng.sample(portal.INNOVATIONS, rng.randint(0, 2))
    elif kind == "news summary":
        item["summary"] = rng.choice([None, f"Ringkasan {word}."])
    elif kind == "news added":
        extra = f"x{rng.randint(0, 2)}"
        portal.news[extra] = portal._news(extra, rng.randint(1, 28)) | {"body": f"Tambahan {portal.link('news/2024')}."}
        name = extra
    elif kind == "news removed":
        extras = sorted(set(portal.news) - set(portal.KEPT_NEWS))
        if not extras:
            return _random_save(portal)
        name = rng.choice(extras)
        del portal.news[name]
    elif kind == "innovation progress":
        inn["status"], inn["progress"] = rng.choice([("planned", 0), ("in-progress", 30), ("in-progress", 80),
                                                     ("done", 100), ("stalled", 40)])
    elif kind == "innovation name":
        inn["name"] = f"{inn['name'].split()[0]} {word}"
    elif kind == "evidence":
        inn["evidence"] = [(f"Laporan {word} {n}", f"2025-0{rng.randint(1, 5)}-10") for n in range(rng.randint(0, 2))]
    elif kind == "milestone":
        inn["milestones"] = [(f"2025-0{rng.randint(1, 9)}-15", f"Tonggak {word}", rng.random() < 0.5)
                             for _ in range(rng.randint(0, 2))]
    elif kind == "innovation tags":
        inn["tags"] = rng.sample(portal.TAGS, rng.randint(0, 2))
    elif kind == "innovation summary":
        inn["summary"] = f"Ringkasan {word}, lihat {portal.link('innovations')}."
    elif kind == "translation":
        portal.translation = rng.choice([None, f"In English, {word}."])
    elif kind == "page":
        portal.pages[rng.choice(["tentang", "kontak"])]["body"] = f"Isi {word}, lihat {portal.link('pages')}."
    elif kind == "menu":
        portal.pages["kontak"]["menu"] = rng.choice([None, 2])
    elif kind == "evaluation date":
        portal.evaluation_next = rng.choice(["2025-06-10", "2025-07-01"])
    return f"{kind} ({name})" if kind.startswith("news") else kind


def _save(portal: _Portal, site: Path) -> str:
    """One random save, written into the site folder as an editor's editor would: only the files it changed."""
    before = portal.files()
    done = _random_save(portal)
    after = portal.files()
    for rel in before.keys() - after.keys():
        (site / rel).unlink()
    write_files(site, {rel: text for rel, text in after.items() if before.get(rel) != text})
    return done


@pytest.mark.parametrize("seed", range(1, 7))
def test_the_preview_equals_a_full_build_after_any_sequence_of_saves(seed, make_site, tmp_path):
    """Random saves of every kind an editor makes, each followed by a comparison with a build from scratch:
    the preview renders only the pages whose inputs changed, and must never miss one."""
    portal = _Portal(random.Random(seed))
    site = make_site(portal.files())
    out = tmp_path / "preview"
    memory = Memory()
    assert _preview(site, out, memory).ok
    done = []
    for step in range(15):
        done.append(_save(portal, site))
        result = _preview(site, out, memory)
        assert result.ok, (done, [d.format(lambda s: s) for d in result.report.sorted()])
        reference = tmp_path / f"full-{step}"
        assert _full(site, reference).ok
        assert not differing(out, reference), (done, differing(out, reference))


@pytest.mark.about_the_cache
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_build_with_the_cache_equals_one_without_after_any_sequence_of_saves(seed, make_site, build, tmp_path):
    """The same random saves, built each time by the command line into the same folder with the cache (as
    an editor who runs ``build.py`` after each change), and from scratch without it: the cache (Markdown
    with its resolved links, share images, compiled templates, the last build's manifest) is never wrong."""
    portal = _Portal(random.Random(seed))
    site = make_site(portal.files())
    done = []
    for step in range(10):
        if step:
            done.append(_save(portal, site))
        cached = build(site, output=tmp_path / "cached")
        assert cached.code == 0, (done, cached.err)
        scratch = build(site, "--no-cache", output=tmp_path / f"scratch-{step}")
        assert scratch.code == 0, (done, scratch.err)
        assert not differing(tmp_path / "cached", tmp_path / f"scratch-{step}"), \
            (done, differing(tmp_path / "cached", tmp_path / f"scratch-{step}"))
