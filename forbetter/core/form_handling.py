"""The write step every form page shares: validate, call a service, show its errors or a success message.

Kept in ``core`` because it knows nothing about any area; area views import it directly or through
``forbetter.partnerships.view_helpers``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def apply_errors(form: Any, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: to its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            for item in field_errors:
                form.add_error(None if field == "__all__" or field not in form.fields else field, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


def save_form(
    request: HttpRequest, form: Any, write: Callable[[dict[str, Any]], object], *, success: str
) -> bool:
    """The write step every form page shares.

    On a POST with a valid form, call ``write(cleaned_data)`` (a service call). A ``ValidationError`` from the
    service goes onto the form, and nothing is saved; otherwise the success message is queued. Returns True
    when the write went through, so the view can redirect.
    """
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, success)
    return True
