"""Plain-text articles (as editors paste them) imported into news items: smartsite.importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from conftest import run_cli
from smartsite import mojibake
from smartsite.diagnostics import Severity
from smartsite.importer import ImportedArticle, parse_article, render_markdown

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
TODAY = dt.date(2025, 7, 1)

CREDITS = "Reporter : Tim Liputan\nEditor : Redaksi\nUploader : Admin Web\n"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(text: str, path: str = "artikel.txt") -> ImportedArticle:
    return parse_article(text, path, TODAY)


def article(first_paragraph: str, *more: str, title: str = "Judul Berita Uji") -> str:
    """An article in the pasted format, with credits, around the given paragraphs."""
    return "\n".join([title, first_paragraph, *more]) + "\n" + CREDITS


def warnings(a: ImportedArticle) -> list:
    return [d for d in a.diagnostics if d.severity is Severity.WARNING]


def errors(a: ImportedArticle) -> list:
    return [d for d in a.diagnostics if d.severity is Severity.ERROR]


def msgids(diagnostics) -> list[str]:
    return [d.message.msgid for d in diagnostics]


def paragraphs(a: ImportedArticle) -> list[str]:
    return a.body.split("\n\n")


def column_of(text: str, line: int, fragment: str) -> int:
    """The 1-based column of ``fragment`` on a 1-based line of ``text``, found independently."""
    return text.split("\n")[line - 1].index(fragment) + 1


# -- the example article of the format --------------------------------------------------------------------


def test_own_copy_of_the_example_structure():
    """The plain-text format editors paste in, in our own words, with the lost byte on the 'tambahnya' line."""
    text = fixture_text("contoh-artikel.txt")
    a = parse(text, "contoh-artikel.txt")
    assert a.front == {
        "title": "DKISP Banjar Gelar Bimbingan Teknis Aplikasi Layanan Kependudukan", "date": "2023-06-08",
        "place": "Martapura", "reporter": "Tim Peliput", "editor": "Meja Redaksi", "uploader": "Operator Laman",
        "source": "Radio Suara Banjar", "via": "InfoPublik", "draft": True,
    }
    assert a.year == 2023
    assert a.slug == "dkisp-banjar-gelar-bimbingan-teknis-aplikasi-layanan"
    assert len(paragraphs(a)) == 6
    assert a.body.startswith("MARTAPURA,- Dinas Komunikasi")
    assert "“Aplikasi ini memangkas antrean." in a.body
    assert "rumah,” ujar" in a.body
    assert "tahun,” tambahnya" in a.body
    assert "Jum’at" in a.body
    for absent in ("â€", "Reporter", "Editor", "Uploader", "pertama kali tampil", "Source"):
        assert absent not in a.body
    [w] = a.diagnostics
    assert w.severity is Severity.WARNING
    assert (w.path, w.line, w.column) == ("contoh-artikel.txt", 7, 56)
    assert w.column == column_of(text, 7, "â€ tambahnya")
    assert dict(w.message.args) == {"fragment": "â€", "repaired": "”"}
    assert mojibake.find(render_markdown(a)) == []


def test_own_copy_with_every_damaged_sequence_complete_is_repaired_silently():
    """The copy that did not go through a partial repair: the closing quote keeps its last byte (0x9D),
    so each repair is certain and there is nothing to warn about; the article comes out the same."""
    lost = fixture_text("contoh-artikel.txt")
    complete = lost.replace("tahun,â€ tambahnya", "tahun,â€\x9d tambahnya")
    assert complete != lost
    a = parse(complete, "contoh-artikel.txt")
    assert not a.diagnostics
    assert list(a.front) == ["title", "date", "place", "reporter", "editor", "uploader", "source", "via", "draft"]
    expected = parse(lost, "contoh-artikel.txt")
    assert (a.front, a.body, a.slug) == (expected.front, expected.body, expected.slug)


# -- damaged text ------------------------------------------------------------------------------------------


def test_damaged_text_of_several_kinds():
    text = fixture_text("teks-rusak.txt")
    a = parse(text, "teks-rusak.txt")
    assert a.front["title"] == "Warga Sungai Tabuk Manfaatkan Aduan Daring – Balasan Rata-rata Dua Hari"
    assert a.front["place"] == "Sungai Tabuk"
    assert a.front["date"] == "2024-01-10"
    body = paragraphs(a)
    assert body[1] == ("Selama Oktober–Desember tercatat 214 aduan, kebanyakan soal jalan lingkungan dan lampu "
                       "penerangan … sisanya soal air bersih.")  # en dash and ellipsis: certain
    assert body[2] == ("“Sekarang warga tidak perlu menunggu rapat desa untuk menyampaikan keluhan,” "
                       "kata camat.")  # complete quotes: certain
    assert body[3] == "“Petugas kami membalas paling lambat dua hari kerja,” ujarnya menambahkan."
    assert "hari Jum’at berikutnya" in body[4]
    assert "24°C dan kafé internet" in body[5]  # Latin-1 letters and signs: certain
    assert body[6] == "“Kami terus memperbaiki,” kata operator aduan."  # damaged twice: certain
    # only the two sequences that lost their last byte are uncertain, each with its chosen repair
    found = [(w.line, w.column, dict(w.message.args)["repaired"]) for w in warnings(a)]
    assert found == [(5, 1, "“"), (6, column_of(text, 6, "â€at"), "’")]
    assert errors(a) == []
    output = render_markdown(a)
    assert mojibake.find(output) == []
    assert "â€" not in output and "Ã" not in output and "Â" not in output


@pytest.mark.parametrize("line, expected", [
    ("“Sudah berjalan,â€ katanya.", "“Sudah berjalan,” katanya."),  # closes the quotation opened before
    ("â€œSudah berjalan,â€ katanya.", "“Sudah berjalan,” katanya."),  # opened by a damaged quote
    ("Ia berkata â€Sudah berjalan.", "Ia berkata “Sudah berjalan."),  # at the start of a word
    ("Rapat digelar hari Jumâ€at.", "Rapat digelar hari Jum’at."),  # between letters: an apostrophe
    ("berjalan,â€ katanya.", "berjalan,” katanya."),  # after a word, nothing opened: closing
])
def test_a_lost_last_byte_is_repaired_by_its_neighbours_and_reported(line, expected):
    text = article("MARTAPURA,- Rapat Selasa (14/3/2023).", line)
    a = parse(text)
    assert paragraphs(a)[1] == expected
    [w] = warnings(a)
    assert (w.line, w.column) == (3, line.index("â€", line.index("â€œ") + 1 if "â€œ" in line else 0) + 1)
    assert w.message.msgid == "damaged text (a wrong encoding): {fragment} was taken to be {repaired}"


def test_a_damaged_title_and_credit_are_repaired():
    text = "Rapat â€œSmart Cityâ€\x9d Dimulai\nMARTAPURA,- Rapat Selasa (14/3/2023).\n" \
           "Reporter : Jaâ€™far\nEditor : Redaksi\nUploader : Admin Web\n"
    a = parse(text)
    assert a.front["title"] == "Rapat “Smart City” Dimulai"
    assert a.front["reporter"] == "Ja’far"
    assert a.diagnostics == ()


def test_typographic_quotes_are_kept_as_they_are():
    text = article("MARTAPURA,- “Ayo,” kata Bupati, Selasa (14/3/2023), dan ‘siap’ jawab warga.")
    a = parse(text)
    assert a.body == "MARTAPURA,- “Ayo,” kata Bupati, Selasa (14/3/2023), dan ‘siap’ jawab warga."
    assert a.diagnostics == ()


def test_straight_quotes_are_not_curled():
    a = parse(article('MARTAPURA,- "Ayo," kata Bupati, Selasa (14/3/2023).'))
    assert a.body == 'MARTAPURA,- "Ayo," kata Bupati, Selasa (14/3/2023).'


# -- credits and syndication --------------------------------------------------------------------------------


def test_missing_credits_give_three_warnings_and_no_keys():
    a = parse(fixture_text("tanpa-kredit.txt"), "tanpa-kredit.txt")
    assert not {"reporter", "editor", "uploader"} & set(a.front)
    assert a.front["source"] == "Radio Suara Banjar" and a.front["via"] == "InfoPublik"
    ws = warnings(a)
    assert len(ws) == 3 and a.diagnostics == tuple(ws)
    assert [dict(w.message.args)["field"] for w in ws] == ["reporter", "editor", "uploader"]
    assert {w.message.msgid for w in ws} == {"no {credit} line found; '{field}' is left out"}
    assert all((w.path, w.line, w.column) == ("tanpa-kredit.txt", 0, 0) for w in ws)


def test_names_keep_their_apostrophes():
    a = parse(fixture_text("apostrof.txt"), "apostrof.txt")
    assert a.front["reporter"] == "Muhammad Ja'far"
    assert a.front["editor"] == "Siti Nur’aini"  # repaired from "Nurâ€™aini", certain
    assert a.diagnostics == ()
    front = yaml.safe_load(render_markdown(a).split("---\n")[1])
    assert front["reporter"] == "Muhammad Ja'far" and front["editor"] == "Siti Nur’aini"


@pytest.mark.parametrize("line, key, name", [
    ("Reporter : Tim Liputan", "reporter", "Tim Liputan"),
    ("reporter:Tim Liputan", "reporter", "Tim Liputan"),
    ("REPORTER   :   Tim Liputan  ", "reporter", "Tim Liputan"),
    ("Penulis : Ahmad Fauzi", "reporter", "Ahmad Fauzi"),
    ("Pewarta: Ahmad Fauzi", "reporter", "Ahmad Fauzi"),
    ("EDITOR :Redaksi", "editor", "Redaksi"),
    ("Uploader\t:\tAdmin Web", "uploader", "Admin Web"),
])
def test_credit_lines_with_any_spacing_and_case(line, key, name):
    text = "Judul\nMARTAPURA,- Rapat Selasa (14/3/2023).\n" + line + "\n"
    a = parse(text)
    assert a.front[key] == name
    assert line.strip() not in a.body


def test_an_empty_credit_counts_as_missing():
    a = parse("Judul\nMARTAPURA,- Rapat Selasa (14/3/2023).\nReporter :\nEditor : Redaksi\nUploader : Admin\n")
    assert "reporter" not in a.front
    assert [dict(w.message.args)["field"] for w in warnings(a)] == ["reporter"]


@pytest.mark.parametrize("written, via", [
    ("INFOPUBLIK", "InfoPublik"), ("infopublik", "InfoPublik"), ("ANTARA", "Antara"),
    ("RADIO SUARA BANJAR", "Radio Suara Banjar"), ("InfoPublik", "InfoPublik"),
])
def test_source_line_gives_via_with_a_readable_capitalisation(written, via):
    a = parse(article("MARTAPURA,- Rapat Selasa (14/3/2023).") + f"Source:: {written}\n")
    assert a.front["via"] == via
    assert "Source" not in a.body


def test_syndication_line_gives_source_without_its_final_period():
    a = parse(article("MARTAPURA,- Rapat Selasa (14/3/2023).")
              + "Artikel Judul Berita Uji pertama kali tampil pada Radio Suara Banjar.\n")
    assert a.front["source"] == "Radio Suara Banjar"
    assert "pertama kali" not in a.body


# -- dateline ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("opening, place", [
    ("MARTAPURA,- ", "Martapura"),
    ("MARTAPURA ,- ", "Martapura"),
    ("MARTAPURA, - ", "Martapura"),
    ("MARTAPURA,-", "Martapura"),
    ("Martapura,- ", "Martapura"),
    ("BANJAR BARU,- ", "Banjar Baru"),
    ("SUNGAI TABUK ,- ", "Sungai Tabuk"),
])
def test_dateline_gives_the_place_and_stays_in_the_text(opening, place):
    first = opening + "Rapat koordinasi digelar Selasa (14/3/2023)."
    a = parse(article(first))
    assert a.front["place"] == place
    assert paragraphs(a)[0] == first
    assert not any("dateline" in m for m in msgids(a.diagnostics))


@pytest.mark.parametrize("first", [
    "Rapat koordinasi digelar di Martapura, Selasa (14/3/2023).",
    "Menurut kepala dinas,- rapat digelar Selasa (14/3/2023).",
    "MARTAPURA - Rapat koordinasi digelar Selasa (14/3/2023).",
])
def test_no_dateline_is_a_warning_and_no_place_is_guessed(first):
    a = parse(article("  " + first))
    assert "place" not in a.front
    [w] = warnings(a)
    assert w.message.msgid == "no dateline found; 'place' is left out"
    assert (w.line, w.column) == (2, 3)


def test_the_dateline_is_only_looked_for_in_the_first_paragraph():
    a = parse(article("Rapat digelar Selasa (14/3/2023).", "MARTAPURA,- Paragraf kedua."))
    assert "place" not in a.front
    assert msgids(warnings(a)) == ["no dateline found; 'place' is left out"]


# -- event date and time ----------------------------------------------------------------------------------


def test_missing_date_is_a_warning_and_no_date_key():
    a = parse(fixture_text("tanpa-tanggal.txt"), "tanpa-tanggal.txt")
    assert "date" not in a.front
    assert "date:" not in render_markdown(a)
    [w] = a.diagnostics
    assert w.message.msgid == "no event date found; fill in 'date'"
    assert (w.severity, w.line) == (Severity.WARNING, 0)
    assert a.year == TODAY.year  # not guessed for the date, only for the folder


def test_clock_time_in_wita_is_kept():
    text = fixture_text("pukul-wita.txt")
    a = parse(text, "pukul-wita.txt")
    assert a.front["date"] == "2024-02-05 09:30"  # not the 13.00 of the next sentence
    assert a.year == 2024
    assert a.diagnostics == ()
    assert "date: 2024-02-05 09:30\n" in render_markdown(a)


@pytest.mark.parametrize("sentence, date", [
    ("Rapat digelar Selasa (14/3/2023) pagi.", "2023-03-14"),  # a part of the day is not a time
    ("Rapat digelar Selasa (14/3/2023) sore di aula.", "2023-03-14"),
    ("Rapat digelar Selasa (14/3/2023) jam 14:00 di aula.", "2023-03-14 14:00"),
    ("Rapat digelar Selasa (14/3/2023) pukul 9.30 WITA.", "2023-03-14 09:30"),
    ("Rapat digelar pukul 08.00 Wita, Selasa (14/3/2023), di aula.", "2023-03-14 08:00"),
    ("Rapat digelar Selasa (14/3/2023) pukul 2.00 siang.", "2023-03-14 14:00"),
    ("Rapat digelar Selasa (14/3/2023) pagi. Makan siang pukul 12.00.", "2023-03-14"),  # another sentence
    ("Rapat berlangsung 24 jam pada Selasa ( 14 / 3 / 2023 ).", "2023-03-14"),  # a duration is not a time
    ("Rapat digelar Selasa (14/3/2023), lalu Rabu (15/3/2023).", "2023-03-14"),  # the first date
])
def test_event_date_and_time(sentence, date):
    a = parse(article("MARTAPURA,- " + sentence))
    assert a.front["date"] == date
    assert warnings(a) == []


@pytest.mark.parametrize("sentence, fragment", [
    ("Rapat digelar Selasa (14/3/2023) pukul 09.00 WIB.", "pukul 09.00 WIB"),
    ("Rapat digelar Selasa (14/3/2023) pukul 25.00.", "pukul 25.00"),
])
def test_a_time_that_cannot_be_used_keeps_the_date_only(sentence, fragment):
    a = parse(article("MARTAPURA,- " + sentence))
    assert a.front["date"] == "2023-03-14"
    [w] = warnings(a)
    assert dict(w.message.args)["time"] == fragment
    assert (w.line, w.column) == (2, len("MARTAPURA,- ") + sentence.index(fragment) + 1)


def test_impossible_date_is_a_warning_and_no_date_key():
    text = fixture_text("tanggal-mustahil.txt")
    a = parse(text, "tanggal-mustahil.txt")
    assert "date" not in a.front
    [w] = a.diagnostics
    assert w.severity is Severity.WARNING
    assert w.message.msgid == "{value} is not a date in the calendar"
    assert dict(w.message.args) == {"value": "31/2/2024"}
    assert (w.line, w.column) == (2, column_of(text, 2, "(31/2/2024)"))
    assert a.year == TODAY.year


def test_the_date_column_counts_in_the_input_before_repairs():
    text = article("MARTAPURA,- â€œRapat,â€\x9d kata dia, Selasa (31/2/2023).")
    a = parse(text)
    [w] = warnings(a)
    assert w.column == column_of(text, 2, "(31/2/2023)")


# -- file forms and errors ------------------------------------------------------------------------------------


def test_windows_line_endings_and_a_bom_read_like_the_plain_file():
    plain = fixture_text("contoh-artikel.txt")
    windows = "\ufeff" + plain.replace("\n", "\r\n")
    a, b = parse(plain, "contoh-artikel.txt"), parse(windows, "contoh-artikel.txt")
    assert (b.front, b.body, b.slug, b.year) == (a.front, a.body, a.slug, a.year)
    assert "\r" not in b.body and "\ufeff" not in b.front["title"]
    assert [(d.line, d.column, d.source_line) for d in b.diagnostics] == \
           [(d.line, d.column, d.source_line) for d in a.diagnostics] == [(7, 56, plain.split("\n")[6])]


def test_a_bom_on_the_title_line_does_not_shift_columns():
    text = "\ufeffMARTAPURA,- Tanpa judul, Selasa (14/3/2023).\r\n" + CREDITS.replace("\n", "\r\n")
    [e] = errors(parse(text))
    assert (e.line, e.column) == (1, 1)


@pytest.mark.parametrize("text", ["", "\n\n", "   \r\n\t\n", "\ufeff"])
def test_empty_input_is_an_error_not_an_exception(text):
    a = parse(text)
    [e] = a.diagnostics
    assert e.severity is Severity.ERROR and e.message.msgid == "the file is empty"
    assert "title" not in a.front and a.body == "" and a.year == TODAY.year


@pytest.mark.parametrize("text", ["Judul Saja", "\n\nJudul Saja\n\n", "Judul Saja\n" + CREDITS + "Source:: X\n"])
def test_a_title_alone_is_an_error(text):
    a = parse(text)
    [e] = a.diagnostics
    assert e.severity is Severity.ERROR and e.message.msgid == "the article has a title but no text"
    assert a.front["title"] == "Judul Saja"


def test_an_article_without_its_title_line_is_an_error():
    a = parse("MARTAPURA,- Rapat digelar Selasa (14/3/2023).\n" + CREDITS)
    assert msgids(errors(a)) == ["there is no title: the first line already starts the article text"]
    assert "title" not in a.front
    assert a.body.startswith("MARTAPURA,- Rapat")


def test_blank_lines_and_spaces_around_paragraphs_are_dropped():
    a = parse("\n  Judul Berita  \n\nMARTAPURA,- Satu, Selasa (14/3/2023).  \n\n\n  Dua.\n" + CREDITS)
    assert a.front["title"] == "Judul Berita"
    assert a.body == "MARTAPURA,- Satu, Selasa (14/3/2023).\n\nDua."


def test_diagnostics_carry_the_display_path_and_the_input_line():
    text = fixture_text("teks-rusak.txt")
    a = parse(text, "unduhan/berita 1.txt")
    for d in a.diagnostics:
        assert d.path == "unduhan/berita 1.txt"
        assert d.source_line == text.split("\n")[d.line - 1]
        assert "warning" in d.format()


# -- slug --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("title, slug", [
    ("Rapat Koordinasi Smart City", "rapat-koordinasi-smart-city"),
    ("Jum’at Bersih: Kerja Bakti di 20 Desa!", "jumat-bersih-kerja-bakti-di-20-desa"),
    ("a" * 20 + " " + "b" * 39 + " cc", "a" * 20 + "-" + "b" * 39),  # exactly 60 before a space
    ("a" * 20 + " " + "b" * 38 + " cc", "a" * 20 + "-" + "b" * 38),  # "cc" would make 62
    ("x" * 70, "x" * 60),  # one long word is cut
])
def test_slug(title, slug):
    a = parse(article("MARTAPURA,- Rapat Selasa (14/3/2023).", title=title))
    assert a.slug == slug
    assert len(a.slug) <= 60


# -- the written file ----------------------------------------------------------------------------------------


def test_render_markdown_writes_front_matter_then_the_body():
    a = parse(fixture_text("contoh-artikel.txt"))
    text = render_markdown(a)
    assert text.startswith("---\ntitle: DKISP Banjar Gelar Bimbingan Teknis Aplikasi Layanan Kependudukan\n"
                           "date: 2023-06-08\nplace: Martapura\n")
    assert "\nvia: InfoPublik\ndraft: true\n---\n\nMARTAPURA,- Dinas" in text
    assert text.endswith("awal bulan depan.\n")
    _, front, body = text.split("---\n", 2)
    assert list(yaml.load(front, Loader=yaml.BaseLoader)) == list(a.front)
    assert body == "\n" + a.body + "\n"


def test_render_markdown_quotes_values_yaml_would_misread():
    text = ("Inovasi: #SmartBanjar Dimulai\nMARTAPURA,- Rapat Selasa (14/3/2023).\n"
            "Reporter : Yes\nEditor : 2024\nUploader : - Admin\n")
    a = parse(text)
    front = yaml.safe_load(render_markdown(a).split("---\n")[1])
    assert front["title"] == "Inovasi: #SmartBanjar Dimulai"
    assert (front["reporter"], front["editor"], front["uploader"]) == ("Yes", "2024", "- Admin")


@pytest.mark.parametrize("name", ["contoh-artikel.txt", "teks-rusak.txt", "pukul-wita.txt", "apostrof.txt",
                                  "tanpa-kredit.txt"])
def test_an_imported_article_passes_check(make_site, name):
    a = parse(fixture_text(name), name)
    assert "date" in a.front and not errors(a)
    site = make_site({f"content/news/{a.year}/{a.slug}.md": render_markdown(a)})
    for extra in ((), ("--drafts",)):  # as a draft, and as it will be once published
        result = run_cli("check", "--site", site, "--lang", "en", *extra)
        assert result.code == 0, result.err
        assert "warning" not in result.err, result.err


def test_damage_that_cannot_be_repaired_with_certainty_is_reported():
    text = article("MARTAPURA,- Harga naik â€\xa0 sedikit, Selasa (14/3/2023).")
    a = parse(text)
    [w] = warnings(a)
    assert w.message.msgid == "damaged text (a wrong encoding): {fragment}"
    assert (w.line, w.column) == (2, column_of(text, 2, "â€"))


def test_html_entities_and_text_without_damage_are_left_alone():
    first = "MARTAPURA,- PT Air &amp; Listrik menulis &lt;b&gt; dan ±5 °C, naïve — Selasa (14/3/2023)."
    a = parse(article(first))
    assert paragraphs(a)[0] == first
    assert a.diagnostics == ()


def test_the_import_command_writes_a_news_item_that_passes_check_and_never_overwrites(make_site):
    site = make_site({})
    article = Path(__file__).parent / "fixtures/import/contoh-artikel.txt"
    dry = run_cli("import", "--site", site, "--dry-run", article)
    assert dry.code == 0 and dry.out.startswith("---\ntitle: ")
    assert not (site / "content/news").exists()  # --dry-run writes nothing
    first = run_cli("import", "--site", site, article)
    assert first.code == 0, first.err
    written = list((site / "content/news").rglob("*.md"))
    assert len(written) == 1 and written[0].parent.name == "2023"
    assert ":7:56: peringatan: " in first.err  # the uncertain repair, located in the pasted file
    assert run_cli("check", "--site", site, "--drafts").code == 0
    again = run_cli("import", "--site", site, article)
    assert again.code == 1 and "sudah ada" in again.err
