"""The build-time SVG charts: accessible, escaped, deterministic, and drawn to scale."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from smartsite import i18n
from smartsite.charts import multi_series_history, progress_bars, progress_history, status_distribution

D = dt.date


def pct(value: float) -> str:
    return i18n.percent(value, "id")


def month(day: dt.date) -> str:
    return i18n.month_year(day, "id")


HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> & co'


def parse(svg: str) -> ET.Element:
    """The chart as XML (inside a root, as it stands in a page), failing on malformed output."""
    root = ET.fromstring(f"<root>{svg}</root>")
    assert len(root) == 1
    return root[0]


def by_class(svg: ET.Element, name: str, tag: str | None = None) -> list[ET.Element]:
    return [e for e in svg.iter() if name in e.get("class", "").split() and (tag is None or e.tag == tag)]


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter("text")]


def num(element: ET.Element, attr: str) -> float:
    return float(element.get(attr))


def outside_legend(svg: ET.Element, name: str) -> list[ET.Element]:
    legend = {id(e) for g in by_class(svg, "chart-legend") for e in g.iter()}
    return [e for e in by_class(svg, name) if id(e) not in legend]


def plot_lines(svg: ET.Element) -> list[ET.Element]:
    return outside_legend(svg, "chart-line")


def bars_chart(**overrides):
    args = dict(chart_id="avg-horizon", title="Rata-rata kemajuan per jangka",
                description="Rata-rata kemajuan per jangka.",
                rows=[("Jangka Pendek", 91.7), ("Jangka Menengah", 50), ("Jangka Panjang", None)],
                format_value=pct, no_data="belum ada data")
    args.update(overrides)
    return progress_bars(**args)


def status_chart(**overrides):
    args = dict(chart_id="status-all", title="Inovasi per status", description="Jumlah inovasi per status.",
                segments=[("planned", "Direncanakan", 12), ("in-progress", "Berjalan", 25),
                          ("done", "Selesai", 18), ("stalled", "Terhenti", 0), ("cancelled", "Dibatalkan", 1)])
    args.update(overrides)
    return status_distribution(**args)


HISTORY = [(D(2021, 1, 1), 10), (D(2021, 1, 11), 20), (D(2021, 4, 11), 40), (D(2022, 1, 1), 85)]


def history_chart(**overrides):
    args = dict(chart_id="hist-sipades", title="Riwayat kemajuan SIPADES",
                description="Kemajuan SIPADES dari waktu ke waktu.", points=HISTORY,
                format_date=month, format_value=pct)
    args.update(overrides)
    return progress_history(**args)


DIMENSIONS = ["Smart Governance", "Smart Branding", "Smart Economy", "Smart Living", "Smart Society",
              "Smart Environment"]


def multi_chart(**overrides):
    dates = [D(2020, 12, 1), D(2021, 12, 1), D(2022, 12, 1)]
    series = [(name, [(d, 10 * i + 20 * k) for k, d in enumerate(dates)]) for i, name in enumerate(DIMENSIONS)]
    args = dict(chart_id="dim-history", title="Rata-rata kemajuan per dimensi",
                description="Rata-rata kemajuan tiap dimensi pada setiap evaluasi.", series=series,
                format_date=month, format_value=pct)
    args.update(overrides)
    return multi_series_history(**args)


ALL_CHARTS = [bars_chart, status_chart, history_chart, multi_chart]


# ---------------------------------------------------------------------------
# Every chart
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make", ALL_CHARTS)
def test_chart_is_a_named_image_with_its_data_in_words(make):
    out = make()
    assert isinstance(out, Markup)
    svg = parse(out)
    assert svg.tag == "svg"
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title, desc = svg.find("title"), svg.find("desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text and desc.text
    ids = [e.get("id") for e in svg.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    # responsive: a viewBox about a phone wide, no fixed height
    _, _, width, height = map(float, svg.get("viewBox").split())
    assert 320 <= width <= 360 and height > 0
    assert svg.get("width") == "100%" and svg.get("height") is None
    assert svg.get("preserveAspectRatio")


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_chart_ids_come_from_the_chart_id(make):
    svg = parse(make(chart_id="grafik-1"))
    assert svg.get("aria-labelledby") == "grafik-1-title grafik-1-desc"
    assert all(e.get("id").startswith("grafik-1-") for e in svg.iter() if e.get("id"))


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_same_input_gives_the_same_bytes(make):
    assert str(make()) == str(make())
    assert str(make(chart_id="other")) != str(make())


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_text_sizes_stay_legible_on_a_phone(make):
    svg = parse(make())
    root_size = float(svg.get("font-size"))
    sizes = [float(t.get("font-size", root_size)) for t in svg.iter("text")]
    assert sizes and min(sizes) >= 13
    assert all(t.get("fill") == "#1b1f24" for t in svg.iter("text"))


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_output_is_compact(make):
    out = str(make())
    assert "\n" not in out and "  " not in out and "<style" not in out and "style=" not in out
    numbers = re.findall(r'="(-?\d+\.\d+)"', out)
    assert all(len(n.split(".")[1]) == 1 for n in numbers)
    assert len(out.encode()) < 8000


def test_hostile_editor_text_is_escaped_everywhere():
    outputs = [
        progress_bars("x", HOSTILE, HOSTILE, [(HOSTILE, 50), ("b", None)], pct, no_data=HOSTILE),
        status_distribution("x", HOSTILE, HOSTILE, [("done", HOSTILE, 3)]),
        progress_history("x", HOSTILE, HOSTILE, HISTORY, lambda d: HOSTILE, lambda v: HOSTILE),
        multi_series_history("x", HOSTILE, HOSTILE, [(HOSTILE, HISTORY)], lambda d: HOSTILE, pct),
    ]
    for out in outputs:
        assert "<script" not in out and "<img" not in out and "& co" not in out
        assert "&lt;script&gt;" in out and "&amp; co" in out
        svg = parse(out)  # still well-formed
        assert [e.tag for e in svg.iter() if e.tag in ("script", "img")] == []
        assert HOSTILE in svg.find("desc").text and HOSTILE == svg.find("title").text


def test_hostile_chart_id_and_status_key_cannot_break_out():
    out = status_distribution('a" onload="x <b>', "T", "D", [('done" onclick="y', "Selesai", 2)])
    svg = parse(out)
    assert "onload" not in svg.attrib and all("onclick" not in e.attrib for e in svg.iter())
    assert re.fullmatch(r"[A-Za-z][\w-]*-title [A-Za-z][\w-]*-desc", svg.get("aria-labelledby"))


def test_markup_labels_are_taken_as_their_text():
    svg = parse(progress_bars("m", Markup("A &amp; B"), "", [(Markup('<span lang="id">Jangka &amp; Pendek</span>'), 40)],
                              pct))
    assert svg.find("title").text == "A & B"
    assert "Jangka & Pendek" in texts(svg)


# ---------------------------------------------------------------------------
# progress_bars
# ---------------------------------------------------------------------------

def test_bars_show_labels_values_and_no_data():
    svg = parse(bars_chart())
    shown = texts(svg)
    for label in ("Jangka Pendek", "Jangka Menengah", "Jangka Panjang", "91,7%", "50%", "belum ada data"):
        assert label in shown
    assert svg.find("desc").text == ("Rata-rata kemajuan per jangka. Jangka Pendek: 91,7%; "
                                     "Jangka Menengah: 50%; Jangka Panjang: belum ada data.")


def test_each_label_stands_above_its_bar():
    svg = parse(bars_chart())
    labels = [t for t in svg.iter("text") if "chart-label" in t.get("class")]
    tracks = by_class(svg, "chart-track")
    assert len(labels) == len(tracks) == 3
    for label, track in zip(labels, tracks):
        assert num(label, "y") < num(track, "y")
        assert num(label, "x") <= num(track, "x")


def test_bar_widths_are_proportional_to_the_values():
    svg = parse(bars_chart(rows=[("a", 50), ("b", 100), ("c", 25), ("d", 0), ("e", None), ("f", 130), ("g", -5)]))
    tracks = by_class(svg, "chart-track")
    track_w = num(tracks[0], "width")
    bars = {round(num(b, "y")): num(b, "width") for b in by_class(svg, "chart-bar")}
    widths = [bars.get(round(num(t, "y")), 0.0) for t in tracks]
    assert widths[:3] == [pytest.approx(track_w / 2, abs=0.1), pytest.approx(track_w, abs=0.1),
                          pytest.approx(track_w / 4, abs=0.1)]
    assert widths[3] == 0 and widths[4] == 0  # zero and no data: an empty track
    assert widths[5] == pytest.approx(track_w) and widths[6] == 0  # drawn within the track
    assert "130%" in texts(svg)  # but shown as given
    assert all(num(t, "width") == track_w and t.get("fill") == "#e3e7ec" for t in tracks)
    assert all(b.get("fill") == "#1a5da6" for b in by_class(svg, "chart-bar"))


def test_max_value_sets_the_scale():
    svg = parse(bars_chart(rows=[("a", 5)], max_value=10, format_value=str))
    track, bar = by_class(svg, "chart-track")[0], by_class(svg, "chart-bar")[0]
    assert num(bar, "width") == pytest.approx(num(track, "width") / 2, abs=0.1)
    with pytest.raises(ValueError):
        bars_chart(max_value=0)


def test_long_labels_are_cut_with_an_ellipsis_but_whole_in_the_desc():
    long = "Peningkatan Kualitas Layanan Administrasi Kependudukan Terpadu di Kecamatan"
    svg = parse(bars_chart(rows=[(long, 40)]))
    shown = [t for t in texts(svg) if t.startswith("Peningkatan")][0]
    assert shown.endswith("…") and len(shown) <= 40
    assert long in svg.find("desc").text


def test_default_no_data_text_and_no_rows():
    svg = parse(progress_bars("c", "T", "D.", [("Smart Economy", None)], pct))
    assert "–" in texts(svg) and not by_class(svg, "chart-bar")
    assert progress_bars("c", "T", "D.", [], pct) == Markup("")


# ---------------------------------------------------------------------------
# status_distribution
# ---------------------------------------------------------------------------

def test_status_skips_zeros_and_lists_each_status_with_its_count():
    svg = parse(status_chart())
    shown = texts(svg)
    for text in ("Direncanakan: 12", "Berjalan: 25", "Selesai: 18", "Dibatalkan: 1"):
        assert text in shown
    assert not any("Terhenti" in t for t in shown)
    assert "Terhenti" not in svg.find("desc").text
    assert not by_class(svg, "status-stalled")
    assert svg.find("desc").text == ("Jumlah inovasi per status. Direncanakan: 12; Berjalan: 25; "
                                     "Selesai: 18; Dibatalkan: 1.")


def test_status_segments_fill_the_bar_in_proportion():
    svg = parse(status_chart(segments=[("planned", "Direncanakan", 1), ("done", "Selesai", 3)]))
    legend = {id(e) for e in by_class(svg, "chart-legend")[0].iter()}
    planned, done = [e for e in svg.iter("rect") if id(e) not in legend and e.get("class", "").startswith("status-")]
    total = num(planned, "width") + num(done, "width")
    assert num(planned, "width") == pytest.approx(total / 4, abs=0.1)
    assert num(done, "x") == pytest.approx(num(planned, "x") + num(planned, "width"))
    assert total >= 330  # the chart's full width
    assert planned.get("class") == "status-planned" and done.get("class") == "status-done"
    # counts inside the segments, colour and a pattern as fill
    assert "1" in texts(svg) and "3" in texts(svg)
    assert planned.get("fill").startswith("url(#") and done.get("fill") == "#9fd8b0"


def test_status_legend_has_at_most_two_items_a_row():
    svg = parse(status_chart())
    legend = by_class(svg, "chart-legend")[0]
    rows: dict[float, int] = {}
    for t in legend.iter("text"):
        rows[num(t, "y")] = rows.get(num(t, "y"), 0) + 1
    assert len(rows) == 2 and max(rows.values()) <= 2  # 4 statuses: 2 rows
    _, _, width, height = map(float, svg.get("viewBox").split())
    assert all(num(t, "y") < height for t in legend.iter("text"))


def test_status_with_nothing_to_count_is_empty():
    assert status_chart(segments=[("planned", "Direncanakan", 0)]) == Markup("")


# ---------------------------------------------------------------------------
# progress_history
# ---------------------------------------------------------------------------

def test_history_places_dates_by_real_spacing():
    svg = parse(history_chart())
    xs = [num(c, "cx") for c in by_class(svg, "chart-point", "circle")]
    assert len(xs) == 4
    days = [(d - HISTORY[0][0]).days for d, _ in HISTORY]
    for x, day in zip(xs, days):
        assert x - xs[0] == pytest.approx((xs[-1] - xs[0]) * day / days[-1], abs=0.15)
    ys = [num(c, "cy") for c in by_class(svg, "chart-point", "circle")]
    assert ys == sorted(ys, reverse=True)  # rising progress goes up
    line = by_class(svg, "chart-line")
    assert len(line) == 1 and line[0].get("d").count("L") == 3


def test_history_has_labelled_gridlines_and_the_last_value():
    svg = parse(history_chart())
    shown = texts(svg)
    for label in ("0%", "25%", "50%", "75%", "100%", "Jan 2021", "Jan 2022"):
        assert label in shown
    grid_ys = sorted({num(g, "y1") for g in by_class(svg, "chart-grid") if g.get("y1") == g.get("y2")})
    assert len(grid_ys) == 5
    steps = {round(b - a, 1) for a, b in zip(grid_ys, grid_ys[1:])}
    assert len(steps) == 1
    values = [t for t in svg.iter("text") if "chart-value" in t.get("class")]
    assert ["".join(v.itertext()) for v in values] == ["85%"]
    assert "Jan 2022: 85%" in svg.find("desc").text


def test_history_sorts_points_by_date():
    shuffled = history_chart(points=list(reversed(HISTORY)))
    assert str(shuffled) == str(history_chart())


def test_history_with_one_point_draws_the_dot_only():
    svg = parse(history_chart(points=[(D(2023, 5, 25), 35)]))
    assert len(by_class(svg, "chart-point", "circle")) == 1
    assert not list(svg.iter("path"))
    assert "35%" in texts(svg) and "Mei 2023" in texts(svg)


def test_history_without_points_is_empty():
    assert history_chart(points=[]) == Markup("")


# ---------------------------------------------------------------------------
# multi_series_history
# ---------------------------------------------------------------------------

def test_multi_series_differ_without_colour_and_are_named():
    svg = parse(multi_chart())
    lines = plot_lines(svg)
    assert len(lines) == len(DIMENSIONS)
    dashes = [line.get("stroke-dasharray", "none") for line in lines]
    assert len(set(dashes)) == len(DIMENSIONS)
    markers = outside_legend(svg, "chart-point")
    shapes = {re.sub(r"[\d.,-]+", "", m.get("d")) + m.get("fill") for m in markers}
    assert len(markers) == len(DIMENSIONS)
    assert len(shapes) >= 5  # marker shapes (filled or hollow) differ too
    shown = texts(svg)
    for name in DIMENSIONS:
        assert name in shown and name in svg.find("desc").text


def test_multi_legend_repeats_each_series_style():
    svg = parse(multi_chart())
    legend = by_class(svg, "chart-legend")[0]
    samples = by_class(legend, "chart-line")
    assert [s.get("stroke-dasharray", "none") for s in samples] == \
        [line.get("stroke-dasharray", "none") for line in plot_lines(svg)]
    rows: dict[float, int] = {}
    for t in legend.iter("text"):
        rows[num(t, "y")] = rows.get(num(t, "y"), 0) + 1
    assert max(rows.values()) <= 2


def test_multi_series_share_the_axes():
    svg = parse(multi_chart(series=[("A", [(D(2020, 1, 1), 0), (D(2021, 1, 1), 100)]),
                                    ("B", [(D(2020, 7, 2), 50)])]))
    a = plot_lines(svg)[0].get("d")
    (x0, y0), (x1, y1) = [tuple(map(float, p.split(","))) for p in a[1:].split("L")]
    b = [p for p in by_class(svg, "chart-series-1") if "chart-point" in p.get("class")][0]
    bx, by = map(float, re.match(r"M([\d.]+),([\d.]+)", b.get("d")).groups())
    assert bx + 4 == pytest.approx((x0 + x1) / 2, abs=0.5)  # the square's corner is 4 left of the point
    assert by + 4 == pytest.approx((y0 + y1) / 2, abs=0.1)
    assert len(plot_lines(svg)) == 1  # one point: a marker, no line


def test_multi_without_points_is_empty():
    assert multi_chart(series=[]) == Markup("")
    assert multi_chart(series=[("A", [])]) == Markup("")
