"""``forbetter payment statement MECHANISM.json``: monthly payment statements (DESIGN section 6).

In::

    {"monthly_charge": x, "indexed_share": 0..1,
     "index": {"base": x, "values": {"YYYY-MM": x}}                        (optional),
     "effective_from": "YYYY-MM"                (optional; default: the earliest period),
     "indexation_month": 1..12 | "monthly"      (optional; default: the month of effective_from),
     "charge_changes": [{"from": "YYYY-MM", "monthly_charge": x}]          (optional),
     "points": {"threshold": n, "value": £ per point,
                "bands": [{"from": n, "to": n | null, "multiplier": x}]},
     "threshold_scope": "all_kpis" | "monthly_kpis"                         (optional; default all_kpis),
     "cap": fraction of the month's charge                                (optional),
     "ratchet": {"consecutive": k, "multiplier": x}                        (optional),
     "missing_returns": {"rule": "provisional" | "fail", "points": n}       (optional; default provisional),
     "opening_runs": {"kpi": {"run": k, "last_period": "YYYY-MM"}}          (optional),
     "periods": [{"period": "YYYY-MM", "points": n}
               | {"period": "YYYY-MM",
                  "failures": [{"kpi", "points", "relief": bool, "reason", "frequency"}],
                  "missing": [{"kpi", "points", "reason", "frequency"}]                    (optional),
                  "adjustments": [{"kpi", "period", "points", "validated_on": "YYYY-MM-DD",
                                   "month_points", "month_deduction", "month_charge", "reason"}] (optional)}]}

Out::

    {"periods": [{"period", "charge", "points", "relieved_points", "deduction_before_cap", "deduction",
                  "capped", "adjustments": [{"kpi", "period", "points", "validated_on", "reason", "amount",
                  "line"}], "adjustment_total", "payable", "provisional": [kpi], "deemed_failed": [kpi],
                  "runs": {kpi: {"run", "last_period"}}, "lines": [str]}],
     "total_deduction", "total_payable"}

``indexed_share`` may be left out when there is no index (nothing is uprated). The indexed share is uprated
once a year, in ``indexation_month`` (rule PAY-INDEX-ANNUAL); ``"monthly"`` uprates it every month by that
month's value. In a failure ``relief`` defaults to false, ``reason`` (why relief was granted) is optional and
``frequency`` (``monthly``, ``quarterly``, ``half-yearly`` or ``annual``; default ``monthly``) is the KPI's
reporting period, over which its ratchet counts. Unknown fields are refused, so that a misspelt ``"releif"``
cannot silently cost the partner money. The rules are those of :mod:`forbetter.calc.payment`.

Rounding: the engine works in unrounded pounds; :func:`forbetter.calc.payment.rounded_statement` rounds each
month's figures once, half up to the penny, and payable is the rounded charge minus the rounded deduction and
adjustments; the totals are sums of the rounded monthly figures, so the statement adds up exactly as printed
and agrees with the page and the approval service, which use the same function.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from forbetter.calc.errors import InputError
from forbetter.calc.limits import MAX_ABS_GBP, amount_error
from forbetter.calc.payment import (
    MISSING_PROVISIONAL,
    MISSING_RULES,
    THRESHOLD_ALL_KPIS,
    THRESHOLD_SCOPES,
    Adjustment,
    Band,
    ChargeChange,
    Failure,
    Index,
    Mechanism,
    Missing,
    PeriodInput,
    Ratchet,
    RoundedStatement,
    RunState,
    check_day,
    month_number,
    payment_statement,
    rounded_statement,
)

_TOP_FIELDS = frozenset(
    {
        "monthly_charge",
        "indexed_share",
        "index",
        "effective_from",
        "indexation_month",
        "charge_changes",
        "points",
        "threshold_scope",
        "cap",
        "ratchet",
        "missing_returns",
        "opening_runs",
        "periods",
    }
)
FREQUENCIES = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "annual": 12}


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Check the mechanism and periods, work out the statement and return it as a JSON-ready dict."""
    document = _object(payload, "file", _TOP_FIELDS)
    periods = _periods(document.get("periods"))
    mechanism = _mechanism(document, first_period=min(periods, key=lambda p: month_number(p.period)).period)
    opening = _opening(document.get("opening_runs"))
    return _output(rounded_statement(payment_statement(mechanism, periods, opening=opening)))


# ------------------------------------------------------------------------------------------- input


def _mechanism(document: Mapping[str, Any], *, first_period: str) -> Mechanism:
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

    effective_from = document.get("effective_from", first_period)
    month_number(effective_from, field_name="effective_from")
    raw_month = document.get("indexation_month", int(effective_from[5:7]))
    if raw_month == "monthly":
        indexation_month = None
    else:
        indexation_month = _whole(raw_month, "indexation_month")
        if not 1 <= indexation_month <= 12:
            raise InputError("indexation_month", f'must be a month 1 to 12 or "monthly", not {raw_month}')

    changes = []
    raw_changes = document.get("charge_changes", [])
    if not isinstance(raw_changes, list):
        raise InputError("charge_changes", "must be a list of changes")
    for i, raw_change in enumerate(raw_changes):
        here = f"charge_changes[{i}]"
        change = _object(raw_change, here, {"from", "monthly_charge"})
        month = _required(change, "from", here)
        month_number(month, field_name=f"{here}.from")
        charge = _number(_required(change, "monthly_charge", here), f"{here}.monthly_charge")
        changes.append(ChargeChange(month, charge))

    scope = document.get("threshold_scope", THRESHOLD_ALL_KPIS)
    if scope not in THRESHOLD_SCOPES:
        raise InputError(
            "threshold_scope", f"must be one of {', '.join(THRESHOLD_SCOPES)}, not {_shown(scope)}"
        )
    rule, missing_points = MISSING_PROVISIONAL, None
    if document.get("missing_returns") is not None:
        raw_missing = _object(document["missing_returns"], "missing_returns", {"rule", "points"})
        rule = raw_missing.get("rule", MISSING_PROVISIONAL)
        if rule not in MISSING_RULES:
            raise InputError(
                "missing_returns.rule", f"must be one of {', '.join(MISSING_RULES)}, not {_shown(rule)}"
            )
        if raw_missing.get("points") is not None:
            missing_points = _number(raw_missing["points"], "missing_returns.points")

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
        indexation_month=indexation_month,
        effective_from=effective_from,
        charge_changes=tuple(changes),
        threshold_scope=scope,
        missing_rule=rule,
        missing_points=missing_points,
    )


def _opening(raw: Any) -> dict[str, RunState]:
    if raw is None:
        return {}
    runs = _object(raw, "opening_runs", None)
    opening = {}
    for kpi, raw_state in runs.items():
        here = f"opening_runs.{kpi}"
        state = _object(raw_state, here, {"run", "last_period"})
        run_length = _whole(_required(state, "run", here), f"{here}.run")
        last = _required(state, "last_period", here)
        month_number(last, field_name=f"{here}.last_period")
        if run_length < 0:
            raise InputError(f"{here}.run", "must be at least 0")
        opening[kpi] = RunState(run_length, last)
    return opening


def _frequency(raw: Mapping[str, Any], field: str) -> int:
    frequency = raw.get("frequency", "monthly")
    if frequency not in FREQUENCIES:
        raise InputError(field, f"must be one of {', '.join(FREQUENCIES)}, not {_shown(frequency)}")
    return FREQUENCIES[frequency]


def _kpi(raw: Mapping[str, Any], here: str) -> str:
    kpi = _required(raw, "kpi", here)
    if not isinstance(kpi, str) or not kpi.strip():
        raise InputError(f"{here}.kpi", "must name the KPI")
    return kpi


def _text(raw: Mapping[str, Any], key: str, here: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise InputError(f"{here}.{key}", "must be text")
    return value


def _missing(period: Mapping[str, Any], here: str) -> tuple[Missing, ...]:
    raw_missing = period.get("missing", [])
    if not isinstance(raw_missing, list):
        raise InputError(f"{here}.missing", "must be a list of KPIs with no validated value")
    found = []
    for j, raw in enumerate(raw_missing):
        there = f"{here}.missing[{j}]"
        item = _object(raw, there, {"kpi", "points", "reason", "frequency"})
        found.append(
            Missing(
                kpi=_kpi(item, there),
                points=_number(_required(item, "points", there), f"{there}.points"),
                reason=_text(item, "reason", there),
                period_months=_frequency(item, f"{there}.frequency"),
            )
        )
    return tuple(found)


def _adjustments(period: Mapping[str, Any], here: str) -> tuple[Adjustment, ...]:
    raw_adjustments = period.get("adjustments", [])
    if not isinstance(raw_adjustments, list):
        raise InputError(f"{here}.adjustments", "must be a list of adjustments")
    found = []
    allowed = {
        "kpi",
        "period",
        "points",
        "validated_on",
        "month_points",
        "month_deduction",
        "month_charge",
        "reason",
    }
    for j, raw in enumerate(raw_adjustments):
        there = f"{here}.adjustments[{j}]"
        item = _object(raw, there, allowed)
        month = _required(item, "period", there)
        month_number(month, field_name=f"{there}.period")
        optional = {
            key: None if item.get(key) is None else _number(item[key], f"{there}.{key}")
            for key in ("month_deduction", "month_charge")
        }
        with _under(there):
            found.append(
                Adjustment(
                    kpi=_kpi(item, there),
                    period=month,
                    points=_number(_required(item, "points", there), f"{there}.points"),
                    validated_on=check_day(_required(item, "validated_on", there), field_name="validated_on"),
                    month_points=_number(item.get("month_points", 0), f"{there}.month_points"),
                    month_deduction=optional["month_deduction"],
                    month_charge=optional["month_charge"],
                    reason=_text(item, "reason", there),
                )
            )
    return tuple(found)


def _periods(raw_periods: Any) -> list[PeriodInput]:
    if not isinstance(raw_periods, list) or not raw_periods:
        raise InputError("periods", "must be a non-empty list of months")
    periods = []
    for i, raw_period in enumerate(raw_periods):
        here = f"periods[{i}]"
        period = _object(raw_period, here, {"period", "points", "failures", "missing", "adjustments"})
        name = _required(period, "period", here)
        month_number(name, field_name=f"{here}.period")
        if ("points" in period) == ("failures" in period):
            raise InputError(here, "give either points or failures for the month, not both or neither")
        if "points" in period:
            if period.get("missing") or period.get("adjustments"):
                raise InputError(here, "give failures KPI by KPI to list missing returns or adjustments")
            with _under(here):
                periods.append(PeriodInput(name, points=_number(period["points"], "points")))
            continue
        raw_failures = period["failures"]
        if not isinstance(raw_failures, list):
            raise InputError(f"{here}.failures", "must be a list of failures")
        failures = []
        for j, raw_failure in enumerate(raw_failures):
            there = f"{here}.failures[{j}]"
            failure = _object(raw_failure, there, {"kpi", "points", "relief", "reason", "frequency"})
            kpi = _required(failure, "kpi", there)
            relief = failure.get("relief", False)
            reason = failure.get("reason", "")
            if not isinstance(kpi, str) or not kpi.strip():
                raise InputError(f"{there}.kpi", "must name the KPI")
            if not isinstance(relief, bool):
                raise InputError(f"{there}.relief", f"must be true or false, not {relief!r}")
            if not isinstance(reason, str):
                raise InputError(f"{there}.reason", "must be text")
            months_in = _frequency(failure, f"{there}.frequency")
            with _under(there):
                points = _number(_required(failure, "points", None), "points")
                failures.append(
                    Failure(kpi=kpi, points=points, relief=relief, reason=reason, period_months=months_in)
                )
        missing = _missing(period, here)
        adjustments = _adjustments(period, here)
        with _under(here):
            periods.append(
                PeriodInput(name, failures=tuple(failures), missing=missing, adjustments=adjustments)
            )
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
    try:
        number = float(value)
    except OverflowError:  # an integer with hundreds of digits
        number = float("inf")
    if not math.isfinite(number):
        raise InputError(
            field, f"must be a finite number no larger than {MAX_ABS_GBP:g}, not {_shown(value)}"
        )
    if amount_error(number):
        raise InputError(field, amount_error(number))
    return number


def _whole(value: Any, field: str) -> int:
    number = _number(value, field)
    if number != int(number):
        raise InputError(field, f"must be a whole number of points, not {number:g}")
    return int(number)


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, list | dict) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------------------------------ output


def _output(statement: RoundedStatement) -> dict[str, Any]:
    periods = [
        {
            "period": p.period,
            "charge": float(p.charge_gbp),
            "points": float(p.points),
            "relieved_points": float(p.relieved_points),
            "deduction_before_cap": float(p.deduction_before_cap_gbp),
            "deduction": float(p.deduction_gbp),
            "capped": p.capped,
            "adjustments": [
                {
                    "kpi": a.kpi,
                    "period": a.period,
                    "points": float(a.points),
                    "validated_on": a.validated_on,
                    "reason": a.reason,
                    "amount": float(a.amount_gbp),
                    "line": a.line,
                }
                for a in p.adjustments
            ],
            "adjustment_total": float(p.adjustment_total_gbp),
            "payable": float(p.payable_gbp),
            "provisional": list(p.provisional),
            "deemed_failed": list(p.deemed_failed),
            "runs": {kpi: {"run": s.run, "last_period": s.last_period} for kpi, s in p.runs.items()},
            "lines": list(p.lines),
        }
        for p in statement.periods
    ]
    return {
        "periods": periods,
        "total_deduction": float(statement.total_deduction_gbp),
        "total_payable": float(statement.total_payable_gbp),
    }
