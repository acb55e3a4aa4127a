"""Images made by the build: link-preview cards and responsive variants.

Two independent tools, both pure functions of their inputs:

* :func:`share_image` draws the 1200×630 Open Graph / Twitter card of a page
  (title, a few context lines, a status badge and a progress bar). It uses
  only the font that ships inside Pillow (``ImageFont.load_default(size=…)``)
  so the same arguments give byte-identical files on every machine, and the
  result is always under :data:`SHARE_MAX_BYTES` (WhatsApp drops larger
  previews).
* :func:`process_image` turns an editor's photo into WebP variants at
  :data:`WIDTHS` plus one JPEG/PNG fallback, upright (EXIF orientation
  applied), in sRGB and without metadata (no camera EXIF, GPS position or
  comments are published). Output names carry a hash of the source bytes.
  The work is cached in a folder, keyed by that hash, so a rebuild does no
  image work at all; a damaged cache entry is detected and rebuilt.

A file Pillow cannot read raises :class:`ImageError`, whose ``reason`` is a
:class:`~smartsite.diagnostics.Message`, so the build can report it to the
editor like any other content problem::

    except ImageError as exc:
        report.error(f"assets/{exc.asset_path}", 0, 0, exc.reason)

This module writes only into the cache folder; copying the returned files
into the site is the write stage's job (``Staging.copy``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Callable, Sequence

from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from .diagnostics import Message, msg

# ---------------------------------------------------------------------------
# Share images
# ---------------------------------------------------------------------------

SHARE_SIZE = (1200, 630)
SHARE_MAX_BYTES = 300 * 1024  # WhatsApp ignores og:image files larger than this
_JPEG_QUALITIES = (85, 75, 65, 50, 35, 20, 10)

_PAD_X = 72
_PAD_TOP = 60
_PAD_BOTTOM = 60
_SITE_SIZE = 34  # site title, top
_TITLE_SIZES = (72, 64, 56)  # the largest that fits in 3 lines wins
_TITLE_LINES = 3
_LINES_SIZE = 36  # dimension, office, ...
_LINES_MAX = 2
_BADGE_SIZE = 36
_PERCENT_SIZE = 44
_HIGHLIGHT = "#f4d35e"  # progress fill and top stripe, when it contrasts with the accent
_DARK = "#111827"
_WHITE = "#ffffff"
_ELLIPSIS = "\u2026"
_INK = 254  # a card's text colour, in the channel it is drawn in (see share_image)
_MARK = 255  # its highlight
_SEPARATOR = "  \u00b7  "


def share_image(title: str, lines: Sequence[str], status_label: str, progress: int | None,
                site_title: str, accent: str = "#0d3b66") -> bytes:
    """A 1200×630 link-preview image (PNG, or JPEG when the PNG would be too large).

    The site title small at the top, ``title`` large (at most 3 lines, then an
    ellipsis), ``lines`` joined by a middle dot below it, then a status badge
    and, when ``progress`` is not None, a progress bar with the percentage.
    Text colours are chosen for contrast against ``accent`` (any CSS colour
    Pillow understands). Same arguments, same bytes.
    """
    width, height = SHARE_SIZE
    bg = _rgb(accent)
    fg_rgb = _rgb(_WHITE) if _contrast(_rgb(_WHITE), bg) >= _contrast(_rgb(_DARK), bg) else _rgb(_DARK)
    # The card is drawn in one channel: 0 is the background, _INK the text colour, every value between
    # them the blend of the two (the antialiased edges of the text, the softer text, the empty bar), and
    # _MARK the highlight. The channel then becomes the card through a palette, exactly: no search for
    # the colours a drawing in RGB ended up with, and one byte to paint a pixel instead of four.
    fg = _INK
    soft = _shade(0.82)
    if _contrast(_blend(fg_rgb, bg, 0.82), bg) < 7:
        soft = fg
    has_highlight = _contrast(_rgb(_HIGHLIGHT), bg) >= 3
    highlight = _MARK if has_highlight else fg

    img = Image.new("L", SHARE_SIZE, 0)
    draw = ImageDraw.Draw(img)
    right = width - _PAD_X
    text_width = right - _PAD_X

    # A thin stripe in the highlight colour marks the card as the portal's.
    draw.rectangle((0, 0, width, 10), fill=highlight)

    site_font = _font(_SITE_SIZE)
    site_line = wrap_text(draw, clean_text(site_title, site_font), site_font, text_width, 1)
    # The title: the largest size at which it fits in three lines.
    for size in _TITLE_SIZES:
        title_font = _font(size)
        text = clean_text(title, title_font)
        wrapped = wrap_text(draw, text, title_font, text_width, 1000)
        if len(wrapped) <= _TITLE_LINES:
            break
    else:  # not even the smallest size fits: its first lines, the last one ending in an ellipsis
        wrapped = wrap_text(draw, text, title_font, text_width, _TITLE_LINES)
    lines_font = _font(_LINES_SIZE)
    context = _SEPARATOR.join(t for t in (clean_text(s, lines_font) for s in lines) if t)
    context_lines = wrap_text(draw, context, lines_font, text_width, _LINES_MAX)

    site_h = _line_height(_SITE_SIZE) + 22
    block_h = site_h + len(wrapped) * _line_height(size) + 18 + len(context_lines) * _line_height(_LINES_SIZE)
    has_bottom_row = bool(status_label.strip()) or progress is not None
    y = _PAD_TOP if has_bottom_row else max(_PAD_TOP, (height - block_h) // 2)

    if site_line:
        draw.text((_PAD_X, y), site_line[0], font=site_font, fill=soft, anchor="la")
    y += site_h
    stroke = max(1, size // 48)  # the bundled font has no bold; a stroke in the same colour thickens it
    for line in wrapped:
        draw.text((_PAD_X, y), line, font=title_font, fill=fg, anchor="la",
                  stroke_width=stroke, stroke_fill=fg)
        y += _line_height(size)
    y += 18
    for line in context_lines:
        draw.text((_PAD_X, y), line, font=lines_font, fill=soft, anchor="la")
        y += _line_height(_LINES_SIZE)

    # Bottom row: the status badge, then the progress bar and its percentage.
    badge_h = 68
    row_top = height - _PAD_BOTTOM - badge_h
    mid = row_top + badge_h // 2
    x = _PAD_X
    font = _font(_BADGE_SIZE)
    label = wrap_text(draw, clean_text(status_label, font), font, 460, 1)
    if label:
        label_w = draw.textlength(label[0], font=font)
        badge_w = int(label_w) + 2 * 28
        draw.rounded_rectangle((x, row_top, x + badge_w, row_top + badge_h), radius=badge_h // 2, fill=fg)
        draw.text((x + badge_w / 2, mid), label[0], font=font, fill=0, anchor="mm", stroke_width=1, stroke_fill=0)
        x += badge_w + 36
    if progress is not None:
        value = max(0, min(100, int(progress)))
        font = _font(_PERCENT_SIZE)
        percent = f"{value}%"
        percent_box = draw.textlength("100%", font=font)
        bar_h = 36
        bar_right = right - int(percent_box) - 24
        if bar_right - x >= 120:
            top, bottom = mid - bar_h // 2, mid + bar_h // 2
            draw.rounded_rectangle((x, top, bar_right, bottom), radius=bar_h // 2, fill=_shade(0.28))
            filled = x + round((bar_right - x) * value / 100)
            if value > 0:
                draw.rounded_rectangle((x, top, max(filled, x + bar_h), bottom), radius=bar_h // 2,
                                       fill=highlight)
        draw.text((right, mid), percent, font=font, fill=fg, anchor="rm", stroke_width=1, stroke_fill=fg)
    img.putpalette(_card_palette(fg_rgb, bg, _rgb(_HIGHLIGHT) if has_highlight else fg_rgb))  # now mode "P"
    return encode_preview(img)


def encode_preview(img: Image.Image, limit: int = SHARE_MAX_BYTES) -> bytes:
    """PNG bytes (of the palette image as it is, or of the RGB picture), or JPEG at falling quality
    until the file is under ``limit``.

    Deterministic: no metadata chunks, no timestamps, fixed encoder settings.
    """
    if img.mode == "P":
        png = img.copy() if img.info else img
        png.info = {}
        # On a palette image, level 3 takes 40% of level 6's time for a file a fifth larger
        # (measured on a card: 3.1 ms and 30 KB against 7.4 ms and 25 KB).
        level = 3
    else:
        if img.mode != "RGB" or img.info:
            img = img.convert("RGB")
            img.info = {}
        png = img
        level = 6  # zlib's default, without Pillow's filter search (optimize=True: 4x the time, 5% smaller)
    buf = io.BytesIO()
    png.save(buf, "PNG", compress_level=level)
    data = buf.getvalue()
    for quality in _JPEG_QUALITIES:
        if len(data) < limit:
            break
        if img.mode != "RGB":
            img = img.convert("RGB")
        buf = io.BytesIO()
        # Baseline, no Huffman optimisation: libjpeg would need the whole file in one buffer.
        img.save(buf, "JPEG", quality=quality, optimize=False, progressive=False,
                 subsampling="4:4:4" if quality >= 75 else "4:2:0")
        data = buf.getvalue()
    if len(data) >= limit:  # not an `assert`: it must hold under python -O too
        raise AssertionError(f"share image is {len(data)} bytes, over the {limit}-byte limit")
    return data


def wrap_text(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
              max_width: float, max_lines: int) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines no wider than ``max_width`` pixels.

    Widths are measured with ``draw.textlength``. Words wider than a line are
    broken between characters. When the text does not fit, the last line
    ends with an ellipsis ("…").
    """
    words = text.split()
    if not words or max_lines < 1:
        return []

    def fits(s: str) -> bool:
        return draw.textlength(s, font=font) <= max_width

    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while not fits(word):  # a single word wider than the line
            cut = _longest_prefix(word, fits)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    ellipsis = _ELLIPSIS if _has_glyph(font, _ELLIPSIS) else "..."
    kept[-1] = _with_ellipsis(kept[-1], fits, ellipsis)
    return kept


def _longest_prefix(word: str, fits: Callable[[str], bool]) -> int:
    lo, hi = 1, len(word)  # at least one character per line, so the loop always ends
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(word[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _with_ellipsis(line: str, fits: Callable[[str], bool], ellipsis: str) -> str:
    """``line`` shortened (at a word if possible) so that ``line + "…"`` fits."""
    if fits(line + ellipsis):
        return line + ellipsis
    words = line.split(" ")
    while len(words) > 1:
        words.pop()
        shorter = " ".join(words).rstrip(" ,;:-\u00b7")
        if shorter and fits(shorter + ellipsis):
            return shorter + ellipsis
    word = words[0]
    while word and not fits(word + ellipsis):
        word = word[:-1]
    return word + ellipsis


# Characters the bundled font lacks, and what to draw instead (each replacement
# is itself checked, so a font that has "–" keeps it).
_REPLACEMENTS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u201e": "\u201c", "\u201a": "\u2018", "\u201f": "\u201c", "\u201b": "\u2018",
    "\u2032": "'", "\u2033": '"', "\u00b4": "'", "\u2022": "\u00b7", "\u00d7": "x",
    "\u00df": "ss", "\u00c6": "AE", "\u00e6": "ae", "\u0152": "OE", "\u0153": "oe",
    "\u00d8": "O", "\u00f8": "o", "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d",
    "\u0131": "i", "\u20ac": "EUR", "\u00a3": "GBP", "\u00ba": "o", "\u00aa": "a",
    "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2026": "...",
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
}


def clean_text(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    """``text`` on one line, with every character ``font`` cannot draw replaced.

    Whitespace runs (newlines, no-break spaces) become one space; dashes the
    font lacks become "-", accented letters lose their accent when only the
    base letter exists ("é" → "e"), other symbols are dropped and other
    letters become "?".
    """
    text = unicodedata.normalize("NFC", " ".join(str(text).split()))
    out = []
    for ch in text:
        out.append(_draw_as(ch, font))
    return " ".join("".join(out).split())


def _draw_as(ch: str, font) -> str:
    if _has_glyph(font, ch):
        return ch
    if ch in _REPLACEMENTS:
        return "".join(_draw_as(c, font) for c in _REPLACEMENTS[ch] if c != ch)
    category = unicodedata.category(ch)
    if category.startswith("Z"):
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and base != ch and all(_has_glyph(font, c) for c in base):
        return base
    if category[0] in "LN":
        return "?"
    return ""  # emoji, marks, control and format characters


@lru_cache(maxsize=8192)
def _has_glyph(font, ch: str) -> bool:
    """Whether ``font`` draws ``ch`` as something other than its "missing glyph" box."""
    if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
        return False
    if not isinstance(font, ImageFont.FreeTypeFont):
        return ord(ch) < 0x7F  # Pillow's bitmap fallback font is ASCII only
    missing = font.getmask("\U0010fffd")
    mask = font.getmask(ch)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


@lru_cache(maxsize=None)
def _font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled font (Aileron Regular) at ``size`` px, laid out without Raqm.

    Raqm may or may not be installed; the basic layout is the same everywhere,
    which keeps the images reproducible across machines.
    """
    font = ImageFont.load_default(size=size)
    if isinstance(font, ImageFont.FreeTypeFont):
        font = font.font_variant(layout_engine=ImageFont.Layout.BASIC)
    return font


@lru_cache(maxsize=16)
def _card_palette(fg: tuple[int, int, int], bg: tuple[int, int, int], highlight: tuple[int, int, int]) -> bytes:
    """A card's palette: each value of its channel from the background to the text colour, then the highlight."""
    return bytes(band for i in range(_INK + 1) for band in _blend(fg, bg, i / _INK)) + bytes(highlight)


def _shade(t: float) -> int:
    """The value, in a card's channel, of ``t`` of the text colour over the background."""
    return round(t * _INK)


def _line_height(size: int) -> int:
    return round(size * 1.22)


def _rgb(color: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(color)[:3]


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """``t`` of ``a`` over ``1 - t`` of ``b``."""
    return tuple(round(x * t + y * (1 - t)) for x, y in zip(a, b))


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    def lum(c):
        def ch(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        r, g, bl = (ch(v) for v in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# ---------------------------------------------------------------------------
# Responsive images
# ---------------------------------------------------------------------------

WIDTHS = (480, 800, 1200)
OUTPUT_DIR = "img"
CACHE_VERSION = 1  # bump when the output of process_image changes for the same input
JPEG_QUALITY = 82
WEBP_QUALITY = 80
WEBP_METHOD = 4  # libwebp's default; 6 is ~5% smaller but up to 20× slower (with alpha)
# Formats opened at all (JPEG includes multi-picture "MPO" camera files); no EPS, PSD, ...:
# a smaller attack surface for files uploaded by editors.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
_MANIFEST = "manifest.json"


class ImageError(Exception):
    """An image the build cannot use; ``reason`` is a translatable message."""

    def __init__(self, asset_path: str, reason: Message):
        super().__init__(asset_path, reason)
        self.asset_path = asset_path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.asset_path}: {self.reason.render(lambda s: s)}"


@dataclass(frozen=True)
class Variant:
    path: str  # output path relative to the site root, e.g. "img/rakoor.3f9a1c2e.800.webp"
    width: int
    height: int
    mime: str  # "image/webp", "image/jpeg" or "image/png"


@dataclass(frozen=True)
class ProcessedImage:
    source: str  # the asset path it came from, e.g. "images/rakoor.jpg"
    width: int  # intrinsic size of the largest variant
    height: int
    fallback: Variant  # JPEG or PNG, the largest width, for <img src>
    variants: tuple[Variant, ...]  # WebP, ascending width

    @property
    def aspect_ratio(self) -> float:
        return self.width / self.height


_MIME = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


def process_image(asset_path: str, source_file: Path,
                  cache_dir: Path) -> tuple[ProcessedImage, dict[str, Path]]:
    """Responsive variants of one image, made once and then served from ``cache_dir``.

    WebP variants at each of :data:`WIDTHS` smaller than the image, plus the
    image's own width when it is smaller than the largest (so nothing is ever
    upscaled and the largest variant is ``min(width, 1200)``), and one fallback
    at that largest width: PNG for a PNG source, JPEG (quality 82) for
    anything else. EXIF orientation is applied, colours are converted to sRGB
    and all metadata is dropped.

    Returns the description and a mapping output path -> file in the cache;
    the caller copies those files into the site. Output names are
    ``img/<name>.<first 8 hex of the source's sha256>.<width>.<ext>``, so
    identical sources under the same name give identical entries (merge the
    mappings before copying).
    """
    source_file = Path(source_file)
    cache_dir = Path(cache_dir)
    try:
        data = source_file.read_bytes()
    except OSError as exc:
        raise ImageError(asset_path, msg("the image cannot be read: {problem}",
                                             problem=exc.strerror or str(exc))) from exc
    digest = hashlib.sha256(data).hexdigest()
    entry = cache_dir / _cache_key(digest)
    manifest = _read_manifest(entry, digest)
    if manifest is None:
        manifest = _build(asset_path, data, digest, entry)
    return _describe(asset_path, digest, manifest, entry)


def srcset(image: ProcessedImage, href: Callable[[str], str]) -> str:
    """The ``srcset`` of the WebP variants: ``"URL 480w, URL 800w, URL 1200w"``."""
    return ", ".join(f"{href(v.path)} {v.width}w" for v in image.variants)


def target_widths(width: int) -> tuple[int, ...]:
    """The variant widths for an image ``width`` pixels wide (never larger than it)."""
    widths = {w for w in WIDTHS if w < width}
    widths.add(min(width, max(WIDTHS)))
    return tuple(sorted(widths))


def _cache_key(digest: str) -> str:
    settings = f"v{CACHE_VERSION}|{digest}|{','.join(map(str, WIDTHS))}|" \
               f"jpeg{JPEG_QUALITY}|webp{WEBP_QUALITY}m{WEBP_METHOD}"
    return hashlib.sha256(settings.encode()).hexdigest()[:40]


def _describe(asset_path: str, digest: str, manifest: dict,
              entry: Path) -> tuple[ProcessedImage, dict[str, Path]]:
    name = _slug(asset_path)
    files: dict[str, Path] = {}

    def variant(item: dict) -> Variant:
        ext = item["file"].rsplit(".", 1)[1]
        path = f"{OUTPUT_DIR}/{name}.{digest[:8]}.{item['width']}.{ext}"
        files[path] = entry / item["file"]
        return Variant(path, item["width"], item["height"], _MIME[ext])

    variants = tuple(variant(v) for v in manifest["variants"])
    fallback = variant(manifest["fallback"])
    image = ProcessedImage(asset_path, variants[-1].width, variants[-1].height, fallback, variants)
    return image, files


def _slug(asset_path: str) -> str:
    stem = PurePosixPath(asset_path.replace("\\", "/")).stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    stem = re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-_")
    return stem or "image"


def _read_manifest(entry: Path, digest: str) -> dict | None:
    """The cached manifest if it and every file it lists are intact, else None."""
    try:
        manifest = json.loads((entry / _MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("version") != CACHE_VERSION or manifest.get("source") != digest \
                or manifest.get("widths") != list(WIDTHS):
            return None
        items = list(manifest["variants"]) + [manifest["fallback"]]
        if not manifest["variants"]:
            return None
        for item in items:
            name = item["file"]
            if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith(".") \
                    or name.rsplit(".", 1)[-1] not in _MIME:
                return None
            if not (isinstance(item["width"], int) and isinstance(item["height"], int)
                    and item["width"] > 0 and item["height"] > 0):
                return None
            blob = (entry / name).read_bytes()
            if len(blob) != item["size"] or hashlib.sha256(blob).hexdigest() != item["sha256"]:
                return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def _build(asset_path: str, data: bytes, digest: str, entry: Path) -> dict:
    img, source_format = _decode(asset_path, data)
    entry.mkdir(parents=True, exist_ok=True)
    width, height = img.size
    outputs: dict[str, bytes] = {}
    variants = []
    largest = None
    for w in target_widths(width):
        h = max(1, round(height * w / width))
        resized = img if w == width else img.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        resized.info = {}
        name = f"{w}.webp"
        outputs[name] = _encode(resized, "WEBP", entry)
        variants.append({"file": name, "width": w, "height": h})
        largest = resized
    if source_format == "PNG":
        name, blob = f"fallback.{largest.width}.png", _encode(largest, "PNG", entry)
    else:
        name, blob = f"fallback.{largest.width}.jpg", _encode(_flatten(largest), "JPEG", entry)
    outputs[name] = blob
    fallback = {"file": name, "width": largest.width, "height": largest.height}

    for item in variants + [fallback]:
        blob = outputs[item["file"]]
        item["size"] = len(blob)
        item["sha256"] = hashlib.sha256(blob).hexdigest()
    manifest = {"version": CACHE_VERSION, "source": digest, "widths": list(WIDTHS),
                "variants": variants, "fallback": fallback}
    for name, blob in outputs.items():
        _write_atomic(entry / name, blob)
    # The manifest goes last: an entry without one (an interrupted build) is rebuilt.
    _write_atomic(entry / _MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    return manifest


def _decode(asset_path: str, data: bytes) -> tuple[Image.Image, str]:
    """The image upright, in RGB or RGBA, in sRGB, with no metadata."""
    try:
        with warnings.catch_warnings():
            # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as opened:
                opened.load()
                source_format = opened.format or ""
                img = opened
                try:
                    img = ImageOps.exif_transpose(opened)
                except Exception:  # a broken EXIF block: keep the pixels as stored
                    img = opened.copy()
                img = _normalise(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(asset_path, msg(
            "the image is too large to process safely ({problem}); reduce its size in pixels",
            problem=str(exc).split(" could be")[0])) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(asset_path, msg(
            "the file is not a readable image (damaged, or not JPEG, PNG, WebP, GIF, BMP or TIFF)")) from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        raise ImageError(asset_path, msg("the image is damaged and cannot be read: {problem}",
                                             problem=str(exc) or type(exc).__name__)) from exc
    if source_format == "MPO":  # multi-picture JPEG from cameras and phones
        source_format = "JPEG"
    return img, source_format


def _normalise(img: Image.Image) -> Image.Image:
    icc = img.info.get("icc_profile")
    transparent = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if img.mode.startswith("I;16") or img.mode == "I":
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif img.mode == "F":
        img = img.convert("L")
    if img.mode == "CMYK" and icc:
        converted = _to_srgb(img, icc, "RGB")
        img, icc = (converted, None) if converted is not None else (img, None)
    img = img.convert("RGBA" if transparent else "RGB")
    if icc:
        converted = _to_srgb(img, icc, img.mode)
        if converted is not None:
            img = converted
    if img.mode == "RGBA" and img.getchannel("A").getextrema() == (255, 255):
        img = img.convert("RGB")  # an alpha channel that hides nothing
    img.info = {}
    return img


def _to_srgb(img: Image.Image, icc: bytes, mode: str) -> Image.Image | None:
    try:
        from PIL import ImageCms

        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        return ImageCms.profileToProfile(img, src, dst, outputMode=mode)
    except Exception:  # no LittleCMS, or a profile it rejects: keep the values as they are
        return None


def _flatten(img: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency over white."""
    if img.mode != "RGBA":
        return img.convert("RGB")
    white = Image.new("RGB", img.size, (255, 255, 255))
    white.paste(img, mask=img.getchannel("A"))
    return white


def _encode(img: Image.Image, fmt: str, scratch: Path) -> bytes:
    img.info = {}
    if fmt == "JPEG":
        # An optimised/progressive JPEG written to memory fails ("Suspension not
        # allowed here") when it is larger than width × height bytes (very noisy
        # photos); written to a real file it always works.
        with tempfile.TemporaryFile(dir=scratch) as fh:
            img.save(fh, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True,
                     subsampling="4:2:0")
            fh.seek(0)
            return fh.read()
    buf = io.BytesIO()
    if fmt == "WEBP":
        img.save(buf, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, exif=b"", icc_profile=None)
    else:
        img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
