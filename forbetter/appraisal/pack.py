"""The business-case section of the board pack (:mod:`forbetter.core.pack`): the latest frozen version's
stored results (options ranked, net present cost chart, affordability), as its results page shows them.
Confidential to the council, as the business-case pages are."""

from __future__ import annotations

from typing import Any

from forbetter.appraisal import frozen, presenters
from forbetter.appraisal.models import BusinessCaseVersion, VersionStatus
from forbetter.core.pack import PackSection
from forbetter.partnerships.models import Partnership


def latest_frozen(partnership: Partnership) -> BusinessCaseVersion | None:
    return (
        BusinessCaseVersion.objects.filter(
            business_case__partnership=partnership, status=VersionStatus.FROZEN
        )
        .select_related("business_case", "frozen_result")
        .order_by("-frozen_at", "-pk")
        .first()
    )


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    if partner_view:
        return []
    version = latest_frozen(partnership)
    context: dict[str, Any] = {"version": version}
    appraised = frozen.load_figures(version) if version is not None else None
    if appraised is not None:
        affordability = frozen.stored_affordability(appraised)
        context.update(
            appraised=appraised,
            ranked=sorted(appraised.options, key=lambda o: o.result.rank),
            ranking_summary=presenters.ranking_summary(appraised),
            ranking_rule_text=presenters.ranking_rule_text(appraised),
            discount_text=presenters.discount_text(appraised.schedule),
            npc=presenters.npc_chart(appraised),
            affordability=affordability,
        )
    return [
        PackSection(
            key="business-case",
            title="Business case",
            order=40,
            template="appraisal/pack/business_case.html",
            context=context,
            council_only=True,
        )
    ]
