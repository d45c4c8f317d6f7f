"""Pages of sociocratic elections without candidates. Thin: check the permission, call one
service, render; the rules live in consent_process and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import perms, selectors, services
from .consent_process import (
    ElectionPhase,
    election_actions,
)
from .enums import ElectionPhase as ElectionPhaseChoice
from .forms import (
    ElectionForm,
    NominationForm,
    PositionForm,
    TextForm,
    posted_pk,
)
from .models import (
    Body,
    Election,
    ElectionPosition,
)
from .views_bodies import _deny


@login_required
def election_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A member opens an election without candidates for a role of the body."""
    body = get_object_or_404(Body, slug=slug)
    if not perms.can_propose(request.user, body):
        raise PermissionDenied
    form = ElectionForm(body=body, initial={"facilitator": request.user.pk, "term_months": 24})
    if request.method == "POST":
        form = ElectionForm(request.POST, body=body)
        if form.is_valid():
            try:
                election = services.election_create(
                    body=body, creator=request.user, **form.cleaned_data
                )
            except services.DemocracyError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("L'élection est ouverte : chaque membre nomme une personne.")
                )
                return redirect("democracy:election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "democracy/bodies/election_form.html",
        {"body": body, "form": form},
        status=400 if form.errors else 200,
    )


def _election(slug: str, pk: int) -> Election:
    return get_object_or_404(
        Election.objects.select_related("body__union", "facilitator", "candidate", "elected"),
        pk=pk,
        body__slug=slug,
    )


def _election_context(
    request: HttpRequest, election: Election, forms: dict[str, Any]
) -> dict[str, Any]:
    user = request.user
    body = election.body
    full = perms.can_view_body(user, body)
    outcome = services.election_round(election) if election.round else None
    rounds = selectors.election_positions(election)
    current = rounds.get(election.round, []) if election.phase == ElectionPhase.CONSENT else []
    mine = next((p for p in current if p.member_id == user.pk), None)
    facilitating = perms.is_facilitator(user, election)
    nominations = selectors.election_nominations(election, user)
    count = election.nominations.filter(round=1).count()
    actions = (
        election_actions(ElectionPhase(election.phase), count, outcome)
        if facilitating
        else frozenset()
    )
    members = selectors.body_members(body) if full else []
    missing = {m.user_id for m in members} - {p.member_id for p in current}
    own = nominations.mine.get(2) or nominations.mine.get(1)
    defaults: dict[str, Any] = {
        "nominate": NominationForm(
            body=body,
            initial={"person": own.nominee_id} if own else None,
            auto_id="nominate_%s",
        ),
        "propose": NominationForm(
            body=body,
            initial={"person": nominations.tally[0][0].pk} if nominations.tally else None,
            auto_id="propose_%s",
        ),
        "position": PositionForm(
            initial={"stance": mine.stance, "reason": mine.reason, "concern": mine.concern}
            if mine
            else None,
            auto_id="position_%s",
        ),
        "outcome": TextForm(label=_("Note pour le relevé (facultatif)"), auto_id="outcome_%s"),
    }
    defaults.update(forms)
    return {
        "body": body,
        "election": election,
        "full": full,
        "nominations": nominations,
        "nomination_count": count,
        "rounds": sorted(rounds.items(), reverse=True),
        "current_positions": current,
        "outcome": outcome,
        "my_position": mine,
        "missing": [m.user for m in members if m.user_id in missing],
        "participants": list(election.participants.order_by("full_name", "email"))
        if not election.is_open
        else [],
        "can_take_part": perms.can_take_part(user, election),
        "facilitating": facilitating,
        "actions": {a.value for a in actions},
        "phase": election.phase,
        "phase_steps": [(p.value, p.label) for p in ElectionPhaseChoice if p != "cancelled"],
        "forms": defaults,
    }


def election_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An election: the role, the nominations as revealed, the consent rounds, the outcome."""
    election = _election(slug, pk)
    if not perms.can_view_record(request.user, election):
        return _deny(request)
    return render(
        request, "democracy/bodies/election_detail.html", _election_context(request, election, {})
    )


ELECTION_MESSAGES = {
    "nominate": gettext_lazy(
        "Votre nomination est enregistrée ; elle sera révélée avec les autres à la fin du tour."
    ),
    "next": gettext_lazy("Les nominations sont révélées : le tour des changements est ouvert."),
    "propose": gettext_lazy("La proposition est faite : le tour de consentement est ouvert."),
    "position": gettext_lazy("Votre position est enregistrée."),
    "lift": gettext_lazy("Votre objection est levée ; elle reste au relevé."),
    "conclude": gettext_lazy("L'élection est consignée au relevé."),
    "cancel": gettext_lazy("L'élection est annulée."),
}


@login_required
@require_POST
def election_act(request: HttpRequest, slug: str, pk: int, step: str) -> HttpResponse:
    """Every step of an election, each through its service; errors keep what was typed."""
    election = _election(slug, pk)
    user = request.user
    if step not in ELECTION_MESSAGES:
        raise Http404
    if not perms.is_body_member(user, election.body):
        raise PermissionDenied
    form: Any = None
    try:
        if step in ("nominate", "propose"):
            form = NominationForm(request.POST, body=election.body, auto_id=f"{step}_%s")
            if form.is_valid():
                if step == "nominate":
                    services.nomination_give(
                        election=election,
                        voter=user,
                        nominee=form.cleaned_data["person"],
                        reason=form.cleaned_data["reason"],
                    )
                else:
                    services.election_propose(
                        election=election,
                        actor=user,
                        candidate=form.cleaned_data["person"],
                        reason=form.cleaned_data["reason"],
                    )
        elif step == "position":
            form = PositionForm(request.POST, auto_id="position_%s")
            if form.is_valid():
                services.election_position_state(
                    election=election, member=user, **form.cleaned_data
                )
        elif step == "lift":
            position = get_object_or_404(
                ElectionPosition, pk=posted_pk(request.POST, "position"), election=election
            )
            services.election_objection_withdraw(position=position, actor=user)
        elif step == "next":
            services.election_advance(election=election, actor=user)
        elif step == "conclude":
            services.election_conclude(
                election=election, actor=user, note=request.POST.get("text", "")
            )
        elif step == "cancel":
            services.election_cancel(
                election=election, actor=user, note=request.POST.get("text", "")
            )
    except services.DemocracyError as error:
        refused = error.message
    else:
        refused = ""
    if refused or (form is not None and form.errors):
        key = "outcome" if step in ("conclude", "cancel") else step
        if step == "lift":
            key = "position"
        election.refresh_from_db()
        context = _election_context(request, election, {key: form} if form is not None else {})
        context.update({"error_step": key, "refused": refused})
        return render(request, "democracy/bodies/election_detail.html", context, status=400)
    messages.success(request, ELECTION_MESSAGES[step])
    return redirect(reverse("democracy:election", args=[slug, pk]) + f"#{step}")
