"""Forms of the democracy app: comments, and reading a ballot from a POST."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Proposal

GRADE_FIELD_PREFIX = "mention-"
NO_OPINION = ""


class CommentForm(forms.Form):
    """A comment on a proposal."""

    body = forms.CharField(
        label=_("Votre commentaire"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


def grade_field_name(proposal: Proposal) -> str:
    """Name of the radio group for one proposal, e.g. ``mention-12``."""
    return f"{GRADE_FIELD_PREFIX}{proposal.pk}"


def ballot_from_post(data: Mapping[str, str], proposals: Iterable[Proposal]) -> dict[int, object]:
    """Read the grades a ballot form submitted: {proposal id: grade, or None when not graded}.

    Digits become ints; anything else is passed on as it came, so that the service refuses it
    with the message that names the proposal and the value (the service alone decides).
    """
    grades: dict[int, object] = {}
    for proposal in proposals:
        raw = data.get(grade_field_name(proposal), NO_OPINION)
        if raw == NO_OPINION:
            grades[proposal.pk] = None
        elif raw.isdigit():
            grades[proposal.pk] = int(raw)
        else:
            grades[proposal.pk] = raw
    return grades


# --- bodies, decisions by consent, elections ---------------------------------------------------


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the body, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def _members_queryset(body: Any) -> Any:
    from maillage.accounts.models import User

    return User.objects.filter(democracy_body_memberships__body=body).order_by("full_name", "email")


class DecisionForm(forms.Form):
    """A proposal put to a body."""

    title = forms.CharField(label=_("Intitulé"), max_length=200)
    text = forms.CharField(
        label=_("Proposition"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ce que vous proposez, et pourquoi : le texte sur lequel chacun consentira."),
    )
    facilitator = MemberChoiceField(
        label=_("Facilitation"),
        queryset=None,
        help_text=_("La personne qui fait avancer les tours et amende la proposition."),
    )

    def __init__(self, *args: Any, body: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = _members_queryset(body)  # type: ignore[attr-defined]


class TextForm(forms.Form):
    """One text: a question, an answer, a reaction, a reply, a reason."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class PositionForm(forms.Form):
    """Consent or a reasoned objection, and an optional concern."""

    stance = forms.ChoiceField(
        label=_("Votre position"),
        choices=[
            ("consent", _("Je consens")),
            ("objection", _("J'objecte")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_(
            "Obligatoire pour une objection : en quoi la proposition nuirait-elle à l'instance "
            "ou à sa mission ?"
        ),
    )
    concern = forms.CharField(
        label=_("Préoccupation (facultatif, ne bloque pas)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("stance") == "objection" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                _("Une objection se motive : dites en quoi la proposition nuirait à l'instance."),
            )
        return data


class AmendForm(forms.Form):
    """A new version of the proposal."""

    text = forms.CharField(label=_("Texte amendé"), widget=forms.Textarea(attrs={"rows": 8}))
    note = forms.CharField(
        label=_("Ce qui change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quelles objections ou réactions cette version intègre-t-elle ?"),
    )


class ElectionForm(forms.Form):
    """An election without candidates."""

    role = forms.CharField(
        label=_("Rôle à pourvoir"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Coprésidence")}),
    )
    role_description = forms.CharField(
        label=_("Missions du rôle"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    term_months = forms.IntegerField(
        label=_("Durée du mandat (mois)"), min_value=1, max_value=120, initial=24
    )
    facilitator = MemberChoiceField(label=_("Facilitation"), queryset=None)

    def __init__(self, *args: Any, body: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = _members_queryset(body)  # type: ignore[attr-defined]


class NominationForm(forms.Form):
    """Nominate a member, with a reason; also used to propose a person."""

    person = MemberChoiceField(label=_("Personne"), queryset=None)
    reason = forms.CharField(
        label=_("Pourquoi cette personne"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, body: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _members_queryset(body)  # type: ignore[attr-defined]


class MemberAddForm(forms.Form):
    """Add a person to a body by their e-mail address."""

    email = forms.EmailField(label=_("Adresse e-mail du compte"))


# --- exchanges of practices ----------------------------------------------------------------------


class ThreadForm(forms.Form):
    """A new thread and its first message."""

    title = forms.CharField(label=_("Sujet"), max_length=200)
    body = forms.CharField(
        label=_("Votre message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=8000
    )


class ReplyForm(forms.Form):
    """A reply in a thread."""

    body = forms.CharField(
        label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000
    )


# --- the letter ----------------------------------------------------------------------------------


class LetterForm(forms.Form):
    """The organisers' wording of the letter to the national direction."""

    recipient = forms.CharField(label=_("Destinataire"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=6000,
        help_text=_("Séparez les paragraphes par une ligne vide."),
    )
    priorities = forms.IntegerField(
        label=_("Nombre de priorités détaillées"), min_value=1, max_value=60
    )
    signature = forms.CharField(label=_("Signature"), max_length=200)


def posted_pk(data: Mapping[str, str], name: str) -> int | None:
    """An id posted by a button or a hidden field, or None when it is not a number (→ 404)."""
    value = data.get(name, "")
    return int(value) if value.isdigit() else None
