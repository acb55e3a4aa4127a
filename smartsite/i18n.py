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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported by the functions that use it, not with this module: the command line imports this
# module before a build forks its first workers, and Babel took 30 ms of that start.

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str):
    return translations(lang).gettext


def lazy_gettext_for(lang: str):
    """:func:`gettext_for`, reading the catalog (27 ms for Bahasa Indonesia) at the first message
    instead of now: the command line knows its language before a build starts, and speaks at the end."""
    def gettext(message: str) -> str:
        return gettext_for(lang)(message)

    return gettext


@lru_cache(maxsize=None)
def locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(lang)


def load_locale_data(lang: str) -> None:
    """Read Babel's data for ``lang`` now rather than at the first date or number formatted (15-30 ms): a
    build does it before it forks the workers that render pages, which then share it instead of each
    reading it."""
    locale(lang).number_symbols  # the property loads the locale's data (and its parents')


# Babel takes tens of microseconds per date, and the same dates and figures recur on many pages: each
# distinct (value, language) is formatted by Babel once. ``typed``: 1, 1.0 and True are told apart.

@lru_cache(maxsize=16384, typed=True)
def _format_day(day: dt.date, pattern: str, lang: str) -> str:
    from babel.dates import format_date

    return format_date(day, pattern, locale=locale(lang))


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
    from babel.dates import format_time

    return f"{format_time(value, 'HH:mm', locale=locale(lang))} {zone or ''}".strip()


def time_of_day(value: dt.datetime, lang: str) -> str:
    """'09.00 WITA' / '09:00 WITA': local clock time with the zone's abbreviation."""
    # keyed by the local time and offset as written, and the zone's name: never by the instant alone
    return _clock(value.isoformat(), value.tzname(), value, lang)


def iso(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


@lru_cache(maxsize=16384, typed=True)
def number(value: float | int | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    from babel.numbers import format_decimal

    return format_decimal(value, pattern, locale=locale(lang))


def percent(value: float | int | None, lang: str) -> str:
    """'62,5%' / '62.5%' (the value is already in percent)."""
    if value is None:
        return "–"
    return number(value, lang) + "%"


def stamp(value: dt.datetime, lang: str) -> str:
    from babel.dates import format_datetime

    return format_datetime(value, "d MMMM y HH:mm", locale=locale(lang))
