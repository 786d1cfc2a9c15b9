"""The old home of the risk builders, kept for the permission-matrix modules that still import from it;
everything else imports from tests/factories.py. Delete once those modules import from there."""

from tests.factories import (
    client_for,
    make_exit_analysis,
    make_finished_simulation_run,
    make_ownership_plan,
    make_risk,
    make_risk_review,
    risk_category,
)

category = risk_category
make_finished_run = make_finished_simulation_run
make_plan = make_ownership_plan
make_review = make_risk_review

__all__ = [
    "category",
    "client_for",
    "make_exit_analysis",
    "make_finished_run",
    "make_plan",
    "make_review",
    "make_risk",
]
