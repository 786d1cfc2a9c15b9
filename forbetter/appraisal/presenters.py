"""Results of an appraised version in words, tables and charts for the results page.

Figures come from :mod:`forbetter.appraisal.adapters` (which calls the engine); this module only arranges
them and says what they mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from matplotlib.figure import Figure

from forbetter.appraisal.adapters import OptionAffordability, OptionResult, VersionAppraisal
from forbetter.calc import appraisal as calc
from forbetter.core.charts import PALETTE, Chart, bar_chart, cached_chart, line_chart, new_figure, style_axes
from forbetter.core.templatetags.govuk import gbp

TORNADO_CHANGE = 0.1


def percentage(fraction: float) -> str:
    """0.1234 -> '12%'; small changes keep one decimal place so they do not read as 0%."""
    size = abs(fraction) * 100
    return f"{size:.1f}%" if size < 10 else f"{size:,.0f}%"


def millions(value: float) -> float:
    return round(value / 1e6, 3)


def _table(chart: Chart, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Chart:
    """The chart with its data table in exact pounds (the drawing itself is in £ million)."""
    return replace(chart, columns=list(columns), rows=[list(row) for row in rows])


def _pounds(value: float | None) -> str | None:
    return None if value is None else gbp(value)


# --- ranking and switching values ---------------------------------------------------------------------------


def discount_text(schedule: calc.Schedule) -> str:
    """The schedule the figures were discounted on, in words, from the schedule actually used."""
    if isinstance(schedule, str):
        first = calc.GREEN_BOOK_STANDARD_BANDS[0][1]
        return (
            f"on the Green Book standard schedule ({first:.1%} a year for years 1 to 30, then 3%, "
            "falling to 1% in the long run)"
        )
    return f"at a flat {schedule:.2%} a year"


def first_rate(schedule: calc.Schedule) -> float:
    """The rate of year 1: the gap between the two EAC conventions while the rate is flat."""
    return calc.GREEN_BOOK_STANDARD_BANDS[0][1] if isinstance(schedule, str) else float(schedule)


def ranking_rule_text(appraised: VersionAppraisal) -> str:
    """Which rule ranked the options, and why, in words (Green Book 5.3 and 6.2)."""
    if appraised.ranking_rule == calc.RANK_BY_NPV:
        return (
            "on net present value (the present value of benefits less the net present cost), highest first, "
            "because at least one option has benefits valued in money. The Green Book prefers the option "
            "with the best net present social value."
        )
    return (
        "on net present cost, lowest first, because no option has benefits valued in money, so the "
        "cheapest option for the same outcome is preferred."
    )


def _measure(appraised: VersionAppraisal) -> str:
    return "net present value" if appraised.ranking_rule == calc.RANK_BY_NPV else "net present cost"


def switching_sentences(appraised: VersionAppraisal) -> list[str]:
    """The switching values in plain words: first the preferred option's lines (closest to switching first),
    then the other options' lines that a cut could make cheapest, then one sentence per other option
    listing the lines that no cut alone could make cheapest."""
    preferred = appraised.appraisal.preferred
    if len(appraised.options) == 1:
        return ["There is only one option, so no change to its costs can alter the ranking."]
    pv = {
        (o.result.name, line.label): line.present_value_gbp
        for o in appraised.options
        for line in o.result.lines
    }
    own: list[tuple[float, str]] = []
    others: list[tuple[float, str]] = []
    beyond: dict[str, list[str]] = {}
    for value in appraised.appraisal.switching_values:
        line = f"“{value.label}”"
        if pv[(value.option, value.label)] == 0 or value.change is None:
            if value.option != preferred:
                beyond.setdefault(value.option, []).append(line)
        elif value.option == preferred:
            own.append(
                (
                    value.change,
                    f"{preferred} stays preferred unless its {line} costs rise by more than "
                    f"{percentage(value.change)}.",
                )
            )
        else:
            others.append(
                (
                    -value.change,
                    f"{value.option} would become preferred only if its {line} costs fell by more than "
                    f"{percentage(value.change)}.",
                )
            )
    sentences = [text for _, text in sorted(own)] + [text for _, text in sorted(others)]
    for option, lines in beyond.items():
        what = "this line" if len(lines) == 1 else "any one of these lines"
        sentences.append(
            f"No cut to {what} alone, even removing it, would make {option} preferred: {', '.join(lines)}."
        )
    return sentences


def ranking_summary(appraised: VersionAppraisal) -> str:
    ranked = sorted(appraised.options, key=lambda o: o.result.rank)
    first = ranked[0].result
    if len(ranked) == 1:
        return f"{first.name} is the only option; its net present cost is {gbp(first.net_present_cost_gbp)}."
    second = ranked[1].result
    if appraised.ranking_rule == calc.RANK_BY_NPV:
        gap = first.net_present_value_gbp - second.net_present_value_gbp
        cheapest = min(appraised.options, key=lambda o: o.result.net_present_cost_gbp).result
        text = (
            f"{first.name} has the highest net present value, {gbp(first.net_present_value_gbp)}: "
            f"{gbp(gap)} more than the next, {second.name}."
        )
        if cheapest.name != first.name:
            text += f" {cheapest.name} has the lowest net present cost, but brings fewer benefits."
        return text
    gap = second.net_present_cost_gbp - first.net_present_cost_gbp
    by_eac = next(o.result for o in appraised.options if o.result.rank_by_equivalent_annual_cost == 1)
    text = (
        f"{first.name} has the lowest net present cost, {gbp(first.net_present_cost_gbp)}: "
        f"{gbp(gap)} less than the next, {second.name}."
    )
    if by_eac.name != first.name:
        text += (
            f" Measured by equivalent annual cost, which allows for options of different lengths, "
            f"{by_eac.name} is cheapest."
        )
    else:
        text += " It is also cheapest by equivalent annual cost."
    return text


# --- charts -------------------------------------------------------------------------------------------------


def npc_chart(appraised: VersionAppraisal) -> Chart:
    results = [o.result for o in appraised.options]
    chart = bar_chart(
        title="Net present cost by option",
        summary=ranking_summary(appraised),
        labels=[r.name for r in results],
        values=[millions(r.net_present_cost_gbp) for r in results],
        value_label=f"£ million, {appraised.version.year_label(0)} prices",
        horizontal=True,
    )
    return _table(
        chart, ["Option", "Net present cost"], [[r.name, gbp(r.net_present_cost_gbp)] for r in results]
    )


def yearly_costs_chart(appraised: VersionAppraisal) -> Chart:
    longest = max(o.option.years for o in appraised.options)
    labels = [f"{t} ({appraised.version.year_label(t)})" for t in range(longest)]
    series: dict[str, Sequence[float | None]] = {
        o.result.name: [millions(f.costs_real_gbp) for f in o.flows] + [None] * (longest - len(o.flows))
        for o in appraised.options
    }
    peak = max(appraised.options, key=lambda o: max(f.costs_real_gbp for f in o.flows))
    peak_flow = max(peak.flows, key=lambda f: f.costs_real_gbp)
    chart = line_chart(
        title="Yearly costs in real terms, after optimism bias",
        summary=f"The highest yearly cost of any option is {peak.result.name}'s "
        f"{gbp(peak_flow.costs_real_gbp)} in year {peak_flow.year} ({peak_flow.label}). "
        "Costs are before discounting.",
        x_labels=labels,
        series=series,
        y_label="£ million (real)",
    )
    rows = [
        [
            label,
            *[_pounds(o.flows[t].costs_real_gbp if t < len(o.flows) else None) for o in appraised.options],
        ]
        for t, label in enumerate(labels)
    ]
    return _table(chart, ["Year", *series.keys()], rows)


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def tornado_chart(
    appraised: VersionAppraisal, bars: Sequence[calc.TornadoBar], cheapest_after_rise: Sequence[str]
) -> Chart:
    preferred = appraised.preferred.result
    labels = [bar.label for bar in bars]

    def draw() -> Figure:
        figure = new_figure(height=max(2.5, 0.4 * len(bars) + 1.2))
        axes = figure.add_subplot()
        style_axes(axes)
        axes.grid(axis="x", color="#b1b4b6", linewidth=0.5)
        positions = list(range(len(bars)))[::-1]
        centre = millions(preferred.net_present_cost_gbp)
        for y, bar in zip(positions, bars, strict=True):
            low, high = millions(bar.npc_at_decrease_gbp), millions(bar.npc_at_increase_gbp)
            axes.barh(
                y, centre - low, left=low, color=PALETTE[0], label="10% lower" if y == positions[0] else None
            )
            axes.barh(
                y,
                high - centre,
                left=centre,
                color=PALETTE[3],
                label="10% higher" if y == positions[0] else None,
            )
        axes.axvline(centre, color="#0b0c0c", linewidth=1)
        axes.set_yticks(positions, [_short(label) for label in labels], fontsize=8)
        axes.set_xlabel("Net present cost, £ million")
        axes.legend(frameon=False, fontsize=8, loc="lower right")
        return figure

    key = ["tornado", preferred.name, [(b.label, b.npc_at_decrease_gbp, b.npc_at_increase_gbp) for b in bars]]
    widest = bars[0]
    summary = (
        f"A {percentage(TORNADO_CHANGE)} change in “{widest.label}” moves {preferred.name}'s net present "
        f"cost the most: by {gbp(widest.swing_gbp / 2)} either way."
    )
    rows = [
        [b.label, gbp(b.npc_at_decrease_gbp), gbp(b.npc_at_increase_gbp), gbp(b.swing_gbp), cheapest]
        for b, cheapest in zip(bars, cheapest_after_rise, strict=True)
    ]
    return Chart(
        f"Sensitivity of {preferred.name}'s net present cost to each cost line (±10%)",
        summary,
        cached_chart(key, draw),
        [
            "Cost line",
            "Net present cost 10% lower",
            "Net present cost 10% higher",
            "Swing",
            "Preferred option if 10% higher",
        ],
        rows,
    )


def affordability_chart(affordability: OptionAffordability) -> Chart:
    years = affordability.years
    chart = line_chart(
        title=f"{affordability.option.name}: yearly cost against the budget envelope",
        summary=(
            f"{affordability.option.name}'s yearly cost is more than the budget in "
            f"{len(affordability.breach_labels)} of the {len(years)} years assessed: "
            f"{', '.join(affordability.breach_labels)}."
            if affordability.breach_labels
            else f"{affordability.option.name}'s yearly cost is within the budget in every one of the "
            f"{len(years)} years assessed."
        ),
        x_labels=[y.label for y in years],
        series={
            "Yearly cost": [millions(y.charge_gbp) for y in years],
            "Budget envelope": [millions(y.budget_gbp) for y in years],
        },
        y_label=f"£ million ({affordability.price_base})",
    )
    rows = [
        [
            f"{y.year} ({y.label})",
            gbp(y.charge_gbp),
            gbp(y.budget_gbp),
            gbp(y.headroom_gbp),
            "Breaks the budget" if y.breaks else "Within budget",
        ]
        for y in years
    ]
    return _table(chart, ["Year", "Yearly cost", "Budget envelope", "Headroom", "Within budget?"], rows)


LENGTH_BASIS = {
    calc.LENGTH_PRICED: "priced",
    calc.LENGTH_SHORTENED: "cut from a longer priced profile",
    calc.LENGTH_EXTRAPOLATED: "extrapolated",
}


def lengths_chart(option: OptionResult, lengths: Sequence[calc.ContractLengthCost]) -> Chart:
    cheapest = min(lengths, key=lambda c: c.equivalent_annual_cost_gbp)
    unpriced = [f"{c.years}" for c in lengths if c.basis != calc.LENGTH_PRICED]
    chart = bar_chart(
        title=f"{option.result.name}: equivalent annual cost by contract length",
        summary=f"Of the lengths compared, {cheapest.years} years gives {option.result.name} the lowest "
        f"equivalent annual cost, {gbp(cheapest.equivalent_annual_cost_gbp)} a year"
        + (
            f"; the {', '.join(unpriced)}-year figures are not priced but worked out (see below)."
            if unpriced
            else "."
        ),
        labels=[f"{c.years} years" for c in lengths],
        values=[millions(c.equivalent_annual_cost_gbp) for c in lengths],
        value_label="£ million a year (real)",
    )
    rows = [
        [
            f"{c.years} years{' (as appraised)' if c.years == option.result.years else ''}",
            LENGTH_BASIS.get(c.basis, c.basis),
            gbp(c.net_present_cost_gbp),
            gbp(c.equivalent_annual_cost_gbp),
        ]
        for c in lengths
    ]
    return _table(
        chart, ["Contract length", "How it was costed", "Net present cost", "Equivalent annual cost"], rows
    )


# --- the whole page -----------------------------------------------------------------------------------------


def cheapest_after_rise(appraised: VersionAppraisal, bars: Sequence[calc.TornadoBar]) -> list[str]:
    """For each bar, the cheapest option if that line of the preferred option rose by 10% (a one-way
    sensitivity)."""
    preferred = appraised.appraisal.preferred
    return [
        calc.sensitivity(
            appraised.appraisal, option=preferred, label=bar.label, change=TORNADO_CHANGE
        ).preferred
        for bar in bars
    ]


def sensitivity_summary(
    appraised: VersionAppraisal, bars: Sequence[calc.TornadoBar], after: Sequence[str]
) -> str:
    preferred = appraised.appraisal.preferred
    switching = [f"“{bar.label}”" for bar, name in zip(bars, after, strict=True) if name != preferred]
    if not switching:
        return f"A 10% rise in any one of {preferred}'s cost lines would still leave it the preferred option."
    return (
        f"A 10% rise in {', '.join(switching)} would make another option preferred to {preferred}: "
        "see the last column of the data table."
    )


def results_context(
    appraised: VersionAppraisal,
    *,
    chosen: OptionResult,
    affordability: list[OptionAffordability],
    lengths: Sequence[calc.ContractLengthCost],
) -> dict[str, Any]:
    bars = calc.tornado(appraised.appraisal, option=appraised.appraisal.preferred, change=TORNADO_CHANGE)
    after = cheapest_after_rise(appraised, bars)
    chosen_affordability = next((a for a in affordability if a.option.pk == chosen.option.pk), None)
    charts = {
        "npc": npc_chart(appraised),
        "yearly": yearly_costs_chart(appraised),
        "tornado": tornado_chart(appraised, bars, after) if bars else None,
        "affordability": (
            affordability_chart(chosen_affordability)
            if chosen_affordability is not None and chosen_affordability.years
            else None
        ),
        "lengths": lengths_chart(chosen, lengths) if lengths else None,
    }
    return {
        "appraised": appraised,
        "discount_text": discount_text(appraised.schedule),
        "first_rate": first_rate(appraised.schedule),
        "ranking_rule_text": ranking_rule_text(appraised),
        "ranked": sorted(appraised.options, key=lambda o: o.result.rank),
        "ranking_summary": ranking_summary(appraised),
        "switching": switching_sentences(appraised),
        "sensitivity_summary": sensitivity_summary(appraised, bars, after) if bars else "",
        "affordability": affordability,
        "chosen_affordability": chosen_affordability,
        "chosen": chosen,
        "lengths": lengths,
        "charts": charts,
    }
