"""Loading: YAML with positions, front matter, encodings (no output written)."""

from __future__ import annotations

from smartsite.diagnostics import Report
from smartsite.load import decode, read_source
from smartsite.yaml_source import parse_yaml


def test_positions_of_keys_and_values_are_one_based():
    report = Report()
    doc = parse_yaml("name: X\nmilestones:\n  - {date: 2023-01-01, title: A}\n", "f.yaml", report)
    assert not report.items
    assert doc.data == {"name": "X", "milestones": [{"date": "2023-01-01", "title": "A"}]}
    assert (doc.values[("name",)].line, doc.values[("name",)].column) == (1, 7)
    assert (doc.keys[("milestones",)].line, doc.keys[("milestones",)].column) == (2, 1)
    assert (doc.values[("milestones", 0, "title")].line, doc.values[("milestones", 0, "title")].column) == (3, 31)


def test_dates_stay_text_and_yaml_11_surprises_are_reported():
    report = Report()
    doc = parse_yaml("date: 2023-05-25\njam: 10:00\nkode: 012\nowner: off\n", "f.yaml", report)
    assert doc.data["date"] == "2023-05-25"
    assert doc.data["owner"] is False and doc.values[("owner",)].raw == "off"
    messages = [(d.line, d.column, d.message.msgid) for d in report.errors]
    assert [(line, col) for line, col, _ in messages] == [(2, 6), (3, 7)]
    assert all("YAML turns it into the number" in m for _, _, m in messages)


def test_a_repeated_key_is_an_error_naming_the_first_line():
    report = Report()
    parse_yaml("name: A\nprogress: 10\nprogress: 20\n", "f.yaml", report)
    [d] = report.errors
    assert (d.line, d.column) == (3, 1) and dict(d.message.args) == {"key": "progress", "first": 2}


def test_alias_bombs_are_refused_without_exhausting_memory():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        lines.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ", ".join(f"*{chr(96 + n)}" for _ in range(10)) + "]")
    report = Report()
    assert parse_yaml("\n".join(lines), "bomb.yaml", report) is None
    assert "too large or nested too deeply" in report.errors[0].message.msgid


def test_front_matter_lines_are_counted_in_the_markdown_file(tmp_path):
    (tmp_path / "content/news").mkdir(parents=True)
    (tmp_path / "content/news/a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\n\nBody\n")
    report = Report()
    src = read_source(tmp_path, "content/news/a.md", "news", report)
    assert src.doc.values[("date",)].line == 3
    assert src.body.strip() == "Body" and src.body_line == 5


def test_bom_and_crlf_are_accepted_and_bad_bytes_are_located():
    report = Report()
    assert decode("\ufefftitle: A\r\nx: b\r\n".encode("utf-8"), "f.yaml", report) == "title: A\nx: b\n"
    assert decode(b"title: A\nnama: Jum\x92at\n", "f.yaml", report) is None
    [d] = report.errors
    assert (d.line, d.column) == (2, 10)
    assert "0x92" in d.message.render(lambda s: s)
