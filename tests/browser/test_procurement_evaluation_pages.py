"""The procurement evaluation pages in real Chromium (set-up, scoring, moderation, report, bundles), each
checked by axe-core against WCAG 2.2 AA with zero violations allowed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from forbetter.accounts.models import Role
from forbetter.procurement import examples as shared
from forbetter.procurement.evaluation import services
from forbetter.procurement.models import Evaluation, EvaluationState
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def evaluation(world: World) -> Evaluation:
    """Lots and a bundle; an evaluation set up with weights summing to 90% and two bids."""
    editor = world.users[Role.COUNCIL_EDITOR]
    corvane, meridian = (shared.bidder(world.ours, TODAY, name) for name in ("Corvane", "Meridian"))
    lots = [
        services.lot_save(user=editor, partnership=world.ours, data={"name": n, "services": f"{n} services"})
        for n in ("Revenues", "Property")
    ]
    bundle = services.bundle_save(
        user=editor,
        partnership=world.ours,
        data={
            "bidder": corvane,
            "name": "Both lots",
            "claimed_synergy_gbp": Decimal(300_000),
            "cross_subsidy_threshold": Decimal("0.25"),
        },
    )
    for lot, alone, bundled in zip(lots, (4_000_000, 1_900_000), (3_900_000, 1_300_000), strict=True):
        for where, price in ((None, alone), (bundle, bundled)):
            services.lot_price_save(
                user=editor,
                partnership=world.ours,
                data={"bidder": corvane, "lot": lot, "bundle": where, "price_gbp": Decimal(price)},
            )
    found = services.evaluation_save(
        user=editor,
        partnership=world.ours,
        data={
            "name": "Final tenders",
            "price_weight": Decimal("0.4"),
            "price_method": "lowest_ratio",
            "scale_max": 4,
        },
    )
    for name, weight in (("Method", "0.6"), ("Social value", "0.3")):
        services.criterion_save(user=editor, evaluation=found, data={"name": name, "weight": Decimal(weight)})
    for bidder, price in ((corvane, 6_800_000), (meridian, 6_100_000)):
        services.bid_save(
            user=editor,
            evaluation=found,
            data={"bidder": bidder, "price_gbp": Decimal(price), "received_on": TODAY},
        )
    return found


def test_set_up_scoring_moderation_report_and_bundles(
    page: Any, world: World, evaluation: Evaluation
) -> None:
    base = f"/partnerships/{world.ours.pk}/procurement"
    sign_in(page, "editor@a.test", PASSWORD)

    page.goto(f"{base}/bundles/")
    assert "Cross-subsidised" in page.locator("main").inner_text()  # Property: £1.3m against £1.9m alone
    assert_accessible(page)

    page.goto(f"{base}/evaluations/")
    page.get_by_role("link", name="Final tenders").click()
    assert "Sum of the weights" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Open the bids").click()
    page.get_by_role("button", name="Yes, open the bids").click()
    assert "sum to 90%: they must sum to 100%" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.goto(
        f"{base}/evaluations/{evaluation.pk}/criteria/{evaluation.criteria.get(name='Social value').pk}/"
    )
    page.get_by_label("Weight within quality").fill("0.4")
    page.get_by_role("button", name="Save the criterion").click()
    page.get_by_role("link", name="Open the bids").click()
    page.get_by_role("button", name="Yes, open the bids").click()
    assert Evaluation.objects.get(pk=evaluation.pk).state == EvaluationState.BIDS_OPENED

    page.get_by_role("link", name="Your scores").click()
    assert_accessible(page)
    page.get_by_role("link", name="Score Corvane on Method").click()
    page.get_by_label("Your score").fill("5")
    page.get_by_role("button", name="Save your score").click()
    assert "Enter a score from 0 to 4 (the scale)" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    editor = world.users[Role.COUNCIL_EDITOR]
    second = UserFactory(role=Role.COUNCIL_EDITOR, organisation=editor.organisation)
    fresh = Evaluation.objects.get(pk=evaluation.pk)
    for user, low in ((editor, 0), (second, 4)):
        for bid in fresh.bids.all():
            for criterion in fresh.criteria.all():
                services.score_save(
                    user=user,
                    evaluation=fresh,
                    bid=bid,
                    criterion=criterion,
                    data={"score": Decimal(low if bid.bidder.name == "Meridian" else 3)},
                )
    services.evaluation_advance(user=editor, evaluation=fresh)

    page.goto(f"{base}/evaluations/{evaluation.pk}/moderation/")
    assert "Flagged" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Moderate Meridian on Method").click()
    page.get_by_label("Moderated score").fill("2")
    page.get_by_role("button", name="Save the moderated score").click()
    assert "Give the reason for the moderated score" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Reason").fill("Agreed at the moderation meeting")
    page.get_by_role("button", name="Save the moderated score").click()
    assert "Agreed at the moderation meeting" in page.locator("main").inner_text()

    page.get_by_role("link", name="Report").click()
    text = page.locator("main").inner_text()
    assert "Highest total" in text
    assert "How the winner depends on the price weight" in text
    assert_accessible(page)
