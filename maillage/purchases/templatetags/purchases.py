"""Template helpers of purchases: amounts in euros, French style."""

from __future__ import annotations

from django import template

from ..parsing import format_euros

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """123456 → « 1 234,56 € »; None (a secret cell) → empty."""
    return "" if cents is None else format_euros(cents)
