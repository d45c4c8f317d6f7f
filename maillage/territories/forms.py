"""Form fields shared by every area that asks for a place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Commune
from .selectors import commune_autocomplete, commune_resolve, communes_for_postal_code


class CommuneField(forms.CharField):
    """A commune typed as a name, a postal code or an INSEE code, resolved to one commune."""

    default_error_messages = {
        "unknown": _("Commune introuvable : essayez le code postal ou le nom complet."),
        "ambiguous": _("Plusieurs communes correspondent : %(options)s. Précisez le code INSEE."),
    }

    def __init__(self, **kwargs: Any) -> None:
        # No max_length: its validator would run on the resolved Commune.
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 100}))
        kwargs.setdefault(
            "help_text", _("Nom, code postal ou code INSEE (ex. 42218 pour Saint-Étienne).")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Commune):
            return value.code
        return value

    def to_python(self, value: Any) -> Commune | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        text = str(text).strip()
        if text.isdigit() or (len(text) == 5 and text[:2].upper() in {"2A", "2B"}):
            commune = commune_resolve(text)
            if commune is not None:
                return commune
            communes = communes_for_postal_code(text)
            if len(communes) == 1:
                return communes[0]
            if communes:
                options = ", ".join(f"{c.name} ({c.code})" for c in communes[:5])
                raise forms.ValidationError(
                    self.error_messages["ambiguous"], params={"options": options}
                )
            raise forms.ValidationError(self.error_messages["unknown"])
        matches = commune_autocomplete(text, limit=5)
        exact = [m for m in matches if m.name.lower() == text.lower()]
        if len(exact) == 1 or (len(matches) == 1 and not exact):
            chosen = (exact or matches)[0]
            commune = commune_resolve(chosen.code)
            if commune is not None:
                return commune
        if len(exact) > 1:
            options = ", ".join(f"{m.name} ({m.code})" for m in exact)
            raise forms.ValidationError(
                self.error_messages["ambiguous"], params={"options": options}
            )
        raise forms.ValidationError(self.error_messages["unknown"])
