"""The write step every form page shares: validate, call a service, show its errors or a success message.

Kept in ``core`` because it knows nothing about any area; area views import it directly or through
``forbetter.partnerships.view_helpers``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from forbetter.core.versioning import (
    VERSION_FIELD,
    EditConflictError,
    claim_version,
    describe_conflict,
    record_claim,
    versioned_record,
)


def apply_errors(form: Any, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: to its field when the form has one, else on top.

    An :class:`EditConflictError` (someone else saved the record first) is shown with what they changed.
    """
    if isinstance(error, EditConflictError):
        show_conflict(form, describe_conflict(error, form))
        return
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
    when the write went through, so the view can redirect. The write itself is :func:`write_form`.
    """
    if request.method != "POST" or not form.is_valid():
        return False
    written, _ = write_form(form, write)
    if written:
        messages.success(request, success)
    return written


def write_form(
    form: Any,
    write: Callable[[dict[str, Any]], object],
    *,
    on_error: Callable[[Any, ValidationError], None] = apply_errors,
) -> tuple[bool, Any]:
    """Call ``write`` with a valid form's data; return (True, its result) or (False, None) with the errors
    on the form (``on_error`` puts a service's ValidationError there).

    A form editing a versioned record (rule EDIT-NO-LOST-UPDATE, :mod:`forbetter.core.versioning`) claims
    the version it was opened at in the same transaction as the write; if someone else saved first, nothing
    is written and the form is shown again with the person's input, who saved first and what they changed.
    """
    record = versioned_record(form)
    data = {key: value for key, value in form.cleaned_data.items() if key != VERSION_FIELD}
    try:
        with transaction.atomic():
            if record is not None and form.cleaned_data.get(VERSION_FIELD) is not None:
                claim_version(record, form.cleaned_data[VERSION_FIELD])
            result = write(data)
            if record is not None:
                record_claim(record)
    except EditConflictError as conflict:
        show_conflict(form, describe_conflict(conflict, form))
        return False, None
    except ValidationError as error:
        if record is not None:  # the transaction gave the claimed version back
            record.refresh_from_db(fields=[VERSION_FIELD])
            record._version_claimed = False
        on_error(form, error)
        return False, None
    return True, result


def show_conflict(form: Any, conflict: EditConflictError) -> None:
    """Put an edit conflict on the form: the message on top, the table of changes for the template
    (``form.edit_conflict``), and the version now saved in the hidden field, so saving again is deliberate.
    """
    form.add_error(None, ValidationError(conflict.explanation, code="edit_conflict"))
    form.edit_conflict = conflict
    data = form.data.copy()
    data[form.add_prefix(VERSION_FIELD)] = str(conflict.current_version)
    form.data = data
