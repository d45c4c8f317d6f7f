"""The letter to the national direction: the organisers' wording, and the PDF built from the
priorities of a closed vote (ranked by majority judgment, with each proposal's majority grade
and merit profile), its participation and the roadmap actions that followed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.core.pdf import render_pdf

from .. import perms
from ..charts import GRADE_COLOURS, merit_profiles_svg
from ..grades import SCALE
from ..models import CongressLetter, Vote
from .common import DemocracyError

DEFAULT_PRIORITIES = 10
CHART_ASSET = "profils-de-merite.svg"


def letter_defaults(vote: Vote) -> dict[str, Any]:
    """What the letter says until the organisers write their own words."""
    event = vote.event
    values = {"event": event.title, "date": formats.date_format(event.starts_on, "j F Y")}
    if event.union is not None:
        values["union"] = event.union.name
        intro = _(
            "Lors de « %(event)s », le %(date)s, les coopératrices et coopérateurs de notre "
            "union (%(union)s) ont travaillé sur les résolutions du texte d'orientation. Ils "
            "ont ensuite jugé chacune des propositions issues des ateliers au jugement "
            "majoritaire. Nous vous transmettons les priorités qui en ressortent, les "
            "résultats du vote et les actions que notre union engage, en vous demandant de "
            "les porter au niveau national."
        )
        signature = _("Pour %(union)s, le conseil d'administration") % values
    else:
        intro = _(
            "Lors de « %(event)s », le %(date)s, les coopératrices et coopérateurs présent·es "
            "ont travaillé sur les résolutions du texte d'orientation, puis jugé chacune des "
            "propositions issues des ateliers au jugement majoritaire. Nous vous transmettons "
            "les priorités qui en ressortent, les résultats du vote et les actions engagées."
        )
        signature = _("Les organisatrices et organisateurs du congrès")
    return {
        "recipient": _("Direction nationale de la CGScop"),
        "intro": intro % values,
        "signature": signature,
        "priorities": DEFAULT_PRIORITIES,
    }


def letter_for(vote: Vote) -> CongressLetter:
    """The saved letter of the vote, or an unsaved one with the default wording."""
    letter = CongressLetter.objects.filter(vote=vote).first()
    return letter or CongressLetter(vote=vote, **letter_defaults(vote))


@transaction.atomic
def letter_save(
    *,
    vote: Vote,
    actor: Any,
    recipient: str,
    intro: str,
    signature: str,
    priorities: int,
) -> CongressLetter:
    """The organisers write the letter (once the vote is closed)."""
    if not perms.can_edit_letter(actor, vote):
        raise DemocracyError(
            _("Le courrier s'écrit par les organisateurs du congrès, une fois le vote clos.")
        )
    recipient, intro, signature = recipient.strip(), intro.strip(), signature.strip()
    if not recipient or not intro or not signature:
        raise DemocracyError(_("Le destinataire, l'introduction et la signature sont requis."))
    if not 1 <= priorities <= 60:
        raise DemocracyError(_("Le nombre de priorités détaillées va de 1 à 60."))
    letter, _created = CongressLetter.objects.update_or_create(
        vote=vote,
        defaults={
            "recipient": recipient[:200],
            "intro": intro[:6000],
            "signature": signature[:200],
            "priorities": priorities,
            "updated_by": actor,
        },
    )
    return letter


def letter_data(vote: Vote) -> tuple[dict[str, Any], dict[str, str]]:
    """The PDF's data and its assets (the merit-profile chart of the priorities)."""
    from ..selectors import event_roadmap, vote_results

    if not vote.is_closed():
        raise DemocracyError(
            _("Le courrier reprend les résultats : il s'écrit une fois le vote clos.")
        )
    letter = letter_for(vote)
    event = vote.event
    results = vote_results(vote=vote)
    count = min(letter.priorities, len(results.rows))

    def row(item: Any) -> dict[str, Any]:
        return {
            "rank": item.result.rank,
            "ref": item.proposal.ref,
            "title": item.proposal.title,
            "workshop": item.proposal.workshop.title,
            "grade": item.gauge_label,
            "shares": list(item.result.profile.shares),
            "counts": list(item.counts),
            "above": round(item.above_percent or 0, 1),
            "below": round(item.below_percent or 0, 1),
        }

    priorities = [row(item) for item in results.rows[:count]]
    others = [
        {
            "rank": r.result.rank,
            "ref": r.proposal.ref,
            "title": r.proposal.title,
            "grade": r.gauge_label,
        }
        for r in results.rows[count:]
    ]
    roadmap = [
        {
            "title": action.title,
            "ref": action.proposal.ref if action.proposal else "",
            "owner": action.owner,
            "deadline": formats.date_format(action.deadline, "j F Y") if action.deadline else "",
            "status": action.get_status_display(),
        }
        for action in event_roadmap(event)
    ]
    today = timezone.localdate()
    data = {
        "title": _("Courrier à la %(recipient)s") % {"recipient": letter.recipient}
        if letter.recipient.lower().startswith("direction")
        else _("Courrier — %(recipient)s") % {"recipient": letter.recipient},
        "sender": event.union.name if event.union else _("Mouvement des Scop et des Scic"),
        "recipient": letter.recipient,
        "date": _("Le %(date)s") % {"date": formats.date_format(today, "j F Y")},
        "subject": _("Objet : les priorités de « %(event)s »") % {"event": event.title},
        "intro": [p.strip() for p in letter.intro.split("\n\n") if p.strip()],
        "vote": vote.title,
        "rule": str(vote.get_missing_grades_display()),
        "participation": {
            "ballots": results.ballots,
            "participations": results.participations,
            "proposals": len(results.rows),
            "registrations": event.registrations.count(),
        },
        "priorities": priorities,
        "others": others,
        "roadmap": roadmap,
        "signature": letter.signature,
        "grades": [g.label for g in SCALE],
        "colours": list(GRADE_COLOURS),
        "chart": CHART_ASSET if priorities else "",
        "labels": {
            "participation": _("Participation"),
            "ballots": _("bulletins comptés"),
            "voters": _("personnes ont voté"),
            "proposals": _("propositions jugées"),
            "registrations": _("personnes inscrites au congrès"),
            "priorities": _("Nos priorités, classées au jugement majoritaire"),
            "rank": _("Rang"),
            "proposal": _("Proposition"),
            "grade": _("Mention majoritaire"),
            "profile": _("Profil de mérite"),
            "others": _("Les autres propositions, dans l'ordre du classement"),
            "roadmap": _("Les actions de notre feuille de route"),
            "no_roadmap": _("La feuille de route régionale est en cours d'élaboration."),
            "owner": _("Porteur"),
            "deadline": _("Échéance"),
            "status": _("Statut"),
            "method": _(
                "Méthode : chaque votant·e a donné une mention à chaque proposition, "
                "d'« Excellent » à « À rejeter ». La mention majoritaire est la médiane ; le "
                "classement départage les égalités selon Balinski et Laraki. Règle appliquée : "
                "%(rule)s. Les bulletins anonymes sont publiés et chacun peut recompter."
            )
            % {"rule": str(vote.get_missing_grades_display()).lower()},
            "chart_caption": _(
                "Profils de mérite des priorités : répartition des mentions, de « À rejeter » "
                "(à gauche) à « Excellent » (à droite) ; la ligne pointillée marque la médiane."
            ),
        },
    }
    assets: dict[str, str] = {}
    if priorities:
        assets[CHART_ASSET] = merit_profiles_svg(
            [(f"{p['rank']}. {p['ref']}", p["shares"]) for p in priorities]
        )
    return data, assets


def letter_pdf(vote: Vote) -> bytes:
    """The letter as a PDF."""
    data, assets = letter_data(vote)
    return render_pdf("democracy/letter.typ", data, assets=assets)
