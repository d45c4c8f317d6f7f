"""Forms of the intercooperation pages: they parse and check input; rules live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.sectors.models import Nomenclature, Sector
from maillage.sectors.selectors import code_prefix

from .enums import AlertFrequency, BudgetBand, BuyerKind, DeclineReason, PlaceLevel


class SectorCodesField(forms.CharField):
    """NAF codes separated by commas or spaces ("43.32A, 43.34Z", "4332a", "43.3")."""

    default_error_messages = {
        "required": _("Indiquez au moins un secteur d'activité (code NAF)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            _(
                "Codes NAF séparés par des virgules, du plus précis (43.32A) au plus large "
                "(43.3, 43). La nomenclature est consultable dans la rubrique Secteurs."
            ),
        )
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Sector]:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return []
        wanted: list[str] = []
        unknown: list[str] = []
        for raw in text.replace(";", ",").replace(" ", ",").split(","):
            if not raw.strip():
                continue
            code = code_prefix(raw)
            (wanted if code else unknown).append(code or raw.strip())
        found = {
            s.code: s
            for s in Sector.objects.filter(nomenclature=Nomenclature.NAF_REV2, code__in=wanted)
        }
        unknown += [code for code in wanted if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("Code NAF inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(found[code] for code in wanted))


def sector_codes(sectors: Any) -> str:
    return ", ".join(s.code for s in sectors)


class PlaceFields(forms.Form):
    place_level = forms.ChoiceField(
        label=_("Lieu d'exécution : niveau"),
        choices=[("", _("— choisir —")), *PlaceLevel.choices],
        error_messages={"required": _("Indiquez le lieu d'exécution.")},
    )
    place_code = forms.CharField(
        label=_("Lieu d'exécution : code"),
        max_length=9,
        help_text=_(
            "Code INSEE de la commune (42218), SIREN de l'intercommunalité, numéro du "
            "département (42) ou code de la région (84)."
        ),
        error_messages={"required": _("Indiquez le lieu d'exécution.")},
    )


class NeedForm(PlaceFields):
    """A need, as its buyer types it."""

    buyer_kind = forms.ChoiceField(
        label=_("Vous déposez ce besoin au nom de"),
        choices=BuyerKind.choices,
        widget=forms.RadioSelect,
        initial=BuyerKind.ORGANISATION,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— choisir —"),
    )
    buyer_name = forms.CharField(
        label=_("Nom de l'acheteur"),
        max_length=200,
        required=False,
        help_text=_("Pour un acheteur public ou une entreprise : ex. Commune de Saint-Étienne."),
    )
    buyer_siren = forms.CharField(label=_("SIREN de l'acheteur"), max_length=11, required=False)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    sectors = SectorCodesField(label=_("Secteurs d'activité"))
    budget_band = forms.ChoiceField(label=_("Budget"), choices=BudgetBand.choices, required=False)
    deadline = forms.DateField(
        label=_("Date limite de réponse"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    is_tender = forms.BooleanField(
        label=_("Appel d'offres en plusieurs lots (vous ajouterez les lots ensuite)"),
        required=False,
    )

    field_order = [
        "buyer_kind",
        "organisation",
        "buyer_name",
        "buyer_siren",
        "title",
        "description",
        "sectors",
        "place_level",
        "place_code",
        "budget_band",
        "deadline",
        "is_tender",
    ]

    def __init__(self, *args: Any, user: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            cast(
                forms.ModelChoiceField, self.fields["organisation"]
            ).queryset = Organisation.objects.filter(memberships__user=user).order_by("name")
        if editing:
            for name in ("buyer_kind", "organisation", "buyer_name", "buyer_siren"):
                del self.fields[name]
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=30)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("buyer_kind")
        if kind == BuyerKind.ORGANISATION and not data.get("organisation"):
            self.add_error("organisation", _("Choisissez l'organisation acheteuse."))
        if kind in (BuyerKind.PUBLIC, BuyerKind.COMPANY) and not data.get("buyer_name"):
            self.add_error("buyer_name", _("Indiquez le nom de l'acheteur."))
        return data


class LotForm(forms.Form):
    """One lot of a tender; its place is optional (the need's by default)."""

    title = forms.CharField(label=_("Intitulé du lot"), max_length=200)
    description = forms.CharField(
        label=_("Description du lot"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    sectors = SectorCodesField(label=_("Secteurs du lot"))
    place_level = forms.ChoiceField(
        label=_("Lieu du lot : niveau (si différent du besoin)"),
        choices=[("", _("— celui du besoin —")), *PlaceLevel.choices],
        required=False,
    )
    place_code = forms.CharField(label=_("Lieu du lot : code"), max_length=9, required=False)


class ValidateForm(forms.Form):
    sectors = SectorCodesField(
        label=_("Secteurs d'activité (corrigez-les si besoin)"),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (transmis à l'acheteur)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Indiquez le motif du refus : il est transmis à l'acheteur.")
        },
    )


class OrganisationField(forms.CharField):
    """An organisation of the directory, given by its SIREN or by the address of its page."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Organisation:  # type: ignore[override]
        text = str(super().clean(value)).strip().rstrip("/").split("/")[-1]
        siren = text.replace(" ", "")
        found = (
            Organisation.objects.filter(siren=siren).first()
            if siren.isdigit()
            else Organisation.objects.filter(slug=text).first()
        )
        if found is None:
            raise forms.ValidationError(
                _("Aucune organisation de l'annuaire ne correspond à « %(v)s ».") % {"v": text}
            )
        return found


class SupplierAddForm(forms.Form):
    organisation = OrganisationField(
        label=_("Ajouter une coopérative (SIREN ou adresse de sa page dans l'annuaire)")
    )


class InterestedForm(forms.Form):
    comment = forms.CharField(
        label=_("Un mot pour l'acheteur (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Pourquoi ?"),
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez pourquoi ce besoin ne vous intéresse pas.")},
    )
    comment = forms.CharField(
        label=_("Précision (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Votre question à l'acheteur"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Écrivez votre question.")},
    )


class AlertForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Pour l'organisation"), queryset=Organisation.objects.none()
    )
    sectors = SectorCodesField(
        label=_("Secteurs"),
        required=False,
        help_text=_("Codes NAF séparés par des virgules ; laissez vide pour tous les secteurs."),
    )
    zone_level = forms.ChoiceField(
        label=_("Territoire : niveau"),
        choices=[("france", _("Toute la France")), *PlaceLevel.choices],
    )
    zone_code = forms.CharField(label=_("Territoire : code"), max_length=9, required=False)
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=AlertFrequency.choices,
        widget=forms.RadioSelect,
        initial=AlertFrequency.IMMEDIATE,
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            cast(
                forms.ModelChoiceField, self.fields["organisation"]
            ).queryset = Organisation.objects.filter(memberships__user=user).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("zone_level") not in (None, "france") and not data.get("zone_code"):
            self.add_error("zone_code", _("Indiquez le code du territoire."))
        return data
