"""The organisers' pages of a convention: dashboard, pool and CSV import, quotas and their
diagnosis, runs (polled with htmx while they compute), publication, announcement, draw and
replacements. Every view checks ``perms.is_organiser``. Thin: parse, call a service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .enums import ConventionStatus, RunKind, RunStatus, SeatStatus
from .forms import AnnounceForm, CsvImportForm, QuotasForm, SeedForm
from .models import Run
from .views import acting_user, organiser_convention, organisers_only, probability_context


@organisers_only
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' dashboard: each step, what it needs, and its action."""
    return _manage_page(request, organiser_convention(request, slug))


def _manage_page(
    request: HttpRequest,
    convention: Any,
    *,
    announce_form: AnnounceForm | None = None,
    seed_form: SeedForm | None = None,
) -> HttpResponse:
    """The dashboard, with a refused form shown again as it was typed (status 400)."""
    refused = announce_form is not None or seed_form is not None
    run = selectors.latest_run(convention)
    done = selectors.latest_done_run(convention)
    draw = getattr(convention, "draw", None)
    seated = [SeatStatus.SELECTED, SeatStatus.REPLACEMENT]
    context = {
        "convention": convention,
        "run": run,
        "done": done,
        "done_is_current": done is not None and services.run_is_current(done, convention),
        "pool_size": convention.volunteers.count(),
        "quota_count": convention.quotas.count(),
        "publication": getattr(convention, "publication", None),
        "draw": draw,
        "announce_form": announce_form or AnnounceForm(),
        "seed_form": seed_form or SeedForm(),
        "panel": list(convention.volunteers.filter(seat__in=seated).order_by("full_name")),
        "declined": list(
            convention.volunteers.filter(seat=SeatStatus.DECLINED).order_by("full_name")
        ),
        "replacement_run": selectors.latest_run(convention, RunKind.REPLACEMENT),
        "sync_max_pool": services.sync_max_pool(),
        "Status": ConventionStatus,
    }
    return render(request, "sortition/manage.html", context, status=400 if refused else 200)


@organisers_only
def pool(request: HttpRequest, slug: str) -> HttpResponse:
    """The pool with personal data, and the CSV import (errors per line)."""
    convention = organiser_convention(request, slug)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.volunteers_import_csv(
                convention=convention, content=form.cleaned_data["file"]
            )
        except services.SortitionError as error:
            form.add_error(None, error.message)
        else:
            if result.errors:
                errors = result.errors
            else:
                messages.success(request, _("%(n)d volontaires importés.") % {"n": result.created})
                return redirect("sortition:pool", slug=slug)
    labels = convention.value_labels()
    rows = [
        (v, [labels.get((f["key"], v.features.get(f["key"], "")), "") for f in convention.features])
        for v in selectors.pool(convention)
    ]
    context = {"convention": convention, "rows": rows, "form": form, "import_errors": errors}
    return render(request, "sortition/pool.html", context)


@organisers_only
def quotas(request: HttpRequest, slug: str) -> HttpResponse:
    """Minimum and maximum seats per criterion value, and the diagnosis before any draw."""
    convention = organiser_convention(request, slug)
    rows = selectors.quota_rows(convention)
    editable = not convention.reached(ConventionStatus.PUBLISHED)
    form = QuotasForm(
        request.POST or None, rows=rows, panel_size=convention.panel_size, editable=editable
    )
    explained = None
    if request.method == "POST":
        if form.is_valid():
            try:
                explained = services.quotas_save(convention=convention, bounds=form.bounds())
            except services.SortitionError as error:
                form.add_error(None, error.message)
            else:
                if explained.feasible:
                    messages.success(
                        request, _("Quotas enregistrés : au moins un panel les respecte.")
                    )
                else:
                    messages.warning(
                        request, _("Quotas enregistrés, mais aucun panel ne peut les respecter.")
                    )
    elif any(row["set"] for row in rows):
        explained = services.diagnosis_explained(convention)
    context = {
        "convention": convention,
        "form": form,
        "rows": rows,
        "explained": explained,
        "editable": editable,
    }
    return render(request, "sortition/quotas.html", context)


@organisers_only
@require_POST
def run_request(request: HttpRequest, slug: str) -> HttpResponse:
    convention = organiser_convention(request, slug)
    try:
        run = services.run_request(convention=convention, actor=acting_user(request))
    except services.SortitionError as error:
        messages.error(request, error.message)
        return redirect("sortition:manage", slug=slug)
    return redirect("sortition:run", slug=slug, pk=run.pk)


@organisers_only
def run_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A run's state (polled while it computes), its record and its probabilities."""
    convention = organiser_convention(request, slug)
    run = get_object_or_404(Run, convention=convention, pk=pk)
    context: dict[str, Any] = {
        "convention": convention,
        "run": run,
        "pending": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
    }
    if run.status == RunStatus.DONE and run.kind == RunKind.DISTRIBUTION:
        probabilities = {int(k): float(v) for k, v in run.probabilities.items()}
        lottery = run.result["lottery"]["probabilities"]
        volunteers = {v.pk: v for v in convention.volunteers.filter(pk__in=probabilities)}
        context["rows"] = sorted(
            ((volunteers.get(pk), p, lottery.get(str(pk), "")) for pk, p in probabilities.items()),
            key=lambda r: (r[1], r[0].full_name if r[0] else ""),
        )
        context["max_deviation"] = run.result["lottery"]["max_deviation"]
        context.update(probability_context(list(probabilities.values())))
    template = (
        "sortition/_run_status.html"
        if request.headers.get("HX-Request")
        else "sortition/run_detail.html"
    )
    return render(request, template, context)


@organisers_only
def run_record(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The run's full record as JSON (organisers: it contains the pool's criteria)."""
    convention = organiser_convention(request, slug)
    run = get_object_or_404(Run, convention=convention, pk=pk)
    data = {
        "kind": run.kind,
        "status": run.status,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "settings": run.settings,
        "versions": run.versions,
        "quotas": run.quotas,
        "pool_sha256": run.pool_sha256,
        "input": run.input,
        "result": run.result,
        "error": run.error,
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="calcul-{run.pk}.json"'
    return response


def _step(request: HttpRequest, slug: str, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except services.SortitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("sortition:manage", slug=slug)


@organisers_only
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    convention = organiser_convention(request, slug)
    return _step(
        request,
        slug,
        lambda: services.lottery_publish(convention=convention, actor=acting_user(request)),
        _("La loterie de 1 000 panels est publiée avec son empreinte SHA-256."),
    )


@organisers_only
@require_POST
def announce(request: HttpRequest, slug: str) -> HttpResponse:
    convention = organiser_convention(request, slug)
    form = AnnounceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la source du hasard et la date de l'événement public."))
        return _manage_page(request, convention, announce_form=form)
    return _step(
        request,
        slug,
        lambda: services.seed_announce(
            convention=convention,
            source=form.cleaned_data["source"],
            event_at=form.cleaned_data["event_at"],
            actor=acting_user(request),
        ),
        _("La source du hasard est annoncée sur la page publique."),
    )


@organisers_only
@require_POST
def draw(request: HttpRequest, slug: str) -> HttpResponse:
    convention = organiser_convention(request, slug)
    form = SeedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Saisissez la graine issue de l'événement public."))
        return _manage_page(request, convention, seed_form=form)
    return _step(
        request,
        slug,
        lambda: services.panel_draw(
            convention=convention, seed=form.cleaned_data["seed"], actor=acting_user(request)
        ),
        _("Le panel est tiré : il figure sur la page publique, sous pseudonymes."),
    )


@organisers_only
@require_POST
def declines(request: HttpRequest, slug: str) -> HttpResponse:
    convention = organiser_convention(request, slug)
    ids = [int(i) for i in request.POST.getlist("declined") if i.isdigit()]
    chosen = list(convention.volunteers.filter(pk__in=ids))
    try:
        run = services.replacements_request(
            convention=convention, declined=chosen, actor=acting_user(request)
        )
    except services.SortitionError as error:
        messages.error(request, error.message)
        return redirect("sortition:manage", slug=slug)
    if run.status == RunStatus.DONE:
        messages.success(
            request, _("Les remplaçant·es sont tiré·es ; les quotas restent respectés.")
        )
    elif run.status == RunStatus.FAILED:
        messages.error(request, run.error)
    else:
        messages.success(request, _("Le calcul des remplacements est en attente."))
    return redirect("sortition:manage", slug=slug)
