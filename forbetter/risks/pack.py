"""The risk sections of the board pack (:mod:`forbetter.core.pack`): the heat maps and the highest-scoring
open risks (the council's notes on them for the council only), and the latest finished Monte Carlo run's
P-values and charts (council-confidential, as the runs pages are), from the pages' own selectors and the
run's stored results."""

from __future__ import annotations

from forbetter.core.pack import PackSection
from forbetter.partnerships.models import Partnership
from forbetter.risks import selectors
from forbetter.risks.models import RiskStatus

TOP_RISKS = 10


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    from forbetter.risks.analysis_views import run_results  # the run page's own figures and charts

    risks = selectors.register(
        partnership, selectors.RegisterFilters(status=RiskStatus.OPEN, sort="residual")
    )
    sections = [
        PackSection(
            key="risks",
            title="Risks",
            order=50,
            template="risks/pack/risks.html",
            context={
                "summary": selectors.register_summary(partnership),
                "maps": [selectors.heat_map(partnership, position=p) for p in ("inherent", "residual")],
                "top": list(risks[:TOP_RISKS]),
                "top_count": TOP_RISKS,
            },
        )
    ]
    if not partner_view:
        run = selectors.latest_finished_run(partnership)
        sections.append(
            PackSection(
                key="monte-carlo",
                title="Monte Carlo results",
                order=52,
                template="risks/pack/monte_carlo.html",
                context={"run": run, **(run_results(run) if run is not None else {})},
                council_only=True,
            )
        )
    return sections
