"""What the API shows of each record, and the query parameters and bodies it accepts.

Council-only fields are declared on a ``Council...`` subclass, so a partner user's answer never carries them
(not even empty): the same fields the pages keep from partner users
(:data:`forbetter.risks.selectors.RISK_FIELDS_HIDDEN_FROM_PARTNER`, a task's council notes).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forbetter.appraisal.models import BusinessCase, BusinessCaseVersion
from forbetter.partnerships.models import Partnership, Task, TaskStatus
from forbetter.payments.models import PaymentStatement
from forbetter.performance.forms import PeriodField
from forbetter.performance.models import Kpi, KpiReturn, ReturnStatus
from forbetter.risks.models import Allocation, Risk, RiskStatus
from forbetter.risks.selectors import RISK_FIELDS_HIDDEN_FROM_PARTNER

# The largest id a record can have (a 64-bit key): a larger one is refused, not sent to the database.
MAX_ID = 2**63 - 1


def _name(user: Any) -> str | None:
    return None if user is None else str(user)


class PersonField(serializers.Field):
    """A person as their name (or email address), null when nobody is recorded."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return _name(value)


extend_schema_field({"type": "string", "nullable": True})(PersonField)


# --- partnerships and tasks ---------------------------------------------------------------------------------


class PartnershipSerializer(serializers.ModelSerializer[Partnership]):
    partner = serializers.CharField(source="partner.name", read_only=True, allow_null=True, default=None)
    joint_venture_company = serializers.CharField(
        source="joint_venture_company.name", read_only=True, allow_null=True, default=None
    )
    councils = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    services = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Partnership
        fields: tuple[str, ...] = (
            "id",
            "name",
            "description",
            "councils",
            "partner",
            "vehicle",
            "joint_venture_company",
            "services",
            "stage",
            "status",
            "initiation_began_on",
            "procurement_began_on",
            "contract_management_began_on",
            "planned_start_on",
            "term_years",
            "procurement_regime",
            "estimated_value_gbp",
            "value_basis",
            "ended_on",
            "updated_at",
        )
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[Task]):
    code = serializers.CharField(source="action.code", read_only=True)
    title = serializers.CharField(source="action.title", read_only=True)
    stage = serializers.CharField(source="action.stage.key", read_only=True)
    theme = serializers.CharField(source="action.theme.key", read_only=True)
    owner = PersonField()

    class Meta:
        model = Task
        fields: tuple[str, ...] = (
            "id",
            "code",
            "title",
            "stage",
            "theme",
            "status",
            "owner",
            "due_on",
            "completed_on",
            "evidence_notes",
            "not_applicable_reason",
            "no_evidence_reason",
            "updated_at",
        )
        read_only_fields = fields


class CouncilTaskSerializer(TaskSerializer):
    """A task as council staff, auditors and administrators see it: with the council-only notes."""

    class Meta(TaskSerializer.Meta):
        fields: tuple[str, ...] = (*TaskSerializer.Meta.fields, "council_notes")
        read_only_fields = fields


class TaskFilters(serializers.Serializer[Any]):
    stage = serializers.SlugField(required=False, help_text="A framework stage's key, e.g. procurement.")
    theme = serializers.SlugField(required=False, help_text="A framework theme's key.")
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)


# --- risks --------------------------------------------------------------------------------------------------


class RiskSerializer(serializers.ModelSerializer[Risk]):
    reference = serializers.CharField(read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    category_title = serializers.CharField(source="category.title", read_only=True)
    owner = PersonField()
    inherent_score = serializers.IntegerField(
        read_only=True, help_text="Likelihood × impact before controls."
    )
    residual_score = serializers.IntegerField(read_only=True, help_text="Likelihood × impact now.")

    class Meta:
        model = Risk
        fields: tuple[str, ...] = (
            "id",
            "reference",
            "title",
            "category",
            "category_title",
            "description",
            "cause",
            "effect",
            "owner",
            "allocation",
            "council_share",
            "transferability",
            "inherent_likelihood",
            "inherent_impact",
            "inherent_score",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "controls",
            "review_frequency",
            "next_review_on",
            "status",
            "updated_at",
        )
        read_only_fields = fields


class CouncilRiskSerializer(RiskSerializer):
    """A risk as council staff, auditors and administrators see it: with the council-only notes and the
    quantification (probability, costs) that partner users do not see."""

    class Meta(RiskSerializer.Meta):
        fields: tuple[str, ...] = (*RiskSerializer.Meta.fields, *RISK_FIELDS_HIDDEN_FROM_PARTNER)
        read_only_fields = fields


class RiskFilters(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)
    category = serializers.CharField(required=False, max_length=50, help_text="A risk category's code.")
    allocation = serializers.ChoiceField(choices=Allocation.choices, required=False)


# --- KPIs and returns ---------------------------------------------------------------------------------------


class KpiSerializer(serializers.ModelSerializer[Kpi]):
    owner = PersonField()

    class Meta:
        model = Kpi
        fields: tuple[str, ...] = (
            "id",
            "reference",
            "name",
            "definition",
            "measurement_method",
            "measured_by",
            "unit",
            "direction",
            "kpi_type",
            "baseline_value",
            "target",
            "failure_threshold",
            "frequency",
            "first_period",
            "weight",
            "severity_points",
            "return_due_days",
            "state",
            "agreement",
            "published",
            "owner",
        )
        read_only_fields = fields


class KpiReturnSerializer(serializers.ModelSerializer[KpiReturn]):
    kpi_reference = serializers.CharField(source="kpi.reference", read_only=True)
    period_label = serializers.CharField(read_only=True, help_text="The period in words, e.g. April 2024.")
    has_evidence_file = serializers.SerializerMethodField()
    submitted_by = PersonField()
    reviewed_by = PersonField()

    class Meta:
        model = KpiReturn
        fields: tuple[str, ...] = (
            "id",
            "kpi",
            "kpi_reference",
            "period",
            "period_label",
            "value",
            "commentary",
            "has_evidence_file",
            "evidence_name",
            "evidence_type",
            "evidence_size",
            "evidence_reference",
            "status",
            "due_on",
            "late",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "dispute_reason",
        )
        read_only_fields = fields

    def get_has_evidence_file(self, record: KpiReturn) -> bool:
        return bool(record.evidence_file)


def _period(value: str) -> dt.date:
    """The period's first day from ``2024-04`` (the returns page's own field and its messages)."""
    try:
        period = PeriodField().clean(value)
    except forms.ValidationError as error:
        raise serializers.ValidationError(error.messages) from error
    assert isinstance(period, dt.date)
    return period


class ReturnFilters(serializers.Serializer[Any]):
    kpi = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A KPI's id.")
    period = serializers.CharField(required=False, help_text="Year and month, e.g. 2024-04.")
    status = serializers.ChoiceField(choices=[*ReturnStatus.choices, ("late", "Late")], required=False)

    def validate_period(self, value: str) -> dt.date:
        return _period(value)


class ReturnSubmitSerializer(serializers.Serializer[Any]):
    """A partner's return: the KPI, the period, the value, the evidence and an optional note. Send the
    evidence as a file (``multipart/form-data``) or, in JSON, as ``evidence_base64`` and ``evidence_name``."""

    kpi = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The KPI's id.")
    period = serializers.CharField(help_text="Year and month the period starts, e.g. 2024-04.")
    value = serializers.DecimalField(max_digits=14, decimal_places=4)
    commentary = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="A note on the value and its evidence."
    )
    evidence = serializers.FileField(required=False, help_text="The evidence file (multipart uploads).")
    evidence_base64 = serializers.CharField(required=False, write_only=True, help_text="The file, base64.")
    evidence_name = serializers.CharField(
        required=False, max_length=200, write_only=True, help_text="The file's name, e.g. pack.pdf."
    )

    def validate_period(self, value: str) -> dt.date:
        return _period(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        encoded = attrs.pop("evidence_base64", None)
        name = attrs.pop("evidence_name", None)
        if encoded is not None:
            if attrs.get("evidence") is not None:
                raise serializers.ValidationError(
                    {"evidence_base64": "Send the evidence once: as a file or as base64, not both"}
                )
            if not name:
                raise serializers.ValidationError(
                    {"evidence_name": "Give the evidence file's name, e.g. pack.pdf"}
                )
            try:
                content = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError({"evidence_base64": "This is not base64"}) from None
            attrs["evidence"] = SimpleUploadedFile(name, content)
        elif attrs.get("evidence") is None:
            raise serializers.ValidationError({"evidence": "Upload the evidence for this value"})
        return attrs


class ReturnReviewSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[("validate", "Validate"), ("dispute", "Dispute")])
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why it is disputed (needed to dispute)."
    )


# --- payment statements -------------------------------------------------------------------------------------


FIGURES = (
    "charge_gbp",
    "points",
    "relieved_points",
    "deduction_before_cap_gbp",
    "deduction_gbp",
    "capped",
    "adjustment_total_gbp",
    "payable_gbp",
)


class StatementSerializer(serializers.ModelSerializer[PaymentStatement]):
    """An approved statement's frozen figures; a draft's worked out now from the validated returns, as the
    statements page does (``views`` in the context: the pages' statement views by id)."""

    approved_by = PersonField()
    lines = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="The explanation.")
    figures_problem = serializers.SerializerMethodField()

    def get_figures_problem(self, statement: PaymentStatement) -> str:
        """Why a draft's figures cannot be worked out yet ('' when they can)."""
        view = self.context.get("views", {}).get(statement.pk)
        return view.error if view is not None and not statement.frozen else ""

    def to_representation(self, instance: PaymentStatement) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        view = self.context.get("views", {}).get(instance.pk)
        if not instance.frozen and view is not None and view.figures is not None and not view.error:
            for name in FIGURES:
                data[name] = self.fields[name].to_representation(getattr(view.figures, name))
            data["lines"] = list(view.figures.lines)
        return data

    class Meta:
        model = PaymentStatement
        fields: tuple[str, ...] = (
            "id",
            "month",
            "status",
            "charge_gbp",
            "points",
            "relieved_points",
            "deduction_before_cap_gbp",
            "deduction_gbp",
            "capped",
            "adjustment_total_gbp",
            "payable_gbp",
            "lines",
            "figures_problem",
            "approved_by",
            "approved_at",
        )
        read_only_fields = fields


# --- business cases -----------------------------------------------------------------------------------------


class VersionSerializer(serializers.ModelSerializer[BusinessCaseVersion]):
    business_case = serializers.IntegerField(source="business_case_id", read_only=True)
    frozen_by = PersonField()

    class Meta:
        model = BusinessCaseVersion
        fields: tuple[str, ...] = (
            "id",
            "business_case",
            "number",
            "status",
            "change_note",
            "frozen_at",
            "frozen_by",
            "price_base_year",
            "discount_schedule",
            "discount_rate",
        )
        read_only_fields = fields


class BusinessCaseSerializer(serializers.ModelSerializer[BusinessCase]):
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCase
        fields: tuple[str, ...] = ("id", "title", "created_at", "versions")
        read_only_fields = fields


class OptionResultSerializer(serializers.Serializer[Any]):
    """One option's appraisal: money in real pounds at the version's price base, discounted to year 0."""

    option = serializers.IntegerField(help_text="The option's id.")
    name = serializers.CharField()
    years = serializers.IntegerField()
    net_present_cost_gbp = serializers.FloatField()
    present_value_benefits_gbp = serializers.FloatField()
    net_present_value_gbp = serializers.FloatField()
    equivalent_annual_cost_gbp = serializers.FloatField()
    optimism_bias = serializers.FloatField(help_text="The optimism-bias uplift applied, as a fraction.")
    retained_risk_gbp = serializers.FloatField(
        help_text="The risk adjustment's expected value, undiscounted."
    )
    rank = serializers.IntegerField(help_text="1 is the preferred option under the ranking rule.")


class ResultsSerializer(serializers.Serializer[Any]):
    stored = serializers.BooleanField(help_text="True: the figures stored when the version was frozen.")
    ranking_rule = serializers.CharField(help_text="npc: lowest net present cost; npv: highest NPV.")
    preferred = serializers.CharField(help_text="The preferred option's name.")
    warnings = serializers.ListField(child=serializers.CharField())
    options = OptionResultSerializer(many=True)


class VersionDetailSerializer(VersionSerializer):
    results = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields: tuple[str, ...] = (*VersionSerializer.Meta.fields, "results", "problems")
        read_only_fields = fields

    @extend_schema_field(ResultsSerializer(allow_null=True))
    def get_results(self, version: BusinessCaseVersion) -> dict[str, Any] | None:
        results = self.context.get("results")
        return None if results is None else dict(ResultsSerializer(results).data)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, version: BusinessCaseVersion) -> list[str]:
        """What to complete before the version can be appraised (empty when it has results)."""
        return list(self.context.get("problems", []))
