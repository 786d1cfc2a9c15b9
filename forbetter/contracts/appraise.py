"""``forbetter appraise CASE.json``: options appraisal on a JSON business case (docs/cli.md, ``appraise``).

This module only checks the shape of the JSON (objects, lists, required and unknown keys) and translates
field names; the numbers themselves are checked and computed by :mod:`forbetter.calc.appraisal`, whose
errors are re-raised here with the full path into the input, e.g. ``options[0].years``.

Risk (optional, issue 9): a case may list its quantified ``risks`` (the register, in the shape of
``forbetter risk simulate``, with optional ``category``, ``first_year`` and ``last_year``). Each option then
retains a share of each risk: all of it when ``risk_bearer`` is ``"council"`` (the default: in-house, the
council bears every risk), the register's council share when it is ``"register"`` (a partnership transfers
what the register allocates to the partner), overridden per ``category`` or per ``risk`` by
``risk_overrides``. The option's risk adjustment is the expected value of what it retains, spread over the
risks' years and discounted as a cost line; a seeded P-value is reported beside it as a sensitivity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from forbetter.calc import appraisal
from forbetter.calc.errors import InputError
from forbetter.calc.limits import MAX_RISKS
from forbetter.calc.risk import QuantifiedRisk
from forbetter.contracts.json_shapes import checked_list, checked_object

_CASE_KEYS = ("discount", "deflator", "options", "risks", "risk_sensitivity")
_OPTION_KEYS = ("name", "years", "lines", "optimism_bias", "risk_bearer", "risk_overrides")
_LINE_KEYS = ("label", "kind", "prices", "values", "risk")
_REQUIRED_LINE_KEYS = ("label", "kind", "prices", "values")
_OPTIMISM_BIAS_KEYS = ("upper_bound", "applies_to", "contributions", "lower_bound", "category")
_RISK_KEYS = (
    "id",
    "probability",
    "distribution",
    "min",
    "mode",
    "max",
    "allocation",
    "council_share",
    "category",
    "first_year",
    "last_year",
)
_REQUIRED_RISK_KEYS = ("id", "probability", "distribution", "min", "mode", "max", "allocation")
_OVERRIDE_KEYS = ("risk", "category", "council_share", "first_year", "last_year")
_SENSITIVITY_KEYS = ("percentile", "iterations", "seed")
_RISK_BEARERS = ("council", "register")
_RISK_FIELDS = {"minimum_gbp": "min", "mode_gbp": "mode", "maximum_gbp": "max"}
_ENGINE_TO_CONTRACT = re.compile(r"\bvalues_gbp\b")  # the engine names money fields with their unit


@contextmanager
def _at(prefix: str, renames: Mapping[str, str] | None = None) -> Iterator[None]:
    """Re-raise engine errors with the path from the top of the input and the contract's field names."""
    try:
        yield
    except InputError as error:
        field = (renames or {}).get(error.field, _ENGINE_TO_CONTRACT.sub("values", error.field))
        raise InputError(f"{prefix}.{field}" if prefix else field, error.message) from None


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
        rate = checked_object(value, field="discount", keys=("rate",), required=("rate",))["rate"]
        return rate, "discount.rate"
    raise InputError("discount", f'must be "standard" or {{"rate": 0.035}}, got {type(value).__name__}')


def _line(value: Any, *, field: str) -> appraisal.CashflowLine:
    line = checked_object(value, field=field, keys=_LINE_KEYS, required=_REQUIRED_LINE_KEYS)
    with _at(field, renames={"prices_risk": "risk"}):
        return appraisal.CashflowLine(
            label=line["label"],
            kind=line["kind"],
            prices=line["prices"],
            values_gbp=line["values"],
            prices_risk=line.get("risk", False),
        )


def _bounds(adjustment: dict[str, Any], *, field: str) -> tuple[Any, Any]:
    """(upper bound, lower bound): a ``category`` of the Green Book table gives both; an explicit
    ``lower_bound`` wins; otherwise the lower bound of the one category whose upper bound matches, else 0."""
    table = appraisal.optimism_bias_table().categories
    upper = adjustment.get("upper_bound")
    category = adjustment.get("category")
    if category is not None:
        found = next((c for c in table if c.key == category), None)
        if found is None:
            raise InputError(
                f"{field}.category",
                f"unknown project type {category!r}: use one of {', '.join(c.key for c in table)}",
            )
        upper = found.upper_bound if upper is None else upper
        lower = adjustment.get("lower_bound", found.lower_bound)
        return upper, lower
    if upper is None:
        raise InputError(f"{field}.upper_bound", "is required (or give a category)")
    if "lower_bound" in adjustment:
        return upper, adjustment["lower_bound"]
    matches = [c for c in table if c.upper_bound == upper]
    return upper, matches[0].lower_bound if len(matches) == 1 else 0.0


def _optimism_bias(value: Any, *, field: str) -> appraisal.OptimismBiasAdjustment:
    adjustment = checked_object(value, field=field, keys=_OPTIMISM_BIAS_KEYS, required=("applies_to",))
    upper, lower = _bounds(adjustment, field=field)
    with _at(field):
        return appraisal.OptimismBiasAdjustment(
            upper_bound=upper,
            applies_to=adjustment["applies_to"],
            contributions=adjustment.get("contributions", ()),
            lower_bound=lower,
        )


def _register(value: Any) -> list[tuple[QuantifiedRisk, str | None, int | None, int | None]]:
    """The case's risks: each as the engine's risk with its category and the years it falls in."""
    risks = []
    seen: set[str] = set()
    items = checked_list(value, field="risks", what="quantified risks")
    if len(items) > MAX_RISKS:
        raise InputError("risks", f"has {len(items):,} risks, more than the limit of {MAX_RISKS:,}")
    for i, item in enumerate(items):
        field = f"risks[{i}]"
        risk = checked_object(item, field=field, keys=_RISK_KEYS, required=_REQUIRED_RISK_KEYS)
        with _at(field, renames=_RISK_FIELDS):
            quantified = QuantifiedRisk(
                id=risk["id"],
                probability=risk["probability"],
                distribution=risk["distribution"],
                minimum_gbp=risk["min"],
                mode_gbp=risk["mode"],
                maximum_gbp=risk["max"],
                allocation=risk["allocation"],
                council_share=risk.get("council_share"),
            )
        if quantified.id in seen:
            raise InputError(f"{field}.id", f"duplicate risk id {quantified.id!r}")
        seen.add(quantified.id)
        category = risk.get("category")
        if category is not None and (not isinstance(category, str) or not category.strip()):
            raise InputError(f"{field}.category", f"must be some text, got {category!r}")
        risks.append((quantified, category, risk.get("first_year"), risk.get("last_year")))
    return risks


def _retained(
    option: dict[str, Any],
    register: list[tuple[QuantifiedRisk, str | None, int | None, int | None]],
    *,
    field: str,
) -> list[appraisal.RetainedRisk]:
    """Rule RISK-BEARER: what share of each risk the option retains, and when it falls."""
    bearer = option.get("risk_bearer", "council")
    if bearer not in _RISK_BEARERS:
        raise InputError(f"{field}.risk_bearer", f'must be "council" or "register", got {bearer!r}')
    ids = {risk.id for risk, *_ in register}
    categories = {category for _, category, *_ in register if category is not None}
    by_risk: dict[str, dict[str, Any]] = {}
    by_category: dict[str, dict[str, Any]] = {}
    for k, item in enumerate(
        checked_list(option.get("risk_overrides", []), field=f"{field}.risk_overrides", what="overrides")
    ):
        where = f"{field}.risk_overrides[{k}]"
        override = checked_object(item, field=where, keys=_OVERRIDE_KEYS, required=("council_share",))
        if ("risk" in override) == ("category" in override):
            raise InputError(where, "must name either a risk or a category, not both or neither")
        if "risk" in override:
            if override["risk"] not in ids:
                raise InputError(f"{where}.risk", f"no risk {override['risk']!r} in the case's risks")
            by_risk[override["risk"]] = {**override, "_where": where}
        else:
            if override["category"] not in categories:
                raise InputError(
                    f"{where}.category", f"no risk of category {override['category']!r} in the case's risks"
                )
            by_category[override["category"]] = {**override, "_where": where}
    retained = []
    for i, (risk, category, first, last) in enumerate(register):
        share: Any = 1.0 if bearer == "council" else risk.council_fraction
        where = f"risks[{i}]"
        chosen: dict[str, Any] | None = by_risk.get(risk.id) or (
            by_category.get(category) if category is not None else None
        )
        if chosen is not None:
            share = chosen["council_share"]
            first = chosen.get("first_year", first)
            last = chosen.get("last_year", last)
            where = chosen["_where"]
        with _at(where, renames={"retained_share": "council_share"}):
            item = appraisal.RetainedRisk(risk=risk, retained_share=share, first_year=first, last_year=last)
        years = option["years"]
        for name, year in (("first_year", item.first_year), ("last_year", item.last_year)):
            if isinstance(years, int) and year is not None and year >= years:
                raise InputError(
                    f"{where}.{name}",
                    f"risk {risk.id!r} falls in year {year}, but option {option.get('name')!r} runs for "
                    f"{years} years (year 0 to year {years - 1})",
                )
        retained.append(item)
    return retained


def _option(
    value: Any,
    *,
    field: str,
    register: list[tuple[QuantifiedRisk, str | None, int | None, int | None]] | None,
) -> tuple[appraisal.Option, list[appraisal.RetainedRisk], appraisal.RiskAdjustment | None]:
    option = checked_object(value, field=field, keys=_OPTION_KEYS, required=("name", "years", "lines"))
    raw_lines = checked_list(option["lines"], field=f"{field}.lines", what="cost and benefit lines")
    lines = [_line(line, field=f"{field}.lines[{j}]") for j, line in enumerate(raw_lines)]
    adjustment = None
    if option.get("optimism_bias") is not None:
        adjustment = _optimism_bias(option["optimism_bias"], field=f"{field}.optimism_bias")
    retained: list[appraisal.RetainedRisk] = []
    risk: appraisal.RiskAdjustment | None = None
    if register is None:
        for key in ("risk_bearer", "risk_overrides"):
            if key in option:
                raise InputError(f"{field}.{key}", 'needs the case\'s risks: list them in "risks"')
    else:
        retained = _retained(option, register, field=field)
        with _at(field):
            risk = appraisal.risk_adjustment(retained, years=option["years"])
        lines.append(risk.line())
    with _at(field):
        return (
            appraisal.Option(
                name=option["name"], years=option["years"], lines=lines, optimism_bias=adjustment
            ),
            retained,
            risk,
        )


def _sensitivity(value: Any) -> dict[str, Any]:
    chosen = checked_object(value or {}, field="risk_sensitivity", keys=_SENSITIVITY_KEYS, required=())
    return {
        "percentile": chosen.get("percentile", appraisal.DEFAULT_PERCENTILE),
        "iterations": chosen.get("iterations", appraisal.DEFAULT_ITERATIONS),
        "seed": chosen.get("seed", appraisal.DEFAULT_SEED),
    }


def _risk_output(
    result: appraisal.OptionAppraisal,
    retained: list[appraisal.RetainedRisk],
    risk: appraisal.RiskAdjustment,
    sensitivity: dict[str, Any],
) -> dict[str, Any]:
    with _at("risk_sensitivity"):
        p_value = appraisal.retained_risk_percentile(retained, **sensitivity)
    present_value = next(
        line.present_value_gbp for line in result.lines if line.label == appraisal.RISK_ADJUSTMENT_LABEL
    )
    return {
        "expected_value": risk.expected_value_gbp,
        "present_value": present_value,
        "values": list(risk.values_gbp),
        "risks": [
            {
                "id": part.id,
                "retained_share": part.retained_share,
                "expected_value": part.expected_value_gbp,
                "first_year": part.first_year,
                "last_year": part.last_year,
            }
            for part in risk.risks
        ],
        "sensitivity": {
            "percentile": p_value.percentile,
            "label": p_value.label,
            "value": p_value.value_gbp,
            "above_expected_value": p_value.value_gbp - risk.expected_value_gbp,
            "iterations": p_value.iterations,
            "seed": p_value.seed,
            "in_npc": False,
        },
    }


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
        "rank_by_npc": result.rank_by_net_present_cost,
        "rank_by_npv": result.rank_by_net_present_value,
        "rank_by_eac": result.rank_by_equivalent_annual_cost,
        "lines": [
            {"label": line.label, "kind": line.kind, "present_value": line.present_value_gbp}
            for line in result.lines
        ],
    }


def run(payload: Any) -> dict[str, Any]:
    """Appraise the options of one business case; see docs/cli.md for the input and output."""
    case = checked_object(payload, field="file", keys=_CASE_KEYS, required=("discount", "options"))
    schedule, schedule_field = _discount(case["discount"])
    register = _register(case["risks"]) if case.get("risks") is not None else None
    if register is None and case.get("risk_sensitivity") is not None:
        raise InputError("risk_sensitivity", 'needs the case\'s risks: list them in "risks"')
    sensitivity = _sensitivity(case.get("risk_sensitivity"))
    raw_options = checked_list(case["options"], field="options", what="options")
    built = [
        _option(option, field=f"options[{i}]", register=register) for i, option in enumerate(raw_options)
    ]
    options = [option for option, _, _ in built]
    with _at("", renames={"schedule": schedule_field}):
        result = appraisal.appraise_options(options, schedule=schedule, deflator=case.get("deflator"))
    by_eac = sorted(result.options, key=lambda option: option.rank_by_equivalent_annual_cost)
    by_npc = sorted(result.options, key=lambda option: option.rank_by_net_present_cost)
    by_npv = sorted(result.options, key=lambda option: option.rank_by_net_present_value)
    outputs = []
    for option, (engine_option, retained, risk) in zip(result.options, built, strict=True):
        output = _option_output(option)
        output["optimism_bias_lower_bound"] = (
            engine_option.optimism_bias.lower_bound if engine_option.optimism_bias else None
        )
        output["risk_adjustment"] = (
            None if risk is None else _risk_output(option, retained, risk, sensitivity)
        )
        outputs.append(output)
    return {
        "discount": case["discount"],
        "eac_convention": result.eac_convention,
        "ranking_rule": result.ranking_rule,
        "ranking_rule_text": (
            "ranked on net present value, highest first, because benefits are valued"
            if result.ranking_rule == appraisal.RANK_BY_NPV
            else "ranked on net present cost, lowest first, because no benefits are valued"
        ),
        "options": outputs,
        "preferred": result.preferred,
        "warnings": list(result.warnings),
        "ranking_by_npv": [option.name for option in by_npv],
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
