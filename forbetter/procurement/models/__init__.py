"""The procurement area's records, one module per part (each part of the area lives in its own package:
``competition``, ``evaluation``, ``incentives``, ``governance``)."""

from forbetter.procurement.models.competition import *  # noqa: F403
from forbetter.procurement.models.evaluation import *  # noqa: F403
from forbetter.procurement.models.governance import *  # noqa: F403
from forbetter.procurement.models.incentives import *  # noqa: F403
