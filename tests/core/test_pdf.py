"""The shared typst renderer: data in, a real PDF out, rendered back to pictures."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from maillage.core.pdf import PdfError, render_pdf, template_path


def test_renders_a_real_pdf_with_data_and_an_svg_asset(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#8a1538"/></svg>'
    )
    pdf = render_pdf(
        "core/sample.typ",
        {"title": "Rapport été 2026 — Zoé", "rows": [["Scop", 12], ["Scic", 3]]},
        assets={"chart.svg": svg},
    )
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-64:]
    if shutil.which("pdftotext"):
        path = tmp_path / "sample.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Rapport été 2026 — Zoé" in text
        assert "Scic" in text


def test_unknown_template_and_bad_asset_names_are_refused():
    with pytest.raises(PdfError, match="no typst template"):
        render_pdf("core/absent.typ", {})
    with pytest.raises(PdfError, match="<app>/<file>.typ"):
        template_path("../etc/passwd")
    with pytest.raises(PdfError, match="plain file name"):
        render_pdf("core/sample.typ", {"title": "x", "rows": []}, assets={"../x.svg": "<svg/>"})
