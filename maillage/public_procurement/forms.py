from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MarketForm(forms.Form):
    dimension = forms.ChoiceField(
        label=_("Regrouper par"),
        required=False,
        choices=[
            ("region", _("Région du lieu d'exécution")),
            ("departement", _("Département du lieu d'exécution")),
            ("cpv", _("Division CPV du marché")),
            ("naf", _("Section NAF de la coopérative")),
        ],
    )
    year = forms.TypedChoiceField(
        label=_("Année de notification"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
