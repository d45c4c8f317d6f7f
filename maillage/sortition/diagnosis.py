"""Quota diagnosis in the organiser's words: :func:`quotas.diagnose` turned into French sentences
that name the criteria and values as the convention labels them, and say by how many seats."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Convention
from .quotas import Diagnosis


@dataclass
class Explained:
    """What the quota editor shows: whether a panel exists and why not, and how to fix it."""

    feasible: bool
    problems: list[str] = field(default_factory=list)
    conflict: list[str] = field(default_factory=list)
    relaxations: list[str] = field(default_factory=list)
    total_relaxation: int = 0
    relaxable: bool = True

    def summary(self) -> str:
        """One line for messages and run errors."""
        return " ".join([*self.problems, *self.conflict, *self.relaxations])


def _seats(n: int) -> str:
    return ngettext("%(n)d siège", "%(n)d sièges", n) % {"n": n}


def explain(convention: Convention, diagnosis: Diagnosis) -> Explained:
    """French, labelled version of ``diagnosis`` for ``convention``."""
    if diagnosis.feasible:
        return Explained(feasible=True)
    k = convention.panel_size
    label = convention.label_of
    features = convention.feature_labels()
    problems: list[str] = []
    for issue in diagnosis.issues:
        quota = label(issue.quotas[0]) if issue.quotas else ""
        feature = features.get(issue.quotas[0].partition("=")[0], "") if issue.quotas else ""
        if issue.code == "pool_too_small":
            problems.append(
                _("Le vivier compte %(n)d volontaires pour %(k)d sièges : il en manque %(d)d.")
                % {"n": k - issue.amount, "k": k, "d": issue.amount}
            )
        elif issue.code == "too_few_households":
            problems.append(
                _(
                    "Seules %(n)d coopératives sont représentées pour %(k)d sièges (une personne "
                    "au plus par coopérative) : il en manque %(d)d."
                )
                % {"n": k - issue.amount, "k": k, "d": issue.amount}
            )
        elif issue.code == "min_above_max":
            problems.append(_("%(q)s : le minimum dépasse le maximum.") % {"q": quota})
        elif issue.code == "not_enough_volunteers":
            problems.append(
                _("%(q)s : le minimum demande %(d)s de plus qu'il n'y a de volontaires.")
                % {"q": quota, "d": _seats(issue.amount)}
            )
        elif issue.code == "min_above_panel":
            problems.append(
                _("%(q)s : le minimum dépasse la taille du panel (%(k)d).") % {"q": quota, "k": k}
            )
        elif issue.code == "sum_of_minimums":
            problems.append(
                _(
                    "%(f)s : les minimums additionnés font %(s)d, soit %(d)s de plus que les "
                    "%(k)d sièges du panel."
                )
                % {"f": feature, "s": k + issue.amount, "d": _seats(issue.amount), "k": k}
            )
        elif issue.code == "sum_of_maximums":
            problems.append(
                _(
                    "%(f)s : les maximums (limités aux volontaires disponibles) ne permettent de "
                    "pourvoir que %(s)d sièges, il en manque %(d)d sur %(k)d."
                )
                % {"f": feature, "s": k - issue.amount, "d": issue.amount, "k": k}
            )
        else:  # pragma: no cover - a new code in quotas.py; its English message is better than none
            problems.append(issue.message)
    conflict: list[str] = []
    if diagnosis.conflict:
        parts = [
            (_("au moins %(n)d « %(q)s »") if b.side == "min" else _("au plus %(n)d « %(q)s »"))
            % {"n": b.value, "q": label(b.label)}
            for b in diagnosis.conflict
        ]
        conflict.append(
            _("Ces quotas ne peuvent pas être respectés ensemble : %(list)s.")
            % {"list": " ; ".join(parts)}
        )
    relaxations = [
        _("%(q)s : passer de %(a)d–%(b)d à %(c)d–%(d)d.")
        % {"q": label(r.label), "a": r.min, "b": r.max, "c": r.new_min, "d": r.new_max}
        for r in diagnosis.relaxations
    ]
    if not diagnosis.relaxable:
        problems.append(
            _("Aucun changement de quotas ne suffit : le vivier lui-même est trop petit.")
        )
    return Explained(
        feasible=False,
        problems=problems,
        conflict=conflict,
        relaxations=relaxations,
        total_relaxation=diagnosis.total_relaxation,
        relaxable=diagnosis.relaxable,
    )
