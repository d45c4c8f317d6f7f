"""Pages of congresses, workshops, proposals, votes, results and the roadmap. Thin: parse,
call one service or selector, render."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import perms, selectors, services
from .charts import merit_profiles_svg
from .forms import CommentForm, LetterForm, ballot_from_post, grade_field_name
from .grades import SCALE
from .models import Event, Proposal, Vote, Workshop


def index(request: HttpRequest) -> HttpResponse:
    """The democracy area: congresses and assemblies, most recent first."""
    return render(request, "democracy/index.html", {"events": selectors.events_list()})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An event: presentation, registration, workshops, votes."""
    event = get_object_or_404(Event.objects.select_related("union"), slug=slug)
    context = {
        "event": event,
        "workshops": selectors.event_workshops(event),
        "votes": list(event.votes.all()),
        "registered": perms.is_registered(request.user, event),
        "can_register": perms.can_register(request.user, event),
        "registration_count": event.registrations.count(),
        "has_roadmap": event.roadmap_actions.exists(),
    }
    return render(request, "democracy/event_detail.html", context)


@login_required
@require_POST
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    """Register for an event, or cancel one's registration."""
    event = get_object_or_404(Event, slug=slug)
    if request.POST.get("action") == "cancel":
        services.registration_cancel(event=event, user=request.user)
        messages.success(request, _("Votre inscription est annulée."))
    else:
        try:
            services.registration_create(event=event, user=request.user)
        except services.DemocracyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Vous êtes inscrit·e à « %s ».") % event.title)
    return redirect("democracy:event", slug=event.slug)


def workshop_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """A workshop's restitution: introduction and proposals, grouped by sub-theme."""
    workshop = get_object_or_404(
        Workshop.objects.select_related("event"), event__slug=slug, code=code
    )
    groups: list[dict[str, Any]] = []
    for proposal in selectors.workshop_proposals(workshop):
        if not groups or groups[-1]["theme"] != proposal.theme:
            groups.append({"theme": proposal.theme, "proposals": []})
        groups[-1]["proposals"].append(proposal)
    siblings = list(workshop.event.workshops.order_by("position", "code"))
    index = next(i for i, w in enumerate(siblings) if w.pk == workshop.pk)
    context = {
        "event": workshop.event,
        "workshop": workshop,
        "groups": groups,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
    }
    return render(request, "democracy/workshop_detail.html", context)


def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A proposal with its comments; logged-in people may comment."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("workshop__event", "author"),
        pk=pk,
        workshop__event__slug=slug,
    )
    form = CommentForm()
    if request.method == "POST":
        if not perms.can_comment(request.user):
            return redirect_to_login(request.get_full_path())
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_create(
                    proposal=proposal, author=request.user, body=form.cleaned_data["body"]
                )
            except services.DemocracyError as error:
                form.add_error("body", error.message)
            else:
                messages.success(request, _("Votre commentaire est publié."))
                return redirect(request.path)
    context = {
        "event": proposal.workshop.event,
        "workshop": proposal.workshop,
        "proposal": proposal,
        "comments": proposal.comments.select_related("author"),
        "form": form,
        "can_comment": perms.can_comment(request.user),
    }
    return render(request, "democracy/proposal_detail.html", context)


# --- votes -------------------------------------------------------------------------------------


def _vote(pk: UUID) -> Vote:
    return get_object_or_404(Vote.objects.select_related("event__union"), pk=pk)


def _ballot_items(
    proposals: list[Proposal], selected: dict[int, Any] | None = None
) -> list[dict[str, Any]]:
    """What the ballot template needs per proposal: name of its radio group and choice made."""
    selected = selected or {}
    return [
        {"proposal": p, "name": grade_field_name(p), "selected": selected.get(p.pk)}
        for p in proposals
    ]


def _vote_context(request: HttpRequest, vote: Vote) -> dict[str, Any]:
    return {
        "event": vote.event,
        "vote": vote,
        "grades": list(reversed(SCALE)),
        "is_open": vote.is_open(),
        "is_closed": vote.is_closed(),
        "eligible": perms.is_eligible_voter(request.user, vote),
        "has_voted": perms.has_voted(request.user, vote),
        "can_vote": perms.can_vote(request.user, vote),
        "participations": vote.participations.count(),
    }


@never_cache
def vote_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The vote: its rules, and the ballot for those who may vote. POST casts the ballot."""
    vote = _vote(pk)
    proposals = selectors.vote_proposals(vote)
    context = _vote_context(request, vote)
    selected: dict[int, Any] = {}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        grades = ballot_from_post(request.POST, proposals)
        try:
            cast = services.ballot_cast(vote=vote, user=request.user, grades=grades)
        except services.VoteRefused as error:
            context["error"] = error.message
            selected = {k: v for k, v in grades.items() if v is not None}
            context.update(_vote_context(request, vote))
        else:
            # Shown once, never stored: rendered here rather than after a redirect.
            return render(
                request,
                "democracy/vote_receipt.html",
                {"event": vote.event, "vote": vote, "cast": cast, "changed": False},
            )
    context["items"] = _ballot_items(proposals, selected)
    status = 400 if "error" in context else 200
    return render(request, "democracy/vote_detail.html", context, status=status)


@never_cache
@login_required
def ballot_change(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Change one's ballot: first present the receipt, then grade again."""
    vote = _vote(pk)
    proposals = selectors.vote_proposals(vote)
    context = _vote_context(request, vote)
    context["step"] = "receipt"
    if request.method == "POST":
        receipt = request.POST.get("receipt", "")
        context["receipt"] = receipt
        try:
            if request.POST.get("action") == "save":
                grades = ballot_from_post(request.POST, proposals)
                cast = services.ballot_change(
                    vote=vote, user=request.user, receipt=receipt, grades=grades
                )
                return render(
                    request,
                    "democracy/vote_receipt.html",
                    {"event": vote.event, "vote": vote, "cast": cast, "changed": True},
                )
            ballot = services.ballot_find(vote=vote, receipt=receipt)
            if ballot is None or not perms.can_change_ballot(request.user, vote):
                raise services.VoteRefused(
                    _("Ce reçu ne correspond à aucun bulletin modifiable de ce vote.")
                )
            current = dict(ballot.grades.values_list("proposal_id", "grade"))
            context["step"] = "grades"
            context["public_id"] = ballot.public_id
            context["items"] = _ballot_items(proposals, current)
        except services.VoteRefused as error:
            context["error"] = error.message
    return render(request, "democracy/ballot_change.html", context)


def _results_or_pending(request: HttpRequest, vote: Vote) -> HttpResponse | None:
    if perms.can_view_results(request.user, vote):
        return None
    return render(
        request, "democracy/results_pending.html", {"event": vote.event, "vote": vote}, status=403
    )


def vote_results(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Results after closing: ranking, majority gauges, merit profiles (chart and table)."""
    vote = _vote(pk)
    pending = _results_or_pending(request, vote)
    if pending is not None:
        return pending
    results = selectors.vote_results(vote=vote)
    context = {
        "event": vote.event,
        "vote": vote,
        "results": results,
        "grades": list(SCALE),
        "rule_label": vote.rule.label,
        "can_edit_letter": perms.can_edit_letter(request.user, vote),
    }
    return render(request, "democracy/vote_results.html", context)


def vote_chart(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The merit profiles chart (SVG); results are final once closed, so it is cached."""
    vote = _vote(pk)
    pending = _results_or_pending(request, vote)
    if pending is not None:
        return pending
    results = selectors.vote_results(vote=vote)
    key = f"democracy:chart:{vote.pk}:{results.ballots}:{vote.closes_at.timestamp()}"
    svg = cache.get(key)
    if svg is None:
        rows = [
            (f"{row.result.rank}. {row.proposal.ref}", row.result.profile.shares)
            for row in results.rows
        ]
        svg = merit_profiles_svg(rows)
        cache.set(key, svg, 24 * 3600)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def vote_ballots_csv(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The anonymous ballots, for anyone to recompute the results."""
    vote = _vote(pk)
    pending = _results_or_pending(request, vote)
    if pending is not None:
        return pending
    response = HttpResponse(
        selectors.ballot_export_csv(vote=vote), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="bulletins-{vote.pk}.csv"'
    return response


def roadmap(request: HttpRequest, slug: str) -> HttpResponse:
    """The public roadmap of an event: actions, progress and updates."""
    event = get_object_or_404(Event, slug=slug)
    actions = list(selectors.event_roadmap(event))
    if not actions and not perms.can_manage_event(request.user, event):
        raise Http404
    return render(request, "democracy/roadmap.html", {"event": event, "actions": actions})


# --- the letter to the national direction --------------------------------------------------------


@never_cache
def letter_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The organisers write the letter's recipient, introduction, signature and length."""
    vote = _vote(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_edit_letter(request.user, vote):
        raise PermissionDenied
    letter = services.letter_for(vote)
    form = LetterForm(
        initial={
            "recipient": letter.recipient,
            "intro": letter.intro,
            "signature": letter.signature,
            "priorities": letter.priorities,
        }
    )
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            try:
                services.letter_save(vote=vote, actor=request.user, **form.cleaned_data)
            except services.DemocracyError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Le courrier est enregistré : téléchargez-le pour le relire.")
                )
                return redirect("democracy:letter-edit", pk=vote.pk)
    context = {"event": vote.event, "vote": vote, "form": form, "saved": letter.pk is not None}
    return render(
        request, "democracy/letter_edit.html", context, status=400 if form.errors else 200
    )


def letter_download(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The letter as a PDF, built from the published results (anyone, once the vote is closed)."""
    vote = _vote(pk)
    pending = _results_or_pending(request, vote)
    if pending is not None:
        return pending
    response = HttpResponse(services.letter_pdf(vote), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="courrier-{vote.event.slug}.pdf"'
    return response
