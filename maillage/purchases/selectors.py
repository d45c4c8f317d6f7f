"""Reads: a cooperative's purchases and in-network share, the network's dashboards.

Dashboards count purchases between organisations of the directory (« inter-coopératives »),
grouped in the database by (cell, buyer, supplier) so that statistical secrecy can weigh each
cooperative's part; the in-network share of a cooperative divides its purchases from the
network by all its purchases (« hors réseau » included).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from maillage.directory.models import Organisation
from maillage.indicators.disclosure import TOTAL
from maillage.sectors.models import Sector, SectorLevel
from maillage.territories.models import Departement, Region

from .models import Purchase
from .secrecy import CellOutcome, Entry, Key, protect_by_year

Side = Literal["fournisseur", "acheteur"]
Level = Literal["region", "departement"]
UNKNOWN = "?"


def purchases_of(buyer: Organisation) -> QuerySet[Purchase]:
    """The cooperative's purchases, newest first, suppliers and needs joined."""
    return (
        Purchase.objects.filter(buyer=buyer)
        .select_related("supplier", "need")
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class ShareRow:
    year: int
    total_cents: int
    network_cents: int
    count: int
    network_count: int

    @property
    def share(self) -> float:
        return self.network_cents / self.total_cents if self.total_cents else 0.0

    @property
    def percent(self) -> str:
        return f"{100 * self.share:.1f}".replace(".", ",")


def network_share_by_year(buyer: Organisation) -> list[ShareRow]:
    """Per year: all purchases, those from the network, and the share (one query)."""
    rows = (
        Purchase.objects.filter(buyer=buyer)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            total=Sum("amount_cents"),
            network=Sum("amount_cents", filter=Q(supplier__isnull=False)),
            count=Count("pk"),
            network_count=Count("pk", filter=Q(supplier__isnull=False)),
        )
        .order_by("year")
    )
    return [
        ShareRow(r["year"], r["total"] or 0, r["network"] or 0, r["count"], r["network_count"])
        for r in rows
    ]


@dataclass
class TableRow:
    key: Hashable
    label: str
    amount_cents: int | None
    count: int | None
    messages: tuple[str, ...] = ()

    @property
    def hidden(self) -> bool:
        return self.amount_cents is None


@dataclass
class Table:
    title: str
    rows: list[TableRow] = field(default_factory=list)
    total: TableRow | None = None

    @property
    def hidden_count(self) -> int:
        return sum(1 for r in self.rows if r.hidden)


def years_with_purchases() -> list[int]:
    rows = (
        Purchase.objects.in_network()
        .annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(rows), reverse=True)


@dataclass(frozen=True)
class _Flow:
    """Purchases of one year between one buyer and one supplier, with their places."""

    year: int
    buyer: int
    supplier: int
    places: dict[str, str]  # "fournisseur-region" → code…
    section: str
    amount: int
    count: int


def _flows() -> list[_Flow]:
    """One aggregate query: in-network purchases grouped by year, buyer and supplier."""
    fields = {
        "fournisseur-region": "supplier__commune__region_id",
        "fournisseur-departement": "supplier__commune__departement_id",
        "acheteur-region": "buyer__commune__region_id",
        "acheteur-departement": "buyer__commune__departement_id",
    }
    rows = (
        Purchase.objects.in_network()
        .annotate(year=ExtractYear("date"))
        .values(
            "year", "buyer_id", "supplier_id", "supplier__sector__section_code", *fields.values()
        )
        .annotate(amount=Sum("amount_cents"), n=Count("pk"))
        .order_by()
    )
    return [
        _Flow(
            year=r["year"],
            buyer=r["buyer_id"],
            supplier=r["supplier_id"],
            places={name: r[field] or UNKNOWN for name, field in fields.items()},
            section=r["supplier__sector__section_code"] or UNKNOWN,
            amount=r["amount"],
            count=r["n"],
        )
        for r in rows
    ]


def _build(
    title: str,
    flows: list[_Flow],
    row_of: Callable[[_Flow], Hashable],
    year: int | None,
    outcomes: dict[Key, CellOutcome] | None,
    *,
    by_amount: bool = True,
) -> Table:
    amounts: dict[Hashable, int] = defaultdict(int)
    counts: dict[Hashable, int] = defaultdict(int)
    for flow in flows:
        if year is None or flow.year == year:
            amounts[row_of(flow)] += flow.amount
            counts[row_of(flow)] += flow.count
    order = (lambda k: (-amounts[k], str(k))) if by_amount else (lambda k: str(k))
    column: Hashable = TOTAL if year is None else year
    table = Table(title=title)

    def make(key: Hashable, cell: Key, amount: int, count: int) -> TableRow:
        outcome = outcomes.get(cell) if outcomes is not None else None
        shown = outcomes is None or (outcome is not None and outcome.published)
        return TableRow(
            key,
            str(key),
            amount if shown else None,
            count if shown else None,
            outcome.messages if outcome is not None and not shown else (),
        )

    for key in sorted(amounts, key=order):
        table.rows.append(make(key, (key, column), amounts[key], counts[key]))
    if amounts:
        table.total = make(TOTAL, (TOTAL, column), sum(amounts.values()), sum(counts.values()))
    return table


@dataclass
class Dashboard:
    year: int | None
    side: Side
    level: Level
    full: bool
    by_year: Table
    by_territory: Table
    by_sector: Table
    level_restricted: bool = False


def network_dashboard(
    *, year: int | None, side: Side, level: Level, full: bool, unknown_label: str
) -> Dashboard:
    """Inter-cooperative purchases by year, by territory and by NAF section of the supplier.

    Union staff (``full``) see every figure, down to the département. Everyone else sees
    région figures protected by :mod:`maillage.purchases.secrecy` (each breakdown × year
    protected as one table, buyers and suppliers both counted as contributors). One aggregate
    query and two label lookups, whatever the number of purchases.
    """
    flows = _flows()
    level_restricted = not full and level != "region"
    if level_restricted:
        level = "region"
    place = f"{side}-{level}"
    outcomes: dict[str, dict[Key, CellOutcome]] | None = None
    if not full and flows:
        entries = [
            Entry(table, row, f.year, (("b", f.buyer), ("s", f.supplier)), float(f.amount))
            for f in flows
            for table, row in (
                ("fournisseur", f.places["fournisseur-region"]),
                ("acheteur", f.places["acheteur-region"]),
                ("secteur", f.section),
            )
        ]
        outcomes = protect_by_year(entries, keyings=2)

    def of(name: str) -> dict[Key, CellOutcome] | None:
        return None if outcomes is None else outcomes[name]

    # Yearly totals are the margins (TOTAL, year) shared by every breakdown: transposed so
    # that the year table reads them as its rows.
    year_outcomes: dict[Key, CellOutcome] | None = (
        None
        if outcomes is None
        else {(k[1], TOTAL): v for k, v in outcomes["secteur"].items() if k[0] is TOTAL}
    )
    by_year = _build("year", flows, lambda f: f.year, None, year_outcomes, by_amount=False)
    by_year.rows.reverse()
    territory = _build(
        "territory", flows, lambda f: f.places[place], year, of(side) if outcomes else None
    )
    territory_model = Region if level == "region" else Departement
    names: dict[Hashable, str] = dict(
        territory_model.objects.filter(
            code__in=[r.key for r in territory.rows if r.key != UNKNOWN]
        ).values_list("code", "name")
    )
    for row in territory.rows:
        row.label = names.get(row.key, unknown_label) if row.key != UNKNOWN else unknown_label
    sector = _build("sector", flows, lambda f: f.section, year, of("secteur"))
    sections: dict[Hashable, str] = dict(
        Sector.objects.filter(
            level=SectorLevel.SECTION, code__in=[r.key for r in sector.rows]
        ).values_list("code", "display_label")
    )
    for row in sector.rows:
        row.label = (
            f"{row.key} — {sections.get(row.key, '')}".strip(" —")
            if row.key != UNKNOWN
            else unknown_label
        )
    return Dashboard(
        year, side, level, full, by_year, territory, sector, level_restricted=level_restricted
    )


def organisations_of_member(user: Any) -> QuerySet[Organisation]:
    """The cooperatives the person belongs to, for the « my purchases » entry page."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name").distinct()
