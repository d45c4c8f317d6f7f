"""Sponsorship (parrainage), mentoring and ambassadors of the movement.

Volunteers (a cooperative that sponsors, a person who mentors or speaks as an ambassador) say
what they cover; new cooperatives ask for a sponsor or a mentor; schools, local authorities and
unions ask for an ambassador for an event. A delegate runs the optimal assignment of everything
open in their union (``AssignmentRun``), overrides it if needed and accepts it: requests become
sponsorships, followed through milestones, shared notes and a closing feedback from each side.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import (
    Audience,
    EventStatus,
    Format,
    MilestoneKind,
    ReminderKind,
    RequesterType,
    RequestKind,
    RequestReason,
    RequestStatus,
    RunStatus,
    Side,
    SponsorshipStatus,
    Topic,
    VolunteerKind,
)

# ----------------------------------------------------------------------------- querysets


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def active(self) -> VolunteerQuerySet:
        return self.filter(is_active=True)

    def with_places(self) -> VolunteerQuerySet:
        return self.select_related(
            "organisation", "organisation__sector", "user", "commune", "union"
        )


class EventQuerySet(models.QuerySet["AmbassadorEvent"]):
    def upcoming(self, now: datetime | None = None) -> EventQuerySet:
        return self.filter(ends_at__gte=now or timezone.now())

    def live(self) -> EventQuerySet:
        """Events that still happen: validated, waiting or with an ambassador."""
        return self.filter(status__in=[EventStatus.OPEN, EventStatus.ASSIGNED])


class SponsorshipQuerySet(models.QuerySet["Sponsorship"]):
    def active(self) -> SponsorshipQuerySet:
        return self.filter(status=SponsorshipStatus.ACTIVE)


# ----------------------------------------------------------------------------- volunteers


class Volunteer(models.Model):
    """A cooperative volunteering as a sponsor, or a person as a mentor or an ambassador.

    Territories are zones as ``"level:code"`` strings (``"departement:42"``, ``"union:aura"``,
    ``"france:FR"``), matched up the hierarchy like everywhere on the platform. ``capacity`` is
    how many new cooperatives the volunteer follows at once (ambassadors: unused, the rule is
    one event at a time). Sector families are NAF section letters.
    """

    kind = models.CharField(_("rôle"), max_length=12, choices=VolunteerKind.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mentoring_volunteers",
        verbose_name=_("coopérative"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mentoring_volunteers",
        verbose_name=_("personne"),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        related_name="mentoring_volunteers",
        verbose_name=_("commune"),
    )
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentoring_volunteers",
        verbose_name=_("union régionale"),
    )
    capacity = models.PositiveSmallIntegerField(_("nombre de coopératives à la fois"), default=1)
    sector_sections = models.JSONField(_("familles de secteurs"), default=list, blank=True)
    topics = models.JSONField(_("thèmes"), default=list, blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)
    territories = models.JSONField(_("territoires couverts"), default=list)
    experience_years = models.PositiveSmallIntegerField(_("années d'expérience"), default=0)
    weekdays = models.JSONField(_("jours disponibles"), default=list, blank=True)
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateField(_("disponible jusqu'au"), null=True, blank=True)
    availability_note = models.CharField(_("disponibilités"), max_length=255, blank=True)
    presentation = models.TextField(_("présentation"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("disponible"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("bénévole du parrainage")
        verbose_name_plural = _("bénévoles du parrainage")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=VolunteerKind.SPONSOR) & Q(organisation__isnull=False))
                | (~Q(kind=VolunteerKind.SPONSOR) & Q(user__isnull=False)),
                name="mentoring_volunteer_holder",
            ),
            models.UniqueConstraint(
                fields=["kind", "organisation"],
                condition=Q(organisation__isnull=False),
                name="mentoring_volunteer_one_per_org",
            ),
            models.UniqueConstraint(
                fields=["kind", "user"],
                condition=Q(user__isnull=False),
                name="mentoring_volunteer_one_per_person",
            ),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="mentoring_volunteer_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.organisation_id and self.organisation is not None:
            return self.organisation.name
        if self.user is not None:
            return str(self.user)
        return f"#{self.pk}"

    @property
    def effective_experience_years(self) -> float:
        """A sponsor's experience is its cooperative's age; a person declares theirs."""
        if self.kind == VolunteerKind.SPONSOR and self.organisation is not None:
            created = self.organisation.creation_date
            if created is not None:
                return max(0.0, (timezone.localdate() - created).days / 365.25)
        return float(self.experience_years)

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]

    def format_labels(self) -> list[str]:
        return [str(Format(f).label) for f in self.formats if f in Format.values]

    def is_available_on(self, day: date) -> bool:
        """The date falls in the volunteer's window and on one of their days (empty: any)."""
        if self.available_from and day < self.available_from:
            return False
        if self.available_until and day > self.available_until:
            return False
        return not self.weekdays or day.weekday() in self.weekdays


# ----------------------------------------------------------------------------- requests


class MentoringRequest(models.Model):
    """A cooperative (new, or changing its manager) asks for a sponsor or a mentor."""

    kind = models.CharField(_("demande"), max_length=10, choices=RequestKind.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="mentoring_requests",
        verbose_name=_("coopérative"),
    )
    reason = models.CharField(
        _("moment"), max_length=16, choices=RequestReason.choices, default=RequestReason.CREATION
    )
    topic = models.CharField(_("thème"), max_length=12, choices=Topic.choices, blank=True)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("statut"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentoring_requests",
        verbose_name=_("union régionale"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandée par"),
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande de parrainage")
        verbose_name_plural = _("demandes de parrainage")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(status="open"),
                name="mentoring_request_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_kind_display()}"


class AmbassadorEvent(models.Model):
    """An ambassador asked for an event: a class from collège on, elected officials, a fair.

    Asked by a logged-in person (a delegate's request is validated at once) or through the
    public form, whose contact details wait for a delegate of the union to validate them.
    """

    title = models.CharField(_("intitulé"), max_length=200)
    requester_type = models.CharField(_("demandeur"), max_length=10, choices=RequesterType.choices)
    requester_name = models.CharField(
        _("nom de l'établissement ou de la structure"), max_length=200
    )
    contact_name = models.CharField(_("personne à contacter"), max_length=150)
    contact_email = models.EmailField(_("e-mail de contact"))
    contact_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ambassador_events",
        verbose_name=_("union régionale"),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        related_name="ambassador_events",
        verbose_name=_("commune"),
    )
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    audience = models.CharField(_("public"), max_length=12, choices=Audience.choices)
    audience_size = models.PositiveIntegerField(_("nombre de participants"))
    topic = models.CharField(_("thème"), max_length=12, choices=Topic.choices)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    message = models.TextField(_("précisions"), blank=True, max_length=2000)
    status = models.CharField(
        _("statut"), max_length=12, choices=EventStatus.choices, default=EventStatus.TO_VALIDATE
    )
    ambassador = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("ambassadeur·rice"),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validée par"),
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention d'ambassadeur")
        verbose_name_plural = _("interventions d'ambassadeurs")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="mentoring_event_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(audience_size__gte=1), name="mentoring_event_audience"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="mentoring_event_status")]

    def __str__(self) -> str:
        return f"{self.title} ({self.requester_name})"

    def overlaps(self, other: AmbassadorEvent) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


# ----------------------------------------------------------------------------- assignment


class AssignmentRun(models.Model):
    """One optimal proposal for everything open in a union, kept as it was shown.

    ``fixed`` and ``forbidden`` are the delegate's overrides as ``[request key, volunteer pk]``
    pairs (request keys ``"r<pk>"`` for requests, ``"e<pk>"`` for events); ``result`` is the
    proposal (pairings with their explanation, unassigned requests with their reason and
    nearest options, the first-come greedy beside it), so the page shows what was decided.
    """

    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.CASCADE,
        related_name="mentoring_runs",
        verbose_name=_("union régionale"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=RunStatus.choices, default=RunStatus.PROPOSED
    )
    fixed = models.JSONField(_("paires imposées"), default=list, blank=True)
    forbidden = models.JSONField(_("paires écartées"), default=list, blank=True)
    result = models.JSONField(_("proposition"), default=dict)
    total_cost = models.FloatField(_("coût total"), default=0.0)
    greedy_cost = models.FloatField(_("coût du premier arrivé"), default=0.0)
    proven_optimal = models.BooleanField(_("optimalité prouvée"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lancée par"),
    )
    created_at = models.DateTimeField(_("lancée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposition d'appariement")
        verbose_name_plural = _("propositions d'appariement")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.union} — {self.created_at:%Y-%m-%d %H:%M}"


# ----------------------------------------------------------------------------- follow-up


class Sponsorship(models.Model):
    """A request answered: the cooperative and its sponsor or mentor, from a start date."""

    request = models.OneToOneField(
        MentoringRequest,
        on_delete=models.CASCADE,
        related_name="sponsorship",
        verbose_name=_("demande"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="sponsorships",
        verbose_name=_("parrain ou mentor"),
    )
    run = models.ForeignKey(
        AssignmentRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsorships",
        verbose_name=_("proposition"),
    )
    started_on = models.DateField(_("début"))
    status = models.CharField(
        _("statut"),
        max_length=8,
        choices=SponsorshipStatus.choices,
        default=SponsorshipStatus.ACTIVE,
    )
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    last_news_at = models.DateTimeField(_("dernières nouvelles"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SponsorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("parrainage")
        verbose_name_plural = _("parrainages")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="mentoring_sponsorship_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.organisation} ← {self.volunteer}"


class Milestone(models.Model):
    """First meeting, 3 months, 1 year: done when both sides have logged it."""

    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("étape"), max_length=14, choices=MilestoneKind.choices)
    due_on = models.DateField(_("prévue vers le"))
    newcomer_on = models.DateField(_("notée par la coopérative le"), null=True, blank=True)
    volunteer_on = models.DateField(_("notée par le parrain le"), null=True, blank=True)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsorship", "kind"], name="mentoring_milestone_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sponsorship} — {self.get_kind_display()}"

    @property
    def is_done(self) -> bool:
        return self.newcomer_on is not None and self.volunteer_on is not None

    def logged_by(self, side: str) -> date | None:
        return self.newcomer_on if side == Side.NEWCOMER else self.volunteer_on


class Note(models.Model):
    """A note shared by both sides of a sponsorship (and read by the union's delegates)."""

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    side = models.CharField(_("côté"), max_length=10, choices=Side.choices)
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("écrite le"), default=timezone.now)

    class Meta:
        verbose_name = _("note de suivi")
        verbose_name_plural = _("notes de suivi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sponsorship} — {self.created_at:%Y-%m-%d}"


class Feedback(models.Model):
    """The short closing word of one side."""

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.CASCADE, related_name="feedbacks")
    side = models.CharField(_("côté"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    rating = models.PositiveSmallIntegerField(_("appréciation (1 à 5)"))
    comment = models.TextField(_("en quelques mots"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("retour de fin de parrainage")
        verbose_name_plural = _("retours de fin de parrainage")
        constraints = [
            models.UniqueConstraint(fields=["sponsorship", "side"], name="mentoring_feedback_side"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="mentoring_feedback_rating"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sponsorship} — {self.get_side_display()}"


# ----------------------------------------------------------------------------- calendar, mail


class CalendarFeed(models.Model):
    """A person's private iCalendar feed. The URL token is an HMAC of a nonce kept here with
    the server's secret key, so a database leak alone does not give working feed links;
    resetting the nonce revokes the old link."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_feed"
    )
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agenda personnel")
        verbose_name_plural = _("agendas personnels")

    def __str__(self) -> str:
        return str(self.user)


class Reminder(models.Model):
    """One reminder sent: the unique key makes ``mentoring_reminders`` idempotent."""

    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    object_id = models.PositiveBigIntegerField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "recipient"], name="mentoring_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.recipient}"
