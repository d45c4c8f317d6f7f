"""Check a PDF as a reader would: its text, and each page rendered as a picture (poppler)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} (poppler-utils) is not installed; .ci/run installs it")
    return path


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of every page, laid out, as pdftotext reads it."""
    source = tmp_path / "check.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        [_tool("pdftotext"), "-layout", str(source), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pdf_pages(pdf: bytes, tmp_path: Path, dpi: int = 60) -> list[Image.Image]:
    """Each page rendered to a picture by pdftoppm, in order."""
    source = tmp_path / "pages.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", str(dpi), str(source), str(tmp_path / "page")],
        check=True,
    )
    return [Image.open(path).convert("RGB") for path in sorted(tmp_path.glob("page-*.png"))]


def ink_ratio(page: Image.Image) -> float:
    """Share of pixels that are not (near) white: 0 for a blank page."""
    grey = page.convert("L")
    histogram = grey.histogram()
    dark = sum(histogram[:230])
    return dark / (grey.width * grey.height)
