"""The inputs of the payment mechanism as checked, frozen values: the contract's mechanism (charge and its
effective-dated changes, points threshold and value, bands, index and its annual uprating month, cap,
ratchet, the rule for missing returns and the reach of the free threshold) and a month's performance (a
points total, or failures KPI by KPI with the returns still missing and late-failure adjustments).
Construction checks every field and raises :class:`~forbetter.calc.errors.InputError` naming the one
at fault; the shape of the points bands (rule PAY-BANDS: no gaps, no overlaps, only the last open) is checked
here by :func:`validate_bands`, and ``YYYY-MM`` periods are read by :func:`month_number`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from forbetter.calc.errors import InputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

# Rule PAY-THRESHOLD-SCOPE: which KPIs' points the monthly free threshold covers.
THRESHOLD_ALL_KPIS = "all_kpis"
THRESHOLD_MONTHLY_KPIS = "monthly_kpis"
THRESHOLD_SCOPES = (THRESHOLD_ALL_KPIS, THRESHOLD_MONTHLY_KPIS)
# Rule PAY-MISSING-RETURN: what a KPI period with no validated value by the statement date does.
MISSING_PROVISIONAL = "provisional"
MISSING_FAIL = "fail"
MISSING_RULES = (MISSING_PROVISIONAL, MISSING_FAIL)
PERIOD_MONTHS = (1, 3, 6, 12)


# --------------------------------------------------------------------------------------------- checks


def _number(
    value: float, field_name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """``value`` as a finite float within [minimum, maximum], else :class:`InputError` naming the field."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(field_name, f"must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(field_name, f"must be a finite number, not {value!r}")
    if minimum is not None and number < minimum:
        raise InputError(field_name, f"must be at least {minimum:g}, not {number:g}")
    if maximum is not None and number > maximum:
        raise InputError(field_name, f"must be at most {maximum:g}, not {number:g}")
    return number


def _whole(value: int, field_name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(field_name, f"must be a whole number, not {value!r}")
    if value < minimum:
        raise InputError(field_name, f"must be at least {minimum}, not {value}")
    return int(value)


def month_number(period: str, *, field_name: str = "period") -> int:
    """Months since year 0 of a ``YYYY-MM`` period, so consecutive months differ by one.

    >>> month_number("2024-02") - month_number("2023-12")
    2
    """
    match = _PERIOD.match(period) if isinstance(period, str) else None
    if match is None:
        raise InputError(field_name, f"{period!r} is not a month written YYYY-MM")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_text(number: int) -> str:
    """The ``YYYY-MM`` period of a :func:`month_number`.

    >>> month_text(month_number("2024-02"))
    '2024-02'
    """
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def check_day(day: str, *, field_name: str) -> str:
    """A ``YYYY-MM-DD`` date as given, else :class:`InputError` naming the field."""
    if not isinstance(day, str) or _DAY.match(day) is None:
        raise InputError(field_name, f"{day!r} is not a date written YYYY-MM-DD")
    return day


def _period_months(value: int, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value not in PERIOD_MONTHS:
        raise InputError(field_name, f"must be the months in the KPI's period: 1, 3, 6 or 12, not {value!r}")
    return int(value)


# ---------------------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class Band:
    """Points ``from_point`` to ``to_point`` (inclusive point numbers; ``None`` = no upper end) cost
    ``multiplier`` x the value of a point."""

    from_point: int
    to_point: int | None
    multiplier: float


@dataclass(frozen=True)
class Ratchet:
    """A KPI failing in ``consecutive`` or more months running has its points multiplied by ``multiplier``."""

    consecutive: int
    multiplier: float

    def __post_init__(self) -> None:
        _whole(self.consecutive, "ratchet.consecutive", minimum=1)
        _number(self.multiplier, "ratchet.multiplier", minimum=1.0)


@dataclass(frozen=True)
class Index:
    """A price index: the ``base`` value and its value by month (``{"2024-04": 112.4}``)."""

    base: float
    values: Mapping[str, float] = field(hash=False)

    def __post_init__(self) -> None:
        if _number(self.base, "index.base") <= 0:
            raise InputError("index.base", f"must be above 0, not {self.base:g}")
        for period, value in self.values.items():
            month_number(period, field_name=f"index.values.{period}")
            if _number(value, f"index.values.{period}") <= 0:
                raise InputError(f"index.values.{period}", f"must be above 0, not {value:g}")


@dataclass(frozen=True)
class ChargeChange:
    """From ``period`` (``YYYY-MM``) on, the monthly charge (before indexation) is ``monthly_charge``: a
    change-control variation, for example."""

    period: str
    monthly_charge: float


@dataclass(frozen=True)
class Mechanism:
    """A contract's payment mechanism. Checked on construction; :class:`InputError` names the bad field.

    ``threshold`` points a month are free; points above it cost ``point_value`` pounds x the multiplier of
    the band they fall in. ``cap`` (a fraction of the month's indexed charge) limits the deduction.

    ``charge_changes`` change the monthly charge from a month on (rule PAY-CHARGE-IN-FORCE). The indexed
    share is uprated once a year, in ``indexation_month`` (1-12, rule PAY-INDEX-ANNUAL); ``None`` uprates
    it every month by that month's index value. ``effective_from`` (``YYYY-MM``, optional) is the contract's
    first month: before the first uprating month on or after it, the charge is not uprated.
    ``threshold_scope`` says whose points the free threshold covers (rule PAY-THRESHOLD-SCOPE) and
    ``missing_rule`` what a KPI with no validated value by the statement date does (rule
    PAY-MISSING-RETURN); ``missing_points`` are the points such a KPI earns under the ``"fail"`` rule
    (``None``: the KPI's own points).
    """

    monthly_charge: float
    threshold: int
    point_value: float
    bands: tuple[Band, ...]
    indexed_share: float = 0.0
    index: Index | None = None
    cap: float | None = None
    ratchet: Ratchet | None = None
    indexation_month: int | None = None
    effective_from: str | None = None
    charge_changes: tuple[ChargeChange, ...] = ()
    threshold_scope: str = THRESHOLD_ALL_KPIS
    missing_rule: str = MISSING_PROVISIONAL
    missing_points: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(self.bands))
        _number(self.monthly_charge, "monthly_charge", minimum=0.0)
        _number(self.indexed_share, "indexed_share", minimum=0.0, maximum=1.0)
        _whole(self.threshold, "points.threshold", minimum=0)
        _number(self.point_value, "points.value", minimum=0.0)
        validate_bands(self.bands, threshold=self.threshold)
        if self.cap is not None:
            _number(self.cap, "cap", minimum=0.0, maximum=1.0)
        if self.indexation_month is not None:
            month = _whole(self.indexation_month, "indexation_month", minimum=1)
            if month > 12:
                raise InputError("indexation_month", f"must be a month from 1 to 12, not {month}")
        if self.effective_from is not None:
            month_number(self.effective_from, field_name="effective_from")
        seen: set[str] = set()
        for i, change in enumerate(self.charge_changes):
            month_number(change.period, field_name=f"charge_changes[{i}].from")
            _number(change.monthly_charge, f"charge_changes[{i}].monthly_charge", minimum=0.0)
            if change.period in seen:
                raise InputError(f"charge_changes[{i}].from", f"{change.period} has two charge changes")
            seen.add(change.period)
        changes = tuple(sorted(self.charge_changes, key=lambda c: month_number(c.period)))
        object.__setattr__(self, "charge_changes", changes)
        if self.threshold_scope not in THRESHOLD_SCOPES:
            raise InputError(
                "threshold_scope",
                f"must be one of {', '.join(THRESHOLD_SCOPES)}, not {self.threshold_scope!r}",
            )
        if self.missing_rule not in MISSING_RULES:
            raise InputError(
                "missing_returns.rule",
                f"must be one of {', '.join(MISSING_RULES)}, not {self.missing_rule!r}",
            )
        if self.missing_points is not None:
            _number(self.missing_points, "missing_returns.points", minimum=0.0)


@dataclass(frozen=True)
class Failure:
    """A KPI failure in a month: its points, and whether a relief event excuses it (and why).

    ``period_months`` is the length of the KPI's own reporting period (1 monthly, 3 quarterly, 12 annual):
    its ratchet counts consecutive failed periods of that length, and it is assessed in the period's last
    month.
    """

    kpi: str
    points: float
    relief: bool = False
    reason: str = ""
    period_months: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.kpi, str) or not self.kpi.strip():
            raise InputError("kpi", "must name the KPI")
        _number(self.points, "points", minimum=0.0)
        if not isinstance(self.relief, bool):
            raise InputError("relief", f"must be true or false, not {self.relief!r}")
        _period_months(self.period_months, "period_months")


@dataclass(frozen=True)
class Missing:
    """A KPI assessed in the month with no validated value by the statement date: not submitted, awaiting
    validation or disputed (``reason`` says which). ``points`` are the KPI's own points for a failure."""

    kpi: str
    points: float
    reason: str = ""
    period_months: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.kpi, str) or not self.kpi.strip():
            raise InputError("kpi", "must name the KPI")
        _number(self.points, "points", minimum=0.0)
        _period_months(self.period_months, "period_months")


@dataclass(frozen=True)
class Adjustment:
    """A failure of an earlier month (``period``) that was validated (``validated_on``, ``YYYY-MM-DD``)
    after that month's statement was frozen, to be deducted now (rule PAY-LATE-ADJUSTMENT).

    ``month_points`` and ``month_deduction`` are what the frozen statement (and any adjustments already
    made to it) counted and deducted for that month; ``month_charge`` its charge (``None``: worked out from
    the mechanism). ``reason`` says why it comes late (for example "validated late" or "relief withdrawn").
    """

    kpi: str
    period: str
    points: float
    validated_on: str
    month_points: float = 0.0
    month_deduction: float | None = None
    month_charge: float | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kpi, str) or not self.kpi.strip():
            raise InputError("kpi", "must name the KPI")
        month_number(self.period)
        _number(self.points, "points", minimum=0.0)
        check_day(self.validated_on, field_name="validated_on")
        _number(self.month_points, "month_points", minimum=0.0)
        if self.month_deduction is not None:
            _number(self.month_deduction, "month_deduction", minimum=0.0)
        if self.month_charge is not None:
            _number(self.month_charge, "month_charge", minimum=0.0)


@dataclass(frozen=True)
class RunState:
    """A KPI's ratchet state: it has failed ``run`` of its periods running, the last assessed in
    ``last_period`` (``YYYY-MM``). Stored when a statement is approved so later months carry on from it."""

    run: int
    last_period: str


@dataclass(frozen=True)
class PeriodInput:
    """One month's performance: either a points total or the failures KPI by KPI (not both), with the
    KPIs still missing a validated value and any adjustments for failures of frozen months."""

    period: str
    points: float | None = None
    failures: tuple[Failure, ...] | None = None
    missing: tuple[Missing, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()

    def __post_init__(self) -> None:
        month_number(self.period)
        if (self.points is None) == (self.failures is None):
            raise InputError("points", "give either points or failures for the month, not both or neither")
        if self.points is not None:
            _number(self.points, "points", minimum=0.0)
        if self.failures is not None:
            object.__setattr__(self, "failures", tuple(self.failures))
        object.__setattr__(self, "missing", tuple(self.missing))
        object.__setattr__(self, "adjustments", tuple(self.adjustments))
        for i, adjustment in enumerate(self.adjustments):
            if month_number(adjustment.period) >= month_number(self.period):
                raise InputError(
                    f"adjustments[{i}].period",
                    f"an adjustment is for an earlier month than {self.period}, not {adjustment.period}",
                )


# ---------------------------------------------------------------------------------------------- bands


def validate_bands(bands: Sequence[Band], *, threshold: int, field_name: str = "points.bands") -> None:
    """Rule PAY-BANDS (shape): check the bands a deduction is worked out in.

    ``from``/``to`` are inclusive point numbers. Points 1..threshold are free, so the first band starts at
    threshold + 1; each later band starts where the previous one ended plus one (no gaps, no overlaps); only
    the last band may be open (``to`` = None); multipliers are at least 0. An :class:`InputError` names the
    band at fault, e.g. ``points.bands[1].from``.

    >>> validate_bands([Band(21, 100, 1.0), Band(102, None, 1.2)], threshold=20)
    Traceback (most recent call last):
    ...
    forbetter.calc.errors.InputError: points.bands[1].from: starts at 102 but the previous band ends at 100, \
leaving a gap: it must start at 101
    """
    if not bands:
        raise InputError(field_name, "give at least one band")
    expected_from = threshold + 1
    for i, band in enumerate(bands):
        here = f"{field_name}[{i}]"
        _whole(band.from_point, f"{here}.from", minimum=1)
        if band.to_point is not None:
            _whole(band.to_point, f"{here}.to", minimum=1)
        _number(band.multiplier, f"{here}.multiplier", minimum=0.0)
        if i == 0 and band.from_point != expected_from:
            raise InputError(
                f"{here}.from",
                f"the first band must start at threshold + 1 = {expected_from}, not {band.from_point}",
            )
        if i > 0 and band.from_point != expected_from:
            kind = "leaving a gap" if band.from_point > expected_from else "overlapping it"
            raise InputError(
                f"{here}.from",
                f"starts at {band.from_point} but the previous band ends at {expected_from - 1}, {kind}: "
                f"it must start at {expected_from}",
            )
        if band.to_point is None:
            if i != len(bands) - 1:
                raise InputError(f"{here}.to", "only the last band may be open (to = null)")
            break
        if band.to_point < band.from_point:
            raise InputError(f"{here}.to", f"ends at {band.to_point}, before it starts at {band.from_point}")
        expected_from = band.to_point + 1


def _width(band: Band) -> float:
    return math.inf if band.to_point is None else band.to_point - band.from_point + 1.0
