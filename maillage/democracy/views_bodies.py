"""Pages of the movement's bodies and of their decisions by consent (elections are in
views_elections). Thin: check the permission, call one service, render; the rules live in
consent_process and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import perms, selectors, services
from .consent_process import (
    DecisionPhase,
    decision_actions,
)
from .enums import DecisionPhase as DecisionPhaseChoice
from .forms import (
    AmendForm,
    DecisionForm,
    MemberAddForm,
    PositionForm,
    TextForm,
    posted_pk,
)
from .models import (
    Body,
    ConsentDecision,
    DecisionPosition,
    DecisionQuestion,
)


def _deny(request: HttpRequest) -> HttpResponse:
    """Anonymous people are sent to log in; others are refused."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def bodies_index(request: HttpRequest) -> HttpResponse:
    """The bodies one sits in, and those that publish their record."""
    mine, public = selectors.bodies_list(request.user)
    return render(request, "democracy/bodies/index.html", {"mine": mine, "public": public})


def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A body: members, decisions and elections (its members); the public record (others)."""
    body = get_object_or_404(Body.objects.select_related("union"), slug=slug)
    full = perms.can_view_body(request.user, body)
    if not full and not body.public_record:
        return _deny(request)
    can_manage = perms.can_manage_body(request.user, body)
    member_form = MemberAddForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if "remove" in request.POST:
            members = body.memberships.filter(pk=posted_pk(request.POST, "remove") or 0)
            for item in members.select_related("user"):
                services.body_member_remove(body=body, user=item.user)
                messages.success(
                    request, _("%(name)s ne fait plus partie de l'instance.") % {"name": item.user}
                )
            return redirect("democracy:body", slug=body.slug)
        member_form = MemberAddForm(request.POST)
        if member_form.is_valid():
            try:
                added = services.body_member_add(body=body, email=member_form.cleaned_data["email"])
            except services.DemocracyError as error:
                member_form.add_error("email", error.message)
            else:
                messages.success(
                    request, _("%(name)s fait partie de l'instance.") % {"name": added.user}
                )
                return redirect("democracy:body", slug=body.slug)
    context = {
        "body": body,
        "full": full,
        "is_member": perms.is_body_member(request.user, body),
        "can_manage": can_manage,
        "members": selectors.body_members(body) if full else [],
        "decisions": list(selectors.body_decisions(body, concluded_only=not full)),
        "elections": list(selectors.body_elections(body, concluded_only=not full)),
        "member_form": member_form,
    }
    return render(
        request,
        "democracy/bodies/body_detail.html",
        context,
        status=200 if member_form.is_bound is False or not member_form.errors else 400,
    )


# --- decisions by consent ----------------------------------------------------------------------


@login_required
def decision_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A member puts a proposal to the body."""
    body = get_object_or_404(Body, slug=slug)
    if not perms.can_propose(request.user, body):
        raise PermissionDenied
    form = DecisionForm(body=body, initial={"facilitator": request.user.pk})
    if request.method == "POST":
        form = DecisionForm(request.POST, body=body)
        if form.is_valid():
            try:
                decision = services.decision_create(
                    body=body,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    facilitator=form.cleaned_data["facilitator"],
                )
            except services.DemocracyError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Votre proposition est soumise à « %(body)s » : place aux questions de "
                        "clarification."
                    )
                    % {"body": body.name},
                )
                return redirect("democracy:decision", slug=body.slug, pk=decision.pk)
    return render(
        request,
        "democracy/bodies/decision_form.html",
        {"body": body, "form": form},
        status=400 if form.errors else 200,
    )


def _decision(slug: str, pk: int) -> ConsentDecision:
    return get_object_or_404(
        ConsentDecision.objects.select_related(
            "body__union", "author", "facilitator", "adopted_version"
        ),
        pk=pk,
        body__slug=slug,
    )


def _decision_context(
    request: HttpRequest, decision: ConsentDecision, forms: dict[str, Any]
) -> dict[str, Any]:
    user = request.user
    full = perms.can_view_body(user, decision.body)
    version = services.current_version(decision)
    outcome = services.decision_round(decision) if decision.round else None
    rounds = selectors.decision_positions(decision)
    current = rounds.get(decision.round, []) if decision.phase == DecisionPhase.CONSENT else []
    mine = next((p for p in current if p.member_id == user.pk), None)
    facilitating = perms.is_facilitator(user, decision)
    actions = (
        decision_actions(DecisionPhase(decision.phase), outcome) if facilitating else frozenset()
    )
    members = selectors.body_members(decision.body) if full else []
    missing = {m.user_id for m in members} - {p.member_id for p in current}
    defaults: dict[str, Any] = {
        "question": TextForm(label=_("Votre question de clarification"), auto_id="question_%s"),
        "reaction": TextForm(label=_("Votre réaction"), auto_id="reaction_%s"),
        "position": PositionForm(
            initial={"stance": mine.stance, "reason": mine.reason, "concern": mine.concern}
            if mine
            else None,
            auto_id="position_%s",
        ),
        "amend": AmendForm(initial={"text": version.text}, auto_id="amend_%s"),
        "outcome": TextForm(label=_("Note pour le relevé (facultatif)"), auto_id="outcome_%s"),
    }
    defaults.update(forms)
    return {
        "body": decision.body,
        "decision": decision,
        "full": full,
        "version": version,
        "versions": list(decision.versions.select_related("author").order_by("-number")),
        "questions": list(decision.questions.select_related("author", "answered_by"))
        if full
        else [],
        "reactions": list(decision.reactions.select_related("author")) if full else [],
        "rounds": sorted(rounds.items(), reverse=True),
        "current_positions": current,
        "outcome": outcome,
        "my_position": mine,
        "missing": [m.user for m in members if m.user_id in missing],
        "participants": list(decision.participants.order_by("full_name", "email"))
        if not decision.is_open
        else [],
        "can_take_part": perms.can_take_part(user, decision),
        "can_answer": perms.can_answer(user, decision),
        "can_withdraw": perms.can_withdraw_decision(user, decision),
        "facilitating": facilitating,
        "actions": {a.value for a in actions},
        "phase": decision.phase,
        "phase_steps": [(p.value, p.label) for p in DecisionPhaseChoice if p != "withdrawn"],
        "forms": defaults,
    }


def decision_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A decision: the proposal and its versions, the rounds, and what one may do now."""
    decision = _decision(slug, pk)
    if not perms.can_view_record(request.user, decision):
        return _deny(request)
    return render(
        request, "democracy/bodies/decision_detail.html", _decision_context(request, decision, {})
    )


DECISION_MESSAGES = {
    "question": gettext_lazy("Votre question est posée."),
    "answer": gettext_lazy("Votre réponse est publiée."),
    "reaction": gettext_lazy("Votre réaction est enregistrée."),
    "position": gettext_lazy("Votre position est enregistrée."),
    "lift": gettext_lazy("Votre objection est levée ; elle reste au relevé."),
    "next": gettext_lazy("L'étape suivante est ouverte."),
    "amend": gettext_lazy("La proposition est amendée : un nouveau tour de consentement commence."),
    "adopt": gettext_lazy("La décision est adoptée par consentement et consignée au relevé."),
    "withdraw": gettext_lazy("La proposition est retirée."),
}


@login_required
@require_POST
def decision_act(request: HttpRequest, slug: str, pk: int, step: str) -> HttpResponse:
    """Every step of a decision, each through its service; errors keep what was typed."""
    decision = _decision(slug, pk)
    user = request.user
    if step not in DECISION_MESSAGES:
        raise Http404
    if not perms.is_body_member(user, decision.body):
        raise PermissionDenied
    form: Any = None
    try:
        if step in ("question", "reaction"):
            label = (
                _("Votre question de clarification") if step == "question" else _("Votre réaction")
            )
            form = TextForm(request.POST, label=label, auto_id=f"{step}_%s")
            if form.is_valid():
                if step == "question":
                    services.question_ask(
                        decision=decision, author=user, text=form.cleaned_data["text"]
                    )
                else:
                    services.reaction_give(
                        decision=decision, author=user, text=form.cleaned_data["text"]
                    )
        elif step == "answer":
            question = get_object_or_404(
                DecisionQuestion, pk=posted_pk(request.POST, "question"), decision=decision
            )
            form = TextForm(request.POST, auto_id="answer_%s")
            if form.is_valid():
                services.question_answer(
                    question=question, author=user, answer=form.cleaned_data["text"]
                )
        elif step == "position":
            form = PositionForm(request.POST, auto_id="position_%s")
            if form.is_valid():
                services.position_state(decision=decision, member=user, **form.cleaned_data)
        elif step == "lift":
            position = get_object_or_404(
                DecisionPosition, pk=posted_pk(request.POST, "position"), decision=decision
            )
            services.objection_withdraw(position=position, actor=user)
        elif step == "next":
            services.decision_advance(decision=decision, actor=user)
        elif step == "amend":
            form = AmendForm(request.POST, auto_id="amend_%s")
            if form.is_valid():
                services.decision_amend(decision=decision, actor=user, **form.cleaned_data)
        elif step in ("adopt", "withdraw"):
            note = request.POST.get("text", "")
            if step == "adopt":
                services.decision_adopt(decision=decision, actor=user, note=note)
            else:
                services.decision_withdraw(decision=decision, actor=user, note=note)
    except services.DemocracyError as error:
        refused = error.message
    else:
        refused = ""
    if step == "answer" and form is not None and form.errors and not refused:
        refused = _("La réponse est vide.")
    if refused or (form is not None and form.errors):
        key = "outcome" if step in ("adopt", "withdraw") else step
        decision.refresh_from_db()
        context = _decision_context(request, decision, {key: form} if form is not None else {})
        context.update({"error_step": key, "refused": refused})
        return render(request, "democracy/bodies/decision_detail.html", context, status=400)
    messages.success(request, DECISION_MESSAGES[step])
    return redirect(reverse("democracy:decision", args=[slug, pk]) + f"#{step}")
