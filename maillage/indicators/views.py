"""Pages of the indicators campaigns: index, catalogue, campaign dashboard, a cooperative's form
(summary, edit, spreadsheet import, review) and the anonymous survey. Thin: parse, ask
:mod:`perms`, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from maillage.accounts import perms as accounts_perms
from maillage.territories.models import Union

from . import perms, selectors, services, summary
from .catalogue import get_catalogue
from .enums import FormStatus
from .forms import CampaignForm, ImportForm, IndicatorValuesForm, ReviewForm, SurveyForm
from .models import Campaign, IndicatorForm, SurveyLink
from .spreadsheet import MAX_BYTES, template_csv, template_xlsx
from .survey import load_questionnaire
from .validation import FieldIssue

SURVEY_COOKIE_PREFIX = "maillage_enquete_"
SURVEY_COOKIE_AGE = 60 * 60 * 24 * 200


def _get_form(pk: int) -> IndicatorForm:
    return get_object_or_404(
        IndicatorForm.objects.select_related("campaign", "campaign__union", "organisation"),
        pk=pk,
    )


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The person's forms (cooperatives they belong to) and the campaigns they follow."""
    context = {
        "forms": list(selectors.forms_of_member(request.user)),
        "campaigns": list(selectors.campaigns_followed(request.user)),
        "can_open": perms.can_open_any_campaign(request.user),
    }
    return render(request, "indicators/index.html", context)


def catalogue(request: HttpRequest, version: str | None = None) -> HttpResponse:
    """What is collected: every field with its definition and reference (public)."""
    try:
        current = get_catalogue(version) if version else get_catalogue()
    except KeyError as exc:
        raise Http404 from exc
    return render(
        request,
        "indicators/catalogue.html",
        {"catalogue": current, "sections": current.sections()},
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    _deny_unless(perms.can_open_any_campaign(request.user))
    unions = Union.objects.order_by("name")
    if not accounts_perms.is_platform_admin(request.user):
        unions = unions.filter(pk__in=accounts_perms.delegate_union_ids(request.user))
    choices = [(u.pk, u.name) for u in unions]
    form = CampaignForm(request.POST or None, unions=choices)
    if request.method == "POST" and form.is_valid():
        union = get_object_or_404(Union, pk=form.cleaned_data["union"])
        _deny_unless(perms.can_open_campaign(request.user, union))
        try:
            campaign = services.campaign_open(
                union=union,
                year=form.cleaned_data["year"],
                deadline=form.cleaned_data["deadline"],
                opened_by=request.user,
            )
        except services.IndicatorsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Campagne ouverte : %(n)d formulaire créé.",
                    "Campagne ouverte : %(n)d formulaires créés.",
                    campaign.forms.count(),
                )
                % {"n": campaign.forms.count()},
            )
            return redirect("indicators:campaign-detail", pk=campaign.pk)
    return render(request, "indicators/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Completion dashboard: forms per status per département (or EPCI), and the forms."""
    campaign = get_object_or_404(Campaign.objects.select_related("union"), pk=pk)
    _deny_unless(perms.can_follow_campaign(request.user, campaign))
    level = request.GET.get("niveau", "departement")
    if level not in selectors.LEVELS:
        level = "departement"
    status = request.GET.get("statut") or None
    if status not in FormStatus.values:
        status = None
    context = {
        "campaign": campaign,
        "level": level,
        "rows": selectors.completion(campaign, level),  # type: ignore[arg-type]
        "statuses": list(FormStatus),
        "status": status,
        "forms": list(selectors.campaign_forms(campaign, status)),
        "can_close": perms.can_close_campaign(request.user, campaign),
        "can_publish": perms.can_publish_report(request.user, campaign),
    }
    return render(request, "indicators/campaign_detail.html", context)


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    _deny_unless(perms.can_close_campaign(request.user, campaign))
    services.campaign_close(campaign=campaign, user=request.user)
    messages.success(request, _("La campagne est close."))
    return redirect("indicators:campaign-detail", pk=pk)


@login_required
@require_POST
def campaign_sync(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    _deny_unless(perms.can_close_campaign(request.user, campaign))
    created = services.campaign_sync_forms(campaign=campaign)
    messages.success(
        request,
        ngettext(
            "%(n)d formulaire créé pour une nouvelle adhérente.",
            "%(n)d formulaires créés pour de nouvelles adhérentes.",
            created,
        )
        % {"n": created},
    )
    return redirect("indicators:campaign-detail", pk=pk)


def _issue_links(form: IndicatorForm, issues: list[FieldIssue]) -> list[dict[str, str]]:
    """Error summary entries: each links to its field on the edit page."""
    edit = reverse("indicators:form-edit", args=[form.pk])
    catalogue = form.catalogue
    return [
        {
            "href": f"{edit}#{_anchor(catalogue, i.field)}",
            "label": catalogue.label(i.field),
            "message": i.message,
            "rule": i.rule_label,
        }
        for i in issues
    ]


def _anchor(catalogue: Any, key: str) -> str:
    if key in catalogue and catalogue[key].type.value == "choix_multiples":
        return f"id_{key}_0"
    return f"id_{key}"


def _form_context(request: HttpRequest, form: IndicatorForm, **extra: Any) -> dict[str, Any]:
    comments = selectors.open_comments(form)
    issues = services.form_issues(form) if form.is_editable else []
    lines = summary.compute(form.catalogue, form.values, year=form.campaign.year)
    families = [
        (key, title, [line for line in lines if line.family == key])
        for key, title in summary.FAMILIES
    ]
    can_manage_survey = perms.can_manage_survey(request.user, form)
    link = getattr(form, "survey_link", None) if can_manage_survey else None
    return {
        "form": form,
        "campaign": form.campaign,
        "sections": selectors.form_sections(form, comments=comments),
        "comment_rows": [
            (form.catalogue.label(c.field_key) if c.field_key else "", c.comment) for c in comments
        ],
        "issues": issues,
        "families": families,
        "headline": summary.headline(lines),
        "history": selectors.form_history(form),
        "can_edit": perms.can_edit_form(request.user, form),
        "can_review": perms.can_review_form(request.user, form),
        "can_follow": perms.can_follow_campaign(request.user, form.campaign),
        "can_manage_survey": can_manage_survey,
        "survey_url": request.build_absolute_uri(reverse("indicators:survey", args=[link.token]))
        if link
        else "",
        "survey": selectors.survey_results(form)
        if perms.can_view_survey_results(request.user, form)
        else None,
        "questionnaire": load_questionnaire(form.campaign.survey_version),
        **extra,
    }


@login_required
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A form's summary: status, computed indicators, values by section, comments, history."""
    form = _get_form(pk)
    _deny_unless(perms.can_view_form(request.user, form))
    return render(request, "indicators/form_detail.html", _form_context(request, form))


@login_required
def form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill in the form over several sittings; every save keeps the draft."""
    form = _get_form(pk)
    _deny_unless(perms.can_edit_form(request.user, form))
    values_form = IndicatorValuesForm(request.POST or None, form=form)
    issues: list[FieldIssue] = []
    if request.method == "POST":
        values_form.is_valid()
        try:
            outcome = services.form_save(form=form, values=values_form.values(), user=request.user)
        except services.FormLocked as error:
            messages.error(request, error.message)
            return redirect("indicators:form-detail", pk=pk)
        form = outcome.form
        issues = outcome.issues
        unreadable = len(values_form.errors)
        if not issues and not unreadable:
            messages.success(request, _("Brouillon enregistré."))
            if request.POST.get("then") == "summary":
                return redirect("indicators:form-detail", pk=pk)
            return redirect("indicators:form-edit", pk=pk)
        values_form.add_issues(issues)
        messages.warning(
            request,
            _(
                "Brouillon enregistré. Certaines valeurs sont à vérifier avant de soumettre : "
                "elles sont listées ci-dessous."
            ),
        )
    comments = selectors.open_comments(form)
    by_field: dict[str, list[Any]] = {}
    for c in comments:
        by_field.setdefault(c.field_key, []).append(c)
    errors = [
        {
            "href": f"#{_anchor(form.catalogue, key)}",
            "label": values_form.fields[key].label,
            "message": " ".join(str(e) for e in errs),
        }
        for key, errs in values_form.errors.items()
        if key in values_form.fields
    ]
    return render(
        request,
        "indicators/form_edit.html",
        {
            "form": form,
            "values_form": values_form,
            "errors": errors,
            "comments_by_field": by_field,
            "general_comments": by_field.get("", []),
        },
    )


@login_required
def form_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the template, upload it filled in."""
    form = _get_form(pk)
    _deny_unless(perms.can_edit_form(request.user, form))
    upload = ImportForm(request.POST or None, request.FILES or None)
    import_issues: list[dict[str, str]] = []
    if request.method == "POST" and upload.is_valid():
        file = upload.cleaned_data["fichier"]
        content = file.read(MAX_BYTES + 1)
        try:
            outcome = services.form_import(
                form=form, content=content, filename=file.name or "", user=request.user
            )
        except services.FormLocked as error:
            messages.error(request, error.message)
            return redirect("indicators:form-detail", pk=pk)
        result = outcome.import_result
        if result is not None and not result.ok:
            import_issues = [
                {"href": "#id_fichier", "label": _("Fichier"), "message": i.message}
                for i in result.issues
            ]
            messages.error(
                request,
                _("Rien n'a été importé : le brouillon est conservé tel quel."),
            )
        else:
            messages.success(
                request,
                ngettext(
                    "Tableur importé : %(n)d valeur modifiée.",
                    "Tableur importé : %(n)d valeurs modifiées.",
                    len(outcome.changed),
                )
                % {"n": len(outcome.changed)},
            )
            if outcome.issues:
                messages.warning(
                    request,
                    _("Certaines valeurs sont à vérifier avant de soumettre."),
                )
            return redirect("indicators:form-detail", pk=pk)
    return render(
        request,
        "indicators/form_import.html",
        {"form": form, "upload": upload, "errors": import_issues},
    )


@login_required
def form_template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The spreadsheet template, pre-filled with the form's current values."""
    form = _get_form(pk)
    _deny_unless(perms.can_view_form(request.user, form))
    name = f"indicateurs-{form.campaign.year}-{slugify(form.organisation.name)[:40]}"
    if fmt == "xlsx":
        content = template_xlsx(form.catalogue, form.values, title=str(form))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        content = template_csv(form.catalogue, form.values)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def form_submit(request: HttpRequest, pk: int) -> HttpResponse:
    form = _get_form(pk)
    _deny_unless(perms.can_edit_form(request.user, form))
    try:
        services.form_submit(form=form, user=request.user)
    except services.SubmissionRefused as error:
        context = _form_context(request, form, submit_errors=_issue_links(form, error.issues))
        messages.error(request, error.message)
        return render(request, "indicators/form_detail.html", context, status=422)
    except services.FormLocked as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Formulaire soumis à l'union. Merci !"))
    return redirect("indicators:form-detail", pk=pk)


@login_required
def form_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The delegate asks for corrections (a comment per field) or validates."""
    form = _get_form(pk)
    _deny_unless(perms.can_review_form(request.user, form))
    review = ReviewForm(request.POST or None, form=form)
    if request.method == "POST" and review.is_valid():
        try:
            if request.POST.get("decision") == "validate":
                services.form_validate(form=form, user=request.user)
                messages.success(request, _("Formulaire validé."))
            else:
                services.form_request_corrections(
                    form=form,
                    user=request.user,
                    comments=review.comments(),
                    general=review.cleaned_data["general"],
                )
                messages.success(request, _("Demande de corrections envoyée à la coopérative."))
        except services.IndicatorsError as error:
            review.add_error(None, error.message)
        else:
            return redirect("indicators:form-detail", pk=pk)
    sections = selectors.form_sections(form)
    rows = [
        (section, [(fv, review[f"commentaire_{fv.field.key}"]) for fv in section.fields])
        for section in sections
    ]
    lines = summary.compute(form.catalogue, form.values, year=form.campaign.year)
    return render(
        request,
        "indicators/form_review.html",
        {"form": form, "review": review, "rows": rows, "lines": lines},
    )


@login_required
@require_POST
def survey_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    form = _get_form(pk)
    _deny_unless(perms.can_manage_survey(request.user, form))
    services.survey_link_rotate(form=form, user=request.user)
    messages.success(request, _("Nouveau lien créé ; l'ancien ne fonctionne plus."))
    return redirect(reverse("indicators:form-detail", args=[pk]) + "#enquete")


@never_cache
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The anonymous questionnaire. No login; nothing about the person is stored.

    A cookie set after answering hides the form in that browser: a soft guard against answering
    twice by mistake, not a control (another browser, or clearing cookies, answers again).
    """
    link = get_object_or_404(
        SurveyLink.objects.select_related("form__campaign", "form__organisation"), token=token
    )
    campaign = link.form.campaign
    questionnaire = load_questionnaire(campaign.survey_version)
    cookie = f"{SURVEY_COOKIE_PREFIX}{link.pk}"
    already = request.COOKIES.get(cookie) == "1"
    survey_form = SurveyForm(request.POST or None, questionnaire=questionnaire)
    errors: list[dict[str, str]] = []
    if request.method == "POST" and not already and campaign.is_open and survey_form.is_valid():
        raw = {k: v for k, v in survey_form.cleaned_data.items() if v is not None}
        try:
            services.survey_response_record(link=link, questionnaire=questionnaire, raw=raw)
        except services.IndicatorsError as error:
            errors.append(
                {"href": "#questions", "label": _("Questionnaire"), "message": error.message}
            )
        else:
            response = redirect("indicators:survey-thanks", token=token)
            response.set_cookie(
                cookie,
                "1",
                max_age=SURVEY_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    return render(
        request,
        "indicators/survey.html",
        {
            "link": link,
            "organisation": link.form.organisation,
            "campaign": campaign,
            "questionnaire": questionnaire,
            "survey_form": survey_form,
            "already": already,
            "errors": errors,
        },
    )


@never_cache
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    link = get_object_or_404(SurveyLink.objects.select_related("form__organisation"), token=token)
    return render(
        request, "indicators/survey_thanks.html", {"organisation": link.form.organisation}
    )
