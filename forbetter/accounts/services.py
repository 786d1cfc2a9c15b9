"""Writes to organisations and users, by administrators, with history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.models import ROLE_ORGANISATION_KINDS, Organisation, User
from forbetter.accounts.permissions import can_administer


def _require_administrator(user: Any) -> None:
    if not can_administer(user):
        raise PermissionDenied("Only administrators can manage organisations and users")


def role_fits_organisation(role: str, organisation: Organisation | None) -> str:
    """Rule ROLE-ORG: a role only makes sense in some kinds of organisation. Returns a message or ''."""
    if organisation is None:
        return "" if role == "administrator" else "Select the user's organisation"
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        return f"A {role.replace('_', ' ')} cannot belong to a {organisation.get_kind_display().lower()}"
    return ""


@transaction.atomic
def organisation_save(*, user: Any, organisation: Organisation, audited_councils: Any = None) -> Organisation:
    _require_administrator(user)
    organisation.full_clean()
    organisation._history_user = user  # type: ignore[attr-defined]
    organisation.save()
    if audited_councils is not None:
        organisation.audited_councils.set(audited_councils)
    return organisation


@transaction.atomic
def user_save(*, user: Any, account: User, password: str = "") -> User:
    _require_administrator(user)
    message = role_fits_organisation(account.role, account.organisation)
    if message:
        raise ValidationError({"role": message})
    if account.pk == user.pk and (not account.is_active or account.role != "administrator"):
        raise ValidationError({"role": "You cannot remove your own administrator access"})
    if password:
        account.set_password(password)
    elif account.pk is None:
        account.set_unusable_password()
    account.full_clean(exclude=["password"])
    account._history_user = user  # type: ignore[attr-defined]
    account.save()
    return account
