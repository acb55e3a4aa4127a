"""Link previews: the share image of every page and the site's structured data.

WhatsApp, Facebook and search engines show a page through its Open Graph
tags and JSON-LD. Each innovation gets its own share image (name, dimension,
status and progress, drawn with Pillow by :mod:`smartsite.images`), a news
item with a picture uses that picture, and every other page uses the site's
default image. Images are cached by their inputs, so a rebuild draws only
what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import i18n
from .images import share_image
from .model import STATUS_LABELS, Site
from .urls import Router

SHARE_DIR = "bagikan"
SHARE_VERSION = "4"
SHARE_SIZE = (1200, 630)
IMAGES_PER_WORKER = 4  # a card takes 10-20 ms to draw: a few repay a worker process


@dataclass(frozen=True)
class ShareImage:
    path: str  # output path relative to the site root
    alt: str
    width: int = SHARE_SIZE[0]
    height: int = SHARE_SIZE[1]


def _extension(data: bytes) -> str:
    return "png" if data.startswith(b"\x89PNG") else "jpg"


def _name(stem: str, picture: "bytes | CachedPicture") -> str:
    """bagikan/<stem>.<hash>.png: a new address whenever the picture changes (previews are cached by URL)."""
    if isinstance(picture, CachedPicture):
        return f"{SHARE_DIR}/{stem}.{picture.digest[:8]}.{picture.extension}"
    return f"{SHARE_DIR}/{stem}.{hashlib.sha256(picture).hexdigest()[:8]}.{_extension(picture)}"


def _cache_key(key_parts: tuple) -> str:
    return hashlib.sha256(json.dumps([SHARE_VERSION, *key_parts], ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class CachedPicture:
    """A share image in the cache folder, read when it is written into the site.

    A preview asks for every card on every save and writes the few that
    changed: holding the bytes of every picture (10 MiB at 10,000 news items
    and 500 innovations) would be memory kept for nothing. The picture's
    SHA-256 names it and tells the preview whether its file changed.
    """

    path: Path  # the cache file: the picture, then its SHA-256
    digest: str  # hex SHA-256 of the picture
    extension: str
    card: tuple  # share_image()'s arguments: drawn again if the file has gone or changed since

    def read(self) -> bytes:
        data = _verified(self.path)
        if data is None or hashlib.sha256(data).hexdigest() != self.digest:
            data = share_image(*self.card)  # the same inputs draw the same picture
        return data


def picture_bytes(picture: "bytes | CachedPicture") -> bytes:
    return picture.read() if isinstance(picture, CachedPicture) else picture


_DRAWN: dict[str, CachedPicture] = {}  # cache file -> its picture, for a preview that asks again on every save
_DRAWN_MAX = 4096


def _verified(path: Path) -> bytes | None:
    """The picture stored in ``path`` when its checksum matches; None when absent or damaged."""
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    data, check = stored[:-32], stored[-32:]
    return data if len(stored) > 32 and hashlib.sha256(data).digest() == check else None


def _cached(cache_dir: Path | None, key: str, card: tuple) -> CachedPicture | None:
    if cache_dir is None:
        return None
    path = cache_dir / "share" / key  # the key is a digest of all the picture shows
    known = _DRAWN.get(str(path))
    if known is not None:
        return known
    data = _verified(path)
    if data is None:
        return None  # absent, or a damaged file (its checksum does not match): drawn again
    return _remember(path, data, card)


def _remember(path: Path, data: bytes, card: tuple) -> CachedPicture:
    if len(_DRAWN) >= _DRAWN_MAX:
        _DRAWN.clear()
    picture = _DRAWN[str(path)] = CachedPicture(path, hashlib.sha256(data).hexdigest(), _extension(data), card)
    return picture


def _store(cache_dir: Path | None, key: str, data: bytes, card: tuple) -> "bytes | CachedPicture":
    if cache_dir is None:
        return data
    cached = cache_dir / "share" / key
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_bytes(data + hashlib.sha256(data).digest())  # the picture, then its checksum
    os.replace(tmp, cached)
    return _remember(cached, data, card)


def _draw_range(cards: list, start: int, stop: int) -> list[bytes]:
    return [share_image(*args) for args in cards[start:stop]]


def _draw_all(cache_dir: Path | None, cards: list[tuple], jobs: int | None) -> list:
    """Each card's image (bytes, or a :class:`CachedPicture` when there is a cache): from the cache when
    its inputs were drawn before, else drawn (on every core)."""
    from .parallel import run_chunks

    keys = [_cache_key(card) for card in cards]
    found: list = [_cached(cache_dir, key, card) for key, card in zip(keys, cards)]
    missing = [i for i, data in enumerate(found) if data is None]
    drawn = run_chunks(_draw_range, len(missing), [cards[i] for i in missing], jobs, per_worker=IMAGES_PER_WORKER)
    for i, data in zip(missing, drawn):
        found[i] = _store(cache_dir, keys[i], data, cards[i])
    return found


def share_images(site: Site, cache_dir: Path | None, innovations: bool = True,
                 jobs: int | None = None) -> tuple[dict, dict, ShareImage]:
    """(route -> ShareImage, output path -> bytes or :class:`CachedPicture`, the default ShareImage).

    ``innovations=False`` draws only the site's card, which every page then uses.
    """
    gettext = i18n.gettext_for("id")
    files: dict = {}
    by_route: dict = {}
    title = site.config.title.id
    # A card is share_image()'s arguments: what the picture shows is all its cache key needs.
    cards = [(title, (site.config.organisation.id,), "", None, title)]
    shown = list(site.innovations) if innovations else []
    for inn in shown:
        dimension = site.masterplan.dimension(inn.dimension).name.id
        cards.append((inn.name.id, (dimension, inn.owner), gettext(STATUS_LABELS[inn.status]), inn.progress, title))
    pictures = _draw_all(cache_dir, cards, jobs)
    default = ShareImage(_name("portal", pictures[0]), title)
    files[default.path] = pictures[0]
    for inn, card, data in zip(shown, cards[1:], pictures[1:]):
        image = ShareImage(_name(inn.id, data), f"{inn.name.id}: {card[2]}, {inn.progress}%")
        files[image.path] = data
        by_route[inn.route] = image
    return by_route, files, default


def organisation(site: Site, router: Router) -> dict:
    """schema.org GovernmentOrganization for the office that publishes the portal."""
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": site.config.organisation.id,
        "url": router.absolute_url(("home", ())),
    }
    contact = site.config.contact
    if contact.email:
        data["email"] = contact.email
    if contact.phone:
        data["telephone"] = contact.phone
    if contact.address:
        data["address"] = contact.address
    return data


def news_article(item, router: Router, lang: str, site: Site, image_url: str) -> dict:
    """schema.org NewsArticle for one news item."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title.get(lang),
        "datePublished": i18n.iso(item.date),
        "inLanguage": lang if item.has(lang) else "id",
        "mainEntityOfPage": router.absolute_url(item.route, lang),
        "image": [image_url],
        "publisher": {"@type": "GovernmentOrganization", "name": site.config.organisation.id},
    }
    if item.reporter:
        data["author"] = {"@type": "Person", "name": item.reporter}
    if item.place:
        data["contentLocation"] = {"@type": "Place", "name": item.place}
    return data


def html_safe_json(text: str) -> str:
    """JSON text that may stand inside ``<script>``: ``<``, ``>``, ``&`` and ``'`` as ``\\u`` escapes,
    as Jinja's ``tojson`` writes them."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


_BREADCRUMB_LIST = '{"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": ['


class BreadcrumbLists:
    """schema.org BreadcrumbList of a page, as the JSON ``tojson`` makes of it (keys sorted).

    Most pages share their first crumbs (the dashboard, the section), so
    each (position, name, URL) is encoded once.
    """

    def __init__(self) -> None:
        self._items: dict = {}  # (position, name, url) -> its ListItem as html-safe JSON

    def __call__(self, crumbs: Iterable[tuple[str, str]]) -> str:
        """The html-safe JSON of the list of (name, absolute URL), the dashboard first."""
        parts = []
        for position, (name, url) in enumerate(crumbs, 1):
            key = (position, name, url)
            try:
                parts.append(self._items[key])
            except KeyError:
                item = {"@type": "ListItem", "position": position, "name": name, "item": url}
                text = self._items[key] = html_safe_json(json.dumps(item, sort_keys=True))
                parts.append(text)
        return _BREADCRUMB_LIST + ", ".join(parts) + "]}"
