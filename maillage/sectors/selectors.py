"""Reads over the NAF tree: search, tree, ancestors and descendants.

Every function costs one query (none for the pure helpers), whatever the depth, because below the
section NAF codes nest by prefix: 43 ⊃ 43.3 ⊃ 43.32 ⊃ 43.32A.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_

from django.db.models import Q, QuerySet

from maillage.territories.text import normalise

from .models import Nomenclature, Sector, SectorLevel

# A code typed with or without its dot, in any case: "43", "433", "43.3", "4332", "43.32a".
_CODE_QUERY = re.compile(r"^(?P<division>\d{1,2})(?:\.?(?P<rest>\d{1,2}))?(?P<letter>[A-Za-z])?$")
_SECTION_QUERY = re.compile(r"^[A-Za-z]$")
# Words that every other label contains: requiring them would only add noise.
_STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou"}
    | {"par", "pour", "sans", "sur", "un", "une"}
)


def code_prefix(query: str) -> str | None:
    """The NAF code prefix ``query`` spells, in canonical form, or None if it is not a code.

    ``"4332a"`` → ``"43.32A"``, ``"43.3"`` → ``"43.3"``, ``" f "`` → ``"F"``, ``"menuiserie"`` →
    None. A letter only follows a full class code (four digits), as in the nomenclature.
    """
    text = query.strip().replace(" ", "")
    if _SECTION_QUERY.match(text):
        return text.upper()
    match = _CODE_QUERY.match(text)
    if not match:
        return None
    division, rest, letter = match["division"], match["rest"] or "", match["letter"] or ""
    if letter and (len(division) != 2 or len(rest) != 2):
        return None
    if len(division) == 1 and rest:
        return None
    return division + ("." + rest if rest else "") + letter.upper()


def search_words(query: str) -> list[str]:
    """The folded words of ``query`` that a label must contain, stop words dropped."""
    words = normalise(query).split()
    meaningful = [w for w in words if w not in _STOP_WORDS]
    return meaningful or words


def _word_rank(sector: Sector, words: list[str]) -> tuple[int, int, int]:
    """Lower is better: whole words matched, label opening with the first word, label length."""
    label_words = sector.label_search.split()
    partial = sum(1 for w in words if w not in label_words)
    starts = 0 if sector.label_search.startswith(words[0]) else 1
    return (partial, starts, len(sector.label_search))


def sector_search(
    q: str, *, nomenclature: str = Nomenclature.NAF_REV2, limit: int = 20
) -> list[Sector]:
    """Sectors matching ``q`` by code prefix or by label words, best first.

    A code (``"43.32A"``, ``"4332"``, ``"43.3"``, ``"F"``) returns that node first then the nodes
    under it in tree order. Otherwise every word must begin a word of the label, accents and
    case ignored (``"menuiserie"`` finds 43.32A « Travaux de menuiserie bois et PVC »); whole-word
    matches, labels opening with the query and shorter (more specific) labels come first. When a
    node and one of its children share the same label (class 01.12 and sub-class 01.12Z « Culture
    du riz »), only the child is kept: the deepest is what an organisation is registered under.
    """
    prefix = code_prefix(q)
    base = Sector.objects.filter(nomenclature=nomenclature)
    if prefix is not None:
        if prefix.isalpha():
            # A section's letter does not prefix its divisions: show it, then them.
            return list(base.filter(section_code=prefix).order_by("level", "code")[:limit])
        # Tree order: "43.3", "43.31", "43.31Z", "43.32"…, so the exact code comes first.
        return list(base.filter(code__startswith=prefix).order_by("code")[:limit])

    words = search_words(q)
    if not words:
        return []
    matches = reduce(
        and_,
        (Q(label_search__startswith=w) | Q(label_search__contains=" " + w) for w in words),
    )
    # The whole nomenclature is under 2,000 rows: ranking in Python stays cheap and portable.
    found = list(base.filter(matches))
    labels_by_parent = {(s.parent_id, s.label_search) for s in found}
    found = [s for s in found if (s.pk, s.label_search) not in labels_by_parent]
    found.sort(key=lambda s: (*_word_rank(s, words), s.code))
    return found[:limit]


@dataclass
class TreeNode:
    """A sector and the nodes under it, as far down as the tree was asked for."""

    sector: Sector
    children: list[TreeNode] = field(default_factory=list)


def sector_tree(
    *, nomenclature: str = Nomenclature.NAF_REV2, root: Sector | None = None, depth: int = 2
) -> list[TreeNode]:
    """The tree from the sections (or from under ``root``) down ``depth`` levels, in one query.

    ``sector_tree()`` gives the 21 sections each with its divisions, for the index page.
    """
    top = root.level + 1 if root is not None else SectorLevel.SECTION
    bottom = min(top + depth - 1, SectorLevel.SUBCLASS)
    qs = Sector.objects.filter(nomenclature=nomenclature, level__gte=top, level__lte=bottom)
    if root is not None:
        qs = qs.filter(_under(root))
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    # Parents sort before children: by level, then code.
    for sector in qs.order_by("level", "code"):
        node = nodes[sector.pk] = TreeNode(sector)
        parent = nodes.get(sector.parent_id) if sector.parent_id else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def ancestor_codes(sector: Sector) -> list[str]:
    """Codes above ``sector``, from its section down to its parent (pure, no query).

    ``43.32A`` → ``["F", "43", "43.3", "43.32"]``.
    """
    if sector.level == SectorLevel.SECTION:
        return []
    digits = sector.code.replace(".", "")
    # Division "43", group "43.3", class "43.32": the first 2, 3 and 4 digits.
    codes = [digits[:2], f"{digits[:2]}.{digits[2:3]}", f"{digits[:2]}.{digits[2:4]}"]
    return [sector.section_code, *codes[: sector.level - 2]]


def sector_ancestors(sector: Sector) -> list[Sector]:
    """The sectors above ``sector``, section first, for a breadcrumb (one query)."""
    codes = ancestor_codes(sector)
    if not codes:
        return []
    return list(
        Sector.objects.filter(nomenclature=sector.nomenclature, code__in=codes).order_by("level")
    )


def _under(sector: Sector) -> Q:
    """Everything strictly below ``sector``."""
    if sector.level == SectorLevel.SECTION:
        return Q(section_code=sector.code) & ~Q(pk=sector.pk)
    # Siblings' codes all have the same length, so a node's code prefixes its subtree only.
    return Q(code__startswith=sector.code) & ~Q(pk=sector.pk)


def sector_subtree(sector: Sector) -> QuerySet[Sector]:
    """``sector`` and every node under it, at any level: for ``sector__in=`` filters."""
    return Sector.objects.filter(nomenclature=sector.nomenclature).filter(
        _under(sector) | Q(pk=sector.pk)
    )


def sector_descendant_codes(sector: Sector) -> list[str]:
    """Codes of the sub-classes under ``sector`` (itself if it is one), in code order.

    Organisations are registered under a sub-class (their APE code), so this is what the
    directory filters on to find organisations "in" a node at any NAF level.
    """
    return list(
        sector_subtree(sector)
        .filter(level=SectorLevel.SUBCLASS)
        .order_by("code")
        .values_list("code", flat=True)
    )
