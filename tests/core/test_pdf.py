"""The shared typst renderer: data in, a real PDF out, read back as text and as pictures."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.core.pdf import PdfError, render_pdf, template_path
from tests.pdfcheck import ink_ratio, pdf_pages, pdf_text

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20" fill="#8a1538"/></svg>'
)


def test_renders_a_real_pdf_with_data_and_an_svg_asset(tmp_path):
    pdf = render_pdf(
        "core/sample.typ",
        {"title": "Rapport été 2026 — Zoé", "rows": [["Scop", 12], ["Scic", 3]]},
        assets={"chart.svg": SVG},
    )
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert "Rapport été 2026 — Zoé" in text
    assert "Scic" in text
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) == 1
    assert pages[0].width < pages[0].height  # A4 portrait
    assert 0.005 < ink_ratio(pages[0]) < 0.5
    # the chart's accent colour is on the page
    pixels = np.asarray(pages[0], dtype=int)
    accent = np.abs(pixels - np.array([0x8A, 0x15, 0x38])).max(axis=2) < 12
    assert accent.sum() > 20


def test_unknown_template_and_bad_asset_names_are_refused():
    with pytest.raises(PdfError, match="no typst template"):
        render_pdf("core/absent.typ", {})
    with pytest.raises(PdfError, match=r"<app>/<file>\.typ"):
        template_path("../etc/passwd")
    with pytest.raises(PdfError, match="plain file name"):
        render_pdf("core/sample.typ", {"title": "x", "rows": []}, assets={"../x.svg": "<svg/>"})
