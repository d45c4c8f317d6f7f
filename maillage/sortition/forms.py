"""Forms of the sortition pages. They parse and check input; the rules live in services."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User

from .models import Convention

MAX_CSV_BYTES = 2_000_000
MAX_LOTTERY_BYTES = 20_000_000


def parse_features(text: str) -> list[dict[str, Any]]:
    """``Genre : femme, homme, autre`` per line → the convention's features definition."""
    features: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, values = line.partition(":")
        names = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not label.strip() or len(names) < 2:
            raise forms.ValidationError(
                _(
                    "Ligne %(n)d : écrivez « Critère : valeur 1, valeur 2, … » "
                    "(deux valeurs au moins)."
                ),
                params={"n": number},
            )
        keys = [slugify(n) or f"v{k}" for k, n in enumerate(names)]
        if len(set(keys)) != len(keys):
            raise forms.ValidationError(
                _("Ligne %(n)d : deux valeurs identiques."), params={"n": number}
            )
        features.append(
            {
                "key": slugify(label) or f"critere-{number}",
                "label": label.strip(),
                "values": [{"key": k, "label": n} for k, n in zip(keys, names, strict=True)],
            }
        )
    if not features:
        raise forms.ValidationError(_("Indiquez au moins un critère."))
    if len({f["key"] for f in features}) != len(features):
        raise forms.ValidationError(_("Deux critères portent le même nom."))
    return features


class ConventionForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    panel_size = forms.IntegerField(
        label=_("Nombre de sièges du panel"), min_value=1, max_value=1000
    )
    features = forms.CharField(
        label=_("Critères de représentativité"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Un critère par ligne, par exemple : « Genre : femme, homme, autre »."),
    )
    one_per_cooperative = forms.BooleanField(
        label=_("Au plus une personne par coopérative dans le panel"), required=False
    )
    organisers = forms.CharField(
        label=_(
            "Organisateur·ices (adresses e-mail de comptes existants, séparées par des virgules)"
        ),
        required=False,
    )

    def clean_features(self) -> list[dict[str, Any]]:
        return parse_features(self.cleaned_data["features"])

    def clean_organisers(self) -> list[User]:
        emails = [
            e.strip().lower() for e in self.cleaned_data["organisers"].split(",") if e.strip()
        ]
        users = list(User.objects.filter(email__in=emails, is_active=True))
        unknown = sorted(set(emails) - {u.email.lower() for u in users})
        if unknown:
            raise forms.ValidationError(
                _("Aucun compte pour : %(emails)s."), params={"emails": ", ".join(unknown)}
            )
        return users


class VolunteerForm(forms.Form):
    """Name, e-mail, cooperative, one choice per criterion, consent."""

    full_name = forms.CharField(label=_("Prénom et nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail"))
    cooperative = forms.CharField(
        label=_("Votre coopérative (facultatif)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, convention: Convention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.convention = convention
        for feature in convention.features:
            self.fields[f"f_{feature['key']}"] = forms.ChoiceField(
                label=feature["label"],
                choices=[("", "—")] + [(v["key"], v["label"]) for v in feature["values"]],
            )
        self.fields["consent"] = forms.BooleanField(
            label=_(
                "J'accepte que mes réponses soient traitées pour ce tirage au sort : seules les "
                "personnes qui l'organisent voient mon nom, mon adresse et ma coopérative ; les "
                "fichiers publiés ne portent qu'un pseudonyme."
            ),
            error_messages={
                "required": _("Sans votre consentement, vous ne pouvez pas entrer dans le vivier.")
            },
        )

    def feature_values(self) -> dict[str, str]:
        return {f["key"]: self.cleaned_data[f"f_{f['key']}"] for f in self.convention.features}


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Colonnes : nom, email, cooperative, consentement (oui) et une colonne par critère, "
            "nommée comme le critère. Séparateur virgule ou point-virgule, encodage UTF-8."
        ),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        return bytes(upload.read())


class QuotasForm(forms.Form):
    """A minimum and a maximum per criterion value, built from the quota rows."""

    def __init__(
        self,
        *args: Any,
        rows: list[dict[str, Any]],
        panel_size: int,
        editable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            name = f"{row['feature']}__{row['value']}"
            label = f"{row['feature_label']} : {row['value_label']}"
            for side, text in (("min", _("Minimum pour %(v)s")), ("max", _("Maximum pour %(v)s"))):
                field_label = text % {"v": label}
                self.fields[f"{side}__{name}"] = forms.IntegerField(
                    label=field_label,
                    min_value=0,
                    max_value=panel_size,
                    initial=row[side],
                    widget=forms.NumberInput(attrs={"aria-label": field_label}),
                    disabled=not editable,
                )
            row["min_field"] = f"min__{name}"
            row["max_field"] = f"max__{name}"
            row["min_bound"] = self[row["min_field"]]
            row["max_bound"] = self[row["max_field"]]

    def bounds(self) -> dict[tuple[str, str], tuple[int, int]]:
        return {
            (row["feature"], row["value"]): (
                self.cleaned_data[row["min_field"]],
                self.cleaned_data[row["max_field"]],
            )
            for row in self.rows
        }


class AnnounceForm(forms.Form):
    source = forms.CharField(
        label=_("Source du hasard"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ce qui produira la graine, décrit pour que chacun puisse la constater : par exemple "
            "« les cinq numéros du tirage public de l'assemblée, dans l'ordre, séparés par des "
            "tirets » ou « trois dés lancés en séance »."
        ),
    )
    event_at = forms.DateTimeField(
        label=_("Date et heure de l'événement public"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
        ),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"],
    )


class SeedForm(forms.Form):
    seed = forms.CharField(
        label=_("Graine (résultat de l'événement public)"),
        max_length=500,
        help_text=_(
            "Recopiez-la exactement comme elle sera publiée ; les espaces autour sont ignorés."
        ),
    )


class VerifyForm(forms.Form):
    seed = forms.CharField(label=_("Graine publiée"), max_length=500)
    file = forms.FileField(
        label=_("Fichier de loterie (facultatif)"),
        required=False,
        help_text=_(
            "Par défaut, le fichier publié sur cette page ; vous pouvez envoyer votre copie."
        ),
    )

    def clean_file(self) -> dict[str, Any] | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_LOTTERY_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo."))
        try:
            document = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(_("Ce fichier n'est pas un JSON UTF-8 lisible.")) from error
        if not isinstance(document, dict):
            raise forms.ValidationError(_("Ce fichier n'est pas un fichier de loterie."))
        return document
