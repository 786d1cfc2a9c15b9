"""Demo organisations and one sign-in per role. Every name here is fictional."""

from __future__ import annotations

from dataclasses import dataclass

from forbetter.accounts.models import Organisation, OrganisationKind, Role, User

DEMO_PASSWORD = "ForBetter-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: str
    organisation: str


ORGANISATIONS = {
    "Ashcombe County Council": OrganisationKind.COUNCIL,
    "Marlcaster District Council": OrganisationKind.COUNCIL,
    "Meridian Public Services Ltd": OrganisationKind.PARTNER,
    "Corvane Partnerships plc": OrganisationKind.PARTNER,
    "Ashcombe Meridian Services LLP": OrganisationKind.JOINT_VENTURE,
    "Lindqvist Rowe Audit LLP": OrganisationKind.AUDIT_BODY,
}

USERS = [
    DemoUser("admin@forbetter.example", "Alex", "Admin", Role.ADMINISTRATOR, "Ashcombe County Council"),
    DemoUser("editor@ashcombe.example", "Priya", "Shah", Role.COUNCIL_EDITOR, "Ashcombe County Council"),
    DemoUser("viewer@marlcaster.example", "Tom", "Evans", Role.COUNCIL_VIEWER, "Marlcaster District Council"),
    DemoUser("partner@meridian.example", "Dan", "Okafor", Role.PARTNER_USER, "Meridian Public Services Ltd"),
    DemoUser("auditor@lindqvist.example", "Helen", "Ward", Role.AUDITOR, "Lindqvist Rowe Audit LLP"),
    # Further council staff who own framework actions in the demo.
    DemoUser(
        "chris.morgan@ashcombe.example", "Chris", "Morgan", Role.COUNCIL_EDITOR, "Ashcombe County Council"
    ),
    DemoUser(
        "fatima.begum@ashcombe.example", "Fatima", "Begum", Role.COUNCIL_EDITOR, "Ashcombe County Council"
    ),
    DemoUser(
        "gareth.hughes@marlcaster.example",
        "Gareth",
        "Hughes",
        Role.COUNCIL_EDITOR,
        "Marlcaster District Council",
    ),
]


def seed_people() -> dict[str, Organisation | User]:
    """Create (or find) the demo organisations and users, keyed by name and email."""
    found: dict[str, Organisation | User] = {}
    for name, kind in ORGANISATIONS.items():
        found[name], _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    auditor = found["Lindqvist Rowe Audit LLP"]
    assert isinstance(auditor, Organisation)
    auditor.audited_councils.add(found["Ashcombe County Council"], found["Marlcaster District Council"])  # type: ignore[arg-type]
    for person in USERS:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email,
                DEMO_PASSWORD,
                first_name=person.first_name,
                last_name=person.last_name,
                role=person.role,
                organisation=found[person.organisation],
                is_staff=person.role == Role.ADMINISTRATOR,
            )
        found[person.email] = user
    return found
