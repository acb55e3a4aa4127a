"""Charts drawn at build time as inline SVG.

Pure functions: data in, a :class:`~markupsafe.Markup` SVG string out, so a
template inserts it as it is (``{{ chart }}``). The same input gives the same
bytes: element ids derive from the caller's ``chart_id`` (unique on the page),
never from a counter or a random number.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``
(``aria-labelledby``); the desc states the data in words, after the caller's
sentence, so a screen reader user hears the numbers and a truncated label is
still complete there. All text passed in is escaped here; a ``Markup`` value
(from the ``tr`` filter, say) is taken as the text it shows.

Sizes are in a viewBox about 340 units wide and text is 13-14 units, so a
chart scaled to a phone's width keeps text at about 13 px; the page's CSS
decides how wide a chart may grow (``.chart { display: block; max-width: ...;
height: auto }``). Colours have a CSS class (``chart-bar``, ``chart-track``,
``chart-line``, ``chart-point``, ``chart-grid``, ``chart-label``,
``chart-value``, ``status-<status>``, ``chart-series-<n>``) and an explicit
``fill``/``stroke`` attribute that a stylesheet may override. Status segments
and series are told apart without colour too: by hatch patterns, dash
patterns, point markers, and always by text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Callable, Sequence

from markupsafe import Markup, escape

__all__ = ["progress_bars", "status_distribution", "progress_history", "multi_series_history"]

# Colours (text contrast on white noted)
INK = "#1b1f24"     # text, 16.6:1
FILL = "#1a5da6"    # bar, 6.6:1 on white, 5.4:1 on the track
TRACK = "#e3e7ec"
EDGE = "#6b7480"    # outlines of light shapes, 4.7:1
GRID = "#c9ced4"
STATUS_FILL = {
    "planned": "#cfd8e3",
    "in-progress": "#9cc3ee",
    "done": "#9fd8b0",
    "stalled": "#f5c98a",
    "cancelled": "#e3b7ae",
}
OTHER_FILL = "#d5dae0"
# A hatch per status (drawn in ink over the colour), so segments differ in black and white.
STATUS_HATCH = {
    "planned": '<circle cx="3" cy="3" r="1.1" fill="#1b1f24" fill-opacity=".45"/>',
    "in-progress": '<path d="M-1,1l2-2M0,6l6-6M5,7l2-2" stroke="#1b1f24" stroke-opacity=".35"/>',
    "done": "",
    "stalled": '<path d="M0,3h6" stroke="#1b1f24" stroke-opacity=".35"/>',
    "cancelled": '<path d="M0,0l6,6M6,0l-6,6" stroke="#1b1f24" stroke-opacity=".35"/>',
}
# Series of a multi-line chart: colour (3:1 or more on white), dash pattern, marker.
SERIES_STYLE = (
    ("#1a5da6", "", "circle"),
    ("#a4460f", "7 4", "square"),
    ("#2b7544", "2 3", "triangle"),
    ("#6f3c98", "10 3 2 3", "ring"),
    ("#1b1f24", "5 2", "diamond"),
    ("#a3303e", "1 2 5 2", "box"),
)

WIDTH = 340
LABEL_SIZE = 14
SMALL_SIZE = 13
MAX_LABEL_CHARS = 40
ELLIPSIS = "\u2026"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _n(value: float) -> str:
    """A coordinate rounded to one decimal, without a trailing '.0'."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _plain(text) -> str:
    """The text a value shows: Markup is unescaped and untagged; whitespace collapsed."""
    if text is None:
        return ""
    if isinstance(text, Markup):
        return text.striptags()
    return " ".join(str(text).split())


def _slug(chart_id: str) -> str:
    """A safe id prefix: letters, digits, '-' and '_', starting with a letter."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(chart_id)).strip("-")
    return slug if slug[:1].isalpha() else "chart-" + slug


def _class_key(key: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", str(key).lower()).strip("-") or "other"


# Advance widths (em) close to DejaVu Sans, the widest common sans-serif, so that
# text measured with them fits in Roboto, Segoe UI or San Francisco as well.
_EM = dict(zip("abcdefghijklmnopqrstuvwxyz",
               (.62, .64, .55, .64, .62, .36, .64, .64, .28, .28, .58, .28, .98,
                .64, .62, .64, .64, .42, .53, .4, .64, .6, .82, .6, .6, .53)))
_EM.update(dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                    (.69, .69, .7, .77, .64, .58, .78, .76, .3, .3, .66, .56, .87,
                     .75, .79, .61, .79, .7, .64, .62, .74, .69, .99, .69, .62, .69))))
_EM.update({c: .64 for c in "0123456789"})
_EM.update({" ": .32, "\u00a0": .32, ".": .32, ",": .32, ":": .34, ";": .34, "'": .28, "!": .4,
            "|": .34, "(": .39, ")": .39, "[": .39, "]": .39, "/": .34, "-": .37, "\u2013": .5,
            "\u2014": 1.0, "%": .95, "&": .78, "@": 1.0, ELLIPSIS: 1.0})


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of a text's width, on the generous side."""
    return sum(_EM.get(ch, .66) for ch in text) * size * (1.1 if bold else 1.0)


def _fit(text: str, width: float, size: float = LABEL_SIZE, bold: bool = False,
         max_chars: int = MAX_LABEL_CHARS) -> str:
    """The text, cut with an ellipsis to at most max_chars and about width units."""
    if len(text) <= max_chars and _text_width(text, size, bold) <= width:
        return text
    cut = text[: max_chars - 1]
    while cut and _text_width(cut.rstrip() + ELLIPSIS, size, bold) > width:
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


def _text(x: float, y: float, content: str, cls: str = "chart-label", size: float | None = None,
          anchor: str | None = None, bold: bool = False) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}"'
    if size is not None:
        attrs += f' font-size="{_n(size)}"'
    if anchor:
        attrs += f' text-anchor="{anchor}"'
    if bold:
        attrs += ' font-weight="bold"'
    return f'<text class="{cls}" {attrs} fill="{INK}">{escape(content)}</text>'


def _sentence(description: str, parts: Sequence[str], sep: str = "; ") -> str:
    data = sep.join(p for p in parts if p)
    desc = _plain(description)
    if desc and data:
        return f"{desc} {data}."
    return desc or (data + "." if data else "")


def _svg(ident: str, kind: str, height: float, title: str, desc: str, body: Sequence[str]) -> Markup:
    head = (f'<svg class="chart chart-{kind}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
            f'viewBox="0 0 {WIDTH} {_n(height)}" width="100%" preserveAspectRatio="xMidYMin meet" '
            f'font-size="{LABEL_SIZE}">'
            f'<title id="{ident}-title">{escape(_plain(title))}</title>'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _legend_layout(widths: Sequence[float], width: float = WIDTH, gap: float = 12
                   ) -> list[tuple[float, int, float]]:
    """(x, row, room) for items in reading order: two to a row, a wide one on a row of its own."""
    half = width / 2
    out: list[tuple[float, int, float]] = []
    row, used = -1, 2  # used: 0 empty row, 1 left half taken, 2 row full
    for w in widths:
        if w + gap <= half:
            if used == 1:
                out.append((half, row, half - gap))
                used = 2
            else:
                row += 1
                out.append((0, row, half - gap))
                used = 1
        else:
            row += 1
            out.append((0, row, width))
            used = 2
    return out


# ---------------------------------------------------------------------------
# Horizontal progress bars
# ---------------------------------------------------------------------------

def progress_bars(chart_id: str, title: str, description: str,
                  rows: Sequence[tuple[str, float | None]], format_value: Callable[[float], str],
                  no_data: str = "–", max_value: float = 100.0) -> Markup:
    """Horizontal bars, one per row (label, value 0..max); None draws an empty track with `no_data`.

    Each label stands above its bar (cut with an ellipsis past about 40
    characters; the desc keeps it whole) and the formatted value beside it.
    Values are drawn within 0..max_value but shown as given; with no rows,
    the result is empty.
    """
    if not max_value > 0:
        raise ValueError("max_value must be positive")
    if not rows:
        return Markup("")
    ident = _slug(chart_id)
    no_data = _plain(no_data)
    track_x, track_w, bar_h = 1.0, 278.0, 16.0
    pitch, value_x = 50.0, float(WIDTH)
    body: list[str] = []
    words: list[str] = []
    for i, (label, raw) in enumerate(rows):
        label = _plain(label)
        value = _number(raw)
        text = no_data if value is None else _plain(format_value(value))
        words.append(f"{label}: {text}")
        top = i * pitch
        bar_y = top + 21
        body.append(_text(0, top + 15, _fit(label, WIDTH)))
        body.append(f'<rect class="chart-track" x="{_n(track_x)}" y="{_n(bar_y)}" width="{_n(track_w)}" '
                    f'height="{_n(bar_h)}" rx="2" fill="{TRACK}" stroke="{EDGE}"/>')
        mid = bar_y + bar_h / 2 + 5
        if value is None:
            if _text_width(no_data, SMALL_SIZE) <= WIDTH - track_x - track_w - 8:
                body.append(_text(value_x, mid, no_data, "chart-value", SMALL_SIZE, "end"))
            else:
                body.append(_text(track_x + 6, mid - 0.5, _fit(no_data, track_w - 12, SMALL_SIZE),
                                  "chart-value", SMALL_SIZE))
            continue
        frac = min(max(value / max_value, 0.0), 1.0)
        if frac > 0:
            body.append(f'<rect class="chart-bar" x="{_n(track_x)}" y="{_n(bar_y)}" '
                        f'width="{_n(track_w * frac)}" height="{_n(bar_h)}" rx="2" fill="{FILL}"/>')
        body.append(_text(value_x, mid, _fit(text, WIDTH - track_x - track_w - 6, LABEL_SIZE, True),
                          "chart-value", None, "end", True))
    height = len(rows) * pitch - 12
    return _svg(ident, "bars", height, title, _sentence(description, words), body)


# ---------------------------------------------------------------------------
# Status distribution
# ---------------------------------------------------------------------------

def status_distribution(chart_id: str, title: str, description: str,
                        segments: Sequence[tuple[str, str, int]]) -> Markup:
    """One stacked bar 100% wide split by status: (status_key, label, count); zero counts are skipped;
    below it a legend listing every non-zero status as 'label: count' text (legend wraps to lines on narrow widths —
    lay it out as rows of at most 2 items per row in a ~340-unit viewBox).

    Each segment is hatched by status and shows its count when it is wide
    enough; with no count above zero, the result is empty.
    """
    ident = _slug(chart_id)
    items = [(str(key), _plain(label), int(count)) for key, label, count in segments if int(count) > 0]
    total = sum(c for _, _, c in items)
    if not total:
        return Markup("")
    body: list[str] = []
    defs: list[str] = []
    paints: dict[str, str] = {}
    for key, _, _ in items:
        cls = _class_key(key)
        if cls in paints:
            continue
        colour = STATUS_FILL.get(key, OTHER_FILL)
        hatch = STATUS_HATCH.get(key, "")
        if hatch:
            pid = f"{ident}-p-{cls}"
            defs.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                        f'<rect width="6" height="6" fill="{colour}"/>{hatch}</pattern>')
            paints[cls] = f"url(#{pid})"
        else:
            paints[cls] = colour
    if defs:
        body.append("<defs>" + "".join(defs) + "</defs>")
    left, span, bar_y, bar_h = 1.0, WIDTH - 2.0, 1.0, 28.0
    running = 0
    for key, label, count in items:
        cls = _class_key(key)
        x0 = round(left + span * running / total, 1)
        running += count
        x1 = round(left + span * running / total, 1)
        body.append(f'<rect class="status-{cls}" x="{_n(x0)}" y="{_n(bar_y)}" width="{_n(x1 - x0)}" '
                    f'height="{_n(bar_h)}" fill="{paints[cls]}" stroke="{EDGE}"/>')
        if _text_width(str(count), LABEL_SIZE, True) + 8 <= x1 - x0:
            body.append(_text((x0 + x1) / 2, bar_y + bar_h / 2 + 5, str(count), "chart-value",
                              None, "middle", True))
    words = [f"{label}: {count}" for _, label, count in items]
    swatch = 14.0
    layout = _legend_layout([swatch + 7 + _text_width(w, LABEL_SIZE) for w in words], gap=8)
    legend_top, row_h = bar_y + bar_h + 14, 24.0
    body.append('<g class="chart-legend">')
    for (key, _, _), text, (x, row, room) in zip(items, words, layout):
        y = legend_top + row * row_h
        cls = _class_key(key)
        body.append(f'<rect class="status-{cls}" x="{_n(x + 1)}" y="{_n(y)}" width="{_n(swatch)}" '
                    f'height="{_n(swatch)}" fill="{paints[cls]}" stroke="{EDGE}"/>')
        body.append(_text(x + swatch + 7, y + 12, _fit(text, room - swatch - 7)))
    body.append("</g>")
    rows = (layout[-1][1] + 1) if layout else 0
    height = legend_top + rows * row_h - 6
    return _svg(ident, "status", height, title, _sentence(description, words), body)


# ---------------------------------------------------------------------------
# Progress over time
# ---------------------------------------------------------------------------

_PLOT_LEFT, _PLOT_RIGHT, _PLOT_TOP, _PLOT_BOTTOM = 46.0, 326.0, 24.0, 164.0
_DATE_BASELINE = _PLOT_BOTTOM + 20


class _Axes:
    """The shared frame of the line charts: dates across, 0..max up."""

    def __init__(self, dates: Sequence[dt.date], max_value: float):
        if not max_value > 0:
            raise ValueError("max_value must be positive")
        self.max_value = max_value
        self.first, self.last = min(dates), max(dates)
        self.days = (self.last - self.first).days

    def x(self, day: dt.date) -> float:
        if self.days == 0:
            return (_PLOT_LEFT + _PLOT_RIGHT) / 2
        return _PLOT_LEFT + (_PLOT_RIGHT - _PLOT_LEFT) * (day - self.first).days / self.days

    def y(self, value: float) -> float:
        frac = min(max(value / self.max_value, 0.0), 1.0)
        return _PLOT_BOTTOM - (_PLOT_BOTTOM - _PLOT_TOP) * frac

    def grid(self, format_value: Callable[[float], str]) -> list[str]:
        out = []
        for k in range(5):
            value = self.max_value * k / 4
            y = self.y(value)
            stroke = EDGE if k == 0 else GRID
            out.append(f'<line class="chart-grid" x1="{_n(_PLOT_LEFT)}" y1="{_n(y)}" x2="{_n(_PLOT_RIGHT + 4)}" '
                       f'y2="{_n(y)}" stroke="{stroke}"/>')
            out.append(_text(_PLOT_LEFT - 7, y + 4.5, _plain(format_value(value)), "chart-label",
                             SMALL_SIZE, "end"))
        return out

    def date_labels(self, dates: Sequence[dt.date], format_date: Callable[[dt.date], str]) -> list[str]:
        """Labels under the axis: the first and last dates, and others where they fit."""
        unique = sorted(set(dates))
        spans = []
        for day in unique:
            text = _plain(format_date(day))
            w = _text_width(text, SMALL_SIZE)
            centre = min(max(self.x(day), w / 2), WIDTH - w / 2)
            spans.append((centre - w / 2 - 2, centre + w / 2 + 2, centre, text, day))
        order = [0, len(spans) - 1] + list(range(1, len(spans) - 1)) if len(spans) > 1 else [0]
        placed: list[tuple] = []
        for i in order:
            s = spans[i]
            if all(s[1] <= p[0] or s[0] >= p[1] for p in placed):
                placed.append(s)
        out = []
        for lo, hi, centre, text, day in sorted(placed, key=lambda s: s[4]):
            x = self.x(day)
            out.append(f'<line class="chart-grid" x1="{_n(x)}" y1="{_n(_PLOT_BOTTOM)}" x2="{_n(x)}" '
                       f'y2="{_n(_PLOT_BOTTOM + 4)}" stroke="{EDGE}"/>')
            out.append(_text(centre, _DATE_BASELINE, text, "chart-label", SMALL_SIZE, "middle"))
        return out


def _clean_points(points: Sequence[tuple[dt.date, float]]) -> list[tuple[dt.date, float]]:
    out = [(d, v) for d, v in ((d, _number(v)) for d, v in points) if v is not None]
    return sorted(out, key=lambda p: p[0])


def progress_history(chart_id: str, title: str, description: str,
                     points: Sequence[tuple[dt.date, float]], format_date: Callable[[dt.date], str],
                     format_value: Callable[[float], str], max_value: float = 100.0) -> Markup:
    """A line chart of progress over time: x by real date spacing, y 0..100 with gridlines at 0/25/50/75/100
    labelled; a dot per point; the last point's value labelled. With one point, draw the dot only.
    With no points, return an empty Markup("")."""
    pts = _clean_points(points)
    if not pts:
        return Markup("")
    ident = _slug(chart_id)
    axes = _Axes([d for d, _ in pts], max_value)
    body = axes.grid(format_value)
    body += axes.date_labels([d for d, _ in pts], format_date)
    coords = [(axes.x(d), axes.y(v)) for d, v in pts]
    if len(coords) > 1:
        d = "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in coords)
        body.append(f'<path class="chart-line" d="{d}" fill="none" stroke="{FILL}" stroke-width="2.5" '
                    f'stroke-linejoin="round"/>')
    for x, y in coords:
        body.append(f'<circle class="chart-point" cx="{_n(x)}" cy="{_n(y)}" r="4.5" fill="{FILL}" '
                    f'stroke="#fff" stroke-width="1.5"/>')
    # the last value, above its dot (below it where the line comes down into it, or at the top)
    x, y = coords[-1]
    text = _plain(format_value(pts[-1][1]))
    w = _text_width(text, LABEL_SIZE, True)
    coming_down = len(coords) > 1 and coords[-2][1] < y
    ly = y + 22 if (coming_down or y - 10 < 14) and y + 22 < _PLOT_BOTTOM - 2 else y - 10
    if ly > y and _PLOT_BOTTOM - y < 26:
        ly = y - 10
    lx = min(max(x, w / 2), WIDTH - w / 2)
    body.append(_text(lx, ly, text, "chart-value", None, "middle", True))
    words = [f"{_plain(format_date(d))}: {_plain(format_value(v))}" for d, v in pts]
    return _svg(ident, "history", _DATE_BASELINE + 5, title, _sentence(description, words), body)


def _marker(kind: str, x: float, y: float) -> tuple[str, bool]:
    """A marker's path data at (x, y) and whether it is hollow (stroked, white inside)."""
    if kind == "square":
        return f"M{_n(x - 4)},{_n(y - 4)}h8v8h-8z", False
    if kind == "triangle":
        return f"M{_n(x)},{_n(y - 5.5)}l5,9h-10z", False
    if kind == "diamond":
        return f"M{_n(x)},{_n(y - 5.5)}l5.5,5.5l-5.5,5.5l-5.5-5.5z", False
    if kind == "box":
        return f"M{_n(x - 3.5)},{_n(y - 3.5)}h7v7h-7z", True
    r = 4.5 if kind == "circle" else 3.5
    return f"M{_n(x - r)},{_n(y)}a{_n(r)},{_n(r)} 0 1,0 {_n(2 * r)},0a{_n(r)},{_n(r)} 0 1,0 {_n(-2 * r)},0z", \
        kind == "ring"


def _markers(kind: str, colour: str, where: Sequence[tuple[float, float]], n: int) -> str:
    d = "".join(_marker(kind, x, y)[0] for x, y in where)
    hollow = _marker(kind, 0, 0)[1]
    paint = f'fill="#fff" stroke="{colour}" stroke-width="2"' if hollow else \
        f'fill="{colour}" stroke="#fff" stroke-width="1"'
    return f'<path class="chart-point chart-series-{n}" d="{d}" {paint}/>'


def multi_series_history(chart_id: str, title: str, description: str,
                         series: Sequence[tuple[str, Sequence[tuple[dt.date, float]]]],
                         format_date: Callable[[dt.date], str], format_value: Callable[[float], str],
                         max_value: float = 100.0) -> Markup:
    """Several lines (e.g. average progress per dimension at each evaluation date) sharing the axes;
    each series distinguishable without colour (different dash patterns and point markers) and labelled at its
    end point or in a legend below the plot (legend as text rows).

    The legend below the plot shows each series' line and marker beside its
    label, two to a row; with no point in any series, the result is empty.
    """
    cleaned = [(_plain(label), _clean_points(pts)) for label, pts in series]
    dates = [d for _, pts in cleaned for d, _ in pts]
    if not dates:
        return Markup("")
    ident = _slug(chart_id)
    axes = _Axes(dates, max_value)
    body = axes.grid(format_value)
    body += axes.date_labels(dates, format_date)
    styles = [SERIES_STYLE[i % len(SERIES_STYLE)] for i in range(len(cleaned))]
    for n, ((label, pts), (colour, dash, marker)) in enumerate(zip(cleaned, styles)):
        coords = [(axes.x(d), axes.y(v)) for d, v in pts]
        if len(coords) > 1:
            d = "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in coords)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(f'<path class="chart-line chart-series-{n}" d="{d}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5" stroke-linejoin="round"{dash_attr}/>')
    # markers after all lines, so no line hides a point
    for n, ((label, pts), (colour, dash, marker)) in enumerate(zip(cleaned, styles)):
        if pts:
            body.append(_markers(marker, colour, [(axes.x(d), axes.y(v)) for d, v in pts], n))
    sample = 26.0
    layout = _legend_layout([sample + 5 + _text_width(label, LABEL_SIZE) for label, _ in cleaned], gap=6)
    legend_top, row_h = _DATE_BASELINE + 16, 24.0
    body.append('<g class="chart-legend">')
    for n, ((label, _), (colour, dash, marker), (x, row, room)) in enumerate(zip(cleaned, styles, layout)):
        y = legend_top + row * row_h + 8
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<path class="chart-line chart-series-{n}" d="M{_n(x + 1)},{_n(y)}h{_n(sample - 2)}" '
                     f'fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        body.append(_markers(marker, colour, [(x + sample / 2, y)], n))
        body.append(_text(x + sample + 5, y + 5, _fit(label, room - sample - 5)))
    body.append("</g>")
    rows = (layout[-1][1] + 1) if layout else 0
    height = legend_top + rows * row_h - 4
    words = []
    for label, pts in cleaned:
        values = "; ".join(f"{_plain(format_date(d))}: {_plain(format_value(v))}" for d, v in pts)
        words.append(f"{label} — {values}" if values else label)
    return _svg(ident, "multi", height, title, _sentence(description, words, ". "), body)
