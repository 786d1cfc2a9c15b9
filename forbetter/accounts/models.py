"""Organisations (councils, partner companies, joint-venture vehicles, audit bodies) and their users."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.core.versioning import VersionedModel


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner company"
    JOINT_VENTURE = "joint_venture", "Joint-venture company"
    AUDIT_BODY = "audit_body", "Audit body"


class Organisation(VersionedModel):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    audited_councils = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="auditors",
        limit_choices_to={"kind": OrganisationKind.COUNCIL},
        help_text="For an audit body: the councils whose partnerships its auditors may read.",
    )
    history = HistoricalRecords(excluded_fields=[])

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNCIL_EDITOR = "council_editor", "Council editor"
    COUNCIL_VIEWER = "council_viewer", "Council viewer"
    PARTNER_USER = "partner_user", "Partner user"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.COUNCIL_EDITOR: {OrganisationKind.COUNCIL},
    Role.COUNCIL_VIEWER: {OrganisationKind.COUNCIL},
    Role.PARTNER_USER: {OrganisationKind.PARTNER, OrganisationKind.JOINT_VENTURE},
    Role.AUDITOR: {OrganisationKind.AUDIT_BODY, OrganisationKind.COUNCIL},
    Role.ADMINISTRATOR: set(OrganisationKind.values),
}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMINISTRATOR)
        return self.create_user(email, password, **extra)


class User(VersionedModel, AbstractUser):
    """A person who signs in with their email address, belongs to one organisation and has one role."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.COUNCIL_VIEWER)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # Signing in stamps last_login (and may rehash the password): not an edit of the account.
    version_ignores: ClassVar[frozenset[str]] = frozenset({"last_login", "password"})

    class Meta:
        ordering: ClassVar[list[str]] = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email
