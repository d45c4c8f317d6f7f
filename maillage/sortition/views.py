"""Public pages of conventions drawn by lot (presentation, volunteering, the published lottery,
verification of the draw) and the organisers' pages. Thin: parse, call a service or selector,
render."""

from __future__ import annotations

import functools
import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from maillage.accounts.models import User

from . import perms, selectors, services
from .draw import DrawVerificationError, verify_draw
from .forms import ConventionForm, VerifyForm, VolunteerForm
from .lottery import lottery_hash
from .models import Convention, Volunteer


def _convention(slug: str) -> Convention:
    return get_object_or_404(Convention, slug=slug)


def organiser_convention(request: HttpRequest, slug: str) -> Convention:
    """The convention, for its organisers only (others: login page or 403)."""
    convention = _convention(slug)
    if not request.user.is_authenticated:
        raise _LoginRequired
    if not perms.is_organiser(request.user, convention):
        raise PermissionDenied(_("Cette page est réservée aux organisateurs de la convention."))
    return convention


class _LoginRequired(Exception):
    pass


def acting_user(request: HttpRequest) -> User:
    """The organiser behind an organisers-only view (authenticated by ``organiser_convention``)."""
    return cast(User, request.user)


def organisers_only(view: Any) -> Any:
    """Send anonymous visitors of an organisers' page to the login page, then back."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())

    return wrapped


def probability_context(values: list[float]) -> dict[str, Any]:
    return {"stats": selectors.stats(values), "histogram": selectors.histogram_svg(values)}


# --- public pages ------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """Conventions drawn by lot."""
    context = {
        "conventions": selectors.conventions_list(),
        "can_create": perms.can_create_convention(request.user),
    }
    return render(request, "sortition/index.html", context)


def convention_create(request: HttpRequest) -> HttpResponse:
    """A new convention (platform administrators), its criteria and its organisers."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_create_convention(request.user):
        raise PermissionDenied
    form = ConventionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        convention = services.convention_create(
            title=data["title"],
            description=data["description"],
            panel_size=data["panel_size"],
            features=data["features"],
            one_per_cooperative=data["one_per_cooperative"],
            organisers=[request.user, *data["organisers"]],
        )
        messages.success(request, _("La convention est créée ; l'appel à volontaires est ouvert."))
        return redirect("sortition:manage", slug=convention.slug)
    return render(request, "sortition/convention_form.html", {"form": form})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Presentation, how the draw works, the published lottery, the draw and the panel."""
    convention = _convention(slug)
    publication = getattr(convention, "publication", None)
    draw = getattr(convention, "draw", None)
    rows = selectors.published_rows(convention)
    own = perms.own_volunteer(request.user, convention)
    context = {
        "convention": convention,
        "publication": publication,
        "draw": draw,
        "replacements": list(convention.replacements.all()),
        "is_organiser": perms.is_organiser(request.user, convention),
        "can_volunteer": perms.can_volunteer(convention),
        "own": own,
        "own_probability": {p: t for p, t, _v in rows}.get(own.pseudonym) if own and rows else None,
        "pool_size": convention.volunteers.count(),
        "record": publication.run if publication else None,
        "record_quotas": _labelled_quotas(convention, publication.run.quotas)
        if publication
        else [],
        **probability_context([v for _p, _t, v in rows]),
    }
    return render(request, "sortition/detail.html", context)


def _labelled_quotas(
    convention: Convention, snapshot: dict[str, Any]
) -> list[tuple[str, int, int]]:
    """A run's quota snapshot with the convention's labels (unbounded values left out)."""
    size = int(snapshot.get("panel_size", convention.panel_size))
    return [
        (convention.label_of(f"{q['feature']}={q['value']}"), q["min"], q["max"])
        for q in snapshot.get("quotas", [])
        if q["min"] > 0 or q["max"] < size
    ]


def published_probabilities(request: HttpRequest, slug: str) -> HttpResponse:
    """Every pseudonym and its probability k/1000, recomputed from the published file."""
    convention = _convention(slug)
    rows = selectors.published_rows(convention)
    if not rows:
        raise Http404
    context = {
        "convention": convention,
        "rows": rows,
        **probability_context([v for _p, _t, v in rows]),
    }
    return render(request, "sortition/published_probabilities.html", context)


def lottery_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The published lottery, byte for byte the file whose SHA-256 is announced."""
    convention = _convention(slug)
    publication = getattr(convention, "publication", None)
    if publication is None:
        raise Http404
    response = HttpResponse(
        publication.content.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="loterie-{convention.slug}.json"'
    return response


def verify(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone pastes the seed; the index and the panel are recomputed from the published file."""
    convention = _convention(slug)
    publication = getattr(convention, "publication", None)
    if publication is None:
        raise Http404
    draw = getattr(convention, "draw", None)
    form = VerifyForm(request.POST or None, request.FILES or None)
    verified = None
    matches = None
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["file"] or json.loads(publication.content)
        try:
            verified = verify_draw(document, publication.sha256, form.cleaned_data["seed"])
        except DrawVerificationError:
            form.add_error(
                "file",
                _(
                    "Ce fichier a pour empreinte %(h)s, différente de l'empreinte publiée : "
                    "ce n'est pas le fichier publié."
                )
                % {"h": lottery_hash(document)},
            )
        except (KeyError, TypeError, ValueError):
            form.add_error("file", _("Ce fichier n'a pas la forme d'un fichier de loterie."))
        else:
            if draw is not None and draw.index is not None:
                matches = verified.index == draw.index and list(verified.panel) == list(draw.panel)
    context = {
        "convention": convention,
        "publication": publication,
        "draw": draw,
        "form": form,
        "verified": verified,
        "matches": matches,
    }
    return render(request, "sortition/verify.html", context)


def volunteer(request: HttpRequest, slug: str) -> HttpResponse:
    """Join the pool: name, e-mail, cooperative, criteria, consent."""
    convention = _convention(slug)
    if not perms.can_volunteer(convention):
        messages.error(request, _("L'appel à volontaires de cette convention est clos."))
        return redirect("sortition:detail", slug=slug)
    initial = {}
    if request.user.is_authenticated:
        initial = {"full_name": request.user.full_name, "email": request.user.email}
    form = VolunteerForm(request.POST or None, convention=convention, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.volunteer_create(
                convention=convention,
                full_name=data["full_name"],
                email=data["email"],
                cooperative=data["cooperative"],
                features=form.feature_values(),
                consent=data["consent"],
                user=request.user if request.user.is_authenticated else None,
            )
        except services.SortitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Vous êtes dans le vivier. Un lien personnel vous a été envoyé à %(email)s.")
                % {"email": entry.email},
            )
            return redirect("sortition:mine", slug=slug, token=entry.token)
    return render(
        request, "sortition/volunteer_form.html", {"convention": convention, "form": form}
    )


def mine(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A volunteer's own page (private link): their data, pseudonym and probability."""
    entry = get_object_or_404(
        Volunteer.objects.select_related("convention"), convention__slug=slug, token=token
    )
    convention = entry.convention
    published = selectors.published_rows(convention)
    rows = {p: t for p, t, _v in published}
    context = {
        "convention": convention,
        "entry": entry,
        "features": [
            (
                f["label"],
                convention.value_labels().get((f["key"], entry.features.get(f["key"], "")), ""),
            )
            for f in convention.features
        ],
        "probability": rows.get(entry.pseudonym),
        "computed": None if rows else _computed_probability(entry),
        **probability_context([v for _p, _t, v in published]),
        "draw": getattr(convention, "draw", None),
    }
    response = render(request, "sortition/mine.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _computed_probability(entry: Volunteer) -> float | None:
    """The LEXIMIN probability of the latest run on the current pool, before publication."""
    run = selectors.latest_done_run(entry.convention)
    if run is None or not services.run_is_current(run, entry.convention):
        return None
    value = run.probabilities.get(str(entry.pk))
    return None if value is None else float(value)
