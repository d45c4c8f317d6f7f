"""StockEtablissement → Establishment, for the units of the directory (see sirene.py).

Most establishment lines belong to units outside the directory: they are dropped on their
first ten bytes, before being decoded or parsed (``SirenIndex.prefilter``). The rest is
checked a batch at a time: SIRET keys with numpy, coordinates with one pyproj call per
projected system.
"""

from __future__ import annotations

from typing import Any

from maillage.directory.enums import PointPrecision
from maillage.directory.models import Establishment

from . import geo
from .engine import Chunk, Pass
from .reading import CsvRows
from .reference import HEADCOUNT_BANDS, OUTSIDE_TERRITORIES_PREFIXES
from .report import ErrorReport
from .sirene_fields import NAF_REV2, NAME_MAX, NOT_DIFFUSED, OLD_NOMENCLATURES, TRUE_VALUES
from .sirene_fields import address as make_address
from .sirens import SirenIndex, sirets_valid
from .writers import Upsert, organisation_communes_set

ADDRESS = PointPrecision.ADDRESS.value
COMMUNE = PointPrecision.COMMUNE.value
NONE = PointPrecision.NONE.value


class EstablishmentPass(Pass):
    """StockEtablissement → Establishment, upserted by SIRET, for units in the directory."""

    name = "etablissements"
    wanted = {
        "siret": ("siret",),
        "siren": ("siren",),
        "head_office": ("etablissementSiege",),
        "state": ("etatAdministratifEtablissement",),
        "commune": ("codeCommuneEtablissement",),
        "country": ("codePaysEtrangerEtablissement",),
        "diffusion": ("statutDiffusionEtablissement",),
        "band": ("trancheEffectifsEtablissement",),
        "sign": ("enseigne1Etablissement",),
        "usual_name": ("denominationUsuelleEtablissement",),
        "number": ("numeroVoieEtablissement",),
        "repetition": ("indiceRepetitionEtablissement",),
        "street_type": ("typeVoieEtablissement",),
        "street": ("libelleVoieEtablissement",),
        "postal_code": ("codePostalEtablissement",),
        "x": ("coordonneeLambertAbscisseEtablissement",),
        "y": ("coordonneeLambertOrdonneeEtablissement",),
        "naf": ("activitePrincipaleEtablissement",),
        "naf_nomenclature": ("nomenclatureActivitePrincipaleEtablissement",),
    }
    required = ("siret", "head_office", "state", "commune")

    def __init__(
        self,
        reader: CsvRows,
        report: ErrorReport,
        *,
        sectors: dict[str, int],
        communes: dict[str, Any],
    ) -> None:
        super().__init__(reader, report)
        self.sectors = sectors
        self.communes = communes
        self.has_siren = "siren" in self.header.index
        self.delimiter = getattr(reader, "delimiter", ",") or ","
        self.index = SirenIndex([], [], self.delimiter)
        self.upsert = Upsert(
            Establishment,
            key="siret",
            fields=[
                "siret", "organisation_id", "name", "is_headquarters", "is_active", "address",
                "postal_code", "commune_id", "latitude", "longitude", "point_precision",
                "sector_id", "headcount_band", "diffusion_partial",
            ],
            update=[
                "organisation_id", "name", "is_headquarters", "is_active", "address",
                "postal_code", "commune_id", "latitude", "longitude", "point_precision",
                "sector_id", "headcount_band", "diffusion_partial",
            ],
        )  # fmt: skip

    def start(self) -> None:
        # Loaded once the units are written (in strict mode, inside the same transaction).
        self.index = SirenIndex.load(self.delimiter)
        if self.header.index.get("siren") == 0:
            self.prefilter = self.index.prefilter

    def prepare(self, chunk: Chunk) -> list[tuple[int, Any]]:
        rows = chunk.rows
        if not rows:
            return []
        sirens = [v[1] for v in rows] if self.has_siren else [v[0][:9] for v in rows]
        organisation_ids = self.index.ids_for(sirens)
        in_scope = [
            (line, values, organisation_id)
            for line, values, organisation_id in zip(
                chunk.lines, rows, organisation_ids, strict=True
            )
            if organisation_id is not None
        ]
        self.stats.kept += len(in_scope)
        valid_sirets = sirets_valid([values[0] for _line, values, _id in in_scope])
        communes = self.communes
        sectors = self.sectors
        has_siren = self.has_siren
        error = self.error
        items: list[tuple[int, Any]] = []
        projected: dict[int, tuple[list[int], list[float], list[float]]] = {}
        for (line, values, organisation_id), siret_ok in zip(in_scope, valid_sirets, strict=True):
            (siret, siren, head_office, state, commune_code, country, diffusion, band, sign,
             usual_name, number, repetition, street_type, street, postal_code, x, y, naf,
             nomenclature) = values  # fmt: skip
            if not has_siren:
                siren = siret[:9]
            if not siret_ok or not siret.startswith(siren):
                error(line, "siret", siret, "SIRET invalide (14 chiffres, clé de Luhn)")
                continue
            if state != "A" and state != "F":
                error(line, "state", state, "état administratif inconnu (attendu A ou F)")
                continue
            commune = communes.get(commune_code)
            if commune is None:
                if commune_code:
                    if not commune_code.startswith(OUTSIDE_TERRITORIES_PREFIXES):
                        error(line, "commune", commune_code, "code commune INSEE inconnu")
                        continue
                elif country.strip() in ("", NOT_DIFFUSED):
                    error(line, "commune", commune_code, "code commune absent (et pas de pays)")
                    continue
            sector_id = None
            naf = naf.strip()
            if naf and naf != NOT_DIFFUSED:
                if nomenclature in NAF_REV2:
                    sector_id = sectors.get(naf)
                    if sector_id is None:
                        error(line, "naf", naf, "code NAF rév. 2 inconnu")
                        continue
                elif nomenclature not in OLD_NOMENCLATURES:
                    error(
                        line, "naf_nomenclature", nomenclature, "nomenclature d'activité inconnue"
                    )
                    continue
            band = band.strip() or "NN"
            if band not in HEADCOUNT_BANDS:
                error(line, "band", band, "tranche d'effectif inconnue")
                continue
            partial = diffusion == "P" or diffusion == "N"
            latitude = longitude = None
            precision = NONE
            street_address = ""
            if not partial:
                street_address = make_address(number, repetition, street_type, street)
                if commune is not None:
                    x, y = x.strip(), y.strip()
                    if x and y and x != NOT_DIFFUSED and y != NOT_DIFFUSED:
                        try:
                            fx, fy = float(x), float(y)
                        except ValueError:
                            error(line, "x", f"{x} {y}", "coordonnées non numériques")
                            continue
                        epsg = geo.crs_for_departement(commune.departement)
                        slot = projected.setdefault(epsg, ([], [], []))
                        slot[0].append(len(items))
                        slot[1].append(fx)
                        slot[2].append(fy)
                    if commune.latitude is not None:
                        latitude, longitude = commune.latitude, commune.longitude
                        precision = COMMUNE
            postal = postal_code.strip()
            sign = sign.strip()
            if not sign or sign == NOT_DIFFUSED:
                sign = usual_name.strip()
                if sign == NOT_DIFFUSED:
                    sign = ""
            items.append(
                (
                    line,
                    [siret, organisation_id, sign[:NAME_MAX],
                     head_office.lower() in TRUE_VALUES, state == "A", street_address,
                     "" if postal == NOT_DIFFUSED else postal[:5],
                     commune.code if commune else None, latitude, longitude, precision,
                     sector_id, band, partial],
                )
            )  # fmt: skip
        for epsg, (indexes, xs, ys) in projected.items():
            for position, point in zip(indexes, geo.to_wgs84(epsg, xs, ys), strict=True):
                if point is not None:
                    row = items[position][1]
                    row[8], row[9] = point
                    row[10] = ADDRESS
        return items

    def save(self, items: list[tuple[int, Any]]) -> None:
        unique = {row[0]: tuple(row) for _line, row in items}
        rows = list(unique.values())
        self.upsert.run(rows)
        # The unit's commune is its head office's.
        organisation_communes_set(
            [(row[7], row[1]) for row in rows if row[3] and row[7] is not None]
        )
        self.stats.written += len(rows)
