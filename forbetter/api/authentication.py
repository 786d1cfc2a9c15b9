"""Token authentication against hashed tokens: ``Authorization: Token fb_...`` (or ``Bearer fb_...``).

The token is looked up by its SHA-256 digest. A token is 32 random bytes, so a fast hash is enough: there is
nothing to guess from a digest that a slow password hash would protect (decision record 0037).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from forbetter.api.models import ApiToken

TOKEN_PREFIX = "fb_"
KEYWORDS = ("token", "bearer")
# last_used_at is written at most this often per token, so reads do not each write.
LAST_USED_RESOLUTION_SECONDS = 60


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class HashedTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(header) != 2:  # the keyword and the token
            raise exceptions.AuthenticationFailed("Give the token after the word Token, with one space")
        try:
            token = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token has characters a token never has") from None
        found = (
            ApiToken.objects.select_related("user", "user__organisation")
            .filter(digest=token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            raise exceptions.AuthenticationFailed("The token is not known or has been revoked")
        if not found.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user has been deactivated")
        now = timezone.now()
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user, found

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
