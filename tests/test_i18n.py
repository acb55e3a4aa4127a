"""Two languages: Indonesian at /, English at /en/, translations and fallbacks; the search index."""

from __future__ import annotations

import json
import re

from conftest import innovation, news


def bilingual_site(make_site):
    return make_site({
        "content/innovations/sipades.yaml": innovation(name="{id: Sistem Desa, en: Village System}", progress=62),
        "content/innovations/bank.yaml": innovation(name="Bank Sampah", progress=63, horizon="medium"),
        "content/news/2023/rakoor.md": news("Rakoor Smart City", "2023-05-25 09:00", "Rapat koordinasi **tim**.",
                                            innovations="[sipades]", tags="[rakoor]"),
        "content/news/2023/rakoor.en.md": "---\ntitle: Smart City Coordination Meeting\n---\n\nThe team **met**.\n",
        "content/news/2023/lain.md": news("Berita Tanpa Terjemahan", "2023-06-01", "Hanya bahasa Indonesia."),
        "content/pages/tentang.md": "---\ntitle: Tentang\nmenu: 1\n---\n\nTentang portal.\n",
    })


def test_english_pages_mirror_the_indonesian_ones(make_site, build):
    site = bilingual_site(make_site)
    assert build(site).code == 0, "build failed"
    pub = site / "public"
    pairs = [("index.html", "en/index.html"), ("inovasi/index.html", "en/innovations/index.html"),
             ("inovasi/sipades/index.html", "en/innovations/sipades/index.html"),
             ("dimensi/governance/index.html", "en/dimensions/governance/index.html"),
             ("jangka/pendek/index.html", "en/term/short/index.html"),
             ("berita/index.html", "en/news/index.html"),
             ("berita/2023/rakoor/index.html", "en/news/2023/rakoor/index.html"),
             ("topik/rakoor/index.html", "en/topics/rakoor/index.html"),
             ("tentang/index.html", "en/tentang/index.html"), ("data/index.html", "en/data/index.html"),
             ("cari/index.html", "en/search/index.html"), ("berita/atom.xml", "en/news/atom.xml"),
             ("inovasi/status/done/index.html", "en/innovations/status/done/index.html"),
             ("inovasi/opd/dkisp/index.html", "en/innovations/office/dkisp/index.html")]
    for indonesian, english in pairs:
        assert (pub / indonesian).is_file(), indonesian
        assert (pub / english).is_file(), english
    home_id, home_en = (pub / "index.html").read_text(), (pub / "en/index.html").read_text()
    assert '<html lang="id">' in home_id and '<html lang="en">' in home_en
    assert "Dasbor" in home_id and "Dashboard" in home_en
    assert "62,5%" in home_id and "62.5%" in home_en  # Babel formats numbers per language


def test_dates_translations_and_fallbacks(make_site, build):
    site = bilingual_site(make_site)
    assert build(site).code == 0
    pub = site / "public"
    en_item = (pub / "en/news/2023/rakoor/index.html").read_text()
    assert "Thursday, 25 May 2023" in en_item and "Smart City Coordination Meeting" in en_item
    assert "The team <strong>met</strong>." in en_item
    id_item = (pub / "berita/2023/rakoor/index.html").read_text()
    assert "Kamis, 25 Mei 2023" in id_item and "Rapat koordinasi" in id_item
    fallback = (pub / "en/news/2023/lain/index.html").read_text()
    assert '<span lang="id">Berita Tanpa Terjemahan</span>' in fallback
    assert re.search(r'<div lang="id">\s*<p>Hanya bahasa Indonesia.</p>', fallback)
    assert "Village System" in (pub / "en/innovations/sipades/index.html").read_text()
    assert '<span lang="id">Bank Sampah</span>' in (pub / "en/innovations/bank/index.html").read_text()


def test_language_switch_hreflang_and_one_feed_per_language(make_site, build):
    site = make_site({"content/site.yaml": "title: Portal\nbase_url: https://example.org/portal/\nlanguage: id\n"
                                          "organisation: Dinas\n",
                      "content/news/2023/rakoor.md": news("Rakoor", "2023-05-25")})
    assert build(site).code == 0
    pub = site / "public"
    page = (pub / "berita/2023/rakoor/index.html").read_text()
    assert 'href="/portal/en/news/2023/rakoor/" hreflang="en" lang="en"' in page
    assert '<link rel="alternate" hreflang="en" href="https://example.org/portal/en/news/2023/rakoor/">' in page
    assert '<link rel="alternate" hreflang="id" href="https://example.org/portal/berita/2023/rakoor/">' in page
    en_page = (pub / "en/news/2023/rakoor/index.html").read_text()
    assert 'href="/portal/berita/2023/rakoor/" hreflang="id" lang="id"' in en_page
    feed_en = (pub / "en/news/atom.xml").read_text()
    assert 'xml:lang="en"' in feed_en and "https://example.org/portal/en/news/2023/rakoor/" in feed_en
    assert '<entry xml:lang="id">' in feed_en  # no English text: marked as Indonesian
    sitemap = (pub / "sitemap.xml").read_text()
    assert "https://example.org/portal/en/news/2023/rakoor/" in sitemap


def test_the_search_index_holds_pages_with_text_of_their_own_per_language(make_site, build):
    site = bilingual_site(make_site)
    assert build(site, search=True).code == 0
    entry = json.loads((site / "public/pagefind/pagefind-entry.json").read_text())
    # Indonesian: 2 innovations + 2 news + 1 page; English: the translated news item and the innovation
    # whose name is translated
    assert entry["languages"]["id"]["page_count"] == 5
    assert entry["languages"]["en"]["page_count"] == 2
    assert entry["languages"]["id"]["wasm"] == "id"  # Indonesian stemming
    search_page = (site / "public/cari/index.html").read_text()
    assert 'src="/pagefind/pagefind-ui.js"' in search_page


def test_a_translation_without_its_original_is_an_error(make_site, build):
    site = make_site({"content/news/2023/hilang.en.md": "---\ntitle: Lost\n---\n\nText.\n"})
    r = build(site, "--lang", "en")
    assert r.code == 1
    assert "content/news/2023/hilang.en.md: error: this translation has no original" in r.err
