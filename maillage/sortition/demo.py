"""The demo convention: a synthetic pool of 300 volunteers (``synthetic.py``) and its quotas.

Nothing is computed here (LEXIMIN on 300 volunteers takes minutes): the organiser runs the
computation from the organisers' page, and ``manage.py sortition_run`` executes it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User

from .models import Convention, Quota, Volunteer
from .services import convention_create
from .synthetic import FEATURES, generate_problem

DEMO_SLUG = "convention-citoyenne-demonstration"
DEMO_ORGANISER = "delegue@demo.maillage.coop"

LABELS = {
    "genre": "Genre",
    "age": "Tranche d'âge",
    "territoire": "Territoire",
    "famille": "Famille coopérative",
    "role": "Rôle dans la coopérative",
    "taille": "Taille de la coopérative",
}
VALUE_LABELS = {
    "idf": "Île-de-France",
    "grand-ouest": "Grand Ouest",
    "sud": "Sud",
    "nord-est": "Nord-Est",
    "centre-massif": "Centre et Massif central",
    "outre-mer": "Outre-mer",
    "scop": "Scop",
    "scic": "Scic",
    "salarie-associe": "Salarié·e associé·e",
    "administrateur": "Administrateur·ice",
    "usager-societaire": "Usager·e sociétaire (Scic)",
    "benevole": "Bénévole",
    "tpe": "TPE",
    "pme": "PME",
}


@transaction.atomic
def demo_convention_create(
    *, pool_size: int = 300, panel_size: int = 30, n_features: int = 5
) -> Convention:
    """Create (or re-create) the demo convention; fast, idempotent."""
    Convention.objects.filter(slug=DEMO_SLUG).delete()
    problem = generate_problem(
        pool_size=pool_size, panel_size=panel_size, n_features=n_features, seed=2025
    )
    specs = FEATURES[:n_features]
    features = [
        {
            "key": spec.name,
            "label": LABELS.get(spec.name, spec.name),
            "values": [
                {"key": v, "label": VALUE_LABELS.get(v, v.capitalize())} for v in spec.values
            ],
        }
        for spec in specs
    ]
    organisers = list(User.objects.filter(email=DEMO_ORGANISER))
    convention = convention_create(
        slug=DEMO_SLUG,
        title="Convention citoyenne de démonstration : l'avenir du travail coopératif",
        description=(
            "Trente coopératrices et coopérateurs tirés au sort parmi les volontaires, "
            "représentatifs du mouvement, pour formuler des propositions au prochain congrès. "
            "Le vivier est synthétique (démonstration)."
        ),
        panel_size=panel_size,
        features=features,
        one_per_cooperative=True,
        organisers=organisers,
        is_demo=True,
    )
    now = timezone.now()
    Volunteer.objects.bulk_create(
        Volunteer(
            convention=convention,
            full_name=f"Personne fictive {k + 1:03d}",
            email=f"volontaire{k + 1:03d}@demo.maillage.coop",
            cooperative=f"Coopérative fictive {person.household}",
            features=dict(person.features),
            consent=True,
            consented_at=now,
        )
        for k, person in enumerate(problem.people)
    )
    Quota.objects.bulk_create(
        Quota(convention=convention, feature=q.feature, value=q.value, min=q.min, max=q.max)
        for q in problem.quotas
    )
    return convention
