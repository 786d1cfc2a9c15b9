"""The personal access tokens page's forms."""

from __future__ import annotations

from django import forms

from forbetter.core.forms import GovukFormMixin


class TokenCreateForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="What the token is for",
        max_length=100,
        help_text="For example 'Monthly returns upload'. You will see this name in the list below.",
        error_messages={"required": "Enter what the token is for, for example 'Monthly returns upload'"},
    )


class TokenRevokeForm(forms.Form):
    revoke = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, error_messages={"required": "Choose a token to revoke"}
    )
