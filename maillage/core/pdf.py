"""The platform's one way to make a PDF: a typst template, data as JSON, assets beside it.

Templates live in ``maillage/<app>/typst/<name>.typ`` and are named ``"<app>/<name>.typ"``.
The data reach the template as ``json(bytes(sys.inputs.data))``; assets (SVG charts, images)
are written beside the template so that ``image("chart-1.svg")`` finds them. Every template can
``#import "maillage.typ": *`` then ``#show: house.with(title: ...)`` for the house style (A4,
fonts embedded in typst, page numbers, the synthetic-data marker when the demo network runs).

typst is compiled in-process by the ``typst`` package (Apache-2.0); no system binary is needed.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typst
from django.conf import settings

CORE_TYPST = Path(__file__).resolve().parent / "typst"
APPS_ROOT = Path(__file__).resolve().parent.parent


class PdfError(RuntimeError):
    """A template failed to compile: the message carries typst's own diagnostic."""


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if hasattr(value, "__str__"):
        return str(value)  # lazy translations, enums
    raise TypeError(f"cannot serialise {type(value).__name__} for a PDF")


def template_path(name: str) -> Path:
    """``"democracy/letter.typ"`` → ``maillage/democracy/typst/letter.typ`` (must exist)."""
    app, _, filename = name.partition("/")
    if not app or not filename or "/" in filename or ".." in name:
        raise PdfError(f"template name must be '<app>/<file>.typ', got {name!r}")
    path = APPS_ROOT / app / "typst" / filename
    if not path.is_file():
        raise PdfError(f"no typst template {name!r} (looked for {path})")
    return path


def render_pdf(
    template: str,
    data: Mapping[str, Any],
    *,
    assets: Mapping[str, bytes | str] | None = None,
) -> bytes:
    """Compile ``template`` with ``data`` (JSON-serialisable; dates, decimals and lazy strings are
    converted) and the named ``assets``; return the PDF bytes."""
    source = template_path(template)
    payload = {
        **data,
        "_demo": bool(getattr(settings, "MAILLAGE_DEMO", False)),
        "_generated": date.today().isoformat(),
    }
    with tempfile.TemporaryDirectory(prefix="maillage-pdf-") as tmp:
        root = Path(tmp)
        (root / "maillage.typ").write_bytes((CORE_TYPST / "maillage.typ").read_bytes())
        (root / "main.typ").write_bytes(source.read_bytes())
        for name, content in (assets or {}).items():
            if "/" in name or name.startswith(".") or name in {"main.typ", "maillage.typ"}:
                raise PdfError(f"asset name {name!r} is not a plain file name")
            target = root / name
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                target.write_bytes(content)
        try:
            pdf = typst.compile(
                str(root / "main.typ"),
                root=str(root),
                format="pdf",
                sys_inputs={"data": json.dumps(payload, default=_default, ensure_ascii=False)},
            )
        except typst.TypstError as error:  # pragma: no cover - message depends on typst
            raise PdfError(f"{template}: {error}") from error
    assert isinstance(pdf, bytes)
    return pdf
