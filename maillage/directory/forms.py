"""Forms of the directory pages: profile, offers (with intervention zones), entrepreneurs and
the contact form.

Plain forms built from the model fields (labels, validators), not ModelForms: the services
compare the saved values with the typed ones to record what changed, so a form must never
write into the instance itself.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.forms.models import fields_for_model
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.sectors.models import Nomenclature, Sector
from maillage.territories.enums import ZoneLevel
from maillage.territories.models import Commune, Departement, Epci, Region

from .enums import Visibility, ZoneMode
from .models import Entrepreneur, Establishment, Offer, Organisation


class SectorCodeField(forms.CharField):
    """A NAF code (« 43.32A ») typed by hand, resolved to the sector."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("label", gettext_lazy("Activité (code NAF)"))
        kwargs.setdefault("help_text", gettext_lazy("Par exemple 43.32A (menuiserie bois et PVC)."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Sector | None:
        code = (super().clean(value) or "").strip().upper()
        if not code:
            return None
        if re.fullmatch(r"\d{4}[A-Z]", code):
            code = f"{code[:2]}.{code[2:]}"
        sector = Sector.objects.filter(nomenclature=Nomenclature.NAF_REV2, code=code).first()
        if sector is None:
            raise forms.ValidationError(_("Code NAF inconnu : « %(code)s ».") % {"code": code})
        return sector


def _initial_sector(instance: Any) -> str:
    return instance.sector.code if instance is not None and instance.sector_id else ""


class OrganisationProfileForm(forms.Form):
    """The profile an organisation's administrators edit."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        names = [
            "name",
            "acronym",
            "description",
            "website",
            "contact_email",
            "phone",
            "creation_date",
            "headcount_band",
            "headcount",
            "associates_count",
        ]
        initial = {name: getattr(organisation, name) for name in names}
        initial["sector"] = _initial_sector(organisation)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Organisation,
                fields=names,
                formfield_callback=lambda f, **kw: f.formfield(
                    **({"assume_scheme": "https"} if f.name == "website" else {}), **kw
                ),
            )
        )
        self.fields["sector"] = SectorCodeField()
        self.fields["creation_date"].widget = forms.DateInput(attrs={"type": "date"})
        self.order_fields([*names[:3], "sector", *names[3:]])


def zone_label(level: str, code: str, name: str) -> str:
    """How a zone is written in the form (and read back by parse_zone)."""
    if level == ZoneLevel.REGION:
        return f"{name} (région {code})"
    return f"{name} ({code})"


def parse_zone(text: str) -> tuple[str, str, str] | None:
    """(level, code, name) of a typed zone: « Loire (42) », « Rhône », « 69 »,
    « Auvergne-Rhône-Alpes (région 84) », an EPCI or a commune by name or code."""
    text = " ".join(text.split())
    if not text:
        return None
    match = re.search(r"\((région )?([0-9A-Za-z]{2,9})\)$", text)
    code = match.group(2).upper() if match else text.upper()
    if match and match.group(1):
        region = Region.objects.filter(pk=code).first()
        return (ZoneLevel.REGION, region.code, region.name) if region else None
    if len(code) <= 3:
        dep = Departement.objects.filter(pk=code).first()
        if dep:
            return ZoneLevel.DEPARTEMENT, dep.code, dep.name
    if re.fullmatch(r"\d{9}", code):
        epci = Epci.objects.filter(pk=code).first()
        if epci:
            return ZoneLevel.EPCI, epci.siren, epci.name
    if re.fullmatch(r"[0-9][0-9AB][0-9]{3}", code):
        commune = Commune.objects.filter(pk=code).first()
        if commune:
            return ZoneLevel.COMMUNE, commune.code, commune.name
    name = text if not match else text[: match.start()].strip()
    for level, model, key in (
        (ZoneLevel.DEPARTEMENT, Departement, "code"),
        (ZoneLevel.REGION, Region, "code"),
        (ZoneLevel.EPCI, Epci, "siren"),
        (ZoneLevel.COMMUNE, Commune, "code"),
    ):
        found = model.objects.filter(name__iexact=name).order_by(key).first()
        if found is not None:
            return level, getattr(found, key), found.name
    return None


class OfferForm(forms.Form):
    """An offer and where it is delivered: all of France, a radius, or chosen territories.

    Zones come as several ``zones`` inputs (each with the territory suggestions of a
    datalist), read from the POST data by ``clean``.
    """

    EXTRA_ZONE_INPUTS = 3

    zone_mode = forms.ChoiceField(
        label=gettext_lazy("Où intervenez-vous ?"),
        choices=ZoneMode.choices,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, organisation: Organisation, offer: Offer | None = None, **kwargs: Any
    ) -> None:
        names = ["title", "description", "keywords"]
        if offer is not None:
            initial = {name: getattr(offer, name) for name in names}
            initial.update(
                zone_mode=offer.zone_mode,
                radius_km=offer.radius_km,
                origin=offer.origin_id,
                sector=_initial_sector(offer),
            )
            kwargs.setdefault("initial", initial)
        else:
            kwargs.setdefault("initial", {"zone_mode": ZoneMode.RADIUS, "radius_km": 30})
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(Offer, fields=names)
        self.fields.update(model_fields)
        self.fields["sector"] = SectorCodeField()
        self.fields["radius_km"] = forms.IntegerField(
            label=gettext_lazy("Rayon (km)"), required=False, min_value=1, max_value=1000
        )
        self.fields["origin"] = forms.ModelChoiceField(
            label=gettext_lazy("Autour de l'établissement"),
            queryset=Establishment.objects.filter(organisation=organisation).select_related(
                "commune"
            ),
            required=False,
            empty_label=gettext_lazy("Le siège"),
        )
        self.fields["origin"].label_from_instance = lambda e: (  # type: ignore[attr-defined]
            f"{e.commune.name if e.commune_id else e} — {e.address}".strip(" —")
        )
        self.order_fields(
            ["title", "description", "keywords", "sector", "zone_mode", "radius_km", "origin"]
        )
        self.zone_texts: list[str] = []
        if self.is_bound:
            # Bound from a request: the data is a QueryDict (several "zones" fields).
            data = cast(QueryDict, self.data)
            self.zone_texts = [t for t in data.getlist("zones") if t.strip()]
        elif offer is not None and offer.pk:
            names_by_zone = _zone_labels([(z.level, z.code) for z in offer.zones.all()])
            self.zone_texts = [
                names_by_zone.get((z.level, z.code), z.code) for z in offer.zones.all()
            ]
        self.zone_inputs = [*self.zone_texts, *[""] * self.EXTRA_ZONE_INPUTS]
        self.zone_errors: list[str] = []

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        zones: list[tuple[str, str]] = []
        for text in self.zone_texts:
            parsed = parse_zone(text)
            if parsed is None:
                self.zone_errors.append(_("Territoire inconnu : « %(zone)s ».") % {"zone": text})
            else:
                zones.append((parsed[0], parsed[1]))
        mode = data.get("zone_mode")
        if mode == ZoneMode.RADIUS and not data.get("radius_km"):
            self.add_error("radius_km", _("Indiquez le rayon d'intervention en kilomètres."))
        if mode == ZoneMode.ZONES:
            if self.zone_errors:
                self.add_error("zone_mode", " ".join(self.zone_errors))
            elif not zones:
                self.add_error("zone_mode", _("Choisissez au moins un territoire d'intervention."))
        data["zones"] = zones
        return data


def _zone_labels(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    from .selectors import _zone_names

    names = _zone_names(pairs)
    return {pair: zone_label(pair[0], pair[1], names.get(pair, pair[1])) for pair in pairs}


def zone_suggestions(organisation: Organisation) -> list[str]:
    """Datalist entries: every département and région, and the EPCIs of the head office's
    département (others are typed by name or SIREN)."""
    entries = [
        zone_label(ZoneLevel.DEPARTEMENT, code, name)
        for code, name in Departement.objects.order_by("code").values_list("code", "name")
    ]
    entries += [
        zone_label(ZoneLevel.REGION, code, name)
        for code, name in Region.objects.order_by("name").values_list("code", "name")
    ]
    commune = organisation.commune if organisation.commune_id else None
    if commune is not None:
        entries += [
            zone_label(ZoneLevel.EPCI, siren, name)
            for siren, name in Epci.objects.filter(communes__departement_id=commune.departement_id)
            .distinct()
            .order_by("name")
            .values_list("siren", "name")
        ]
    return entries


class EntrepreneurForm(forms.Form):
    """An entrepreneur's sub-profile, and who may see it."""

    def __init__(self, *args: Any, entrepreneur: Entrepreneur, **kwargs: Any) -> None:
        names = ["display_name", "activity", "visibility"]
        initial = {name: getattr(entrepreneur, name) for name in names}
        initial["sector"] = _initial_sector(entrepreneur)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Entrepreneur, fields=names))
        self.fields["visibility"] = forms.ChoiceField(
            label=gettext_lazy("Qui voit votre fiche ?"),
            choices=Visibility.choices,
            widget=forms.RadioSelect,
        )
        self.fields["sector"] = SectorCodeField()
        self.order_fields(["display_name", "activity", "sector", "visibility"])


class ContactForm(forms.Form):
    """A message for the organisation; its address is never shown."""

    name = forms.CharField(label=gettext_lazy("Votre nom"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("Votre adresse e-mail"),
        help_text=gettext_lazy("La réponse vous parviendra à cette adresse."),
    )
    message = forms.CharField(
        label=gettext_lazy("Votre message"),
        max_length=5000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # Left empty by people; robots fill every field.
    url = forms.CharField(
        label=gettext_lazy("Ne pas remplir"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_url(self) -> str:
        if self.cleaned_data.get("url"):
            raise forms.ValidationError(_("Ce champ doit rester vide."))
        return ""
