"""Writes of decisions by consent: the proposal and its versions, questions and answers,
reactions, the positions of each consent round, and the outcome.

The phase rules are those of :mod:`maillage.democracy.consent_process`; each service asks them
before writing, and the views ask :mod:`maillage.democracy.perms` before calling a service.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import perms
from ..consent_process import Action, DecisionPhase, Position, Stance, decision_actions
from ..consent_process import decision_can_participate as can_participate
from ..consent_process import round_outcome as outcome_of
from ..models import (
    Body,
    BodyMember,
    ConsentDecision,
    DecisionPosition,
    DecisionQuestion,
    DecisionReaction,
    DecisionVersion,
)
from .common import DemocracyError
from .notify import notify_body


def _lock(decision: ConsentDecision) -> ConsentDecision:
    """The decision, re-read under a row lock so that two facilitator clicks do not race."""
    return ConsentDecision.objects.select_for_update().select_related("body").get(pk=decision.pk)


def _member_ids(body: Body) -> list[int]:
    return list(
        BodyMember.objects.filter(body=body)
        .order_by("user__full_name", "user__email")
        .values_list("user_id", flat=True)
    )


def current_version(decision: ConsentDecision) -> DecisionVersion:
    """The wording now on the table (the latest version)."""
    version = decision.versions.order_by("-number").first()
    assert version is not None, "a decision always has a first version"
    return version


def decision_round(decision: ConsentDecision, round: int | None = None) -> Any:
    """The outcome (``consent_process.RoundOutcome`` of user ids) of a consent round."""
    number = decision.round if round is None else round
    positions = [
        Position(
            member=p.member_id,
            stance=Stance(p.stance),
            concern=bool(p.concern),
            withdrawn=p.withdrawn_at is not None,
        )
        for p in decision.positions.filter(round=number).order_by("created_at")
    ]
    return outcome_of(_member_ids(decision.body), positions)


def _require_member(user: Any, body: Body) -> None:
    if not perms.is_body_member(user, body):
        raise DemocracyError(
            _("Seuls les membres de « %(body)s » prennent part à ses décisions.")
            % {"body": body.name}
        )


def _require_facilitator(user: Any, decision: ConsentDecision) -> None:
    if not perms.is_facilitator(user, decision):
        raise DemocracyError(_("Seule la personne qui facilite peut faire avancer la décision."))


@transaction.atomic
def decision_create(
    *, body: Body, author: Any, title: str, text: str, facilitator: Any = None
) -> ConsentDecision:
    """Put a proposal to a body: version 1, phase of clarification questions.

    ``facilitator`` must be a member of the body; it defaults to the author.
    """
    _require_member(author, body)
    facilitator = facilitator or author
    if not perms.is_body_member(facilitator, body):
        raise DemocracyError(
            _("La facilitation revient à un membre de « %(body)s ».") % {"body": body.name}
        )
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise DemocracyError(_("Donnez un intitulé et le texte de la proposition."))
    decision = ConsentDecision.objects.create(
        body=body, author=author, facilitator=facilitator, title=title[:200]
    )
    DecisionVersion.objects.create(decision=decision, number=1, text=text, author=author)
    notify_body(decision, "proposed", actor=author)
    return decision


@transaction.atomic
def question_ask(*, decision: ConsentDecision, author: Any, text: str) -> DecisionQuestion:
    """A member asks a clarification question (questions phase, or late during reactions)."""
    _require_member(author, decision.body)
    if not can_participate(DecisionPhase(decision.phase), "question"):
        raise DemocracyError(_("Le temps des questions de clarification est passé."))
    text = text.strip()
    if not text:
        raise DemocracyError(_("La question est vide."))
    return DecisionQuestion.objects.create(decision=decision, author=author, text=text[:2000])


@transaction.atomic
def question_answer(*, question: DecisionQuestion, author: Any, answer: str) -> DecisionQuestion:
    """The author of the proposal or the facilitator answers a question (or corrects it)."""
    if not perms.can_answer(author, question.decision):
        raise DemocracyError(
            _("Les questions reçoivent la réponse de l'auteur·ice ou de la facilitation.")
        )
    answer = answer.strip()
    if not answer:
        raise DemocracyError(_("La réponse est vide."))
    question.answer = answer[:4000]
    question.answered_by = author
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    return question


@transaction.atomic
def reaction_give(*, decision: ConsentDecision, author: Any, text: str) -> DecisionReaction:
    """A member reacts to the proposal; reacting again replaces their reaction."""
    _require_member(author, decision.body)
    if not can_participate(DecisionPhase(decision.phase), "reaction"):
        raise DemocracyError(_("Le tour de réactions n'est pas ouvert."))
    text = text.strip()
    if not text:
        raise DemocracyError(_("La réaction est vide."))
    reaction, _created = DecisionReaction.objects.update_or_create(
        decision=decision, author=author, defaults={"text": text[:4000]}
    )
    return reaction


@transaction.atomic
def decision_advance(*, decision: ConsentDecision, actor: Any) -> ConsentDecision:
    """The facilitator moves on: questions → reactions → the first consent round."""
    _require_facilitator(actor, decision)
    locked = _lock(decision)
    phase = DecisionPhase(locked.phase)
    if Action.NEXT not in decision_actions(phase, None):
        raise DemocracyError(_("Cette étape est la dernière avant la conclusion."))
    locked.phase = {
        DecisionPhase.QUESTIONS: DecisionPhase.REACTIONS,
        DecisionPhase.REACTIONS: DecisionPhase.CONSENT,
    }[phase]
    if locked.phase == DecisionPhase.CONSENT:
        locked.round += 1
    locked.save(update_fields=["phase", "round"])
    decision.refresh_from_db()
    notify_body(decision, "phase", actor=actor)
    return decision


@transaction.atomic
def decision_amend(
    *, decision: ConsentDecision, actor: Any, text: str, note: str
) -> DecisionVersion:
    """The facilitator amends the proposal (to integrate objections or reactions).

    Every version is kept. During the consent round, the amendment opens a new round: everyone
    states a position again, on the new version.
    """
    _require_facilitator(actor, decision)
    locked = _lock(decision)
    if Action.AMEND not in decision_actions(DecisionPhase(locked.phase), None):
        raise DemocracyError(
            _("La proposition s'amende pendant le tour de réactions ou de consentement.")
        )
    text, note = text.strip(), note.strip()
    if not text:
        raise DemocracyError(_("Le texte amendé est vide."))
    if not note:
        raise DemocracyError(_("Dites ce qui change et quelles objections sont intégrées."))
    previous = current_version(locked)
    if text == previous.text:
        raise DemocracyError(_("Le texte amendé est identique à la version en cours."))
    number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DecisionVersion.objects.create(
        decision=locked, number=number, text=text, note=note, author=actor
    )
    if locked.phase == DecisionPhase.CONSENT:
        locked.round += 1
        locked.save(update_fields=["round"])
        decision.refresh_from_db()
    notify_body(decision, "amended", actor=actor)
    return version


def validated_stance(stance: str, reason: str, concern: str) -> tuple[Stance, str, str]:
    """The stance, its reason and the concern, checked: an objection always gives its reason."""
    try:
        value = Stance(stance)
    except ValueError:
        raise DemocracyError(_("Choisissez « Je consens » ou « J'objecte ».")) from None
    reason, concern = reason.strip()[:4000], concern.strip()[:4000]
    if value == Stance.OBJECTION and not reason:
        raise DemocracyError(
            _(
                "Une objection se motive : dites en quoi la proposition nuirait à l'instance ou "
                "à sa mission."
            )
        )
    return value, reason, concern


@transaction.atomic
def position_state(
    *, decision: ConsentDecision, member: Any, stance: str, reason: str = "", concern: str = ""
) -> DecisionPosition:
    """A member states consent or a reasoned objection in the current consent round, with an
    optional concern; stating again within the same round replaces their position."""
    _require_member(member, decision.body)
    if not can_participate(DecisionPhase(decision.phase), "position"):
        raise DemocracyError(_("Le tour de consentement n'est pas ouvert."))
    value, reason, concern = validated_stance(stance, reason, concern)
    position, _created = DecisionPosition.objects.update_or_create(
        decision=decision,
        round=decision.round,
        member=member,
        defaults={
            "version": current_version(decision),
            "stance": value,
            "reason": reason,
            "concern": concern,
            "withdrawn_at": None,
            "created_at": timezone.now(),
        },
    )
    return position


def objection_lift(position: Any, actor: Any, *, in_open_round: bool) -> None:
    """Lift an objection (of a decision or an election): only its author may, only in the
    consent round still open; it stays on the record, no longer blocking."""
    if actor is None or position.member_id != actor.pk:
        raise DemocracyError(_("Seule la personne qui a objecté peut lever son objection."))
    if not in_open_round:
        raise DemocracyError(_("Cette objection appartient à un tour de consentement clos."))
    if not position.blocks:
        raise DemocracyError(_("Il n'y a pas d'objection en cours à lever."))
    position.withdrawn_at = timezone.now()
    position.save(update_fields=["withdrawn_at"])


@transaction.atomic
def objection_withdraw(*, position: DecisionPosition, actor: Any) -> DecisionPosition:
    """The author of an objection lifts it; it stays on the record, no longer blocking."""
    decision = position.decision
    objection_lift(
        position,
        actor,
        in_open_round=decision.phase == DecisionPhase.CONSENT and position.round == decision.round,
    )
    return position


@transaction.atomic
def decision_adopt(*, decision: ConsentDecision, actor: Any, note: str = "") -> ConsentDecision:
    """The facilitator records the adoption: no standing objection in the current round.

    The record keeps the date, the version adopted and the participants of the round.
    """
    _require_facilitator(actor, decision)
    locked = _lock(decision)
    outcome = decision_round(locked)
    if Action.ADOPT not in decision_actions(DecisionPhase(locked.phase), outcome):
        if outcome.blocked:
            raise DemocracyError(
                _(
                    "%(count)s objection(s) en cours : intégrez-les en amendant la proposition, "
                    "ou attendez qu'elles soient levées."
                )
                % {"count": len(outcome.objections)}
            )
        raise DemocracyError(_("Personne n'a encore exprimé son consentement dans ce tour."))
    locked.phase = DecisionPhase.ADOPTED
    locked.decided_at = timezone.now()
    locked.adopted_version = current_version(locked)
    locked.outcome_note = note.strip()
    locked.save(update_fields=["phase", "decided_at", "adopted_version", "outcome_note"])
    locked.participants.set(outcome.participants)
    decision.refresh_from_db()
    notify_body(decision, "adopted", actor=actor)
    return decision


@transaction.atomic
def decision_withdraw(*, decision: ConsentDecision, actor: Any, note: str = "") -> ConsentDecision:
    """The author or the facilitator withdraws the proposal; the record says so and why."""
    if not perms.can_withdraw_decision(actor, decision):
        raise DemocracyError(
            _("Seuls l'auteur·ice et la facilitation peuvent retirer une proposition ouverte.")
        )
    locked = _lock(decision)
    outcome = decision_round(locked) if locked.round else None
    locked.phase = DecisionPhase.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.outcome_note = note.strip()
    locked.save(update_fields=["phase", "decided_at", "outcome_note"])
    if outcome is not None:
        locked.participants.set(outcome.participants)
    decision.refresh_from_db()
    notify_body(decision, "withdrawn", actor=actor)
    return decision
