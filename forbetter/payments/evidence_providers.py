"""Payment records that can evidence framework tasks.

C-INC-1 (manage the partnership as a contract first) cites approved payment statements and the payment
mechanism; C-INC-2 (clear roles and responsibilities) cites the roles and responsibilities register.
"""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.payments.models import PaymentMechanism, PaymentStatement, Responsibility, StatementStatus


def payment_statements(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    approved = PaymentStatement.objects.filter(partnership=partnership, status=StatementStatus.APPROVED)
    for statement in approved:
        yield EvidenceCandidate(
            record=statement,
            label=f"{statement}: £{statement.payable_gbp:,.2f} payable after £{statement.deduction_gbp:,.2f} "
            "deductions",
            kind="Payment statement",
        )


def payment_mechanism(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for mechanism in PaymentMechanism.objects.filter(partnership=partnership):
        yield EvidenceCandidate(record=mechanism, label=str(mechanism), kind="Payment mechanism")


def responsibilities(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for line in Responsibility.objects.filter(partnership=partnership):
        label = f"{line.obligation} ({line.clause_reference})" if line.clause_reference else line.obligation
        yield EvidenceCandidate(record=line, label=label, kind="Roles and responsibilities register")
