"""What a problem in the content is, and how it is shown to an editor.

Every stage reports problems as :class:`Diagnostic` values instead of raising:
editors are not programmers, so a mistake must read like a compiler message
(``file:line:col: error: ...`` followed by the source line, a caret and a
hint) and all problems are reported together, not one per build.

Messages are stored untranslated (an English gettext msgid plus its
arguments) and are translated only when printed, so the same diagnostic can
be shown in Bahasa Indonesia or English (``--lang``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


def msg(msgid: str, **args: object) -> "Message":
    """Mark ``msgid`` for extraction into the catalogs and bind its arguments."""
    return Message(msgid, tuple(sorted(args.items())))


@dataclass(frozen=True)
class Message:
    msgid: str
    args: tuple[tuple[str, object], ...] = ()

    def render(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.msgid)
        if not self.args:
            return text
        args = {k: v.render(gettext) if isinstance(v, Message) else v for k, v in self.args}
        return text.format(**args)


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    path: str  # relative to the site directory, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    message: Message
    hint: Message | None = None
    source_line: str | None = None  # the offending line, for the caret display

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.message.msgid)

    def format(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        """The compiler-style text: location, message, source line, caret, hint."""
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        label = gettext("error") if self.is_error else gettext("warning")
        lines = [f"{where}: {label}: {_printable(self.message.render(gettext))}"]
        if self.source_line is not None and self.line:
            src = _printable(self.source_line.rstrip("\r\n").expandtabs(1))
            lines.append(f"    {src}")
            if self.column:
                lines.append("    " + " " * (self.column - 1) + "^")
        if self.hint is not None:
            label = gettext("hint")
            lines.append(f"    {label}: {_printable(self.hint.render(gettext))}")
        return "\n".join(lines)


def _printable(line: str) -> str:
    """The line with control characters shown as \ufffd, one for one, so the caret stays aligned."""
    return "".join("\ufffd" if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 else c for c in line)


@dataclass
class Report:
    """Collects diagnostics from every stage; the only mutable thing passed around."""

    items: list[Diagnostic] = field(default_factory=list)
    sources: Mapping[str, str] | None = None

    def add(
        self,
        severity: Severity,
        path: str,
        line: int,
        column: int,
        message: Message,
        hint: Message | None = None,
        source_text: str | None = None,
    ) -> None:
        source_line = None
        if source_text is not None and line > 0:
            text_lines = source_text.split("\n")  # not splitlines(): \x1c..\x1e and \x85 are not lines
            if line <= len(text_lines):
                source_line = text_lines[line - 1]
        self.items.append(
            Diagnostic(severity, path, line, column, message, hint, source_line)
        )

    def error(self, path: str, line: int, column: int, message: Message,
              hint: Message | None = None, source_text: str | None = None) -> None:
        self.add(Severity.ERROR, path, line, column, message, hint, source_text)

    def warning(self, path: str, line: int, column: int, message: Message,
                hint: Message | None = None, source_text: str | None = None) -> None:
        self.add(Severity.WARNING, path, line, column, message, hint, source_text)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.items)
        return sorted(unique, key=Diagnostic.sort_key)
