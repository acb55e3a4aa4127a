"""YAML read safely, with the line and column of every key and value.

PyYAML's loaders throw positions away and type values the YAML 1.1 way
(``off`` becomes ``False``, ``10:00`` becomes ``600``, ``012`` becomes ``10``,
a repeated key silently wins). Editors need to be told about all of that at
the right place, so we let the (C, where available) composer build the node
tree, which keeps marks, and construct plain Python values ourselves:

* every mapping key and value gets a :class:`Position`, addressed by its path
  (a tuple of keys and list indexes), so later stages can point at it;
* dates and timestamps stay strings (the schema checks their form);
* a repeated key, a sexagesimal number or a leading-zero octal number is a
  diagnostic, not a silent surprise;
* aliases are expanded under a node budget and nesting is bounded, so a
  "billion laughs" file or a deeply nested one cannot exhaust memory.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import yaml

from .diagnostics import Report, msg

try:  # the C composer is several times faster; fall back when libyaml is absent
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader

_RESOLVED: dict = {}  # (scalar as written, implicit flags) -> its YAML type
_RESOLVED_MAX = 50_000
_RESOLVED_LONGEST = 40  # field names, dates, numbers, flags and tags recur; long texts do not


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, remembering the type of short scalars.

    The composer asks the (Python) resolver for the type of every plain scalar,
    trying a list of regular expressions each time; a build of ten thousand
    news items asked it a third of a million times, mostly for the same field
    names and values. The type depends on the text and the flags alone.
    """

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode or len(value) > _RESOLVED_LONGEST:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag

MAX_NODES = 100_000
MAX_DEPTH = 64

Path = tuple  # tuple[str | int, ...]


class Position(NamedTuple):  # a tuple: tens of thousands are made per build, cheaply
    line: int  # 1-based, in the file (front matter offsets already applied)
    column: int  # 1-based
    raw: str | None = None  # the scalar as written, for plain (unquoted) scalars
    tag: str | None = None  # the YAML 1.1 type the scalar was resolved to


class YamlDocument:
    """The data of one YAML text, and where each value and key stands in the file.

    Positions are needed only to report a problem, and keeping them for every
    value of ten thousand files would cost more memory than the rest of the
    build: they are worked out from the text the first time they are asked for.
    """

    __slots__ = ("data", "has_null", "_text", "_span", "_offset", "_maps")

    def __init__(self, data: Any, values: dict | None = None, keys: dict | None = None,
                 text: str = "", line_offset: int = 0, has_null: bool = True):
        self.data = data
        self.has_null = has_null  # an empty value somewhere in ``data`` (True when not known)
        self._text = text
        self._span: tuple[int, int] | None = None
        self._offset = line_offset
        self._maps = (values, keys) if values is not None and keys is not None else None

    def held_in(self, text: str, start: int, stop: int) -> None:
        """The YAML was ``text[start:stop]``: keep that text instead of a copy of the slice.

        A Markdown file keeps its front matter with its delimiters anyway
        (:class:`smartsite.load.SourceFile`); ten thousand copies of it are
        4 MiB a preview holds for positions that are rarely asked for.
        """
        if text[start:stop] == self._text:
            self._text, self._span = text, (start, stop)

    def _positions(self) -> tuple[dict, dict]:
        if self._maps is None:
            text = self._text if self._span is None else self._text[self._span[0]:self._span[1]]
            builder = _Builder("", "", Report(), self._offset, record=True)
            builder.build(yaml.compose(text, Loader=_Loader), (), 0)  # parsed once before: cannot fail
            self._maps = (builder.values, builder.keys)
        return self._maps

    @property
    def values(self) -> dict:
        """Path -> Position of the value."""
        return self._positions()[0]

    @property
    def keys(self) -> dict:
        """Path -> Position of the key naming that value."""
        return self._positions()[1]

    def where(self, path: Path) -> Position:
        """The best position for a path: its value, else its key, else its parent."""
        path = tuple(path)
        while True:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            if not path:
                return Position(1, 1)
            path = path[:-1]

    def key_where(self, path: Path) -> Position:
        return self.keys.get(tuple(path)) or self.where(path)


class _TooComplex(Exception):
    pass


_TAG = "tag:yaml.org,2002:"


class _Builder:
    def __init__(self, rel: str, text: str, report: Report, line_offset: int, record: bool = False):
        self.rel = rel
        self.text = text
        self.report = report
        self.offset = line_offset
        self.record = record  # keep the position of every value and key
        self.values: dict = {}
        self.keys: dict = {}
        self.budget = MAX_NODES
        self.has_null = False  # built an empty value (``reporter:``)

    def pos(self, node: yaml.Node, scalar: bool = False) -> Position:
        mark = node.start_mark
        raw = tag = None
        if scalar and isinstance(node, yaml.ScalarNode) and not node.style:
            raw, tag = node.value, node.tag.removeprefix(_TAG)
        return Position(mark.line + 1 + self.offset, mark.column + 1, raw, tag)

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0 or depth > MAX_DEPTH:
            raise _TooComplex(node)
        if self.record:
            self.values[path] = self.pos(node, scalar=True)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        raise _TooComplex(node)  # pragma: no cover - composer yields only these

    def mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict:
        result: dict = {}
        first_seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                p = self.pos(key_node)
                self.report.error(self.rel, p.line, p.column,
                                  msg("a key must be a plain name, not a list or a mapping"),
                                  source_text=self.text)
                continue
            key = key_node.value  # keys are names: keep them as written
            if key == "<<" and key_node.tag == _TAG + "merge":
                kp = self.pos(key_node)
                self.report.error(self.rel, kp.line, kp.column,
                                  msg("merge keys (<<) are not supported; write the fields out"),
                                  source_text=self.text)
                continue
            if key in first_seen:
                kp = self.pos(key_node)
                self.report.error(
                    self.rel, kp.line, kp.column,
                    msg("'{key}' appears twice in the same block (first on line {first})",
                        key=key, first=self.pos(first_seen[key]).line),
                    msg("keep one of them; YAML would silently use only the last"),
                    source_text=self.text)
                continue
            first_seen[key] = key_node
            if self.record:
                self.keys[path + (key,)] = self.pos(key_node)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag.removeprefix(_TAG)
        value = node.value
        if tag == "str" or node.style:
            return value
        if tag == "null":
            self.has_null = True
            return None
        if tag == "bool":
            return value.lower() in ("yes", "true", "on", "y")
        if tag == "int":
            if ":" in value or (len(value.lstrip("+-")) > 1 and value.lstrip("+-").startswith("0")):
                p = self.pos(node)
                self.report.error(
                    self.rel, p.line, p.column,
                    msg("'{value}' is not read as written: YAML turns it into the number {number}",
                        value=value, number=_yaml11_int(value)),
                    msg("put it in quotes (\"{value}\") if it is text, or drop the leading zero",
                        value=value),
                    source_text=self.text)
                digits = value.replace("_", "")
                return int(digits, 10) if digits.lstrip("+-").isdigit() else value  # reported once, not twice
            try:
                return int(value.replace("_", ""), 0)
            except ValueError:
                return value
        if tag == "float":
            try:
                return float(value.replace("_", ""))
            except ValueError:
                return value
        # timestamps and anything else stay text; the schema checks their form
        return value


def _yaml11_int(value: str) -> object:
    try:
        return yaml.load(value, Loader=_Loader)
    except yaml.YAMLError:  # pragma: no cover - value came from the parser
        return value


def parse_yaml(text: str, rel: str, report: Report, line_offset: int = 0,
               full_text: str | None = None) -> YamlDocument | None:
    """Parse one YAML document; on failure report it and return ``None``.

    ``line_offset`` shifts every line number, for front matter that starts
    below the top of a Markdown file; ``full_text`` is then that whole file,
    used to quote the offending line.
    """
    source = full_text if full_text is not None else text
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):  # libyaml's own depth limit (PyYAML 6.0.4 and later)
            report.error(rel, 0, 0, msg("the file is nested too deeply to be read"))
            return None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 0
        col = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "syntax error"
        report.error(rel, line, col, msg("the YAML here cannot be read: {problem}", problem=problem),
                     _syntax_hint(text, mark), source_text=source)
        return None
    except yaml.YAMLError as exc:
        report.error(rel, 0, 0, msg("the YAML cannot be read: {problem}", problem=str(exc)))
        return None
    except RecursionError:
        report.error(rel, 0, 0, msg("the file is nested too deeply to be read"))
        return None
    if node is None:
        return YamlDocument(None, {}, {})
    builder = _Builder(rel, source, report, line_offset)
    try:
        data = builder.build(node, (), 0)
    except (_TooComplex, RecursionError):
        report.error(rel, 0, 0, msg("the file is too large or nested too deeply once its aliases "
                                    "are expanded (at most {nodes} values, {depth} levels)",
                                    nodes=MAX_NODES, depth=MAX_DEPTH))
        return None
    return YamlDocument(data, text=text, line_offset=line_offset, has_null=builder.has_null)


def _syntax_hint(text: str, mark: yaml.Mark | None):
    if mark is None:
        return None
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in line[: max(mark.column, 1) + 1] or "\t" in line:
        return msg("YAML does not allow tab characters for indentation; use spaces")
    if ": " in line.split(":", 1)[-1]:
        return msg("a value that contains ': ' must be put in quotes")
    return msg("check the indentation and that every text with a ':' or '#' is in quotes")
