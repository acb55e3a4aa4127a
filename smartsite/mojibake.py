"""Damaged text pasted from other systems: found, located, and repaired where certain.

Text copied between systems is often UTF-8 read as Windows-1252, so a
typographic quote ``“`` arrives as ``â€œ`` and an apostrophe as ``â€™``.
``ftfy`` recognises these sequences and undoes them (keeping typographic
quotes as they are); this module applies it line by line so each finding
has a line and a column, and says when ftfy's repair is itself uncertain
(a byte of the sequence was lost in an earlier partial repair).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=1)
def fix_config():
    """ftfy's settings: only undo encoding damage; keep the editor's quotes, ligatures, widths and line breaks.

    ftfy is imported on first use: most files hold none of the suspect characters,
    and a build should not pay for loading it.
    """
    import ftfy

    return ftfy.TextFixerConfig(
        uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False, fix_line_breaks=False,
        normalization=None, remove_terminal_escapes=False, remove_control_chars=False, fix_surrogates=False,
        unescape_html=False,
    )


def is_bad(text: str) -> bool:
    from ftfy.badness import is_bad as ftfy_is_bad

    return ftfy_is_bad(text)

_SUSPECT = ("â€", "Ã", "Â", "\u0080", "\u009d", "\u00ad")


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based
    column: int  # 1-based, where the damage starts
    damaged: str  # the damaged fragment as written
    repaired: str | None  # the repaired line, or None when the repair is not certain


def repair_line(line: str) -> tuple[str, bool]:
    """``(text, certain)``: the line with encoding damage undone, and whether that is sure."""
    import ftfy

    fixed = ftfy.fix_text(line, fix_config())
    certain = not is_bad(fixed) and not any(s in fixed for s in ("â€", "†", "\ufffd"))
    return fixed, certain


def find(text: str) -> list[Finding]:
    if not any(s in text for s in _SUSPECT):  # nearly every file: nothing to look at line by line
        return []
    findings = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not any(s in line for s in _SUSPECT) or not is_bad(line):
            continue
        fixed, certain = repair_line(line)
        if fixed == line and certain:
            continue
        start = next((i for i, (a, b) in enumerate(zip(line, fixed)) if a != b), min(len(line), len(fixed)))
        if not certain:
            start = min((line.find(s) for s in _SUSPECT if s in line), default=start)
        end = start
        while end < len(line) and (not line[end].isalnum() or line[end] in "âÃÂ€™œ"):
            end += 1
            if end - start >= 6:
                break
        findings.append(Finding(number, start + 1, line[start:max(end, start + 1)], fixed if certain else None))
    return findings
