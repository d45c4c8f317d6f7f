"""Reading DECP files (données essentielles de la commande publique), in constant memory.

Three layouts are read, told apart record by record:

* **v2, nested** (schéma DECP 2.0, arrêté du 22 décembre 2022): ``{"marches": {"marche": [...],
  "contrat-concession": [...]}}``; holders as ``"titulaires": [{"titulaire": {"typeIdentifiant":
  "SIRET", "id": "…"}}]``; lists as ``{"considerationSociale": [...]}``.
* **v2, flattened** (the schema's examples and the consolidated tables): dotted or underscored
  keys — ``"acheteur.id"``/``acheteur_id``, ``"lieuExecution.code"``, ``titulaire_id_1``,
  ``titulaire_typeIdentifiant_1``, ``titulaire_denominationSociale_1``… — and holders given
  directly as ``{"typeIdentifiant", "id"}`` objects.
* **v1** (schéma 2019): ``{"marches": [...]}``, holders ``[{"id", "denominationSociale",
  "typeIdentifiant"}]``, buyer ``{"id", "nom"}``.

The reader walks the JSON text by hand only down to the array of contracts, then decodes one
contract at a time with the standard library's C decoder (``raw_decode``), refilling a buffer
from the file as needed: memory holds one contract plus one read block, whatever the size of the
file (the national file is over a gigabyte). Concessions (``contrat-concession``) are skipped
and counted: their holders are concessionnaires, not titulaires.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

BLOCK = 1 << 20
MAX_RECORD = 16 << 20  # a single contract larger than this is treated as malformed

#: Fields of a contract the schemas define (v1 and v2); any other field is reported once.
KNOWN_FIELDS = frozenset(
    {
        "id",
        "uid",
        "uuid",
        "_type",
        "source",
        "acheteur",
        "acheteur.id",
        "acheteur.nom",
        "acheteur_id",
        "acheteur_nom",
        "nature",
        "objet",
        "codecpv",
        "procedure",
        "lieuexecution",
        "lieuexecution.code",
        "lieuexecution.typecode",
        "lieuexecution.nom",
        "lieuexecution_code",
        "lieuexecution_typecode",
        "lieuexecution_nom",
        "dureemois",
        "datenotification",
        "datepublicationdonnees",
        "montant",
        "formeprix",
        "titulaires",
        "modifications",
        "considerationssociales",
        "considerationsenvironnementales",
        "marcheinnovant",
        "origineue",
        "originefrance",
        "ccag",
        "offresrecues",
        "attributionavance",
        "tauxavance",
        "typegroupementoperateurs",
        "soustraitancedeclaree",
        "actessoustraitance",
        "modificationsactessoustraitance",
        "idaccordcadre",
        "techniques",
        "modalitesexecution",
        "typesprix",
        "typeprix",
        "autoriteconcedante",
        "datesignature",
        "datedebutexecution",
        "valeurglobale",
        "montantsubventionpublique",
        "donneesexecution",
        "concessionnaires",
    }
)
_HOLDER_FLAT = re.compile(r"^titulaire[._]?(id|typeidentifiant|denominationsociale)[._]?(\d+)$")


class DecpRefused(Exception):
    """The file as a whole is not DECP JSON (nothing can be read from it)."""


class MalformedRecord(Exception):
    """One contract's JSON text does not decode; ``position`` is its byte-ish offset."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


class _Stream:
    """A text buffer refilled from the file on demand; ``offset`` counts characters read."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters of the file before buf[0]
        self.eof = False
        self.decoder = json.JSONDecoder()

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(BLOCK)
        if not chunk:
            self.eof = True
            return False
        self.base += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "fin du fichier"
            raise DecpRefused(f"« {char} » attendu au caractère {self.offset}, trouvé « {found} »")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next JSON value, reading more of the file while it is incomplete."""
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # An error near the end of the buffer may only mean the value goes on in the
                # next block; one well inside it is a real one.
                truncated = exc.pos >= len(self.buf) - 64 or exc.msg.startswith("Unterminated")
                if (
                    truncated
                    and not self.eof
                    and len(self.buf) - self.pos < MAX_RECORD
                    and self.fill()
                ):
                    continue
                start = self.offset
                self._resync()
                raise MalformedRecord(start, exc.msg) from exc
            self.pos = end
            return obj

    def _resync(self) -> None:
        """After a malformed element, skip to the next ``,`` or ``]`` at its own depth."""
        depth = 0
        in_string = escape = False
        while True:
            if self.pos >= len(self.buf) and not self.fill():
                return
            char = self.buf[self.pos]
            if in_string:
                if escape:
                    escape = False
                elif char == "\\":
                    escape = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char in "[{":
                depth += 1
            elif char in "]}":
                if depth == 0:
                    return
                depth -= 1
            elif char == "," and depth == 0:
                return
            self.pos += 1


@dataclass
class ReadStats:
    skipped_concessions: int = 0
    layout: str = ""


def _iter_array(stream: _Stream) -> Iterator[Any]:
    """Elements of the array starting at the stream's position; a malformed element comes out
    as a :class:`MalformedRecord` instance, and reading goes on with the following one."""
    stream.expect("[")
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        try:
            item: Any = stream.value()
        except MalformedRecord as exc:
            item = exc  # yielded, not raised: a generator that raises is over
        yield item
        char = stream.peek()
        if char == ",":
            stream.pos += 1
        elif char == "]":
            stream.pos += 1
            return
        else:
            raise DecpRefused(f"« , » ou « ] » attendu au caractère {stream.offset}")


def _skip_array(stream: _Stream) -> int:
    return sum(1 for _item in _iter_array(stream))


def iter_contracts(handle: IO[str], stats: ReadStats) -> Iterator[tuple[int, Any]]:
    """``(rank, record)`` for each contract of the file, or ``(rank, MalformedRecord)``.

    Ranks start at 1, in file order, counting malformed records too, so a report can say
    « marché n° 12 ». Raises :class:`DecpRefused` when the file is not DECP JSON at all.
    """
    try:
        yield from _walk(handle, stats)
    except MalformedRecord as exc:
        raise DecpRefused(f"JSON illisible au caractère {exc.position} : {exc.reason}") from exc


def _walk(handle: IO[str], stats: ReadStats) -> Iterator[tuple[int, Any]]:
    stream = _Stream(handle)
    rank = 0

    def records() -> Iterator[tuple[int, Any]]:
        nonlocal rank
        for item in _iter_array(stream):
            rank += 1
            yield rank, item

    first = stream.peek()
    if first == "[":
        stats.layout = "liste"
        yield from records()
        return
    if first != "{":
        raise DecpRefused("le fichier ne commence ni par « { » ni par « [ » : ce n'est pas du JSON")
    stream.pos += 1
    found = False
    while stream.peek() not in ("}", ""):
        key = stream.value()
        stream.expect(":")
        if key == "marches" and stream.peek() == "[":
            stats.layout = "v1"
            found = True
            yield from records()
        elif key == "marches" and stream.peek() == "{":
            stream.pos += 1
            while stream.peek() not in ("}", ""):
                inner = stream.value()
                stream.expect(":")
                if inner == "marche" and stream.peek() == "[":
                    stats.layout = "v2"
                    found = True
                    yield from records()
                elif stream.peek() == "[":
                    stats.skipped_concessions += _skip_array(stream)
                else:
                    stream.value()
                if stream.peek() == ",":
                    stream.pos += 1
            stream.expect("}")
        elif stream.peek() == "[":
            _skip_array(stream)
        else:
            stream.value()
        if stream.peek() == ",":
            stream.pos += 1
    if not found:
        raise DecpRefused("aucune liste « marches » (v1) ni « marches.marche » (v2) trouvée")


# --- one contract, whatever its layout --------------------------------------------------------


@dataclass
class Holder:
    identifier: str
    identifier_type: str
    name: str = ""


@dataclass
class Contract:
    """A contract as Maillage keeps it; ``unknown_fields`` and ``problems`` for the report."""

    contract_id: str
    buyer_id: str
    buyer_name: str = ""
    nature: str = ""
    subject: str = ""
    cpv: str = ""
    procedure: str = ""
    place_code: str = ""
    place_type: str = ""
    notified_on: str = ""
    published_on: str = ""
    duration_months: int | None = None
    amount: float | None = None
    holders: list[Holder] = field(default_factory=list)
    shape: str = ""
    unknown_fields: list[str] = field(default_factory=list)


def _folded(record: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in record.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _holder(obj: Any) -> Holder | None:
    if isinstance(obj, dict) and "titulaire" in obj:
        obj = obj["titulaire"]
    if not isinstance(obj, dict):
        return None
    f = _folded(obj)
    return Holder(
        identifier=_text(f.get("id")),
        identifier_type=_text(f.get("typeidentifiant")),
        name=_text(f.get("denominationsociale")),
    )


def _holders(value: Any) -> list[Holder]:
    out: list[Holder] = []
    stack = [value]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[0:0] = item  # v1 files sometimes nest lists of holders in lists
            continue
        holder = _holder(item)
        if holder is not None and holder.identifier:
            out.append(holder)
    return out


def _int(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(" ", "").replace(",", "."))
    except (TypeError, ValueError):
        return None


def normalise(record: dict[str, Any], layout: str = "") -> Contract:
    """One record of any layout → :class:`Contract`. Never raises on odd values: they end up
    empty and the import reports what it needs."""
    f = _folded(record)
    buyer = f.get("acheteur") if isinstance(f.get("acheteur"), dict) else {}
    buyer_f = _folded(buyer) if isinstance(buyer, dict) else {}
    place = f.get("lieuexecution") if isinstance(f.get("lieuexecution"), dict) else {}
    place_f = _folded(place) if isinstance(place, dict) else {}
    flat_holders: dict[int, dict[str, Any]] = {}
    unknown: list[str] = []
    for key, value in f.items():
        match = _HOLDER_FLAT.match(key)
        if match:
            flat_holders.setdefault(int(match.group(2)), {})[match.group(1)] = value
        elif key not in KNOWN_FIELDS:
            unknown.append(key)
    holders = _holders(f.get("titulaires")) if "titulaires" in f else []
    nested = isinstance(f.get("titulaires"), list) and any(
        isinstance(t, dict) and "titulaire" in t for t in f["titulaires"]
    )
    for _rank, parts in sorted(flat_holders.items()):
        identifier = _text(parts.get("id"))
        if identifier:
            kind = _text(parts.get("typeidentifiant"))
            holders.append(Holder(identifier, kind, _text(parts.get("denominationsociale"))))
    flat = bool(flat_holders) or any("." in k or k.startswith("acheteur_") for k in f)
    if nested:
        shape = "v2"
    elif flat or layout != "v1":
        shape = "v2-aplati"
    else:
        shape = "v1"
    return Contract(
        contract_id=_text(f.get("id")),
        buyer_id=_text(buyer_f.get("id") or f.get("acheteur.id") or f.get("acheteur_id")),
        buyer_name=_text(buyer_f.get("nom") or f.get("acheteur.nom") or f.get("acheteur_nom")),
        nature=_text(f.get("nature")),
        subject=_text(f.get("objet")),
        cpv=_text(f.get("codecpv")),
        procedure=_text(f.get("procedure")),
        place_code=_text(
            place_f.get("code") or f.get("lieuexecution.code") or f.get("lieuexecution_code")
        ),
        place_type=_text(
            place_f.get("typecode")
            or f.get("lieuexecution.typecode")
            or f.get("lieuexecution_typecode")
        ),
        notified_on=_text(f.get("datenotification"))[:10],
        published_on=_text(f.get("datepublicationdonnees"))[:10],
        duration_months=_int(f.get("dureemois")),
        amount=_float(f.get("montant")),
        holders=holders,
        shape=shape,
        unknown_fields=sorted(unknown),
    )
