"""Where each page lives: the only place a URL or an output path is decided.

A page is named by a *route*: a kind and its arguments, for example
``("innovation", ("sipades",))``. :func:`path_of` turns a route into a site
path such as ``/inovasi/sipades/`` (Indonesian at the root, English under
``/en/`` with English words), :class:`Router` adds the base path of the
site's ``base_url`` and decides the output file. Templates never join paths
themselves: they ask for ``route|url``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

LANGUAGES = ("id", "en")

# The words of the URLs, per language.
_WORDS = {
    "id": {
        "innovations": "inovasi", "dimension": "dimensi", "horizon": "jangka", "news": "berita",
        "page": "halaman", "tag": "topik", "data": "data", "search": "cari", "evaluation": "evaluasi", "dossier": "dosir",
        "short": "pendek", "medium": "menengah", "long": "panjang", "status": "status", "office": "opd",
    },
    "en": {
        "innovations": "innovations", "dimension": "dimensions", "horizon": "term", "news": "news",
        "page": "page", "tag": "topics", "data": "data", "search": "search", "evaluation": "evaluation", "dossier": "dossier",
        "short": "short", "medium": "medium", "long": "long", "status": "status", "office": "office",
    },
}

Route = tuple  # (kind: str, args: tuple)


@lru_cache(maxsize=1 << 14)  # the same tags and names come back on thousands of items
def slugify(text: str) -> str:
    """A URL-safe slug of ``[a-z0-9-]`` from any text (accents dropped)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_PATHS: dict = {}  # (route, lang) -> site path: routes are values, so each is worked out once


def path_of(route: Route, lang: str = "id") -> str:
    """The site path of a route, from the site root, without the base path."""
    key = (route, lang)
    try:
        return _PATHS[key]
    except KeyError:
        path = _path_of(route, lang)
        if len(_PATHS) < 200_000:  # bounded: a long preview session builds many sites
            _PATHS[key] = path
        return path
    except TypeError:  # a route that cannot be a key
        return _path_of(route, lang)


def _path_of(route: Route, lang: str) -> str:
    kind, args = route
    w = _WORDS[lang]
    prefix = "/" if lang == "id" else f"/{lang}/"
    if kind == "home":
        return prefix
    if kind == "innovations":
        return f"{prefix}{w['innovations']}/"
    if kind == "innovation":
        return f"{prefix}{w['innovations']}/{_safe(args[0])}/"
    if kind == "status":
        return f"{prefix}{w['innovations']}/{w['status']}/{_safe(args[0])}/"
    if kind == "office":
        return f"{prefix}{w['innovations']}/{w['office']}/{_safe(args[0])}/"
    if kind == "evaluation":
        return f"{prefix}{w['evaluation']}/"
    if kind == "dossier":
        return f"{prefix}{w['evaluation']}/{w['dossier']}/"
    if kind == "search":
        return f"{prefix}{w['search']}/"
    if kind == "dimension":
        return f"{prefix}{w['dimension']}/{_safe(args[0])}/"
    if kind == "horizon":
        return f"{prefix}{w['horizon']}/{w[args[0]]}/"
    if kind == "news_list":
        page = args[0] if args else 1
        return f"{prefix}{w['news']}/" if page == 1 else f"{prefix}{w['news']}/{w['page']}/{int(page)}/"
    if kind == "news":
        year, slug = args
        return f"{prefix}{w['news']}/{int(year):04d}/{_safe(slug)}/"
    if kind == "tags":
        return f"{prefix}{w['tag']}/"
    if kind == "tag":
        page = args[1] if len(args) > 1 else 1
        first = f"{prefix}{w['tag']}/{_safe(args[0])}/"
        return first if page == 1 else f"{first}{w['page']}/{int(page)}/"
    if kind == "page":
        return f"{prefix}{_safe(args[0])}/"
    if kind == "data":
        return f"{prefix}{w['data']}/"
    if kind == "feed":
        return f"{prefix}{w['news']}/atom.xml"
    if kind == "sitemap":
        return "/sitemap.xml"
    if kind == "robots":
        return "/robots.txt"
    if kind == "not_found":
        return "/404.html"
    if kind == "data_file":
        return f"/data/{_safe_file(args[0])}"
    if kind == "search_bundle":  # the folder itself, or a file in it
        return "/pagefind/" + (_safe_file(args[0]) if args[0] else "")
    if kind == "asset":
        return "/" + _safe_file(args[0])
    raise ValueError(f"unknown route kind {kind!r}")


def _safe(segment: str) -> str:
    if not SLUG_RE.match(str(segment)):
        raise ValueError(f"not a slug: {segment!r}")
    return str(segment)


def _safe_file(path: str) -> str:
    norm = posixpath.normpath(path)
    if norm.startswith(("/", "..")) or "\\" in norm or norm == ".":
        raise ValueError(f"unsafe path: {path!r}")
    return norm


FINGERPRINTED = (".css", ".js")  # theme files; news and share images get their hash when they are made


def fingerprinted(path: str, digest: str) -> str:
    """``css/style.css`` -> ``css/style.3f9a1c2e.css``: a new name whenever the content changes,
    so browsers and CDNs may keep the file forever."""
    stem, dot, ext = path.rpartition(".")
    return f"{stem}.{digest[:8]}.{ext}" if dot else f"{path}.{digest[:8]}"


@lru_cache(maxsize=1 << 17)  # asked for by every stage, for every page, on every preview
def output_file(site_path: str) -> str:
    """The file, relative to the output directory, that serves ``site_path``."""
    rel = site_path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return _safe_file(rel)


@dataclass(frozen=True)
class Router:
    """Knows the base URL; turns site paths into links and absolute URLs.

    A route's link is worked out once: the same routes (the menu, the
    header, the same innovations and topics) are asked for on every page.
    """

    base_url: str  # always ends with "/"

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    @cached_property
    def _href_prefix(self) -> str:
        return self.base_path.rstrip("/")

    @cached_property
    def _absolute_prefix(self) -> str:
        return self.base_url.rstrip("/")

    @cached_property
    def _links(self) -> dict:
        return {}  # (route, lang) -> link

    @cached_property
    def _absolute_links(self) -> dict:
        return {}  # (route, lang) -> absolute URL

    def href(self, site_path: str) -> str:
        """The link to use inside the site: the base path plus the site path."""
        return self._href_prefix + site_path

    def absolute(self, site_path: str) -> str:
        return self._absolute_prefix + site_path

    def url(self, route: Route, lang: str = "id") -> str:
        return _remembered(self._links, route, lang, lambda: self.href(path_of(route, lang)))

    def absolute_url(self, route: Route, lang: str = "id") -> str:
        return _remembered(self._absolute_links, route, lang, lambda: self.absolute(path_of(route, lang)))


def _remembered(memo: dict, route: Route, lang: str, make) -> str:
    """``memo[(route, lang)]``, made once; a route that cannot be a key is made every time."""
    key = (route, lang)
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = make()
        return value
    except TypeError:
        return make()
