"""Reads of contract changes, each a fixed number of queries, and the adapter from stored records to
:mod:`forbetter.calc.change_control` (the figures on every page come from there)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import QuerySet

from forbetter.calc import change_control as calc
from forbetter.changes.models import (
    OPEN_STATUSES,
    ChangeGroup,
    ChangeRequest,
    ChangeStatus,
    ChangeTerms,
    ValueBasis,
)
from forbetter.core.history import money
from forbetter.partnerships.models import Partnership, ProcurementRegime
from forbetter.partnerships.models import ValueBasis as ContractValueBasis
from forbetter.partnerships.procurement import act_applies, regime_error


def contract_start(partnership: Partnership) -> dt.date | None:
    """When the contract's service began (contract management), or else when it is planned to start."""
    return partnership.contract_management_began_on or partnership.planned_start_on


def contract_end(partnership: Partnership) -> dt.date | None:
    """The end of the original term (the day after its last day), if the start and the term are known."""
    start = contract_start(partnership)
    if start is None or not partnership.term_years:
        return None
    return start + relativedelta(years=partnership.term_years)


def maximum_term_months(partnership: Partnership) -> int | None:
    """The maximum term provided for on award: the term and every extension option, in months."""
    if not partnership.term_years:
        return None
    return (partnership.term_years + (partnership.extension_years or 0)) * 12


@dataclass(frozen=True)
class ContractValue:
    value_gbp: Decimal | None
    explanation: str


def contract_value(partnership: Partnership) -> ContractValue:
    """The original contract value changes are measured against, and where it comes from; ``None`` with
    what to record when it is missing."""
    estimate = partnership.estimated_value_gbp
    if estimate is None or estimate <= 0:
        return ContractValue(
            None,
            "The original contract value is not recorded, so the cumulative value of changes cannot be shown "
            "as a share of it. Record the estimated value on the partnership's details.",
        )
    if partnership.value_basis == ContractValueBasis.ANNUAL_CHARGE:
        if not partnership.term_years:
            return ContractValue(
                None,
                f"The estimated value ({money(estimate)}) is recorded as an annual charge, but the "
                "term is not recorded, so the contract's whole value is not known. Record the term on "
                "the partnership's details.",
            )
        total = estimate * partnership.term_years
        return ContractValue(
            total,
            f"The estimated value is recorded as an annual charge of {money(estimate)}; over the "
            f"original term of {partnership.term_years} years the contract is worth {money(total)}.",
        )
    return ContractValue(
        estimate, f"The estimated total contract value recorded for the partnership, {money(estimate)}."
    )


def thresholds(partnership: Partnership, terms: ChangeTerms | None) -> tuple[tuple[Decimal, ...], str]:
    """The thresholds the cumulative value is reported against and where they come from."""
    defaults = [Decimal(str(value)) for value in settings.CHANGE_THRESHOLDS]
    if terms is not None and (terms.first_threshold is not None or terms.second_threshold is not None):
        values = [
            terms.first_threshold if terms.first_threshold is not None else defaults[0],
            terms.second_threshold if terms.second_threshold is not None else defaults[-1],
        ]
        return tuple(sorted(set(values))), "set for this partnership"
    return tuple(defaults), "ForBetter's defaults"


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 if end is not after start)."""
    delta = relativedelta(end, start)
    return max(0, delta.years * 12 + delta.months)


def lifetime_value(change: ChangeRequest, end: dt.date | None) -> tuple[Decimal | None, str]:
    """Rule CHANGE-VALUE for a stored change: its value for the thresholds and how it was worked out."""
    if change.value_gbp is None:
        return None, "Not assessed yet"
    if change.value_basis != ValueBasis.PER_YEAR:
        return change.value_gbp, f"{money(change.value_gbp)} one-off"
    if end is None or change.effective_from is None:
        value = calc.change_value(value_gbp=change.value_gbp, per_year=True, months_remaining=12)
        return value, f"{money(change.value_gbp)} a year, counted for one year (the term's end is not known)"
    months = months_between(change.effective_from, end)
    value = calc.change_value(value_gbp=change.value_gbp, per_year=True, months_remaining=months)
    return value, f"{money(change.value_gbp)} a year × {months} months of the term left ÷ 12"


def _as_calc(change: ChangeRequest, value: Decimal) -> calc.Change:
    return calc.Change(
        key=change.reference,
        value_gbp=value,
        term_months=change.term_change_months,
        group=str(change.group_id or ""),
        novation=change.novation,
    )


@dataclass
class ChangeRow:
    change: ChangeRequest
    value_gbp: Decimal | None
    value_explained: str
    notice: calc.NoticeDecision | None = None
    notice_missing: bool = False
    cumulative_gbp: Decimal | None = None
    cumulative_share: Decimal | None = None
    crossed: list[Decimal] = field(default_factory=list)


@dataclass
class Summary:
    partnership: Partnership
    terms: ChangeTerms | None
    value: ContractValue
    thresholds: tuple[Decimal, ...]
    thresholds_source: str
    act_applies: bool
    regime_note: str
    rows: list[ChangeRow]
    cumulative: calc.Cumulative | None
    approved_total_gbp: Decimal
    open_count: int
    missing_notices: list[ChangeRow]
    maximum_term_months: int | None
    groups: list[ChangeGroup]

    @property
    def works(self) -> bool:
        return bool(self.terms and self.terms.works_contract)


def regime_note(partnership: Partnership) -> str:
    """Whether the Procurement Act 2023's contract change notice (UK10) applies, in words."""
    if not partnership.procurement_regime:
        return (
            "The procurement regime is not recorded, so ForBetter cannot say whether the Procurement Act "
            "2023's contract change notice applies. Record it on the partnership's details."
        )
    problem = regime_error(
        partnership.procurement_regime, procurement_began_on=partnership.procurement_began_on
    )
    if problem:
        return f"{problem}. Correct the procurement regime on the partnership's details."
    if partnership.procurement_regime == ProcurementRegime.PA_2023:
        return (
            "Procured under the Procurement Act 2023: before a change is made, a contract change notice "
            "(UK10) must be published on Find a Tender unless the change is within the limits of "
            "section 75(2)."
        )
    return (
        f"Procured under the {partnership.get_procurement_regime_display()}: the Procurement Act 2023's "
        "contract change notice (UK10) does not apply to this contract. Changes are governed by the "
        "regulations it was procured under."
    )


def summary(partnership: Partnership, changes: list[ChangeRequest] | None = None) -> Summary:
    """Every change with its value, the cumulative value of approved changes against the original contract
    value, the thresholds crossed (and by which change), and whether each change needs a contract change
    notice. Three queries (changes with groups, terms, groups)."""
    if changes is None:
        changes = list(register(partnership))
    terms = ChangeTerms.objects.filter(partnership=partnership).first()
    value = contract_value(partnership)
    levels, source = thresholds(partnership, terms)
    end = contract_end(partnership)
    max_term = maximum_term_months(partnership)
    applies = act_applies(partnership)
    rows = []
    for change in changes:
        lifetime, explained = lifetime_value(change, end)
        rows.append(ChangeRow(change, lifetime, explained))
    approved = sorted(
        (row for row in rows if row.change.status == ChangeStatus.APPROVED and row.value_gbp is not None),
        key=lambda row: (row.change.decided_on or dt.date.min, row.change.pk),
    )
    approved_total = sum((row.value_gbp or Decimal(0) for row in approved), Decimal(0))
    result = None
    if value.value_gbp is not None:
        result = calc.cumulative(
            [_as_calc(row.change, row.value_gbp or Decimal(0)) for row in approved],
            contract_value_gbp=value.value_gbp,
            thresholds=levels,
        )
        by_key = {running.key: running for running in result.rows}
        for row in approved:
            running = by_key[row.change.reference]
            row.cumulative_gbp, row.cumulative_share = running.cumulative_gbp, running.share
            row.crossed = [c.threshold for c in result.crossings if c.change_key == row.change.reference]
        if max_term:
            groups: dict[int, list[ChangeRow]] = defaultdict(list)
            for row in approved:
                if row.change.group_id:
                    groups[row.change.group_id].append(row)
            for row in rows:
                if row.value_gbp is None or row.change.status in (
                    ChangeStatus.REJECTED,
                    ChangeStatus.WITHDRAWN,
                ):
                    continue
                related = [
                    _as_calc(other.change, other.value_gbp or Decimal(0))
                    for other in groups.get(row.change.group_id or 0, [])
                    if other.change.pk != row.change.pk
                    and (other.change.decided_on or dt.date.min, other.change.pk)
                    < (row.change.decided_on or dt.date.max, row.change.pk)
                ]
                row.notice = calc.notice_needed(
                    _as_calc(row.change, row.value_gbp),
                    related=related,
                    contract_value_gbp=value.value_gbp,
                    maximum_term_months=max_term,
                    works=bool(terms and terms.works_contract),
                )
                row.notice_missing = (
                    applies
                    and row.notice.needed
                    and row.change.status == ChangeStatus.APPROVED
                    and not row.change.notice_reference
                )
    return Summary(
        partnership=partnership,
        terms=terms,
        value=value,
        thresholds=levels,
        thresholds_source=source,
        act_applies=applies,
        regime_note=regime_note(partnership),
        rows=rows,
        cumulative=result,
        approved_total_gbp=approved_total,
        open_count=sum(1 for change in changes if change.status in OPEN_STATUSES),
        missing_notices=[row for row in rows if row.notice_missing],
        maximum_term_months=max_term,
        groups=list(ChangeGroup.objects.filter(partnership=partnership)),
    )


def register(partnership: Partnership) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(partnership=partnership).select_related("group")


def row_for(summary_: Summary, change: ChangeRequest) -> ChangeRow:
    return next(row for row in summary_.rows if row.change.pk == change.pk)


def at_a_glance(partnership: Partnership) -> dict[str, Any]:
    """Contract changes at a glance, for the partnership overview, in two queries: the cumulative value of
    approved changes (and its share of the original contract value, if known) and how many are open.

    Keys: ``share`` (a fraction or ``None``), ``total_gbp``, ``open`` (count), ``any`` (whether there are
    changes at all).
    """
    changes = list(
        ChangeRequest.objects.filter(partnership=partnership).only(
            "status", "value_gbp", "value_basis", "effective_from", "partnership_id"
        )
    )
    end = contract_end(partnership)
    total = Decimal(0)
    for change in changes:
        if change.status == ChangeStatus.APPROVED:
            value, _ = lifetime_value(change, end)
            total += value or Decimal(0)
    value = contract_value(partnership).value_gbp
    return {
        "any": bool(changes),
        "total_gbp": total,
        "share": total / value if value else None,
        "open": sum(1 for change in changes if change.status in OPEN_STATUSES),
    }
