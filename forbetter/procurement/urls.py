"""Every URL of the procurement area, part by part (each part keeps its own ``urls.py``)."""

from __future__ import annotations

from forbetter.procurement.competition import urls as competition
from forbetter.procurement.evaluation import urls as evaluation
from forbetter.procurement.governance import urls as governance
from forbetter.procurement.incentives import urls as incentives

app_name = "procurement"

urlpatterns = [
    *competition.urlpatterns,
    *evaluation.urlpatterns,
    *incentives.urlpatterns,
    *governance.urlpatterns,
]
