"""What the site is made of: frozen, typed values with no I/O.

Validation turns raw YAML into these objects (or into diagnostics); every
stage after it can rely on them being complete and consistent, so nothing
downstream re-checks. Each object that has a page exposes its ``route``;
the URL itself is decided in :mod:`smartsite.urls`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

STATUSES = ("planned", "in-progress", "done", "stalled", "cancelled")
HORIZONS = ("short", "medium", "long")


def N_(msgid: str) -> str:
    """Mark a string for the catalogs; it is translated where it is shown."""
    return msgid


STATUS_LABELS = {
    "planned": N_("Planned"),
    "in-progress": N_("In progress"),
    "done": N_("Done"),
    "stalled": N_("Stalled"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True)
class LocalText:
    """Text in Bahasa Indonesia with an optional English translation."""

    id: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.id

    def has(self, lang: str) -> bool:
        return lang == "id" or bool(self.en)

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    title: LocalText
    base_url: str  # ends with "/"
    language: str
    timezone: str
    organisation: LocalText
    description: LocalText | None = None
    contact: Contact = field(default_factory=Contact)
    precompress: bool = False  # also write .gz and .br beside text files


@dataclass(frozen=True)
class Horizon:
    key: str  # short | medium | long
    name: LocalText
    years: str | None

    @property
    def route(self):
        return ("horizon", (self.key,))


@dataclass(frozen=True)
class Element:
    id: str
    name: LocalText


@dataclass(frozen=True)
class Dimension:
    id: str
    name: LocalText
    description: LocalText | None
    elements: tuple[Element, ...]

    @property
    def route(self):
        return ("dimension", (self.id,))

    def element(self, element_id: str | None) -> Element | None:
        return next((e for e in self.elements if e.id == element_id), None)


@dataclass(frozen=True)
class EvaluationSettings:
    """masterplan.yaml's ``evaluation:`` section."""

    next_date: dt.date | None = None
    past_dates: tuple[dt.date, ...] = ()
    cycle: int | None = None
    stale_months: int = 12


@dataclass(frozen=True)
class Masterplan:
    period_start: int
    period_end: int
    horizons: tuple[Horizon, ...]
    dimensions: tuple[Dimension, ...]
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)

    def horizon(self, key: str) -> Horizon:
        return next(h for h in self.horizons if h.key == key)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)


@dataclass(frozen=True)
class Milestone:
    date: dt.date
    title: LocalText
    done: bool


@dataclass(frozen=True)
class Evidence:
    title: LocalText
    date: dt.date | None
    file: str | None  # path under assets/
    url: str | None
    area: str | None = None
    year: int | None = None

    @property
    def asset_route(self):
        return ("asset", (self.file,)) if self.file else None


@dataclass(frozen=True)
class HistoryEntry:
    date: dt.date
    progress: int
    status: str
    note: LocalText | None


@dataclass(frozen=True)
class Innovation:
    id: str
    source: str  # content path, for diagnostics and links between files
    name: LocalText
    dimension: str
    horizon: str
    owner: str
    status: str
    progress: int
    start_year: int | None = None
    target_year: int | None = None
    element: str | None = None
    quick_win: bool = False
    summary: LocalText | None = None  # Markdown
    tags: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    history: tuple[HistoryEntry, ...] = ()

    @property
    def route(self):
        return ("innovation", (self.id,))


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str

    @property
    def route(self):
        return ("tag", (self.slug,))


@dataclass(frozen=True)
class Translation:
    """The English text of a news item or page, from ``<name>.en.md`` beside it."""

    source: str
    body: str  # Markdown
    body_line: int


@dataclass(frozen=True)
class NewsItem:
    source: str
    slug: str
    title: LocalText
    date: dt.datetime  # aware, in the site time zone
    body: str  # Markdown, Indonesian
    body_line: int
    place: str | None = None
    reporter: str | None = None
    editor: str | None = None
    uploader: str | None = None
    source_name: str | None = None
    via: str | None = None  # the syndication service that carried the item
    source_url: str | None = None
    summary: LocalText | None = None
    image: str | None = None
    image_alt: LocalText | None = None
    tags: tuple[Tag, ...] = ()
    innovations: tuple[str, ...] = ()
    draft: bool = False
    has_time: bool = False  # whether the editor gave a time of day
    en: Translation | None = None
    scheduled: bool = False  # dated after the build: shown only in previews (--drafts, serve)

    def has(self, lang: str) -> bool:
        """Whether the item has its own text in ``lang``."""
        return lang == "id" or (lang == "en" and self.en is not None)

    @property
    def route(self):
        known = self.__dict__.get("_route")  # asked for tens of thousands of times per build
        if known is None:
            known = self.__dict__["_route"] = ("news", (self.date.year, self.slug))
        return known


@dataclass(frozen=True)
class Page:
    source: str
    slug: str
    title: LocalText
    body: str
    body_line: int
    menu: int | None = None
    en: Translation | None = None

    def has(self, lang: str) -> bool:
        return lang == "id" or (lang == "en" and self.en is not None)

    @property
    def route(self):
        return ("page", (self.slug,))


@dataclass(frozen=True)
class Site:
    """Everything the build knows about one site, validated."""

    config: SiteConfig
    masterplan: Masterplan
    innovations: tuple[Innovation, ...]  # sorted by id
    news: tuple[NewsItem, ...]  # newest first
    pages: tuple[Page, ...]  # by menu order, then slug
    unpublished: tuple[str, ...] = ()  # valid news sources not published (drafts, future items)
    next_publication: dt.datetime | None = None  # the first news date still in the future: the site changes then
