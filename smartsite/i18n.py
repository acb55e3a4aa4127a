"""Interface languages: gettext catalogs and Babel formatting.

The interface strings of templates and the editors' diagnostics are English
msgids translated through the catalogs in ``smartsite/locale`` (managed with
Babel: ``pybabel extract/update``, see the README). Catalogs are read from
their ``.po`` files and compiled in memory, so there is no compiled file to
forget to update. Dates and numbers are formatted by Babel in the site's
time zone, the way each language writes them.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import DateTimeFormat, format_date, format_datetime, format_time, parse_pattern
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str):
    return translations(lang).gettext


@lru_cache(maxsize=None)
def locale(lang: str) -> Locale:
    return Locale.parse(lang)


# Babel takes tens of microseconds per date and the same dates and figures recur on many pages: each
# distinct (value, language) is formatted once. ``typed``: 1, 1.0 and True are told apart. And a new date
# is composed of fields Babel has already written: the weekday and month names, the day and the year.

# The fields of these patterns whose text depends on one part of the value only.
_FIELD_PARTS = {
    "EEEE": lambda v: v.weekday(),
    "MMMM": lambda v: v.month,
    "MMM": lambda v: v.month,
    "d": lambda v: v.day,
    "y": lambda v: v.year,
    "HH": lambda v: v.hour,
    "mm": lambda v: v.minute,
}
_FIELDS: dict = {}  # (field, part, lang) -> the field's text, written by Babel


class _Fields:
    """The fields of one value for a Babel pattern (``%(EEEE)s, %(d)s %(MMMM)s %(y)s``), each asked of
    Babel's DateTimeFormat once per field, part of the value and language."""

    __slots__ = ("value", "lang")

    def __init__(self, value, lang: str):
        self.value = value
        self.lang = lang

    def __getitem__(self, name: str) -> str:
        key = (name, _FIELD_PARTS[name](self.value), self.lang)
        try:
            return _FIELDS[key]
        except KeyError:
            text = _FIELDS[key] = DateTimeFormat(self.value, locale(self.lang))[name]
            return text


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> str | None:
    """Babel's %-format of a pattern, if every field of it is one of _FIELD_PARTS."""
    fmt = parse_pattern(pattern).format
    return fmt if set(re.findall(r"%\((\w+)\)s", fmt)) <= _FIELD_PARTS.keys() else None


@lru_cache(maxsize=16384, typed=True)
def _format_day(day: dt.date, pattern: str, lang: str) -> str:
    """format_date(day, pattern, locale)."""
    fmt = _pattern(pattern)
    if fmt is None or type(day) is not dt.date:
        return format_date(day, pattern, locale=locale(lang))
    return fmt % _Fields(day, lang)


def long_date(value: dt.date | dt.datetime, lang: str) -> str:
    """'Kamis, 25 Mei 2023' / 'Thursday, 25 May 2023'."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return _format_day(day, "EEEE, d MMMM y", lang)


def short_date(value: dt.date | dt.datetime, lang: str) -> str:
    """'25 Mei 2023' / '25 May 2023'."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return _format_day(day, "d MMMM y", lang)


def month_year(value: dt.date | dt.datetime, lang: str) -> str:
    day = value.date() if isinstance(value, dt.datetime) else value
    return _format_day(day, "MMM y", lang)


@lru_cache(maxsize=16384)
def _clock(moment: str, zone: str | None, value: dt.datetime, lang: str) -> str:
    fmt = _pattern("HH:mm")
    if fmt is None or type(value) is not dt.datetime or value.tzinfo is None:
        clock = format_time(value, "HH:mm", locale=locale(lang))
    else:  # format_time(value, "HH:mm"): the value's own wall clock
        clock = fmt % _Fields(value, lang)
    return f"{clock} {zone or ''}".strip()


def time_of_day(value: dt.datetime, lang: str) -> str:
    """'09.00 WITA' / '09:00 WITA': local clock time with the zone's abbreviation."""
    # keyed by the local time and offset as written, and the zone's name: never by the instant alone
    return _clock(value.isoformat(), value.tzname(), value, lang)


_ISO: dict = {}  # id(value) -> (value, its ISO text): dates are immutable and the same ones recur


def iso(value: dt.date | dt.datetime) -> str:
    entry = _ISO.get(id(value))
    if entry is not None and entry[0] is value:
        return entry[1]
    text = value.isoformat()
    if type(value) in (dt.date, dt.datetime):
        if len(_ISO) >= 100_000:  # a long preview session: start again
            _ISO.clear()
        _ISO[id(value)] = (value, text)
    return text


@lru_cache(maxsize=16384, typed=True)
def number(value: float | int | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    return format_decimal(value, pattern, locale=locale(lang))


def percent(value: float | int | None, lang: str) -> str:
    """'62,5%' / '62.5%' (the value is already in percent)."""
    if value is None:
        return "–"
    return number(value, lang) + "%"


def stamp(value: dt.datetime, lang: str) -> str:
    return format_datetime(value, "d MMMM y HH:mm", locale=locale(lang))
