"""Forms administrators use to manage organisations and users."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import password_validation

from forbetter.accounts.models import Organisation, OrganisationKind, Role, User
from forbetter.core.forms import GovukFormMixin


class OrganisationForm(GovukFormMixin, forms.ModelForm):
    audited_councils = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.COUNCIL),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only for an audit body: its auditors may read these councils' partnerships.",
    )

    class Meta:
        model = Organisation
        fields: ClassVar[list[str]] = ["name", "kind", "audited_councils"]
        widgets: ClassVar[dict[str, Any]] = {"kind": forms.RadioSelect}
        labels: ClassVar[dict[str, str]] = {"name": "Organisation name", "kind": "Kind of organisation"}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {
                "required": "Enter the organisation's name",
                "unique": "An organisation with this name exists",
            },
            "kind": {"required": "Select the kind of organisation"},
        }

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("audited_councils") and data.get("kind") != OrganisationKind.AUDIT_BODY:
            self.add_error("audited_councils", "Only an audit body can audit councils")
        return data


class UserForm(GovukFormMixin, forms.ModelForm):
    password = forms.CharField(
        label="New password",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Leave blank to keep the current password.",
    )

    class Meta:
        model = User
        fields: ClassVar[list[str]] = [
            "email",
            "first_name",
            "last_name",
            "organisation",
            "role",
            "is_active",
        ]
        widgets: ClassVar[dict[str, Any]] = {"role": forms.RadioSelect}
        labels: ClassVar[dict[str, str]] = {"is_active": "Account is active (can sign in)"}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "email": {
                "required": "Enter the user's email address",
                "invalid": "Enter an email address like name@council.gov.uk",
                "unique": "A user with this email address already exists",
            },
            "role": {"required": "Select a role"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = Role.choices
        if self.instance.pk is None:
            self.fields["password"].help_text = "At least 12 characters. Leave blank to send no password yet."

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password") or "")
        if password:
            password_validation.validate_password(password, self.instance)
        return password
