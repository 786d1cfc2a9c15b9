"""``forbetter appraise CASE.json``: options appraisal on a JSON business case (DESIGN section 6).

This module only checks the shape of the JSON (objects, lists, required and unknown keys) and translates
field names; the numbers themselves are checked and computed by :mod:`forbetter.calc.appraisal`, whose
errors are re-raised here with the full path into the input, e.g. ``options[0].years``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from forbetter.calc import appraisal
from forbetter.calc.errors import InputError

_CASE_KEYS = ("discount", "deflator", "options")
_OPTION_KEYS = ("name", "years", "lines", "optimism_bias")
_LINE_KEYS = ("label", "kind", "prices", "values")
_OPTIMISM_BIAS_KEYS = ("upper_bound", "applies_to", "contributions")
_ENGINE_TO_CONTRACT = re.compile(r"\bvalues_gbp\b")  # the engine names money fields with their unit


@contextmanager
def _at(prefix: str, renames: Mapping[str, str] | None = None) -> Iterator[None]:
    """Re-raise engine errors with the path from the top of the input and the contract's field names."""
    try:
        yield
    except InputError as error:
        field = (renames or {}).get(error.field, _ENGINE_TO_CONTRACT.sub("values", error.field))
        raise InputError(f"{prefix}.{field}" if prefix else field, error.message) from None


def _object(value: Any, *, field: str, keys: tuple[str, ...], required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(field, f"must be an object with {', '.join(required)}, got {type(value).__name__}")
    for key in value:
        if key not in keys:
            where = f"{field}.{key}" if field != "file" else str(key)
            raise InputError(where, f"unknown field; expected one of {', '.join(keys)}")
    for key in required:
        if key not in value:
            raise InputError(f"{field}.{key}" if field != "file" else key, "is required")
    return value


def _list(value: Any, *, field: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(field, f"must be a list of {what}, got {type(value).__name__}")
    return value


def _discount(value: Any) -> tuple[appraisal.Schedule, str]:
    """The engine's schedule and the field to blame if it is refused."""
    if isinstance(value, str):
        if value not in appraisal.DISCOUNT_SCHEDULES:
            raise InputError(
                "discount",
                f'unknown discount schedule "{value}": use "standard" (the Green Book declining schedule) '
                'or {"rate": 0.035}',
            )
        return value, "discount"
    if isinstance(value, dict):
        rate = _object(value, field="discount", keys=("rate",), required=("rate",))["rate"]
        return rate, "discount.rate"
    raise InputError("discount", f'must be "standard" or {{"rate": 0.035}}, got {type(value).__name__}')


def _line(value: Any, *, field: str) -> appraisal.CashflowLine:
    line = _object(value, field=field, keys=_LINE_KEYS, required=_LINE_KEYS)
    with _at(field):
        return appraisal.CashflowLine(
            label=line["label"], kind=line["kind"], prices=line["prices"], values_gbp=line["values"]
        )


def _optimism_bias(value: Any, *, field: str) -> appraisal.OptimismBiasAdjustment:
    adjustment = _object(value, field=field, keys=_OPTIMISM_BIAS_KEYS, required=("upper_bound", "applies_to"))
    with _at(field):
        return appraisal.OptimismBiasAdjustment(
            upper_bound=adjustment["upper_bound"],
            applies_to=adjustment["applies_to"],
            contributions=adjustment.get("contributions", ()),
        )


def _option(value: Any, *, field: str) -> appraisal.Option:
    option = _object(value, field=field, keys=_OPTION_KEYS, required=("name", "years", "lines"))
    raw_lines = _list(option["lines"], field=f"{field}.lines", what="cost and benefit lines")
    lines = [_line(line, field=f"{field}.lines[{j}]") for j, line in enumerate(raw_lines)]
    adjustment = None
    if option.get("optimism_bias") is not None:
        adjustment = _optimism_bias(option["optimism_bias"], field=f"{field}.optimism_bias")
    with _at(field):
        return appraisal.Option(
            name=option["name"], years=option["years"], lines=lines, optimism_bias=adjustment
        )


def _option_output(result: appraisal.OptionAppraisal) -> dict[str, Any]:
    return {
        "name": result.name,
        "years": result.years,
        "npc": result.net_present_cost_gbp,
        "pv_benefits": result.present_value_benefits_gbp,
        "npv": result.net_present_value_gbp,
        "eac": result.equivalent_annual_cost_gbp,
        "eac_annuity": result.annuity_equivalent_annual_cost_gbp,
        "discount_factors": list(result.discount_factors),
        "optimism_bias": result.optimism_bias,
        "rank": result.rank,
        "rank_by_eac": result.rank_by_equivalent_annual_cost,
        "lines": [
            {"label": line.label, "kind": line.kind, "present_value": line.present_value_gbp}
            for line in result.lines
        ],
    }


def run(payload: Any) -> dict[str, Any]:
    """Appraise the options of one business case; see DESIGN section 6 for the input and output."""
    case = _object(payload, field="file", keys=_CASE_KEYS, required=("discount", "options"))
    schedule, schedule_field = _discount(case["discount"])
    raw_options = _list(case["options"], field="options", what="options")
    options = [_option(option, field=f"options[{i}]") for i, option in enumerate(raw_options)]
    with _at("", renames={"schedule": schedule_field}):
        result = appraisal.appraise_options(options, schedule=schedule, deflator=case.get("deflator"))
    by_eac = sorted(result.options, key=lambda option: option.rank_by_equivalent_annual_cost)
    by_npc = sorted(result.options, key=lambda option: option.rank)
    return {
        "discount": case["discount"],
        "eac_convention": result.eac_convention,
        "options": [_option_output(option) for option in result.options],
        "preferred": result.preferred,
        "ranking_by_npc": [option.name for option in by_npc],
        "ranking_by_eac": [option.name for option in by_eac],
        "switching_values": [
            {"option": value.option, "label": value.label, "change": value.change}
            for value in result.switching_values
            if value.change is not None
        ],
        "no_switching_value": [
            {"option": value.option, "label": value.label, "reason": value.note}
            for value in result.switching_values
            if value.change is None
        ],
    }
