"""Share images and responsive image variants (smartsite.images).

Every input image is drawn here with Pillow; nothing is read from the repository.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random

import PIL.Image
import pytest
from PIL import Image, ImageDraw

from smartsite import images
from smartsite.diagnostics import Message
from smartsite.images import (
    SHARE_MAX_BYTES,
    WIDTHS,
    ImageError,
    ProcessedImage,
    Variant,
    clean_text,
    encode_preview,
    process_image,
    share_image,
    srcset,
    wrap_text,
)

PNG_SIG = b"\x89PNG\r\n\x1a\n"
JPEG_SIG = b"\xff\xd8\xff"

SIPADES = dict(title="SIPADES – Sistem Informasi dan Laman Resmi Desa",
               lines=["Smart Governance", "DKISP"], status_label="Berjalan", progress=62,
               site_title="Smart City Kabupaten Banjar")

LONG_TITLE = ("Pengembangan Sistem Informasi Terpadu Pelayanan Administrasi Kependudukan dan "
              "Pencatatan Sipil Berbasis Daring untuk Seluruh Kecamatan di Kabupaten Banjar "
              "dengan Integrasi Data Desa dan Layanan Mandiri")
assert len(LONG_TITLE) >= 200


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


# --- share images -------------------------------------------------------------------------------


def _check_share(data: bytes) -> Image.Image:
    assert len(data) < SHARE_MAX_BYTES
    assert data.startswith(PNG_SIG) or data.startswith(JPEG_SIG)
    img = _open(data)
    assert img.size == (1200, 630)
    return img


def test_share_image_is_a_small_1200x630_png():
    data = share_image(**SIPADES)
    img = _check_share(data)
    assert data.startswith(PNG_SIG)
    # no metadata chunks: only IHDR, (PLTE), IDAT and IEND
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        chunks.append(data[pos + 4:pos + 8])
        pos += 12 + length
    assert set(chunks) <= {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
    assert not img.info.get("exif")


def test_share_image_is_deterministic():
    assert share_image(**SIPADES) == share_image(**SIPADES)
    other = dict(SIPADES, progress=63)
    assert share_image(**other) == share_image(**other) != share_image(**SIPADES)


def test_share_image_long_and_odd_inputs_stay_small():
    _check_share(share_image(LONG_TITLE * 3, ["Smart Governance", "Dinas Kependudukan " * 10, "x" * 300],
                             "Terhenti sementara karena kendala anggaran " * 3, 100,
                             "Smart City Kabupaten Banjar — Portal " * 5))
    _check_share(share_image("Supercalifragilistic" * 20, [], "B" * 200, 0, "S" * 300))
    _check_share(share_image("", [], "", None, ""))
    _check_share(share_image("Judul", ["a"], "Selesai", -5, "Situs", accent="#f4d35e"))
    _check_share(share_image("Judul", ["a"], "Selesai", 250, "Situs", accent="white"))


def test_share_image_noisy_text_stays_small_and_deterministic():
    rng = random.Random(7)
    alphabet = "".join(chr(c) for c in range(0x21, 0x7f)) + "–—“”‘’…éÉñüß€✓🙂\u00a0\t\n"
    noise = lambda n: "".join(rng.choice(alphabet) for _ in range(n))  # noqa: E731
    args = (noise(400), [noise(200), noise(200), noise(200)], noise(60), 47, noise(200))
    data = share_image(*args)
    _check_share(data)
    assert share_image(*args) == data


def test_encode_preview_falls_back_to_jpeg_under_the_limit():
    noise = Image.frombytes("RGB", (1200, 630), random.Random(1).randbytes(1200 * 630 * 3))
    data = encode_preview(noise)
    assert data.startswith(JPEG_SIG)
    assert len(data) < SHARE_MAX_BYTES
    img = _open(data)
    assert img.size == (1200, 630)
    assert "exif" not in img.info
    assert encode_preview(noise) == data  # deterministic JPEG too
    flat = Image.new("RGB", (1200, 630), "#0d3b66")
    assert encode_preview(flat).startswith(PNG_SIG)


def test_a_share_card_keeps_its_exact_colours_and_smooth_text_edges():
    """Every pixel is the background, the text colour, a blend of the two (antialiased edges, softer
    text, the empty bar) or the highlight: nothing shifted to a neighbouring shade by a palette."""
    card = _open(share_image(**SIPADES)).convert("RGB")
    background, text, highlight = (13, 59, 102), (255, 255, 255), (244, 211, 94)
    assert card.getpixel((600, 600)) == background
    assert card.getpixel((600, 5)) == highlight  # the stripe
    colours = {rgb for _count, rgb in card.getcolors(4096)}
    assert text in colours and highlight in colours
    off_the_line = []
    for rgb in colours - {highlight}:
        t = (rgb[2] - background[2]) / (text[2] - background[2])  # blue moves most from this background
        expected = tuple(round(b + (f - b) * t) for f, b in zip(text, background))
        if any(abs(x - y) > 1 for x, y in zip(rgb, expected)):
            off_the_line.append(rgb)
    assert off_the_line == []
    assert len(colours) > 100  # text edges in many shades, not a few steps


def test_encode_preview_refuses_to_return_an_oversized_file():
    noise = Image.frombytes("RGB", (1200, 630), random.Random(2).randbytes(1200 * 630 * 3))
    with pytest.raises(AssertionError):
        encode_preview(noise, limit=1000)


def test_text_sizes_are_readable_on_a_phone():
    assert min(images._TITLE_SIZES) >= 56
    assert min(images._SITE_SIZE, images._LINES_SIZE, images._BADGE_SIZE, images._PERCENT_SIZE) >= 34


def test_wrap_text_long_title_fits_three_lines():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = images._font(56)
    lines = wrap_text(draw, LONG_TITLE, font, 1056, 3)
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= 1056 for line in lines)
    assert " ".join(lines).rstrip("…").startswith("Pengembangan Sistem Informasi")


def test_wrap_text_short_text_and_long_words():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = images._font(40)
    assert wrap_text(draw, "Berjalan", font, 1000, 3) == ["Berjalan"]
    assert wrap_text(draw, "  ", font, 1000, 3) == []
    word = "x" * 500
    lines = wrap_text(draw, word, font, 300, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= 300 for line in lines)
    lines = wrap_text(draw, "a " * 10, font, 1000, 1)
    assert lines == ["a a a a a a a a a a"]


def test_clean_text_replaces_glyphs_the_font_lacks():
    font = images._font(40)
    assert clean_text("SIPADES – Sistem\u00a0Informasi\n Desa", font) == "SIPADES - Sistem Informasi Desa"
    assert clean_text("“Kafé” 🙂 ✓", font) == "“Kafe”"
    assert clean_text("Rp 1.000 — 62% · 100", font) == "Rp 1.000 - 62% · 100"
    for ch in clean_text("Ł ß æ € \u2018x\u2019 … «»", font):
        assert ch == " " or images._has_glyph(font, ch)


# --- responsive images --------------------------------------------------------------------------


def _photo(size, fmt="JPEG", mode="RGB", **save) -> bytes:
    """A picture with detail (so encoders have something to do) in ``fmt``."""
    w, h = size
    img = Image.new(mode, size, "white" if mode != "RGBA" else (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    for i in range(0, max(w, h), max(1, max(w, h) // 40)):
        color = (i * 7 % 256, i * 3 % 256, 120) + ((255,) if mode == "RGBA" else ())
        draw.line((i, 0, w - i, h), fill=color, width=3)
    buf = io.BytesIO()
    img.save(buf, fmt, **save)
    return buf.getvalue()


@pytest.fixture
def src(tmp_path):
    """Write bytes as a source image; returns its path."""
    def write(name: str, data: bytes):
        path = tmp_path / "assets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path
    return write


def _hash8(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def test_large_jpeg_gives_three_webp_variants_and_a_jpeg_fallback(src, tmp_path):
    data = _photo((3000, 2000), quality=90)
    image, files = process_image("images/rakoor.jpg", src("images/rakoor.jpg", data), tmp_path / "cache")
    h = _hash8(data)
    assert [(v.width, v.height) for v in image.variants] == [(480, 320), (800, 533), (1200, 800)]
    assert [v.path for v in image.variants] == [f"img/rakoor.{h}.{w}.webp" for w in WIDTHS]
    assert all(v.mime == "image/webp" for v in image.variants)
    assert image.fallback == Variant(f"img/rakoor.{h}.1200.jpg", 1200, 800, "image/jpeg")
    assert (image.width, image.height, image.source) == (1200, 800, "images/rakoor.jpg")
    assert set(files) == {v.path for v in image.variants} | {image.fallback.path}
    for v in image.variants + (image.fallback,):
        out = _open(files[v.path].read_bytes())
        assert out.size == (v.width, v.height)
        assert out.format == ("WEBP" if v.mime == "image/webp" else "JPEG")
        assert files[v.path].is_relative_to(tmp_path / "cache")


def test_small_png_is_never_upscaled_and_stays_png(src, tmp_path):
    data = _photo((300, 150), "PNG")
    image, files = process_image("images/Logo Desa.PNG", src("logo.png", data), tmp_path / "cache")
    h = _hash8(data)
    assert image.variants == (Variant(f"img/logo-desa.{h}.300.webp", 300, 150, "image/webp"),)
    assert image.fallback == Variant(f"img/logo-desa.{h}.300.png", 300, 150, "image/png")
    assert _open(files[image.fallback.path].read_bytes()).format == "PNG"
    assert (image.width, image.height) == (300, 150)


@pytest.mark.parametrize("width, expected", [
    (480, (480,)), (800, (480, 800)), (1000, (480, 800, 1000)), (1200, (480, 800, 1200)),
    (5000, (480, 800, 1200)), (100, (100,)),
])
def test_variant_widths_never_exceed_the_original(src, tmp_path, width, expected):
    data = _photo((width, 60), "PNG")
    image, _ = process_image("a.png", src("a.png", data), tmp_path / "cache")
    assert tuple(v.width for v in image.variants) == expected
    assert all(v.width <= width for v in image.variants + (image.fallback,))
    assert image.fallback.width == image.width == expected[-1]


def test_other_formats_fall_back_to_jpeg_and_alpha_is_kept_in_webp(src, tmp_path):
    gif = Image.new("P", (200, 100), 0)
    gif.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    ImageDraw.Draw(gif).rectangle((100, 0, 199, 99), fill=1)
    buf = io.BytesIO()
    gif.save(buf, "GIF", transparency=1)
    image, files = process_image("anim.gif", src("anim.gif", buf.getvalue()), tmp_path / "cache")
    assert image.fallback.mime == "image/jpeg" and image.fallback.path.endswith(".200.jpg")
    fallback = _open(files[image.fallback.path].read_bytes()).convert("RGB")
    assert fallback.getpixel((150, 50))[0] > 240  # transparent part flattened onto white
    webp = _open(files[image.variants[0].path].read_bytes())
    assert webp.mode == "RGBA" and webp.getpixel((150, 50))[3] == 0

    rgba = _photo((640, 320), "PNG", mode="RGBA")
    image, files = process_image("t.png", src("t.png", rgba), tmp_path / "cache")
    assert _open(files[image.fallback.path].read_bytes()).mode == "RGBA"


def _exif_jpeg(orientation: int | None, size=(300, 200), icc: bytes | None = None) -> bytes:
    """Left half red, right half blue, with camera metadata."""
    img = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(img).rectangle((0, 0, size[0] // 2 - 1, size[1]), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "KameraMerekRahasia"  # Make
    exif[0x0131] = "EditorFoto 1.0"  # Software
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    save = {"exif": exif.tobytes(), "quality": 95}
    if icc:
        save["icc_profile"] = icc
    img.save(buf, "JPEG", **save)
    return buf.getvalue()


def test_exif_orientation_is_applied(src, tmp_path):
    data = _exif_jpeg(6)  # stored sideways: "rotate 90° clockwise to display"
    assert _open(data).size == (300, 200)
    image, files = process_image("img/hp.jpg", src("hp.jpg", data), tmp_path / "cache")
    assert (image.width, image.height) == (200, 300)
    for v in image.variants + (image.fallback,):
        out = _open(files[v.path].read_bytes()).convert("RGB")
        assert out.size == (200, 300)
        top, bottom = out.getpixel((100, 20)), out.getpixel((100, 280))
        assert top[0] > 200 and top[2] < 60, top  # the left (red) half is now on top
        assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_metadata_is_stripped(src, tmp_path):
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _exif_jpeg(1, size=(900, 600), icc=icc)
    assert _open(data).getexif().get(0x010F) == "KameraMerekRahasia"
    image, files = process_image("a.jpg", src("a.jpg", data), tmp_path / "cache")
    for v in image.variants + (image.fallback,):
        blob = files[v.path].read_bytes()
        assert b"KameraMerekRahasia" not in blob and b"EditorFoto" not in blob
        assert b"Exif\x00" not in blob and b"EXIF" not in blob and b"ICCP" not in blob
        out = _open(blob)
        assert not out.info.get("exif") and not out.info.get("icc_profile")
        assert len(out.getexif()) == 0


def test_second_call_is_served_from_the_cache_without_pillow(src, tmp_path, monkeypatch):
    path = src("rakoor.jpg", _photo((1600, 900)))
    cache = tmp_path / "cache"
    first, files = process_image("images/rakoor.jpg", path, cache)
    before = {p: p.read_bytes() for p in files.values()}

    def no_pillow(*args, **kwargs):
        raise AssertionError("Pillow was called for a cached image")

    monkeypatch.setattr(PIL.Image, "open", no_pillow)
    monkeypatch.setattr(PIL.Image.Image, "save", no_pillow)
    again, files_again = process_image("images/rakoor.jpg", path, cache)
    assert again == first and files_again == files
    assert {p: p.read_bytes() for p in files_again.values()} == before


def test_same_bytes_under_another_name_reuse_the_cache(src, tmp_path, monkeypatch):
    data = _photo((500, 300))
    cache = tmp_path / "cache"
    process_image("a/foto.jpg", src("foto.jpg", data), cache)
    monkeypatch.setattr(PIL.Image, "open", lambda *a, **k: pytest.fail("not cached"))
    image, files = process_image("b/Foto Baru.jpg", src("other.jpg", data), cache)
    assert image.fallback.path == f"img/foto-baru.{_hash8(data)}.500.jpg"
    assert all(p.is_file() for p in files.values())


def _counting_open(monkeypatch) -> list:
    calls = []
    real = PIL.Image.open

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(PIL.Image, "open", counting)
    return calls


@pytest.mark.parametrize("damage", ["flip-bytes", "truncate", "delete", "manifest-garbage",
                                    "manifest-missing", "manifest-wrong-size"])
def test_a_damaged_cache_entry_is_rebuilt(src, tmp_path, monkeypatch, damage):
    path = src("rakoor.jpg", _photo((1000, 700)))
    cache = tmp_path / "cache"
    image, files = process_image("rakoor.jpg", path, cache)
    good = {p: p.read_bytes() for p in files.values()}
    target = files[image.variants[1].path]
    manifest = target.parent / "manifest.json"
    if damage == "flip-bytes":
        blob = bytearray(target.read_bytes())
        blob[len(blob) // 2] ^= 0xFF  # same size, different content
        target.write_bytes(bytes(blob))
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "delete":
        target.unlink()
    elif damage == "manifest-garbage":
        manifest.write_text('{"version": 1, "variants": [', encoding="utf-8")
    elif damage == "manifest-missing":
        manifest.unlink()  # as after a build killed mid-write
    elif damage == "manifest-wrong-size":
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["fallback"]["size"] += 1
        manifest.write_text(json.dumps(data), encoding="utf-8")

    calls = _counting_open(monkeypatch)
    again, files_again = process_image("rakoor.jpg", path, cache)
    assert calls, "the damaged entry was served instead of rebuilt"
    assert again == image
    assert {p: p.read_bytes() for p in files_again.values()} == good  # deterministic rebuild
    calls.clear()
    process_image("rakoor.jpg", path, cache)
    assert not calls  # and the rebuilt entry is trusted again


def test_processing_is_deterministic_across_caches(src, tmp_path):
    path = src("x.jpg", _photo((1300, 800)))
    a, files_a = process_image("x.jpg", path, tmp_path / "one")
    b, files_b = process_image("x.jpg", path, tmp_path / "two")
    assert a == b
    assert all(files_a[k].read_bytes() == files_b[k].read_bytes() for k in files_a)


def test_writes_only_to_the_cache_and_leaves_no_temporary_files(src, tmp_path):
    path = src("x.png", _photo((900, 500), "PNG"))
    assets_before = sorted(os.listdir(path.parent))
    cache = tmp_path / "deep" / "cache"  # created when missing
    process_image("x.png", path, cache)
    assert sorted(os.listdir(path.parent)) == assets_before
    assert sorted(os.listdir(tmp_path)) == ["assets", "deep"]
    left = [p.name for p in cache.rglob("*") if p.name.startswith(".tmp")]
    assert left == []


def test_a_changed_source_gets_new_names(src, tmp_path):
    cache = tmp_path / "cache"
    one, _ = process_image("f.jpg", src("f.jpg", _photo((600, 400), quality=90)), cache)
    two, _ = process_image("f.jpg", src("f.jpg", _photo((600, 400), quality=70)), cache)
    assert one.fallback.path != two.fallback.path
    assert {v.path for v in one.variants}.isdisjoint(v.path for v in two.variants)


@pytest.mark.parametrize("data", [
    b"",
    b"this is not an image at all" * 10,
    _photo((800, 600), quality=90)[:3000],  # a JPEG cut off mid-upload
    PNG_SIG + b"\x00\x00\x00\x0dIHDR" + bytes(range(40)),
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",  # a format we refuse to open
])
def test_unreadable_source_raises_image_error(src, tmp_path, data):
    with pytest.raises(ImageError) as info:
        process_image("images/rusak.jpg", src("rusak.jpg", data), tmp_path / "cache")
    assert info.value.asset_path == "images/rusak.jpg"
    assert isinstance(info.value.reason, Message)
    assert str(info.value).startswith("images/rusak.jpg: ")
    assert not any((tmp_path / "cache").rglob("*.webp"))


def test_missing_source_raises_image_error(tmp_path):
    with pytest.raises(ImageError, match="cannot be read"):
        process_image("images/hilang.jpg", tmp_path / "hilang.jpg", tmp_path / "cache")


@pytest.mark.parametrize("pixels", [120 * 100, 60 * 100])  # over 2× the limit (error) and over 1× (warning)
def test_decompression_bombs_are_refused(src, tmp_path, monkeypatch, pixels):
    monkeypatch.setattr(PIL.Image, "MAX_IMAGE_PIXELS", 5000)
    data = _photo((pixels // 100, 100), "PNG")
    with pytest.raises(ImageError, match="too large"):
        process_image("bom.png", src("bom.png", data), tmp_path / "cache")


def test_image_error_reason_is_a_translatable_message():
    err = ImageError("a.jpg", Message("the image cannot be read: {problem}", (("problem", "x"),)))
    assert err.reason.msgid == "the image cannot be read: {problem}"
    assert str(err) == "a.jpg: the image cannot be read: x"


def test_srcset_lists_the_webp_variants_in_order():
    image = ProcessedImage(
        "images/r.jpg", 1200, 800, Variant("img/r.abcd1234.1200.jpg", 1200, 800, "image/jpeg"),
        tuple(Variant(f"img/r.abcd1234.{w}.webp", w, w * 2 // 3, "image/webp") for w in WIDTHS))
    assert srcset(image, lambda p: "/smartcity/" + p) == (
        "/smartcity/img/r.abcd1234.480.webp 480w, /smartcity/img/r.abcd1234.800.webp 800w, "
        "/smartcity/img/r.abcd1234.1200.webp 1200w")
    single = ProcessedImage("s.png", 300, 150, Variant("img/s.1.300.png", 300, 150, "image/png"),
                            (Variant("img/s.1.300.webp", 300, 150, "image/webp"),))
    assert srcset(single, str.upper) == "IMG/S.1.300.WEBP 300w"
