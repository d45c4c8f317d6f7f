"""Forms of the indicators app. The campaign form is generated from the catalogue: one input per
field, read with :func:`catalogue.parse_value` so that typing and importing agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import Catalogue, FieldDef, FieldType, ParseError, parse_value, raw_for_input
from .models import IndicatorForm
from .survey import Questionnaire
from .validation import FieldIssue


class CatalogueField(forms.Field):
    """A text input read with the catalogue's parser (French decimals, spaces as separators)."""

    def __init__(self, definition: FieldDef, **kwargs: Any) -> None:
        self.definition = definition
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return parse_value(self.definition, value)
        except ParseError as error:
            raise forms.ValidationError(str(error)) from error


def _widget_attrs(f: FieldDef) -> dict[str, str]:
    if f.type is FieldType.COUNT:
        return {"inputmode": "numeric", "autocomplete": "off", "size": "12"}
    if f.is_numeric:
        return {"inputmode": "decimal", "autocomplete": "off", "size": "14"}
    return {}


def _form_field(f: FieldDef) -> forms.Field:
    common: dict[str, Any] = {"label": f.label, "required": False, "help_text": f.help_text}
    if f.type is FieldType.CHOICE:
        return forms.TypedChoiceField(
            choices=[("", _("— non renseigné —")), *f.choices],
            empty_value=None,
            **common,
        )
    if f.type is FieldType.MULTICHOICE:
        return forms.MultipleChoiceField(
            choices=f.choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if f.type is FieldType.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    if f.type is FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return CatalogueField(f, widget=forms.TextInput(attrs=_widget_attrs(f)), **common)


class IndicatorValuesForm(forms.Form):
    """Every field of the form's catalogue, grouped by section in the template."""

    def __init__(self, *args: Any, form: IndicatorForm, **kwargs: Any) -> None:
        self.indicator_form = form
        self.catalogue: Catalogue = form.catalogue
        kwargs.setdefault(
            "initial",
            {f.key: _initial(f, form.values.get(f.key)) for f in self.catalogue},
        )
        super().__init__(*args, **kwargs)
        for f in self.catalogue:
            self.fields[f.key] = _form_field(f)

    def values(self) -> dict[str, Any]:
        """Values of the fields that could be read, as stored in the document."""
        out: dict[str, Any] = {}
        for f in self.catalogue:
            if f.key not in self.cleaned_data:
                continue
            value = self.cleaned_data[f.key]
            if f.type is FieldType.DATE:
                value = value.isoformat() if isinstance(value, dt.date) else None
            elif f.type is FieldType.TEXT:
                value = value.strip() or None
            elif f.type is FieldType.MULTICHOICE:
                value = list(value)
            out[f.key] = value
        return out

    def add_issues(self, issues: list[FieldIssue]) -> None:
        """Show the rules the values break next to the fields (the draft is already saved)."""
        for i in issues:
            if i.field in self.fields:
                self.add_error(i.field, f"{i.message} (règle : {i.rule_label})")

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (section.value, title, [self[f.key] for f in fields])
            for section, title, fields in self.catalogue.sections()
        ]


def _initial(f: FieldDef, value: Any) -> Any:
    if f.type in (FieldType.CHOICE, FieldType.MULTICHOICE, FieldType.TEXT):
        return value if value is not None else ([] if f.type is FieldType.MULTICHOICE else "")
    if f.type is FieldType.DATE:
        return value or ""
    return raw_for_input(f, value)


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label=_("Tableur rempli (XLSX ou CSV)"),
        help_text=_(
            "Le modèle téléchargé plus haut, rempli dans la colonne « valeur ». 2 Mo au plus."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class CampaignForm(forms.Form):
    union = forms.ChoiceField(label=_("Union régionale"))
    year = forms.IntegerField(
        label=_("Année des données"),
        min_value=2000,
        max_value=2100,
        help_text=_("L'année que décrivent les chiffres (l'exercice clos), pas l'année en cours."),
    )
    deadline = forms.DateField(
        label=_("Date limite de réponse"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, unions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        union_field = self.fields["union"]
        assert isinstance(union_field, forms.ChoiceField)
        union_field.choices = unions


class ReviewForm(forms.Form):
    """The delegate's decision, with one optional comment per field."""

    general = forms.CharField(
        label=_("Commentaire général"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, form: IndicatorForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = form.catalogue
        for f in self.catalogue:
            if f.key in self.catalogue.unit_fields():
                continue
            self.fields[f"commentaire_{f.key}"] = forms.CharField(
                label=_("Commentaire sur « %(label)s »") % {"label": f.label},
                required=False,
                max_length=2000,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def comments(self) -> dict[str, str]:
        prefix = "commentaire_"
        return {
            name.removeprefix(prefix): value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and value
        }


class SurveyForm(forms.Form):
    """The anonymous questionnaire: one group of radio buttons per item, all optional."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for inst in questionnaire.asked:
            for item in inst.items:
                self.fields[item.key] = forms.TypedChoiceField(
                    label=item.text,
                    choices=list(enumerate(inst.options)),
                    coerce=int,
                    required=False,
                    empty_value=None,
                    widget=forms.RadioSelect,
                )

    def blocks(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (inst, [self[item.key] for item in inst.items]) for inst in self.questionnaire.asked
        ]
