"""End-to-end: fixture sites built through the command line, asserted on output."""

from __future__ import annotations

import csv
import pstats
import re
import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, innovation, news

from smartsite.linkcheck import check_links


def test_every_page_kind_is_written(make_site, build):
    site = make_site({
        "content/innovations/sipades.yaml": innovation(
            name="SIPADES", element="layanan-publik", tags="[desa, data]", summary="Sistem **desa**.",
            milestones="\n  - {date: 2023-01-10, title: Uji coba, done: true}\n  - {date: 2027-01-10, title: Replikasi, done: false}",
            evidence="\n  - {title: SK Tim, date: 2023-02-01, file: evidence/sk.pdf}\n  - {title: Laman, url: 'https://example.com/x'}",
            history="\n  - {date: 2022-05-01, progress: 20, status: in-progress, note: Awal}"),
        "content/innovations/bank-sampah.yaml": innovation(name="Bank Sampah", dimension="environment",
                                                           horizon="long", status="done", progress=100,
                                                           evidence="\n  - {title: Laporan, date: 2024-01-01, url: 'https://example.com/l'}"),
        "assets/evidence/sk.pdf": b"%PDF-1.4 test",
        "content/news/2023/rakoor.md": news("Rakoor Smart City", "2023-05-25 09:00", "Rapat koordinasi.",
                                            place="Martapura", reporter="Rina", editor="Budi", uploader="Admin",
                                            source="InfoPublik", source_url="https://example.com/asli",
                                            tags="[rakoor, Evaluasi Tahunan]", innovations="[sipades]"),
        "content/pages/tentang.md": "---\ntitle: Tentang Portal\nmenu: 1\n---\n\nIsi halaman.\n",
    })
    r = build(site)
    assert r.code == 0, r.err
    pub = site / "public"
    for rel in ["index.html", "inovasi/index.html", "inovasi/sipades/index.html", "dimensi/governance/index.html",
                "dimensi/environment/index.html", "jangka/pendek/index.html", "jangka/menengah/index.html",
                "jangka/panjang/index.html", "berita/index.html", "berita/2023/rakoor/index.html",
                "topik/index.html", "topik/rakoor/index.html", "topik/evaluasi-tahunan/index.html",
                "tentang/index.html", "berita/atom.xml", "sitemap.xml", "robots.txt", "404.html",
                "data/index.html", "data/innovations.json", "data/innovations.csv", "data/summary.json",
                "data/datapackage.json", "evidence/sk.pdf"]:
        assert (pub / rel).is_file(), rel
    page = (pub / "inovasi/sipades/index.html").read_text()
    assert "SIPADES" in page and "Sistem <strong>desa</strong>" in page
    assert "Uji coba" in page and "Replikasi" in page  # milestones timeline
    assert 'href="/evidence/sk.pdf"' in page and 'href="https://example.com/x"' in page
    assert "Rakoor Smart City" in page  # the news that reports on it
    item = (pub / "berita/2023/rakoor/index.html").read_text()
    for text in ("Martapura", "Kamis, 25 Mei 2023", "Rina", "Budi", "Admin", 'href="https://example.com/asli"',
                 'href="/inovasi/sipades/"', 'href="/topik/evaluasi-tahunan/"'):
        assert text in item, text
    assert 'href="/tentang/"' in (pub / "index.html").read_text()  # menu page
    assert check_links(pub, "https://example.org/").ok


def test_summary_json_matches_an_independent_computation(make_site, build):
    statuses = [("a", "short", "done", 100), ("b", "short", "in-progress", 45), ("c", "short", "cancelled", 10),
                ("d", "medium", "planned", 0), ("e", "long", "stalled", 33), ("f", "long", "in-progress", 34)]
    files = {f"content/innovations/{i}.yaml": innovation(horizon=h, status=s, progress=p,
                                                         dimension="governance" if i < "d" else "environment")
             for i, h, s, p in statuses}
    site = make_site(files)
    assert build(site).code == 0
    summary = json.loads((site / "public/data/summary.json").read_text())
    assert summary["total"] == 6
    # (100 + 45 + 0 + 33 + 34) / 5 = 42.4 — the cancelled one is left out
    assert summary["average_progress"] == 42.4
    assert summary["by_status"] == {"planned": 1, "in-progress": 2, "done": 1, "stalled": 1, "cancelled": 1}
    assert summary["horizons"]["short"] == {"count": 3, "average_progress": 72.5,
                                            "by_status": {"planned": 0, "in-progress": 1, "done": 1,
                                                          "stalled": 0, "cancelled": 1}}
    assert summary["horizons"]["long"]["average_progress"] == 33.5  # half rounds up
    assert summary["dimensions"]["environment"]["count"] == 3
    dash = (site / "public/index.html").read_text()
    assert "42,4%" in dash and "72,5%" in dash and "33,5%" in dash


def test_average_is_null_for_a_group_with_only_cancelled_innovations(make_site, build):
    site = make_site({"content/innovations/x.yaml": innovation(status="cancelled", progress=20)})
    assert build(site).code == 0
    summary = json.loads((site / "public/data/summary.json").read_text())
    assert summary["horizons"]["short"]["average_progress"] is None
    assert summary["horizons"]["medium"] == {"count": 0, "average_progress": None,
                                             "by_status": {s: 0 for s in summary["by_status"]}}


def test_open_data_files_have_the_documented_shape(make_site, build):
    site = make_site({
        "content/innovations/zeta.yaml": innovation(name="Zeta", start_year=2021, target_year=2024,
                                                    evidence="\n  - {title: A, url: 'https://example.org/a'}"),
        "content/innovations/alpha.yaml": innovation(name="Alpha, dengan koma"),
        "content/site.yaml": SITE_SUBPATH,
    })
    assert build(site).code == 0
    data = json.loads((site / "public/data/innovations.json").read_text())
    assert [i["id"] for i in data["innovations"]] == ["alpha", "zeta"]
    zeta = data["innovations"][1]
    assert zeta == {"id": "zeta", "name": "Zeta", "dimension": "governance", "horizon": "short", "owner": "DKISP",
                    "status": "in-progress", "progress": 50, "start_year": 2021, "target_year": 2024,
                    "evidence_count": 1, "url": "https://example.org/portal/inovasi/zeta/"}
    rows = list(csv.DictReader((site / "public/data/innovations.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["id", "name", "dimension", "horizon", "owner", "status", "progress",
                             "start_year", "target_year", "evidence_count", "url"]
    assert rows[0]["name"] == "Alpha, dengan koma" and rows[0]["start_year"] == ""
    package = json.loads((site / "public/data/datapackage.json").read_text())
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert list(fields) == list(rows[0])
    assert fields["status"]["constraints"]["enum"] == ["planned", "in-progress", "done", "stalled", "cancelled"]
    assert fields["dimension"]["constraints"]["enum"] == ["governance", "environment"]


SITE_SUBPATH = """\
title: Portal Uji
base_url: https://example.org/portal/
language: id
organisation: Dinas Uji
"""


def test_links_between_content_files_become_urls_under_the_base_path(make_site, build):
    site = make_site({
        "content/site.yaml": SITE_SUBPATH,
        "content/innovations/sipades.yaml": innovation(),
        "content/news/2023/a.md": news("A", "2023-03-01", body="Lihat [inovasi](../../innovations/sipades.yaml), "
                                                 "[berita B](b.md), [daftar](/inovasi/) dan [tentang](pages/tentang.md)."),
        "content/news/2023/b.md": news("B", "2023-03-02"),
        "content/pages/tentang.md": "---\ntitle: Tentang\n---\n\nBaca [berita A](../news/2023/a.md#bagian).\n",
    })
    r = build(site)
    assert r.code == 0, r.err
    a = (site / "public/berita/2023/a/index.html").read_text()
    assert 'href="/portal/inovasi/sipades/"' in a
    assert 'href="/portal/berita/2023/b/"' in a
    assert 'href="/portal/inovasi/"' in a
    assert 'href="/portal/tentang/"' in a
    assert 'href="/portal/berita/2023/a/#bagian"' in (site / "public/tentang/index.html").read_text()
    assert re.search(r'href="/portal/css/style\.[0-9a-f]{8}\.css"', a)
    report = check_links(site / "public", "https://example.org/portal/")
    assert report.escaping == []


def test_news_is_paginated_ten_a_page_newest_first(make_site, build):
    files = {f"content/news/2024/item-{n:02d}.md": news(f"Berita {n:02d}", f"2024-01-{n:02d}") for n in range(1, 24)}
    site = make_site(files)
    assert build(site).code == 0
    first = (site / "public/berita/index.html").read_text()
    assert "Berita 23" in first and "Berita 14" in first and "Berita 13" not in first
    assert "Berita 13" in (site / "public/berita/halaman/2/index.html").read_text()
    assert "Berita 01" in (site / "public/berita/halaman/3/index.html").read_text()
    assert not (site / "public/berita/halaman/4").exists()
    feed = ET.parse(site / "public/berita/atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.find("a:title", ns).text for e in feed.findall("a:entry", ns)]
    assert titles[0] == "Berita 23" and len(titles) == 20
    sitemap = (site / "public/sitemap.xml").read_text()
    assert "https://example.org/berita/halaman/3/" in sitemap and "404" not in sitemap


def test_drafts_and_future_items_are_not_published(make_site, build):
    site = make_site({
        "content/news/2024/draf.md": news("Masih Draf", draft="true"),
        "content/news/2099/nanti.md": news("Berita Mendatang", "2099-01-01"),
        "content/news/2024/terbit.md": news("Sudah Terbit"),
    })
    r = build(site)
    assert r.code == 0
    assert "2099-01-01" in r.err  # a warning, not an error
    listing = (site / "public/berita/index.html").read_text()
    assert "Sudah Terbit" in listing and "Masih Draf" not in listing and "Berita Mendatang" not in listing
    assert not (site / "public/berita/2024/draf").exists()
    assert build(site, "--drafts").code == 0
    assert (site / "public/berita/2024/draf/index.html").is_file()


def test_a_site_with_only_content_uses_the_theme_and_can_override_it(make_site, build):
    site = make_site({"content/innovations/x.yaml": innovation()})
    assert build(site).code == 0
    css = re.search(r'href="/(css/style\.[0-9a-f]{8}\.css)"', (site / "public/index.html").read_text()).group(1)
    assert (site / "public" / css).is_file()
    override = make_site({
        "content/innovations/x.yaml": innovation(),
        "layouts/404.html": "{% extends 'base.html' %}{% block content %}<h1>Tersesat?</h1>{% endblock %}",
        "assets/css/style.css": "body { color: black; }",
    })
    assert build(override).code == 0
    assert "Tersesat?" in (override / "public/404.html").read_text()
    css = re.search(r'href="/(css/style\.[0-9a-f]{8}\.css)"', (override / "public/index.html").read_text()).group(1)
    assert (override / "public" / css).read_text() == "body { color: black; }"
    assert "innovation" in (override / "public/inovasi/x/index.html").read_text()  # theme template still used


def test_two_builds_are_byte_identical(make_site, build, tmp_path):
    site = make_site({"content/innovations/x.yaml": innovation(),
                      "content/news/2024/a.md": news("A", "2024-02-02 10:30")})
    assert build(site, output=tmp_path / "one").code == 0
    assert build(site, output=tmp_path / "two").code == 0
    files_one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert files_one == files_two
    for rel in files_one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel
    generated = json.loads((tmp_path / "one/data/innovations.json").read_text())["generated"]
    assert generated == "2024-02-02T10:30:00+08:00"  # the newest content date, not the clock


def test_a_failed_build_leaves_the_previous_output_and_no_staging(make_site, build):
    site = make_site({"content/innovations/x.yaml": innovation()})
    assert build(site).code == 0
    before = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    (site / "content/innovations/x.yaml").write_text(innovation(progress=120))
    r = build(site)
    assert r.code == 1
    after = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in site.iterdir() if p.name.startswith((".smartsite-staging", ".smartsite-retired"))] == []


def test_a_deleted_source_is_gone_after_the_next_build(make_site, build):
    site = make_site({"content/news/2024/a.md": news("A"), "content/news/2024/b.md": news("B")})
    assert build(site).code == 0
    (site / "content/news/2024/b.md").unlink()
    assert build(site).code == 0
    assert (site / "public/berita/2024/a/index.html").is_file()
    assert not (site / "public/berita/2024/b").exists()


def _photo(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buf, "JPEG")
    return buf.getvalue()


def test_news_images_get_responsive_webp_variants_and_become_the_link_preview(make_site, build):
    site = make_site({
        "assets/foto/rakoor.jpg": _photo(2000, 1000),
        "content/news/2023/rakoor.md": news("Rakoor", "2023-05-25", image="foto/rakoor.jpg",
                                            image_alt="Peserta rapat di Aula Barakat"),
    })
    r = build(site)
    assert r.code == 0, r.err
    page = (site / "public/berita/2023/rakoor/index.html").read_text()
    srcset = re.search(r'<source type="image/webp" srcset="([^"]+)"', page).group(1)
    widths = [int(w) for w in re.findall(r" (\d+)w", srcset)]
    assert widths == [480, 800, 1200]
    for url in re.findall(r"(/img/\S+\.webp)", srcset):
        assert (site / "public" / url.lstrip("/")).is_file()
    img = re.search(r'<img src="([^"]+)" width="1200" height="600" alt="Peserta rapat di Aula Barakat" '
                    r'loading="lazy"', page)
    assert img and (site / "public" / img.group(1).lstrip("/")).is_file()
    og = re.search(r'<meta property="og:image" content="https://example.org(/img/[^"]+)">', page)
    assert og and og.group(1) == img.group(1)


def test_a_build_without_cache_leaves_no_temporary_folders(make_site, build, tmp_path, monkeypatch):
    """Without a cache, news pictures are made in a temporary folder: gone once the site is written,
    and never made for a site without pictures (every build used to leave an empty one behind)."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    plain = make_site({"content/news/2023/rapat.md": news("Rapat", "2023-05-25")})
    assert build(plain, "--no-cache").code == 0
    assert list(temp.iterdir()) == []
    pictured = make_site({
        "assets/foto/rakoor.jpg": _photo(1000, 500),
        "content/news/2023/rakoor.md": news("Rakoor", "2023-05-25", image="foto/rakoor.jpg",
                                            image_alt="Peserta rapat di Aula Barakat"),
    })
    r = build(pictured, "--no-cache")
    assert r.code == 0, r.err
    page = (pictured / "public/berita/2023/rakoor/index.html").read_text()
    img = re.search(r'<img src="/([^"]+)" width="1000"', page)
    assert img and (pictured / "public" / img.group(1)).is_file()
    assert list(temp.iterdir()) == []


def test_innovations_get_a_share_image_under_300_kb(make_site, build):
    site = make_site({"content/innovations/sipades.yaml": innovation(name="SIPADES", progress=62)})
    assert build(site).code == 0
    page = (site / "public/inovasi/sipades/index.html").read_text()
    url = re.search(r'<meta property="og:image" content="https://example.org/([^"]+)">', page).group(1)
    data = (site / "public" / url).read_bytes()
    from PIL import Image
    import io

    assert Image.open(io.BytesIO(data)).size == (1200, 630)
    assert len(data) < 300 * 1024
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_check_links_reports_a_missing_anchor_and_lists_external_links(make_site, build):
    site = make_site({"content/news/2024/a.md": news("A", body="Lihat [bagian](b.md#tidak-ada) dan "
                                                               "[luar](https://example.com/luar)."),
                      "content/news/2024/b.md": news("B")})
    r = build(site, "--check-links")
    assert r.code == 1
    assert "berita/2024/a/index.html" in r.err and "/berita/2024/b/#tidak-ada" in r.err
    assert "https://example.com/luar" in r.out
    (site / "content/news/2024/a.md").write_text(news("A", body="Lihat [judul](b.md#konten)."))
    assert build(site, "--check-links").code == 0


def test_css_and_js_carry_a_content_hash_and_headers_cache_them_forever(make_site, build):
    site = make_site({"content/innovations/x.yaml": innovation(), "assets/css/style.css": "body{color:#111}"})
    assert build(site).code == 0
    page = (site / "public/inovasi/index.html").read_text()
    css = re.search(r'href="/(css/style\.([0-9a-f]{8})\.css)"', page)
    js = re.search(r'src="/(js/filter\.[0-9a-f]{8}\.js)"', page)
    assert css and js and (site / "public" / js.group(1)).is_file()
    import hashlib

    assert css.group(2) == hashlib.sha256(b"body{color:#111}").hexdigest()[:8]
    assert not (site / "public/css/style.css").exists()
    headers = (site / "public/_headers").read_text()
    assert "/css/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert "/inovasi/*\n  Cache-Control: public, max-age=0, must-revalidate" in headers
    assert "/data/*\n  Cache-Control: public, max-age=0, must-revalidate" in headers
    (site / "assets/css/style.css").write_text("body{color:#222}")
    assert build(site).code == 0
    assert css.group(1) not in (site / "public/inovasi/index.html").read_text()  # a new name for new content


def test_every_page_names_the_site_icon_and_the_icon_files_are_published(make_site, build):
    """A page that names no icon makes the browser ask for /favicon.ico, and the visitor download the
    404 page instead; under a base path that request would not even reach the site."""
    from PIL import Image

    site = make_site({"content/innovations/x.yaml": innovation()})
    assert build(site, "--base-url", "https://example.org/smartcity/").code == 0
    pub = site / "public"
    for page in ("index.html", "inovasi/x/index.html", "404.html", "en/index.html", "data/index.html"):
        html = (pub / page).read_text()
        assert '<link rel="icon" href="/smartcity/favicon.ico" sizes="32x32">' in html, page
        assert '<link rel="icon" href="/smartcity/favicon.svg" type="image/svg+xml">' in html, page
        assert '<link rel="apple-touch-icon" href="/smartcity/apple-touch-icon.png">' in html, page
    with Image.open(pub / "favicon.ico") as ico:
        assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= ico.info["sizes"]
    with Image.open(pub / "apple-touch-icon.png") as apple:
        assert apple.size == (180, 180) and apple.mode == "RGB"  # no transparency: iOS would fill it black
    svg = ET.parse(pub / "favicon.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 32 32"
    assert "/favicon.ico\n  Cache-Control: public, max-age=0, must-revalidate" in (pub / "_headers").read_text()


def test_headings_in_markdown_never_skip_a_level_below_the_page_title(make_site, build):
    site = make_site({"content/pages/a.md": "---\ntitle: A\n---\n\n# Bagian\n\n## Sub\n",
                      "content/pages/b.md": "---\ntitle: B\n---\n\n## Bagian\n\n### Sub\n"})
    assert build(site).code == 0
    a = (site / "public/a/index.html").read_text()
    b = (site / "public/b/index.html").read_text()
    assert "<h2>Bagian</h2>" in a and "<h3>Sub</h3>" in a and "<h1>Bagian" not in a
    assert "<h2>Bagian</h2>" in b and "<h3>Sub</h3>" in b


def test_precompressed_copies_when_the_site_asks_for_them(make_site, build):
    import gzip

    import brotli

    site = make_site({"content/site.yaml": "title: Portal\nbase_url: https://example.org/\nlanguage: id\n"
                                          "organisation: Dinas\nprecompress: true\n",
                      "content/innovations/x.yaml": innovation()})
    assert build(site).code == 0
    page = site / "public/inovasi/x/index.html"
    assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == page.read_bytes()
    css = next((site / "public/css").glob("style.*.css"))
    assert (css.parent / (css.name + ".br")).is_file()
    plain = make_site({"content/innovations/x.yaml": innovation()})
    assert build(plain).code == 0
    assert not list((plain / "public").rglob("*.gz"))


@pytest.mark.about_the_cache
def test_a_template_edit_shows_in_the_next_build_despite_the_compiled_template_cache(make_site, build):
    site = make_site({"content/innovations/x.yaml": innovation(),
                      "layouts/404.html": "{% extends 'base.html' %}{% block content %}<h1>Versi satu</h1>{% endblock %}"})
    assert build(site).code == 0
    assert list((site / ".smartsite-cache/jinja").rglob("*.cache"))  # compiled templates are kept
    (site / "layouts/404.html").write_text("{% extends 'base.html' %}{% block content %}<h1>Versi dua</h1>"
                                           "{% endblock %}")
    assert build(site).code == 0
    assert "Versi dua" in (site / "public/404.html").read_text()
    for cached in (site / ".smartsite-cache/jinja").rglob("*.cache"):  # a damaged cache is ignored, not trusted
        cached.write_bytes(b"rusak")
    assert build(site).code == 0
    assert "Versi dua" in (site / "public/404.html").read_text()


def test_a_topic_is_paginated_like_the_news_list_and_pagers_show_a_window(make_site, build):
    files = {"content/innovations/x.yaml": innovation(name="Inovasi Desa", tags="[desa]")}
    for day in range(1, 26):
        files[f"content/news/2024/b{day:02d}.md"] = news(f"Berita {day:02d}", f"2024-03-{day:02d}", tags="[desa]")
    for n in range(100):
        files[f"content/news/2023/lain-{n:03d}.md"] = news(f"Lain {n}", "2023-01-01", tags="[lain]")
    site = make_site(files)
    assert build(site).code == 0
    first = (site / "public/topik/desa/index.html").read_text()
    third = (site / "public/topik/desa/halaman/3/index.html").read_text()
    assert "Inovasi Desa" in first and "Inovasi Desa" not in third  # innovations on the first page only
    assert "Berita 25" in first and "Berita 16" in first and "Berita 15" not in first  # newest first, 10 a page
    assert third.count('<li>\n    <article>') == 5 and "Berita 01" in third
    assert 'href="/topik/desa/halaman/2/" rel="prev"' in third and "(halaman 3 dari 3)" in third
    assert not (site / "public/topik/desa/halaman/4").exists()
    assert '<a href="/topik/desa/halaman/3/">3</a>' in first
    # 125 news make 13 list pages: page 7 links 1, 5-9 and 13 with gaps, not all thirteen
    seventh = (site / "public/berita/halaman/7/index.html").read_text()
    pager = seventh[seventh.index('<nav class="pager"'):]
    pager = pager[:pager.index("</nav>")]
    linked = re.findall(r">(\d+)</(?:a|span)>", pager)
    assert linked == ["1", "5", "6", "7", "8", "9", "13"] and pager.count('class="gap"') == 2


def test_the_command_reports_and_exits_with_its_status_when_run_as_a_program(make_site):
    """``python build.py`` ends the process without tearing the interpreter down: what it printed and
    its exit status must still reach the shell (and CI), for a failed build and for a good one."""
    site = make_site({"content/innovations/x.yaml": innovation(progress=120)})
    command = [str(ROOT / "build.py"), "build", "--site", str(site), "--no-search"]
    failed = _python(*command)
    assert failed.returncode == 1
    assert "content/innovations/x.yaml:" in failed.stderr and "120" in failed.stderr
    assert failed.stderr.endswith("\n")
    assert not (site / "public").exists()
    (site / "content/innovations/x.yaml").write_text(innovation(progress=20), encoding="utf-8")
    done = _python(*command)
    assert done.returncode == 0, done.stderr
    assert "selesai membuat" in done.stderr and done.stderr.endswith("\n")
    assert (site / "public/inovasi/x/index.html").is_file()


def test_a_profiled_build_still_writes_its_profile(make_site, tmp_path):
    """The quick exit is skipped under a profiler (docs/performance.md profiles builds this way)."""
    site = make_site({"content/innovations/x.yaml": innovation(progress=20)})
    profile = tmp_path / "build.prof"
    done = _python("-m", "cProfile", "-o", str(profile), str(ROOT / "build.py"), "build", "--site", str(site),
                   "--no-search")
    assert done.returncode == 0, done.stderr
    assert any(name == "build" for (_file, _line, name) in pstats.Stats(str(profile)).stats)


def _python(*args: str) -> subprocess.CompletedProcess:
    """This interpreter run as a program, as a shell or CI runs it."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120)
