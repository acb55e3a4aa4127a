"""The evaluation findings as text, Markdown or CSV, for ``python build.py report``.

The same findings the evaluation page shows, grouped by responsible office,
so an office head can read a to-do list and CI can post it as a comment.
"""

from __future__ import annotations

import csv
import io

from . import i18n
from .evaluation import Evaluation

COLUMNS = ("office", "innovation", "severity", "rule", "message")


def _severity(f, gettext) -> str:
    return gettext("error") if f.severity == "error" else gettext("warning")


def format_findings(ev: Evaluation, offices, fmt: str, lang: str) -> str:
    gettext = i18n.gettext_for(lang)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        for o in offices:
            for f in o.findings:
                writer.writerow([o.office, f.innovation.id, f.severity, f.rule, f.message.render(gettext)])
        return buf.getvalue()
    total = sum(len(o.findings) for o in offices)
    head = gettext("Evaluation {cycle}: {ready} of {count} innovations ready, as of {date}").format(
        cycle=ev.config.cycle, ready=ev.total.ready, count=ev.total.count, date=i18n.short_date(ev.as_of, lang))
    lines = []
    if fmt == "markdown":
        lines += [f"## {head}", ""]
        for o in offices:
            lines.append(f"### {o.office} ({len(o.findings)})")
            lines += [f"- **{_severity(f, gettext)}** `{f.innovation.id}`: {f.message.render(gettext)}"
                      for f in o.findings] or ["- " + gettext("nothing to do")]
            lines.append("")
    else:
        lines += [head, ""]
        for o in offices:
            lines.append(f"{o.office} ({len(o.findings)})")
            lines += [f"  {_severity(f, gettext)}: {f.innovation.id}: {f.message.render(gettext)}"
                      for f in o.findings] or ["  " + gettext("nothing to do")]
            lines.append("")
    lines.append(gettext("{total} finding(s)").format(total=total))
    return "\n".join(lines) + "\n"
