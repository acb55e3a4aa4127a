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

The same holds for some of the steps that run on the whole text before and
after: the raw HTML and fenced code preprocessors, which pass a text without
``<`` or a fence through unchanged, and the tree processors for attribute
lists (``{: .class }``) and backslash escapes. Leaving those out when they
have nothing to do took a further 0.16 ms off the 1.19 ms an item then took.

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

# preprocessor -> the same, for the steps that run on the whole text first
PRE_NEEDS: dict[str, tuple[str, ...]] = {
    "html_block": ("<", "&"),  # raw HTML, or an entity it stashes; else it gives the text back unchanged
    "fenced_code_block": ("```", "~~~"),
}

# tree processor -> the same, for the steps that run on the parsed text ("inline" is chosen apart, below)
TREE_NEEDS: dict[str, tuple[str, ...]] = {
    "attr_list": ("{",),  # only reads the tree's text before the escapes are restored
    "unescape": ("\\",),  # restores what the escape pattern stashed, which only a backslash makes
}

_PLACEHOLDER_CHARS = ("\x02", "\x03")  # markdown.util.STX and ETX: the text is used as it is, every step runs

INLINE_STEP = "inline"  # Python-Markdown's tree processor that runs the inline patterns...
_BEFORE_INLINE = 21  # ...at priority 20: this step chooses them just before


_WANTED = frozenset(chain(*INLINE_NEEDS.values(), *BLOCK_NEEDS.values(), *PRE_NEEDS.values(),
                          *TREE_NEEDS.values()))  # every string the tables name


def _present(text: str) -> frozenset | None:
    """The strings of the tables above that ``text`` holds, each looked for once; None: run every step."""
    if any(c in text for c in _PLACEHOLDER_CHARS):
        return None
    return frozenset(s for s in _WANTED if s in text)


_CHOSEN_LIMIT = 4096  # choices remembered; news prose gives a few dozen different sets of strings
_chosen: dict = {}  # (registry, its items, strings present) -> the items to run


def _usable(registry, needs: dict, present: frozenset | None, by_name: bool = False):
    """The registry's items in their order, without those the text gives nothing to match.

    ``by_name``: the choice is also looked up by name, as some steps look up
    others (Python-Markdown's link patterns ask for "inline" and "unescape"),
    and they find every step. Texts hold few different sets of the strings the
    tables name, so each choice is made once per registry and set (it cost 35
    microseconds a text, the registry looking each name up anew). The key holds
    the registry's items as they are now: a step added or removed makes a new one.
    """
    if present is None:
        return registry if by_name else list(registry)
    items = list(registry)  # sorted by priority
    key = (id(registry), tuple(items), present)
    try:
        return _chosen[key]
    except KeyError:
        pass
    skipped = {id(registry[name]) for name, wanted in needs.items()
               if present.isdisjoint(wanted) and name in registry}
    if not skipped:
        chosen = registry if by_name else items
    else:
        chosen = [item for item in items if id(item) not in skipped]
        if by_name:
            chosen = _Named(chosen, registry)
    if len(_chosen) >= _CHOSEN_LIMIT:
        _chosen.clear()
    _chosen[key] = chosen
    return chosen


class _Named(list):
    """Chosen steps, run in their order; a step asked for by name is found among all of them."""

    def __init__(self, items: list, registry) -> None:
        super().__init__(items)
        self.registry = registry

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.registry[key]
        return super().__getitem__(key)

    def __contains__(self, item) -> bool:
        return item in self.registry


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
        md = self.md
        parser, inline = md.parser, md.treeprocessors[INLINE_STEP]
        blocks, pre, tree = parser.blockprocessors, md.preprocessors, md.treeprocessors
        self.present = present = _present(text)
        md.preprocessors = _usable(pre, PRE_NEEDS, present)
        parser.blockprocessors = _usable(blocks, BLOCK_NEEDS, present)
        md.treeprocessors = _usable(tree, TREE_NEEDS, present, by_name=True)
        try:
            yield
        finally:
            md.preprocessors, parser.blockprocessors, md.treeprocessors = pre, blocks, tree
            inline.inlinePatterns = md.inlinePatterns
            self.present = None


class _ChooseInline(Treeprocessor):
    def __init__(self, md, steps: TextSteps) -> None:
        super().__init__(md)
        self.steps = steps

    def run(self, root) -> None:
        self.md.treeprocessors[INLINE_STEP].inlinePatterns = _usable(self.md.inlinePatterns, INLINE_NEEDS,
                                                                     self.steps.present)
