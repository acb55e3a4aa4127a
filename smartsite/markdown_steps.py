"""The Python-Markdown steps a text can use, so that its conversion runs only those.

Python-Markdown tries every block processor on every block of a text, and
every inline pattern on every run of its text, in priority order. Most of
them can only match where the text holds a certain character: a table needs
``|``, a heading ``#``, a link ``[``, emphasis ``*`` or ``_``. News prose
holds few of these, yet each conversion tried all 17 block processors and
15 inline patterns on every piece of it. With the steps a text cannot use
left out, the same HTML comes in little more than half the time (a
380-word item of the benchmark corpus: 0.86 ms against 1.50 ms). Markdown
was half of a cold build's work.

Only a step that *cannot* match is left out. Each entry below names the
strings of which the text must contain at least one for the step's regular
expression (or test) to succeed anywhere in it. Before the steps run,
Python-Markdown only removes text (stashing raw HTML and code blocks) and
turns tabs into spaces and carriage returns into newlines; the entries
account for that (an indented block or a line break may come from a tab).
A text holding the characters Python-Markdown uses for its own placeholders
is converted with every step. A step not listed here (another version's,
another extension's) always runs. ``tests/test_markdown_steps.py`` converts
texts built to use every step, with and without the selection, and requires
the same HTML.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import chain
from typing import Iterator

from markdown.treeprocessors import Treeprocessor

# inline pattern -> strings, one of which the text holds wherever the pattern can match
INLINE_NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("!",),
    "image_reference": ("!",),
    "short_reference": ("[",),
    "short_image_ref": ("!",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  ", "\t"),  # two spaces before a newline; a tab becomes spaces
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
}

# block processor -> the same, for the blocks
BLOCK_NEEDS: dict[str, tuple[str, ...]] = {
    "markdown_block": ("<",),  # an HTML block with a markdown attribute
    "indent": ("    ", "\t"),  # blocks indented by four spaces; a tab becomes spaces
    "defindent": ("    ", "\t"),
    "code": ("    ", "\t"),
    "table": ("|",),
    "hashheader": ("#",),
    "setextheader": ("=", "-"),
    "hr": ("-", "_", "*"),
    "ulist": ("*", "+", "-"),
    "deflist": (":",),
    "quote": (">",),
    "footnote": ("^",),
    "abbr": ("*",),
    "reference": ("[",),
}

_PLACEHOLDER_CHARS = ("\x02", "\x03")  # markdown.util.STX and ETX: the text is used as it is, every step runs

INLINE_STEP = "inline"  # Python-Markdown's tree processor that runs the inline patterns...
_BEFORE_INLINE = 21  # ...at priority 20: this step chooses them just before


_WANTED = frozenset(chain(*INLINE_NEEDS.values(), *BLOCK_NEEDS.values()))  # every string the tables name


def _present(text: str) -> frozenset | None:
    """The strings of the tables above that ``text`` holds, each looked for once; None: run every step."""
    if any(c in text for c in _PLACEHOLDER_CHARS):
        return None
    return frozenset(s for s in _WANTED if s in text)


def _usable(registry, needs: dict, present: frozenset | None) -> list:
    """The registry's items in their order, without those the text gives nothing to match."""
    items = list(registry)  # sorted by priority
    if present is None:
        return items
    skipped = {id(registry[name]) for name, wanted in needs.items()
               if present.isdisjoint(wanted) and name in registry}
    return [item for item in items if id(item) not in skipped] if skipped else items


class TextSteps:
    """Runs a Markdown instance's conversions with only the steps each text can use."""

    def __init__(self, md) -> None:
        self.md = md
        self.present: frozenset | None = None  # what the text being converted holds (see _present)
        # Inline patterns are chosen just before they run: an extension may add some while blocks are parsed.
        md.treeprocessors.register(_ChooseInline(md, self), "smartsite_inline_steps", _BEFORE_INLINE)

    @contextmanager
    def only_for(self, text: str) -> Iterator[None]:
        """Within the block, ``md.convert(text)`` skips the steps ``text`` cannot use."""
        parser, inline = self.md.parser, self.md.treeprocessors[INLINE_STEP]
        blocks = parser.blockprocessors
        self.present = _present(text)
        parser.blockprocessors = _usable(blocks, BLOCK_NEEDS, self.present)
        try:
            yield
        finally:
            parser.blockprocessors = blocks
            inline.inlinePatterns = self.md.inlinePatterns
            self.present = None


class _ChooseInline(Treeprocessor):
    def __init__(self, md, steps: TextSteps) -> None:
        super().__init__(md)
        self.steps = steps

    def run(self, root) -> None:
        self.md.treeprocessors[INLINE_STEP].inlinePatterns = _usable(self.md.inlinePatterns, INLINE_NEEDS,
                                                                     self.steps.present)
