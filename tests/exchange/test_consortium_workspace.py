"""The consortium workspace's rules: opening from a proposal, invitations, acceptance, one
mandataire, every lot covered before « formed », the legal delegate told, audit events."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from maillage.accounts.enums import AuditAction
from maillage.accounts.models import AuditEvent
from maillage.accounts.services import RuleError
from maillage.exchange import consortium_notes as notes
from maillage.exchange import consortium_selectors as selectors
from maillage.exchange import consortium_services as services
from maillage.exchange.enums import ConsortiumForm, ConsortiumStatus, MemberRole
from maillage.exchange.models import ConsortiumMember
from tests.accounts.factories import DelegateAssignmentFactory, UserFactory

from .factories import consortium_world, supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(p):
    return consortium_world(p)


def _proposal_assignment(world):
    need = world["need"]
    proposals = selectors.need_proposals(need)
    assert proposals is not None and proposals.items
    orgs = {o.pk: o for o in world["coops"]}
    return {lot: orgs[org_id] for lot, org_id in proposals.items[0].assignment}


def _open(world, p, actor=None):
    return services.consortium_create(
        need=world["need"], actor=actor or p["delegate"], assignment=_proposal_assignment(world)
    )


def _accept_all(consortium, world):
    for member, admin in zip(
        sorted(consortium.members.all(), key=lambda m: world["coops"].index(m.organisation)),
        world["admins"],
        strict=True,
    ):
        services.member_accept(member=member, actor=admin)


def _juriste(union):
    juriste = DelegateAssignmentFactory(
        union=union, user=UserFactory(email="juriste@union.example")
    ).user
    group = Group.objects.create(name="Juristes de l'union")
    group.permissions.add(Permission.objects.get(codename="advise_consortium"))
    juriste.groups.add(group)
    return juriste


def test_the_best_proposal_covers_the_three_lots_with_one_cooperative_per_trade(world):
    assignment = _proposal_assignment(world)
    assert {lot: org.name for lot, org in assignment.items()} == {
        1: "Menuiserie du Gier",
        2: "Couleurs Loire",
        3: "Élec Coop",
    }


def test_opening_from_a_proposal_invites_members_with_lots_shares_and_checklist(
    world, p, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consortium = _open(world, p)
    members = {m.organisation.name: m for m in consortium.members.all()}
    assert set(members) == {"Menuiserie du Gier", "Couleurs Loire", "Élec Coop"}
    assert sum(1 for m in members.values() if m.role == MemberRole.MANDATAIRE) == 1
    assert [lot.number for lot in members["Couleurs Loire"].lots.all()] == [2]
    assert sum((m.share_percent for m in members.values()), Decimal(0)) == Decimal("100")
    assert not any(m.accepted for m in members.values())
    labels = list(consortium.checklist.values_list("label", flat=True))
    assert labels[0] == "Convention de groupement signée"
    assert "Habilitation du mandataire" in labels
    # each cooperative's administrator is invited, with the workspace link
    invited = {address for message in mail.outbox for address in message.to}
    assert {admin.email for admin in world["admins"]} <= invited
    assert all(f"/groupements/{consortium.pk}/" in m.body for m in mail.outbox)
    assert AuditEvent.objects.filter(
        action=AuditAction.CONSORTIUM_CREATED, target_id=str(consortium.pk)
    ).exists()


def test_the_person_opening_for_their_own_cooperative_accepts_at_once(world, p):
    consortium = _open(world, p, actor=world["admins"][1])
    accepted = [m.organisation.name for m in consortium.members.all() if m.accepted]
    assert accepted == ["Couleurs Loire"]


def test_forming_is_refused_until_every_rule_holds_and_says_what_is_missing(world, p):
    consortium = _open(world, p)
    with pytest.raises(RuleError) as refused:
        services.consortium_form(consortium=consortium, actor=p["delegate"])
    assert "Menuiserie du Gier n'a pas encore accepté" in refused.value.message
    _accept_all(consortium, world)
    electricity = consortium.members.get(organisation__name="Élec Coop")
    services.member_update(
        member=electricity, actor=p["delegate"], lots=[], share_percent=Decimal("30")
    )
    with pytest.raises(RuleError) as refused:
        services.consortium_form(consortium=consortium, actor=p["delegate"])
    message = refused.value.message
    assert "Le lot 3 (Électricité) n'est pris par aucun membre." in message
    assert "Élec Coop ne prend aucun lot" in message
    assert "doivent faire 100 %" in message
    consortium.refresh_from_db()
    assert consortium.status == ConsortiumStatus.FORMING


def test_a_consortium_needs_two_members(world, p):
    consortium = services.consortium_create(
        need=world["need"],
        actor=p["delegate"],
        assignment={1: world["coops"][0], 2: world["coops"][0], 3: world["coops"][0]},
    )
    services.member_accept(member=consortium.members.get(), actor=world["admins"][0])
    with pytest.raises(RuleError, match="au moins deux membres"):
        services.consortium_form(consortium=consortium, actor=p["delegate"])


def test_exactly_one_mandataire_and_it_cannot_be_removed(world, p):
    consortium = _open(world, p)
    painter = consortium.members.get(organisation__name="Couleurs Loire")
    services.mandataire_set(member=painter, actor=p["delegate"])
    roles = dict(consortium.members.values_list("organisation__name", "role"))
    assert [name for name, role in roles.items() if role == MemberRole.MANDATAIRE] == [
        "Couleurs Loire"
    ]
    with pytest.raises(RuleError, match="Couleurs Loire est le mandataire"):
        services.member_remove(member=painter, actor=p["delegate"])
    joiner = consortium.members.get(organisation__name="Menuiserie du Gier")
    services.member_remove(member=joiner, actor=p["delegate"])
    assert consortium.members.count() == 2


def test_only_people_of_the_organisation_accept_for_it(world, p):
    consortium = _open(world, p)
    member = consortium.members.get(organisation=world["coops"][0])
    with pytest.raises(RuleError, match="Seuls les membres de Menuiserie du Gier"):
        services.member_accept(member=member, actor=world["admins"][1])
    services.member_accept(member=member, actor=world["admins"][0])
    member.refresh_from_db()
    assert member.accepted and member.accepted_by == world["admins"][0]


def test_adding_a_member_twice_is_refused(world, p):
    consortium = _open(world, p)
    with pytest.raises(RuleError, match="Élec Coop fait déjà partie du groupement"):
        services.member_add(
            consortium=consortium, actor=p["delegate"], organisation=world["coops"][2], lots=[]
        )
    other = supplier(name="Volt 42", code="43.21A", commune="42187")
    member = services.member_add(
        consortium=consortium,
        actor=p["delegate"],
        organisation=other,
        lots=list(world["need"].lots.filter(number=3)),
    )
    assert member.role == MemberRole.COTRAITANT and not member.accepted


def test_forming_tells_the_legal_delegate_and_freezes_the_composition(
    world, p, union, django_capture_on_commit_callbacks
):
    juriste = _juriste(union)
    consortium = _open(world, p)
    _accept_all(consortium, world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consortium_form(consortium=consortium, actor=world["admins"][0])
    consortium.refresh_from_db()
    assert consortium.status == ConsortiumStatus.FORMED and consortium.formed_at
    to_legal = [m for m in mail.outbox if m.to == [juriste.email]]
    assert len(to_legal) == 1
    assert "À relire" in to_legal[0].subject
    assert f"/groupements/{consortium.pk}/" in to_legal[0].body
    assert "Menuiserie du Gier" in to_legal[0].body
    # the other delegate of the union is not the legal one: not written to
    assert not any(p["delegate"].email in m.to for m in mail.outbox)
    assert AuditEvent.objects.filter(action=AuditAction.CONSORTIUM_FORMED).count() == 1
    with pytest.raises(RuleError, match="sa composition ne peut plus changer"):
        services.member_update(
            member=consortium.members.first(), actor=p["delegate"], lots=[], share_percent=None
        )


def test_without_a_juriste_the_unions_delegates_are_told(
    world, p, django_capture_on_commit_callbacks
):
    consortium = _open(world, p)
    _accept_all(consortium, world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consortium_form(consortium=consortium, actor=world["admins"][0])
    assert any(m.to == [p["delegate"].email] and "À relire" in m.subject for m in mail.outbox)


def test_legal_comments_are_marked_and_sent_to_members(
    world, p, union, django_capture_on_commit_callbacks
):
    juriste = _juriste(union)
    consortium = _open(world, p)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = notes.comment_add(
            consortium=consortium, actor=juriste, body="Préciser la durée de la convention."
        )
    assert comment.is_legal and comment.author_role == "Juriste de l'union"
    assert {m.to[0] for m in mail.outbox} == {admin.email for admin in world["admins"]}
    member_comment = notes.comment_add(
        consortium=consortium, actor=world["admins"][0], body="C'est noté."
    )
    assert not member_comment.is_legal
    assert member_comment.author_role == "Menuiserie du Gier"
    with pytest.raises(RuleError, match="vide"):
        notes.comment_add(consortium=consortium, actor=juriste, body="  ")


def test_status_moves_and_dissolution_is_audited(world, p):
    consortium = _open(world, p)
    with pytest.raises(RuleError, match="ne peut pas passer à « Candidature déposée »"):
        services.consortium_status_set(
            consortium=consortium, actor=p["delegate"], to=ConsortiumStatus.SUBMITTED
        )
    _accept_all(consortium, world)
    services.consortium_form(consortium=consortium, actor=p["delegate"])
    for step in (ConsortiumStatus.SUBMITTED, ConsortiumStatus.WON, ConsortiumStatus.DISSOLVED):
        services.consortium_status_set(consortium=consortium, actor=p["delegate"], to=step)
    consortium.refresh_from_db()
    assert consortium.status == ConsortiumStatus.DISSOLVED and consortium.closed_at
    assert AuditEvent.objects.filter(action=AuditAction.CONSORTIUM_DISSOLVED).count() == 1


def test_liability_form_and_the_mandataires_solidarity(world, p):
    consortium = _open(world, p)
    services.consortium_update(
        consortium=consortium,
        actor=p["delegate"],
        name="Groupement Jules-Ferry",
        form=ConsortiumForm.SOLIDAIRE,
        mandataire_solidaire=True,
    )
    consortium.refresh_from_db()
    assert consortium.name == "Groupement Jules-Ferry"
    # joint-and-several already binds the mandataire: the DC1 box is for joint groups only
    assert consortium.form == ConsortiumForm.SOLIDAIRE and not consortium.mandataire_solidaire
    with pytest.raises(RuleError, match="Donnez un nom"):
        services.consortium_update(
            consortium=consortium,
            actor=p["delegate"],
            name=" ",
            form=ConsortiumForm.CONJOINT,
            mandataire_solidaire=False,
        )


def test_checklist_toggle_keeps_who_and_when(world, p):
    consortium = _open(world, p)
    item = consortium.checklist.first()
    item = notes.checklist_toggle(item=item, actor=world["admins"][0])
    assert item.done and item.done_by == world["admins"][0] and item.done_at
    item = notes.checklist_toggle(item=item, actor=world["admins"][0])
    assert not item.done and item.done_by is None
    added = notes.checklist_add(consortium=consortium, actor=p["delegate"], label="Kbis")
    assert list(consortium.checklist.values_list("label", flat=True))[-1] == "Kbis"
    assert added.position > item.position


def test_a_need_that_is_not_a_tender_has_no_consortium(p, network):
    from .factories import sent_need

    plain = sent_need(p)
    with pytest.raises(RuleError, match="appel d'offres en lots"):
        services.consortium_create(need=plain, actor=p["delegate"])
    assert selectors.need_proposals(plain) is None


def test_unique_mandataire_is_also_a_database_constraint(world, p):
    from django.db import IntegrityError, transaction

    consortium = _open(world, p)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsortiumMember.objects.filter(consortium=consortium).update(role=MemberRole.MANDATAIRE)
