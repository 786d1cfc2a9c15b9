"""The trust records: charter versions, activities, measures, the open-book protocol and reviews (feeding the
gainshare year), key people and succession; bad input refused with a specific message and nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forbetter.accounts.models import Role, User
from forbetter.partnerships.evidence import candidates_for, matching_candidates
from forbetter.payments import selectors as payment_selectors
from forbetter.payments.models import GainshareYear, ShareBand
from forbetter.trust import selectors, services
from forbetter.trust.models import (
    CharterVersion,
    KeyPost,
    MeasureValue,
    OpenBookProtocol,
    OpenBookReview,
    PartnershipMeasure,
    TrustActivity,
)
from tests.conftest import World
from tests.factories import client_for, make_payment_mechanism
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 1)


def _url(name: str, world: World, *args: Any) -> str:
    return reverse(f"trust:{name}", args=[world.ours.pk, *args])


def _charter(world: World, editor: User, day: dt.date = DAY, text: str = "We work as one") -> CharterVersion:
    return services.charter_version_add(
        user=editor,
        partnership=world.ours,
        data={"version_date": day, "text": text, "agreed_by_council": "CEO", "agreed_by_partner": "MD"},
    )


def _activity_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "held_on": DAY,
        "kind": "workshop",
        "title": "Joint workshop",
        "purpose": "Solve problems together",
        "council_count": 3,
        "council_names": "",
        "partner_count": 2,
        "partner_names": "",
        "outcome": "",
    }
    data.update(changes)
    return data


def _review_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "year": 2024,
        "reviewed_on": DAY,
        "reviewed_by": "Council finance",
        "agreed_cost_gbp": Decimal("1000000"),
        "submitted_cost_gbp": Decimal("1050000"),
        "agreed_margin": Decimal("0.08"),
        "actual_margin": Decimal("0.09"),
        "findings": "Overheads double-counted",
        "agreed_actual_cost_gbp": Decimal("1010000"),
    }
    data.update(changes)
    return data


def _post(data: dict[str, Any]) -> dict[str, Any]:
    return {key: "" if value is None else str(value) for key, value in data.items()}


# ------------------------------------------------------------------------------------------------------
# Charter
# ------------------------------------------------------------------------------------------------------


def test_the_current_charter_is_the_latest_by_date_and_earlier_versions_are_kept(
    world: World, editor: User
) -> None:
    later = _charter(world, editor, DAY, "Second")
    earlier = _charter(world, editor, DAY - dt.timedelta(days=400), "First")
    assert selectors.current_charter(world.ours) == later
    client = client_for(world.users[Role.PARTNER_USER])
    page = client.get(_url("charter", world)).content.decode()
    assert "Current charter, agreed 1 June 2025" in page
    old = client.get(_url("charter-version", world, earlier.pk)).content.decode()
    assert "An earlier version, kept for the record" in old
    assert "First" in old


def test_a_charter_version_without_a_date_is_refused_and_nothing_saved(world: World, editor: User) -> None:
    response = client_for(editor).post(
        _url("charter-add", world),
        {"version_date": "", "text": "Words", "agreed_by_council": "CEO", "agreed_by_partner": "MD"},
    )
    assert response.status_code == 200
    assert "Enter the date this version of the charter was agreed" in response.content.decode()
    assert not CharterVersion.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.charter_version_add(
            user=editor, partnership=world.ours, data={"version_date": None, "text": "x"}
        )
    assert "version_date" in refused.value.error_dict
    assert not CharterVersion.objects.exists()


def test_a_charter_version_or_review_dated_in_the_future_is_refused(world: World, editor: User) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        _charter(world, editor, tomorrow)
    assert refused.value.message_dict["version_date"][0].startswith(
        "The date agreed must be today or in the past"
    )
    make_payment_mechanism(world.ours)
    with pytest.raises(ValidationError) as refused:
        services.review_save(user=editor, partnership=world.ours, data=_review_data(reviewed_on=tomorrow))
    assert "reviewed_on" in refused.value.message_dict
    assert not CharterVersion.objects.exists()
    assert not OpenBookReview.objects.exists()
    assert not GainshareYear.objects.exists()


def test_two_charter_versions_on_one_day_are_refused(world: World, editor: User) -> None:
    _charter(world, editor)
    with pytest.raises(ValidationError, match="already exists"):
        _charter(world, editor)
    assert CharterVersion.objects.count() == 1


def test_an_editor_adds_a_charter_version_through_the_page(world: World, editor: User) -> None:
    response = client_for(editor).post(
        _url("charter-add", world),
        {
            "version_date": "2025-06-01",
            "text": "Words",
            "agreed_by_council": "CEO",
            "agreed_by_partner": "MD",
        },
    )
    assert response.status_code == 302
    version = CharterVersion.objects.get()
    assert (version.partnership, version.created_by) == (world.ours, editor)


# ------------------------------------------------------------------------------------------------------
# Activities and measures
# ------------------------------------------------------------------------------------------------------


def test_attendance_counts_names_and_flags_an_activity_with_nobody_from_one_side(
    world: World, editor: User
) -> None:
    named = services.activity_save(
        user=editor,
        partnership=world.ours,
        data=_activity_data(council_count=None, council_names="A\nB, C", partner_count=0),
    )
    assert (named.council_attended, named.partner_attended, named.one_sided) == (3, 0, True)
    services.activity_save(user=editor, partnership=world.ours, data=_activity_data(held_on=DAY))
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(_url("activities", world)).content.decode()
    assert page.count("Nobody from one side") == 1
    assert "1 activity had nobody from one side" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"council_count": None, "council_names": ""},
            "council_count",
            "Enter how many came from the council side, or list their names (enter 0 if nobody came)",
        ),
        (
            {"partner_count": 1, "partner_names": "A\nB"},
            "partner_count",
            "From the partner side, the number who came (1) is fewer than the 2 names listed",
        ),
    ],
)
def test_bad_attendance_is_refused_with_its_message_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.activity_save(user=editor, partnership=world.ours, data=_activity_data(**changes))
    assert refused.value.message_dict[field] == [message]
    response = client_for(editor).post(_url("activity-create", world), _post(_activity_data(**changes)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrustActivity.objects.exists()


def test_an_activity_edit_is_versioned_and_kept_in_history(world: World, editor: User) -> None:
    activity = services.activity_save(user=editor, partnership=world.ours, data=_activity_data())
    url = _url("activity-edit", world, activity.pk)
    response = client_for(editor).post(url, {**_post(_activity_data(title="Renamed")), **opened_at(activity)})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Renamed"
    assert activity.history.count() == 2


def test_measure_values_show_a_trend_and_a_period_valued_twice_is_refused(world: World, editor: User) -> None:
    measure = services.measure_save(
        user=editor,
        partnership=world.ours,
        data={"name": "Responsiveness", "how_measured": "Median days", "higher_is_better": False},
    )
    for day, value in ((dt.date(2025, 3, 31), "6"), (dt.date(2025, 6, 30), "4.5")):
        services.measure_value_add(
            user=editor, measure=measure, data={"period_end": day, "value": Decimal(value)}
        )
    response = client_for(editor).post(
        _url("value-add", world, measure.pk), {"period_end": "2025-06-30", "value": "3"}
    )
    assert "Responsiveness already has a value for the period to 30 June 2025" in response.content.decode()
    assert MeasureValue.objects.count() == 2
    page = client_for(world.users[Role.PARTNER_USER]).get(_url("measures", world)).content.decode()
    assert "The latest value, 4.5, is down 1.5 on the one before (6): improving." in page
    with pytest.raises(ValidationError, match="already a measure called"):
        services.measure_save(
            user=editor, partnership=world.ours, data={"name": "responsiveness", "how_measured": "x"}
        )
    assert PartnershipMeasure.objects.count() == 1


def test_a_measure_value_that_is_not_a_number_is_refused(world: World, editor: User) -> None:
    measure = services.measure_save(
        user=editor, partnership=world.ours, data={"name": "Joint problem-solving", "how_measured": "1 to 5"}
    )
    response = client_for(editor).post(
        _url("value-add", world, measure.pk), {"period_end": "2025-06-30", "value": "good"}
    )
    assert response.status_code == 200
    assert not MeasureValue.objects.exists()


# ------------------------------------------------------------------------------------------------------
# Open book
# ------------------------------------------------------------------------------------------------------


def _protocol(world: World, editor: User, **changes: Any) -> OpenBookProtocol:
    data = {
        "cost_categories": "Staff\nMaterials",
        "margins_shared": True,
        "margin_detail": "By service line",
        "frequency": "annual",
        "depth": "line_item",
        "reviewers": "Council finance",
        "agreed_on": DAY,
    }
    data.update(changes)
    return services.protocol_save(user=editor, partnership=world.ours, data=data)


def test_the_protocol_keeps_its_earlier_terms_in_history(world: World, editor: User) -> None:
    protocol = _protocol(world, editor)
    response = client_for(editor).post(
        _url("protocol-edit", world),
        {
            **_post(
                {
                    "cost_categories": "Staff",
                    "frequency": "quarterly",
                    "depth": "full_ledger",
                    "reviewers": "Internal audit",
                    "agreed_on": "2025-07-01",
                }
            ),
            **opened_at(protocol),
        },
    )
    assert response.status_code == 302
    protocol.refresh_from_db()
    assert (protocol.depth, protocol.margins_shared, protocol.margin_detail) == ("full_ledger", False, "")
    assert [row.depth for row in protocol.history.order_by("history_id")] == ["line_item", "full_ledger"]
    page = client_for(world.users[Role.PARTNER_USER]).get(_url("open-book", world)).content.decode()
    assert "Full ledger: every transaction" in page
    assert "Changes to the protocol" in page


def test_a_protocol_without_its_depth_is_refused(world: World, editor: User) -> None:
    response = client_for(editor).post(
        _url("protocol-edit", world),
        {"cost_categories": "Staff", "frequency": "annual", "reviewers": "x", "agreed_on": "2025-01-01"},
    )
    assert "Select how deep the review goes" in response.content.decode()
    assert not OpenBookProtocol.objects.exists()


def test_a_reviews_agreed_actual_cost_becomes_the_gainshare_year_through_payments(
    world: World, editor: User
) -> None:
    mechanism = make_payment_mechanism(world.ours, gainshare_baseline_gbp=Decimal("1200000"))
    ShareBand.objects.create(mechanism=mechanism, kind="gain", from_gbp=0, council_share=Decimal("0.5"))
    response = client_for(editor).post(_url("review-create", world), _post(_review_data()))
    assert response.status_code == 302
    review = OpenBookReview.objects.get()
    year = GainshareYear.objects.get(mechanism=mechanism, year=2024)
    assert review.gainshare_year == year
    assert year.actual_cost_gbp == Decimal("1010000")
    assert "open-book review of 2024/25" in year.notes
    # The gainshare arithmetic is the payments selector's, reading the year the review fed.
    [line] = payment_selectors.gainshare_lines(
        type(mechanism).objects.prefetch_related("gainshare_years", "share_bands").get(pk=mechanism.pk)
    )
    assert line.year == year
    assert line.result is not None
    mechanism_page = client_for(world.users[Role.PARTNER_USER]).get(
        reverse("payments:mechanism", args=[world.ours.pk])
    )
    assert "Agreed actual cost from the open-book review of 2024/25" in mechanism_page.content.decode()

    # A correction updates the same gainshare year, with its history.
    edit = client_for(editor).post(
        _url("review-edit", world, review.pk),
        {**_post(_review_data(agreed_actual_cost_gbp=Decimal("1005000"))), **opened_at(review)},
    )
    assert edit.status_code == 302
    year.refresh_from_db()
    assert year.actual_cost_gbp == Decimal("1005000")
    assert [h.actual_cost_gbp for h in year.history.order_by("history_id")] == [
        Decimal("1010000"),
        Decimal("1005000"),
    ]
    page = client_for(world.users[Role.PARTNER_USER]).get(_url("review", world, review.pk)).content.decode()
    assert "This agreed actual cost is the 2024/25 actual cost" in page
    assert "£50,000 over the agreed cost (5.0% of it)" in page


def test_a_review_replaces_a_year_recorded_by_hand(world: World, editor: User) -> None:
    mechanism = make_payment_mechanism(world.ours)
    GainshareYear.objects.create(mechanism=mechanism, year=2024, actual_cost_gbp=Decimal(1))
    review = services.review_save(user=editor, partnership=world.ours, data=_review_data())
    assert GainshareYear.objects.get() == review.gainshare_year
    assert review.gainshare_year is not None
    assert review.gainshare_year.actual_cost_gbp == Decimal("1010000")


@pytest.mark.parametrize(
    ("setup", "changes", "field", "message"),
    [
        (False, {}, "agreed_actual_cost_gbp", "The partnership has no payment mechanism"),
        (True, {"agreed_margin": Decimal("8")}, "agreed_margin", "Agreed margin must be 1 (100%) or less"),
        (True, {"agreed_cost_gbp": Decimal("-5")}, "agreed_cost_gbp", "Agreed cost for the year cannot be"),
        (True, {"year": 1999}, "year", "Enter a year from 2000"),
        (True, {"findings": ""}, "findings", "Enter the review's findings"),
    ],
)
def test_bad_reviews_are_refused_and_nothing_saved(
    world: World, editor: User, setup: bool, changes: dict[str, Any], field: str, message: str | None
) -> None:
    if setup:
        make_payment_mechanism(world.ours)
    response = client_for(editor).post(_url("review-create", world), _post(_review_data(**changes)))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if message:
        assert message in form.errors[field][0]
    assert not OpenBookReview.objects.exists()
    assert not GainshareYear.objects.exists()


def test_a_fed_review_cannot_lose_its_agreed_cost_or_change_year_or_repeat_a_year(
    world: World, editor: User
) -> None:
    make_payment_mechanism(world.ours)
    review = services.review_save(user=editor, partnership=world.ours, data=_review_data())
    for changes, field in (
        ({"agreed_actual_cost_gbp": None}, "agreed_actual_cost_gbp"),
        ({"year": 2023}, "year"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.review_save(
                user=editor, partnership=world.ours, review=review, data=_review_data(**changes)
            )
        assert field in refused.value.error_dict
    with pytest.raises(ValidationError, match="already an open-book review of 2024/25"):
        services.review_save(user=editor, partnership=world.ours, data=_review_data())
    assert GainshareYear.objects.get().actual_cost_gbp == Decimal("1010000")
    assert OpenBookReview.objects.get().year == 2024


def test_a_review_not_yet_agreed_feeds_nothing(world: World, editor: User) -> None:
    review = services.review_save(
        user=editor, partnership=world.ours, data=_review_data(agreed_actual_cost_gbp=None)
    )
    assert review.gainshare_year is None
    assert not GainshareYear.objects.exists()


# ------------------------------------------------------------------------------------------------------
# Key people and succession
# ------------------------------------------------------------------------------------------------------


def _key_post(world: World, editor: User, post: str = "Contract manager", **changes: Any) -> KeyPost:
    data = {"post": post, "holder": "Priya Shah", "side": "council", "criticality": "critical"}
    data.update(changes)
    return services.key_post_save(user=editor, partnership=world.ours, data=data)


def test_a_key_post_without_a_successor_is_warned_of(world: World, editor: User) -> None:
    covered = _key_post(world, editor)
    services.successor_save(
        user=editor, post=covered, data={"name": "Chris Morgan", "readiness": "ready_now"}
    )
    _key_post(world, editor, "Operations manager", side="partner", holder="Owen Price")
    page = client_for(world.users[Role.PARTNER_USER]).get(_url("people", world)).content.decode()
    assert "1 key post has no successor: Operations manager (partner)." in page
    assert "Chris Morgan: ready now" in page


def test_a_successor_who_holds_the_post_or_a_post_without_a_side_is_refused(
    world: World, editor: User
) -> None:
    post = _key_post(world, editor)
    response = client_for(editor).post(
        _url("successor-create", world, post.pk), {"name": "priya shah ", "readiness": "ready_now"}
    )
    assert response.context["form"].errors["name"] == [
        "priya shah holds the post now, so cannot be its successor"
    ]
    assert not post.successors.exists()
    response = client_for(editor).post(
        _url("post-create", world), {"post": "Finance lead", "criticality": "high"}
    )
    assert "Select which side the post is on" in response.content.decode()
    assert KeyPost.objects.count() == 1


# ------------------------------------------------------------------------------------------------------
# Who sees, at a glance, evidence
# ------------------------------------------------------------------------------------------------------


def test_partner_users_read_every_trust_page_and_change_none(world: World, editor: User) -> None:
    partner = world.users[Role.PARTNER_USER]
    _charter(world, editor)
    for name in ("overview", "charter", "activities", "measures", "open-book", "people"):
        assert client_for(partner).get(_url(name, world)).status_code == 200, name
    assert client_for(partner).get(_url("charter-add", world)).status_code == 403
    with pytest.raises(PermissionDenied):
        _charter(world, partner, DAY + dt.timedelta(days=1))


def test_at_a_glance_in_three_queries(world: World, editor: User, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):
        empty = selectors.at_a_glance(world.ours)
    assert empty == {"charter_date": None, "last_activity": None, "posts_without_successor": 0}
    _charter(world, editor, DAY)
    _charter(world, editor, DAY - dt.timedelta(days=30))
    activity = services.activity_save(user=editor, partnership=world.ours, data=_activity_data())
    _key_post(world, editor)
    with django_assert_num_queries(3):
        glance = selectors.at_a_glance(world.ours)
    assert glance == {"charter_date": DAY, "last_activity": activity, "posts_without_successor": 1}
    assert selectors.at_a_glance(world.theirs)["posts_without_successor"] == 0


def test_trust_records_evidence_their_framework_kinds(world: World, editor: User) -> None:
    _charter(world, editor)
    services.activity_save(user=editor, partnership=world.ours, data=_activity_data())
    _protocol(world, editor)
    _key_post(world, editor)
    found = candidates_for(world.ours)
    labels = {
        kind: [c.model_label for c in matching_candidates(found, [kind])]
        for kind in ("trust_activity", "open_book_protocol", "succession_plan")
    }
    assert sorted(labels["trust_activity"]) == ["trust.charterversion", "trust.trustactivity"]
    assert labels["open_book_protocol"] == ["trust.openbookprotocol"]
    assert labels["succession_plan"] == ["trust.keypost"]
    assert [c for c in candidates_for(world.theirs) if c.model_label.startswith("trust.")] == []


TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "0", "-1", "1e400", "NaN", "99999999999999999999", "0000-00-00", "\x00", "x" * 3000]
    ),
)


def test_every_trust_form_answers_generated_posts_without_a_server_error(world: World, editor: User) -> None:
    """Property: whatever an editor posts into any trust form, the page answers with a form or a redirect."""
    from forbetter.core.areas import Kind, areas

    [area] = [area for area in areas() if area.app == "trust"]
    assert area.examples is not None
    area.examples(world.ours, editor)
    client = client_for(editor)
    targets = []
    for route in area.routes:
        if route.writes is None or route.kind != Kind.PAGE:  # forms only; removal has its own test
            continue
        url = reverse(
            area.url_name(route),
            kwargs={"pk": world.ours.pk, **(route.kwargs(world.ours) if route.kwargs else {})},
        )
        form = client.get(url).context["form"]
        targets.append((url, list(form.fields)))
    assert len(targets) == 13

    @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post_generated(data: st.DataObject) -> None:
        for url, fields in targets:
            values = {name: data.draw(TEXT, label=name) for name in fields if name != "edit_version"}
            if "edit_version" in fields:  # the version the page shows now, so the post reaches the checks
                values["edit_version"] = client.get(url).context["form"]["edit_version"].value()
            assert client.post(url, values).status_code < 500, url

    post_generated()


def test_removing_a_successor_asks_first_and_the_removal_stays_in_history(world: World, editor: User) -> None:
    post = _key_post(world, editor)
    successor = services.successor_save(
        user=editor, post=post, data={"name": "Chris", "readiness": "ready_now"}
    )
    url = _url("successor-remove", world, post.pk, successor.pk)
    asked = client_for(editor).get(url).content.decode()
    assert "Contract manager will then have no successor, and will be flagged." in asked
    assert client_for(editor).post(url, {}).status_code == 200
    assert post.successors.exists()
    assert client_for(editor).post(url, {"confirm": "yes"}).status_code == 302
    assert not post.successors.exists()
    removed = type(successor).history.filter(id=successor.pk).order_by("history_id").last()
    assert removed is not None
    assert (removed.history_type, removed.history_user) == ("-", editor)
    assert selectors.at_a_glance(world.ours)["posts_without_successor"] == 1


def test_trust_lists_take_the_same_number_of_queries_however_many_rows(world: World, editor: User) -> None:
    make_payment_mechanism(world.ours)
    client = client_for(world.users[Role.PARTNER_USER])
    names = ("charter", "activities", "measures", "open-book", "people")

    def add(n: int) -> None:
        _charter(world, editor, DAY - dt.timedelta(days=n))
        services.activity_save(user=editor, partnership=world.ours, data=_activity_data(title=f"A{n}"))
        measure = services.measure_save(
            user=editor, partnership=world.ours, data={"name": f"M{n}", "how_measured": "1 to 5"}
        )
        services.measure_value_add(
            user=editor, measure=measure, data={"period_end": DAY, "value": Decimal(n)}
        )
        services.review_save(user=editor, partnership=world.ours, data=_review_data(year=2010 + n))
        post = _key_post(world, editor, f"Post {n}")
        services.successor_save(user=editor, post=post, data={"name": f"S{n}", "readiness": "ready_now"})

    def counts() -> list[int]:
        found = []
        for name in names:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(_url(name, world)).status_code == 200
            found.append(len(queries))
        return found

    add(1)
    one = counts()
    for n in range(2, 6):
        add(n)
    assert counts() == one
