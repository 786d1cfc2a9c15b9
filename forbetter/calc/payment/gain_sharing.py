"""Rule PAY-GAINSHARE: savings against a baseline (actual cost below it) are shared between council and
partner in bands of pounds (:class:`ShareBand`), and an overrun is borne in bands too when painshare is agreed
(otherwise the partner bears it all). :func:`gainshare` gives each side's share with an explanation line;
:func:`split_in_bands` and :func:`validate_share_bands` are the split and the check of the bands.
:func:`gainshare_baseline` (rule PAY-GAINSHARE-BASELINE) turns the annual baseline into the baseline of one
contract year: pro-rated to the months the contract ran and uprated by the index like the charge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from forbetter.calc.errors import InputError
from forbetter.calc.payment.mechanism import _number
from forbetter.calc.payment.statement import format_money

# ----------------------------------------------------------------------------------- gainshare


@dataclass(frozen=True)
class ShareBand:
    """Savings (or overrun) from ``from_gbp`` to ``to_gbp`` pounds (``None`` = no upper end) go
    ``council_share`` to the council, the rest to the partner."""

    from_gbp: float
    to_gbp: float | None
    council_share: float


@dataclass(frozen=True)
class GainshareResult:
    """``saving_gbp`` = baseline - actual (negative is an overrun); ``council_gbp`` + ``partner_gbp`` =
    ``saving_gbp``: each side's share of the saving, or (negative) of the overrun it bears."""

    saving_gbp: float
    council_gbp: float
    partner_gbp: float
    lines: tuple[str, ...]


def validate_share_bands(bands: Sequence[ShareBand], *, field_name: str = "bands") -> None:
    """Check gainshare/painshare bands like points bands: the first starts at £0, each starts where the
    previous ends, only the last may be open, shares are 0..1. An :class:`InputError` names the band."""
    if not bands:
        raise InputError(field_name, "give at least one band")
    expected = 0.0
    for i, band in enumerate(bands):
        here = f"{field_name}[{i}]"
        start = _number(band.from_gbp, f"{here}.from")
        _number(band.council_share, f"{here}.council_share", minimum=0.0, maximum=1.0)
        if start != expected:
            where = "the first band must start at £0" if i == 0 else "must start where the previous ends"
            raise InputError(f"{here}.from", f"{where} ({format_money(expected)}), not {format_money(start)}")
        if band.to_gbp is None:
            if i != len(bands) - 1:
                raise InputError(f"{here}.to", "only the last band may be open (to = null)")
            return
        end = _number(band.to_gbp, f"{here}.to")
        if end <= start:
            raise InputError(f"{here}.to", f"must be above from ({format_money(start)})")
        expected = end


def split_in_bands(amount_gbp: float, *, bands: Sequence[ShareBand]) -> tuple[float, float]:
    """Split a non-negative amount in bands: (council's part, partner's part).

    council = sum over bands of clip(amount - from, 0, to - from) x council_share; partner = amount - council.
    Amount beyond a closed last band goes wholly to the partner.

    >>> split_in_bands(250_000, bands=[ShareBand(0, 100_000, 0.5), ShareBand(100_000, None, 0.7)])
    (155000.0, 95000.0)
    """
    council = 0.0
    for band in bands:
        width = math.inf if band.to_gbp is None else band.to_gbp - band.from_gbp
        council += min(max(amount_gbp - band.from_gbp, 0.0), width) * band.council_share
    return council, amount_gbp - council


@dataclass(frozen=True)
class Baseline:
    """A year's gainshare baseline: ``baseline_gbp`` for the ``months`` the contract ran, and why."""

    baseline_gbp: float
    months: int
    line: str


def gainshare_baseline(annual_baseline_gbp: float, *, monthly_uprating: Sequence[float]) -> Baseline:
    """Rule PAY-GAINSHARE-BASELINE: the baseline for the months of a year the contract ran, uprated.

    baseline = sum over the months covered of (annual baseline / 12) x that month's uprating factor, where
    the factor is the charge's: (1 - indexed share) + indexed share x index / index base (1 without an
    index). So a year the contract ran for four months has four twelfths of the baseline, and savings are
    measured against a baseline in the same year's prices as the actual cost [ODPM SPT technical note
    2004: savings are shared against a baseline adjusted like the price].

    >>> b = gainshare_baseline(1_200_000, monthly_uprating=[1.0, 1.0, 1.05, 1.05])
    >>> round(b.baseline_gbp, 2), b.months
    (410000.0, 4)
    """
    annual = _number(annual_baseline_gbp, "baseline_gbp", minimum=0.0)
    factors = [_number(f, f"monthly_uprating[{i}]", minimum=0.0) for i, f in enumerate(monthly_uprating)]
    if not 1 <= len(factors) <= 12:
        raise InputError(
            "monthly_uprating", f"give one factor for each of 1 to 12 months, not {len(factors)}"
        )
    baseline = annual * math.fsum(factors) / 12.0
    months = len(factors)
    part = "the whole year" if months == 12 else f"{months} of the year's 12 months (pro-rated)"
    uprated = (
        "not uprated"
        if all(f == 1.0 for f in factors)
        else f"uprated by the index like the charge (average factor {sum(factors) / months:.4f})"
    )
    line = (
        f"Baseline {format_money(annual)} a year, for {part}, {uprated}: "
        f"{format_money(baseline)} for the year."
    )
    return Baseline(baseline, months, line)


def gainshare(
    *,
    baseline_gbp: float,
    actual_gbp: float,
    gain_bands: Sequence[ShareBand],
    pain_bands: Sequence[ShareBand] | None = None,
) -> GainshareResult:
    """Rule PAY-GAINSHARE: split savings (actual below baseline) or an overrun (above it) in bands.

    Savings are split by ``gain_bands`` (e.g. the first £100k 50/50, beyond that 70/30 to the council).
    An overrun is split by ``pain_bands`` (each band's ``council_share`` is the share the council bears);
    without pain bands the partner bears all of it, as under a fixed price [ODPM SPT technical note 2004].

    >>> r = gainshare(baseline_gbp=1_000_000, actual_gbp=750_000,
    ...               gain_bands=[ShareBand(0, 100_000, 0.5), ShareBand(100_000, None, 0.7)])
    >>> (r.council_gbp, r.partner_gbp)
    (155000.0, 95000.0)
    """
    baseline = _number(baseline_gbp, "baseline_gbp")
    actual = _number(actual_gbp, "actual_gbp")
    validate_share_bands(gain_bands, field_name="gain_bands")
    if pain_bands is not None:
        validate_share_bands(pain_bands, field_name="pain_bands")
    saving = baseline - actual
    if saving >= 0:
        council, partner = split_in_bands(saving, bands=gain_bands)
        line = (
            f"Saving of {format_money(saving)} against the baseline of {format_money(baseline)}: "
            f"{format_money(council)} to the council, {format_money(partner)} to the partner."
        )
        return GainshareResult(saving, council, partner, (line,))
    overrun = -saving
    if pain_bands is None:
        council_bears, partner_bears = 0.0, overrun
        how = "no painshare agreed, so the partner bears it all"
    else:
        council_bears, partner_bears = split_in_bands(overrun, bands=pain_bands)
        how = f"the council bears {format_money(council_bears)}, the partner {format_money(partner_bears)}"
    line = f"Overrun of {format_money(overrun)} against the baseline of {format_money(baseline)}: {how}."
    return GainshareResult(saving, -council_bears, -partner_bears, (line,))
