"""Writes to the client-side capacity records. Keyword-only, one transaction each, council editors only,
history recorded (:func:`forbetter.core.history.save_as`).

Bad input is refused with a ``ValidationError`` keyed by field, each message saying what is wrong, and
nothing is saved. A team role without a cost is refused (issue 13: "a team role without a cost").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.permissions import can_edit
from forbetter.calc.capacity import year_label
from forbetter.capacity.models import (
    Adviser,
    CapacityTarget,
    ProcurementBudgetLine,
    ResourceActual,
    TeamRole,
)
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership

ROLE_FIELDS = (
    "title",
    "grade",
    "fte",
    "cost_per_year_gbp",
    "first_year",
    "last_year",
    "holder",
    "responsibilities",
    "skills_needed",
    "skills_held",
)
ACTUAL_FIELDS = ("year", "cost_gbp", "fte", "note")
BUDGET_FIELDS = ("category", "budget_gbp", "actual_gbp", "note")
ADVISER_FIELDS = ("adviser_type", "firm", "provision", "fees_gbp", "days", "work", "value_note")
TARGET_FIELDS = ("minimum_share", "maximum_share", "reason")

NO_COST = (
    "Enter the role's cost per year: a team role without a cost cannot be planned or compared with actuals"
)


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change the client-side records")


def _assign(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            value = data[key]
            setattr(record, key, value.strip() if isinstance(value, str) else value)


def _required(record: Any, messages: dict[str, str]) -> None:
    """Each named field must have a value; the message says which is missing."""
    errors = {
        field: message
        for field, message in messages.items()
        if getattr(record, field) is None or getattr(record, field) == ""
    }
    if errors:
        raise ValidationError(errors)


def _check(record: Any) -> None:
    """The model's own limits (lengths, ranges), after the specific checks above."""
    record.full_clean(exclude=["partnership"])


# ------------------------------------------------------------------------------------------------------
# The team plan
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def role_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], role: TeamRole | None = None
) -> TeamRole:
    """Add or change a role of the client team plan."""
    _require_editor(user)
    creating = role is None
    role = role or TeamRole(partnership=partnership)
    _assign(role, data, ROLE_FIELDS)
    _required(
        role,
        {
            "title": "Enter the role's title",
            "fte": "Enter the role's full-time equivalents, like 1 for a full-time post or 0.5 for half",
            "cost_per_year_gbp": NO_COST,
            "first_year": "Enter the first financial year the role is needed, like 2025 for 2025/26",
            "last_year": "Enter the last financial year the role is needed, like 2030 for 2030/31",
        },
    )
    if role.fte <= 0:
        raise ValidationError({"fte": "Full-time equivalents must be more than 0"})
    if role.cost_per_year_gbp is not None and role.cost_per_year_gbp < 0:
        raise ValidationError({"cost_per_year_gbp": "The cost per year cannot be negative"})
    if role.last_year < role.first_year:
        raise ValidationError(
            {
                "last_year": f"The last year ({year_label(role.last_year)}) cannot be before the first "
                f"year ({year_label(role.first_year)})"
            }
        )
    _check(role)
    save_as(role, user, "Created" if creating else "")
    return role


@transaction.atomic
def role_remove(*, user: Any, role: TeamRole) -> None:
    """Take a role out of the plan; the removal stays in the role's history."""
    _require_editor(user)
    role._history_user = user  # type: ignore[attr-defined]
    role._change_reason = "Removed from the team plan"  # type: ignore[attr-defined]
    role.delete()


# ------------------------------------------------------------------------------------------------------
# Actual client-side resource
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def actual_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], actual: ResourceActual | None = None
) -> ResourceActual:
    """Record (or correct) what the client team cost, and its FTE, in one financial year."""
    _require_editor(user)
    creating = actual is None
    actual = actual or ResourceActual(partnership=partnership)
    _assign(actual, data, ACTUAL_FIELDS)
    _required(
        actual,
        {
            "year": "Enter the financial year, like 2025 for 2025/26",
            "cost_gbp": "Enter what the client team actually cost in the year",
            "fte": "Enter the client team's actual full-time equivalents in the year (0 if none)",
        },
    )
    duplicate = ResourceActual.objects.filter(partnership=partnership, year=actual.year)
    if duplicate.exclude(pk=actual.pk).exists():
        raise ValidationError(
            {"year": f"Actuals for {year_label(actual.year)} are already recorded: change those instead"}
        )
    _check(actual)
    save_as(actual, user, "Created" if creating else "")
    return actual


# ------------------------------------------------------------------------------------------------------
# Procurement budget
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def budget_line_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    line: ProcurementBudgetLine | None = None,
) -> ProcurementBudgetLine:
    """Add or change the procurement budget (and actual spend) of one category."""
    _require_editor(user)
    creating = line is None
    line = line or ProcurementBudgetLine(partnership=partnership)
    _assign(line, data, BUDGET_FIELDS)
    _required(
        line,
        {
            "category": "Choose the category of spending",
            "budget_gbp": "Enter the budget for the category (0 if none was set)",
        },
    )
    duplicate = ProcurementBudgetLine.objects.filter(partnership=partnership, category=line.category)
    if duplicate.exclude(pk=line.pk).exists():
        raise ValidationError(
            {"category": f"There is already a budget for {line.get_category_display()}: change that instead"}
        )
    _check(line)
    save_as(line, user, "Created" if creating else "")
    return line


# ------------------------------------------------------------------------------------------------------
# Advisers
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def adviser_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], adviser: Adviser | None = None
) -> Adviser:
    """Add or change an adviser's record."""
    _require_editor(user)
    creating = adviser is None
    adviser = adviser or Adviser(partnership=partnership)
    _assign(adviser, data, ADVISER_FIELDS)
    _required(
        adviser,
        {
            "adviser_type": "Choose the type of adviser",
            "firm": "Enter the firm, or the council team for in-house advice",
            "provision": "Choose whether the advice was in-house or external",
            "fees_gbp": "Enter the fees (for in-house advice, the cost of the staff time)",
            "value_note": "Say what value the advice gave, against doing the work in-house or not at all",
        },
    )
    _check(adviser)
    save_as(adviser, user, "Created" if creating else "")
    return adviser


# ------------------------------------------------------------------------------------------------------
# Target share
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def target_save(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> CapacityTarget:
    """Set or change the council's target for the client team's cost as a share of the contract value."""
    _require_editor(user)
    target = CapacityTarget.objects.filter(partnership=partnership).first()
    creating = target is None
    target = target or CapacityTarget(partnership=partnership)
    _assign(target, data, TARGET_FIELDS)
    _required(target, {"minimum_share": "Enter the minimum share, as a fraction: 0.03 for 3%"})
    if target.minimum_share <= 0:
        raise ValidationError({"minimum_share": "The minimum share must be more than 0: enter 0.03 for 3%"})
    if target.maximum_share is not None and target.maximum_share < target.minimum_share:
        raise ValidationError({"maximum_share": "The maximum share cannot be below the minimum share"})
    _check(target)
    save_as(target, user, "Created" if creating else "")
    return target
