"""The procurement area (procurement and contract award). Every page of it is confidential to the council:
bidders' prices, scores, evaluations, conflicts and the council's should-cost are never shown to a partner
or bidder user, so partner users get a 403 on all of it. Declared once for navigation, evidence, the demo and
the permission matrix (see :mod:`forbetter.core.areas`); each part (``competition``, ``evaluation``,
``incentives``, ``governance``) declares its own routes, examples and evidence in its ``routes.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forbetter.accounts.permissions import can_see_confidential
from forbetter.core.areas import Area, Section
from forbetter.procurement.competition import routes as competition
from forbetter.procurement.evaluation import routes as evaluation
from forbetter.procurement.governance import routes as governance
from forbetter.procurement.incentives import routes as incentives

PARTS = (competition, evaluation, incentives, governance)


def examples(partnership: Any, user: Any, today: dt.date | None = None) -> None:
    """One record of each kind every part's URLs address, part by part (later parts build on earlier)."""
    for part in PARTS:
        part.examples(partnership, user, today)


AREA = Area(
    app="procurement",
    routes=tuple(route for part in PARTS for route in part.ROUTES),
    sections=(Section("procurement", "Procurement", "procurement:overview", 45, can_see_confidential),),
    evidence=tuple(provider for part in PARTS for provider in part.EVIDENCE),
    demo="forbetter.demo.procurement",
    examples=examples,
)
