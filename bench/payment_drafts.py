"""Benchmark: a draft payment statement at the end of a long contract (issue 9 item 11).

A 15-year contract (180 months) with 20 monthly KPIs, a ratchet and an index, whose first 179 statements are
approved (with the ratchet state stored on approval, as ``statement_approve`` does). The draft for month 180
is worked out two ways in the same run, through the same selector the draft statement page uses
(:func:`forbetter.payments.selectors.compute_months`):

- engine: from the stored state of month 179 (the month before the draft) - what the page does now;
- baseline: recomputed from the first month, as the page did before (``from_start=True``).

Both must give the same figures and lines, or the benchmark fails. The database is a throwaway in-memory
SQLite database built by Django's test machinery (migrations included), so nothing on disk is touched.

Run: ``python bench/payment_drafts.py`` (or ``make bench``); import it and call :func:`main` for the record.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from dateutil.relativedelta import relativedelta  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

_timing = importlib.import_module("bench._timing" if __package__ else "_timing")

MONTHS, KPIS = 180, 20
SEED = 20240402
FIRST = dt.date(2010, 4, 1)


def build() -> tuple[Any, Any, list[dt.date]]:
    """The partnership, its mechanism and the 180 months; statements 1-179 approved with stored runs."""
    from forbetter.accounts.models import Organisation, User
    from forbetter.partnerships.models import Partnership
    from forbetter.payments import selectors
    from forbetter.payments.models import (
        DeductionBand,
        IndexValue,
        PaymentMechanism,
        PaymentStatement,
        RatchetRun,
        StatementStatus,
    )
    from forbetter.performance.models import Kpi, KpiReturn, ReturnStatus
    from forbetter.performance.periods import months, parse_month

    rng = random.Random(SEED)
    council = Organisation.objects.create(name="Bench Council")
    user = User.objects.create(email="bench@example.test", organisation=council)
    partnership = Partnership.objects.create(name="Bench partnership", initiation_began_on=FIRST)
    mechanism = PaymentMechanism.objects.create(
        partnership=partnership,
        effective_from=FIRST,
        monthly_charge_gbp=Decimal("2000000"),
        indexed_share=Decimal("0.35"),
        index_base=Decimal("100"),
        points_threshold=20,
        point_value_gbp=Decimal("250"),
        cap=Decimal("0.1"),
        ratchet_consecutive=3,
        ratchet_multiplier=Decimal("1.5"),
    )
    for start, end, multiplier in ((21, 100, "1.0"), (101, 200, "1.2"), (201, None, "1.5")):
        DeductionBand.objects.create(
            mechanism=mechanism, from_point=start, to_point=end, multiplier=Decimal(multiplier)
        )
    span = list(months(FIRST, FIRST + relativedelta(months=MONTHS - 1)))
    IndexValue.objects.bulk_create(
        IndexValue(mechanism=mechanism, month=m, value=Decimal(str(round(100 * 1.0025**i, 2))))
        for i, m in enumerate(span)
    )
    kpis = [
        Kpi.objects.create(
            partnership=partnership,
            reference=f"B-{k:02d}",
            name=f"Bench indicator {k}",
            definition="-",
            measurement_method="-",
            measured_by="-",
            unit="%",
            kpi_type="output",
            target=Decimal("95"),
            failure_threshold=Decimal("90"),
            first_period=FIRST,
            severity_points=rng.choice([5, 10, 15, 25]),
        )
        for k in range(KPIS)
    ]
    now = timezone.now()
    KpiReturn.objects.bulk_create(
        KpiReturn(
            kpi=kpi,
            period=month,
            value=Decimal("80") if rng.random() < 0.12 else Decimal("97"),
            status=ReturnStatus.VALIDATED,
            due_on=month + relativedelta(months=1, days=10),
            submitted_by=user,
            submitted_at=now,
            reviewed_by=user,
            reviewed_at=now,
        )
        for kpi in kpis
        for month in span
    )
    frozen = span[:-1]
    computed = selectors.compute_months(partnership, selectors.mechanism_of(partnership), frozen)
    PaymentStatement.objects.bulk_create(
        PaymentStatement(
            partnership=partnership,
            month=month,
            status=StatementStatus.APPROVED,
            charge_gbp=computed.figures[month].charge_gbp,
            points=computed.figures[month].points,
            relieved_points=computed.figures[month].relieved_points,
            deduction_before_cap_gbp=computed.figures[month].deduction_before_cap_gbp,
            deduction_gbp=computed.figures[month].deduction_gbp,
            capped=computed.figures[month].capped,
            adjustment_total_gbp=Decimal(0),
            payable_gbp=computed.figures[month].payable_gbp,
            lines=list(computed.figures[month].lines),
            created_by=user,
            approved_by=user,
            approved_at=now,
            runs_stored=True,
        )
        for month in frozen
    )
    by_month = {s.month: s for s in PaymentStatement.objects.filter(partnership=partnership)}
    RatchetRun.objects.bulk_create(
        RatchetRun(statement=by_month[m], kpi_id=kpi_id, run=s.run, last_period=parse_month(s.last_period))
        for m, runs in computed.runs.items()
        for kpi_id, s in runs.items()
    )
    PaymentStatement.objects.create(partnership=partnership, month=span[-1], created_by=user)
    return partnership, mechanism, span


def main(*, repeats: int = 3) -> dict[str, Any]:
    """Build the contract, time the draft both ways (best of ``repeats``), check they agree, report."""
    from forbetter.payments import selectors

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        partnership, _, span = build()
        draft = [span[-1]]

        def stored() -> Any:
            return selectors.compute_months(partnership, selectors.mechanism_of(partnership), draft)

        def recomputed() -> Any:
            return selectors.compute_months(
                partnership, selectors.mechanism_of(partnership), draft, from_start=True
            )

        engine_s = _timing.best_of(stored, repeats)
        baseline_s = _timing.best_of(recomputed, repeats)
        a, b = stored().figures[span[-1]], recomputed().figures[span[-1]]
        agree = (a.payable_gbp, a.lines) == (b.payable_gbp, b.lines)
        if not agree:
            raise SystemExit("payment drafts bench: the stored-state draft and the recomputation disagree")
        print(
            f"payment drafts: the draft for month {MONTHS} of a {MONTHS}-month contract with {KPIS} KPIs, "
            f"from month {MONTHS - 1}'s stored ratchet state vs recomputed from month 1; figures agree"
        )
        return _timing.report(
            "payment_drafts",
            engine_s,
            baseline_s,
            {"months": MONTHS, "kpis": KPIS, "agree": agree, "payable": str(a.payable_gbp)},
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
    sys.exit(0)
