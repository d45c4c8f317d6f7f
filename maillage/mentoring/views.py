"""Pages of sponsorship, mentoring and ambassadors. Thin: parse, ask perms, call one service or
selector, render."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.enums import Role
from maillage.accounts.models import User
from maillage.directory.models import Organisation
from maillage.territories.models import Union

from . import ical, perms, selectors, services
from .enums import EventStatus, RunStatus, Side, VolunteerKind
from .forms import EventForm, FeedbackForm, MilestoneForm, NoteForm, RequestForm, VolunteerForm
from .models import AmbassadorEvent, AssignmentRun, MentoringRequest, Milestone, Volunteer

DEFAULT_STALE_DAYS = 60


def _person(request: HttpRequest) -> User:
    """The logged-in person (views behind ``login_required``)."""
    return cast(User, request.user)


KIND_SLUGS = {"mentor": VolunteerKind.MENTOR, "ambassadeur": VolunteerKind.AMBASSADOR}


def _stale_days_default() -> int:
    return int(getattr(settings, "MAILLAGE_MENTORING_STALE_DAYS", DEFAULT_STALE_DAYS))


def index(request: HttpRequest) -> HttpResponse:
    """The area: what it is, and for a logged-in person what concerns them."""
    user = request.user
    admin_orgs: list[Organisation] = []
    unions: list[Union] = []
    if user.is_authenticated:
        admin_orgs = list(
            Organisation.objects.filter(memberships__user=user, memberships__role=Role.ADMIN)
            .order_by("name")
            .distinct()
        )
        unions = list(Union.objects.filter(delegate_assignments__user=user).order_by("short_name"))
        if user.is_staff:
            unions = list(Union.objects.order_by("short_name"))
    context = {
        "volunteers": selectors.person_volunteers(user),
        "requests": selectors.person_requests(user),
        "sponsorships": selectors.person_sponsorships(user),
        "events": selectors.person_events(user),
        "admin_orgs": admin_orgs,
        "unions": unions,
        "can_list_volunteers": perms.can_list_volunteers(user),
    }
    return render(request, "mentoring/index.html", context)


# ----------------------------------------------------------------------------- volunteers


def _volunteer_initial(volunteer: Volunteer | None, commune: Any) -> dict[str, Any]:
    if volunteer is None:
        return {"commune": commune.code if commune else "", "scopes": ["departement"]}
    zones = selectors.parse_zones(volunteer.territories)
    own = dict(selectors.commune_zones(volunteer.commune))
    scopes = [level for level, code in zones if own.get(level) == code]
    extra = [code for level, code in zones if level == "departement" and own.get(level) != code]
    return {
        "commune": volunteer.commune.code,
        "scopes": scopes,
        "extra_departements": ", ".join(extra),
        "capacity": volunteer.capacity,
        "sector_sections": volunteer.sector_sections,
        "topics": volunteer.topics,
        "formats": volunteer.formats,
        "experience_years": volunteer.experience_years,
        "weekdays": volunteer.weekdays,
        "available_from": volunteer.available_from,
        "available_until": volunteer.available_until,
        "availability_note": volunteer.availability_note,
        "presentation": volunteer.presentation,
        "is_active": volunteer.is_active,
    }


def _volunteer_form(
    request: HttpRequest,
    *,
    kind: str,
    volunteer: Volunteer | None,
    organisation: Organisation | None,
) -> HttpResponse:
    default_commune = organisation.commune if organisation else None
    form = VolunteerForm(
        request.POST or None, kind=kind, initial=_volunteer_initial(volunteer, default_commune)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.volunteer_save(
                kind=kind,
                organisation=organisation,
                user=None if organisation else _person(request),
                commune=data["commune"],
                territories=form.territories(),
                capacity=data.get("capacity") or 1,
                sector_sections=data.get("sector_sections", []),
                topics=data.get("topics", []),
                formats=data.get("formats", []),
                experience_years=data.get("experience_years") or 0,
                weekdays=data.get("weekdays", []),
                available_from=data.get("available_from"),
                available_until=data.get("available_until"),
                availability_note=data.get("availability_note", ""),
                presentation=data.get("presentation", ""),
                is_active=data.get("is_active", False),
            )
        except services.MentoringError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre engagement est enregistré. Merci !"))
            return redirect("mentoring:volunteer", pk=saved.pk)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": VolunteerKind(kind).label,
        "organisation": organisation,
        "volunteer": volunteer,
    }
    return render(request, "mentoring/volunteer_form.html", context)


@login_required
def volunteer_person(request: HttpRequest, kind_slug: str) -> HttpResponse:
    """Volunteer as a mentor or an ambassador (or edit that profile)."""
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    if not perms.can_volunteer_person(request.user):
        raise PermissionDenied
    volunteer = (
        Volunteer.objects.filter(kind=kind, user=_person(request)).select_related("commune").first()
    )
    return _volunteer_form(request, kind=kind, volunteer=volunteer, organisation=None)


@login_required
def volunteer_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """Volunteer a cooperative as a sponsor (its administrators)."""
    organisation = get_object_or_404(Organisation.objects.select_related("commune"), slug=slug)
    if not perms.can_volunteer_organisation(request.user, organisation):
        raise PermissionDenied
    volunteer = (
        Volunteer.objects.filter(kind=VolunteerKind.SPONSOR, organisation=organisation)
        .select_related("commune")
        .first()
    )
    return _volunteer_form(
        request, kind=VolunteerKind.SPONSOR, volunteer=volunteer, organisation=organisation
    )


def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer.objects.with_places(), pk=pk)
    if not perms.can_view_volunteer(request.user, volunteer):
        raise PermissionDenied if request.user.is_authenticated else Http404
    context = {
        "volunteer": volunteer,
        "zones": sorted(selectors.parse_zones(volunteer.territories)),
        "load": selectors.volunteer_loads([volunteer.pk]).get(volunteer.pk, 0),
        "can_edit": perms.can_edit_volunteer(request.user, volunteer),
        "edit_url": (
            reverse("mentoring:volunteer-organisation", args=[volunteer.organisation.slug])
            if volunteer.organisation
            else reverse(
                "mentoring:volunteer-person",
                args=["mentor" if volunteer.kind == VolunteerKind.MENTOR else "ambassadeur"],
            )
        ),
    }
    return render(request, "mentoring/volunteer_detail.html", context)


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_list_volunteers(request.user):
        raise PermissionDenied
    volunteers = list(selectors.volunteers_for_delegates()[:500])
    loads = selectors.volunteer_loads([v.pk for v in volunteers])
    rows = [(v, loads.get(v.pk, 0)) for v in volunteers]
    return render(request, "mentoring/volunteer_list.html", {"rows": rows})


# ----------------------------------------------------------------------------- requests


@login_required
def request_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not perms.can_request_for(request.user, organisation):
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_create(
                organisation=organisation,
                created_by=_person(request),
                **form.cleaned_data,
            )
        except services.MentoringError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Votre demande est enregistrée : l'union vous proposera un accompagnement."),
            )
            return redirect("mentoring:index")
    return render(
        request, "mentoring/request_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(
        MentoringRequest.objects.select_related("organisation"), pk=pk
    )
    if not perms.can_cancel_request(request.user, mentoring_request):
        raise PermissionDenied
    try:
        services.request_cancel(request=mentoring_request)
    except services.MentoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La demande est annulée."))
    return redirect("mentoring:index")


# ----------------------------------------------------------------------------- events


def event_request(request: HttpRequest) -> HttpResponse:
    """Ask for an ambassador; open to everyone, validated by a delegate unless asked by one."""
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.times()
        union_id = selectors.union_id_of(data["commune"])
        try:
            event = services.event_create(
                title=data["title"],
                requester_type=data["requester_type"],
                requester_name=data["requester_name"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                commune=data["commune"],
                place=data["place"],
                starts_at=starts_at,
                ends_at=ends_at,
                audience=data["audience"],
                audience_size=data["audience_size"],
                topic=data["topic"],
                message=data["message"],
                created_by=request.user if request.user.is_authenticated else None,
                validated=perms.is_request_prevalidated(request.user, union_id),
            )
        except services.MentoringError as error:
            field = "day" if "date" in error.message.lower() else None
            field = "end" if "fin" in error.message.lower() else field
            form.add_error(field, error.message)
        else:
            if event.status == EventStatus.OPEN:
                messages.success(request, _("La demande d'intervention est ouverte."))
            else:
                messages.success(
                    request,
                    _(
                        "Merci ! Votre demande est transmise à l'union régionale, qui la "
                        "validera et vous écrira à %(email)s."
                    )
                    % {"email": event.contact_email},
                )
            if perms.can_view_event(request.user, event):
                return redirect("mentoring:event", pk=event.pk)
            return redirect("mentoring:event-thanks")
    return render(request, "mentoring/event_form.html", {"form": form})


def event_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "mentoring/event_thanks.html")


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        AmbassadorEvent.objects.select_related("commune", "ambassador__user", "union"), pk=pk
    )
    if not perms.can_view_event(request.user, event):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    context = {
        "event": event,
        "can_manage": perms.can_manage_union(request.user, event.union_id),
        "is_past": event.ends_at <= timezone.now(),
    }
    return render(request, "mentoring/event_detail.html", context)


@login_required
@require_POST
def event_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Validate, refuse, cancel or mark done (delegates of the union)."""
    event = get_object_or_404(AmbassadorEvent, pk=pk)
    if not perms.can_manage_union(request.user, event.union_id):
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action in ("validate", "reject"):
            services.event_validate(event=event, by=_person(request), accept=action == "validate")
        elif action in (EventStatus.DONE, EventStatus.CANCELLED):
            services.event_set_status(event=event, status=action)
        else:
            raise services.MentoringError(_("Action inconnue."))
    except services.MentoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("C'est noté."))
    return redirect("mentoring:event", pk=event.pk)


def _calendar_event(event: AmbassadorEvent) -> ical.CalendarEvent:
    ambassador = event.ambassador.display_name if event.ambassador else _("à confirmer")
    description = "\n".join(
        [
            f"{event.get_audience_display()} — {event.audience_size} " + _("participants"),
            _("Thème : %s") % event.get_topic_display(),
            _("Ambassadeur·rice : %s") % ambassador,
            _("Contact : %(name)s, %(email)s")
            % {
                "name": event.contact_name,
                "email": event.contact_email,
            },
            event.message,
        ]
    ).strip()
    statuses: dict[str, str] = {
        EventStatus.ASSIGNED: "CONFIRMED",
        EventStatus.DONE: "CONFIRMED",
        EventStatus.CANCELLED: "CANCELLED",
    }
    status = statuses.get(event.status, "TENTATIVE")
    return ical.CalendarEvent(
        uid=f"mentoring-event-{event.pk}@maillage",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=f"{event.title} — {event.requester_name}",
        description=description,
        location=", ".join(p for p in (event.place, event.commune.name) if p),
        url=services.event_url(event),
        status=status,
    )


def _ics_response(text: str, filename: str | None) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One event as an .ics file to add to one's calendar."""
    event = get_object_or_404(
        AmbassadorEvent.objects.select_related("commune", "ambassador__user"), pk=pk
    )
    if not perms.can_download_event_ics(request.user, event):
        raise Http404
    text = ical.calendar([_calendar_event(event)], name=event.title, stamp=timezone.now())
    return _ics_response(text, f"intervention-{event.pk}.ics")


@login_required
def feed_page(request: HttpRequest) -> HttpResponse:
    """The person's private calendar feed URL (and a button to change it)."""
    if not perms.can_have_feed(request.user):
        raise PermissionDenied
    if request.method == "POST":
        token = services.calendar_feed_reset(user=_person(request))
        messages.success(request, _("Nouvelle adresse d'agenda : l'ancienne ne fonctionne plus."))
    else:
        token = services.calendar_feed_token(user=_person(request))
    url = request.build_absolute_uri(reverse("mentoring:feed", args=[token]))
    return render(
        request,
        "mentoring/feed.html",
        {"feed_url": url, "events": selectors.feed_events(request.user)},
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed; the token in the URL is the only credential."""
    user = services.calendar_feed_user(token)
    if user is None:
        raise Http404
    events = [_calendar_event(e) for e in selectors.feed_events(user)]
    text = ical.calendar(events, name=_("Mes interventions — Maillage"), stamp=timezone.now())
    return _ics_response(text, None)


# ----------------------------------------------------------------------------- delegates


def _managed_union(request: HttpRequest, slug: str) -> Union:
    union = get_object_or_404(Union, slug=slug)
    if not perms.can_manage_union(request.user, union):
        raise PermissionDenied
    return union


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Per territory: active sponsorships, those without news, requests waiting, events."""
    union = _managed_union(request, slug)
    try:
        stale_days = max(1, min(int(request.GET.get("jours", "")), 3650))
    except ValueError:
        stale_days = _stale_days_default()
    board = selectors.union_dashboard(union, stale_days=stale_days)
    return render(
        request,
        "mentoring/dashboard.html",
        {"board": board, "union": union, "latest_run": selectors.latest_run(union)},
    )


@login_required
def assignment(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest proposal of the union, and the button that computes a new one."""
    union = _managed_union(request, slug)
    if request.method == "POST":
        try:
            created = services.run_create(union=union, by=_person(request))
        except services.MentoringError as error:
            messages.error(request, error.message)
            return redirect("mentoring:assignment", slug=union.slug)
        return redirect("mentoring:run", pk=created.pk)
    latest = selectors.latest_run(union)
    if latest is not None:
        return redirect("mentoring:run", pk=latest.pk)
    return render(request, "mentoring/run.html", {"union": union, "run": None})


def _run(request: HttpRequest, pk: int) -> AssignmentRun:
    run = get_object_or_404(AssignmentRun.objects.select_related("union"), pk=pk)
    if not perms.can_manage_union(request.user, run.union_id):
        raise PermissionDenied
    return run


def _overrides(run: AssignmentRun, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The delegate's choices so far, named."""
    pairs = [(True, p) for p in run.fixed] + [(False, p) for p in run.forbidden]
    names = {
        v.pk: v.display_name
        for v in Volunteer.objects.filter(pk__in=[p[1] for _f, p in pairs]).select_related(
            "organisation", "user"
        )
    }
    labels = {row["key"]: row["label"] for row in rows}
    return [
        {
            "fixed": fixed,
            "key": key,
            "volunteer": vid,
            "name": names.get(vid, "—"),
            "label": labels.get(key, key),
        }
        for fixed, (key, vid) in pairs
    ]


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    result = run.result or {}
    candidates = {
        kind: list(selectors.swap_candidates(run.union, kind))
        for kind in (VolunteerKind.SPONSOR, VolunteerKind.MENTOR, VolunteerKind.AMBASSADOR)
    }
    items = [{**item, "candidates": candidates[item["kind"]]} for item in result.get("items", [])]
    unassigned = [
        {**miss, "candidates": candidates[miss["kind"]]} for miss in result.get("unassigned", [])
    ]
    context = {
        "union": run.union,
        "run": run,
        "items": items,
        "unassigned": unassigned,
        "is_open": run.status == RunStatus.PROPOSED,
        "optimal": result.get("optimal", {}),
        "greedy": result.get("greedy", {}),
        "overrides": _overrides(run, items + unassigned),
    }
    return render(request, "mentoring/run.html", context)


@login_required
@require_POST
def run_override(request: HttpRequest, pk: int) -> HttpResponse:
    """Impose, rule out or lift a pair, and optimise again."""
    run = _run(request, pk)
    try:
        new = services.run_override(
            run=run,
            by=_person(request),
            action=request.POST.get("action", ""),
            key=request.POST.get("key", ""),
            volunteer=int(request.POST.get("volunteer", "0") or 0),
        )
    except (services.MentoringError, ValueError) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect("mentoring:run", pk=run.pk)
    messages.success(request, _("Nouvelle proposition calculée avec vos choix."))
    return redirect("mentoring:run", pk=new.pk)


@login_required
@require_POST
def run_accept(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        outcome = services.run_accept(run=run, by=_person(request))
    except services.MentoringError as error:
        messages.error(request, error.message)
        return redirect("mentoring:run", pk=run.pk)
    messages.success(
        request,
        _("Proposition acceptée : %(s)d parrainage(s) et %(e)d intervention(s) confirmés.")
        % {"s": len(outcome.sponsorships), "e": len(outcome.events)},
    )
    for line in outcome.skipped:
        messages.warning(request, line)
    return redirect("mentoring:dashboard", slug=run.union_id)


# ----------------------------------------------------------------------------- follow-up


def sponsorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        sponsorship = selectors.sponsorship_detail(pk)
    except selectors.Sponsorship.DoesNotExist as error:
        raise Http404 from error
    if not perms.can_view_sponsorship(request.user, sponsorship):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    side = perms.side_of(request.user, sponsorship)
    context = {
        "sp": sponsorship,
        "side": side,
        "side_label": Side(side).label if side else "",
        "can_write": perms.can_write_sponsorship(request.user, sponsorship),
        "can_feedback": perms.can_give_feedback(request.user, sponsorship),
        "note_form": NoteForm(),
        "feedback_form": FeedbackForm(),
        "today": timezone.localdate(),
        "milestones": [
            (m, m.logged_by(side) if side else None) for m in sponsorship.milestones.all()
        ],
    }
    return render(request, "mentoring/sponsorship.html", context)


def _writable(request: HttpRequest, pk: int) -> tuple[Any, str]:
    sponsorship = get_object_or_404(
        selectors.Sponsorship.objects.select_related("request__organisation", "volunteer"), pk=pk
    )
    side = perms.side_of(request.user, sponsorship)
    if side is None:
        raise PermissionDenied
    return sponsorship, side


@login_required
@require_POST
def sponsorship_note(request: HttpRequest, pk: int) -> HttpResponse:
    sponsorship, side = _writable(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(
                sponsorship=sponsorship,
                author=_person(request),
                side=side,
                body=form.cleaned_data["body"],
            )
        except services.MentoringError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Note ajoutée."))
    else:
        messages.error(request, _("La note est vide ou trop longue."))
    return redirect("mentoring:sponsorship", pk=sponsorship.pk)


@login_required
@require_POST
def sponsorship_milestone(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    sponsorship, side = _writable(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, sponsorship=sponsorship)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_log(milestone=milestone, side=side, on=form.cleaned_data["on"])
        except services.MentoringError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("« %s » est noté.") % milestone.get_kind_display())
    else:
        messages.error(request, _("Indiquez une date valide."))
    return redirect("mentoring:sponsorship", pk=sponsorship.pk)


@login_required
@require_POST
def sponsorship_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    sponsorship, side = _writable(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_give(
                sponsorship=sponsorship, author=_person(request), side=side, **form.cleaned_data
            )
        except services.MentoringError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Merci pour votre retour."))
    else:
        messages.error(request, _("Choisissez une appréciation de 1 à 5."))
    return redirect("mentoring:sponsorship", pk=sponsorship.pk)
