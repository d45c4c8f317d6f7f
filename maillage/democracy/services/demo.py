"""The demo network's bodies: the union's board, with the demo accounts as members, a
proposal waiting for clarification questions, and the themes of the exchanges of practices."""

from __future__ import annotations

from django.db import transaction

from maillage.accounts.models import User
from maillage.territories.models import Union

from ..enums import BodyKind
from ..models import Body
from .bodies import body_create
from .consent import decision_create
from .debates import debate_themes_seed

DEMO_EMAIL_DOMAIN = "@demo.maillage.coop"


@transaction.atomic
def demo_bodies_create(*, union: Union | None) -> Body:
    """The union's board (public record), its members the demo accounts; idempotent."""
    debate_themes_seed()
    people = list(User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN, is_active=True))
    body = body_create(
        name="Conseil d'administration",
        kind=BodyKind.BOARD,
        union=union,
        slug=f"ca-{union.pk if union else 'national'}"[:80],
        description=(
            "Le conseil d'administration de l'union décide par consentement, comme le congrès "
            "du 20 novembre 2025 l'a demandé, et publie son relevé de décisions."
        ),
        public_record=True,
        members=people,
    )
    if len(people) >= 2 and not body.decisions.exists():
        author = next((p for p in people if p.email.startswith("admin@")), people[0])
        facilitator = next((p for p in people if p.email.startswith("delegue@")), people[-1])
        decision_create(
            body=body,
            author=author,
            facilitator=facilitator,
            title="Expérimenter la coprésidence de l'union",
            text=(
                "Pour le prochain mandat, l'union est présidée par deux coprésident·es, élu·es "
                "sans candidat par le conseil d'administration. Un bilan est fait au bout d'un an."
            ),
        )
    return body
