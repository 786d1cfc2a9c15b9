"""The payment mechanism for a whole portfolio at once: all the PAY rules vectorised with numpy over
contracts x KPIs x months (:func:`portfolio_deductions`), with each contract's bands laid out as arrays
(:func:`band_table`) and runs of consecutive failed months found along the month axis
(:func:`consecutive_failure_runs`). It does the same floating-point operations in the same order as the
month-by-month :func:`~forbetter.calc.payment.statement.period_statement`, so the two agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forbetter.calc.errors import InputError
from forbetter.calc.payment.mechanism import (
    Band,
    BoolArray,
    FloatArray,
    IntArray,
    _width,
    validate_bands,
)

# ------------------------------------------------------------------------------------- the portfolio


@dataclass(frozen=True)
class BandTable:
    """Bands of many contracts as arrays (contracts x bands), padded with empty bands.

    ``lower`` = from - 1 (points below the band), ``width`` = to - from + 1 (inf when open), ``multiplier``.
    Build it with :func:`band_table`.
    """

    lower: FloatArray
    width: FloatArray
    multiplier: FloatArray


def band_table(bands_by_contract: Sequence[Sequence[Band]], *, thresholds: Sequence[int]) -> BandTable:
    """Check each contract's bands (:func:`validate_bands`) and lay them out as arrays.

    Contracts with fewer bands are padded with empty bands (width 0, multiplier 0), which add exactly 0.

    >>> t = band_table([[Band(21, 100, 1.0), Band(101, None, 1.2)], [Band(1, None, 2.0)]], thresholds=[20, 0])
    >>> t.width.tolist()
    [[80.0, inf], [inf, 0.0]]
    """
    if len(bands_by_contract) != len(thresholds):
        raise InputError("thresholds", "give one threshold per contract")
    size = max((len(bands) for bands in bands_by_contract), default=0)
    lower = np.zeros((len(bands_by_contract), size))
    width = np.zeros_like(lower)
    multiplier = np.zeros_like(lower)
    for c, (bands, threshold) in enumerate(zip(bands_by_contract, thresholds, strict=True)):
        validate_bands(bands, threshold=threshold, field_name=f"bands[{c}]")
        for b, band in enumerate(bands):
            lower[c, b] = band.from_point - 1.0
            width[c, b] = _width(band)
            multiplier[c, b] = band.multiplier
    return BandTable(lower=lower, width=width, multiplier=multiplier)


@dataclass(frozen=True)
class PortfolioResult:
    """Per contract x month: points counted, deductions, whether capped, and payable."""

    points: FloatArray
    deduction_before_cap: FloatArray
    deduction: FloatArray
    capped: BoolArray
    payable: FloatArray


def consecutive_failure_runs(failing: BoolArray) -> IntArray:
    """Run length of consecutive ``True`` values along the last axis, counting the current element.

    run[m] = m - (index of the last non-failing month at or before m), found with a running maximum.

    >>> consecutive_failure_runs(np.array([True, True, False, True, True, True])).tolist()
    [1, 2, 0, 1, 2, 3]
    """
    months = np.arange(failing.shape[-1], dtype=np.int64)
    last_met = np.maximum.accumulate(np.where(failing, -1, months), axis=-1)
    return months - last_met


def portfolio_deductions(
    points: npt.ArrayLike,
    *,
    charge: npt.ArrayLike,
    point_value: npt.ArrayLike,
    bands: BandTable,
    relief: npt.ArrayLike | None = None,
    cap: npt.ArrayLike | None = None,
    ratchet_consecutive: npt.ArrayLike | None = None,
    ratchet_multiplier: npt.ArrayLike | None = None,
    chunk_contracts: int = 64,
) -> PortfolioResult:
    """All the PAY rules at once for contracts x KPIs x months, vectorised with numpy.

    ``points[c, k, m]`` are the points of KPI k of contract c in month m (0 = met) and ``relief`` (same
    shape, optional) marks relieved failures. Months are consecutive calendar months. Per contract (shape
    (C,), or (C, M) for ``charge``, the month's indexed charge): ``point_value``, ``cap`` (fraction; NaN = no
    cap), ``ratchet_consecutive`` (0 = no ratchet) and ``ratchet_multiplier``; ``bands`` from
    :func:`band_table` carries each contract's threshold.

    Steps: relief zeroes points; :func:`consecutive_failure_runs` along the month axis gives each KPI's run
    and the ratchet multiplies points where run >= consecutive; KPIs are added one by one; each band adds
    clip(points - lower, 0, width) x multiplier; then the cap and payable. These are the operations of
    :func:`period_statement` in the same order (KPIs in index order), so the results agree exactly. Work
    goes ``chunk_contracts`` contracts at a time to bound memory.

    >>> table = band_table([[Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)]], thresholds=[20])
    >>> r = portfolio_deductions(np.array([[[120.0]]]), charge=[100_000.0], point_value=[3.0], bands=table,
    ...                          cap=[0.1])
    >>> (r.deduction.tolist(), r.payable.tolist())
    ([[312.0]], [[99688.0]])
    """
    kpi_points = np.asarray(points, dtype=np.float64)
    if kpi_points.ndim != 3:
        raise InputError("points", "must be an array of contracts x KPIs x months")
    n_contracts, _, n_months = kpi_points.shape
    if not np.all(np.isfinite(kpi_points)) or np.any(kpi_points < 0):
        raise InputError("points", "must be finite and at least 0")
    try:
        relieved = np.broadcast_to(
            np.asarray(False if relief is None else relief, dtype=bool), kpi_points.shape
        )
    except ValueError as exc:
        raise InputError("relief", "must have the shape of points (contracts x KPIs x months)") from exc
    month_charge = _per_contract(charge, "charge", n_contracts, n_months)
    value = _per_contract(point_value, "point_value", n_contracts)
    cap_share = _per_contract(np.nan if cap is None else cap, "cap", n_contracts)
    if np.any(cap_share[~np.isnan(cap_share)] < 0) or np.any(cap_share > 1):
        raise InputError("cap", "must be between 0 and 1 (NaN for no cap)")
    consecutive = _per_contract(
        0 if ratchet_consecutive is None else ratchet_consecutive, "ratchet_consecutive", n_contracts
    )
    if np.any(consecutive < 0) or np.any(consecutive != np.floor(consecutive)):
        raise InputError("ratchet_consecutive", "must be whole numbers of months (0 for no ratchet)")
    multiplier = _per_contract(
        1.0 if ratchet_multiplier is None else ratchet_multiplier, "ratchet_multiplier", n_contracts
    )
    if np.any(multiplier < 1):
        raise InputError("ratchet_multiplier", "must be at least 1")
    if bands.lower.shape[0] != n_contracts:
        raise InputError("bands", f"has {bands.lower.shape[0]} contracts, points has {n_contracts}")

    total = np.zeros((n_contracts, n_months))
    for start in range(0, n_contracts, max(1, chunk_contracts)):
        rows = slice(start, start + max(1, chunk_contracts))
        counted = np.where(relieved[rows], 0.0, kpi_points[rows])
        ratcheted = consecutive[rows] > 0
        if np.any(ratcheted):
            runs = consecutive_failure_runs(counted > 0)
            applies = ratcheted[:, None, None] & (runs >= consecutive[rows, None, None])
            counted = np.where(applies, counted * multiplier[rows, None, None], counted)
        chunk_total = total[rows]
        for k in range(counted.shape[1]):
            chunk_total += counted[:, k, :]

    weighted = np.zeros_like(total)
    for b in range(bands.lower.shape[1]):
        in_band = np.clip(total - bands.lower[:, b, None], 0.0, bands.width[:, b, None])
        weighted += in_band * bands.multiplier[:, b, None]
    before_cap = value[:, None] * weighted
    limit = np.where(np.isnan(cap_share)[:, None], np.inf, cap_share[:, None] * month_charge)
    deduction = np.minimum(before_cap, limit)
    capped = before_cap > limit
    return PortfolioResult(
        points=total,
        deduction_before_cap=before_cap,
        deduction=deduction,
        capped=capped,
        payable=month_charge - deduction,
    )


def _per_contract(
    values: npt.ArrayLike, name: str, n_contracts: int, n_months: int | None = None
) -> FloatArray:
    """``values`` broadcast to (contracts,) or, with ``n_months``, (contracts, months)."""
    array = np.asarray(values, dtype=np.float64)
    if n_months is not None and array.ndim == 1:
        array = array[:, None]
    shape = (n_contracts,) if n_months is None else (n_contracts, n_months)
    try:
        result = np.broadcast_to(array, shape)
    except ValueError as exc:
        raise InputError(name, f"needs one value per contract ({n_contracts} contracts)") from exc
    if np.any(np.isinf(result)) or (name != "cap" and np.any(np.isnan(result))):
        raise InputError(name, "must be finite")
    return np.ascontiguousarray(result)
