"""Converting a text with only the Markdown steps it can use gives the same HTML as running them all.

The converter leaves out the block processors and inline patterns a text
gives nothing to match (see smartsite/markdown_steps.py). An editor would
notice a wrong choice as a table, a link or a line break that stops working
in one item and not in another; here every text is converted both ways.
"""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.util import Registry

from smartsite import markdown_steps
from smartsite.markup import MarkdownRenderer

# Each uses one step or more; some are near misses (a character a step needs, in a text it cannot match).
FRAGMENTS = [
    "Kalimat biasa tanpa tanda apa pun",
    "Rapat koordinasi, dengan koma; dan titik.",
    "**tebal** dan *miring* dan _garis bawah_ dan __tebal juga__",
    "hanya **tebal** dan *miring*",
    "hanya _garis bawah_ dan __tebal__",
    "[tautan](https://banjarkab.go.id/) dan [rujukan][r1] dan [r1]",
    "[r1]: https://example.org/r1 \"Judul\"",
    "![foto kegiatan](foto.png) dan ![rujukan gambar][g1]",
    "[g1]: gambar.png",
    "![g1] tanpa kurung kedua",
    "![gambar dengan rujukan][g2]\n\n[g2]: gambar.png",
    "<https://banjarkab.go.id/> dan <humas@banjarkab.go.id>",
    "baris dengan dua spasi  \nbaris berikutnya",
    "baris dengan tab\t\nbaris berikutnya",
    "teks <span>HTML di tengah</span> dan <!-- catatan -->",
    "AT&amp;T &copy; &#169; &#xA9; & lepas",
    "`kode` dan ``dua ` tanda``",
    "\\*bukan miring\\* dan \\[bukan tautan\\]",
    "catatan kaki[^1] di sini",
    "[^1]: Isi catatan kaki.",
    "*[SPBE]: Sistem Pemerintahan Berbasis Elektronik",
    "SPBE dipakai di sini",
    "# Judul satu",
    "## Judul dua ##",
    "Judul setext\n============",
    "Subjudul setext\n---------------",
    "---",
    "* * *",
    "___",
    "- butir satu\n- butir dua\n    - bersarang",
    "1. satu\n2. dua\n\n    lanjutan butir dua",
    "* bintang\n+ plus",
    "* hanya bintang\n* lagi",
    "+ hanya plus\n+ lagi",
    "- butir\n\n\tlanjutan dengan tab",
    "Istilah\n:   Definisinya",
    "Istilah\n:   Definisinya\n\n    paragraf kedua definisi",
    "Istilah\n:   Definisinya\n\n\tparagraf kedua, menjorok dengan tab",
    "> kutipan\n> baris dua",
    "> kutipan dengan\n>\n>     kode di dalamnya",
    "    kode menjorok\n    baris kedua",
    "\tkode dengan tab",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "a | b\n--|--\n1 | 2",
    "```\nkode berpagar\n```",
    "~~~ python\nx = 1\n~~~",
    '<div markdown="1">\n**Markdown di dalam HTML**\n</div>',
    "<div>\nblok HTML\n</div>",
    "Paragraf dengan atribut\n{: #paragraf-ku .kelas }",
    "tanda\x02aneh\x03di sini",
    "kota-kota dan desa-desa",
    "pukul 09:00 WITA",
    "harga 5 * 3 = 15",
    "nama_berkas_ini",
    "[tidak pernah ditutup",
    "x^2 + y^2",
    "akhir dengan dua spasi  ",
    "a & b, AT&T, &nama tanpa titik koma",
    "``dua backtick`` dan ~~dua tilde~~",
    "kurung { kurawal } biasa",
    "*miring*{: .kelas } dan [tautan](https://banjarkab.go.id/){: title=\"Judul\" }",
    "## Judul dengan id {: #judul-ku }",
    "[tautan \\] dengan garis miring](https://banjarkab.go.id/a\\_b)",
    "```python\nkode { kurawal } dan \\ garis miring\n```",
]

SEPARATORS = ["\n\n", "\n", " ", "\r\n", "\n\n\n"]


CHOOSING, EVERY_STEP = MarkdownRenderer(), MarkdownRenderer()  # reused, as a build reuses its converter


def both_ways(text: str) -> tuple:
    """(HTML with the steps chosen for the text, HTML with every step run)."""
    chosen = CHOOSING.convert(text)
    with patch.dict(markdown_steps.INLINE_NEEDS, clear=True), patch.dict(markdown_steps.BLOCK_NEEDS, clear=True), \
            patch.dict(markdown_steps.PRE_NEEDS, clear=True), patch.dict(markdown_steps.TREE_NEEDS, clear=True):
        every = EVERY_STEP.convert(text)
    return chosen, every


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_each_kind_of_markdown_converts_the_same_with_only_the_steps_it_can_use(fragment):
    chosen, every = both_ways("Paragraf pembuka.\n\n" + fragment + "\n\nParagraf penutup.")
    assert chosen == every


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS)), min_size=1, max_size=8))
def test_any_mix_of_markdown_converts_the_same_with_only_the_steps_it_can_use(parts):
    text = "".join(fragment + separator for fragment, separator in parts)
    chosen, every = both_ways(text)
    assert chosen == every


def test_a_plain_paragraph_skips_most_steps_a_rich_text_skips_none_and_nothing_stays_changed(monkeypatch):
    used = {}
    choose = markdown_steps._usable

    def counting(registry, needs, present, by_name=False):
        items = choose(registry, needs, present, by_name)
        used[id(needs)] = (len(items), len(list(registry)))
        return items

    monkeypatch.setattr(markdown_steps, "_usable", counting)
    renderer = MarkdownRenderer()
    renderer.convert("Kalimat biasa tanpa tanda apa pun")
    inline, blocks = used.pop(id(markdown_steps.INLINE_NEEDS)), used.pop(id(markdown_steps.BLOCK_NEEDS))
    pre, tree = used.pop(id(markdown_steps.PRE_NEEDS)), used.pop(id(markdown_steps.TREE_NEEDS))
    assert not used
    assert all(n < total / 2 for n, total in (inline, blocks))
    assert pre[0] == pre[1] - len(markdown_steps.PRE_NEEDS) and tree[0] == tree[1] - len(markdown_steps.TREE_NEEDS)
    renderer.convert("\n\n".join(f for f in FRAGMENTS if "\x02" not in f))  # every step's characters
    assert len(used) == 4 and all(n == total for n, total in used.values())
    md = renderer._md  # after a conversion, the instance holds all its steps again
    assert all(isinstance(r, Registry) for r in (md.parser.blockprocessors, md.preprocessors, md.treeprocessors))
    assert md.treeprocessors["inline"].inlinePatterns is md.inlinePatterns


def test_every_step_named_is_one_this_python_markdown_has():
    md = MarkdownRenderer()._md
    assert [name for name in markdown_steps.INLINE_NEEDS if name not in md.inlinePatterns] == []
    assert [name for name in markdown_steps.BLOCK_NEEDS if name not in md.parser.blockprocessors] == []
    assert [name for name in markdown_steps.PRE_NEEDS if name not in md.preprocessors] == []
    assert [name for name in markdown_steps.TREE_NEEDS if name not in md.treeprocessors] == []
