"""The partnership lifecycle as a small transition table with guard conditions.

Initiation → Procurement and contract award → Contract management → Ended (expired or terminated early).
Open framework actions never block a move: the gate records them and the page warns about them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from forbetter.partnerships.models import Partnership, PartnershipStatus, Stage


@dataclass(frozen=True)
class Transition:
    from_stage: str
    to_stage: str
    began_field: str
    """The partnership field that records the date the new stage began."""
    verb: str


TRANSITIONS: dict[str, Transition] = {
    Stage.INITIATION: Transition(
        Stage.INITIATION, Stage.PROCUREMENT, "procurement_began_on", "Start procurement"
    ),
    Stage.PROCUREMENT: Transition(
        Stage.PROCUREMENT,
        Stage.CONTRACT_MANAGEMENT,
        "contract_management_began_on",
        "Award and start the contract",
    ),
    Stage.CONTRACT_MANAGEMENT: Transition(
        Stage.CONTRACT_MANAGEMENT, Stage.ENDED, "ended_on", "End the partnership"
    ),
}


def next_transition(partnership: Partnership) -> Transition | None:
    """The move available from the partnership's current stage, or None once it has ended."""
    return TRANSITIONS.get(partnership.stage)


def guard_errors(
    partnership: Partnership,
    transition: Transition,
    *,
    decided_on: dt.date,
    end_status: str = "",
    end_reason: str = "",
) -> dict[str, str]:
    """Reasons the move cannot be recorded, by form field. Empty when the move may go ahead.

    Rules:
    - GATE-DATE: the decision date cannot be before the current stage began, nor in the future.
    - GATE-PARTNER: a contract cannot start without a named partner.
    - GATE-END: ending needs an outcome (expired or terminated early); early termination needs a reason.
    """
    errors: dict[str, str] = {}
    began = partnership.stage_began_on()
    if isinstance(began, dt.date) and decided_on < began:
        errors["decided_on"] = (
            f"Decision date must be on or after {began:%-d %B %Y}, when the current stage began"
        )
    if decided_on > dt.date.today():
        errors["decided_on"] = "Decision date must be today or in the past"
    if transition.to_stage == Stage.CONTRACT_MANAGEMENT and partnership.partner_id is None:
        errors["__all__"] = "Name the partner on the partnership's details before starting the contract"
    if transition.to_stage == Stage.ENDED:
        if end_status not in (PartnershipStatus.EXPIRED, PartnershipStatus.TERMINATED_EARLY):
            errors["end_status"] = "Select how the partnership ended"
        elif end_status == PartnershipStatus.TERMINATED_EARLY and not end_reason.strip():
            errors["end_reason"] = "Enter why the partnership was terminated early"
    return errors
