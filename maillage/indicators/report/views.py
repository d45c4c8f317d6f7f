"""Pages of the report « Démocratie et travail », the peer comparison and the jobs page.

Thin: parse, ask :mod:`maillage.indicators.perms`, call one selector or service, render. The
public report page and its PDF read the published snapshot only; the preview (union staff)
computes the same report live, through the same secrecy rules.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.indicators import perms, selectors, services
from maillage.indicators.models import Campaign, IndicatorForm, PublishedReport
from maillage.indicators.survey import load_questionnaire

from .charts import jobs_svg, report_charts
from .peers import compare
from .present import present_jobs, present_report, with_charts


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _uris(charts: Mapping[str, str]) -> dict[str, str]:
    """Charts as ``data:`` URIs: one request for the page, and no clash between the SVGs' ids."""
    return {
        name: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
        for name, svg in charts.items()
    }


def report_list(request: HttpRequest) -> HttpResponse:
    """Every published report (public)."""
    return render(
        request, "indicators/report_list.html", {"reports": list(selectors.published_reports())}
    )


def report_public(request: HttpRequest, union: str, year: int) -> HttpResponse:
    """The published report, exactly as published (public)."""
    published = selectors.published_report(union, year)
    if published is None:
        raise Http404
    shown = with_charts(present_report(published.data), _uris(published.charts))
    return render(
        request,
        "indicators/report.html",
        {
            "report": shown,
            "published": published,
            "can_publish": perms.can_publish_report(request.user, published.campaign),
        },
    )


def report_pdf(request: HttpRequest, union: str, year: int) -> HttpResponse:
    """The published PDF (public)."""
    published = selectors.published_report(union, year)
    if published is None:
        raise Http404
    pdf = PublishedReport.objects.values_list("pdf", flat=True).get(pk=published.pk)
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    filename = f"democratie-et-travail-{union}-{year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as it would be published now (union staff only), with the publish button."""
    campaign = get_object_or_404(Campaign.objects.select_related("union"), pk=pk)
    _deny_unless(perms.can_publish_report(request.user, campaign))
    data = selectors.report_data(campaign)
    shown = with_charts(present_report(data), _uris(report_charts(data)))
    published = selectors.published_report(campaign.union_id, campaign.year)
    return render(
        request,
        "indicators/report.html",
        {
            "report": shown,
            "preview": True,
            "campaign": campaign,
            "published": published,
            "can_publish": True,
        },
    )


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("union"), pk=pk)
    _deny_unless(perms.can_publish_report(request.user, campaign))
    try:
        report = services.report_publish(campaign=campaign, user=request.user)
    except services.IndicatorsError as error:
        messages.error(request, str(error))
        return redirect("indicators:report-preview", pk=campaign.pk)
    messages.success(
        request,
        _("Rapport publié (révision %(revision)d) : la page et le PDF sont en ligne.")
        % {"revision": report.revision},
    )
    return redirect("indicators:report", union=campaign.union_id, year=campaign.year)


@login_required
def peer_comparison(request: HttpRequest, pk: int) -> HttpResponse:
    """A cooperative's own figures beside its peers' published figures (private)."""
    form = get_object_or_404(
        IndicatorForm.objects.select_related(
            "campaign", "campaign__union", "organisation", "organisation__commune"
        ).select_related("organisation__sector"),
        pk=pk,
    )
    _deny_unless(perms.can_view_peer_comparison(request.user, form))
    published = selectors.published_report(form.campaign.union_id, form.campaign.year)
    context: dict[str, Any] = {"form": form, "published": published}
    if published is not None:
        organisation = form.organisation
        context |= compare(
            values=form.values,
            answers=selectors.form_survey_answers(form),
            questionnaire=load_questionnaire(form.campaign.survey_version),
            territory=(organisation.commune.departement_id if organisation.commune else "nl"),
            sector=(organisation.sector.section_code if organisation.sector else "nr"),
            data=published.data,
        )
    return render(request, "indicators/peer_comparison.html", context)


def jobs(request: HttpRequest) -> HttpResponse:
    """Jobs toward 100,000 (public): series against the targets, breakdowns for one year."""
    current_year = timezone.localdate().year
    key = f"indicators:jobs:{current_year}:{selectors.jobs_fingerprint()}"
    cached = cache.get(key)
    if cached is None:
        data = selectors.jobs_data(current_year=current_year)
        cached = {"data": data, "chart": _uris({"jobs.svg": jobs_svg(data)})["jobs.svg"]}
        cache.set(key, cached, 60 * 60)
    shown = present_jobs(cached["data"])
    years = [str(y) for y in shown["years"]]
    year = request.GET.get("annee") or years[-1]
    if year not in years:
        year = years[-1]
    return render(
        request,
        "indicators/jobs.html",
        {
            "jobs": shown,
            "chart": cached["chart"],
            "year": year,
            "years": years,
            "breakdown": shown["breakdowns"][year],
        },
    )
