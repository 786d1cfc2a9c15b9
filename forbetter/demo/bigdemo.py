"""The large demo of DESIGN section 7: 200 partnerships, 20,000 risks and 1,000,000 KPI values.

It exists to measure pages at volume (``make bigdemo`` then ``make bench``), so it is built with bulk
loading, not through the services one row at a time:

- partnerships, their tasks, risks, risk actions and KPIs are inserted with ``bulk_create_with_history``,
  so each gets exactly one "Created in bulk" history row, written deliberately in the same batches;
- the KPI returns (the million values) are inserted in batches of 5,000 rows by one parameterised INSERT
  (what ``bulk_create`` sends, without a model instance per row). No signal runs, so django-simple-history
  writes no row for them: a return's history starts at its
  first edit. A million creation rows would double the database and show nothing a reader needs.
- a payment statement for every month of KPI values (40,000): approved and frozen with the figures the
  statements pages work out, except the last three months, which are drafts (see ``_statements``).

The figures are fictional and spread by a seeded random generator, so two builds are identical.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from forbetter.accounts.models import Organisation
from forbetter.calc import payment as engine
from forbetter.framework.loader import load_framework
from forbetter.framework.models import Action
from forbetter.partnerships.models import Partnership, Stage, Task, Vehicle
from forbetter.payments import selectors as payment_selectors
from forbetter.payments.models import (
    DeductionBand,
    PaymentMechanism,
    PaymentStatement,
    RatchetRun,
    StatementItem,
    StatementStatus,
)
from forbetter.performance.models import Kpi, KpiAgreement, KpiReturn, KpiType, ReturnStatus
from forbetter.performance.periods import parse_month
from forbetter.risks.models import (
    ActionStatus,
    Allocation,
    ReviewFrequency,
    Risk,
    RiskAction,
    RiskCategory,
    Transferability,
)
from forbetter.risks.reference import load_risk_categories

from .people import seed_people

NAME_PREFIX = "Big demo partnership"
BATCH = 5_000
STATEMENT_DRAFTS = 3  # the last months' statements are drafts; the two newest wait for validated returns
NOON = dt.time(12)


@dataclass(frozen=True)
class Volume:
    """How much to build. The default is DESIGN section 7's: 200 × 100 risks, 200 × 25 KPIs × 200 months."""

    partnerships: int = 200
    risks_per_partnership: int = 100
    kpis_per_partnership: int = 25
    months: int = 200

    @property
    def risks(self) -> int:
        return self.partnerships * self.risks_per_partnership

    @property
    def kpi_values(self) -> int:
        return self.partnerships * self.kpis_per_partnership * self.months


class AlreadyBuiltError(Exception):
    """The big demo is in this database already; building it twice would duplicate nothing useful."""


def partnership_name(index: int, prefix: str = NAME_PREFIX) -> str:
    return f"{prefix} {index + 1:03d}"


def build(
    volume: Volume | None = None,
    *,
    today: dt.date | None = None,
    prefix: str = NAME_PREFIX,
    say: Callable[[str], None] = lambda _line: None,
) -> dict[str, float]:
    """Build the big demo in one transaction; return the seconds each part took, and the total.

    Partnerships are named ``prefix`` and a number (the benchmark builds a small and a big set side by
    side). Raises :class:`AlreadyBuiltError` (and changes nothing) if the first of them exists already.
    """
    volume = volume or Volume()
    today = today or dt.date.today()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        if Partnership.objects.filter(name=partnership_name(0, prefix)).exists():
            raise AlreadyBuiltError(
                "The big demo is already in this database; nothing was changed. "
                "Point DATABASE_URL at an empty database (or delete forbetter-big.sqlite3) to build it again."
            )
        load_framework()
        if not RiskCategory.objects.exists():
            load_risk_categories()
        people = seed_people()
        editor = people["editor@ashcombe.example"]
        partner_user = people["partner@meridian.example"]
        rng = random.Random(2026)

        part = time.perf_counter()
        partnerships = _partnerships(volume, people, today, prefix)
        timings["partnerships_and_tasks_s"] = time.perf_counter() - part
        say(
            f"{len(partnerships)} partnerships and their tasks in {timings['partnerships_and_tasks_s']:.1f} s"
        )

        part = time.perf_counter()
        _risks(volume, partnerships, editor, today, rng)
        timings["risks_s"] = time.perf_counter() - part
        say(f"{volume.risks:,} risks and their actions in {timings['risks_s']:.1f} s")

        _mechanisms(partnerships, editor, today.replace(day=1) - relativedelta(months=volume.months))

        part = time.perf_counter()
        _kpi_values(volume, partnerships, editor, partner_user, today, rng)
        timings["kpi_values_s"] = time.perf_counter() - part
        say(f"{volume.kpi_values:,} KPI values in {timings['kpi_values_s']:.1f} s")

        part = time.perf_counter()
        approved, drafts = _statements(volume, partnerships, editor, today, say)
        timings["statements_s"] = time.perf_counter() - part
        say(
            f"{approved:,} approved and {drafts:,} draft payment statements "
            f"in {timings['statements_s']:.1f} s"
        )
    timings["total_s"] = time.perf_counter() - started
    return timings


def _partnerships(volume: Volume, people: dict[str, Any], today: dt.date, prefix: str) -> list[Partnership]:
    editor = people["editor@ashcombe.example"]
    council = people["Ashcombe County Council"]
    partner = people["Meridian Public Services Ltd"]
    assert isinstance(council, Organisation)
    assert isinstance(partner, Organisation)
    service_start = today.replace(day=1) - relativedelta(months=volume.months)
    partnerships = bulk_create_with_history(
        [
            Partnership(
                name=partnership_name(index, prefix),
                description="A fictional partnership in the large demo, for measuring pages at volume.",
                partner=partner,
                vehicle=Vehicle.CONTRACT,
                stage=Stage.CONTRACT_MANAGEMENT,
                initiation_began_on=service_start - relativedelta(years=3),
                procurement_began_on=service_start - relativedelta(years=2),
                contract_management_began_on=service_start,
                planned_start_on=service_start,
                term_years=20,
                estimated_value_gbp=Decimal(10_000_000 + 250_000 * index),
            )
            for index in range(volume.partnerships)
        ],
        Partnership,
        batch_size=BATCH,
        default_user=editor,
        default_change_reason="Created in bulk for the large demo",
    )
    # Re-read with primary keys (not every database returns them from a bulk insert).
    partnerships = list(Partnership.objects.filter(name__startswith=f"{prefix} ").order_by("name"))
    Partnership.councils.through.objects.bulk_create(
        [Partnership.councils.through(partnership=p, organisation=council) for p in partnerships]
    )
    actions = list(Action.objects.order_by("pk"))
    bulk_create_with_history(
        [Task(partnership=p, action=action) for p in partnerships for action in actions],
        Task,
        batch_size=BATCH,
        default_user=editor,
        default_change_reason="Created with the partnership",
    )
    return partnerships


def _risks(
    volume: Volume, partnerships: list[Partnership], editor: Any, today: dt.date, rng: random.Random
) -> None:
    categories = list(RiskCategory.objects.order_by("pk"))
    frequencies = list(ReviewFrequency.values)
    risks = []
    for partnership in partnerships:
        for number in range(1, volume.risks_per_partnership + 1):
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            quantified = number % 2 == 0
            low = Decimal(rng.randrange(10_000, 100_000))
            risks.append(
                Risk(
                    partnership=partnership,
                    number=number,
                    title=f"Large demo risk {number}",
                    category=categories[number % len(categories)],
                    description="A fictional risk for measuring the register at volume.",
                    owner=editor,
                    allocation=Allocation.COUNCIL if number % 3 else Allocation.PARTNER,
                    transferability=Transferability.RETAINED,
                    inherent_likelihood=likelihood,
                    inherent_impact=impact,
                    residual_likelihood=max(1, likelihood - 1),
                    residual_impact=max(1, impact - 1),
                    review_frequency=frequencies[number % len(frequencies)],
                    next_review_on=today + dt.timedelta(days=rng.randint(-60, 120)),
                    probability=Decimal("0.2500") if quantified else None,
                    distribution="pert" if quantified else "",
                    impact_minimum_gbp=low if quantified else None,
                    impact_most_likely_gbp=low * 2 if quantified else None,
                    impact_maximum_gbp=low * 5 if quantified else None,
                )
            )
    bulk_create_with_history(
        risks, Risk, batch_size=BATCH, default_user=editor, default_change_reason="Created in bulk"
    )
    ids = Risk.objects.filter(partnership__in=partnerships).values_list("pk", flat=True).iterator()
    bulk_create_with_history(
        [
            RiskAction(
                risk_id=risk_id,
                description="Review the controls with the partner.",
                owner=editor,
                due_on=today + dt.timedelta(days=30 + risk_id % 90),
                status=ActionStatus.IN_PROGRESS if risk_id % 4 else ActionStatus.DONE,
            )
            for risk_id in ids
        ],
        RiskAction,
        batch_size=BATCH,
        default_user=editor,
        default_change_reason="Created in bulk",
    )


def _mechanisms(partnerships: list[Partnership], editor: Any, service_start: dt.date) -> None:
    """DESIGN section 5's example payment mechanism for each partnership, from the service start, so the
    statements pages have every month of KPI values to price."""
    bulk_create_with_history(
        [
            PaymentMechanism(
                partnership=partnership,
                effective_from=service_start,
                monthly_charge_gbp=Decimal("100000"),
                points_threshold=20,
                point_value_gbp=Decimal("3"),
                cap=Decimal("0.1"),
            )
            for partnership in partnerships
        ],
        PaymentMechanism,
        batch_size=BATCH,
        default_user=editor,
        default_change_reason="Created in bulk",
    )
    mechanisms = PaymentMechanism.objects.filter(partnership__in=partnerships)
    bulk_create_with_history(
        [
            DeductionBand(mechanism=mechanism, from_point=start, to_point=end, multiplier=Decimal(multiplier))
            for mechanism in mechanisms
            for start, end, multiplier in ((21, 100, "1.0"), (101, 200, "1.2"), (201, None, "1.5"))
        ],
        DeductionBand,
        batch_size=BATCH,
        default_user=editor,
        default_change_reason="Created in bulk",
    )


def _kpi_values(
    volume: Volume,
    partnerships: list[Partnership],
    editor: Any,
    partner_user: Any,
    today: dt.date,
    rng: random.Random,
) -> None:
    first_period = today.replace(day=1) - relativedelta(months=volume.months)
    bulk_create_with_history(
        [
            Kpi(
                partnership=partnership,
                reference=f"BD-{number:02d}",
                name=f"Large demo indicator {number}",
                definition="Share of requests completed within the agreed time.",
                measurement_method="Counted from the partner's case system each month.",
                measured_by="The partner",
                unit="%",
                kpi_type=KpiType.OUTPUT,
                target=Decimal("90"),
                failure_threshold=Decimal("80"),
                first_period=first_period,
                weight=Decimal(1) / volume.kpis_per_partnership,
                severity_points=5,
                agreement=KpiAgreement.AGREED,  # the contracts are live: their KPIs were agreed at award
            )
            for partnership in partnerships
            for number in range(1, volume.kpis_per_partnership + 1)
        ],
        Kpi,
        batch_size=BATCH,
        default_user=editor,
        default_change_reason="Created in bulk",
    )
    kpi_ids = list(
        Kpi.objects.filter(partnership__in=partnerships).order_by("pk").values_list("pk", flat=True)
    )
    now = timezone.now()
    # The million rows go in through the cursor in batches of parameter tuples: the same INSERT that
    # bulk_create sends, without building a model instance per row (about ten times faster).
    fields = ["kpi_id", "period", "value", "commentary", "evidence_file", "evidence_name", "evidence_type"]
    fields += ["evidence_reference", "status", "due_on", "late", "submitted_by_id", "submitted_at"]
    fields += ["reviewed_by_id", "reviewed_at", "dispute_reason"]
    column_of = {f.attname: str(f.column) for f in KpiReturn._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(KpiReturn._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in _returns(kpi_ids, volume.months, first_period, editor.pk, partner_user.pk, now, rng):
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _statements(
    volume: Volume,
    partnerships: list[Partnership],
    editor: Any,
    today: dt.date,
    say: Callable[[str], None],
) -> tuple[int, int]:
    """A payment statement for every month of KPI values: approved and frozen up to the last few months,
    drafts for those (the last two wait for returns to be validated). Each partnership's approved figures
    come from one run of the engine over all its months (the statements pages' own computation), and the
    ratchet state is stored with the last approved month only, so a draft carries on from there as it does
    after an approval. Statements get a history row each; their frozen failing KPIs and ratchet rows are
    bulk inserted without history (like the KPI values): they never change after approval."""
    first_period = today.replace(day=1) - relativedelta(months=volume.months)
    periods = [first_period + relativedelta(months=step) for step in range(volume.months)]
    drafts = min(STATEMENT_DRAFTS, len(periods))
    frozen_months, draft_months = periods[: len(periods) - drafts], periods[len(periods) - drafts :]
    statements: list[PaymentStatement] = []
    items: list[tuple[int, dt.date, payment_selectors.Item]] = []
    runs: list[tuple[int, dt.date, int, engine.RunState]] = []
    for done, partnership in enumerate(partnerships, start=1):
        if done % 25 == 0:
            say(f"  statements worked out for {done} of {len(partnerships)} partnerships")
        mechanism = payment_selectors.mechanism_of(partnership)
        computed = payment_selectors.compute_months(partnership, mechanism, frozen_months, from_start=True)
        if computed.error:
            raise RuntimeError(f"{partnership}: {computed.error}")
        for month in frozen_months:
            figures = computed.figures[month]
            approved_at = timezone.make_aware(
                dt.datetime.combine(month + relativedelta(months=1, days=19), NOON)
            )
            statements.append(
                PaymentStatement(
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
                    approved_at=approved_at,
                    runs_stored=month == frozen_months[-1],
                )
            )
            items += [
                (partnership.pk, month, item)
                for item in payment_selectors.failure_items(computed.inputs[month])
            ]
        if frozen_months:
            last = computed.runs[frozen_months[-1]]
            runs += [(partnership.pk, frozen_months[-1], kpi_id, state) for kpi_id, state in last.items()]
        statements += [
            PaymentStatement(partnership=partnership, month=month, created_by=editor)
            for month in draft_months
        ]
    bulk_create_with_history(
        statements,
        PaymentStatement,
        batch_size=BATCH,
        default_user=editor,
        default_change_reason="Created in bulk for the large demo",
    )
    ids = {
        (partnership_id, month): pk
        for pk, partnership_id, month in PaymentStatement.objects.filter(
            partnership__in=partnerships
        ).values_list("pk", "partnership_id", "month")
    }
    StatementItem.objects.bulk_create(
        (
            StatementItem(
                statement_id=ids[(partnership_id, month)],
                kpi_id=item.kpi_id,
                kpi_label=item.label,
                value=item.value,
                target=item.target,
                points=item.points,
                relieved=item.relieved,
                relief_reason=item.reason,
                deemed=item.deemed,
            )
            for partnership_id, month, item in items
        ),
        batch_size=BATCH,
    )
    RatchetRun.objects.bulk_create(
        (
            RatchetRun(
                statement_id=ids[(partnership_id, month)],
                kpi_id=kpi_id,
                run=state.run,
                last_period=parse_month(state.last_period),
            )
            for partnership_id, month, kpi_id, state in runs
        ),
        batch_size=BATCH,
    )
    return len(frozen_months) * len(partnerships), len(draft_months) * len(partnerships)


def _returns(
    kpi_ids: list[int],
    months: int,
    first_period: dt.date,
    editor_id: int,
    partner_user_id: int,
    now: dt.datetime,
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    """One parameter tuple per return, in the column order of ``_kpi_values``' INSERT."""
    periods = [first_period + relativedelta(months=step) for step in range(months)]
    due = [period + relativedelta(months=1) + dt.timedelta(days=9) for period in periods]

    def stamp(day: dt.date) -> Any:
        return connection.ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(day, NOON)))

    # Submitted two days before the due date and validated three days after it (never after now), so a
    # month's returns are all validated before its statement is approved, as in practice.
    submitted = [stamp(min(day - dt.timedelta(days=2), now.date())) for day in due]
    reviewed = [stamp(min(day + dt.timedelta(days=3), now.date())) for day in due]
    for kpi_id in kpi_ids:
        for step, period in enumerate(periods):
            validated = step < months - 2
            yield (
                kpi_id,
                period,
                str(Decimal(rng.randint(7_000, 10_000)) / 100),
                "",
                "",
                "",
                "",
                "",
                ReturnStatus.VALIDATED.value if validated else ReturnStatus.SUBMITTED.value,
                due[step],
                False,
                partner_user_id,
                submitted[step],
                editor_id if validated else None,
                reviewed[step] if validated else None,
                "",
            )
