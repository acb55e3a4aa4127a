"""The evaluation dossier prints to a clean A4 PDF: a cover, contents, one run of pages per dimension."""

from __future__ import annotations

import io
import unicodedata

import yaml
from pypdf import PdfReader

from conftest import ROOT


def test_the_dossier_prints_every_innovation_with_page_breaks_per_dimension(page, base_url, artifacts):
    page.goto(base_url + "evaluasi/dosir/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    (artifacts / "dosir.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    masterplan = yaml.safe_load((ROOT / "content/masterplan.yaml").read_text(encoding="utf-8"))
    dimensions = [d for d in masterplan["dimensions"]]
    # the cover and contents, then each dimension starts on a page of its own
    assert len(reader.pages) >= 1 + len(dimensions)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    # NFKC: the PDF's fonts use ligatures ("fi" in "Sertifikat" is one glyph)
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
    everything = "\n".join(texts)
    assert "Dosir evaluasi 2027" in texts[0]
    for dim in dimensions:
        name = dim["name"]["id"]
        starts = [i for i, t in enumerate(texts) if t.lstrip().startswith(name)]
        assert starts, f"no page starts with the dimension {name}"
    for path in sorted((ROOT / "content/innovations").glob("*.yaml")):
        inn = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert inn["owner"] in everything
        first_words = " ".join(inn["name"].split()[:2])
        assert first_words in " ".join(everything.split()), first_words
    assert "https://smartcity.banjarkab.go.id/evidence/" in "".join(everything.split())  # evidence links printed
    assert "Langsung ke konten" not in everything  # the screen-only parts are hidden in print
