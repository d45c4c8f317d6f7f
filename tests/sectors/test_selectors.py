"""Search, tree, ancestors and descendants over the real nomenclature."""

from __future__ import annotations

import pytest

from maillage.sectors.models import Nomenclature, Sector
from maillage.sectors.selectors import (
    ancestor_codes,
    code_prefix,
    search_words,
    sector_ancestors,
    sector_descendant_codes,
    sector_search,
    sector_subtree,
    sector_tree,
)


def _codes(results: list[Sector]) -> list[str]:
    return [s.code for s in results]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("43.32A", "43.32A"),
        ("43.32a", "43.32A"),
        ("4332A", "43.32A"),
        ("4332", "43.32"),
        ("43.3", "43.3"),
        ("433", "43.3"),
        ("43", "43"),
        (" f ", "F"),
        ("43.3A", None),  # a letter only follows a class code
        ("menuiserie", None),
        ("43 menuiserie", None),
    ],
)
def test_code_prefix_reads_codes_typed_any_way(query, expected):
    assert code_prefix(query) == expected


def test_search_words_fold_accents_and_drop_stop_words():
    assert search_words("Hébergement  d'Œuvres, de la PÊCHE") == ["hebergement", "oeuvres", "peche"]
    assert search_words("de la") == ["de", "la"]  # nothing else to search on


@pytest.mark.django_db
class TestSearch:
    def test_label_word_finds_the_subclass(self, naf):
        results = sector_search("menuiserie")
        assert "43.32A" in _codes(results)
        assert "16.23Z" in _codes(results)  # "menuiseries", plural, matches as a word prefix
        # The shorter, more specific labels come before the longer ones.
        assert _codes(results)[:2] == ["43.32", "43.32A"]

    def test_accents_and_case_do_not_matter(self, naf):
        assert _codes(sector_search("MENUISERIE MÉTALLIQUE")) == ["43.32B"]
        assert _codes(sector_search("peche")) == _codes(sector_search("Pêche"))
        assert "78.10Z" in _codes(sector_search("main d'oeuvre"))

    def test_every_word_must_match(self, naf):
        results = sector_search("menuiserie bois")
        assert _codes(results) == ["43.32A"]

    def test_informatique_finds_programming(self, naf):
        codes = _codes(sector_search("informatique"))
        assert "62.01Z" in codes  # « Programmation informatique »
        assert "62.02A" in codes

    def test_words_match_at_word_starts_only(self, naf):
        # "bois" must not find "Fabrication de boissons" through the middle of a word…
        assert all(
            "bois" in s.label_search.split() or " bois" in s.label_search
            for s in sector_search("bois", limit=100)
        )
        # …and whole words rank before word prefixes ("boissons").
        codes = _codes(sector_search("commerce gros bois", limit=10))
        assert codes[:2] == ["46.73", "46.73A"]

    def test_node_sharing_its_childs_label_is_shown_once(self, naf):
        # Class 01.12 and sub-class 01.12Z are both « Culture du riz »: only the sub-class stays.
        codes = _codes(sector_search("culture du riz"))
        assert codes[0] == "01.12Z"
        assert "01.12" not in codes
        assert "01.11Z" in codes  # « … (à l'exception du riz) … » still has both words

    def test_code_prefix_lists_the_subtree_in_tree_order(self, naf):
        assert _codes(sector_search("43.3", limit=5)) == [
            "43.3",
            "43.31",
            "43.31Z",
            "43.32",
            "43.32A",
        ]
        assert _codes(sector_search("4332")) == ["43.32", "43.32A", "43.32B", "43.32C"]
        assert _codes(sector_search("43.32A")) == ["43.32A"]

    def test_section_letter_gives_the_section_then_its_divisions(self, naf):
        assert _codes(sector_search("F", limit=4)) == ["F", "41", "42", "43"]

    def test_nothing_to_search_and_nothing_found(self, naf):
        assert sector_search("") == []
        assert sector_search("  ;; ") == []
        assert sector_search("zzzxq") == []

    def test_other_nomenclature_is_separate(self, naf):
        assert sector_search("menuiserie", nomenclature=Nomenclature.NAF_2025) == []

    def test_one_query_and_limit(self, naf, django_assert_num_queries):
        with django_assert_num_queries(1):
            results = sector_search("commerce", limit=7)
        assert len(results) == 7


@pytest.mark.django_db
class TestTree:
    def test_sections_with_their_divisions_in_one_query(self, naf, django_assert_num_queries):
        with django_assert_num_queries(1):
            tree = sector_tree()
        assert [node.sector.code for node in tree][:3] == ["A", "B", "C"]
        assert len(tree) == 21
        assert sum(len(node.children) for node in tree) == 88
        construction = next(node for node in tree if node.sector.code == "F")
        assert [c.sector.code for c in construction.children] == ["41", "42", "43"]
        assert all(not c.children for c in construction.children)

    def test_subtree_from_a_node(self, naf):
        tree = sector_tree(root=Sector.objects.get(code="43.3"), depth=5)
        assert [n.sector.code for n in tree] == ["43.31", "43.32", "43.33", "43.34", "43.39"]
        assert [c.sector.code for c in tree[1].children] == ["43.32A", "43.32B", "43.32C"]

    def test_ancestors_from_section_down(self, naf, django_assert_num_queries):
        sector = Sector.objects.get(code="43.32A")
        assert ancestor_codes(sector) == ["F", "43", "43.3", "43.32"]
        with django_assert_num_queries(1):
            ancestors = sector_ancestors(sector)
        assert _codes(ancestors) == ["F", "43", "43.3", "43.32"]
        assert _codes(sector_ancestors(Sector.objects.get(code="43"))) == ["F"]
        assert sector_ancestors(Sector.objects.get(code="F")) == []

    def test_ancestors_match_the_parent_links_everywhere(self, naf):
        by_id = {s.pk: s for s in Sector.objects.all()}
        for sector in by_id.values():
            chain = []
            node = sector
            while node.parent_id:
                node = by_id[node.parent_id]
                chain.insert(0, node.code)
            assert ancestor_codes(sector) == chain, sector.code

    @pytest.mark.parametrize(
        ("code", "count", "sample"),
        [
            ("F", 38, "43.32A"),
            ("43", 24, "43.32A"),
            ("43.3", 7, "43.32A"),
            ("43.32", 3, "43.32A"),
            ("43.32A", 1, "43.32A"),
            ("A", 39, "01.11Z"),
        ],
    )
    def test_descendant_codes_are_the_subclasses_under_a_node(self, naf, code, count, sample):
        codes = sector_descendant_codes(Sector.objects.get(code=code))
        assert len(codes) == count
        assert sample in codes
        assert codes == sorted(codes)

    def test_descendants_across_all_sections_cover_the_732_subclasses(self, naf):
        codes = [
            c
            for section in Sector.objects.filter(level=1)
            for c in sector_descendant_codes(section)
        ]
        assert len(codes) == len(set(codes)) == 732

    def test_subtree_includes_the_node_and_every_level(self, naf):
        subtree = sector_subtree(Sector.objects.get(code="43.32"))
        assert sorted(subtree.values_list("code", flat=True)) == [
            "43.32",
            "43.32A",
            "43.32B",
            "43.32C",
        ]
