"""Risk records that can evidence framework tasks (I-RM-1, I-RM-2, P-RM-1, P-RM-2, C-RM-1, C-RM-2).

Risk reviews evidence monitoring and scheduled reviews; Monte Carlo runs and the exit analysis evidence risk
identification and the cost of exit; the change-of-ownership plan evidences C-RM-2. Labels carry no
figures, because task pages are read by partner users too.
"""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.risks.models import ExitAnalysis, OwnershipPlan, RiskReview, RunStatus, SimulationRun


def risk_reviews(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for review in RiskReview.objects.filter(partnership=partnership).select_related("reviewer"):
        yield EvidenceCandidate(record=review, label=f"{review} by {review.reviewer}", kind="Risk review")


def simulation_runs(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for run in SimulationRun.objects.filter(partnership=partnership, status=RunStatus.FINISHED):
        when = f"{run.finished_at:%-d %b %Y}" if run.finished_at else ""
        yield EvidenceCandidate(
            record=run,
            label=f"Run {run.pk} of {when}: {run.iterations:,} iterations, seed {run.seed}",
            kind="Monte Carlo risk simulation",
        )


def exit_analyses(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for analysis in ExitAnalysis.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=analysis,
            label=f"Exit costs by year and route, {analysis.term_years}-year term",
            kind="Exit-cost analysis",
        )


def ownership_plans(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for plan in OwnershipPlan.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=plan,
            label=f"Change-of-ownership plan, last reviewed {plan.last_reviewed_on:%-d %b %Y}",
            kind="Change-of-ownership plan",
        )
