"""Every kind of editor mistake: one case each, with file, line, column, message and exit code.

Messages are asserted in English (``--lang en``); one test checks the
Indonesian default. A failed check writes nothing.
"""

from __future__ import annotations

import re

import pytest

from conftest import innovation, news, run_cli

GOOD_INNOVATION = innovation(name="SIPADES")


def diag_re(path: str, line: int, col: int, kind: str, text: str) -> str:
    where = re.escape(path) + (f":{line}" if line else "") + (f":{col}" if col else "")
    return rf"(?m)^{where}: {kind}: .*{re.escape(text)}"


# (id, files, path, line, column, message fragment, hint fragment or None)
ERRORS = [
    ("malformed-yaml", {"content/innovations/sipades.yaml": "name: [SIPADES\nowner: DKISP\n"},
     "content/innovations/sipades.yaml", 2, 6, "the YAML here cannot be read", None),
    ("tab-indentation", {"content/innovations/sipades.yaml": "name: X\nmilestones:\n\t- {date: 2023-01-01}\n"},
     "content/innovations/sipades.yaml", 3, 1, "the YAML here cannot be read", "tab characters"),
    ("missing-front-matter", {"content/news/2024/a.md": "title: A\ndate: 2024-01-01\n\nIsi.\n"},
     "content/news/2024/a.md", 1, 1, "must start with front matter", "add a first line '---'"),
    ("unclosed-front-matter", {"content/news/2024/a.md": "---\ntitle: A\ndate: 2024-01-01\n\nIsi.\n"},
     "content/news/2024/a.md", 1, 1, "never closed", "add a line '---'"),
    ("missing-required", {"content/innovations/sipades.yaml": "name: X\ndimension: governance\nhorizon: short\n"
                                                             "owner: DKISP\nprogress: 5\n"},
     "content/innovations/sipades.yaml", 1, 1, "the required field 'status' is missing", None),
    ("empty-required", {"content/news/2024/a.md": news(title="")},
     "content/news/2024/a.md", 2, 1, "'title' is empty", None),
    ("progress-out-of-range", {"content/innovations/sipades.yaml": innovation(progress=120)},
     "content/innovations/sipades.yaml", 6, 11, "progress must be a whole number from 0 to 100, got 120", None),
    ("progress-with-percent", {"content/innovations/sipades.yaml": innovation(progress='"60%"')},
     "content/innovations/sipades.yaml", 6, 11, 'progress must be a whole number from 0 to 100, got "60%"',
     "write only the number, for example 60"),
    ("date-in-local-format", {"content/news/2024/a.md": news(date="25/5/2023")},
     "content/news/2024/a.md", 3, 7, 'date must be a date written as 2023-05-25 or 2023-05-25 09:00, got "25/5/2023"',
     "write dates as 2023-05-25"),
    ("impossible-date", {"content/innovations/sipades.yaml": innovation(
        milestones="\n  - {date: 2023-02-30, title: A}")},
     "content/innovations/sipades.yaml", 8, 12, "2023-02-30 is not a date in the calendar", None),
    ("unknown-dimension", {"content/innovations/sipades.yaml": innovation(dimension="governence")},
     "content/innovations/sipades.yaml", 2, 12, "dimension must be one of: governance, environment",
     "did you mean 'governance'?"),
    ("unknown-horizon", {"content/innovations/sipades.yaml": innovation(horizon="pendek")},
     "content/innovations/sipades.yaml", 3, 10, "horizon must be one of: short, medium, long", None),
    ("unknown-status", {"content/innovations/sipades.yaml": innovation(status="in progres")},
     "content/innovations/sipades.yaml", 5, 9, "status must be one of", "did you mean 'in-progress'?"),
    ("unknown-element", {"content/innovations/sipades.yaml": innovation(element="layanan")},
     "content/innovations/sipades.yaml", 7, 10, "the dimension 'governance' has no element 'layanan'",
     "layanan-publik"),
    ("news-names-missing-innovation", {"content/news/2024/a.md": news(innovations="[sipade]")},
     "content/news/2024/a.md", 4, 15, "there is no innovation 'sipade'", "did you mean 'sipades'?"),
    ("duplicate-innovation-id", {"content/innovations/sipades.yml": GOOD_INNOVATION},
     "content/innovations/sipades.yml", 0, 0, "the innovation id 'sipades' is already used by "
                                              "content/innovations/sipades.yaml", None),
    ("two-files-one-url", {"content/news/2024/a.md": news(), "content/news/lain/a.md": news()},
     "content/news/lain/a.md", 0, 0, "would be written to /berita/2024/a/index.html", None),
    ("page-slug-takes-a-reserved-url", {"content/pages/inovasi.md": "---\ntitle: Inovasi\n---\n\nx\n"},
     "content/pages/inovasi.md", 0, 0, "would be written to /inovasi/index.html", None),
    ("missing-image", {"content/news/2024/a.md": news(image="foto/rakoor.jpg", image_alt="Rapat")},
     "content/news/2024/a.md", 4, 8, "the file assets/foto/rakoor.jpg does not exist", None),
    ("missing-evidence-file", {"content/innovations/sipades.yaml": innovation(
        evidence="\n  - {title: SK, date: 2023-01-01, file: evidence/sk.pdf}")},
     "content/innovations/sipades.yaml", 8, 41, "the file assets/evidence/sk.pdf does not exist", None),
    ("corrupt-image", {"content/news/2024/a.md": news(image="foto.jpg", image_alt="Foto"),
                       "assets/foto.jpg": b"bukan gambar"},
     "content/news/2024/a.md", 4, 8, "the file is not a readable image", None),
    ("image-without-alt", {"content/news/2024/a.md": news(image="img.png"), "assets/img.png": b"\x89PNG"},
     "content/news/2024/a.md", 4, 1, "the image has no 'image_alt'", None),
    ("time-not-in-the-day", {"content/news/2024/a.md": news(date="2024-03-01 24:00")},
     "content/news/2024/a.md", 3, 7, "2024-03-01 24:00 is not a date in the calendar", "write dates as 2023-05-25"),
    ("link-to-missing-page", {"content/news/2024/a.md": news(body="Lihat [ini](/inovasi/tidak-ada/).")},
     "content/news/2024/a.md", 6, 13, "the link /inovasi/tidak-ada/ points to a page that does not exist", None),
    ("link-in-an-innovation-summary", {"content/innovations/sipades.yaml": innovation(
        name="SIPADES", summary="Ringkasan.\nLihat [ini](/inovasi/tidak-ada/).")},
     "content/innovations/sipades.yaml", 9, 13, "the link /inovasi/tidak-ada/ points to a page that does not exist",
     None),
    ("link-in-an-english-summary", {"content/innovations/sipades.yaml": innovation(
        name="SIPADES", summary="\n  id: Ringkasan.\n  en: |\n    Summary.\n    See [this](/inovasi/tidak-ada/).")},
     "content/innovations/sipades.yaml", 11, 12, "the link /inovasi/tidak-ada/ points to a page that does not exist",
     None),
    ("link-to-missing-file", {"content/news/2024/a.md": news(body="Baca\n[ini](../../innovations/x.yaml).")},
     "content/news/2024/a.md", 7, 7, "the link ../../innovations/x.yaml points to a file that does not exist", None),
    ("not-utf8", {"content/news/2024/a.md": b"---\ntitle: Jum\x92at\ndate: 2024-01-01\n---\n"},
     "content/news/2024/a.md", 2, 11, "the file is not UTF-8 text: byte 0x92", "encoding \"UTF-8\""),
    ("empty-file", {"content/innovations/sipades.yaml": "\n  \n"},
     "content/innovations/sipades.yaml", 0, 0, "the file is empty", None),
    ("unknown-field", {"content/innovations/sipades.yaml": GOOD_INNOVATION + "progres: 60\n"},
     "content/innovations/sipades.yaml", 7, 1, "unknown field 'progres'", "did you mean 'progress'?"),
    ("duplicate-key", {"content/innovations/sipades.yaml": GOOD_INNOVATION + "progress: 70\n"},
     "content/innovations/sipades.yaml", 7, 1, "'progress' appears twice in the same block (first on line 6)", None),
    ("yaml11-boolean", {"content/innovations/sipades.yaml": innovation(owner="off")},
     "content/innovations/sipades.yaml", 4, 8, "owner must be text, got off", 'put it in quotes: "off"'),
    ("yaml11-sexagesimal", {"content/news/2024/a.md": news(place="10:00")},
     "content/news/2024/a.md", 4, 8, "'10:00' is not read as written: YAML turns it into the number 600",
     'put it in quotes ("10:00")'),
    ("yaml11-octal", {"content/innovations/sipades.yaml": innovation(progress="012")},
     "content/innovations/sipades.yaml", 6, 11, "'012' is not read as written: YAML turns it into the number 10",
     None),
    ("top-level-list", {"content/innovations/sipades.yaml": "- name: X\n- owner: Y\n"},
     "content/innovations/sipades.yaml", 1, 1, "the file must be a list of fields", None),
    ("names-differ-by-case", {"content/news/2024/A.md": news("A"), "content/news/2024/a.md": news("B")},
     "content/news/2024/a.md", 0, 0, "differs from content/news/2024/A.md only by upper/lower case", None),
    ("unsafe-url-scheme", {"content/news/2024/a.md": news(source_url="javascript:alert(1)")},
     "content/news/2024/a.md", 4, 13, "source_url must be a web address starting with https://",
     "only https://, http:// and mailto:"),
    ("bad-file-name", {"content/innovations/Si Pades.yaml": GOOD_INNOVATION},
     "content/innovations/Si Pades.yaml", 0, 0, "the file name 'Si Pades' cannot be an innovation id",
     "rename the file to 'si-pades.yaml'"),
    ("alias-bomb", {"content/innovations/sipades.yaml": "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "\n".join(
        f"{c}: &{c} [" + ",".join(f"*{p}" for _ in range(10)) + "]" for p, c in zip("abcdefgh", "bcdefghi"))},
     "content/innovations/sipades.yaml", 0, 0, "too large or nested too deeply", None),
    ("deep-nesting", {"content/innovations/sipades.yaml": "name: " + "[" * 5000 + "]" * 5000 + "\n"},
     "content/innovations/sipades.yaml", 0, 0, "nested too deeply", None),
    ("pathological-markdown", {"content/news/2024/a.md": news(body="[" * 50000 + "x" + "]" * 50000)},
     "content/news/2024/a.md", 6, 1, "this paragraph has 50000 brackets", "split it"),
    ("template-typo", {"layouts/404.html": "{% extends 'base.html' %}{% block content %}{{ sitee.title }}"
                                           "{% endblock %}"},
     "layouts/404.html", 1, 0, "'sitee' is undefined", None),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_each_mistake_gets_a_located_error_and_nothing_is_written(case, make_site):
    _, files, path, line, col, text, hint = case
    all_files = {"content/innovations/sipades.yaml": GOOD_INNOVATION,
                 "content/news/2024/a.md": news(innovations="[sipades]")}
    all_files.update(files)
    site = make_site(all_files)
    command = "build" if path.startswith("layouts/") else "check"
    r = run_cli(command, "--site", site, "--lang", "en")
    assert r.code == 1, r.err
    assert re.search(diag_re(path, line, col, "error", text), r.err), r.err
    if hint:
        assert "hint: " in r.err and hint in r.err, r.err
    assert "Traceback" not in r.err
    assert not (site / "public").exists()


def test_errors_show_the_source_line_and_a_caret(make_site):
    site = make_site({"content/innovations/sipades.yaml": innovation(progress='"60%"')})
    r = run_cli("check", "--site", site, "--lang", "en")
    assert ('content/innovations/sipades.yaml:6:11: error: progress must be a whole number from 0 to 100, '
            'got "60%"\n    progress: "60%"\n              ^\n    hint: write only the number, for example 60') in r.err


def test_messages_are_indonesian_by_default_with_the_same_prefix(make_site):
    site = make_site({"content/innovations/sipades.yaml": innovation(progress=120)})
    r = run_cli("check", "--site", site)
    assert "content/innovations/sipades.yaml:6:11: galat: progress harus" in r.err
    assert "1 galat, 0 peringatan" in r.err


def test_all_problems_are_reported_at_once(make_site):
    site = make_site({
        "content/innovations/a.yaml": innovation(progress=120, status="selesai"),
        "content/innovations/b.yaml": innovation(horizon="jangka"),
        "content/news/2024/x.md": news(date="kemarin", innovations="[c]"),
        "content/news/2024/y.md": news(body="[rusak](/tidak/ada/)"),
    })
    r = run_cli("check", "--site", site, "--lang", "en")
    assert r.code == 1
    assert len(re.findall(r"(?m)^content/\S+: error: ", r.err)) == 5
    assert "5 error(s), 0 warning(s)" in r.err


WARNINGS = [
    ("mojibake", {"content/news/2024/a.md": news(body="\u00e2\u20ac\u0153Laman desa adalah etalase,\u00e2\u20ac\u009d "
                                                       "kata dia.")},
     "content/news/2024/a.md", 6, 1, "damaged text (a wrong encoding)", "\u201cLaman desa adalah etalase,\u201d"),
    ("done-below-100", {"content/innovations/sipades.yaml": innovation(
        status="done", progress=90, evidence="\n  - {title: SK, date: 2023-01-01, url: 'https://example.org/sk'}")},
     "content/innovations/sipades.yaml", 6, 11, "the status is 'done' but progress is 90", None),
    ("done-without-evidence", {"content/innovations/sipades.yaml": innovation(status="done", progress=100)},
     "content/innovations/sipades.yaml", 5, 9, "the innovation is 'done' but has no evidence", None),
    ("future-news", {"content/news/2099/a.md": news(date="2099-01-01")},
     "content/news/2099/a.md", 3, 7, "the date is in the future", None),
    ("unused-file", {"content/catatan.txt": "catatan"},
     "content/catatan.txt", 0, 0, "this file is not used", None),
]


@pytest.mark.parametrize("case", WARNINGS, ids=[c[0] for c in WARNINGS])
def test_warnings_are_located_and_the_build_goes_on(case, make_site, build):
    _, files, path, line, col, text, hint = case
    site = make_site({"content/innovations/sipades.yaml": GOOD_INNOVATION, **files})
    r = build(site, "--lang", "en")
    assert r.code == 0, r.err
    assert re.search(diag_re(path, line, col, "warning", text), r.err), r.err
    if hint:
        assert hint in r.err
    assert (site / "public/index.html").is_file()


def test_bom_and_crlf_are_accepted_silently(make_site, build):
    site = make_site({"content/news/2024/a.md": "\ufeff" + news("Judul BOM").replace("\n", "\r\n")})
    r = build(site)
    assert r.code == 0 and r.err.count("peringatan") == 0, r.err
    assert "Judul BOM" in (site / "public/berita/2024/a/index.html").read_text()


def test_a_file_over_the_size_limit_is_refused(make_site):
    site = make_site({"content/news/2024/a.md": news(body="kata " * 300)})
    r = run_cli("check", "--site", site, "--lang", "en", "--max-file-size", "1000")
    assert r.code == 1
    assert re.search(r"content/news/2024/a.md: error: the file is \d+ bytes, more than the limit of 1000", r.err)


def test_a_link_pointing_outside_the_site_is_refused(make_site, tmp_path):
    outside = tmp_path / "rahasia.md"
    outside.write_text(news("Rahasia"))
    site = make_site({})
    (site / "content/news").mkdir(parents=True)
    (site / "content/news/a.md").symlink_to(outside)
    r = run_cli("check", "--site", site, "--lang", "en")
    assert r.code == 1
    assert "content/news/a.md: error: this link points outside the site and is refused" in r.err


@pytest.mark.parametrize("written, shown", [("2024-03-01 9:05", "09:05"), ("2024-03-01 21:30", "21:30")])
def test_a_time_of_day_is_read_with_one_or_two_digits_for_the_hour(written, shown, make_site, build):
    site = make_site({"content/news/2024/a.md": news(date=written)})
    r = build(site)
    assert r.code == 0, r.err
    page = (site / "public/berita/2024/a/index.html").read_text()
    assert f"<time datetime=\"{written.replace(' ', 'T').replace('T9:', 'T09:')}:00+08:00\">" in page
    assert f", {shown} WITA</time>" in page


def test_an_empty_optional_field_counts_as_absent(make_site, build):
    site = make_site({"content/news/2024/a.md": news(reporter="", place="", tags="[desa]"),
                      "content/innovations/sipades.yaml": innovation(name="SIPADES", quick_win="")})
    r = build(site, "--lang", "en")
    assert r.code == 0 and "warning" not in r.err, r.err
    page = (site / "public/berita/2024/a/index.html").read_text()
    assert 'class="credits"' not in page and 'class="place"' not in page
    assert "/topik/desa/" in page
