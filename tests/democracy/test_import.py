"""The import command and the demo congress."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from maillage.democracy import services
from maillage.democracy.models import Event, Proposal, Vote, Workshop
from tests.democracy.factories import EventFactory

pytestmark = pytest.mark.django_db

PATHS = [str(services.DATA_DIR / name) for name in services.DEMO_DOCUMENTS]


def _snapshot(event):
    return list(
        Proposal.objects.filter(workshop__event=event)
        .order_by("pk")
        .values_list("pk", "workshop__code", "position", "title", "text", "theme")
    )


def test_import_command_reads_both_documents_and_is_idempotent():
    event = EventFactory(slug="congres-2025", description="")
    out = StringIO()
    call_command("import_congress", *PATHS, "--event", "congres-2025", stdout=out)

    workshops = list(Workshop.objects.filter(event=event).order_by("position"))
    assert [w.code for w in workshops] == [str(n) for n in range(1, 12)] + ["A", "B", "C"]
    assert workshops[-1].title == "Développer l'emploi coopératif"
    assert Proposal.objects.filter(workshop__event=event).count() == 57
    assert "Propositions : 57 créées" in out.getvalue()
    event.refresh_from_db()
    assert event.description.startswith("Lors de notre Congrès régional")

    before = _snapshot(event)
    out = StringIO()
    call_command("import_congress", *reversed(PATHS), "--event", "congres-2025", stdout=out)
    assert _snapshot(event) == before
    assert "0 créées, 0 modifiées, 57 inchangées" in out.getvalue()


def test_import_updates_a_corrected_document_in_place(tmp_path):
    event = EventFactory(slug="ag")
    path = tmp_path / "ag.txt"
    path.write_text("1. Atelier\n- Une proposition\n- Une autre\n", encoding="utf-8")
    call_command("import_congress", str(path), "--event", "ag", stdout=StringIO())
    first = Proposal.objects.get(workshop__event=event, position=1)

    path.write_text("1. Atelier\n- Une proposition corrigée\n- Une autre\n", encoding="utf-8")
    call_command("import_congress", str(path), "--event", "ag", stdout=StringIO())

    first.refresh_from_db()
    assert first.title == "Une proposition corrigée"
    assert Proposal.objects.filter(workshop__event=event).count() == 2


def test_import_refuses_two_documents_claiming_the_same_workshop_number(tmp_path):
    EventFactory(slug="ag")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("1. Jeunesse\n- Une\n", encoding="utf-8")
    b.write_text("1. Solidarité\n- Deux\n", encoding="utf-8")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("import_congress", str(a), str(b), "--event", "ag", stdout=StringIO())
    assert not Workshop.objects.exists()  # one transaction: nothing half-imported


def test_import_creates_the_event_when_asked(tmp_path):
    path = tmp_path / "ag.txt"
    path.write_text("1. Atelier\n- Une proposition\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--title"):
        call_command("import_congress", str(path), "--event", "nouvelle", stdout=StringIO())
    call_command(
        "import_congress",
        str(path),
        "--event",
        "nouvelle",
        "--title",
        "AG 2026",
        "--date",
        "2026-06-12",
        stdout=StringIO(),
    )
    assert Event.objects.get(slug="nouvelle").title == "AG 2026"


def test_demo_congress_is_idempotent_and_opens_a_vote_on_every_proposal():
    event = services.demo_congress_create()
    again = services.demo_congress_create()

    assert again.pk == event.pk
    assert event.workshops.count() == 14
    vote = Vote.objects.get(event=event)
    assert vote.proposals.count() == 57
    assert vote.is_open()
    assert vote.missing_grades == "as_reject"
