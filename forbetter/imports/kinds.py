"""What can be imported, one :class:`ImportKind` per kind of record, and the dry run each one makes.

A kind names its column spec (:mod:`forbetter.core.columns`), says who may import it, and turns the kept rows
into a :class:`DryRun`: for each row, what would be created or changed (the fields that change, by column
header), or every error by row number and column header. The dry run holds the unsaved records, so
:func:`forbetter.imports.services.batch_confirm` saves exactly what it showed. Each kind checks its records
with the same rules as the app's own forms and services (for risks, :mod:`forbetter.risks.rules`, the owner
check of :mod:`forbetter.risks.services` and the model's validation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from forbetter.accounts.permissions import can_edit
from forbetter.core.columns import Column, load_columns, visible_columns
from forbetter.core.history import save_as
from forbetter.imports.reader import Cell
from forbetter.imports.values import CellError, parse, shown
from forbetter.partnerships.models import Partnership

CREATE, CHANGE, UNCHANGED = "create", "change", "unchanged"


@dataclass
class RowOutcome:
    number: int
    label: str = ""
    action: str = ""
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    record: Model | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class DryRun:
    rows: list[RowOutcome]

    @property
    def errors(self) -> list[str]:
        return [error for row in self.rows for error in row.errors]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if not row.errors and row.action == action)

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "created": self.count(CREATE),
            "changed": self.count(CHANGE),
            "unchanged": self.count(UNCHANGED),
            "errors": len(self.errors),
        }


StoredRow = Mapping[str, Any]
"""``{"row": 4, "cells": {key: cell}}`` as kept in :attr:`ImportBatch.rows`."""


class ImportKind:
    key: str
    label: str
    app: str
    spec: str
    help: str = ""
    sheet_title: str = "Data"
    needs_version: bool = False
    """Whether the file goes into a chosen draft business-case version."""

    def allowed_values(self) -> dict[str, str]:
        """Allowed values of columns that are not choices (codes of reference data), for the Notes sheet."""
        return {}

    def columns(self, *, council: bool) -> tuple[Column, ...]:
        return visible_columns(load_columns(self.app, self.spec), council=council)

    def choices(self) -> dict[str, Sequence[tuple[Any, str]]]:
        return {}

    def may_import(self, user: Any, partnership: Partnership) -> bool:
        return can_edit(user)

    def dry_run(
        self, *, partnership: Partnership, user: Any, rows: Sequence[StoredRow], version: Any = None
    ) -> DryRun:
        raise NotImplementedError

    def save(self, row: RowOutcome, *, partnership: Partnership, user: Any, reason: str) -> None:
        """Write one checked row (inside the confirmation's transaction)."""
        assert row.record is not None
        save_as(row.record, user, reason=reason)

    def save_all(
        self, rows: Sequence[RowOutcome], *, partnership: Partnership, user: Any, reason: str
    ) -> None:
        """Write every checked row that creates or changes a record (inside the confirmation's transaction).
        A kind whose rows make one whole (a series) writes them together instead."""
        for row in rows:
            if row.record is not None and row.action != UNCHANGED:
                self.save(row, partnership=partnership, user=user, reason=reason)

    def parse_row(self, row: StoredRow, columns: Sequence[Column], outcome: RowOutcome) -> dict[str, Any]:
        """The row's typed values by key; each bad cell adds an error naming the row and column."""
        choices = self.choices()
        values: dict[str, Any] = {}
        cells: Mapping[str, Cell] = row["cells"]
        for column in columns:
            try:
                values[column.key] = parse(column, cells.get(column.key), choices.get(column.key, ()))
            except CellError as error:
                outcome.errors.append(f"Row {outcome.number}, {column.header}: {error}")
        return values

    def field_errors(self, outcome: RowOutcome, columns: Sequence[Column], errors: Mapping[str, Any]) -> None:
        headers = {column.key: column.header for column in columns}
        for key, messages in errors.items():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                where = headers.get(key)
                prefix = f"Row {outcome.number}, {where}" if where else f"Row {outcome.number}"
                outcome.errors.append(f"{prefix}: {message}")


def draft_version(partnership: Partnership, version: Any) -> tuple[Any, DryRun | None]:
    """The chosen business-case version as it is now, or a dry run refusing the file: a version that has
    gone, or one of another partnership, or one frozen since (a frozen version cannot change)."""
    from forbetter.appraisal.models import BusinessCaseVersion

    current = BusinessCaseVersion.objects.filter(pk=getattr(version, "pk", 0)).first()
    if current is None or current.business_case.partnership_id != partnership.pk:
        return None, DryRun([RowOutcome(number=1, errors=["The business-case version is no longer there"])])
    if current.is_frozen:
        message = f"Version {current.number} is frozen: import into a draft version"
        return None, DryRun([RowOutcome(number=1, errors=[message])])
    return current, None


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            key: [str(m) for m in ValidationError(value).messages] for key, value in error.error_dict.items()
        }
    return {"__all__": list(error.messages)}


def display(value: Any) -> str:
    if value is None or value == "":
        return "blank"
    if isinstance(value, Model):
        return str(value)
    return shown(value) if isinstance(value, float) else str(value)


# ------------------------------------------------------------------------------------------------------
# Risks
# ------------------------------------------------------------------------------------------------------


class RiskKind(ImportKind):
    key = "risks"
    label = "Risks (the risk register)"
    app = "risks"
    spec = "risk_register"
    help = (
        "Each row is one risk, matched by its number: a number already in the register changes that risk, "
        "a new number adds one."
    )

    sheet_title = "Risks"

    def allowed_values(self) -> dict[str, str]:
        from forbetter.risks.models import RiskCategory

        return {
            "category": ", ".join(RiskCategory.objects.values_list("code", flat=True)),
            "owner": "The email address of an active user of the partnership's councils or partner",
        }

    def choices(self) -> dict[str, Sequence[tuple[Any, str]]]:
        from forbetter.risks.models import (
            Allocation,
            ImpactDistribution,
            ReviewFrequency,
            RiskStatus,
            Transferability,
        )

        return {
            "allocation": Allocation.choices,
            "transferability": Transferability.choices,
            "review_frequency": ReviewFrequency.choices,
            "status": RiskStatus.choices,
            "distribution": ImpactDistribution.choices,
        }

    def dry_run(
        self, *, partnership: Partnership, user: Any, rows: Sequence[StoredRow], version: Any = None
    ) -> DryRun:
        from forbetter.risks.models import Risk, RiskCategory
        from forbetter.risks.rules import normalised_risk_data, risk_rule_errors
        from forbetter.risks.selectors import people_for

        columns = self.columns(council=True)
        by_key = {column.key: column for column in columns}
        categories = {category.code.casefold(): category for category in RiskCategory.objects.all()}
        people = {person.email.casefold(): person for person in people_for(partnership)}
        existing = {
            risk.number: risk
            for risk in Risk.objects.filter(partnership=partnership).select_related("category", "owner")
        }
        seen: dict[int, int] = {}
        outcomes = []
        for row in rows:
            outcome = RowOutcome(number=int(row["row"]))
            outcomes.append(outcome)
            values = self.parse_row(row, columns, outcome)
            number = values.get("number")
            if isinstance(number, int):
                outcome.label = f"R{number:03d} {values.get('title', '')}".strip()
                if number < 1:
                    outcome.errors.append(f"Row {outcome.number}, Number: must be 1 or more")
                elif number in seen:
                    outcome.errors.append(
                        f"Row {outcome.number}, Number: {number} is also on row {seen[number]}; each risk "
                        "appears once"
                    )
                seen.setdefault(number, outcome.number)
            code = values.get("category")
            if isinstance(code, str) and code:
                values["category"] = categories.get(code.casefold())
                if values["category"] is None:
                    outcome.errors.append(
                        f"Row {outcome.number}, {by_key['category'].header}: {code} is not a risk category "
                        "code; the template's Notes sheet lists them"
                    )
            email = values.get("owner")
            values["owner"] = None
            if email:
                values["owner"] = people.get(str(email).casefold())
                if values["owner"] is None:
                    outcome.errors.append(
                        f"Row {outcome.number}, {by_key['owner'].header}: {email} is not a user of this "
                        "partnership's councils or partner"
                    )
            if outcome.errors:
                continue
            self.field_errors(outcome, columns, risk_rule_errors(values))
            if outcome.errors:
                continue
            clean = normalised_risk_data({key: value for key, value in values.items() if key != "number"})
            assert isinstance(number, int)  # a required integer column, parsed without error
            risk = existing.get(number)
            if risk is None:
                risk = Risk(partnership=partnership, number=number)
                outcome.action = CREATE
            else:
                outcome.changes = [
                    f"{by_key[key].header}: {display(getattr(risk, key))} → {display(value)}"
                    for key, value in clean.items()
                    if key in by_key and getattr(risk, key) != value
                ]
                outcome.action = CHANGE if outcome.changes else UNCHANGED
            for key, value in clean.items():
                setattr(risk, key, value)
            try:
                risk.full_clean()
            except ValidationError as error:
                self.field_errors(outcome, columns, validation_messages(error))
                continue
            outcome.record = risk
        return DryRun(outcomes)


# ------------------------------------------------------------------------------------------------------
# KPIs
# ------------------------------------------------------------------------------------------------------

KPI_BLANK_DEFAULTS: dict[str, Any] = {
    "percent_beyond_range": False,
    "published": False,
    "weight": Decimal(0),
    "severity_points": 0,
    "return_due_days": 10,
}


class KpiKind(ImportKind):
    key = "kpis"
    label = "KPIs"
    app = "performance"
    spec = "kpis"
    sheet_title = "KPIs"
    help = (
        "Each row is one key performance indicator, matched by its reference: a reference already used "
        "changes that KPI (its current target too), a new one adds a KPI."
    )

    def allowed_values(self) -> dict[str, str]:
        return {"owner": "The email address of an active user of the partnership's councils or partner"}

    def choices(self) -> dict[str, Sequence[tuple[Any, str]]]:
        from forbetter.performance.models import Direction, Frequency, KpiType

        return {"direction": Direction.choices, "kpi_type": KpiType.choices, "frequency": Frequency.choices}

    def dry_run(
        self, *, partnership: Partnership, user: Any, rows: Sequence[StoredRow], version: Any = None
    ) -> DryRun:
        from forbetter.performance.forms import people_of
        from forbetter.performance.models import Kpi
        from forbetter.performance.services import KPI_FIELDS, _kpi_rules

        columns = self.columns(council=True)
        by_key = {column.key: column for column in columns}
        people = {person.email.casefold(): person for person in people_of(partnership)}
        existing = {kpi.reference.casefold(): kpi for kpi in Kpi.objects.filter(partnership=partnership)}
        seen: dict[str, int] = {}
        outcomes = []
        for row in rows:
            outcome = RowOutcome(number=int(row["row"]))
            outcomes.append(outcome)
            values = self.parse_row(row, columns, outcome)
            for key, default in KPI_BLANK_DEFAULTS.items():
                if values.get(key) is None:
                    values[key] = default
            reference = str(values.get("reference") or "")
            outcome.label = f"{reference} {values.get('name', '')}".strip()
            if reference:
                if reference.casefold() in seen:
                    outcome.errors.append(
                        f"Row {outcome.number}, Reference: {reference} is also on row "
                        f"{seen[reference.casefold()]}; each KPI appears once"
                    )
                seen.setdefault(reference.casefold(), outcome.number)
            email = values.get("owner")
            values["owner"] = None
            if email:
                values["owner"] = people.get(str(email).casefold())
                if values["owner"] is None:
                    outcome.errors.append(
                        f"Row {outcome.number}, {by_key['owner'].header}: {email} is not a user of this "
                        "partnership's councils or partner"
                    )
            if outcome.errors:
                continue
            data = {key: values[key] for key in KPI_FIELDS if key in values}
            kpi = existing.get(reference.casefold())
            if kpi is None:
                kpi = Kpi(partnership=partnership)
                outcome.action = CREATE
            else:
                outcome.changes = [
                    f"{by_key[key].header}: {display(getattr(kpi, key))} → {display(value)}"
                    for key, value in data.items()
                    if key in by_key and getattr(kpi, key) != value
                ]
                outcome.action = CHANGE if outcome.changes else UNCHANGED
            for key, value in data.items():
                setattr(kpi, key, value)
            try:
                kpi.full_clean(validate_unique=False, validate_constraints=False)
                _kpi_rules(kpi)
            except ValidationError as error:
                self.field_errors(outcome, columns, validation_messages(error))
                continue
            outcome.record = kpi
            outcome.data = data
        return DryRun(outcomes)

    def save(self, row: RowOutcome, *, partnership: Partnership, user: Any, reason: str) -> None:
        """Through the KPI services, so agreement and target rows follow the same rules as the KPI form."""
        from forbetter.performance import services as kpi_services

        assert row.record is not None
        if row.action == CREATE:
            kpi = kpi_services.kpi_create(user=user, partnership=partnership, data=dict(row.data))
        else:
            kpi = kpi_services.kpi_update(user=user, kpi=row.record, data=dict(row.data))  # type: ignore[arg-type]
        stamp_reason(kpi, reason)


# ------------------------------------------------------------------------------------------------------
# KPI returns (the partner's)
# ------------------------------------------------------------------------------------------------------


class KpiReturnKind(ImportKind):
    key = "kpi_returns"
    label = "KPI returns"
    app = "performance"
    spec = "kpi_returns"
    sheet_title = "Returns"
    help = (
        "For the partner's staff: each row is the value of one KPI for one period, with where its evidence "
        "is. A period already returned and not yet validated is corrected; a validated one cannot be."
    )

    def may_import(self, user: Any, partnership: Partnership) -> bool:
        from forbetter.accounts.permissions import can_submit_partner_returns

        return can_submit_partner_returns(user)

    def dry_run(
        self, *, partnership: Partnership, user: Any, rows: Sequence[StoredRow], version: Any = None
    ) -> DryRun:
        from django.utils import timezone

        from forbetter.performance import rules
        from forbetter.performance.models import Kpi, KpiReturn, KpiState
        from forbetter.performance.services import TRANSITIONS, _period_errors, returns_refusal

        columns = self.columns(council=False)
        kpis = {
            kpi.reference.casefold(): kpi
            for kpi in Kpi.objects.filter(partnership=partnership).select_related("partnership")
        }
        existing = {
            (record.kpi_id, record.period): record
            for record in KpiReturn.objects.filter(kpi__partnership=partnership)
        }
        now = timezone.now()
        today = timezone.localdate(now)
        seen: dict[tuple[int, Any], int] = {}
        outcomes = []
        for row in rows:
            outcome = RowOutcome(number=int(row["row"]))
            outcomes.append(outcome)
            values = self.parse_row(row, columns, outcome)
            reference = str(values.get("kpi") or "")
            kpi = kpis.get(reference.casefold())
            where = f"Row {outcome.number}"
            if reference and kpi is None:
                outcome.errors.append(f"{where}, KPI reference: {reference} is not a KPI of this partnership")
            if outcome.errors or kpi is None:
                continue
            period, value = values["period"], values["value"]
            outcome.label = f"{kpi.reference} for {period:%B %Y}"
            problem = ""
            if kpi.state == KpiState.RETIRED:
                problem = f"KPI reference: {kpi.reference} has been retired: it takes no more returns"
            elif refusal := returns_refusal(kpi):
                problem = f"KPI reference: {refusal}"
            elif period_problem := _period_errors(kpi, period, today):
                problem = f"Period: {period_problem}"
            elif percent := rules.percent_value_error(
                value, unit=kpi.unit, beyond_range=kpi.percent_beyond_range
            ):
                problem = f"Value: {percent}"
            elif (kpi.pk, period) in seen:
                problem = f"Period: {kpi.reference} for this period is also on row {seen[kpi.pk, period]}"
            if problem:
                outcome.errors.append(f"{where}, {problem}")
                continue
            seen[kpi.pk, period] = outcome.number
            record = existing.get((kpi.pk, period))
            step = "resubmit" if record is not None and record.status == "disputed" else "submit"
            current = record.status if record is not None else None
            if record is not None and current not in TRANSITIONS[step]:
                outcome.errors.append(
                    f"{where}, Period: the return for {record.period_label} has been validated by the "
                    "council and cannot be changed"
                )
                continue
            due_on = rules.return_due_on(period, frequency=kpi.frequency, due_days=kpi.return_due_days)
            if record is None:
                record = KpiReturn(
                    kpi=kpi, period=period, due_on=due_on, late=rules.is_late(today, due_on=due_on)
                )
                outcome.action = CREATE
            else:
                outcome.changes = [
                    f"{header}: {display(getattr(record, key))} → {display(values[key])}"
                    for key, header in (
                        ("value", "Value"),
                        ("commentary", "Commentary"),
                        ("evidence_reference", "Evidence reference"),
                    )
                    if getattr(record, key) != values[key]
                ]
                outcome.action = CHANGE if outcome.changes or step == "resubmit" else UNCHANGED
            record.value = value
            record.commentary = values["commentary"]
            record.evidence_reference = values["evidence_reference"]
            record.status = TRANSITIONS[step][current]
            record.submitted_by = user
            record.submitted_at = now
            record.reviewed_by = None
            record.reviewed_at = None
            try:
                record.full_clean(exclude=["evidence_file"])
            except ValidationError as error:
                self.field_errors(outcome, columns, validation_messages(error))
                continue
            outcome.record = record
        return DryRun(outcomes)


# ------------------------------------------------------------------------------------------------------
# Business-case lines (into a draft version)
# ------------------------------------------------------------------------------------------------------


class BusinessCaseLineKind(ImportKind):
    key = "business_case_lines"
    label = "Business-case cash-flow lines"
    app = "appraisal"
    spec = "business_case_lines"
    sheet_title = "Lines"
    needs_version = True
    help = (
        "Into a draft business-case version: one row per line and year. The rows of a line give every year "
        "of its option from year 0; a label the option already has changes that line."
    )

    def choices(self) -> dict[str, Sequence[tuple[Any, str]]]:
        from forbetter.appraisal.models import LineCategory, PriceBase

        return {"category": LineCategory.choices, "prices": PriceBase.choices}

    def dry_run(
        self, *, partnership: Partnership, user: Any, rows: Sequence[StoredRow], version: Any = None
    ) -> DryRun:
        from forbetter.appraisal.models import CashflowLine
        from forbetter.appraisal.services import LINE_FIELDS, _check_line

        columns = self.columns(council=True)
        current, refused = draft_version(partnership, version)
        if refused is not None:
            return refused
        options = {option.name.casefold(): option for option in current.options.all()}
        lines = {
            (line.option_id, line.label.casefold()): line
            for line in CashflowLine.objects.filter(option__version=current).prefetch_related("values")
        }
        groups: dict[tuple[str, str], list[tuple[RowOutcome, dict[str, Any]]]] = {}
        outcomes: list[RowOutcome] = []
        for row in rows:
            outcome = RowOutcome(number=int(row["row"]))
            values = self.parse_row(row, columns, outcome)
            key = (str(values.get("option", "")).casefold(), str(values.get("label", "")).casefold())
            if key not in groups:
                outcomes.append(outcome)
            elif outcome.errors:
                groups[key][0][0].errors.extend(outcome.errors)
            groups.setdefault(key, []).append((outcome, values))
        for (option_name, _), members in groups.items():
            outcome, first = members[0]
            outcome.label = f"{first.get('option', '')}: {first.get('label', '')}"
            if outcome.errors:
                continue
            option = options.get(option_name)
            if option is None:
                outcome.errors.append(
                    f"Row {outcome.number}, Option: {first['option']} is not an option of version "
                    f"{current.number}"
                )
                continue
            data = {name: first[name] for name in LINE_FIELDS}
            data["optimism_bias_applies"] = bool(data["optimism_bias_applies"])
            by_year: dict[int, Any] = {}
            for member, values in members:
                for name in LINE_FIELDS:
                    same = bool(values[name]) if name == "optimism_bias_applies" else values[name]
                    if same != data[name]:
                        header = next(c.header for c in columns if c.key == name)
                        outcome.errors.append(
                            f"Row {member.number}, {header}: differs from row {outcome.number}, "
                            "of the same line"
                        )
                year = values["year"]
                if year in by_year:
                    outcome.errors.append(
                        f"Row {member.number}, Year: year {year} of this line is given twice"
                    )
                elif not 0 <= year < option.years:
                    outcome.errors.append(
                        f"Row {member.number}, Year: {year} is outside {option.name}'s years, "
                        f"0 to {option.years - 1}"
                    )
                by_year[year] = values["amount_gbp"]
            if outcome.errors:
                continue
            missing = [str(year) for year in range(option.years) if year not in by_year]
            if missing:
                outcome.errors.append(
                    f"Row {outcome.number}, Year: the line has no row for year {', '.join(missing)}; "
                    f"give every year from 0 to {option.years - 1}"
                )
                continue
            amounts = [by_year[year] for year in range(option.years)]
            line = lines.get((option.pk, data["label"].casefold()))
            if line is None:
                line = CashflowLine(option=option)
                outcome.action = CREATE
            else:
                before = {value.year: value.amount_gbp for value in line.values.all()}
                outcome.changes = [
                    f"{c.header}: {display(getattr(line, c.key))} → {display(data[c.key])}"
                    for c in columns
                    if c.key in LINE_FIELDS and getattr(line, c.key) != data[c.key]
                ] + [
                    f"Year {year}: {display(before.get(year))} → {display(amount)}"
                    for year, amount in enumerate(amounts)
                    if before.get(year) != amount
                ]
                outcome.action = CHANGE if outcome.changes else UNCHANGED
            for name, value in data.items():
                setattr(line, name, value)
            try:
                line.full_clean(validate_constraints=False, exclude=["order"])
                _check_line(line, amounts, option.years)
            except ValidationError as error:
                self.field_errors(outcome, columns, validation_messages(error))
                continue
            outcome.record = line
            outcome.data = {"data": data, "values": amounts, "option": option}
        return DryRun(outcomes)

    def save(self, row: RowOutcome, *, partnership: Partnership, user: Any, reason: str) -> None:
        """Through the appraisal services, which refuse a frozen version and keep each year's history."""
        from forbetter.appraisal import services as appraisal_services
        from forbetter.appraisal.models import CashflowLine

        assert isinstance(row.record, CashflowLine)
        if row.action == CREATE:
            line = appraisal_services.line_create(
                user=user, option=row.data["option"], data=row.data["data"], values=row.data["values"]
            )
        else:
            line = appraisal_services.line_update(
                user=user,
                line=row.record,
                data=row.data["data"],
                values=row.data["values"],
            )
        stamp_reason(line, reason)


# ------------------------------------------------------------------------------------------------------
# Payment indexation: the index series of the payment mechanism
# ------------------------------------------------------------------------------------------------------


class IndexValueKind(ImportKind):
    key = "index_values"
    label = "Index values (payment indexation)"
    app = "payments"
    spec = "index_values"
    sheet_title = "Index"
    help = (
        "The monthly values of the index the payment mechanism uses to index the charge: one row per month; "
        "a month already recorded changes its value."
    )

    def dry_run(
        self, *, partnership: Partnership, user: Any, rows: Sequence[StoredRow], version: Any = None
    ) -> DryRun:
        from forbetter.payments.models import IndexValue, PaymentMechanism

        columns = self.columns(council=True)
        mechanism = PaymentMechanism.objects.filter(partnership=partnership).first()
        if mechanism is None:
            return DryRun(
                [
                    RowOutcome(
                        number=1,
                        errors=[
                            "Set up the partnership's payment mechanism first: the index values belong to it"
                        ],
                    )
                ]
            )
        existing = {record.month: record for record in IndexValue.objects.filter(mechanism=mechanism)}
        seen: dict[Any, int] = {}
        outcomes = []
        for row in rows:
            outcome = RowOutcome(number=int(row["row"]))
            outcomes.append(outcome)
            values = self.parse_row(row, columns, outcome)
            if outcome.errors:
                continue
            month, value = values["month"], values["value"]
            outcome.label = f"{month:%B %Y}"
            if month in seen:
                outcome.errors.append(
                    f"Row {outcome.number}, Month: {month:%Y-%m} is also on row {seen[month]}"
                )
                continue
            seen[month] = outcome.number
            if value <= 0:
                outcome.errors.append(f"Row {outcome.number}, Index value: An index value must be above 0")
                continue
            record = existing.get(month)
            if record is None:
                record = IndexValue(mechanism=mechanism, month=month)
                outcome.action = CREATE
            else:
                outcome.changes = (
                    []
                    if record.value == value
                    else [f"Index value: {display(record.value)} → {display(value)}"]
                )
                outcome.action = CHANGE if outcome.changes else UNCHANGED
            record.value = value
            try:
                record.full_clean()
            except ValidationError as error:
                self.field_errors(outcome, columns, validation_messages(error))
                continue
            outcome.record = record
            outcome.data = {"mechanism": mechanism, "month": month, "value": value}
        return DryRun(outcomes)

    def save(self, row: RowOutcome, *, partnership: Partnership, user: Any, reason: str) -> None:
        """Through the payments service, which refuses a value of 0 or less as the form does."""
        from forbetter.payments import services as payment_services

        record = payment_services.index_value_set(user=user, **row.data)
        stamp_reason(record, reason)


# ------------------------------------------------------------------------------------------------------
# The GDP deflator of a draft business-case version: one rate per year, as one series
# ------------------------------------------------------------------------------------------------------


class DeflatorRateKind(ImportKind):
    key = "deflator_rates"
    label = "GDP deflator rates (business case)"
    app = "appraisal"
    spec = "deflator_rates"
    sheet_title = "Deflator"
    needs_version = True
    help = (
        "Into a draft business-case version: the GDP deflator's growth for each year of the appraisal, one "
        "row a year from year 1. The file replaces the version's whole series, so list every year; a file "
        "of one row (year 1) sets one rate for every year."
    )

    def dry_run(
        self, *, partnership: Partnership, user: Any, rows: Sequence[StoredRow], version: Any = None
    ) -> DryRun:
        from forbetter.appraisal.services import _deflator_years

        columns = self.columns(council=True)
        current, refused = draft_version(partnership, version)
        if refused is not None:
            return refused
        existing = {rate.year: rate.rate for rate in current.deflator_rates.all()}
        seen: dict[int, int] = {}
        outcomes: list[RowOutcome] = []
        for row in rows:
            outcome = RowOutcome(number=int(row["row"]))
            outcomes.append(outcome)
            values = self.parse_row(row, columns, outcome)
            if outcome.errors:
                continue
            year, rate = values["year"], values["rate"]
            outcome.label = f"Year {year}"
            if year < 1:
                outcome.errors.append(
                    f"Row {outcome.number}, Year: {year} is not a year of the appraisal; start at 1"
                )
                continue
            if year in seen:
                outcome.errors.append(f"Row {outcome.number}, Year: {year} is also on row {seen[year]}")
                continue
            seen[year] = outcome.number
            if not Decimal("-0.5") <= rate <= 1:
                outcome.errors.append(
                    f"Row {outcome.number}, GDP deflator growth: {display(rate)} is outside -0.5 to 1 "
                    "(write 0.02 for 2%)"
                )
                continue
            if rate != rate.quantize(Decimal("0.0001")):
                outcome.errors.append(
                    f"Row {outcome.number}, GDP deflator growth: {display(rate)} has more than four decimal "
                    "places"
                )
                continue
            before = existing.get(year)
            if before is None:
                outcome.action = CREATE
            elif before == rate:
                outcome.action = UNCHANGED
            else:
                outcome.action = CHANGE
                outcome.changes = [f"GDP deflator growth: {display(before.normalize())} → {display(rate)}"]
            outcome.data = {"year": year, "rate": rate}
            outcome.record = current
        result = DryRun(outcomes)
        if result.errors or not outcomes:
            return result
        missing = sorted(set(range(1, max(seen) + 1)) - set(seen))
        if missing:
            outcomes[0].errors.append(
                "The years must run from 1 with none missing: add "
                + ", ".join(str(year) for year in missing[:10])
                + (" and more" if len(missing) > 10 else "")
            )
            return result
        try:
            _deflator_years(current, len(seen))
        except ValidationError as error:
            outcomes[0].errors.extend(error.messages)
        return result

    def save_all(
        self, rows: Sequence[RowOutcome], *, partnership: Partnership, user: Any, reason: str
    ) -> None:
        """The whole series through the appraisal's settings service, which keeps each rate's history and the
        version's other settings as they are."""
        from forbetter.appraisal import services as appraisal_services

        if all(row.action == UNCHANGED for row in rows):
            return
        version = rows[0].record
        assert version is not None
        rates = [row.data["rate"] for row in sorted(rows, key=lambda row: row.data["year"])]
        appraisal_services.version_update_settings(
            user=user,
            version=version,  # type: ignore[arg-type]
            price_base_year=version.price_base_year,  # type: ignore[attr-defined]
            discount_schedule=version.discount_schedule,  # type: ignore[attr-defined]
            discount_rate=version.discount_rate,  # type: ignore[attr-defined]
            deflator_rates=rates,
            budget_prices=version.budget_prices,  # type: ignore[attr-defined]
            budget_gbp=[budget.amount_gbp for budget in version.budget_years.order_by("year")],  # type: ignore[attr-defined]
            change_note=version.change_note,  # type: ignore[attr-defined]
        )
        stamp_reason(version, reason)


def stamp_reason(record: Any, reason: str) -> None:
    """Put the import's reason on the history row a service has just written for ``record``."""
    latest = record.history.order_by("-history_id").first()
    if latest is not None:
        previous = latest.history_change_reason or ""
        limit = type(latest)._meta.get_field("history_change_reason").max_length or 100
        text = f"{reason}; {previous}" if previous else reason
        type(latest).objects.filter(pk=latest.pk).update(history_change_reason=text[:limit])


KINDS: dict[str, ImportKind] = {
    kind.key: kind
    for kind in (
        RiskKind(),
        KpiKind(),
        KpiReturnKind(),
        BusinessCaseLineKind(),
        DeflatorRateKind(),
        IndexValueKind(),
    )
}
PARTNER_KINDS = ("kpi_returns",)


def kind_choices(*, partner: bool = False) -> list[tuple[str, str]]:
    """The kinds council editors import, or (``partner``) those the partner's staff import."""
    return [(kind.key, kind.label) for kind in KINDS.values() if (kind.key in PARTNER_KINDS) == partner]


def header_errors(kind: ImportKind, headers: Sequence[str], *, council: bool) -> list[str]:
    """What is wrong with a file's header row for ``kind``, each naming the column."""
    columns = kind.columns(council=council)
    expected = {column.header.casefold(): column for column in columns}
    errors = []
    found: dict[str, int] = {}
    for index, header in enumerate(headers, start=1):
        folded = header.casefold()
        if not header:
            errors.append(f"Column {index} has no heading: give it the template's heading or delete it")
        elif folded in found:
            errors.append(f'The column "{header}" appears twice')
        elif folded not in expected:
            errors.append(f'The column "{header}" is not in the {kind.label.lower()} template')
        found.setdefault(folded, index)
    for folded, column in expected.items():
        if folded not in found:
            errors.append(f'The column "{column.header}" is missing: use the template\'s headings')
    return errors


def stored_rows(
    kind: ImportKind, headers: Sequence[str], rows: Sequence[tuple[int, list[Cell]]], *, council: bool
) -> list[dict[str, Any]]:
    """The rows keyed by column key, ready to keep as JSON."""
    columns = {column.header.casefold(): column.key for column in kind.columns(council=council)}
    keys = [columns.get(header.casefold()) for header in headers]
    return [
        {"row": number, "cells": {key: cell for key, cell in zip(keys, cells, strict=False) if key}}
        for number, cells in rows
    ]
