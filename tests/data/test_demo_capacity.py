"""The demo's client-side capacity records (issue 13, "Done when"): the contract-management partnership's
client team cost share is charted over every year with approved statements, one full year missing the
target; the initiation partnership has a team plan; the procurement partnership a budget and advisers; and
the capacity tasks cite them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.calc.capacity import ShareStatus
from forbetter.capacity import selectors
from forbetter.capacity.models import Adviser, ProcurementBudgetLine, TeamRole
from forbetter.demo import partnerships as demo
from forbetter.partnerships.models import Partnership
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_demo_capacity_records_and_the_tasks_citing_them(seeded_demo: None) -> None:
    highways = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    values, _ = selectors.contract_value_by_year(highways)
    shares = selectors.cost_shares(highways, selectors.actuals(highways), selectors.target(highways))
    assert {year.year for year in shares if year.share is not None} == set(values)
    assert sum(1 for year in shares if year.status == ShareStatus.BELOW_MINIMUM) == 1
    assert sum(1 for year in shares if year.status == ShareStatus.MET) >= 2
    assert Adviser.objects.filter(partnership=highways).count() == 2
    assert selectors.life_actuals(highways)[0].total > 0

    initiation = Partnership.objects.get(name=demo.INITIATION)
    assert TeamRole.objects.filter(partnership=initiation).count() == 4
    procurement = Partnership.objects.get(name=demo.PROCUREMENT)
    assert ProcurementBudgetLine.objects.filter(partnership=procurement).count() == 5
    assert Adviser.objects.filter(partnership=procurement).count() == 3

    for partnership, code in ((highways, "C-CAP-2"), (initiation, "I-CAP-1"), (procurement, "P-CAP-2")):
        task = partnership.tasks.get(action__code=code)
        assert task.evidence_links.exists(), (partnership.name, code)

    editor = User.objects.get(email="editor@ashcombe.example")
    page = client_for(editor).get(reverse("capacity:contract", args=[highways.pk])).content.decode()
    assert "missed the target in" in page
    assert "Show the data behind" in page
