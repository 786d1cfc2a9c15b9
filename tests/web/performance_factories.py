"""Builders for KPI and payment records in the performance and payments tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from forbetter.partnerships.models import Partnership
from forbetter.payments.models import DeductionBand, PaymentMechanism
from forbetter.performance.models import Kpi, KpiReturn, ReturnStatus
from forbetter.performance.rules import return_due_on

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "evidence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_kpi(partnership: Partnership, reference: str = "K-01", **fields: Any) -> Kpi:
    values: dict[str, Any] = {
        "name": f"Indicator {reference}",
        "definition": "What is counted",
        "measurement_method": "From the works system",
        "measured_by": "Partner",
        "unit": "%",
        "direction": "higher",
        "kpi_type": "outcome",
        "target": Decimal("95"),
        "failure_threshold": Decimal("90"),
        "frequency": "monthly",
        "first_period": dt.date(2024, 1, 1),
        "severity_points": 10,
    }
    values.update(fields)
    return Kpi.objects.create(partnership=partnership, reference=reference, **values)


def make_return(
    kpi: Kpi, period: dt.date, value: str | Decimal, *, user: Any, status: str = ReturnStatus.VALIDATED
) -> KpiReturn:
    due = return_due_on(period, frequency=kpi.frequency, due_days=kpi.return_due_days)
    return KpiReturn.objects.create(
        kpi=kpi,
        period=period,
        value=Decimal(value),
        status=status,
        due_on=due,
        submitted_by=user,
        submitted_at=timezone.make_aware(dt.datetime.combine(due, dt.time(9))),
        dispute_reason="Wrong" if status == ReturnStatus.DISPUTED else "",
    )


def make_mechanism(
    partnership: Partnership, *, effective_from: dt.date = dt.date(2024, 1, 1), **fields: Any
) -> PaymentMechanism:
    """DESIGN section 5's example: threshold 20, bands 21-100 x1.0, 101-200 x1.2, 201+ x1.5, £3 a point."""
    values: dict[str, Any] = {
        "monthly_charge_gbp": Decimal("100000"),
        "points_threshold": 20,
        "point_value_gbp": Decimal("3"),
        "cap": Decimal("0.1"),
    }
    values.update(fields)
    mechanism = PaymentMechanism.objects.create(
        partnership=partnership, effective_from=effective_from, **values
    )
    for start, end, multiplier in ((21, 100, "1.0"), (101, 200, "1.2"), (201, None, "1.5")):
        DeductionBand.objects.create(
            mechanism=mechanism, from_point=start, to_point=end, multiplier=Decimal(multiplier)
        )
    return mechanism
