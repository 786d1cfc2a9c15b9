"""Demo KPIs, four years of partner returns, payment statements, benchmarks, benefits and the roles register
for the contract-management partnership. Fictional, deterministic (fixed seed) and idempotent.

Returns run for the 48 months ending last month. Most are validated; a few are disputed (some then
corrected), a few late, and some failures are excused by relief events. The 48 monthly statements are
worked out by the same code the pages use and approved, so their frozen figures match a recomputation.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from forbetter.calc.dates import financial_year, long_date
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import Partnership
from forbetter.payments import selectors as payment_selectors
from forbetter.payments import services as payment_services
from forbetter.payments.models import (
    IndexValue,
    PaymentStatement,
    RatchetRun,
    ReliefEvent,
    StatementItem,
    StatementStatus,
)
from forbetter.performance import services
from forbetter.performance.adapters import Status, status_of
from forbetter.performance.models import (
    IndicatorReview,
    Kpi,
    KpiReturn,
    KpiTarget,
    ReturnStatus,
    ReviewOutcome,
)
from forbetter.performance.periods import (
    is_period_start,
    month_start,
    months,
    parse_month,
    period_end,
)
from forbetter.performance.rules import is_late, return_due_on

SEED = 6006
MONTHS = 48


@dataclass(frozen=True)
class DemoKpi:
    reference: str
    name: str
    unit: str
    higher: bool
    kind: str
    target: str
    threshold: str
    baseline: str
    severity: int
    frequency: str = "monthly"
    published: bool = False
    quality: float = 0.45  # mean distance beyond the target, in units of the target-threshold gap
    spread: float = 0.95
    measured_by: str = "Meridian performance team, checked by the council's client team"


# reference | name | unit | direction | type | target | failure threshold | baseline | severity | frequency
# | published
_KPI_TABLE = """
HW-01 | Emergency highway defects made safe within 2 hours | % | higher | output | 98 | 95 | 93.1 | 25 \
  | monthly | yes
HW-02 | Potholes repaired within 28 days | % | higher | output | 90 | 85 | 78.4 | 15 | monthly | no
HW-03 | Principal roads where maintenance should be considered | % | lower | outcome | 4 | 6 | 6.8 | 20 \
  | quarterly | yes
HW-04 | Street lights working as planned | % | higher | output | 98.5 | 97 | 96.2 | 10 | monthly | no
HW-05 | Street light faults repaired within 5 working days | % | higher | process | 95 | 90 | 88.0 | 10 \
  | monthly | no
HW-06 | Gullies cleansed to the programme | % | higher | output | 95 | 90 | 84.5 | 10 | monthly | no
HW-07 | Gritting routes treated within 3 hours of the decision | % | higher | output | 100 | 97 | 98.9 \
  | 30 | monthly | no
HW-08 | Highway enquiries resolved at first contact | % | higher | process | 85 | 80 | 71.0 | 5 | monthly \
  | no
HW-09 | People killed or seriously injured on the county's roads (rolling 12 months) | number | lower \
  | outcome | 210 | 230 | 246 | 0 | quarterly | no
PR-01 | Reactive property repairs completed within the target time | % | higher | output | 92 | 88 | 84.7 \
  | 15 | monthly | yes
PR-02 | Emergency property repairs attended within 4 hours | % | higher | output | 98 | 95 | 96.0 | 25 \
  | monthly | no
PR-03 | Planned maintenance delivered on time and to budget | % | higher | output | 90 | 85 | 79.0 | 15 \
  | quarterly | no
PR-04 | Statutory compliance certificates in date (gas, electrical, fire, water) | % | higher | process \
  | 100 | 98 | 97.2 | 40 | monthly | no
PR-05 | Energy use in corporate buildings | kWh/m² | lower | outcome | 118 | 125 | 131 | 10 | monthly \
  | no
PR-06 | Carbon emissions from the corporate estate | tCO2e | lower | outcome | 820 | 900 | 1040 | 0 \
  | monthly | no
FM-01 | Cleaning audits passed | % | higher | output | 95 | 90 | 91.3 | 5 | monthly | no
FM-02 | Facilities helpdesk calls answered within 30 seconds | % | higher | process | 90 | 85 | 82.0 | 5 \
  | monthly | no
FM-03 | Building users satisfied with facilities services | % | higher | outcome | 85 | 80 | 74 | 15 \
  | quarterly | yes
FM-04 | Vacant commercial units re-let within 6 months | % | higher | outcome | 70 | 60 | 52 | 5 \
  | quarterly | no
CO-01 | New hires who live in the county (social value) | % | higher | outcome | 60 | 50 | 41 | 5 \
  | monthly | no
"""
# Targets raised at the indicator review 13 months ago (the table holds the new target): the old target
# applies before the change, so older statuses, ratings and statements keep it.
_OLD_TARGETS = {"HW-02": "88", "PR-01": "90"}
# How well the partner does on some KPIs (quality, spread), and who measures those the partner does not.
_QUALITY = {"HW-02": (0.35, 0.95), "HW-07": (0.5, 0.8), "PR-04": (0.8, 0.7)}
_MEASURED_BY = {
    "HW-03": "Annual SCANNER condition survey, independent contractor",
    "HW-09": "Police collision data (STATS19), analysed by the council's road safety team",
    "FM-03": "Quarterly survey of building users run by the council's insight team",
}


def _table(text: str) -> list[list[str]]:
    """Rows of a '|'-separated table; a line ending in a backslash continues on the next."""
    return [
        [cell.strip() for cell in line.split("|")] for line in text.replace("\\\n", "").strip().splitlines()
    ]


def _demo_kpi(cells: list[str]) -> DemoKpi:
    reference, name, unit, direction, kind, target, threshold, baseline, severity, frequency, published = (
        cells
    )
    quality, spread = _QUALITY.get(reference, (0.45, 0.95))
    return DemoKpi(
        reference,
        name,
        unit,
        direction == "higher",
        kind,
        target,
        threshold,
        baseline,
        int(severity),
        frequency,
        published == "yes",
        quality,
        spread,
        _MEASURED_BY.get(reference, "Meridian performance team, checked by the council's client team"),
    )


KPIS = tuple(_demo_kpi(cells) for cells in _table(_KPI_TABLE))

DISPUTE_REASONS = (
    "A sample check of 20 jobs found 4 closed without a completion photograph; re-audit and resubmit.",
    "The value counts jobs the council's inspector recorded as incomplete on site.",
    "The evidence pack covers a different date range from the period reported.",
    "Totals in the evidence do not add up to the value submitted.",
    "Jobs cancelled by the partner have been left out of the denominator.",
)
RELIEF_REASONS = (
    "Named storm: severe weather relief event under clause 34.2; works suspended for three days.",
    "Flooding closed the depot access road; relief event under clause 34.2 agreed at the operational board.",
    "Power outage on the distribution network affected street lighting; outside the partner's control.",
    "The council instructed a pause on works for a major event (clause 34.4, council-caused delay).",
    "Regional fuel supply disruption; relief event under clause 34.2.",
    "Access to schools was denied during exams at the council's request (clause 34.4).",
)
COMPARATORS = (
    "Hartwell Borough Council",
    "Kingsmere County Council",
    "Oakbridge Council",
    "Thornbury Vale District Council",
    "Westfold County Council",
    "Carrow Borough Council",
    "Elmsworth Council",
    "Ravensholt County Council",
    "Brackendale District Council",
    "Sutton Mallory Council",
)
BENEFITS = (
    ("Highways maintenance procurement savings", "cashable", 650_000, 0.95),
    ("Fewer compensation claims for highway defects", "cashable", 180_000, 0.8),
    ("Energy savings from LED street lighting", "cashable", 420_000, 1.05),
    ("Estate rationalisation: disposals and running costs", "cashable", 900_000, 0.7),
    ("Rental income from re-let commercial units", "income", 250_000, 0.9),
    ("Apprenticeships and local employment", "social", 120_000, 1.1),
    ("Officer time released by online highways reporting", "non_cashable", 95_000, 0.85),
    ("Carbon saved by estate decarbonisation (valued at government carbon values)", "social", 140_000, 0.75),
)
# obligation | contract clause | responsible | accountable | consulted | informed
RACI = _table("""
Submit monthly KPI returns with evidence | Schedule 3, para 2.1 | Meridian performance manager \
  | Partnership director (Meridian) | Council contract manager | Operational board
Validate KPI returns within 10 working days | Schedule 3, para 2.4 | Council client team \
  | Council contract manager | Meridian performance manager | Operational board
Approve the monthly payment statement | Schedule 4, para 6.1 | Council finance business partner \
  | Council's s151 officer | Council contract manager | Partnership director (Meridian)
Grant relief for relief events | Clause 34 | Council contract manager | Director of Environment \
  | Legal services | Partnership board
Annual review of the KPI set | Schedule 3, para 5 | Council contract manager | Partnership board \
  | Meridian performance manager; service users | Cabinet member for highways
Open-book cost reporting for gainshare | Schedule 4, para 9 | Meridian finance manager \
  | Partnership director (Meridian) | Council's s151 officer | Partnership board
Highway safety inspections to the inspection manual | Schedule 2, para 4.1 \
  | Meridian highways operations manager | Partnership director (Meridian) \
  | Council highways asset manager | Council contract manager
Statutory compliance of council buildings | Schedule 2, para 7.3 | Meridian compliance manager \
  | Partnership director (Meridian) | Council health and safety adviser | Building managers
Winter service decisions and gritting | Schedule 2, para 4.6 | Meridian duty officer \
  | Council highways asset manager | Met Office forecast service | Council communications team
Change control for variations | Clause 21 | Council contract manager | Partnership board \
  | Legal services; finance | Audit committee""")


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    """Seed the contract-management partnership's performance and payment records once."""
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None or Kpi.objects.filter(partnership=partnership).exists():
        return
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    last = month_start(today) - relativedelta(months=1)
    first = last - relativedelta(months=MONTHS - 1)
    editor, partner = people["editor@ashcombe.example"], people["partner@meridian.example"]
    owners = [editor, people["chris.morgan@ashcombe.example"], people["fatima.begum@ashcombe.example"]]
    kpis = _kpis(partnership, editor, owners, first)
    _target_changes(kpis, editor, today)
    _returns(kpis, first, last, now, rng, editor, partner)
    _mechanism(partnership, editor, first, last, rng)
    reliefs = _reliefs(partnership, kpis, editor, now, rng)
    _statements(partnership, editor, first, last, now, reliefs)
    _reviews(kpis, editor, today, rng)
    _benchmarks(kpis, editor, rng)
    _benefits(partnership, owners, first, today, editor, rng)
    for obligation, clause, responsible, accountable, consulted, informed in RACI:
        payment_services.responsibility_save(
            user=editor,
            partnership=partnership,
            data={
                "obligation": obligation,
                "clause_reference": clause,
                "responsible": responsible,
                "accountable": accountable,
                "consulted": consulted,
                "informed": informed,
            },
        )


def _kpis(
    partnership: Partnership, editor: Any, owners: list[Any], first: dt.date
) -> dict[str, tuple[Kpi, DemoKpi]]:
    found = {}
    for index, spec in enumerate(KPIS):
        first_period = first
        while not is_period_start(first_period, spec.frequency):
            first_period += relativedelta(months=1)
        kpi = services.kpi_create(
            user=editor,
            partnership=partnership,
            data={
                "reference": spec.reference,
                "name": spec.name,
                "definition": f"{spec.name}, as defined in Schedule 3 of the contract, for the whole county.",
                "measurement_method": "Counted from the partner's works management system at period end; the "
                "council samples 10% of records each period.",
                "measured_by": spec.measured_by,
                "unit": spec.unit,
                "direction": "higher" if spec.higher else "lower",
                "kpi_type": spec.kind,
                "baseline_value": Decimal(spec.baseline),
                "baseline_method": "Average of the 12 months before the service transferred, "
                "from council records.",
                "baseline_measured_on": first - relativedelta(months=8),
                "target": Decimal(_OLD_TARGETS.get(spec.reference, spec.target)),
                "failure_threshold": Decimal(spec.threshold),
                "frequency": spec.frequency,
                "first_period": first_period,
                "weight": Decimal("0.05"),
                "severity_points": spec.severity,
                "owner": owners[index % len(owners)],
                "published": spec.published,
                "return_due_days": 10,
            },
        )
        found[spec.reference] = (kpi, spec)
    return found


def _review_day(index: int, today: dt.date) -> dt.date:
    """The day the last indicator review of the index-th KPI was done (13 months ago)."""
    return today - relativedelta(months=13, days=index)


def _target_changes(kpis: dict[str, tuple[Kpi, DemoKpi]], editor: Any, today: dt.date) -> None:
    """Targets raised at the last indicator review apply from the first period after it (rule
    KPI-TARGET-IN-FORCE); the KPI's target field holds the newest target."""
    for index, (kpi, spec) in enumerate(kpis.values()):
        if spec.reference not in _OLD_TARGETS:
            continue
        applies_from = month_start(_review_day(index, today)) + relativedelta(months=1)
        while not is_period_start(applies_from, kpi.frequency):
            applies_from += relativedelta(months=1)
        reason = f"Changed at the indicator review of {long_date(_review_day(index, today))}"
        row = KpiTarget(
            kpi=kpi,
            effective_from=applies_from,
            target=Decimal(spec.target),
            failure_threshold=kpi.failure_threshold,
            reason=reason,
        )
        row._history_user = editor  # type: ignore[attr-defined]
        row.save()
        kpi.target = Decimal(spec.target)
        kpi._history_user, kpi._change_reason = editor, reason  # type: ignore[attr-defined]
        kpi.save()


def _value(spec: DemoKpi, step: int, rng: random.Random) -> Decimal:
    """Target plus some multiple of the target-threshold gap, improving over the years, with noise."""
    target, threshold = float(spec.target), float(spec.threshold)
    gap = abs(target - threshold)
    quality = spec.quality + 0.3 * step / MONTHS + spec.spread * rng.gauss(0, 1)
    if spec.reference == "PR-04" and 14 <= step <= 17:
        quality = -1.6 - 0.2 * rng.random()  # a bad patch: four failed months running (the ratchet applies)
    value = target + (gap if spec.higher else -gap) * quality
    if spec.unit == "%":
        value = min(100.0, max(0.0, value))
    return Decimal(str(round(value, 1)))


def _at(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(moment, now - dt.timedelta(minutes=30))


def _returns(
    kpis: dict[str, tuple[Kpi, DemoKpi]],
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
    rng: random.Random,
    editor: Any,
    partner: Any,
) -> None:
    records: list[KpiReturn] = []
    stories: list[tuple[KpiReturn, Decimal, str]] = []
    for kpi, spec in kpis.values():
        for step, period in enumerate(months(first, last)):
            if not is_period_start(period, kpi.frequency) or period_end(period, kpi.frequency) >= now.date():
                continue
            due = return_due_on(period, frequency=kpi.frequency, due_days=kpi.return_due_days)
            delay = rng.choice([3, 5, 6, 7, 8, 9, 10]) if rng.random() > 0.06 else rng.randint(12, 20)
            submitted = _at(period_end(period, kpi.frequency) + dt.timedelta(days=delay), 10 + step % 6, now)
            record = KpiReturn(
                kpi=kpi,
                period=period,
                value=_value(spec, step, rng),
                evidence_reference=(
                    f"Meridian monthly performance pack, {period:%B %Y}, section {spec.reference[:2]}"
                ),
                status=ReturnStatus.SUBMITTED,
                due_on=due,
                late=is_late(submitted.date(), due_on=due),
                submitted_by=partner,
                submitted_at=submitted,
            )
            record._history_date = submitted  # type: ignore[attr-defined]
            record._history_user = partner  # type: ignore[attr-defined]
            record._change_reason = "Submitted late" if record.late else "Submitted"  # type: ignore[attr-defined]
            records.append(record)
            if period < last and rng.random() < 0.012:
                stories.append((record, record.value, rng.choice(DISPUTE_REASONS)))
                record.value = (record.value * Decimal("1.04")).quantize(Decimal("0.1"))
    bulk_create_with_history(records, KpiReturn, batch_size=500)
    _validate(records, last, now, rng, editor, stories)
    _disputed_stories(stories, now, editor, partner)


def _validate(
    records: list[KpiReturn],
    last: dt.date,
    now: dt.datetime,
    rng: random.Random,
    editor: Any,
    stories: list[tuple[KpiReturn, Decimal, str]],
) -> None:
    """Validate most returns a few days after they arrive; leave some of last month's awaiting, and a few
    older ones disputed for good."""
    in_story = {id(record) for record, _, _ in stories}
    changed = []
    for record in records:
        if id(record) in in_story:
            continue
        if record.period >= last and rng.random() < 0.25:
            continue
        reviewed = _at(record.submitted_at.date() + dt.timedelta(days=rng.randint(2, 8)), 14, now)
        if record.period < last and rng.random() < 0.008:
            record.status, record.dispute_reason = ReturnStatus.DISPUTED, rng.choice(DISPUTE_REASONS)
            record._change_reason = f"Disputed: {record.dispute_reason}"[:100]  # type: ignore[attr-defined]
        else:
            record.status = ReturnStatus.VALIDATED
            record._change_reason = "Validated"  # type: ignore[attr-defined]
        record.reviewed_by, record.reviewed_at = editor, reviewed
        record._history_date, record._history_user = reviewed, editor  # type: ignore[attr-defined]
        changed.append(record)
    bulk_update_with_history(
        changed, KpiReturn, ["status", "dispute_reason", "reviewed_by", "reviewed_at"], batch_size=500
    )


def _disputed_stories(
    stories: list[tuple[KpiReturn, Decimal, str]], now: dt.datetime, editor: Any, partner: Any
) -> None:
    """Returns disputed by the council, corrected by the partner and then validated: every step saved."""
    for record, corrected, reason in stories:
        disputed_at = record.submitted_at + dt.timedelta(days=3)
        record.status, record.dispute_reason = ReturnStatus.DISPUTED, reason
        record.reviewed_by, record.reviewed_at = editor, disputed_at
        _step(record, editor, disputed_at, f"Disputed: {reason}"[:100])
        resubmitted = disputed_at + dt.timedelta(days=2)
        record.value, record.status = corrected, ReturnStatus.SUBMITTED
        record.submitted_at, record.reviewed_by, record.reviewed_at = resubmitted, None, None
        _step(record, partner, resubmitted, "Resubmitted after dispute")
        validated = resubmitted + dt.timedelta(days=2)
        record.status, record.reviewed_by, record.reviewed_at = ReturnStatus.VALIDATED, editor, validated
        _step(record, editor, min(validated, now), "Validated")


def _step(record: KpiReturn, user: Any, when: dt.datetime, reason: str) -> None:
    record._history_user, record._history_date, record._change_reason = user, when, reason  # type: ignore[attr-defined]
    record.save()


def _mechanism(
    partnership: Partnership, editor: Any, first: dt.date, last: dt.date, rng: random.Random
) -> None:
    mechanism = payment_services.mechanism_save(
        user=editor,
        partnership=partnership,
        data={
            "effective_from": first,
            "monthly_charge_gbp": Decimal("2000000"),
            "indexed_share": Decimal("0.35"),
            "index_name": "CPI (ONS D7BT)",
            "index_base": Decimal("120.0"),
            "points_threshold": 20,
            "point_value_gbp": Decimal("250"),
            "cap": Decimal("0.1"),
            "ratchet_consecutive": 3,
            "ratchet_multiplier": Decimal("1.5"),
            "gainshare_baseline_gbp": Decimal("24500000"),
        },
        bands=[
            {"from_point": 21, "to_point": 100, "multiplier": Decimal("1.0")},
            {"from_point": 101, "to_point": 200, "multiplier": Decimal("1.2")},
            {"from_point": 201, "to_point": None, "multiplier": Decimal("1.5")},
        ],
        gain_bands=[
            {"from_gbp": Decimal(0), "to_gbp": Decimal("500000"), "council_share": Decimal("0.5")},
            {"from_gbp": Decimal("500000"), "to_gbp": None, "council_share": Decimal("0.7")},
        ],
        pain_bands=[
            {"from_gbp": Decimal(0), "to_gbp": Decimal("250000"), "council_share": Decimal("0")},
            {"from_gbp": Decimal("250000"), "to_gbp": None, "council_share": Decimal("0.25")},
        ],
    )
    index, values = 120.0, []
    for month in months(first, last):
        index *= 1 + 0.0025 + rng.uniform(-0.002, 0.003)
        values.append(IndexValue(mechanism=mechanism, month=month, value=Decimal(str(round(index, 1)))))
    bulk_create_with_history(
        values, IndexValue, default_user=editor, default_change_reason="Published by ONS"
    )
    for year in range(financial_year(first), financial_year(last)):
        payment_services.gainshare_year_set(
            user=editor,
            mechanism=mechanism,
            year=year,
            actual_cost_gbp=Decimal(24_500_000 + rng.randint(-900_000, 350_000)),
            notes="From the partner's audited open-book accounts.",
        )


def _reliefs(
    partnership: Partnership,
    kpis: dict[str, tuple[Kpi, DemoKpi]],
    editor: Any,
    now: dt.datetime,
    rng: random.Random,
) -> list[ReliefEvent]:
    failures = [
        record
        for record in KpiReturn.objects.filter(kpi__partnership=partnership, status=ReturnStatus.VALIDATED)
        .select_related("kpi")
        .prefetch_related("kpi__targets")
        .order_by("period", "kpi__reference")
        if record.kpi.severity_points
        and record.kpi.reference != "PR-04"  # its bad patch stays unrelieved, so the ratchet shows
        and status_of(record.kpi, record.value, record.period) == Status.FAILED
    ]
    chosen = sorted(rng.sample(failures, k=min(7, len(failures))), key=lambda r: (r.period, r.kpi.reference))
    reliefs = []
    for record in chosen:
        month = record.period + relativedelta(
            months={"monthly": 0, "quarterly": 2}.get(record.kpi.frequency, 11)
        )
        relief = ReliefEvent(
            partnership=partnership,
            kpi=record.kpi,
            month=month,
            reason=rng.choice(RELIEF_REASONS),
            approved_by=editor,
            approved_on=min(month + relativedelta(months=1, days=9), now.date()),
        )
        relief._history_date = _at(relief.approved_on, 11, now)  # type: ignore[attr-defined]
        reliefs.append(relief)
    bulk_create_with_history(
        reliefs, ReliefEvent, default_user=editor, default_change_reason="Relief granted"
    )
    return reliefs


def _statements(
    partnership: Partnership,
    editor: Any,
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
    reliefs: list[ReliefEvent],
) -> None:
    """All 48 statements worked out in one engine run and approved, as the council would have each month:
    with their failing KPIs and ratchet state, and, where returns were still awaiting validation or
    disputed, the approver's recorded reason for approving anyway."""
    span = list(months(first, last))
    mechanism = payment_selectors.mechanism_of(partnership)
    computed = payment_selectors.compute_months(partnership, mechanism, span)
    if computed.error:
        raise RuntimeError(computed.error)
    statements = []
    for month in span:
        figures = computed.figures[month]
        approved = _at(month + relativedelta(months=1, days=17), 15, now)
        pending = payment_selectors.pending_returns(partnership, month)
        statement = PaymentStatement(
            partnership=partnership,
            month=month,
            status=StatementStatus.APPROVED,
            charge_gbp=figures.charge_gbp,
            points=figures.points,
            relieved_points=figures.relieved_points,
            deduction_before_cap_gbp=figures.deduction_before_cap_gbp,
            deduction_gbp=figures.deduction_gbp,
            capped=figures.capped,
            adjustment_total_gbp=figures.adjustment_total_gbp,
            payable_gbp=figures.payable_gbp,
            lines=list(figures.lines),
            created_by=editor,
            approved_by=editor,
            approved_at=approved,
            runs_stored=True,
        )
        if pending:
            statement.override_reason = (
                "Approved on the contract's payment date; the returns below were not validated then. Any "
                "failure validated later is deducted as an adjustment in a later statement."
            )
            statement.override_by, statement.override_at, statement.override_pending = (
                editor,
                approved,
                pending,
            )
        statement._history_date = approved  # type: ignore[attr-defined]
        statements.append(statement)
    bulk_create_with_history(
        statements, PaymentStatement, default_user=editor, default_change_reason="Approved and frozen"
    )
    by_month = {s.month: s for s in PaymentStatement.objects.filter(partnership=partnership)}
    items = [
        StatementItem(
            statement=by_month[month],
            kpi=failure.kpi,
            kpi_label=f"{failure.kpi.reference} {failure.kpi.name}",
            value=failure.value,
            target=failure.target,
            points=failure.points,
            relieved=failure.relief is not None,
            relief_reason=failure.relief.reason if failure.relief else "",
        )
        for month, month_input in computed.inputs.items()
        for failure in month_input.failures
    ]
    bulk_create_with_history(
        items, StatementItem, default_user=editor, default_change_reason="Frozen with the statement"
    )
    RatchetRun.objects.bulk_create(
        RatchetRun(
            statement=by_month[month],
            kpi_id=kpi_id,
            run=state.run,
            last_period=parse_month(state.last_period),
        )
        for month, runs in computed.runs.items()
        for kpi_id, state in runs.items()
    )


def _reviews(kpis: dict[str, tuple[Kpi, DemoKpi]], editor: Any, today: dt.date, rng: random.Random) -> None:
    reviews = []
    for index, (kpi, spec) in enumerate(kpis.values()):
        done_on = _review_day(index, today)
        outcome = ReviewOutcome.CHANGE_TARGET if spec.reference in _OLD_TARGETS else ReviewOutcome.KEEP
        notes = (
            f"Target raised from {_OLD_TARGETS.get(spec.reference)}{spec.unit} to {spec.target}{spec.unit} "
            "now the service is stable; the old target was met in most months last year."
            if outcome == ReviewOutcome.CHANGE_TARGET
            else "Still measures what residents care about; data source reliable. Keep as it is."
        )
        review = IndicatorReview(
            kpi=kpi,
            due_on=done_on - dt.timedelta(days=7),
            reviewed_on=done_on,
            reviewed_by=editor,
            outcome=outcome,
            new_target=kpi.target if outcome == ReviewOutcome.CHANGE_TARGET else None,
            new_target_from=(
                kpi.targets.order_by("-effective_from").values_list("effective_from", flat=True).first()
                if outcome == ReviewOutcome.CHANGE_TARGET
                else None
            ),
            notes=notes,
        )
        review._history_date = timezone.make_aware(dt.datetime.combine(done_on, dt.time(16)))  # type: ignore[attr-defined]
        reviews.append(review)
        # Three reviews are overdue; the rest fall due over the coming year.
        next_due = (
            today - dt.timedelta(days=12 + 9 * index)
            if index in (1, 8, 15)
            else today + relativedelta(months=1 + index % 11, days=rng.randint(0, 20))
        )
        reviews.append(IndicatorReview(kpi=kpi, due_on=next_due))
    bulk_create_with_history(reviews, IndicatorReview, default_user=editor, default_change_reason="Recorded")


def _benchmarks(kpis: dict[str, tuple[Kpi, DemoKpi]], editor: Any, rng: random.Random) -> None:
    for reference in ("HW-02", "PR-01", "FM-03"):
        kpi, spec = kpis[reference]
        ours = dict(
            KpiReturn.objects.filter(kpi=kpi, status=ReturnStatus.VALIDATED).values_list("period", "value")
        )
        periods = sorted(p for p in ours if p.month in (1, 4, 7, 10))[-8:]
        rows = ["council,period,value,source"]
        for council in COMPARATORS:
            strength = rng.gauss(0, 1)
            for period in periods:
                value = float(spec.target) + abs(float(spec.target) - float(spec.threshold)) * (
                    strength * 0.9 + rng.gauss(0, 0.4) - 0.2
                )
                value = min(100.0, max(0.0, value)) if spec.unit == "%" else value
                source = f"Regional benchmarking club, {period:%B %Y} return"
                rows.append(f'"{council}",{period:%Y-%m},{value:.1f},"{source}"')
        services.benchmark_import(
            user=editor, kpi=kpi, file_name=f"benchmark-{reference.lower()}.csv", text="\n".join(rows)
        )


def _benefits(
    partnership: Partnership,
    owners: list[Any],
    first: dt.date,
    today: dt.date,
    editor: Any,
    rng: random.Random,
) -> None:
    start, current = financial_year(first), financial_year(today)
    for index, (name, category, yearly, realisation) in enumerate(BENEFITS):
        values = []
        for offset in range(6):
            year = start + offset
            planned = Decimal(round(yearly * min(1.0, 0.5 + 0.25 * offset), -3))
            realised = None
            if year < current:
                realised = Decimal(round(float(planned) * realisation * rng.uniform(0.85, 1.1), -3))
            values.append({"year": year, "planned_gbp": planned, "realised_gbp": realised})
        services.benefit_save(
            user=editor,
            partnership=partnership,
            data={
                "name": name,
                "description": f"{name}, as set out in the business case benefits profile.",
                "category": category,
                "owner": owners[index % len(owners)],
                "evidence": "Realised values checked by the council's finance business partner against the "
                "ledger and the partner's open-book report.",
            },
            values=values,
        )
