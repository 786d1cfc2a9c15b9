"""The contract-changes area: change requests with their impact assessment and decision, the cumulative value
of approved changes against the original contract value, the Procurement Act 2023's contract change notice,
and approved changes applied to the monthly charge and KPI targets from a date. Both sides read every page
(the partner is a party to every change); council editors change them. Declared once for navigation, the
demo, the overview, the value-for-money-over-the-life page and the permission matrix (see
:mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from forbetter.calc.dates import financial_year
from forbetter.changes import pack, selectors, services
from forbetter.changes.models import ChangeRequest, ChangeStatus
from forbetter.core.areas import Area, Section, confirm, first_pk, form, page
from forbetter.core.history import money
from forbetter.core.life import LifeActual
from forbetter.partnerships.models import Partnership


def _change(partnership: Partnership) -> dict[str, int]:
    return {"change_pk": first_pk(ChangeRequest.objects.filter(partnership=partnership), "change request")}


def _open_change(partnership: Partnership) -> dict[str, int]:
    found = ChangeRequest.objects.filter(partnership=partnership, status__in=("requested", "assessed"))
    return {"change_pk": first_pk(found, "open change request")}


def _approved_change(partnership: Partnership) -> dict[str, int]:
    found = ChangeRequest.objects.filter(partnership=partnership, status=ChangeStatus.APPROVED)
    return {"change_pk": first_pk(found, "approved change request")}


def examples(partnership: Partnership, user: Any) -> None:
    """An approved change that moves the monthly charge from January 2025 (after the payments area's approved
    statement) and an open, assessed change; both on the payments area's mechanism and the performance
    area's KPI."""
    from forbetter.payments.area import examples as payment_examples  # the mechanism and a KPI

    payment_examples(partnership, user)
    if not ChangeRequest.objects.filter(partnership=partnership, status=ChangeStatus.APPROVED).exists():
        approved = services.change_save(
            user=user,
            partnership=partnership,
            data={
                "reference": "CR-001",
                "title": "Extra winter gritting route",
                "description": "Add a gritting route",
                "raised_by": "Head of highways",
                "raised_by_side": "council",
                "raised_on": dt.date(2024, 10, 1),
            },
        )
        services.assessment_record(
            user=user,
            change=approved,
            data={
                "value_gbp": Decimal(120_000),
                "value_basis": "per_year",
                "effective_from": dt.date(2025, 1, 1),
                "new_monthly_charge_gbp": Decimal(110_000),
                "assessed_on": dt.date(2024, 11, 1),
            },
        )
        services.decision_record(
            user=user,
            change=approved,
            data={
                "decision": "approved",
                "decided_on": dt.date(2024, 12, 1),
                "decided_by": "Partnership board",
                "decision_reason": "Needed for resilience",
            },
        )
    if not ChangeRequest.objects.filter(
        partnership=partnership, status__in=("requested", "assessed")
    ).exists():
        open_change = services.change_save(
            user=user,
            partnership=partnership,
            data={
                "reference": "CR-002",
                "title": "Change the pothole KPI",
                "description": "Tighten the target",
                "raised_by": "Contract manager",
                "raised_by_side": "partner",
                "raised_on": dt.date(2024, 10, 1),
            },
        )
        services.assessment_record(
            user=user,
            change=open_change,
            data={
                "value_gbp": Decimal(10_000),
                "value_basis": "one_off",
                "effective_from": dt.date(2025, 2, 1),
                "assessed_on": dt.date(2024, 11, 1),
            },
        )


def life_actuals(partnership: Partnership) -> list[LifeActual]:
    """Approved changes' value by financial year, to date: a one-off change in the year it takes effect, a
    yearly one a twelfth of its yearly value for each month from its date up to last month. Not counted in
    the totals: the charges paid already include them."""
    today = timezone.localdate()
    by_year: dict[int, Decimal] = {}
    changes = ChangeRequest.objects.filter(
        partnership=partnership, status=ChangeStatus.APPROVED, effective_from__isnull=False
    ).exclude(value_gbp__isnull=True)
    for change in changes:
        start, value = change.effective_from, change.value_gbp
        assert start is not None
        assert value is not None
        if change.value_basis == "per_year":
            months: dict[int, int] = {}
            month = start
            while month < today.replace(day=1):
                months[financial_year(month)] = months.get(financial_year(month), 0) + 1
                month = (month + dt.timedelta(days=32)).replace(day=1)
            for year, count in months.items():
                share = (value * count / 12).quantize(Decimal("0.01"))
                by_year[year] = by_year.get(year, Decimal(0)) + share
        elif start <= today:
            by_year[financial_year(start)] = by_year.get(financial_year(start), Decimal(0)) + value
    if not by_year:
        return []
    total = sum(by_year.values(), Decimal(0))
    return [
        LifeActual(
            label="Approved contract changes",
            kind="cost",
            category="operating",
            by_year=by_year,
            explanation=f"The value of approved contract changes to date, {money(total)}: one-off changes in "
            "the year they take effect, yearly ones for each month since. Already inside the charges paid, "
            "so not added to the totals.",
            counts=False,
            source_url=reverse("changes:register", args=[partnership.pk]),
        )
    ]


AREA = Area(
    glance=selectors.at_a_glance,
    glance_template="changes/_glance.html",
    life_actuals=life_actuals,
    app="changes",
    routes=(
        page("register"),
        form("change-create"),
        form("terms"),
        form("group-create"),
        page("change", kwargs=_change),
        form("change-edit", kwargs=_open_change),
        form("assessment", kwargs=_open_change),
        form("kpi-effect-add", kwargs=_open_change),
        form("decision", kwargs=_open_change),
        form("notice", kwargs=_approved_change),
        confirm("change-apply", kwargs=_approved_change),
    ),
    sections=(Section("changes", "Contract changes", "changes:register", 72),),
    demo="forbetter.demo.changes",
    examples=examples,
    pack_sections=pack.pack_sections,
)
