"""Every interface string and message has an Indonesian translation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+[^}]*\}|%\([a-z_]+\)s")


def test_the_template_is_up_to_date_and_indonesian_is_complete(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "msg",
                    "-k", "_", "-k", "N_", "--no-location", "--sort-output", "--omit-header",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    extracted = {m.id for m in read_po(pot.open("rb")) if m.id}
    with (ROOT / "smartsite/locale/id/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {m.id: m.string for m in catalog if m.id}
    missing = sorted(extracted - {k for k, v in translated.items() if v and not catalog[k].fuzzy})
    assert missing == [], "strings without an Indonesian translation (run pybabel update and translate)"
    for msgid, text in translated.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(text)), msgid


def test_every_template_string_is_extracted(tmp_path):
    """Babel skips a template it cannot parse without a word; a missing string shows it."""
    import re as _re

    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "msg",
                    "-k", "_", "-k", "N_", "--no-location", "--omit-header", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    extracted = {m.id for m in read_po(pot.open("rb")) if m.id}
    literal = _re.compile(r"""_\(\s*(["'])((?:(?!\1).)+)\1""")
    for template in sorted((ROOT / "layouts").rglob("*.*")):
        for _quote, text in literal.findall(template.read_text(encoding="utf-8")):
            assert text in extracted, f"{template.name}: {text!r} was not extracted"
