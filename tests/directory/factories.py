"""Factories for organisations, and the few territory rows they need.

The territory factories are kept minimal here on purpose (places for organisations); the
territories app owns the full ones.
"""

from __future__ import annotations

import factory
from django.utils.text import slugify

from maillage.directory.enums import Family
from maillage.directory.models import Organisation
from maillage.territories.models import Commune, Departement, Region, Union


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "84"
    name = "Auvergne-Rhône-Alpes"
    name_search = factory.LazyAttribute(lambda o: slugify(o.name).replace("-", " "))


class UnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Union
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"union-{n}")
    name = factory.LazyAttribute(lambda o: f"Union régionale {o.slug}")
    short_name = factory.LazyAttribute(lambda o: o.slug.upper())


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}")
    name = factory.LazyAttribute(lambda o: f"Département {o.code}")
    name_search = factory.LazyAttribute(lambda o: o.name.lower())
    region = factory.SubFactory(RegionFactory)
    union = factory.SubFactory(UnionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    departement = factory.SubFactory(DepartementFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.departement.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    name_search = factory.LazyAttribute(lambda o: o.name.lower())
    region = factory.LazyAttribute(lambda o: o.departement.region)
    population = 1000


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Coopérative n° {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    family = Family.SCOP
    commune = factory.SubFactory(CommuneFactory)
