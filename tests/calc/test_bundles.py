"""Bundled offers (forbetter.calc.bundles): synergy, the claim beside it and the cross-subsidy flag, worked
by hand, with bad input. Sources: the module docstring's rules."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from forbetter.calc import bundles
from forbetter.calc.bundles import LotPrice, analyse_bundle
from forbetter.calc.errors import InputError

D = Decimal


def test_doctests() -> None:
    assert doctest.testmod(bundles).failed == 0


def test_rule_bundle_synergy_and_share_worked_by_hand() -> None:
    """BUNDLE-STANDALONE-SUM and BUNDLE-SYNERGY: alone £1.2m + £0.8m + £0.5m = £2.5m; bundled £1.1m + £0.75m
    + £0.45m = £2.3m; synergy £200k, 8% of £2.5m."""
    result = analyse_bundle(
        [
            LotPrice("Revenues", D(1_100_000), D(1_200_000)),
            LotPrice("Procurement", D(750_000), D(800_000)),
            LotPrice("Property", D(450_000), D(500_000)),
        ],
        claimed_synergy_gbp=D(250_000),
    )
    assert result.standalone_sum_gbp == D(2_500_000)
    assert result.bundled_gbp == D(2_300_000)
    assert result.synergy_gbp == D(200_000)
    assert result.synergy_share == D("0.08")
    assert result.claim_gap_gbp == D(50_000)  # BUNDLE-CLAIM: claims £50k more than its prices show
    assert "claims £250,000, £50,000 more than its prices show" in result.explanation
    assert result.cross_subsidised_lots == ()


def test_rule_bundle_cross_subsidy_flags_a_lot_more_than_the_threshold_below() -> None:
    """BUNDLE-CROSS-SUBSIDY: 25% below exactly is not flagged; 25.1% below is; a custom threshold of 10%
    flags a 12% discount."""
    at_threshold = analyse_bundle([LotPrice("A", D(750), D(1000)), LotPrice("B", D(1000), D(1000))])
    assert at_threshold.cross_subsidised_lots == ()
    beyond = analyse_bundle([LotPrice("A", D(749), D(1000)), LotPrice("B", D(1000), D(1000))])
    assert beyond.cross_subsidised_lots == ("A",)
    assert "more than the 25% threshold" in beyond.lots[0].explanation
    custom = analyse_bundle(
        [LotPrice("A", D(880), D(1000)), LotPrice("B", D(1000), D(1000))],
        cross_subsidy_threshold=D("0.1"),
    )
    assert custom.cross_subsidised_lots == ("A",)


def test_a_bundle_dearer_than_its_lots_has_negative_synergy() -> None:
    result = analyse_bundle([LotPrice("A", D(600), D(500)), LotPrice("B", D(500), D(500))])
    assert result.synergy_gbp == D(-100)
    assert "more than the lots bought separately" in result.explanation
    assert result.lots[0].discount == D("-0.2")


def test_a_lot_not_priced_alone_leaves_the_synergy_unknown() -> None:
    result = analyse_bundle([LotPrice("A", D(600), None), LotPrice("B", D(500), D(800))])
    assert result.standalone_sum_gbp is None
    assert result.synergy_gbp is None
    assert result.unpriced_lots == ("A",)
    assert "did not price A alone" in result.explanation
    assert result.cross_subsidised_lots == ("B",)


@pytest.mark.parametrize(
    ("lots", "options", "field"),
    [
        ([], {}, "lots"),
        ([LotPrice("A", D(1), D(1))], {}, "lots"),
        ([LotPrice("A", D(1), D(1)), LotPrice("A", D(1), D(1))], {}, "lots"),
        ([LotPrice("A", D(0), D(1)), LotPrice("B", D(1), D(1))], {}, "lots[0].bundled_gbp"),
        ([LotPrice("A", D(1), D(-5)), LotPrice("B", D(1), D(1))], {}, "lots[0].standalone_gbp"),
        ([LotPrice("A", D(1), D(1)), LotPrice("B", D(1), D(1))], {"claimed_synergy_gbp": D(-1)}, "claimed"),
        ([LotPrice("A", D(1), D(1)), LotPrice("B", D(1), D(1))], {"cross_subsidy_threshold": D(1)}, "cross"),
    ],
)
def test_bad_input_names_the_field(lots: list[LotPrice], options: dict[str, Decimal], field: str) -> None:
    with pytest.raises(InputError) as raised:
        analyse_bundle(lots, **options)
    assert raised.value.field.startswith(field)
