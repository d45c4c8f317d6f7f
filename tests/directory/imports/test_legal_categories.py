"""The shipped INSEE legal-category table and the family each category gives."""

from __future__ import annotations

import pytest

from maillage.directory.enums import Family
from maillage.directory.imports.reference import cooperative_codes, legal_categories


def test_only_the_three_scop_categories_say_scop():
    scop = {code for code, cat in legal_categories().items() if cat.family == Family.SCOP}
    assert scop == {"5458", "5558", "5658"}


@pytest.mark.parametrize(
    "code",
    ["5459", "5460", "5559", "5560", "5659", "5660", "6316", "6317", "6318", "5443", "5547",
     "6560", "5192", "6596", "5203"],
)  # fmt: skip
def test_cooperative_categories_are_kept_whatever_the_ess_flag(code):
    assert code in cooperative_codes()
    assert legal_categories()[code].family == Family.OTHER_COOP
    assert legal_categories()[code].ess_by_status


@pytest.mark.parametrize("code", ["5432", "5532", "5632", "6532", "6533", "5710", "5499"])
def test_sica_gaec_and_plain_companies_are_not_cooperatives(code):
    assert code not in cooperative_codes()


def test_codes_are_the_four_digit_level_three_nomenclature():
    categories = legal_categories()
    assert all(len(code) == 4 and code.isdigit() for code in categories)
    assert "5760" not in categories  # no cooperative SAS in INSEE's nomenclature
    assert categories["5498"].label.endswith("(code ancien)")
    assert categories["9220"].ess_by_status and not categories["9220"].family
