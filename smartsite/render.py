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
import json
import re
import types
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.nodes
import jinja2.runtime
from jinja2.nodes import EvalContext
from jinja2.runtime import missing
from jinja2.utils import _PassArg, internalcode
from markupsafe import Markup, escape

from . import charts, i18n, images, social
from .compute import Output
from .templatecache import CheckedBytecodeCache, CompiledTemplates
from .model import STATUS_LABELS, STATUSES, LocalText
from .urls import Router, path_of


LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
# the templates a template names in {% extends %}, {% import %}, {% from %} or {% include %}
_REFERENCED = re.compile(r"""\{%-?\s*(?:extends|import|from|include)\s+["']([^"']+)["']""")


def _at_render_time(function):
    """A filter Jinja must not evaluate while compiling (see ``Renderer``).

    Jinja never folds a filter that takes the render context, so the filter
    itself takes it (and ignores it): no wrapper, no extra call per use.
    """
    return jinja2.pass_context(function)


def _route(target: Any, args: tuple) -> tuple:
    if isinstance(target, str):
        return (target, tuple(args))
    if isinstance(target, tuple):
        return target
    return target.route


def _striptags(value: Any) -> str:
    """Jinja's ``striptags``: the text without tags, entities decoded, whitespace collapsed."""
    if hasattr(value, "__html__"):
        value = value.__html__()
    text = str(value)
    if "<" not in text and "&" not in text:  # nothing to strip or decode: what Markup.striptags leaves
        return " ".join(text.split())
    return Markup(text).striptags()


def _newstyle_gettext(translate):
    """Jinja's newstyle ``gettext``/``_()``, without its three nested context calls per string.

    Same result: the translation, marked safe where the template autoescapes,
    then ``%``-formatted with the (escaped) variables, even when there are none.
    """
    constant: dict = {}  # (msgid, autoescape) -> result without variables

    @jinja2.pass_eval_context
    def gettext(_eval_ctx, __string: str, **variables: Any) -> str:
        if not variables:
            key = (__string, _eval_ctx.autoescape)
            try:
                return constant[key]
            except KeyError:
                pass
        rv = translate(__string)
        if _eval_ctx.autoescape:
            rv = Markup(rv)
        rv = rv % variables
        if not variables:
            constant[key] = rv
        return rv

    return gettext


try:
    from markupsafe import _escape_inner as escape_text  # the C function markupsafe's escape() wraps
except ImportError:  # pragma: no cover - another markupsafe
    def escape_text(text: str) -> str:
        """The escaped text of a str, as a str."""
        return str(escape(text))


def escape_output(value: Any) -> str:
    """``markupsafe.escape`` for a value a template writes out: the same text, as a plain str.

    Jinja joins what a template writes into one str, so the ``Markup`` that
    escape() wraps around each value (a Python-level constructor, most of the
    cost of a ``{{ value }}``) is not needed there.
    """
    cls = type(value)
    if cls is str:
        return escape_text(value)
    if cls is Markup:
        return value
    if cls is int:
        return str(value)
    return escape(value)


_JSON = json.JSONEncoder(sort_keys=True)  # what json.dumps(value, sort_keys=True) makes on each call


def _json_dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps(value, sort_keys=True, **kwargs)`` for ``tojson``, without a new encoder per call."""
    if not kwargs:
        return _JSON.encode(value)
    return json.dumps(value, sort_keys=True, **kwargs)


class FastMacro(jinja2.runtime.Macro):
    """Jinja's macro, called without its general argument handling when the call is the common one:
    positional arguments only (the rest take their defaults), no ``caller``, ``varargs`` or ``kwargs``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plain = not (self.catch_kwargs or self.catch_varargs or self.caller
                           or self._environment.is_async)
        self._defaults = [(missing,) * (self._argument_count - n) for n in range(self._argument_count + 1)]

    @internalcode
    @jinja2.pass_eval_context
    def __call__(self, *args, **kwargs):
        if self._plain and not kwargs and args and isinstance(args[0], EvalContext) \
                and len(args) <= self._argument_count + 1:
            rv = self._func(*args[1:], *self._defaults[len(args) - 1])
            if args[0].autoescape:
                return str.__new__(Markup, rv) if type(rv) is str else Markup(rv)
            return rv
        return super().__call__(*args, **kwargs)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, writing ``{{ value }}`` through :func:`escape_output` and reading
    attributes without a call per ``obj.name``."""

    def visit_Template(self, node, frame=None):
        self.writeline(f"from {__name__} import FastMacro, escape_output, escape_text")
        super().visit_Template(node, frame)

    def macro_def(self, macro_ref, frame):
        """Jinja's, with :class:`FastMacro`."""
        arg_tuple = ", ".join(repr(x.name) for x in macro_ref.node.args)
        name = getattr(macro_ref.node, "name", None)
        if len(macro_ref.node.args) == 1:
            arg_tuple += ","
        self.write(
            f"FastMacro(environment, macro, {name!r}, ({arg_tuple}),"
            f" {macro_ref.accesses_kwargs!r}, {macro_ref.accesses_varargs!r},"
            f" {macro_ref.accesses_caller!r}, context.eval_ctx.autoescape)"
        )

    @jinja2.compiler.optimizeconst
    def visit_Getattr(self, node, frame):
        """``obj.name``: Python's getattr first, Jinja's ``environment.getattr`` (an item, or undefined)
        only where the object has no such attribute. The object is evaluated once, kept in ``_attr_of``."""
        if self.environment.is_async:
            return super().visit_Getattr(node, frame)
        self.write("(_attr if (_attr := getattr((_attr_of := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing else environment.getattr(_attr_of, {node.attr!r}))")

    def visit_Output(self, node, frame):
        """Jinja's, except that outside a buffer the pieces of one output statement are yielded as one
        string (``yield concat((...))``) rather than one by one: each yield travels up through every
        template of the inheritance chain."""
        if frame.buffer is not None or frame.require_output_check or self.environment.is_async:
            return super().visit_Output(node, frame)
        finalize = self._make_finalize()
        body: list = []
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, jinja2.nodes.TemplateData)):
                    raise jinja2.nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (jinja2.nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) < 2:
            return super().visit_Output(node, frame)
        self.writeline("yield concat((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
            else:
                self.newline(item)
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")

    def _output_child_pre(self, node, frame, finalize):
        if frame.eval_ctx.volatile:
            self.write("(escape_output if context.eval_ctx.autoescape else str)(")
        elif not frame.eval_ctx.autoescape:
            self.write("str(")
        elif finalize.src is not None:
            self.write("escape_output(")
        else:
            # escape_output inlined: a Markup as it is, a str through markupsafe's C escaping
            self.write("(_out if (_out_type := type(_out := ")
        if finalize.src is not None:
            self.write(finalize.src)

    def _output_child_post(self, node, frame, finalize):
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write(")) is Markup else escape_text(_out) if _out_type is str else escape_output(_out))")
        else:
            super()._output_child_post(node, frame, finalize)


_PASS_CONTEXT, _PASS_EVAL_CONTEXT, _PASS_ENVIRONMENT = _PassArg.context, _PassArg.eval_context, _PassArg.environment


class _Context(jinja2.runtime.Context):
    """Jinja's render context, with a faster ``call``.

    Every ``f(...)`` in a template (``_()``, the globals, the macros) goes
    through ``Context.call``, which looks its enum members and its helper up
    anew each time: several microseconds per call. This one decides the same
    way (a callable object whose ``__call__`` takes the context; the callable
    itself taking the context, the evaluation context or the environment)
    with plain attribute lookups, and skips the ``__call__`` test for plain
    functions, whose ``__call__`` never takes one.
    """

    @internalcode
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        if __debug__:
            __traceback_hide__ = True  # noqa: F841

        if type(__obj) is not types.FunctionType:
            method = getattr(__obj, "__call__", None)
            if method is not None and getattr(method, "jinja_pass_arg", None) is not None:
                __obj = method
        pass_arg = getattr(__obj, "jinja_pass_arg", None)
        if pass_arg is None:
            pass
        elif pass_arg is _PASS_CONTEXT:
            # the active context should have access to variables set in
            # loops and blocks without mutating the context itself
            if kwargs.get("_loop_vars"):
                __self = __self.derived(kwargs["_loop_vars"])
            if kwargs.get("_block_vars"):
                __self = __self.derived(kwargs["_block_vars"])
            args = (__self,) + args
        elif pass_arg is _PASS_EVAL_CONTEXT:
            args = (__self.eval_ctx,) + args
        elif pass_arg is _PASS_ENVIRONMENT:
            args = (__self.environment,) + args

        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)

        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _Environment(jinja2.Environment):
    """Jinja's environment, with each template's globals in a plain dict.

    Jinja chains a template's globals over the environment's (a ChainMap, so
    later changes to the environment show), and every render copies them and
    every import compares their keys, in Python, key by key. Here every
    global is set before the first template is loaded and never changed
    after, so a copy made when the template is loaded is the same and costs
    nothing per page.
    """

    code_generator_class = _CodeGenerator
    context_class = _Context

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


class Renderer:
    """One Jinja environment per interface language."""

    def __init__(self, layout_dirs: tuple[Path, ...], router: Router, lang: str, globals_: dict,
                 assets: dict | None = None, bytecode_dir: Path | None = None):
        self.router = router
        self.assets = assets or {}  # asset path -> its (fingerprinted) path in the site
        self.lang = lang
        env = _Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in layout_dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # compiled templates kept between builds: keyed by the template's source, so an edit recompiles it
            bytecode_cache=CompiledTemplates(CheckedBytecodeCache(str(bytecode_dir)) if bytecode_dir else None),
            # one environment per build: templates do not change while it renders, so no check of their
            # files on every page (and a plain dict of loaded templates, not an LRU with a lock)
            auto_reload=False,
            cache_size=-1,
            # Jinja's constant folding tries every expression, and again each one inside it, at compile
            # time (a fifth of generating the code); every filter and function here runs per page (see
            # _filters), so it never finds anything to fold: the code it generates is the same
            optimized=False,
        )
        env.policies["json.dumps_function"] = _json_dumps  # keys sorted, as Jinja's default policy does
        env.policies["json.dumps_kwargs"] = {}
        env.install_gettext_translations(i18n.translations(lang), newstyle=True)
        gettext = i18n.gettext_for(lang)
        _ = _newstyle_gettext(gettext)
        env.globals.update(gettext=_, _=_)
        env.filters.update(self._filters(router, lang, gettext))
        self._breadcrumb_lists = social.BreadcrumbLists()
        env.globals.update(breadcrumbs_jsonld=self.breadcrumbs_jsonld)
        env.globals.update(
            chart_terms=self.chart_terms, chart_dimensions=self.chart_dimensions,
            chart_statuses=self.chart_statuses, chart_history=self.chart_history, chart_series=self.chart_series,
        )
        env.globals.update(globals_)
        env.globals.update(lang=lang, statuses=STATUSES, language_names=LANGUAGE_NAMES)
        env.filters["tojson"] = self._tojson(env)
        self.env = env

    def close(self) -> None:
        """Let go of the build's state.

        A Jinja environment is a web of reference cycles (its templates, macros,
        extensions and this renderer's methods all point back at it), so only
        Python's cyclic collector frees it, and everything its globals and
        filters reach (the router, the plan: every route and page of the site)
        would wait with it. A preview that rebuilds on every save would then
        hold one stale site per save until the collector happens to run.
        """
        env = self.env
        if env.cache is not None:
            for template in env.cache.values():
                template.globals.clear()  # each template's own copy (see _Environment)
            env.cache.clear()
        env.globals.clear()
        env.filters.clear()
        self.router = self.assets = None

    def _filters(self, router: Router, lang: str, gettext) -> dict:
        """The presentation filters: URLs, localized text, dates, numbers.

        Jinja folds a filter applied to a constant at compile time, and compiled templates are cached
        between builds and shared by both languages: every filter here depends on the build (base URL,
        asset hashes, language), so each is marked to run when the page is rendered. The same links
        (menu, header, breadcrumbs, the same innovations and topics) recur on every page, so each is
        asked of the Router once per route.
        """
        at_render_time = _at_render_time
        assets: dict = {}  # asset path -> link
        labels: dict = {}  # status -> its label
        text_of = LocalText.get
        local_text = LocalText

        def asset_file_url(rel: str) -> str:
            return router.url(("asset", (rel,)))

        @at_render_time
        def url(_ctx, target, *args):
            return router.url(_route(target, args), lang)  # the Router remembers every (route, language)

        @at_render_time
        def abs_url(_ctx, target, *args):
            return router.absolute_url(_route(target, args), lang)

        @at_render_time
        def url_in(_ctx, target, other):
            return router.url(_route(target, ()), other)

        @at_render_time
        def abs_url_in(_ctx, target, other):
            return router.absolute_url(_route(target, ()), other)

        @at_render_time
        def asset(_ctx, path):
            try:
                return assets[path]
            except KeyError:
                link = assets[path] = self.asset_url(path)  # a missing file fails the build
                return link

        @at_render_time
        def asset_file(_ctx, rel):  # a file the build itself made
            return asset_file_url(rel)

        @at_render_time
        def tr(_ctx, text):  # self.localize, without Markup.format's Python-level formatter
            if text.__class__ is local_text and text.id.__class__ is str:
                if lang == "id" or text.en:
                    return escape(text_of(text, lang))
                return Markup('<span lang="id">' + escape_text(text.id) + "</span>")
            return self.localize(text)

        @at_render_time
        def plain(_ctx, text):
            return text_of(text, lang) if isinstance(text, local_text) else ("" if text is None else text)

        def date_filter(format_):
            seen: dict = {}  # id(value) -> (value, text): dates are immutable, the same ones are on many pages

            @at_render_time
            def filter_(_ctx, value):
                entry = seen.get(id(value))
                if entry is not None and entry[0] is value:
                    return entry[1]
                text = format_(value)
                if type(value) in immutable_dates:
                    seen[id(value)] = (value, text)
                return text

            return filter_

        immutable_dates = {dt.date, dt.datetime}
        long_date = date_filter(lambda d: i18n.long_date(d, lang))
        short_date = date_filter(lambda d: i18n.short_date(d, lang))
        month_year = date_filter(lambda d: i18n.month_year(d, lang))
        time_of_day = date_filter(lambda d: i18n.time_of_day(d, lang))
        iso_text = i18n.iso

        @at_render_time
        def iso(_ctx, value):
            return iso_text(value)

        @at_render_time
        def percent(_ctx, v):
            return i18n.percent(v, lang)

        @at_render_time
        def number(_ctx, v, digits=0):
            return i18n.number(v, lang, digits)

        @at_render_time
        def status_label(_ctx, s):
            try:
                return labels[s]
            except KeyError:
                label = labels[s] = gettext(STATUS_LABELS[s])
                return label

        @at_render_time
        def message(_ctx, m):
            return m.render(gettext)

        @at_render_time
        def srcset(_ctx, picture):
            return images.srcset(picture, asset_file_url)

        return dict(url=url, abs_url=abs_url, url_in=url_in, abs_url_in=abs_url_in, asset=asset,
                    asset_file=asset_file, tr=tr, plain=plain, long_date=long_date, short_date=short_date,
                    month_year=month_year, time_of_day=time_of_day, iso=iso, percent=percent, number=number,
                    status_label=status_label, message=message, srcset=srcset)

    @staticmethod
    def _tojson(env):
        """Jinja's ``tojson``; the JSON of a global (the site's own JSON-LD: the same object on every page,
        never changed) is made once."""
        tojson = env.filters["tojson"]
        globals_json = {id(v): [v, None] for v in env.globals.values() if isinstance(v, (dict, list))}

        @jinja2.pass_eval_context
        def tojson_(eval_ctx, value, indent=None):
            entry = globals_json.get(id(value))
            if entry is None or entry[0] is not value or indent is not None:
                return tojson(eval_ctx, value, indent)
            if entry[1] is None:
                entry[1] = tojson(eval_ctx, value)
            return entry[1]

        return tojson_

    def breadcrumbs_jsonld(self, home: str, trail, page_route) -> Markup:
        """The BreadcrumbList JSON-LD of a page: the dashboard (``home``, its name), then each (label,
        target) of the trail, the page itself (``page_route``) where the target is none."""
        crumbs = [(home, self.router.absolute_url(("home", ()), self.lang))]
        for label, target in trail:
            crumbs.append((_striptags(label), self.router.absolute_url(_route(target or page_route, ()), self.lang)))
        return Markup(self._breadcrumb_lists(crumbs))

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

    def precompile(self, names) -> None:
        """Compile the templates ``names`` and those they extend, import or include, now, into the
        process's memory (see :mod:`smartsite.templatecache`): workers forked afterwards inherit them
        instead of each compiling its own. A template that does not compile is left for the page that
        uses it to report; one missed here is compiled by each worker that needs it."""
        todo, seen = list(names), set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            try:
                template = self.env.get_template(name)
            except jinja2.TemplateError:
                continue
            if template.filename:
                with open(template.filename, encoding="utf-8") as f:
                    todo.extend(_REFERENCED.findall(f.read()))

    def render(self, output: Output, **extra: Any) -> str:
        template = self.env.get_template(output.template)
        return template.render(output.context, page_route=output.route, searchable=output.searchable,
                               page_path=path_of(output.route, output.lang), **extra)
