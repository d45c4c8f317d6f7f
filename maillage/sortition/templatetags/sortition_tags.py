"""Formatting of probabilities for the French locale."""

from __future__ import annotations

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.0733 → « 7,3 % » (the locale's decimal separator, a narrow no-break space)."""
    if value is None:
        return "—"
    return f"{formats.number_format(float(value) * 100, int(digits))}\u202f%"
