"""Casting, changing and refusing ballots; what is stored, and what is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone

from maillage.democracy import perms, services
from maillage.democracy.enums import Electorate
from maillage.democracy.models import Ballot, BallotGrade, Participation
from maillage.democracy.services import VoteRefused
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.democracy.factories import member_of_union, open_vote
from tests.directory.factories import OrganisationFactory, UnionFactory

pytestmark = pytest.mark.django_db


def _grades(vote, *values):
    return dict(zip([p.pk for p in vote.proposals.order_by("position")], values, strict=True))


def test_member_votes_and_gets_a_receipt(vote, voter):
    cast = services.ballot_cast(vote=vote, user=voter, grades=_grades(vote, 6, 3, None))

    assert len(services.receipt_normalise(cast.receipt)) == 24
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.public_id == cast.public_id
    assert ballot.receipt_hash == services.receipt_hash(vote, cast.receipt)
    assert cast.receipt not in ballot.receipt_hash
    assert sorted(ballot.grades.values_list("grade", flat=True)) == [3, 6]
    assert Participation.objects.filter(vote=vote, user=voter).count() == 1
    assert perms.has_voted(voter, vote)


def test_ballot_tables_cannot_link_a_ballot_to_its_voter():
    """No foreign key, no timestamp, no sequential key on the ballot side."""
    for model in (Ballot, BallotGrade):
        fields = {f.name: f for f in model._meta.concrete_fields}
        assert isinstance(fields["id"], models.UUIDField)
        assert not any(
            isinstance(f, models.DateTimeField | models.DateField) for f in fields.values()
        )
        assert not any(
            f.is_relation and f.related_model._meta.label == "accounts.User"
            for f in fields.values()
        )
    participation = {f.name for f in Participation._meta.concrete_fields}
    assert participation == {"id", "vote", "user"}


def test_a_second_ballot_is_refused(vote, voter):
    services.ballot_cast(vote=vote, user=voter, grades=_grades(vote, 6, 3, 0))

    with pytest.raises(VoteRefused, match="déjà voté"):
        services.ballot_cast(vote=vote, user=voter, grades=_grades(vote, 0, 0, 0))
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_the_unique_constraint_refuses_a_second_participation_even_past_the_check(
    vote, voter, monkeypatch
):
    services.ballot_cast(vote=vote, user=voter, grades={})
    # As if two requests had both passed the early check at the same instant.
    monkeypatch.setattr(perms, "has_voted", lambda user, vote: False)

    with pytest.raises(VoteRefused, match="déjà voté"):
        services.ballot_cast(vote=vote, user=voter, grades=_grades(vote, 1, 1, 1))
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert BallotGrade.objects.filter(ballot__vote=vote).count() == 0


def test_a_person_outside_the_electorate_is_refused(vote):
    outsider = member_of_union(UnionFactory())
    no_organisation = UserFactory()

    for person in (outsider, no_organisation):
        with pytest.raises(VoteRefused, match="réservé aux membres"):
            services.ballot_cast(vote=vote, user=person, grades={})
    assert not Ballot.objects.exists()


def test_an_anonymous_visitor_is_asked_to_log_in(vote):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(VoteRefused, match="Connectez-vous"):
        services.ballot_cast(vote=vote, user=AnonymousUser(), grades={})


def test_membership_through_the_head_office_departement_counts(vote):
    """An organisation with no explicit union belongs to the union of its head office."""
    organisation = OrganisationFactory(is_union_member=True, union=None)
    organisation.commune.departement.union = vote.event.union
    organisation.commune.departement.save()
    person = MembershipFactory(organisation=organisation).user

    assert perms.is_eligible_voter(person, vote)


def test_an_organisation_that_left_the_union_no_longer_gives_a_vote(vote):
    organisation = OrganisationFactory(
        is_union_member=True,
        union=vote.event.union,
        union_joined_on=timezone.localdate() - timedelta(days=400),
        union_left_on=timezone.localdate() - timedelta(days=1),
    )
    person = MembershipFactory(organisation=organisation).user

    assert not perms.is_eligible_voter(person, vote)


def test_member_of_two_member_organisations_still_has_one_ballot(vote, voter):
    other = OrganisationFactory(is_union_member=True, union=vote.event.union)
    MembershipFactory(organisation=other, user=voter)
    services.ballot_cast(vote=vote, user=voter, grades={})

    with pytest.raises(VoteRefused):
        services.ballot_cast(vote=vote, user=voter, grades={})


def test_participants_electorate_means_registered_people():
    vote = open_vote(electorate=Electorate.PARTICIPANTS)
    member = member_of_union(vote.event.union)
    registered = UserFactory()
    services.registration_create(event=vote.event, user=registered)

    with pytest.raises(VoteRefused, match="inscrites"):
        services.ballot_cast(vote=vote, user=member, grades={})
    services.ballot_cast(vote=vote, user=registered, grades={})


def test_voting_after_closing_or_before_opening_is_refused(vote, voter):
    with pytest.raises(VoteRefused, match="clos"):
        services.ballot_cast(
            vote=vote, user=voter, grades={}, now=vote.closes_at + timedelta(seconds=1)
        )
    with pytest.raises(VoteRefused, match="pas encore ouvert"):
        services.ballot_cast(vote=vote, user=voter, grades={}, now=vote.opens_at - timedelta(1))
    assert not Participation.objects.exists()


@pytest.mark.parametrize("bad", [7, -1, 4.0, True, "bien", "4"])
def test_a_grade_outside_the_scale_is_refused_naming_the_proposal(vote, voter, bad):
    grades = _grades(vote, 6, bad, 2)
    second = vote.proposals.order_by("position")[1]

    with pytest.raises(VoteRefused) as refused:
        services.ballot_cast(vote=vote, user=voter, grades=grades)
    assert second.ref in refused.value.message
    assert "n'est pas une mention" in refused.value.message
    assert not Participation.objects.exists()


def test_a_proposal_outside_the_vote_is_refused(vote, voter):
    other = open_vote(event=vote.event, proposals=1).proposals.get()

    with pytest.raises(VoteRefused, match="pas soumise"):
        services.ballot_cast(vote=vote, user=voter, grades={other.pk: 3})


def test_database_refuses_a_grade_off_the_scale(vote, voter):
    from django.db import IntegrityError, transaction

    services.ballot_cast(vote=vote, user=voter, grades={})
    ballot = Ballot.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotGrade.objects.create(ballot=ballot, proposal=vote.proposals.first(), grade=7)


def test_ballot_can_be_changed_with_its_receipt_until_closing(vote, voter):
    cast = services.ballot_cast(vote=vote, user=voter, grades=_grades(vote, 0, 0, 0))
    typed = cast.receipt.lower().replace("-", " ")

    changed = services.ballot_change(
        vote=vote, user=voter, receipt=typed, grades=_grades(vote, 6, None, 5)
    )

    assert changed.public_id == cast.public_id
    assert sorted(BallotGrade.objects.values_list("grade", flat=True)) == [5, 6]
    assert Ballot.objects.count() == 1
    with pytest.raises(VoteRefused, match="clos"):
        services.ballot_change(
            vote=vote,
            user=voter,
            receipt=cast.receipt,
            grades={},
            now=vote.closes_at,
        )


def test_a_wrong_receipt_opens_nothing(vote, voter):
    services.ballot_cast(vote=vote, user=voter, grades=_grades(vote, 1, 1, 1))

    with pytest.raises(VoteRefused, match="aucun bulletin"):
        services.ballot_change(vote=vote, user=voter, receipt="AAAA-BBBB", grades={})
    assert sorted(BallotGrade.objects.values_list("grade", flat=True)) == [1, 1, 1]


def test_only_voters_may_change_a_ballot_even_with_a_receipt(vote, voter):
    cast = services.ballot_cast(vote=vote, user=voter, grades={})
    other = member_of_union(vote.event.union)

    with pytest.raises(VoteRefused, match="pas encore voté"):
        services.ballot_change(vote=vote, user=other, receipt=cast.receipt, grades={})


def test_a_receipt_is_bound_to_its_vote(vote, voter):
    cast = services.ballot_cast(vote=vote, user=voter, grades={})
    other_vote = open_vote(event=vote.event)

    assert services.ballot_find(vote=vote, receipt=cast.receipt) is not None
    assert services.ballot_find(vote=other_vote, receipt=cast.receipt) is None


def test_receipts_are_random():
    receipts = {services.receipt_new() for _ in range(200)}
    assert len(receipts) == 200


def test_closing_a_vote_ends_voting(vote, voter):
    services.vote_close(vote=vote)
    vote.refresh_from_db()

    assert vote.is_closed()
    with pytest.raises(VoteRefused, match="clos"):
        services.ballot_cast(vote=vote, user=voter, grades={})
