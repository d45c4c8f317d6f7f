"""Writes of the directory pages: profile, offers and entrepreneurs edited by their people,
post-moderation by union delegates, the contact form, confirmation and staleness reminders.

Edits are published at once and recorded as a ProfileChange (before/after of the changed
fields); a delegate accepts it or reverts it, which writes the previous values back. Every
service is atomic, keyword-only, and refreshes the search documents when searchable text
changed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.enums import AuditAction, Role
from maillage.accounts.models import Membership
from maillage.accounts.services import RuleError, audit_record

from .enums import ZoneMode
from .models import (
    ContactMessage,
    Entrepreneur,
    Offer,
    OfferZone,
    Organisation,
    ProfileChange,
    ProfileChangeKind,
    ProfileChangeStatus,
    ProfileReminder,
)
from .selectors import stale_organisations

if TYPE_CHECKING:
    from maillage.accounts.models import User

PROFILE_FIELDS = [
    "name",
    "acronym",
    "description",
    "website",
    "contact_email",
    "phone",
    "sector",
    "creation_date",
    "headcount_band",
    "headcount",
    "associates_count",
]
OFFER_FIELDS = ["title", "description", "sector", "keywords", "zone_mode", "radius_km", "origin"]
ENTREPRENEUR_FIELDS = ["display_name", "activity", "sector", "commune", "visibility"]

# Contact form: per sender address and per IP, within the window.
CONTACT_WINDOW = timedelta(hours=1)
CONTACT_MAX_PER_SENDER = 3
CONTACT_MAX_PER_IP = 5
STALE_AFTER = timedelta(days=365)
REMINDER_EVERY = timedelta(days=30)

AUDIT_CHANGE_ACCEPTED = AuditAction.PROFILE_CHANGE_ACCEPTED
AUDIT_CHANGE_REVERTED = AuditAction.PROFILE_CHANGE_REVERTED


# ---------------------------------------------------------------------------- helpers


def _search_refresh(organisation_ids: list[int]) -> None:
    """Keep the search documents of these organisations in step with their profile."""
    from maillage.directory.search import search_document_refresh

    search_document_refresh(organisation_ids=organisation_ids)


def _to_json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _field_value(instance: models.Model, name: str) -> Any:
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname)  # foreign keys as ids


def _set_field(instance: models.Model, name: str, value: Any) -> None:
    field = instance._meta.get_field(name)
    if field.is_relation:
        setattr(instance, field.attname, value)
    else:
        setattr(instance, field.attname, field.to_python(value))


def _diff(instance: models.Model, names: list[str], data: dict[str, Any]) -> tuple[dict, dict]:
    """(before, after) of the fields whose value changes, as JSON values."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in names:
        if name not in data:
            continue
        old = _to_json(_field_value(instance, name))
        new = _to_json(data[name])
        if old != new and not (old in (None, "") and new in (None, "")):
            before[name], after[name] = old, new
    return before, after


def _zones_of(offer: Offer) -> list[list[str]]:
    return sorted([zone.level, zone.code] for zone in offer.zones.all())


def _offer_snapshot(offer: Offer) -> dict[str, Any]:
    snapshot = {name: _to_json(_field_value(offer, name)) for name in OFFER_FIELDS}
    snapshot["zones"] = _zones_of(offer)
    return snapshot


def _set_zones(offer: Offer, zones: list[list[str]] | list[tuple[str, str]]) -> None:
    offer.zones.all().delete()
    OfferZone.objects.bulk_create(
        [
            OfferZone(offer=offer, level=level, code=code)
            for level, code in dict.fromkeys((str(level), str(code)) for level, code in zones)
        ]
    )


def _check_offer(data: dict[str, Any], zones: list[tuple[str, str]]) -> None:
    mode = data.get("zone_mode")
    if mode == ZoneMode.RADIUS and not data.get("radius_km"):
        raise RuleError(_("Indiquez le rayon d'intervention en kilomètres."))
    if mode == ZoneMode.ZONES and not zones:
        raise RuleError(_("Choisissez au moins un territoire d'intervention."))


def _record(
    *,
    organisation: Organisation,
    author: User | None,
    kind: str,
    obj: models.Model | None,
    before: dict[str, Any],
    after: dict[str, Any],
) -> ProfileChange:
    return ProfileChange.objects.create(
        organisation=organisation,
        author=author if author is not None and author.is_authenticated else None,
        kind=kind,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:255] if obj is not None else organisation.name[:255],
        before=before,
        after=after,
    )


# ---------------------------------------------------------------------------- profile


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, author: User, data: dict[str, Any]
) -> ProfileChange | None:
    """Publish the edited profile fields and record the change; None when nothing changed."""
    before, after = _diff(organisation, PROFILE_FIELDS, data)
    if not after:
        return None
    for name, value in after.items():
        _set_field(organisation, name, value)
    organisation.confirmed_at = timezone.now()
    organisation.save()
    change = _record(
        organisation=organisation,
        author=author,
        kind=ProfileChangeKind.PROFILE,
        obj=None,
        before=before,
        after=after,
    )
    _search_refresh([organisation.pk])
    return change


@transaction.atomic
def organisation_confirm(*, organisation: Organisation, author: User) -> Organisation:
    """« La fiche est à jour » : resets the staleness clock."""
    organisation.confirmed_at = timezone.now()
    organisation.save(update_fields=["confirmed_at", "updated_at"])
    return organisation


# ---------------------------------------------------------------------------- offers


def _offer_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in OFFER_FIELDS if name in data}
    if values.get("zone_mode") != ZoneMode.RADIUS:
        values["radius_km"] = None
    for text in ("description", "keywords"):
        if values.get(text) is None and text in values:
            values[text] = ""
    return values


@transaction.atomic
def offer_create(
    *,
    organisation: Organisation,
    author: User,
    data: dict[str, Any],
    zones: list[tuple[str, str]],
    entrepreneur: Entrepreneur | None = None,
) -> Offer:
    """Add an offer (of the organisation, or of one of its entrepreneurs)."""
    _check_offer(data, zones)
    offer = Offer(organisation=organisation, entrepreneur=entrepreneur)
    for name, value in _offer_values(data).items():
        setattr(offer, name, value)
    offer.save()
    if offer.zone_mode == ZoneMode.ZONES:
        _set_zones(offer, zones)
    _record(
        organisation=organisation,
        author=author,
        kind=ProfileChangeKind.OFFER_CREATED,
        obj=offer,
        before={},
        after=_offer_snapshot(offer),
    )
    _search_refresh([organisation.pk])
    return offer


@transaction.atomic
def offer_update(
    *, offer: Offer, author: User, data: dict[str, Any], zones: list[tuple[str, str]]
) -> ProfileChange | None:
    """Publish an edited offer (zones included) and record the change."""
    _check_offer(data, zones)
    old = _offer_snapshot(offer)
    for name, value in _offer_values(data).items():
        setattr(offer, name, value)
    offer.save()
    _set_zones(offer, zones if offer.zone_mode == ZoneMode.ZONES else [])
    new = _offer_snapshot(offer)
    before = {k: v for k, v in old.items() if new.get(k) != v}
    after = {k: new[k] for k in before}
    if not after:
        return None
    change = _record(
        organisation=offer.organisation,
        author=author,
        kind=ProfileChangeKind.OFFER_UPDATED,
        obj=offer,
        before=before,
        after=after,
    )
    _search_refresh([offer.organisation_id])
    return change


@transaction.atomic
def offer_delete(*, offer: Offer, author: User) -> ProfileChange:
    """Remove an offer; the change keeps everything needed to restore it."""
    before = _offer_snapshot(offer)
    before["entrepreneur"] = offer.entrepreneur_id
    change = _record(
        organisation=offer.organisation,
        author=author,
        kind=ProfileChangeKind.OFFER_DELETED,
        obj=offer,
        before=before,
        after={},
    )
    organisation_id = offer.organisation_id
    offer.delete()
    _search_refresh([organisation_id])
    return change


# ---------------------------------------------------------------------------- entrepreneurs


@transaction.atomic
def entrepreneur_update(
    *, entrepreneur: Entrepreneur, author: User, data: dict[str, Any]
) -> ProfileChange | None:
    """Publish an entrepreneur's edited sub-profile (visibility included)."""
    before, after = _diff(entrepreneur, ENTREPRENEUR_FIELDS, data)
    if not after:
        return None
    for name, value in after.items():
        _set_field(entrepreneur, name, value)
    entrepreneur.save()
    change = _record(
        organisation=entrepreneur.cae,
        author=author,
        kind=ProfileChangeKind.ENTREPRENEUR,
        obj=entrepreneur,
        before=before,
        after=after,
    )
    _search_refresh([entrepreneur.cae_id])
    return change


# ---------------------------------------------------------------------------- moderation


def _decide(change: ProfileChange, reviewer: User, status: str) -> None:
    if change.status != ProfileChangeStatus.PENDING:
        raise RuleError(_("Cette modification a déjà été relue."))
    change.status = status
    change.reviewed_by = reviewer
    change.reviewed_at = timezone.now()
    change.save(update_fields=["status", "reviewed_by", "reviewed_at"])


@transaction.atomic
def profile_change_accept(
    *, change: ProfileChange, reviewer: User, ip: str | None = None
) -> ProfileChange:
    """The delegate keeps the change as published."""
    change = ProfileChange.objects.select_for_update().get(pk=change.pk)
    _decide(change, reviewer, ProfileChangeStatus.ACCEPTED)
    audit_record(
        actor=reviewer,
        action=AUDIT_CHANGE_ACCEPTED,  # type: ignore[arg-type]
        target_type="profile_change",
        target_id=change.pk,
        target_repr=str(change),
        organisation=change.organisation,
        details={"kind": change.kind, "fields": sorted(change.after or change.before)},
        ip=ip,
    )
    return change


@transaction.atomic
def profile_change_revert(
    *, change: ProfileChange, reviewer: User, ip: str | None = None
) -> ProfileChange:
    """The delegate undoes the change: the previous values are written back."""
    change = (
        ProfileChange.objects.select_for_update().select_related("organisation").get(pk=change.pk)
    )
    _decide(change, reviewer, ProfileChangeStatus.REVERTED)
    organisation = change.organisation
    if change.kind == ProfileChangeKind.PROFILE:
        for name, value in change.before.items():
            _set_field(organisation, name, value)
        organisation.save()
    elif change.kind == ProfileChangeKind.ENTREPRENEUR:
        entrepreneur = Entrepreneur.objects.filter(pk=change.object_id).first()
        if entrepreneur is not None:
            for name, value in change.before.items():
                _set_field(entrepreneur, name, value)
            entrepreneur.save()
    elif change.kind == ProfileChangeKind.OFFER_CREATED:
        Offer.objects.filter(pk=change.object_id, organisation=organisation).delete()
    elif change.kind == ProfileChangeKind.OFFER_UPDATED:
        offer = Offer.objects.filter(pk=change.object_id, organisation=organisation).first()
        if offer is not None:
            _restore_offer(offer, change.before)
    elif change.kind == ProfileChangeKind.OFFER_DELETED:
        offer = Offer(organisation=organisation, entrepreneur_id=change.before.get("entrepreneur"))
        if (
            offer.entrepreneur_id
            and not Entrepreneur.objects.filter(pk=offer.entrepreneur_id).exists()
        ):
            offer.entrepreneur_id = None
        _restore_offer(offer, change.before)
    audit_record(
        actor=reviewer,
        action=AUDIT_CHANGE_REVERTED,  # type: ignore[arg-type]
        target_type="profile_change",
        target_id=change.pk,
        target_repr=str(change),
        organisation=organisation,
        details={"kind": change.kind, "restored": change.before},
        ip=ip,
    )
    _search_refresh([organisation.pk])
    return change


def _restore_offer(offer: Offer, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name in OFFER_FIELDS:
            _set_field(offer, name, value)
    if (
        offer.origin_id
        and not offer.organisation.establishments.filter(pk=offer.origin_id).exists()
    ):
        offer.origin_id = None
    offer.save()
    if "zones" in values:
        _set_zones(offer, values["zones"])


# ---------------------------------------------------------------------------- contact


def organisation_recipients(organisation: Organisation) -> list[str]:
    """Where the organisation's mail goes: its contact e-mail, or else its administrators."""
    if organisation.contact_email:
        return [organisation.contact_email]
    return list(
        Membership.objects.filter(
            organisation=organisation, role=Role.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def contact_message_send(
    *,
    organisation: Organisation,
    sender_name: str,
    sender_email: str,
    message: str,
    ip: str | None,
    site_url: str | None = None,
) -> ContactMessage:
    """Relay a visitor's message by e-mail without showing the organisation's address.

    The sender's address goes in Reply-To, so that the answer reaches them directly. Limited
    per sender address and per IP within CONTACT_WINDOW; the body is not kept.
    """
    recipients = organisation_recipients(organisation)
    if not recipients:
        raise RuleError(_("Cette organisation ne peut pas encore être contactée par ce biais."))
    since = timezone.now() - CONTACT_WINDOW
    recent = ContactMessage.objects.filter(created_at__gte=since)
    if recent.filter(sender_email__iexact=sender_email).count() >= CONTACT_MAX_PER_SENDER or (
        ip and recent.filter(sender_ip=ip).count() >= CONTACT_MAX_PER_IP
    ):
        raise RuleError(
            _("Vous avez envoyé plusieurs messages en peu de temps. Réessayez dans une heure.")
        )
    page = reverse("directory:detail", kwargs={"slug": organisation.slug})
    base = (site_url or getattr(settings, "SITE_URL", "")).rstrip("/")
    subject = _("[Maillage] Message de %(name)s pour %(organisation)s") % {
        "name": sender_name,
        "organisation": organisation.name,
    }
    body = _(
        "%(name)s <%(email)s> vous écrit depuis votre page de l'annuaire Maillage "
        "(%(url)s) :\n\n%(message)s\n\n-- \nRépondez directement à ce message : la réponse "
        "ira à %(email)s. Maillage n'a pas communiqué votre adresse."
    ) % {"name": sender_name, "email": sender_email, "url": f"{base}{page}", "message": message}
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[sender_email],
    ).send()
    return ContactMessage.objects.create(
        organisation=organisation, sender_email=sender_email, sender_ip=ip or None
    )


# ---------------------------------------------------------------------------- reminders


def _admin_emails(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation=organisation, role=Role.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def profile_reminders_send(
    *,
    now: datetime | None = None,
    stale_after: timedelta = STALE_AFTER,
    every: timedelta = REMINDER_EVERY,
    site_url: str | None = None,
) -> int:
    """E-mail the administrators of stale profiles (not confirmed nor updated for a year).

    Idempotent: an organisation reminded less than ``every`` ago is skipped; each reminder
    sent is recorded. Synthetic organisations are reminded only through real admin accounts.
    Returns the number of organisations reminded.
    """
    now = now or timezone.now()
    base = (site_url or getattr(settings, "SITE_URL", "")).rstrip("/")
    recently = ProfileReminder.objects.filter(sent_at__gte=now - every).values("organisation")
    sent = 0
    for organisation in (
        stale_organisations(now=now, stale_after=stale_after)
        .exclude(pk__in=recently)
        .iterator(chunk_size=500)
    ):
        recipients = _admin_emails(organisation)
        if not recipients and organisation.contact_email and not organisation.is_synthetic:
            recipients = [organisation.contact_email]
        if not recipients:
            continue
        page = reverse("directory:detail", kwargs={"slug": organisation.slug})
        with transaction.atomic():
            EmailMessage(
                subject=_("[Maillage] La fiche de %(organisation)s est-elle à jour ?")
                % {"organisation": organisation.name},
                body=_(
                    "Bonjour,\n\nLa fiche de %(organisation)s dans l'annuaire Maillage n'a pas "
                    "été confirmée ni modifiée depuis plus d'un an. Vérifiez-la et cliquez sur "
                    "« Confirmer que la fiche est à jour » :\n%(url)s\n\nMerci !"
                )
                % {"organisation": organisation.name, "url": f"{base}{page}"},
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=recipients,
            ).send()
            ProfileReminder.objects.create(organisation=organisation, recipients=len(recipients))
        sent += 1
    return sent
