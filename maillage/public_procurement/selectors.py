"""Reads: contracts won by a cooperative; the market the network holds by territory and sector.

A contract won by several holders (a group) is shared equally between them: DECP does not say
who does what, and an equal share keeps every total additive. The network's part of a cell is
the sum of the shares held by directory organisations; the whole market of a territory or CPV
division is public (every contract is published) and shown in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear

from maillage.directory.models import Organisation
from maillage.indicators.disclosure import TOTAL
from maillage.purchases.secrecy import CellOutcome, Entry, Key, protect_by_year
from maillage.sectors.models import Sector, SectorLevel
from maillage.territories.models import Departement, Region

from .cpv import division_label
from .models import Award, Contract

Dimension = Literal["region", "departement", "cpv", "naf"]
UNKNOWN = "?"

_CONTRACT_FIELDS: dict[str, str] = {
    "region": "region_id",
    "departement": "departement_id",
    "cpv": "cpv_division",
    "naf": "",  # a contract has no NAF code: only the network's part, by its cooperatives'
}


def contracts_won(organisation: Organisation, limit: int = 20) -> tuple[list[Award], int]:
    """The organisation's awards, most recent first, and how many there are (two queries)."""
    awards = Award.objects.filter(organisation=organisation)
    listed = list(
        awards.select_related("contract", "contract__departement").order_by(
            F("contract__notified_on").desc(nulls_last=True), "pk"
        )[:limit]
    )
    return listed, (len(listed) if len(listed) < limit else awards.count())


@dataclass
class MarketRow:
    key: Hashable
    label: str
    market_cents: int | None
    market_count: int | None
    network_cents: int | None
    network_count: int | None
    cooperatives: int | None
    messages: tuple[str, ...] = ()

    @property
    def hidden(self) -> bool:
        return self.network_cents is None

    @property
    def percent(self) -> str:
        if self.network_cents is None or not self.market_cents:
            return ""
        return f"{100 * self.network_cents / self.market_cents:.1f}".replace(".", ",")


@dataclass
class MarketTable:
    dimension: str
    year: int | None
    full: bool
    rows: list[MarketRow] = field(default_factory=list)
    total: MarketRow | None = None
    restricted: bool = False


def years_with_contracts() -> list[int]:
    years = (
        Award.objects.filter(organisation__isnull=False, contract__notified_on__isnull=False)
        .annotate(year=ExtractYear("contract__notified_on"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def _labels(dimension: str, keys: list[Hashable], unknown: str) -> dict[Hashable, str]:
    known = [k for k in keys if k != UNKNOWN]
    labels: dict[Hashable, str] = {UNKNOWN: unknown}
    if dimension == "region":
        labels.update(Region.objects.filter(code__in=known).values_list("code", "name"))
    elif dimension == "departement":
        labels.update(
            (code, f"{name} ({code})")
            for code, name in Departement.objects.filter(code__in=known).values_list("code", "name")
        )
    elif dimension == "cpv":
        labels.update((k, f"{k} — {division_label(str(k))}".strip(" —")) for k in known)
    else:
        sections = dict(
            Sector.objects.filter(level=SectorLevel.SECTION, code__in=known).values_list(
                "code", "display_label"
            )
        )
        labels.update((k, f"{k} — {sections.get(str(k), '')}".strip(" —")) for k in known)
    return labels


def _network_awards() -> list[dict[str, Any]]:
    """Every award held by a directory organisation, with its contract's places, sector, year
    and the number of holders sharing it (one query)."""
    holders = (
        Award.objects.filter(contract=OuterRef("contract"))
        .values("contract")
        .annotate(c=Count("pk"))
        .values("c")
    )
    names = ("contract_id", "organisation_id", "year", "region", "departement", "cpv", "naf")
    rows = (
        Award.objects.filter(organisation__isnull=False)
        .annotate(
            year=ExtractYear("contract__notified_on"),
            region=F("contract__region_id"),
            departement=F("contract__departement_id"),
            cpv=F("contract__cpv_division"),
            naf=F("organisation__sector__section_code"),
            amount=F("contract__amount_cents"),
            holders=Subquery(holders),
        )
        .values_list(*names, "amount", "holders")
    )
    out = []
    for row in rows:
        item = dict(zip(names, row[: len(names)], strict=True))
        item.update({k: item[k] or UNKNOWN for k in ("region", "departement", "cpv", "naf")})
        item["year"] = item["year"] or UNKNOWN
        item["share"] = (row[-2] or 0) / max(row[-1] or 1, 1)
        out.append(item)
    return out


def market_held(
    *, dimension: Dimension, year: int | None, full: bool, unknown_label: str
) -> MarketTable:
    """The market held by the network, by territory (place of performance) or sector.

    Network figures go through statistical secrecy unless ``full`` (union staff): each
    breakdown × year is protected as one table with each cooperative as a contributor (see
    :mod:`maillage.purchases.secrecy`), and the public sees régions, not départements. The whole
    market is public data and always shown. Three queries.
    """
    restricted = not full and dimension == "departement"
    if restricted:
        dimension = "region"
    contract_field = _CONTRACT_FIELDS[dimension]
    market: dict[Hashable, tuple[int, int]] = {}
    if contract_field:
        contracts: QuerySet[Contract] = Contract.objects.all()
        if year:
            contracts = contracts.filter(notified_on__year=year)
        for row in (
            contracts.values(key=F(contract_field))
            .annotate(amount=Sum("amount_cents"), n=Count("pk"))
            .order_by()
        ):
            market[row["key"] if row["key"] else UNKNOWN] = (row["amount"] or 0, row["n"])
    awards = _network_awards()
    outcomes: dict[Key, CellOutcome] | None = None
    if not full and awards:
        entries = [
            Entry(table, a[table], a["year"], (a["organisation_id"],), a["share"])
            for a in awards
            for table in ("region", "cpv", "naf")
        ]
        outcomes = protect_by_year(entries, keyings=1)[dimension]
    per_org: dict[Hashable, dict[Hashable, float]] = defaultdict(lambda: defaultdict(float))
    contracts_in: dict[Hashable, set[int]] = defaultdict(set)
    for a in awards:
        if year is None or a["year"] == year:
            per_org[a[dimension]][a["organisation_id"]] += a["share"]
            contracts_in[a[dimension]].add(a["contract_id"])
    keys = sorted(
        set(market) | set(per_org),
        key=lambda k: (-sum(per_org.get(k, {}).values()), -market.get(k, (0, 0))[0], str(k)),
    )
    labels = _labels(dimension, keys, unknown_label)
    column: Hashable = TOTAL if year is None else year
    table = MarketTable(dimension=dimension, year=year, full=full, restricted=restricted)

    def row_for(
        key: Hashable, label: str, mk: tuple[int, int] | None, orgs: dict, n: int
    ) -> MarketRow:
        outcome = outcomes.get((key, column)) if outcomes is not None and orgs else None
        shown = outcome is None or outcome.published
        return MarketRow(
            key=key,
            label=label,
            market_cents=mk[0] if mk else None,
            market_count=mk[1] if mk else None,
            network_cents=round(sum(orgs.values())) if shown else None,
            network_count=n if shown else None,
            cooperatives=len(orgs) if shown else None,
            messages=outcome.messages if outcome is not None and not shown else (),
        )

    for key in keys:
        table.rows.append(
            row_for(
                key,
                labels.get(key, str(key)),
                market.get(key) if contract_field else None,
                per_org.get(key, {}),
                len(contracts_in.get(key, ())),
            )
        )
    if keys:
        all_orgs: dict[Hashable, float] = defaultdict(float)
        for orgs in per_org.values():
            for org, value in orgs.items():
                all_orgs[org] += value
        total_market = (
            (sum(v[0] for v in market.values()), sum(v[1] for v in market.values()))
            if contract_field
            else None
        )
        table.total = row_for(
            TOTAL,
            "Total",
            total_market,
            all_orgs,
            len(set().union(*contracts_in.values())) if contracts_in else 0,
        )
    return table
