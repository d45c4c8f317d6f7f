"""Forms of the mentoring area: volunteering, requests, the public ambassador form, follow-up.

Forms parse and check the shape of input; the rules (past dates, capacity, overlaps) are the
services', whose messages the views attach to the right field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.sectors.models import Sector
from maillage.territories.forms import CommuneField
from maillage.territories.models import Commune, Departement

from .enums import (
    Audience,
    Format,
    RequesterType,
    RequestKind,
    RequestReason,
    Topic,
    VolunteerKind,
    Weekday,
)

SCOPES = (
    ("epci", _("Mon intercommunalité")),
    ("departement", _("Mon département")),
    ("region", _("Ma région")),
    ("union", _("Le territoire de mon union régionale")),
    ("france", _("Toute la France")),
)


def _sections() -> list[tuple[str, str]]:
    return [
        (s.section_code, f"{s.code} — {s.display_label}")
        for s in Sector.objects.filter(level=1).order_by("code")
    ]


class VolunteerForm(forms.Form):
    """A volunteer's profile; which fields show depends on the role."""

    commune = CommuneField(label=_("Commune d'où vous intervenez"))
    scopes = forms.MultipleChoiceField(
        label=_("Territoires couverts"),
        choices=SCOPES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Autour de votre commune."),
    )
    extra_departements = forms.CharField(
        label=_("Autres départements couverts"),
        required=False,
        help_text=_("Codes séparés par des virgules (ex. 42, 69)."),
    )
    capacity = forms.IntegerField(
        label=_("Nombre de coopératives accompagnées à la fois"),
        min_value=1,
        max_value=20,
        initial=1,
    )
    sector_sections = forms.MultipleChoiceField(
        label=_("Familles de secteurs d'activité"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.MultipleChoiceField(
        label=_("Thèmes"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    experience_years = forms.IntegerField(
        label=_("Années d'expérience en coopérative"), min_value=0, max_value=70, initial=0
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Jours où vous êtes disponible"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Aucun jour coché : tous les jours."),
    )
    available_from = forms.DateField(
        label=_("Disponible à partir du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    available_until = forms.DateField(
        label=_("Disponible jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    availability_note = forms.CharField(label=_("Disponibilités"), required=False, max_length=255)
    presentation = forms.CharField(
        label=_("Présentation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_active = forms.BooleanField(
        label=_("Disponible pour de nouvelles demandes"), required=False, initial=True
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        cast(forms.ChoiceField, self.fields["sector_sections"]).choices = _sections()
        if kind == VolunteerKind.SPONSOR:
            for name in ("topics", "formats", "experience_years", "weekdays"):
                del self.fields[name]
        elif kind == VolunteerKind.MENTOR:
            cast(forms.ChoiceField, self.fields["formats"]).choices = [
                (Format.ONE_TO_ONE, Format.ONE_TO_ONE.label),
                (Format.TRAINING, Format.TRAINING.label),
            ]
        else:
            del self.fields["capacity"]
            del self.fields["sector_sections"]
            cast(forms.ChoiceField, self.fields["formats"]).choices = [
                (Format.SCHOOL, Format.SCHOOL.label),
                (Format.EVENT, Format.EVENT.label),
            ]

    def clean_extra_departements(self) -> list[str]:
        raw = self.cleaned_data.get("extra_departements") or ""
        codes = [c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()]
        known = set(Departement.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(_("Départements inconnus : %s.") % ", ".join(unknown))
        return codes

    def territories(self) -> list[str]:
        """The zones covered, as ``level:code``, from the commune and the choices made."""
        commune: Commune = self.cleaned_data["commune"]
        from maillage.territories.selectors import commune_zones

        by_level = dict(commune_zones(commune))
        zones = [
            f"{level}:{by_level[level]}"
            for level in self.cleaned_data.get("scopes", [])
            if level in by_level
        ]
        zones += [f"departement:{code}" for code in self.cleaned_data["extra_departements"]]
        return zones

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("commune") and not data.get("scopes") and not data.get("extra_departements"):
            self.add_error("scopes", _("Indiquez au moins un territoire couvert."))
        return data


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Je cherche"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label=_("À quel moment"), choices=RequestReason.choices)
    topic = forms.ChoiceField(
        label=_("Thème (pour un mentor)"),
        choices=[("", "—"), *Topic.choices],
        required=False,
    )
    message = forms.CharField(
        label=_("Votre besoin en quelques mots"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == RequestKind.MENTOR and not data.get("topic"):
            self.add_error("topic", _("Choisissez le thème sur lequel vous cherchez un mentor."))
        return data


class EventForm(forms.Form):
    """Ask for an ambassador. Also the public form: contact details are required, and a
    hidden field left empty by people (and filled by robots) catches spam."""

    requester_type = forms.ChoiceField(label=_("Vous êtes"), choices=RequesterType.choices)
    requester_name = forms.CharField(
        label=_("Nom de l'établissement ou de la structure"), max_length=200
    )
    title = forms.CharField(label=_("Intitulé de l'intervention"), max_length=200)
    commune = CommuneField(label=_("Commune de l'intervention"))
    place = forms.CharField(label=_("Lieu (adresse, salle)"), max_length=255, required=False)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("Heure de début"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(label=_("Heure de fin"), widget=forms.TimeInput(attrs={"type": "time"}))
    audience = forms.ChoiceField(label=_("Public"), choices=Audience.choices)
    audience_size = forms.IntegerField(
        label=_("Nombre de participants"), min_value=1, max_value=5000
    )
    topic = forms.ChoiceField(label=_("Thème"), choices=Topic.choices)
    message = forms.CharField(
        label=_("Précisions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=_("Personne à contacter"), max_length=150)
    contact_email = forms.EmailField(label=_("E-mail de contact"))
    contact_phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    website = forms.CharField(
        label=_("Ne pas remplir"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Ce champ doit rester vide."))
        return ""

    def times(self) -> tuple[datetime, datetime]:
        """Start and end as aware datetimes in the platform's time zone."""
        day = self.cleaned_data["day"]
        tz = timezone.get_current_timezone()
        starts = timezone.make_aware(datetime.combine(day, self.cleaned_data["start"]), tz)
        ends = timezone.make_aware(datetime.combine(day, self.cleaned_data["end"]), tz)
        return starts, ends


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Nouvelle note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Appréciation"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 : très utile ; 1 : pas utile."),
    )
    comment = forms.CharField(
        label=_("En quelques mots"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
