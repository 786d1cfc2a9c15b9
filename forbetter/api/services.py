"""Writes for the API's own records: making and revoking personal access tokens, each in one transaction
with its history row. (Returns and their validation go through :mod:`forbetter.performance.services`.)"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forbetter.api.authentication import TOKEN_PREFIX, token_digest
from forbetter.api.models import ApiToken
from forbetter.core.history import save_as

MAX_ACTIVE_TOKENS = 10


@transaction.atomic
def token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` and the token itself, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for, for example 'Monthly returns upload'"})
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": f"You already have {MAX_ACTIVE_TOKENS} tokens in use: revoke one you no longer need"}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], digest=token_digest(secret), prefix=secret[:10])
    token.full_clean()
    save_as(token, user, "Token created")
    return token, secret


@transaction.atomic
def token_revoke(*, user: Any, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens; it stops working at once."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise ValidationError({"revoke": "Choose one of your own tokens to revoke"})
    if token.revoked_at is not None:
        raise ValidationError({"revoke": f"The token '{token.name}' was already revoked"})
    token.revoked_at = timezone.now()
    save_as(token, user, "Token revoked")
    return token
