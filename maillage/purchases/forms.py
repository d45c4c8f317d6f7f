"""Forms: record a purchase, import a CSV, choose the dashboard's view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.exchange.models import Need

from . import services
from .importing import MAX_BYTES
from .parsing import check_siret_or_siren, normalise_identifier, parse_amount_cents, parse_date


class PurchaseForm(forms.Form):
    supplier = forms.CharField(
        label=_("Fournisseur"),
        max_length=255,
        help_text=_(
            "SIRET (14 chiffres), SIREN (9 chiffres) ou nom exact de l'organisation dans "
            "l'annuaire. Un fournisseur absent de l'annuaire est enregistré « hors réseau »."
        ),
    )
    supplier_name = forms.CharField(
        label=_("Nom du fournisseur hors réseau"),
        max_length=255,
        required=False,
        help_text=_("Seulement si le fournisseur n'est pas dans l'annuaire."),
    )
    amount = forms.CharField(
        label=_("Montant HT en euros"), max_length=30, help_text=_("Par exemple 1 234,56")
    )
    date = forms.CharField(
        label=_("Date de l'achat"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("JJ/MM/AAAA"),
    )
    need = forms.ModelChoiceField(
        label=_("Besoin à l'origine de l'achat"),
        queryset=Need.objects.none(),
        required=False,
        empty_label=_("Aucun"),
    )
    description = forms.CharField(label=_("Objet"), max_length=500, required=False)

    def __init__(self, *args: Any, buyer: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buyer = buyer
        self.fields["need"].queryset = Need.objects.filter(organisation=buyer).order_by(  # type: ignore[attr-defined]
            "-created_at"
        )
        self.supplier_org: Organisation | None = None
        self.supplier_siret = ""

    def clean_supplier(self) -> str:
        text = self.cleaned_data["supplier"].strip()
        digits = normalise_identifier(text)
        if digits.isdigit():
            try:
                identifier = check_siret_or_siren(digits)
            except ValueError as exc:
                raise forms.ValidationError(
                    _("« %(value)s » : %(why)s."), params={"value": text, "why": str(exc)}
                ) from exc
            self.supplier_siret = identifier
            self.supplier_org = services.supplier_lookup(identifier)
            return text
        matches = list(Organisation.objects.filter(name__iexact=text)[:2])
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Plusieurs organisations s'appellent « %(value)s » : indiquez son SIRET."),
                params={"value": text},
            )
        self.supplier_org = matches[0] if matches else None
        return text

    def clean_amount(self) -> int:
        try:
            return parse_amount_cents(self.cleaned_data["amount"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("« %(value)s » : %(why)s."),
                params={"value": self.cleaned_data["amount"], "why": str(exc)},
            ) from exc

    def clean_date(self) -> dt.date:
        try:
            return parse_date(self.cleaned_data["date"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("« %(value)s » : %(why)s."),
                params={"value": self.cleaned_data["date"], "why": str(exc)},
            ) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        supplier_text = data.get("supplier", "")
        if self.supplier_org is None and supplier_text and not self.supplier_siret:
            # A name not found in the directory: it is the outside supplier's name.
            data["supplier_name"] = data.get("supplier_name") or supplier_text
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV des achats"),
        help_text=_(
            "Une ligne par achat ; colonnes « SIRET », « Montant », « Date » (obligatoires), "
            "« Fournisseur » et « Objet » (facultatives). Séparateur ; ou , — UTF-8 ou Windows."
        ),
    )
    strict = forms.BooleanField(
        label=_("Tout ou rien : ne rien enregistrer si une ligne est en erreur"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop gros (%(size)s Mo) : 5 Mo au plus, découpez-le par année."),
                params={"size": upload.size // (1024 * 1024)},
            )
        return upload


class DashboardForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    side = forms.ChoiceField(
        label=_("Territoire de"),
        choices=[("fournisseur", _("la coopérative fournisseuse")), ("acheteur", _("l'acheteuse"))],
        required=False,
    )
    level = forms.ChoiceField(
        label=_("Échelon"),
        choices=[("region", _("Région")), ("departement", _("Département"))],
        required=False,
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
