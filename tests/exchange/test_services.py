"""Needs through their life: state machine, audit, matching at validation, dispatch, answers,
alerts. Built through services, as users would."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from maillage.accounts.models import AuditEvent
from maillage.accounts.services import RuleError
from maillage.directory.enums import Family
from maillage.exchange import selectors, services
from maillage.exchange.enums import AlertFrequency, Answer, NeedStatus
from maillage.exchange.models import NeedMatch, Solicitation

from .factories import need, sector, sent_need, supplier

pytestmark = pytest.mark.django_db


def test_need_moves_through_every_state_and_each_step_is_audited(p, network):
    created = need(author=p["agent"])
    assert created.status == NeedStatus.DRAFT
    assert created.union.slug == "auvergne-rhone-alpes"
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    services.need_send(need=created, actor=p["delegate"])
    services.need_close(need=created, actor=p["agent"])
    created.refresh_from_db()
    assert created.status == NeedStatus.CLOSED
    actions = list(
        AuditEvent.objects.filter(target_type="need", target_id=str(created.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "need_created",
        "need_submitted",
        "need_validated",
        "need_sent",
        "need_closed",
    ]


def test_transitions_out_of_order_are_refused(p, network):
    created = need(author=p["agent"])
    with pytest.raises(RuleError, match="validé"):
        services.need_validate(need=created, actor=p["delegate"])
    with pytest.raises(RuleError):
        services.need_send(need=created, actor=p["delegate"])
    with pytest.raises(RuleError):
        services.need_close(need=created, actor=p["agent"])
    services.need_submit(need=created, actor=p["agent"])
    with pytest.raises(RuleError):
        services.need_submit(need=created, actor=p["agent"])


def test_reject_needs_a_reason_and_tells_the_buyer(p, network):
    created = need(author=p["agent"])
    services.need_submit(need=created, actor=p["agent"])
    with pytest.raises(RuleError, match="motif"):
        services.need_reject(need=created, actor=p["delegate"], reason="  ")
    services.need_reject(need=created, actor=p["delegate"], reason="Hors du champ coopératif")
    created.refresh_from_db()
    assert created.status == NeedStatus.REJECTED
    assert "Hors du champ coopératif" in mail.outbox[-1].body
    with pytest.raises(RuleError):
        services.need_submit(need=created, actor=p["agent"])


def test_need_without_place_or_sector_is_refused_and_nothing_is_written(p):
    with pytest.raises(RuleError, match="secteur"):
        need(author=p["agent"], codes=())
    with pytest.raises(RuleError, match="lieu"):
        need(author=p["agent"], place=("commune", ""))
    with pytest.raises(RuleError, match="introuvable"):
        need(author=p["agent"], place=("departement", "99"))
    with pytest.raises(RuleError, match="SIREN"):
        need(author=p["agent"], buyer_siren="123")
    with pytest.raises(RuleError, match="membre"):
        need(author=p["outsider"], organisation=p["buyer_org"])
    from maillage.exchange.models import Need

    assert not Need.objects.exists()


def test_need_without_any_match_cannot_be_validated(p, network):
    created = need(author=p["agent"], codes=("81.30Z",), description="Entretien des espaces verts")
    services.need_submit(need=created, actor=p["agent"])
    with pytest.raises(RuleError, match="Aucune coopérative"):
        services.need_validate(need=created, actor=p["delegate"])
    created.refresh_from_db()
    assert created.status == NeedStatus.SUBMITTED
    # The delegate corrects the sectors: now it matches, and the correction is audited.
    services.need_validate(need=created, actor=p["delegate"], sectors=[sector("43.32A")])
    created.refresh_from_db()
    assert created.status == NeedStatus.VALIDATED
    assert list(created.sectors.values_list("code", flat=True)) == ["43.32A"]
    assert AuditEvent.objects.filter(action="need_sectors_corrected").exists()


def test_validation_ranks_and_builds_the_shortlist(p, network):
    created = need(author=p["agent"])
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    names = [s.organisation.name for s in created.solicitations.order_by("rank")]
    assert names[:2] == ["Menuiserie du Pilat", "Bois et Fenêtres"]
    assert "Code Coop" not in names  # another division
    assert "Asso Hors Coop" not in names  # suppliers are cooperatives
    assert "Menuiserie masquée" not in names  # unpublished
    assert "Menuiserie lyonnaise" not in names  # its 10 km radius does not reach Saint-Étienne
    top = NeedMatch.objects.get(need=created, rank=1)
    assert "même sous-classe NAF 43.32A" in top.reasons


def test_a_three_lot_tender_is_ranked_per_lot(p, network):
    supplier(name="Élec Loire", code="43.21A", offer="Électricité générale")
    created = need(author=p["agent"], is_tender=True)
    for title, code in (
        ("Menuiseries", "43.32A"),
        ("Peinture", "43.34Z"),
        ("Électricité", "43.21A"),
    ):
        services.lot_add(need=created, actor=p["agent"], title=title, sectors=[sector(code)])
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    by_lot = selectors.need_matches_by_lot(created)
    assert by_lot[2][0].organisation.name == "Peintres associés"
    assert by_lot[3][0].organisation.name == "Élec Loire"
    lots, candidates = selectors.need_consortium_input(created)
    assert [lot.id for lot in lots] == ["1", "2", "3"]
    assert any("3" in c.scores for c in candidates)


def test_delegate_amends_the_shortlist_before_sending(p, network):
    created = need(author=p["agent"])
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    first = created.solicitations.get(rank=1)
    services.need_supplier_remove(solicitation=first, actor=p["delegate"])
    extra = supplier(name="Scop amie", code="62.01Z")
    services.need_supplier_add(need=created, actor=p["delegate"], organisation=extra)
    with pytest.raises(RuleError, match="déjà"):
        services.need_supplier_add(need=created, actor=p["delegate"], organisation=extra)
    services.need_send(need=created, actor=p["delegate"])
    recipients = {m.to[0] for m in mail.outbox}
    assert first.organisation.contact_email not in recipients
    assert extra.contact_email in recipients


def _link_token(solicitation: Solicitation) -> str:
    return services.answer_token(solicitation.token_nonce)


def test_dispatch_sends_in_batches_best_first_and_stops_when_enough_are_interested(
    p, settings, union
):
    settings.EXCHANGE_BATCH_SIZE = 2
    for n in range(6):
        supplier(name=f"Menuiserie {n}", code="43.32A", offer="Menuiserie bois", headcount=5 + n)
    created = need(author=p["agent"], wanted_interested=2)
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    start = timezone.now()
    services.need_send(need=created, actor=p["delegate"], now=start)
    invited = list(created.solicitations.filter(invited_at__isnull=False).order_by("rank"))
    assert [s.rank for s in invited] == [1, 2]
    # Running again at once is harmless.
    outbox = len(mail.outbox)
    services.exchange_dispatch(now=start)
    assert len(mail.outbox) == outbox
    # Three days later, a second batch, best next.
    services.exchange_dispatch(now=start + dt.timedelta(days=3))
    assert created.solicitations.filter(invited_at__isnull=False).count() == 4
    for s in created.solicitations.filter(rank__in=[1, 3]):
        services.solicitation_answer(
            solicitation=s, answer=Answer.INTERESTED, now=start + dt.timedelta(days=4)
        )
    # Enough interest: nothing more, neither batches nor reminders.
    outbox = len(mail.outbox)
    services.exchange_dispatch(now=start + dt.timedelta(days=12))
    assert len(mail.outbox) == outbox
    assert created.solicitations.filter(invited_at__isnull=True).count() == 2


def test_at_most_two_reminders_while_the_link_is_valid(p, network):
    created = sent_need(p)
    start = created.sent_at
    first = created.solicitations.get(rank=1)
    counts = []
    for day in (7, 8, 14, 21, 28):
        services.exchange_dispatch(now=start + dt.timedelta(days=day))
        first.refresh_from_db()
        counts.append(first.reminders_sent)
    assert counts == [1, 1, 2, 2, 2]
    reminders = [m for m in mail.outbox if m.subject.startswith("Relance") and first.email in m.to]
    assert len(reminders) == 2
    assert _link_token(first) in reminders[0].body


def test_answer_link_one_decision_one_question_then_clear_messages(p, network):
    created = sent_need(p)
    s = created.solicitations.get(rank=1)
    assert selectors.solicitation_by_token(_link_token(s)) == s
    assert selectors.solicitation_by_token("x" * 64) is None
    with pytest.raises(RuleError, match="pourquoi"):
        services.solicitation_answer(solicitation=s, answer=Answer.DECLINED, reason="")
    services.solicitation_answer(solicitation=s, answer=Answer.INTERESTED, comment="Dispo en mai")
    assert "intéressée" in mail.outbox[-1].subject.lower()
    with pytest.raises(RuleError, match="déjà répondu"):
        services.solicitation_answer(solicitation=s, answer=Answer.DECLINED, reason="other")
    services.solicitation_ask(solicitation=s, question="Les plans sont-ils disponibles ?")
    assert mail.outbox[-1].reply_to == [s.email]
    with pytest.raises(RuleError, match="déjà posé une question"):
        services.solicitation_ask(solicitation=s, question="Encore une")
    s.refresh_from_db()
    assert s.answer == Answer.INTERESTED and s.question.startswith("Les plans")


def test_answer_link_expires_and_closes_with_the_need(p, network):
    created = sent_need(p, deadline=timezone.localdate() + dt.timedelta(days=10))
    s = created.solicitations.get(rank=1)
    assert s.expires_at <= s.invited_at + dt.timedelta(days=10, hours=24)
    with pytest.raises(RuleError, match="expiré"):
        services.solicitation_answer(
            solicitation=s, answer=Answer.INTERESTED, now=s.expires_at + dt.timedelta(seconds=1)
        )
    services.need_close(need=created, actor=p["agent"])
    with pytest.raises(RuleError, match="clos"):
        services.solicitation_ask(solicitation=s, question="Encore ouvert ?")


def test_answer_rate_feeds_later_rankings(p, network):
    created = sent_need(p)
    s = created.solicitations.get(organisation__name="Bois et Fenêtres")
    services.solicitation_answer(solicitation=s, answer=Answer.INTERESTED)
    ranking = selectors.need_ranking(need(author=p["agent"]))
    match = next(m for m in ranking if m.name == "Bois et Fenêtres")
    assert "a répondu à 1 besoin(s) sur 1" in match.reasons
    assert match.components["answers"] == pytest.approx(2 / 3, abs=1e-3)


def test_immediate_alerts_are_sent_once_to_matching_subscribers(p, network):
    from maillage.exchange.models import AlertDelivery

    watcher = supplier(name="Veille Bois", code="43.32B", commune="42187")
    from tests.accounts.factories import MembershipFactory

    member = MembershipFactory(organisation=watcher).user
    services.alert_create(
        user=member,
        organisation=watcher,
        sectors=[sector("43")],
        zone_level="departement",
        zone_code="42",
    )
    services.alert_create(
        user=member,
        organisation=watcher,
        sectors=[sector("81.30Z")],
        zone_level="france",
        zone_code="",
    )
    created = sent_need(p)
    assert AlertDelivery.objects.filter(need=created).count() == 1
    assert any(member.email in m.to and "Nouveau besoin" in m.subject for m in mail.outbox)


def test_weekly_digest_is_idempotent_per_week(p, network):
    from tests.accounts.factories import MembershipFactory

    watcher = supplier(name="Veille Région", code="43.34Z", commune="69123")
    member = MembershipFactory(organisation=watcher).user
    services.alert_create(
        user=member,
        organisation=watcher,
        sectors=[],
        zone_level="region",
        zone_code="84",
        frequency=AlertFrequency.WEEKLY,
    )
    created = sent_need(p)
    week = services.iso_week(timezone.localdate(created.sent_at))
    mail.outbox.clear()
    assert services.exchange_digest(week=week) == 1
    assert created.title in mail.outbox[0].body
    assert services.exchange_digest(week=week) == 0
    call_command("exchange_digest", week=week, stdout=StringIO())
    assert len(mail.outbox) == 1


def test_dispatch_command_reports_and_is_rerunnable(p, network):
    sent_need(p)
    out = StringIO()
    call_command("exchange_dispatch", stdout=out)
    assert "0 invitation" in out.getvalue()


def test_public_cae_entrepreneurs_are_candidates_hidden_ones_are_not(p, union):
    from .factories import entrepreneur

    cae = supplier(name="CAE Loire", code="43.32A", family=Family.CAE, commune="69123")
    entrepreneur(
        cae=cae, name="Alex Menuisier", code="43.32A", commune="42095", visibility="public"
    )
    entrepreneur(cae=cae, name="Sam Discret", code="43.32A", commune="42095", visibility="hidden")
    names = [m.name for m in selectors.need_ranking(need(author=p["agent"]))]
    assert "Alex Menuisier (CAE Loire)" in names
    assert not any("Sam Discret" in n for n in names)
