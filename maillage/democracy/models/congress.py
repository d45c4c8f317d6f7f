"""Congresses and assemblies, their workshops and proposals, secret majority-judgment votes,
and the roadmap that follows from them.

Ballot secrecy shapes the vote tables (docs/decisions/ballot-secrecy.md): a
:class:`Participation` row records *that* a person voted, a :class:`Ballot` row records *what*
was voted, and nothing stored links the two. Ballots are found again only through a receipt that
the voter alone holds (its SHA-256 is stored, never the receipt). Ballots and their grades have
random UUID keys and no timestamps, so neither their keys nor their dates betray the order in
which people voted.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import ActionStatus, Electorate, EventKind, MissingGrades
from ..grades import GRADE_COUNT
from ..majority_judgment import MissingGradeRule


class Event(models.Model):
    """A congress, a general assembly or another gathering of the movement.

    ``union`` is the regional union that holds it (None for a national event); it defines the
    electorate of its votes when they are open to the union's members.
    """

    slug = models.SlugField(_("adresse de la page"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=12, choices=EventKind.choices, default=EventKind.CONGRESS
    )
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="democracy_events",
        verbose_name=_("union régionale"),
    )
    starts_on = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    registration_open = models.BooleanField(_("inscriptions ouvertes"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title


class Workshop(models.Model):
    """A workshop (atelier) of an event, with the restitution of its work.

    ``code`` is the workshop's number in its source document ("1" … "11"), or a letter ("A",
    "B", …) for unnumbered sections; it prefixes the references of its proposals ("2.4").
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="workshops")
    code = models.CharField(_("numéro"), max_length=8)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    slug = models.SlugField(_("identifiant"), max_length=120)
    title = models.CharField(_("thème"), max_length=200)
    subtitle = models.CharField(_("sous-titre"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    source = models.CharField(_("document source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["event", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="workshop_unique_code"),
            models.UniqueConstraint(fields=["event", "slug"], name="workshop_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Registration(models.Model):
    """A person registered for an event, possibly on behalf of one of their organisations."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("personne"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("au titre de"),
    )
    created_at = models.DateTimeField(_("inscrite le"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.event}"


class Proposal(models.Model):
    """A proposal that came out of a workshop, or that a person put forward.

    ``author`` is empty when the proposal is the workshop's collective work. ``theme`` is the
    sub-theme within the workshop (e.g. "Accélérer la transition écologique"), empty when the
    workshop has none. ``text`` is the full wording, including its sub-points as "- " lines.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveIntegerField(_("ordre"))
    title = models.CharField(_("intitulé"), max_length=200)
    text = models.TextField(_("texte"))
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="democracy_proposals",
        verbose_name=_("auteur ou autrice"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["workshop__position", "workshop__code", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "position"], name="proposal_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        """Reference within the event, e.g. "2.4": workshop code, then position."""
        return f"{self.workshop.code}.{self.position}"

    @property
    def text_lines(self) -> tuple[str, list[str]]:
        """The wording's main paragraph and its sub-points, for display."""
        lines = self.text.splitlines()
        main = [line for line in lines if not line.startswith("- ")]
        points = [line[2:] for line in lines if line.startswith("- ")]
        return " ".join(main), points


class Comment(models.Model):
    """A comment on a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="democracy_comments",
        verbose_name=_("auteur ou autrice"),
    )
    body = models.TextField(_("commentaire"), max_length=4000)
    created_at = models.DateTimeField(_("publié le"), default=timezone.now)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["proposal", "created_at"]

    def __str__(self) -> str:
        return f"{self.author} — {self.proposal.ref}"


class Vote(models.Model):
    """A majority-judgment vote on some proposals of an event.

    Open from ``opens_at`` (inclusive) to ``closes_at`` (exclusive). The missing-grade rule and
    the electorate are fixed by the organisers before the vote and stated on every page of it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="votes")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    proposals = models.ManyToManyField(
        Proposal, related_name="votes", verbose_name=_("propositions soumises au vote")
    )
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    missing_grades = models.CharField(
        _("mentions manquantes"),
        max_length=12,
        choices=MissingGrades.choices,
        default=MissingGrades.AS_REJECT,
    )
    electorate = models.CharField(
        _("corps électoral"),
        max_length=16,
        choices=Electorate.choices,
        default=Electorate.UNION_MEMBERS,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-closes_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="vote_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rule(self) -> MissingGradeRule:
        """The missing-grade rule, as the tally takes it."""
        return MissingGradeRule(self.missing_grades)

    def is_open(self, now: datetime | None = None) -> bool:
        """Ballots are accepted now."""
        moment = now or timezone.now()
        return self.opens_at <= moment < self.closes_at

    def is_closed(self, now: datetime | None = None) -> bool:
        """The vote is over: results and ballots are published."""
        moment = now or timezone.now()
        return moment >= self.closes_at


class Participation(models.Model):
    """Records that a person took part in a vote; says nothing of their ballot.

    The unique constraint is what guarantees one ballot per person, even under concurrent
    submissions: the participation and the ballot are written in the same transaction, and
    the second participation fails. No timestamp, by design.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="vote_participations",
        verbose_name=_("personne"),
    )

    class Meta:
        verbose_name = _("participation à un vote")
        verbose_name_plural = _("participations aux votes")
        constraints = [
            models.UniqueConstraint(fields=["vote", "user"], name="participation_unique_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.vote}"


class Ballot(models.Model):
    """One secret ballot, found again only through its receipt.

    ``receipt_hash`` is the SHA-256 of the receipt the voter was shown once; ``public_id`` is a
    separate random identifier printed in the anonymous export so that a voter can check that
    their ballot is counted. Random UUID key and no timestamp, so that neither reveals when the
    ballot was cast.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    public_id = models.CharField(_("numéro public"), max_length=16, editable=False)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["vote", "public_id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "public_id"], name="ballot_unique_public_id"),
        ]

    def __str__(self) -> str:
        return self.public_id


class BallotGrade(models.Model):
    """The grade one ballot gave one proposal (no row: the ballot left it ungraded)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="grades")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="grades")
    grade = models.PositiveSmallIntegerField(
        _("mention"), validators=[MinValueValidator(0), MaxValueValidator(GRADE_COUNT - 1)]
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_grade_unique"),
            models.CheckConstraint(
                condition=Q(grade__gte=0) & Q(grade__lt=GRADE_COUNT), name="ballot_grade_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.grade}"


class RoadmapAction(models.Model):
    """An action of the roadmap, usually born from a prioritised proposal.

    ``territory`` is a zone as a (level, code) pair, e.g. ("union", "auvergne-rhone-alpes");
    both empty for the whole movement.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roadmap_actions")
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_actions",
        verbose_name=_("proposition d'origine"),
    )
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("porteur"), max_length=200, blank=True)
    territory_level = models.CharField(_("niveau du territoire"), max_length=12, blank=True)
    territory_code = models.CharField(_("code du territoire"), max_length=60, blank=True)
    deadline = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action de la feuille de route")
        verbose_name_plural = _("actions de la feuille de route")
        ordering = ["event", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="roadmap_progress_max"),
        ]

    def __str__(self) -> str:
        return self.title


class RoadmapUpdate(models.Model):
    """A dated update of an action: what happened, and the status and progress after it."""

    action = models.ForeignKey(RoadmapAction, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_updates",
    )
    note = models.TextField(_("point d'étape"))
    status = models.CharField(_("statut"), max_length=12, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("point d'étape")
        verbose_name_plural = _("points d'étape")
        ordering = ["action", "-created_at"]

    def __str__(self) -> str:
        return f"{self.action} — {self.created_at:%Y-%m-%d}"
