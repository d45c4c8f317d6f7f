"""Importing a pool from a CSV file: every line checked, errors reported per line, and nothing
imported unless every line is right."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Convention, Volunteer
from .rules import pool_open_to_organisers


@dataclass
class ImportResult:
    """An import either adds every line or none; ``errors`` are (line number, message)."""

    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return (
        "".join(c for c in text if not unicodedata.combining(c)).replace(" ", "").replace("-", "")
    )


YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}


@transaction.atomic
def volunteers_import_csv(*, convention: Convention, content: bytes) -> ImportResult:
    """Import a pool from CSV (``nom``, ``email``, ``cooperative``, ``consentement`` and one
    column per criterion, named by its label or key; values by label or key, accents and case
    ignored; ``,`` or ``;`` separated). Nothing is imported if any line is wrong."""
    pool_open_to_organisers(convention)
    result = ImportResult()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(
            (1, _("Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 »."))
        )
        return result
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = {_fold(h): h for h in reader.fieldnames or []}
    columns: dict[str, str] = {}
    wanted = {
        "nom": ("nom", "name"),
        "email": ("email", "courriel", "adressee-mail", "e-mail"),
        "cooperative": ("cooperative", "organisation"),
        "consent": ("consentement", "consent"),
    }
    for key, names in wanted.items():
        found = next((headers[_fold(n)] for n in names if _fold(n) in headers), None)
        if found:
            columns[key] = found
    for feature in convention.features:
        found = headers.get(_fold(feature["label"])) or headers.get(_fold(feature["key"]))
        if found:
            columns[feature["key"]] = found
    missing = [n for n in ("nom", "email", "consent") if n not in columns]
    missing += [f["label"] for f in convention.features if f["key"] not in columns]
    if missing:
        result.errors.append(
            (1, _("Colonnes manquantes : %(cols)s.") % {"cols": ", ".join(missing)})
        )
        return result
    existing = set(convention.volunteers.values_list("email", flat=True))
    seen: dict[str, int] = {}
    rows: list[Volunteer] = []
    now = timezone.now()
    for line, row in enumerate(reader, start=2):
        problems: list[str] = []
        name = (row.get(columns["nom"]) or "").strip()
        email = (row.get(columns["email"]) or "").strip().lower()
        if not name:
            problems.append(_("le nom est vide"))
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("adresse e-mail invalide « %(v)s »") % {"v": email})
        else:
            if email in existing:
                problems.append(_("%(v)s figure déjà dans le vivier") % {"v": email})
            elif email in seen:
                problems.append(_("%(v)s figure déjà ligne %(n)d") % {"v": email, "n": seen[email]})
            seen.setdefault(email, line)
        if _fold(row.get(columns["consent"]) or "") not in YES:
            problems.append(_("pas de consentement au traitement (colonne « consentement » : oui)"))
        features: dict[str, str] = {}
        for feature in convention.features:
            raw = (row.get(columns[feature["key"]]) or "").strip()
            match = next(
                (
                    v["key"]
                    for v in feature["values"]
                    if _fold(raw) in {_fold(v["key"]), _fold(v["label"])}
                ),
                None,
            )
            if match is None:
                problems.append(
                    _("« %(f)s » vaut « %(v)s », valeurs possibles : %(allowed)s")
                    % {
                        "f": feature["label"],
                        "v": raw,
                        "allowed": ", ".join(v["label"] for v in feature["values"]),
                    }
                )
            else:
                features[feature["key"]] = match
        if problems:
            result.errors.append((line, " ; ".join(problems) + "."))
            continue
        rows.append(
            Volunteer(
                convention=convention,
                full_name=name,
                email=email,
                cooperative=(row.get(columns["cooperative"]) or "").strip()
                if "cooperative" in columns
                else "",
                features=features,
                consent=True,
                consented_at=now,
            )
        )
    if not result.errors and not rows:
        result.errors.append((1, _("Le fichier ne contient aucune ligne de volontaire.")))
    if result.errors:
        return result
    Volunteer.objects.bulk_create(rows)
    result.created = len(rows)
    return result
