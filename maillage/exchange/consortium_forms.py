"""Forms of the consortium workspace; they parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import ConsortiumForm, ConsortiumStatus
from .forms import OrganisationField
from .models import Consortium, Lot


class LotsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{_('Lot')} {obj.number} — {obj.title}"


def _lots(consortium: Consortium) -> Any:
    return Lot.objects.filter(need=consortium.need).order_by("number")


class SettingsForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupement"), max_length=200)
    form = forms.ChoiceField(
        label=_("Forme du groupement"), choices=ConsortiumForm.choices, widget=forms.RadioSelect
    )
    mandataire_solidaire = forms.BooleanField(
        label=_("Le mandataire est solidaire de chacun des membres (groupement conjoint)"),
        required=False,
    )


class MemberUpdateForm(forms.Form):
    lots = LotsField(
        label=_("Lots exécutés"),
        queryset=Lot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    share_percent = forms.DecimalField(
        label=_("Part du montant (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
    )

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lots"].queryset = _lots(consortium)  # type: ignore[attr-defined]


class MemberAddForm(MemberUpdateForm):
    organisation = OrganisationField(
        label=_("Organisation à inviter (SIREN ou adresse de sa page dans l'annuaire)")
    )
    field_order = ["organisation", "lots", "share_percent"]

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, consortium=consortium, **kwargs)
        self.fields["lots"].label = _("Lots qu'elle exécuterait")


class ChecklistAddForm(forms.Form):
    label = forms.CharField(label=_("Point à ajouter"), max_length=200)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=4000, widget=forms.Textarea)


OUTCOMES = (
    (ConsortiumStatus.SUBMITTED, _("Candidature déposée")),
    (ConsortiumStatus.WON, _("Marché obtenu")),
    (ConsortiumStatus.LOST, _("Marché non obtenu")),
    (ConsortiumStatus.DISSOLVED, _("Dissoudre le groupement")),
)
