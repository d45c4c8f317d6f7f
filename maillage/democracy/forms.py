"""Forms of the democracy app: comments, and reading a ballot from a POST."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
