"""The limits that keep a pasted text from stalling the build: found where they are, and only there.

Python-Markdown takes time quadratic in the brackets of a paragraph and in the
depth of nested lists, so a text past the limits is refused with the line to
fix. Most texts are far below them and are let through by a look at the
whole text; the answer must be the one the block-by-block check gives.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smartsite.markup import MAX_BRACKETS_PER_BLOCK, MAX_INDENT, _block_by_block, complexity_problem


def block(brackets: int, indent: int, tail: str) -> str:
    return "Paragraf " + "[(" * (brackets // 2) + "(" * (brackets % 2) + "\n" + " " * indent + tail


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, MAX_BRACKETS_PER_BLOCK + 50), st.integers(MAX_INDENT - 3, MAX_INDENT + 3),
                          st.sampled_from(["isi", "", "   ", "\t", "\u00a0", "- butir"]),
                          st.sampled_from(["\n\n", "\n", "\n \t\n"])), min_size=1, max_size=6))
def test_the_quick_look_and_the_block_by_block_check_agree(blocks):
    text = "".join(block(n, indent, tail) + separator for n, indent, tail, separator in blocks)
    assert complexity_problem(text) == _block_by_block(text)


def test_brackets_spread_over_paragraphs_are_allowed_where_one_paragraph_of_them_is_not():
    many = MAX_BRACKETS_PER_BLOCK - 100
    assert complexity_problem(block(many, 0, "isi") + "\n\n" + block(many, 0, "isi")) is None
    line, column, message = complexity_problem("Pembuka.\n\n" + block(MAX_BRACKETS_PER_BLOCK + 2, 0, "isi"))
    assert (line, column) == (3, 1) and dict(message.args)["count"] == MAX_BRACKETS_PER_BLOCK + 2


def test_a_line_indented_too_deep_is_found_on_its_line_and_blank_deep_lines_are_not():
    assert complexity_problem("- butir\n" + " " * (MAX_INDENT + 4) + "\n\nlanjut") is None
    assert complexity_problem("- butir\n" + " " * MAX_INDENT + "- dalam") is None
    line, column, message = complexity_problem("Pembuka.\n\n- butir\n" + "\t" * (MAX_INDENT + 1) + "- dalam")
    assert (line, column) == (4, 1) and dict(message.args)["indent"] == MAX_INDENT + 1
