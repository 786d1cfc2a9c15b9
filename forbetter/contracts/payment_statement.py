"""``forbetter payment statement MECHANISM.json``: monthly payment statements (DESIGN section 6).

In::

    {"monthly_charge": x, "indexed_share": 0..1,
     "index": {"base": x, "values": {"YYYY-MM": x}}                        (optional),
     "points": {"threshold": n, "value": £ per point,
                "bands": [{"from": n, "to": n | null, "multiplier": x}]},
     "cap": fraction of the month's charge                                (optional),
     "ratchet": {"consecutive": k, "multiplier": x}                        (optional),
     "periods": [{"period": "YYYY-MM", "points": n}
               | {"period": "YYYY-MM", "failures": [{"kpi", "points", "relief": bool, "reason"}]}]}

Out::

    {"periods": [{"period", "charge", "points", "relieved_points", "deduction_before_cap", "deduction",
                  "capped", "payable", "lines": [str]}],
     "total_deduction", "total_payable"}

``indexed_share`` may be left out when there is no index (nothing is uprated). In a failure ``relief``
defaults to false and ``reason`` (why relief was granted) is optional. Unknown fields are refused, so that a
misspelt ``"releif"`` cannot silently cost the partner money. The rules are those of
:mod:`forbetter.calc.payment`.

Rounding: the engine works in unrounded pounds. Here each month's charge, deductions and payable are rounded
half up to the penny (:func:`forbetter.calc.payment.pennies`); payable is the rounded charge minus the
rounded deduction and the totals are sums of the rounded monthly figures, so the statement adds up exactly
as printed and agrees with the figures in its explanation lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from forbetter.calc.errors import InputError
from forbetter.calc.payment import (
    Band,
    Failure,
    Index,
    Mechanism,
    PeriodInput,
    Ratchet,
    Statement,
    month_number,
    payment_statement,
    pennies,
)

_TOP_FIELDS = frozenset({"monthly_charge", "indexed_share", "index", "points", "cap", "ratchet", "periods"})


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Check the mechanism and periods, work out the statement and return it as a JSON-ready dict."""
    document = _object(payload, "file", _TOP_FIELDS)
    mechanism = _mechanism(document)
    periods = _periods(document.get("periods"))
    return _output(payment_statement(mechanism, periods))


# ------------------------------------------------------------------------------------------- input


def _mechanism(document: Mapping[str, Any]) -> Mechanism:
    index = None
    if document.get("index") is not None:
        raw_index = _object(document["index"], "index", {"base", "values"})
        values = _object(_required(raw_index, "values", "index"), "index.values", None)
        for period, value in values.items():
            month_number(period, field_name=f"index.values.{period}")
            _number(value, f"index.values.{period}")
        index = Index(base=_number(_required(raw_index, "base", "index"), "index.base"), values=dict(values))
    if "indexed_share" in document or index is not None:
        indexed_share = _number(_required(document, "indexed_share", None), "indexed_share")
    else:
        indexed_share = 0.0

    points = _object(_required(document, "points", None), "points", {"threshold", "value", "bands"})
    raw_bands = _required(points, "bands", "points")
    if not isinstance(raw_bands, list):
        raise InputError("points.bands", "must be a list of bands")
    bands = []
    for i, raw_band in enumerate(raw_bands):
        here = f"points.bands[{i}]"
        band = _object(raw_band, here, {"from", "to", "multiplier"})
        to = band.get("to")
        bands.append(
            Band(
                from_point=_whole(_required(band, "from", here), f"{here}.from"),
                to_point=None if to is None else _whole(to, f"{here}.to"),
                multiplier=_number(_required(band, "multiplier", here), f"{here}.multiplier"),
            )
        )

    ratchet = None
    if document.get("ratchet") is not None:
        raw_ratchet = _object(document["ratchet"], "ratchet", {"consecutive", "multiplier"})
        ratchet = Ratchet(
            consecutive=_whole(_required(raw_ratchet, "consecutive", "ratchet"), "ratchet.consecutive"),
            multiplier=_number(_required(raw_ratchet, "multiplier", "ratchet"), "ratchet.multiplier"),
        )

    cap = document.get("cap")
    return Mechanism(
        monthly_charge=_number(_required(document, "monthly_charge", None), "monthly_charge"),
        threshold=_whole(_required(points, "threshold", "points"), "points.threshold"),
        point_value=_number(_required(points, "value", "points"), "points.value"),
        bands=tuple(bands),
        indexed_share=indexed_share,
        index=index,
        cap=None if cap is None else _number(cap, "cap"),
        ratchet=ratchet,
    )


def _periods(raw_periods: Any) -> list[PeriodInput]:
    if not isinstance(raw_periods, list) or not raw_periods:
        raise InputError("periods", "must be a non-empty list of months")
    periods = []
    for i, raw_period in enumerate(raw_periods):
        here = f"periods[{i}]"
        period = _object(raw_period, here, {"period", "points", "failures"})
        name = _required(period, "period", here)
        month_number(name, field_name=f"{here}.period")
        if ("points" in period) == ("failures" in period):
            raise InputError(here, "give either points or failures for the month, not both or neither")
        if "points" in period:
            with _under(here):
                periods.append(PeriodInput(name, points=_number(period["points"], "points")))
            continue
        raw_failures = period["failures"]
        if not isinstance(raw_failures, list):
            raise InputError(f"{here}.failures", "must be a list of failures")
        failures = []
        for j, raw_failure in enumerate(raw_failures):
            there = f"{here}.failures[{j}]"
            failure = _object(raw_failure, there, {"kpi", "points", "relief", "reason"})
            kpi = _required(failure, "kpi", there)
            relief = failure.get("relief", False)
            reason = failure.get("reason", "")
            if not isinstance(kpi, str) or not kpi.strip():
                raise InputError(f"{there}.kpi", "must name the KPI")
            if not isinstance(relief, bool):
                raise InputError(f"{there}.relief", f"must be true or false, not {relief!r}")
            if not isinstance(reason, str):
                raise InputError(f"{there}.reason", "must be text")
            with _under(there):
                points = _number(_required(failure, "points", None), "points")
                failures.append(Failure(kpi=kpi, points=points, relief=relief, reason=reason))
        periods.append(PeriodInput(name, failures=tuple(failures)))
    return periods


@contextmanager
def _under(prefix: str) -> Iterator[None]:
    """Re-raise an :class:`InputError` about a part of the input with the part's path in front."""
    try:
        yield
    except InputError as exc:
        raise InputError(f"{prefix}.{exc.field}", exc.message) from exc


def _object(value: Any, field: str, allowed: frozenset[str] | set[str] | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(field, "must be a JSON object")
    if allowed is not None:
        unknown = sorted(set(value) - allowed)
        if unknown:
            where = unknown[0] if field == "file" else f"{field}.{unknown[0]}"
            raise InputError(where, f"unknown field (expected one of: {', '.join(sorted(allowed))})")
    return value


def _required(container: Mapping[str, Any], key: str, parent: str | None) -> Any:
    if key not in container:
        raise InputError(key if parent is None else f"{parent}.{key}", "is required")
    return container[key]


def _number(value: Any, field: str) -> float:
    # bool is an int in Python but not a number in JSON
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a number, not {_shown(value)}")
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(field, f"must be a finite number, not {value}")
    return float(value)


def _whole(value: Any, field: str) -> int:
    number = _number(value, field)
    if number != int(number):
        raise InputError(field, f"must be a whole number of points, not {number:g}")
    return int(number)


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, list | dict) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------------------------------ output


def _output(statement: Statement) -> dict[str, Any]:
    periods = []
    total_deduction = Decimal(0)
    total_payable = Decimal(0)
    for s in statement.periods:
        charge = pennies(s.charge)
        deduction = pennies(s.deduction)
        payable = charge - deduction
        total_deduction += deduction
        total_payable += payable
        periods.append(
            {
                "period": s.period,
                "charge": float(charge),
                "points": s.points,
                "relieved_points": s.relieved_points,
                "deduction_before_cap": float(pennies(s.deduction_before_cap)),
                "deduction": float(deduction),
                "capped": s.capped,
                "payable": float(payable),
                "lines": list(s.lines),
            }
        )
    return {
        "periods": periods,
        "total_deduction": float(total_deduction),
        "total_payable": float(total_payable),
    }
