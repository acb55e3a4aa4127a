"""The Jinja environment: where templates come from and what they may use.

Templates are looked up in the site's ``layouts/`` first, then the theme's,
file by file. Autoescaping is on for every HTML and XML template and
undefined names fail the build (``StrictUndefined``) instead of printing
nothing. Templates receive model objects and computed values only; the
filters here are presentation (URLs, localized text, dates, numbers), never
business logic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import charts, i18n, images
from .compute import Output
from .templatecache import CheckedBytecodeCache
from .model import STATUS_LABELS, STATUSES, LocalText
from .urls import Router, path_of


LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def _at_render_time(function):
    """A filter Jinja must not evaluate while compiling (see ``Renderer``)."""

    @jinja2.pass_context  # Jinja never folds a filter that needs the render context
    def filter_(_context, *args, **kwargs):
        return function(*args, **kwargs)

    return filter_


def _route(target: Any, args: tuple) -> tuple:
    if isinstance(target, str):
        return (target, tuple(args))
    if isinstance(target, tuple):
        return target
    return target.route


class Renderer:
    """One Jinja environment per interface language."""

    def __init__(self, layout_dirs: tuple[Path, ...], router: Router, lang: str, globals_: dict,
                 assets: dict | None = None, bytecode_dir: Path | None = None):
        self.router = router
        self.assets = assets or {}  # asset path -> its (fingerprinted) path in the site
        self.lang = lang
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in layout_dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # compiled templates kept between builds: keyed by the template's source, so an edit recompiles it
            bytecode_cache=CheckedBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
        )
        env.install_gettext_translations(i18n.translations(lang), newstyle=True)
        gettext = i18n.gettext_for(lang)
        filters = dict(
            url=lambda target, *args: router.url(_route(target, args), lang),
            abs_url=lambda target, *args: router.absolute_url(_route(target, args), lang),
            url_in=lambda target, other: router.url(_route(target, ()), other),
            abs_url_in=lambda target, other: router.absolute_url(_route(target, ()), other),
            asset=self.asset_url,
            asset_file=lambda rel: router.url(("asset", (rel,))),  # a file the build itself made
            tr=self.localize,
            plain=lambda text: text.get(lang) if isinstance(text, LocalText) else ("" if text is None else text),
            long_date=lambda d: i18n.long_date(d, lang),
            short_date=lambda d: i18n.short_date(d, lang),
            month_year=lambda d: i18n.month_year(d, lang),
            time_of_day=lambda d: i18n.time_of_day(d, lang),
            iso=i18n.iso,
            percent=lambda v: i18n.percent(v, lang),
            number=lambda v, digits=0: i18n.number(v, lang, digits),
            status_label=lambda s: gettext(STATUS_LABELS[s]),
            message=lambda m: m.render(gettext),
            srcset=lambda picture: images.srcset(picture, lambda rel: router.url(("asset", (rel,)))),
        )
        # Jinja folds a filter applied to a constant at compile time, and compiled templates are cached
        # between builds and shared by both languages: every filter here depends on the build (base URL,
        # asset hashes, language), so each is marked to run when the page is rendered.
        env.filters.update({name: _at_render_time(f) for name, f in filters.items()})
        env.globals.update(
            chart_terms=self.chart_terms, chart_dimensions=self.chart_dimensions,
            chart_statuses=self.chart_statuses, chart_history=self.chart_history, chart_series=self.chart_series,
        )
        env.globals.update(globals_)
        env.globals.update(lang=lang, statuses=STATUSES, language_names=LANGUAGE_NAMES)
        self.env = env

    def asset_url(self, path: str) -> str:
        """A theme or site asset's URL; naming a file that does not exist fails the build."""
        if path not in self.assets:
            raise jinja2.TemplateRuntimeError(f"the asset file assets/{path} does not exist")
        return self.router.url(("asset", (self.assets[path],)))

    # Charts: the data comes from compute; here it is only labelled and formatted.

    def _pct(self, value: float) -> str:
        return i18n.percent(value, self.lang)

    def _average_bars(self, chart_id: str, title: str, groups) -> Markup:
        """Bars of the average progress of each (horizon or dimension, stats) group."""
        gettext = i18n.gettext_for(self.lang)
        rows = [(key.name.get(self.lang), st.average_progress) for key, st in groups]
        return charts.progress_bars(chart_id, title,
                                    gettext("Average progress of the innovations that are not cancelled."),
                                    rows, self._pct, gettext("no data"))

    def chart_terms(self, summary) -> Markup:
        gettext = i18n.gettext_for(self.lang)
        return self._average_bars("grafik-jangka", gettext("Average progress per term"), summary.horizons)

    def chart_dimensions(self, summary) -> Markup:
        gettext = i18n.gettext_for(self.lang)
        return self._average_bars("grafik-dimensi", gettext("Average progress per dimension"), summary.dimensions)

    def chart_statuses(self, stats, chart_id: str = "grafik-status") -> Markup:
        gettext = i18n.gettext_for(self.lang)
        segments = [(s, gettext(STATUS_LABELS[s]), n) for s, n in stats.by_status]
        return charts.status_distribution(chart_id, gettext("Innovations by status"),
                                          gettext("Number of innovations with each status."), segments)

    def chart_history(self, innovation) -> Markup:
        gettext = i18n.gettext_for(self.lang)
        points = [(h.date, h.progress) for h in innovation.history]
        return charts.progress_history("grafik-riwayat", gettext("Progress over time"),
                                       gettext("Progress recorded at each review."), points,
                                       lambda d: i18n.short_date(d, self.lang), self._pct)

    def chart_series(self, series, chart_id: str, title: str) -> Markup:
        """Average progress of each group at each evaluation date (one line per group)."""
        gettext = i18n.gettext_for(self.lang)
        lines = [(key.name.get(self.lang), [(d, v) for d, v in points if v is not None]) for key, points in series]
        return charts.multi_series_history(chart_id, title,
                                           gettext("Average progress at each evaluation date; the last point "
                                                   "is the current state."), lines,
                                           lambda d: i18n.month_year(d, self.lang), self._pct)

    def localize(self, text: LocalText | str | None) -> Markup:
        """The text in the page's language; a missing translation is marked lang="id"."""
        if text is None:
            return Markup("")
        if isinstance(text, str):
            return escape(text)
        value = text.get(self.lang)
        if self.lang != "id" and not text.en:
            return Markup('<span lang="id">{}</span>').format(value)
        return escape(value)

    def render(self, output: Output, **extra: Any) -> str:
        template = self.env.get_template(output.template)
        return template.render(output.context, page_route=output.route, searchable=output.searchable,
                               page_path=path_of(output.route, output.lang), **extra)
