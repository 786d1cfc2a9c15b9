"""Bundled offers for several lots: the synergy a bidder offers and where a lot is cross-subsidised.

==========================  ==================================================================================
rule                        what it does
==========================  ==================================================================================
BUNDLE-STANDALONE-SUM       the stand-alone sum is the total of the bidder's stand-alone prices for the lots
                            in the bundle; it is known only when the bidder priced every one of them alone
BUNDLE-SYNERGY              synergy = stand-alone sum − bundled price (the sum of the lots' prices inside the
                            bundle); its share = synergy ÷ stand-alone sum. A negative synergy means the
                            bundle costs more than the lots bought separately
BUNDLE-CLAIM                the synergy the bidder claims is set beside the computed one, with the gap
BUNDLE-CROSS-SUBSIDY        a lot is flagged when its price inside the bundle is more than the threshold
                            (default 25%) below its stand-alone price: the other lots may be carrying it,
                            and it could become unviable if the bundle is later split or a lot ends early
==========================  ==================================================================================

Sources: HM Treasury and the 4ps' guidance behind ForBetter's procurement stage (task P-VFM-3, "assess the
costs and benefits of the bundles proposed"); the Public Contracts Regulations 2015, regulation 46, and the
Procurement Act 2023, section 18 (lots, and offers combining lots). The 25% default is ForBetter's: it
flags a discount on one lot well beyond the bundle's usual overall synergy (typically a few per cent to
15%), so the council asks why; each bundle may set its own.

Prices are pounds a year (the bidder's annual price). Arithmetic is in :class:`decimal.Decimal`; shares are
rounded only for display. Bad input raises :class:`~forbetter.calc.errors.InputError` naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from forbetter.calc.errors import InputError

DEFAULT_CROSS_SUBSIDY_THRESHOLD: Final = Decimal("0.25")


@dataclass(frozen=True)
class LotPrice:
    """A lot inside a bundle: its price there and the same bidder's stand-alone price (None if not priced
    alone), both pounds a year."""

    lot: str
    bundled_gbp: Decimal
    standalone_gbp: Decimal | None


@dataclass(frozen=True)
class LotResult:
    lot: str
    bundled_gbp: Decimal
    standalone_gbp: Decimal | None
    discount: Decimal | None
    """1 − bundled ÷ stand-alone (0.3 = 30% below the stand-alone price); None without a stand-alone price."""
    cross_subsidised: bool
    explanation: str


@dataclass(frozen=True)
class BundleResult:
    lots: tuple[LotResult, ...]
    bundled_gbp: Decimal
    standalone_sum_gbp: Decimal | None
    """None when some lot was not priced alone (the sum would not compare like with like)."""
    synergy_gbp: Decimal | None
    synergy_share: Decimal | None
    claimed_synergy_gbp: Decimal | None
    claim_gap_gbp: Decimal | None
    """Claimed − computed synergy (positive: the bidder claims more than its prices show)."""
    cross_subsidy_threshold: Decimal
    unpriced_lots: tuple[str, ...]
    explanation: str

    @property
    def cross_subsidised_lots(self) -> tuple[str, ...]:
        return tuple(lot.lot for lot in self.lots if lot.cross_subsidised)


def _money(amount: Decimal) -> str:
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.0f}"


def percent(share: Decimal) -> str:
    """A fraction as a percentage to one decimal place, trailing zeros dropped ("12.5%", "25%")."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _amount(value: object, field: str, *, positive: bool) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InputError(field, f"must be an amount in pounds; got {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise InputError(field, "must be a finite amount in pounds")
    if positive and amount <= 0:
        raise InputError(field, f"must be more than £0; got {_money(amount)}")
    if amount < 0:
        raise InputError(field, f"cannot be negative; got {_money(amount)}")
    return amount


def analyse_bundle(
    lots: Sequence[LotPrice],
    *,
    claimed_synergy_gbp: Decimal | None = None,
    cross_subsidy_threshold: Decimal = DEFAULT_CROSS_SUBSIDY_THRESHOLD,
) -> BundleResult:
    """The bundle's stand-alone sum, synergy, claim gap and cross-subsidised lots.

    >>> result = analyse_bundle(
    ...     [LotPrice("A", Decimal(900), Decimal(1000)), LotPrice("B", Decimal(600), Decimal(1000))]
    ... )
    >>> result.synergy_gbp, result.synergy_share, result.cross_subsidised_lots
    (Decimal('500'), Decimal('0.25'), ('B',))
    """
    if not lots:
        raise InputError("lots", "a bundle needs at least two lots; it has none")
    if len(lots) < 2:
        raise InputError("lots", f"a bundle needs at least two lots; it has one ({lots[0].lot})")
    names = [lot.lot for lot in lots]
    if len(set(names)) != len(names):
        raise InputError("lots", "each lot may appear once in a bundle")
    if not isinstance(cross_subsidy_threshold, Decimal) or not 0 < cross_subsidy_threshold < 1:
        raise InputError(
            "cross_subsidy_threshold",
            f"must be a fraction above 0 and below 1; got {cross_subsidy_threshold}",
        )
    claimed = None
    if claimed_synergy_gbp is not None:
        claimed = _amount(claimed_synergy_gbp, "claimed_synergy_gbp", positive=False)
    results = []
    for i, lot in enumerate(lots):
        bundled = _amount(lot.bundled_gbp, f"lots[{i}].bundled_gbp", positive=True)
        if lot.standalone_gbp is None:
            results.append(
                LotResult(
                    lot.lot,
                    bundled,
                    None,
                    None,
                    False,
                    f"{lot.lot}: {_money(bundled)} a year in the bundle; not priced alone, so it cannot be "
                    "checked for cross-subsidy.",
                )
            )
            continue
        standalone = _amount(lot.standalone_gbp, f"lots[{i}].standalone_gbp", positive=True)
        discount = 1 - bundled / standalone
        flagged = discount > cross_subsidy_threshold
        if discount >= 0:
            words = f"{percent(discount)} below its stand-alone price of {_money(standalone)}"
        else:
            words = f"{percent(-discount)} above its stand-alone price of {_money(standalone)}"
        explanation = f"{lot.lot}: {_money(bundled)} a year in the bundle, {words}."
        if flagged:
            explanation += (
                f" That is more than the {percent(cross_subsidy_threshold)} threshold: the other lots may be "
                "carrying this one, so ask the bidder how the lot would be priced if the bundle were split."
            )
        results.append(LotResult(lot.lot, bundled, standalone, discount, flagged, explanation))

    bundled_total = sum((lot.bundled_gbp for lot in results), Decimal(0))
    unpriced = tuple(lot.lot for lot in results if lot.standalone_gbp is None)
    if unpriced:
        standalone_sum = synergy = share = gap = None
        explanation = (
            f"The bundle costs {_money(bundled_total)} a year. The bidder did not price "
            f"{', '.join(unpriced)} alone, so the stand-alone sum, and so the synergy, cannot be worked out."
        )
    else:
        standalone_sum = sum((lot.standalone_gbp or Decimal(0) for lot in results), Decimal(0))
        synergy = standalone_sum - bundled_total
        share = synergy / standalone_sum
        gap = None if claimed is None else claimed - synergy
        if synergy >= 0:
            saving = f"a synergy of {_money(synergy)} a year ({percent(share)} of the stand-alone sum)"
        else:
            saving = f"{_money(-synergy)} a year more than the lots bought separately (no synergy)"
        explanation = (
            f"The lots priced alone sum to {_money(standalone_sum)} a year; together they cost "
            f"{_money(bundled_total)} a year: {saving}."
        )
        if claimed is not None and gap is not None:
            if gap == 0:
                explanation += f" The bidder's claimed synergy of {_money(claimed)} matches its prices."
            else:
                more_or_less = "more" if gap > 0 else "less"
                explanation += (
                    f" The bidder claims {_money(claimed)}, {_money(abs(gap))} {more_or_less} than its "
                    "prices show."
                )
    return BundleResult(
        lots=tuple(results),
        bundled_gbp=bundled_total,
        standalone_sum_gbp=standalone_sum,
        synergy_gbp=synergy,
        synergy_share=share,
        claimed_synergy_gbp=claimed,
        claim_gap_gbp=gap,
        cross_subsidy_threshold=cross_subsidy_threshold,
        unpriced_lots=unpriced,
        explanation=explanation,
    )
