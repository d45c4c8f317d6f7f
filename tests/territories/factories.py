"""Factories for territory rows, for tests that need a made-up map rather than the real one."""

from __future__ import annotations

import factory

from maillage.territories.models import Commune, Departement, Epci, Region, Union, UnionCoverage
from maillage.territories.text import normalise


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"R{n % 10}")
    name = factory.Sequence(lambda n: f"Région {n}")
    name_search = factory.LazyAttribute(lambda o: normalise(o.name))


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    name_search = factory.LazyAttribute(lambda o: normalise(o.name))
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci

    siren = factory.Sequence(lambda n: f"{200000000 + n}")
    name = factory.Sequence(lambda n: f"CC numéro {n}")
    name_search = factory.LazyAttribute(lambda o: normalise(o.name))
    kind = "CC"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"X{n:04d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    name_search = factory.LazyAttribute(lambda o: normalise(o.name))
    departement = factory.SubFactory(DepartementFactory)
    region = factory.LazyAttribute(lambda o: o.departement.region)
    population = 100


class UnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Union

    slug = factory.Sequence(lambda n: f"union-{n}")
    name = factory.Sequence(lambda n: f"Union régionale {n}")
    short_name = factory.Sequence(lambda n: f"Union {n}")


class UnionCoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnionCoverage

    union = factory.SubFactory(UnionFactory)
    level = "region"
    code = "R1"
