"""Drafts of a consortium's documents, filled from the members' data in the directory.

Three documents: the consortium agreement (*convention de groupement*), the content of the DC1
(*lettre de candidature et habilitation du mandataire*) and, for each member, of the DC2
(*déclaration du candidat individuel ou du membre du groupement*). They are drafts for the union's
legal service to check, not the official forms: those are published by the Direction des
affaires juridiques (DAJ) of the ministry of the economy. What the directory does not know
(turnover, references, signatories) is marked « à compléter ». DC4 (subcontracting) is not
produced: the workspace does not record subcontracting.

``document_data`` builds plain data once; the same data feed the typst PDF and the HTML preview.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.core.pdf import render_pdf
from maillage.directory.models import Establishment, Organisation
from maillage.directory.selectors import legal_category_label

from .enums import ConsortiumForm
from .models import Consortium, ConsortiumMember

KINDS = ("convention", "dc1", "dc2")
TO_COMPLETE = "à compléter"  # a fixed mark in French drafts, like the forms they mirror


def kind_title(kind: str) -> str:
    return {
        "convention": _("Convention de groupement"),
        "dc1": _("DC1 — Lettre de candidature et habilitation du mandataire"),
        "dc2": _("DC2 — Déclaration du membre du groupement"),
    }[kind]


def _or_blank(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return text or TO_COMPLETE


def _head_office(organisation: Organisation) -> Establishment | None:
    establishments = list(organisation.establishments.all())
    for establishment in establishments:
        if establishment.is_headquarters:
            return establishment
    return establishments[0] if establishments else None


def _address(organisation: Organisation, head: Establishment | None) -> str:
    parts: list[str] = []
    if head is not None and head.address:
        parts.append(head.address)
    commune = (head.commune if head is not None else None) or organisation.commune
    postal = head.postal_code if head is not None else ""
    if commune is not None:
        parts.append(f"{postal} {commune.name}".strip())
    return ", ".join(parts)


def _share(value: Decimal | None) -> str:
    if value is None:
        return TO_COMPLETE
    return f"{formats.number_format(value, decimal_pos=2)} %"


def member_data(member: ConsortiumMember) -> dict[str, Any]:
    """One member as the forms identify it: name, SIREN and SIRET, address, legal category,
    headcount, what it performs and its share."""
    organisation = member.organisation
    head = _head_office(organisation)
    lots = sorted(member.lots.all(), key=lambda lot: lot.number)
    return {
        "id": member.pk,
        "name": organisation.name,
        "acronym": organisation.acronym,
        "siren": _or_blank(organisation.siren),
        "siret": _or_blank(head.siret if head is not None else None),
        "address": _or_blank(_address(organisation, head)),
        "legal_category": _or_blank(
            legal_category_label(organisation.legal_category) if organisation.legal_category else ""
        ),
        "family": organisation.get_family_display(),
        "creation_date": formats.date_format(organisation.creation_date, "DATE_FORMAT")
        if organisation.creation_date
        else TO_COMPLETE,
        "headcount": _or_blank(organisation.headcount),
        "headcount_band": organisation.get_headcount_band_display(),
        "email": _or_blank(organisation.contact_email),
        "phone": _or_blank(organisation.phone),
        "website": organisation.website,
        "role": member.get_role_display(),
        "is_mandataire": member.is_mandataire,
        "lots": [{"number": lot.number, "title": lot.title} for lot in lots],
        "lots_text": ", ".join(f"{_('lot')} {lot.number} ({lot.title})" for lot in lots)
        or TO_COMPLETE,
        "share": _share(member.share_percent),
        "turnover": TO_COMPLETE,
        "accepted": member.accepted,
    }


def document_data(consortium: Consortium) -> dict[str, Any]:
    """Everything the three drafts say, as plain data (strings, lists, dicts)."""
    need = consortium.need
    members = [member_data(m) for m in consortium.members.all()]
    mandataire = next((m for m in members if m["is_mandataire"]), None)
    lots = []
    for lot in sorted(need.lots.all(), key=lambda lot: lot.number):
        holders = [m["name"] for m in members if any(x["number"] == lot.number for x in m["lots"])]
        lots.append(
            {
                "number": lot.number,
                "title": lot.title,
                "holders": ", ".join(holders) or TO_COMPLETE,
            }
        )
    conjoint = consortium.form == ConsortiumForm.CONJOINT
    return {
        "title": consortium.name,
        "draft_notice": _("Projet — à vérifier par le service juridique"),
        "daj_notice": _(
            "Les formulaires officiels DC1, DC2 et DC4 sont publiés par la Direction des affaires "
            "juridiques (DAJ) du ministère de l'Économie et des Finances. Ce document en reprend "
            "le contenu pour préparer la candidature ; il ne remplace pas le formulaire officiel."
        ),
        "generated_on": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "buyer": {
            "name": _or_blank(need.buyer_display),
            "siren": _or_blank(need.buyer_siren),
            "kind": need.get_buyer_kind_display(),
        },
        "object": {
            "title": need.title,
            "description": need.description,
            "place": need.place_label,
            "deadline": formats.date_format(need.deadline, "DATE_FORMAT"),
        },
        "form": consortium.get_form_display(),
        "conjoint": conjoint,
        "mandataire_solidaire": conjoint and consortium.mandataire_solidaire,
        "liability": consortium.liability_display,
        "status": consortium.get_status_display(),
        "lots": lots,
        "members": members,
        "mandataire": mandataire,
        "to_complete": TO_COMPLETE,
    }


def render(consortium: Consortium, kind: str, member: ConsortiumMember | None = None) -> bytes:
    """The PDF draft of ``kind`` ("convention", "dc1", or "dc2" for ``member``)."""
    if kind not in KINDS:
        raise ValueError(kind)
    data = document_data(consortium)
    if kind == "dc2":
        if member is None:
            raise ValueError("the DC2 is one member's declaration")
        data["member"] = next(m for m in data["members"] if m["id"] == member.pk)
    data["document_title"] = kind_title(kind)
    return render_pdf(f"exchange/{kind}.typ", data)


def filename(consortium: Consortium, kind: str, member: ConsortiumMember | None = None) -> str:
    base = {"convention": "convention-de-groupement", "dc1": "DC1", "dc2": "DC2"}[kind]
    suffix = f"-{member.organisation.slug}" if member is not None else ""
    return f"{base}-groupement-{consortium.pk}{suffix}.pdf"
