"""Every API error is JSON: the services' own validation errors become 400 with the field named, exactly as
the pages show them beside the field; refusals and missing records keep DRF's 401, 403 and 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


def as_drf(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as DRF's: ``{"field": ["message"]}``, ``__all__`` as non_field_errors."""
    if hasattr(error, "error_dict"):
        detail = {
            NON_FIELD if name == "__all__" else name: messages
            for name, messages in error.message_dict.items()
        }
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({NON_FIELD: error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = as_drf(exc)
    return drf_exception_handler(exc, context)
