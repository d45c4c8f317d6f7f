"""Forms of the ecology area: opening an assessment, the delegate's decision, the simulator."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.territories.forms import CommuneField

from .enums import Context


class AssessmentCreateForm(forms.Form):
    context = forms.ChoiceField(label=_("Moment"), choices=Context.choices)
    organisation = forms.ModelChoiceField(
        label=_("Coopérative"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Les coopératives dont vous êtes administrateur ou administratrice."),
    )
    project_name = forms.CharField(
        label=_("Nom du projet"),
        max_length=200,
        required=False,
        help_text=_("Pour un projet de création qui n'a pas encore sa fiche dans l'annuaire."),
    )
    commune = CommuneField(label=_("Commune du projet"), required=False)
    year = forms.IntegerField(label=_("Année évaluée"))
    baseline_year = forms.IntegerField(
        label=_("Année de référence"),
        required=False,
        help_text=_("Pour mesurer une trajectoire lors d'une révision (ex. l'année de création)."),
    )
    review_date = forms.DateField(
        label=_("Date de la révision coopérative"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        self.fields["year"].initial = timezone.localdate().year


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire de l'union"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LoanForm(forms.Form):
    principal = forms.DecimalField(
        label=_("Montant du prêt (€)"), min_value=1, max_digits=12, decimal_places=2, initial=50000
    )
    months = forms.IntegerField(label=_("Durée (mois)"), min_value=1, max_value=360, initial=60)
    base_rate_pct = forms.DecimalField(
        label=_("Taux de base annuel (%)"), min_value=0, max_value=25, decimal_places=3, initial=3
    )
    indicator = forms.CharField(
        label=_("Indicateur"),
        max_length=200,
        initial=_("Émissions des scopes 1 et 2 (tCO2e)"),
    )
    baseline = forms.DecimalField(label=_("Valeur de référence"), decimal_places=3, initial=100)
    target = forms.DecimalField(label=_("Cible"), decimal_places=3, initial=70)
    achieved = forms.DecimalField(
        label=_("Résultat à simuler"),
        decimal_places=3,
        required=False,
        help_text=_("Laissez vide pour simuler la cible atteinte."),
    )
    verification = forms.ChoiceField(label=_("Vérification du résultat"))

    def __init__(self, *args: Any, verifications: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["verification"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = verifications
        field.initial = verifications[-1][0] if verifications else None
