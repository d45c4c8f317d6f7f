"""Pages of the ecology area: the grid, assessments (fill, submit, validate), the simulator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.enums import Role
from maillage.directory.models import Organisation

from . import perms, selectors, services
from .enums import Context
from .forms import AssessmentCreateForm, DecisionForm, LoanForm
from .grid import GridError, grid_current, grid_load, grid_versions
from .loan import LoanInput, LoanInputError, simulate
from .models import Answer, Assessment


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"grid": grid_current()}
    if user.is_authenticated:
        context["mine"] = selectors.assessments_of(user)[:50]
        context["to_validate"] = selectors.assessments_to_validate(user)[:50]
    return render(request, "ecology/index.html", context)


def grid_page(request: HttpRequest, version: str) -> HttpResponse:
    try:
        grid = grid_load(version)
    except GridError as error:
        raise Http404(str(error)) from error
    return render(request, "ecology/grid.html", {"grid": grid, "versions": grid_versions()})


def _admin_organisations(user: Any) -> Any:
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ADMIN
    ).order_by("name")


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    organisations = _admin_organisations(request.user)
    form = AssessmentCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_create(
                by=request.user,  # type: ignore[arg-type]
                context=data["context"],
                year=data["year"],
                organisation=data["organisation"],
                project_name=data["project_name"],
                commune=data["commune"],
                baseline_year=data["baseline_year"],
                review_date=data["review_date"],
            )
        except services.EcologyError as error:
            for field, texts in error.errors.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            return redirect("ecology:assessment", pk=assessment.pk)
    return render(request, "ecology/assessment_create.html", {"form": form})


def _inputs_from_post(
    request: HttpRequest, assessment: Assessment
) -> dict[str, services.AnswerInput]:
    grid = grid_load(assessment.grid_version)
    inputs = {}
    for topic in grid.topics:
        for criterion in topic.applicable(assessment.context):
            code = criterion.code
            inputs[code] = services.AnswerInput(
                value=request.POST.get(f"{code}-value", ""),
                baseline_value=request.POST.get(f"{code}-baseline_value", ""),
                done=request.POST.get(f"{code}-done") == "on",
                note=request.POST.get(f"{code}-note", ""),
                evidence=request.FILES.get(f"{code}-evidence"),
                clear_evidence=request.POST.get(f"{code}-clear_evidence") == "on",
            )
    return inputs


def _rows(
    assessment: Assessment, posted: dict[str, services.AnswerInput] | None
) -> list[dict[str, Any]]:
    """Topics with their criteria, each with what to show in its fields: what was just typed
    when the save was refused, else what is stored."""
    grid = grid_load(assessment.grid_version)
    answers = {a.criterion: a for a in assessment.answers.all()}
    scores = {
        c["code"]: c
        for t in services.assessment_score(assessment).as_dict()["topics"]
        for c in t["criteria"]
    }
    topics = []
    for topic in grid.topics:
        criteria = []
        for criterion in topic.applicable(assessment.context):
            answer = answers.get(criterion.code)
            if posted is not None:
                given = posted[criterion.code]
                shown = {
                    "value": given.value,
                    "baseline_value": given.baseline_value,
                    "done": given.done,
                    "note": given.note,
                }
            else:
                shown = {
                    "value": ""
                    if answer is None or answer.value is None
                    else f"{answer.value.normalize():f}",
                    "baseline_value": ""
                    if answer is None or answer.baseline_value is None
                    else f"{answer.baseline_value.normalize():f}",
                    "done": bool(answer and answer.done),
                    "note": answer.note if answer else "",
                }
            criteria.append(
                {
                    "criterion": criterion,
                    "shown": shown,
                    "answer": answer,
                    "score": scores.get(criterion.code),
                }
            )
        topics.append({"topic": topic, "criteria": criteria})
    return topics


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("organisation", "union", "commune"), pk=pk
    )
    if not perms.can_view(request.user, assessment):
        raise PermissionDenied
    can_fill = perms.can_fill(request.user, assessment)
    errors: dict[str | None, list[str]] = {}
    posted = None
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied
        posted = _inputs_from_post(request, assessment)
        try:
            services.answers_save(assessment=assessment, inputs=posted)
        except services.EcologyError as error:
            errors = error.errors
            messages.error(request, _("Rien n'a été enregistré : corrigez les champs signalés."))
        else:
            messages.success(request, _("Évaluation enregistrée."))
            if request.POST.get("then") == "submit":
                return assessment_submit(request, pk)
            return redirect("ecology:assessment", pk=pk)
    assessment.refresh_from_db()
    score = services.assessment_score(assessment)
    return render(
        request,
        "ecology/assessment.html",
        {
            "assessment": assessment,
            "topics": _rows(assessment, posted),
            "score": score,
            "errors": errors,
            "form_errors": errors.get(None, []),
            "can_fill": can_fill,
            "can_validate": perms.can_validate(request.user, assessment),
            "decision_form": DecisionForm(),
            "is_review": assessment.context == Context.REVIEW,
        },
        status=400 if errors else 200,
    )


@login_required
def assessment_evidence(request: HttpRequest, pk: int, criterion: str) -> FileResponse:
    """Evidence is private: served only to those who may see the assessment, never from a
    public media URL."""
    answer = get_object_or_404(
        Answer.objects.select_related("assessment"), assessment_id=pk, criterion=criterion
    )
    if not perms.can_view(request.user, answer.assessment):
        raise PermissionDenied
    if not answer.evidence:
        raise Http404
    return FileResponse(
        answer.evidence.open("rb"),
        as_attachment=True,
        filename=(answer.evidence.name or "").rsplit("/", 1)[-1],
    )


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment, pk=pk)
    if not perms.can_fill(request.user, assessment):
        raise PermissionDenied
    try:
        services.assessment_submit(
            assessment=assessment,
            by=request.user,  # type: ignore[arg-type]
            site_url=settings.SITE_URL,
        )
    except services.EcologyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Évaluation soumise à l'union."))
    return redirect("ecology:assessment", pk=pk)


@login_required
@require_POST
def assessment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment, pk=pk)
    if not perms.can_validate(request.user, assessment):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.assessment_decide(
            assessment=assessment,
            by=request.user,  # type: ignore[arg-type]
            validate=request.POST.get("decision") == "validate",
            comment=form.cleaned_data.get("comment", ""),
        )
    except services.EcologyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect("ecology:assessment", pk=pk)


def loan_simulator(request: HttpRequest) -> HttpResponse:
    grid = selectors.rate_grid_active()
    choices = [(v.code, v.label) for v in grid.verifications]
    form = LoanForm(request.GET or None, verifications=choices)
    result = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            result = simulate(
                LoanInput(
                    principal=float(data["principal"]),
                    months=data["months"],
                    base_rate_pct=float(data["base_rate_pct"]),
                    indicator=data["indicator"],
                    baseline=float(data["baseline"]),
                    target=float(data["target"]),
                    verification=data["verification"],
                    achieved=float(data["achieved"]) if data["achieved"] is not None else None,
                ),
                grid,
            )
        except LoanInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    template = "ecology/_loan_result.html" if request.htmx else "ecology/loan.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "result": result, "grid": grid})
