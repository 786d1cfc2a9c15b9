"""Two versions of a business case side by side: every input and result, each row marked as the same,
changed, added or removed (in words, so the difference never depends on colour alone)."""

from __future__ import annotations

from dataclasses import dataclass, field

from forbetter.appraisal.adapters import AppraisalInputsError, VersionAppraisal, appraise_version, values_of
from forbetter.appraisal.models import AppraisalOption, BusinessCaseVersion, DiscountSchedule
from forbetter.core.templatetags.govuk import gbp, percent

SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"


@dataclass(frozen=True)
class Row:
    label: str
    a: str | None
    b: str | None
    change: str = ""

    @property
    def state(self) -> str:
        if self.a is None and self.b is not None:
            return ADDED
        if self.b is None and self.a is not None:
            return REMOVED
        return SAME if self.a == self.b else CHANGED


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if row.state != SAME)

    def only_differences(self) -> Section:
        return Section(self.title, [row for row in self.rows if row.state != SAME])


def _status(version: BusinessCaseVersion) -> str:
    if version.is_frozen and version.frozen_at:
        return f"Frozen on {version.frozen_at:%-d %B %Y}: {version.freeze_reason}"
    return "Draft"


def _discount(version: BusinessCaseVersion) -> str:
    if version.discount_schedule == DiscountSchedule.FLAT:
        return f"Flat rate of {percent(version.discount_rate, 2)}"
    return "Green Book standard schedule"


def _deflator(version: BusinessCaseVersion) -> str:
    rates = list(version.deflator_rates.all())
    if rates:
        return "Yearly: " + ", ".join(f"year {r.year} {percent(r.rate, 2)}" for r in rates)
    if version.deflator_rate is not None:
        return f"{percent(version.deflator_rate, 2)} every year"
    return "No deflator"


def _risk(version: BusinessCaseVersion) -> str:
    if not version.include_register_risks:
        return "The register's risks are left out"
    return (
        f"Expected value of the register's risks each option keeps; {version.get_risk_percentile_display()} "
        f"beside it (seed {version.risk_seed}, {version.risk_iterations:,} iterations)"
    )


def _budget_rows(a: BusinessCaseVersion, b: BusinessCaseVersion) -> list[Row]:
    """One row per year of either envelope, labelled by year number and version a's financial year."""
    budget_a = {x.year: gbp(x.amount_gbp) for x in a.budget_years.all()}
    budget_b = {x.year: gbp(x.amount_gbp) for x in b.budget_years.all()}
    rows = [
        Row(
            "Budget envelope prices",
            a.get_budget_prices_display() if budget_a else "No envelope",
            b.get_budget_prices_display() if budget_b else "No envelope",
        )
    ]
    for year in sorted(set(budget_a) | set(budget_b)):
        rows.append(Row(f"Budget envelope, year {year}", budget_a.get(year), budget_b.get(year)))
    return rows


def settings_section(a: BusinessCaseVersion, b: BusinessCaseVersion) -> Section:
    rows = [
        Row("Status", _status(a), _status(b)),
        Row("What the version changes, and why", a.change_note or "Not given", b.change_note or "Not given"),
        Row("Year 0 (price base)", a.year_label(0), b.year_label(0)),
        Row("Discounting", _discount(a), _discount(b)),
        Row("GDP deflator", _deflator(a), _deflator(b)),
        *_budget_rows(a, b),
        Row("Risk adjustment", _risk(a), _risk(b)),
        Row("Where the risk settings come from", a.risk_note or "Not given", b.risk_note or "Not given"),
    ]
    return Section("Settings", rows)


def _option_facts(option: AppraisalOption | None) -> dict[str, str]:
    if option is None:
        return {}
    facts = {
        "Kind": option.get_kind_display(),
        "Years appraised": str(option.years),
        "Who bears the risks": option.get_risk_bearer_display(),
        "Where this option differs on risk": "; ".join(
            f"{share.risk.reference if share.risk else share.category.title if share.category else ''}: "
            f"council keeps {percent(share.council_share)}"
            for share in option.risk_shares.all()
        )
        or "Nowhere",
        "Optimism bias project type": (
            option.get_optimism_bias_category_display() if option.optimism_bias_category else "Not applied"
        ),
        "Optimism bias mitigation": "; ".join(
            f"{c.factor}: contributes {percent(c.contribution)}, {percent(c.mitigation)} mitigated"
            for c in option.contributions.all()
        )
        or "No mitigation recorded",
    }
    for line in option.lines.all():
        facts[f"Line “{line.label}”"] = (
            f"{line.get_category_display()}, {line.get_prices_display().split(' (')[0].lower()} prices"
            f"{', optimism bias applies' if line.optimism_bias_applies else ''}"
        )
        facts[f"Line “{line.label}”: values from year 0"] = ", ".join(gbp(v) for v in values_of(line))
    return facts


def option_sections(a: BusinessCaseVersion, b: BusinessCaseVersion) -> list[Section]:
    options_a = {o.name: o for o in a.options.all()}
    options_b = {o.name: o for o in b.options.all()}
    names = list(options_a) + [name for name in options_b if name not in options_a]
    sections = []
    for name in names:
        facts_a, facts_b = _option_facts(options_a.get(name)), _option_facts(options_b.get(name))
        keys = list(facts_a) + [key for key in facts_b if key not in facts_a]
        sections.append(Section(f"Option: {name}", [Row(k, facts_a.get(k), facts_b.get(k)) for k in keys]))
    return sections


def _difference(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return ""
    change = b - a
    if abs(change) < 0.5:
        return "No change"
    return f"{'+' if change > 0 else ''}{gbp(change)}"


def _results(version: BusinessCaseVersion) -> VersionAppraisal | str:
    try:
        return appraise_version(version)
    except AppraisalInputsError as problem:
        return " ".join(problem.messages)


def _figures(appraised: VersionAppraisal) -> str:
    if appraised.stored:
        return f"Stored when frozen ({appraised.engine_version})"
    return "Calculated now from the inputs"


def _rule(appraised: VersionAppraisal) -> str:
    return (
        "Net present value, highest first"
        if appraised.ranking_rule == "npv"
        else "Net present cost, lowest first"
    )


def results_section(a: BusinessCaseVersion, b: BusinessCaseVersion) -> Section:
    results_a, results_b = _results(a), _results(b)
    section = Section("Results")
    if isinstance(results_a, str) or isinstance(results_b, str):
        section.rows.append(
            Row(
                "Appraisal",
                results_a if isinstance(results_a, str) else "Appraised",
                results_b if isinstance(results_b, str) else "Appraised",
            )
        )
        return section
    section.rows.append(
        Row("Figures", _figures(results_a), _figures(results_b)),
    )
    section.rows.append(
        Row("Preferred option", results_a.appraisal.preferred, results_b.appraisal.preferred),
    )
    section.rows.append(
        Row("Ranked on", _rule(results_a), _rule(results_b)),
    )
    by_name_a = {o.result.name: o.result for o in results_a.options}
    by_name_b = {o.result.name: o.result for o in results_b.options}
    names = list(by_name_a) + [name for name in by_name_b if name not in by_name_a]
    for name in names:
        ra, rb = by_name_a.get(name), by_name_b.get(name)
        npc_a = ra.net_present_cost_gbp if ra else None
        npc_b = rb.net_present_cost_gbp if rb else None
        eac_a = ra.equivalent_annual_cost_gbp if ra else None
        eac_b = rb.equivalent_annual_cost_gbp if rb else None
        by_risk_a = {o.result.name: o.risk for o in results_a.options}
        by_risk_b = {o.result.name: o.risk for o in results_b.options}
        risk_a, risk_b = by_risk_a.get(name), by_risk_b.get(name)
        ev_a = risk_a.expected_value_gbp if risk_a else 0.0
        ev_b = risk_b.expected_value_gbp if risk_b else 0.0
        section.rows += [
            Row(f"{name}: rank", str(ra.rank) if ra else None, str(rb.rank) if rb else None),
            Row(
                f"{name}: risk adjustment (expected value)",
                gbp(ev_a) if ra else None,
                gbp(ev_b) if rb else None,
                _difference(ev_a if ra else None, ev_b if rb else None),
            ),
            Row(
                f"{name}: net present cost",
                gbp(npc_a) if ra else None,
                gbp(npc_b) if rb else None,
                _difference(npc_a, npc_b),
            ),
            Row(
                f"{name}: equivalent annual cost",
                gbp(eac_a) if ra else None,
                gbp(eac_b) if rb else None,
                _difference(eac_a, eac_b),
            ),
            Row(
                f"{name}: optimism bias applied",
                percent(ra.optimism_bias, 1) if ra else None,
                percent(rb.optimism_bias, 1) if rb else None,
            ),
        ]
    return section


def compare_versions(a: BusinessCaseVersion, b: BusinessCaseVersion) -> list[Section]:
    return [settings_section(a, b), *option_sections(a, b), results_section(a, b)]
