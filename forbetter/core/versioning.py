"""No lost saves: a version number on every record edited through a form (rule EDIT-NO-LOST-UPDATE).

=================  ==========================================================================================
rule               what it says
=================  ==========================================================================================
EDIT-NO-LOST-      two people open the same record; the first saves. The second person's save must not
UPDATE             silently overwrite the first: it is refused, their input is shown back to them with who
                   saved the record first and when (from its history), and a table of what that person
                   changed (their value beside the value now saved). Saving again, having seen it, applies
                   their values on purpose.
=================  ==========================================================================================

How: each such model mixes in :class:`VersionedModel` (a ``edit_version`` number, 1 when created, one more on
every save). Every form page edits a record through ``forbetter.core.form_handling.save_form``; the form
carries the version it was opened at in a hidden field (:func:`add_version_field`, called by
``GovukFormMixin``), and ``save_form`` claims that version with one
``UPDATE … SET edit_version = edit_version + 1 WHERE pk = … AND edit_version = …`` inside the same
transaction as the service's write (:func:`claim_version`).
The database decides who was first: on PostgreSQL the second ``UPDATE`` waits for the first transaction
and then matches no row; on SQLite writers take turns. No row matched means someone else saved first:
:class:`EditConflictError`, and nothing of the second save is written.

This module knows nothing of any area: it reads the record's fields and its django-simple-history rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from forbetter.core.history import display_value, field_label

VERSION_FIELD = "edit_version"


class VersionedModel(models.Model):
    """A record edited through forms: ``edit_version`` counts its saves, so a stale edit can be told apart."""

    edit_version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Counts the record's saves; a form saved from an older one is refused",
    )

    # Fields whose saves alone leave the version as it is: a sign-in stamping ``last_login`` on a user is
    # not an edit, and must not make an administrator's open form on that user stale.
    version_ignores: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, moving the version on. A record a form validated carries the version the form was opened
        at (``_expected_version``): it is claimed here with a conditional ``UPDATE``, so a view that calls
        its service directly is guarded as well as one using ``save_form`` (which claims it earlier)."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= self.version_ignores:
            super().save(*args, **kwargs)
            return
        if not self._state.adding:
            expected = getattr(self, "_expected_version", None)
            if getattr(self, "_version_claimed", False):
                pass  # claimed already, in this transaction
            elif expected is not None:
                claim_version(self, expected)
            else:
                # Any save of an existing record moves its version on, so an edit form opened before a change
                # made elsewhere (a risk review, a status change) is refused rather than overwriting it.
                self.edit_version = (self.edit_version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, VERSION_FIELD}
        self._version_claimed = False
        self._expected_version = None
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class ConflictRow:
    """One field the other person changed: its label, the value typed now, the value they saved."""

    field: str
    yours: str
    theirs: str


class EditConflictError(ValidationError):
    """Someone else saved the record after this form was opened (rule EDIT-NO-LOST-UPDATE).

    A ValidationError, so every view that shows a service's errors on its form shows this one too; the
    shared ``apply_errors`` adds the table of what changed.
    """

    def __init__(
        self,
        *,
        record: Any,
        expected_version: int,
        current_version: int,
        who: str = "Someone else",
        when: dt.datetime | None = None,
    ) -> None:
        self.record = record
        self.expected_version = expected_version
        self.current_version = current_version
        self.who = who
        self.when = when
        self.rows: list[ConflictRow] = []
        super().__init__(self.explanation, code="edit_conflict")

    @property
    def explanation(self) -> str:
        when = ""
        if self.when is not None:
            local = timezone.localtime(self.when)
            when = f" at {local:%H:%M} on {local.day} {local:%B} {local.year}"
        return (
            f"{self.who} saved this record{when}, after you opened this form. Nothing you typed has been "
            "saved yet: check what they changed below, then save again to replace their values with yours."
        )


def versioned_record(form: Any) -> VersionedModel | None:
    """The saved record a form edits, when it is versioned: ``form.version_record`` or a ModelForm's
    instance."""
    record = getattr(form, "version_record", None)
    if record is None:
        record = getattr(form, "instance", None)
    if isinstance(record, VersionedModel) and record.pk is not None:
        return record
    return None


OUT_OF_DATE = "This page is out of date: reload it and make your change again"


class EditVersionField(forms.IntegerField):
    """The hidden version a form was opened at: required, a whole number from 1; anything else is refused
    with one plain message (the person cannot see or fix a hidden field, only reload the page)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        message = dict.fromkeys(("required", "invalid", "min_value", "max_value"), OUT_OF_DATE)
        # The largest number every supported database holds: a larger one could not be compared, only fail.
        super().__init__(
            required=True, min_value=1, max_value=2_147_483_647, error_messages=message, **kwargs
        )


def move_version_error(form: Any) -> None:
    """Show a refused hidden version at the top of the form: a hidden field's own error has nowhere to go."""
    errors = getattr(form, "_errors", None)
    if errors and VERSION_FIELD in errors:
        messages = errors.pop(VERSION_FIELD)
        for message in messages:
            form.add_error(None, ValidationError(message, code="out_of_date"))


def add_version_field(form: Any) -> None:
    """Give a form editing a versioned record the hidden ``edit_version`` it was opened at."""
    record = versioned_record(form)
    if record is None or VERSION_FIELD in form.fields:
        return
    # Required: a save that does not say which version it was made from cannot be checked, so it is refused
    # (every page renders the field, so a person's browser always sends it).
    form.fields[VERSION_FIELD] = EditVersionField(initial=record.edit_version)


def expect_version(form: Any) -> None:
    """After a form validates, tell its record which version the person saw, for ``save()`` to claim."""
    record = versioned_record(form)
    if record is not None and getattr(form, "cleaned_data", None):
        record._expected_version = form.cleaned_data.get(VERSION_FIELD)


def claim_version(record: VersionedModel, expected: int) -> None:
    """Move the record from version ``expected`` to the next, or raise :class:`EditConflictError`.

    Call inside ``transaction.atomic`` with the write that follows it, so a failed write gives the version
    back. The in-memory record is left at the claimed version, so its own ``save()`` does not move it again.
    """
    model = type(record)
    matching = model._default_manager.filter(pk=record.pk, edit_version=expected)
    if matching.update(edit_version=F("edit_version") + 1) == 1:
        record.edit_version = expected + 1
        record._version_claimed = True
        record._expected_version = None
        return
    current = model._default_manager.filter(pk=record.pk).values_list(VERSION_FIELD, flat=True).first()
    record._expected_version = None
    who, when = _last_saved(record)
    raise EditConflictError(
        record=record, expected_version=expected, current_version=current or 0, who=who, when=when
    )


def record_claim(record: VersionedModel) -> None:
    """After a write that changed only rows hanging off ``record`` (a route's compensation schedule under its
    exit analysis), save the record's claimed version so its history says who moved it on and when: the
    next person refused is told who saved first. Nothing to do when the write saved the record itself."""
    if not getattr(record, "_version_claimed", False):
        return  # the record's own save() used the claim
    model = type(record)
    fresh = model._default_manager.get(pk=record.pk)
    record._version_claimed = False
    if fresh.edit_version != record.edit_version:
        return  # the service saved its own copy of the record, which moved the version again
    fresh._version_claimed = True
    fresh.save(update_fields=[VERSION_FIELD])  # a history row with the request's user; no visible change


def _last_saved(record: VersionedModel) -> tuple[str, dt.datetime | None]:
    """Who saved the record last and when, from its django-simple-history rows."""
    history = getattr(type(record), "history", None)
    if history is None:
        return "Someone else", None
    latest = (
        history.filter(**{record._meta.pk.attname: record.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if latest is None:
        return "Someone else", None
    user = latest.history_user
    who = (user.get_full_name() or user.get_username()) if user is not None else "Someone else"
    return who, latest.history_date


def describe_conflict(conflict: EditConflictError, form: Any) -> EditConflictError:
    """List the fields on ``form`` the other person changed since it was opened: label, the value the
    person typed, the value saved now (both in words, as history pages show them).

    A form field with no field of its own on the record (a version's budget, a line's yearly values: rows of
    other tables) is listed when what the person sent differs from what the page shows now, as the view
    fills the form's ``initial`` from the record saved now."""
    record = conflict.record
    model = type(record)
    saved = model._default_manager.get(pk=record.pk)
    history = getattr(model, "history", None)
    opened = None
    if history is not None:
        opened = (
            history.filter(**{model._meta.pk.attname: record.pk}, edit_version=conflict.expected_version)
            .order_by("-history_date", "-history_id")
            .first()
        )
    typed = getattr(form, "cleaned_data", {}) or {}
    # Only fields the history keeps are compared: one it leaves out (a password) is never shown back.
    tracked = {f.attname for f in history.model._meta.concrete_fields} if history is not None else None
    rows = []
    for name in form.fields:
        if name == VERSION_FIELD or name not in typed:
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            row = _compare_as_shown(form, name)
            if row is not None:
                rows.append(row)
            continue
        if model_field.many_to_many or not model_field.concrete:
            continue
        if tracked is not None and model_field.attname not in tracked:
            continue
        now = getattr(saved, model_field.attname)
        if opened is not None and getattr(opened, model_field.attname) == now:
            continue  # the other person left this field alone
        yours = typed.get(name)
        if model_field.is_relation:
            yours_text, now_text = str(yours or "blank"), str(getattr(saved, name) or "blank")
        else:
            yours_text, now_text = display_value(model_field, yours), display_value(model_field, now)
        if yours_text == now_text and opened is None:
            continue
        rows.append(ConflictRow(field=field_label(model_field, name), yours=yours_text, theirs=now_text))
    conflict.rows = rows
    return conflict


def _compare_as_shown(form: Any, name: str) -> ConflictRow | None:
    """A row for a form field kept outside the record's own columns, when the text the person sent differs
    from the text its page shows now (``form.initial``, filled by the view from what is saved). Fields the
    page does not fill (a reason for the change, a new password) are never compared."""
    if name not in form.initial:
        return None
    field = form.fields[name]
    if isinstance(field.widget, forms.PasswordInput):
        return None
    sent = " ".join(str(form.data.get(form.add_prefix(name), "")).split())
    now_value = form.initial[name]
    now = " ".join(str(field.widget.format_value(now_value) if now_value is not None else "").split())
    if sent == now:
        return None
    label = str(field.label or name.replace("_", " "))
    return ConflictRow(field=label, yours=sent or "blank", theirs=now or "blank")
