"""Procurement Act 2023 notices: each notice's OCDS release validates against Find a Tender's schema, the
calendar of when each is due, invoices refused with a specific message and nothing saved, who sees what,
and the key-dates rows."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.calc.notice_calendar import Notice, State
from forbetter.changes import services as change_services
from forbetter.core.key_dates import derived_dates
from forbetter.notices import releases, selectors, services
from forbetter.notices.dates import notice_deadlines
from forbetter.notices.models import Invoice, Publication
from forbetter.opendata.validation import codelist, package_errors, release_errors
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import PublishedRating
from forbetter.remedies.models import UnimprovedFailure
from tests.conftest import World
from tests.factories import client_for, make_contract_live, make_kpi

pytestmark = pytest.mark.django_db

START = dt.date(2025, 4, 1)
TODAY = dt.date(2026, 12, 1)


def _under_act(partnership: Partnership, regime: str = "pa2023") -> Partnership:
    """A contract entered into on 1 April 2025: 10 years (+2 of options), worth £10m, under ``regime``."""
    make_contract_live(partnership, START)
    Partnership.objects.filter(pk=partnership.pk).update(
        term_years=10,
        extension_years=2,
        estimated_value_gbp=Decimal(10_000_000),
        procurement_regime=regime,
        procurement_began_on=dt.date(2025, 3, 1) if regime == "pa2023" else dt.date(2022, 1, 1),
    )
    partnership.refresh_from_db()
    return partnership


def _invoice(editor: User, partnership: Partnership, reference: str = "INV-1", **fields: Any) -> Invoice:
    data: dict[str, Any] = {
        "reference": reference,
        "amount_gbp": Decimal(120_000),
        "received_on": dt.date(2026, 4, 10),
        "paid_on": dt.date(2026, 5, 1),
    }
    data.update(fields)
    return services.invoice_save(user=editor, partnership=partnership, data=data, today=TODAY)


def _approved_change(editor: User, partnership: Partnership) -> None:
    """A £2m one-off change (20% of the value, so a contract change notice is needed) from 1 July 2026."""
    change = change_services.change_save(
        user=editor,
        partnership=partnership,
        data={
            "reference": "CR-1",
            "title": "New depot",
            "description": "Build a depot",
            "raised_by": "Head of highways",
            "raised_by_side": "council",
            "raised_on": dt.date(2026, 1, 10),
        },
        today=TODAY,
    )
    change_services.assessment_record(
        user=editor,
        change=change,
        data={
            "value_gbp": Decimal(2_000_000),
            "value_basis": "one_off",
            "effective_from": dt.date(2026, 7, 1),
            "assessed_on": dt.date(2026, 2, 1),
        },
        today=TODAY,
    )
    change_services.decision_record(
        user=editor,
        change=change,
        data={
            "decision": "approved",
            "decided_on": dt.date(2026, 3, 1),
            "decided_by": "Partnership board",
            "decision_reason": "Needed for the new routes",
        },
        today=TODAY,
    )


@pytest.fixture
def contract(world: World, editor: User) -> Partnership:
    """World's partnership under the Act with three published KPIs rated for year 1, a failure not improved,
    an approved change needing a notice, and invoices."""
    partnership = _under_act(world.ours)
    for reference, rating in (("K-01", "Good"), ("K-02", "Requires improvement"), ("K-03", "Other")):
        kpi = make_kpi(partnership, reference, published=True, first_period=START)
        PublishedRating.objects.create(
            kpi=kpi,
            year_start=START,
            year_end=dt.date(2026, 3, 31),
            rating=rating,
            explanation="Data gap" if rating == "Other" else "",
            recorded_by=editor,
        )
    UnimprovedFailure.objects.create(
        partnership=partnership, found_on=dt.date(2025, 11, 3), not_improved="Potholes left unrepaired"
    )
    _approved_change(editor, partnership)
    _invoice(editor, partnership, "INV-1")
    _invoice(editor, partnership, "INV-2", received_on=dt.date(2026, 5, 1), paid_on=dt.date(2026, 7, 15))
    return partnership


def _due(partnership: Partnership, notice: Notice) -> Any:
    due, _ = selectors.due_notices(partnership, today=TODAY)
    return next(row for row in due if row.notice == notice)


def _release(partnership: Partnership, notice: Notice) -> dict[str, Any]:
    return releases.release(partnership, _due(partnership, notice), published_on=None, today=TODAY)


# ------------------------------------------------------------------------------------------------------
# Releases
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("notice", list(Notice))
def test_each_notice_release_validates_against_uk_fts_with_codelisted_types(
    contract: Partnership, notice: Notice
) -> None:
    if notice == Notice.CONTRACT_TERMINATION:
        Partnership.objects.filter(pk=contract.pk).update(
            ended_on=dt.date(2026, 11, 1), status="terminated_early", end_reason="Persistent failure"
        )
        contract.refresh_from_db()
    release = _release(contract, notice)
    assert release_errors(release, "uk-fts") == []
    assert (
        package_errors(releases.package([release], uri="https://x.test/p", published_on=TODAY), "uk-fts")
        == []
    )
    where = release["contracts"][0]
    documents = where.get("documents") or where["implementation"]["documents"]
    assert documents[0]["noticeType"] == notice.value
    assert documents[0]["documentType"] in codelist("uk-fts", "documentType.csv")
    assert set(release["tag"]) <= codelist("uk-fts", "releaseTag.csv")


def test_contract_details_lists_the_published_kpis_as_agreed_metrics(contract: Partnership) -> None:
    release = _release(contract, Notice.CONTRACT_DETAILS)
    assert release["tag"] == ["contract"]
    metrics = release["contracts"][0]["agreedMetrics"]
    assert [m["id"] for m in metrics] == ["K-01", "K-02", "K-03"]
    assert metrics[0]["observations"][0]["measure"] == 95.0


def test_performance_notice_maps_reg_39_ratings_by_order_and_lists_failures(contract: Partnership) -> None:
    release = _release(contract, Notice.CONTRACT_PERFORMANCE)
    implementation = release["contracts"][0]["implementation"]
    assert implementation["documents"][0]["documentType"] == "implementationNotice"
    classes = {
        m["id"]: m["observations"][0]["measureClassification"]["id"] for m in implementation["metrics"]
    }
    assert classes == {"K-01": "met", "K-02": "below", "K-03": "other"}
    assert [f["description"] for f in implementation["performanceFailures"]] == ["Potholes left unrepaired"]
    assert list(releases.MEASURE_CLASSIFICATION.values()) == [
        "met",
        "slightlyBelow",
        "below",
        "significantlyBelow",
        "other",
    ]


def test_change_notice_is_a_contract_amendment_with_rationale_classifications(contract: Partnership) -> None:
    release = _release(contract, Notice.CONTRACT_CHANGE)
    assert release["tag"] == ["contractAmendment"]
    amendment = release["contracts"][0]["amendments"][0]
    assert amendment["id"] == "CR-1"
    assert amendment["rationaleClassifications"][0]["scheme"] in codelist(
        "uk-fts", "itemClassificationScheme.csv"
    )
    assert amendment["value"]["amount"] == 12_000_000.0


def test_termination_notice_records_the_end_and_why(contract: Partnership) -> None:
    Partnership.objects.filter(pk=contract.pk).update(
        ended_on=dt.date(2026, 11, 1), status="terminated_early", end_reason="Persistent failure"
    )
    contract.refresh_from_db()
    release = _release(contract, Notice.CONTRACT_TERMINATION)
    assert release["tag"] == ["contractTermination"]
    assert release["contracts"][0]["status"] == "terminated"
    assert release["contracts"][0]["implementation"]["endDateDetails"] == "Persistent failure"
    assert release["contracts"][0]["terminationRationaleClassifications"][0]["id"] == "terminatedEarly"


def test_payments_compliance_notice_carries_the_periods_figures(contract: Partnership) -> None:
    release = _release(contract, Notice.PAYMENTS_COMPLIANCE)
    observations = {
        o["id"]: o for o in release["contracts"][0]["implementation"]["metrics"][0]["observations"]
    }
    # INV-1 paid after 21 days, INV-2 after 75: mean 48, one within 30 days and one after 61 or more.
    assert observations["meanDaysToPay"]["measure"] == 48.0
    assert observations["paidWithin30Days"]["measure"] == 50.0
    assert observations["paidIn61DaysOrMore"]["measure"] == 50.0
    assert observations["invoicesPaid"]["measure"] == 2


# ------------------------------------------------------------------------------------------------------
# Calendar
# ------------------------------------------------------------------------------------------------------


def test_calendar_lists_each_notice_due_with_its_state(contract: Partnership, editor: User) -> None:
    services.publication_record(
        user=editor,
        partnership=contract,
        notice=Notice.CONTRACT_DETAILS,
        key=START.isoformat(),
        due_keys={(Notice.CONTRACT_DETAILS.value, START.isoformat())},
        data={"published_on": dt.date(2025, 5, 6), "notice_id": "000123-2025"},
        today=TODAY,
    )
    calendar = selectors.calendar(contract, today=TODAY)
    found = {(row.due.notice.value, row.due.key): row for row in calendar.rows}
    details = found["UK7", "2025-04-01"]
    assert (details.due.due_on, details.state) == (dt.date(2025, 5, 1), State.PUBLISHED_LATE)
    assert found["UK9", "2025-04-01"].state == State.OVERDUE  # due 30 April 2026
    assert found["UK9", "2026-04-01"].state == State.DUE  # year 2 ends 31 March 2027
    assert found["UK10", "CR-1"].due.due_on == dt.date(2026, 6, 30)
    assert found["UK17", "2026-04-01"].due.due_on == dt.date(2026, 10, 30)
    assert not any(row.due.notice == Notice.CONTRACT_TERMINATION for row in calendar.rows)


def test_pcr_partnership_has_no_notices_and_says_they_do_not_apply(world: World) -> None:
    partnership = _under_act(world.ours, regime="pcr2015")
    calendar = selectors.calendar(partnership, today=TODAY)
    assert calendar.rows == []
    assert "do not apply" in calendar.regime_note
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(
        reverse("notices:overview", args=[partnership.pk])
    )
    assert "do not apply" in page.content.decode()
    assert 'id="calendar"' not in page.content.decode()


def test_key_dates_offer_unpublished_notices_only(contract: Partnership, editor: User) -> None:
    rows = list(notice_deadlines([contract], today=TODAY))
    titles = [row.title for row in rows]
    assert any(title.startswith("UK7") for title in titles)
    Publication.objects.create(
        partnership=contract,
        notice="UK7",
        key=START.isoformat(),
        published_on=dt.date(2025, 4, 20),
        notice_id="1",
        recorded_by=editor,
    )
    rows = list(notice_deadlines([contract], today=TODAY))
    assert not any(row.title.startswith("UK7") for row in rows)
    assert any(row.title.startswith("UK17") for row in rows)
    assert all(row.remind_on == row.falls_on - dt.timedelta(days=14) for row in rows)
    assert any(row.title.startswith("UK9") for row in derived_dates([contract]))


# ------------------------------------------------------------------------------------------------------
# Invoices and publications: bad input refused, nothing saved
# ------------------------------------------------------------------------------------------------------


def test_a_notice_and_the_open_contracting_package_describe_one_contracting_process(
    contract: Partnership,
) -> None:
    """Same ocid, same party ids, same contract and award ids: a reader joins them without guessing."""
    from forbetter.opendata.selectors import package_for

    package = package_for(contract.pk)
    notice = _release(contract, Notice.CONTRACT_DETAILS)
    assert {release["ocid"] for release in package["releases"]} == {notice["ocid"]}
    package_parties = {
        party["id"]: party["name"] for release in package["releases"] for party in release["parties"]
    }
    assert {party["id"]: party["name"] for party in notice["parties"]}.items() <= package_parties.items()
    package_contracts = {c["id"] for release in package["releases"] for c in release.get("contracts", [])}
    assert notice["contracts"][0]["id"] in package_contracts


def test_board_pack_sections_show_the_calendar_and_the_council_alone_the_payment_figures(
    contract: Partnership, world: World
) -> None:
    from forbetter.core.pack import pack_sections

    def titles(partnership: Partnership, *, partner_view: bool) -> dict[str, str]:
        return {
            section.title: section.render(partnership=partnership, partner_view=partner_view)
            for section in pack_sections(partnership, partner_view=partner_view)
        }

    council = titles(contract, partner_view=False)
    assert "UK7" in council["Procurement Act notices"]
    assert "Mean days to pay" in council["Payments compliance"]
    partner = titles(contract, partner_view=True)
    assert "Procurement Act notices" in partner
    assert "Payments compliance" not in partner
    assert "Procurement Act notices" not in titles(world.theirs, partner_view=False)  # not under the Act


def _refused(call: Any, field: str) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    return " ".join(refused.value.message_dict[field])


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"paid_on": dt.date(2026, 4, 9)}, "paid_on", "on or after the date received"),
        ({"amount_gbp": Decimal(0)}, "amount_gbp", "more than £0"),
        ({"amount_gbp": Decimal(-5)}, "amount_gbp", "more than £0"),
        ({"reference": "inv-1"}, "reference", "already recorded"),
        ({"reference": " "}, "reference", "Enter the invoice reference"),
        ({"received_on": None}, "received_on", "Enter the date the invoice was received"),
        ({"paid_on": dt.date(2027, 1, 1)}, "paid_on", "today or in the past"),
    ],
)
def test_bad_invoice_is_refused_and_nothing_saved(
    contract: Partnership, editor: User, fields: dict[str, Any], field: str, message: str
) -> None:
    before = Invoice.objects.count()
    data = {"reference": "INV-9", **fields}
    assert message in _refused(lambda: _invoice(editor, contract, **data), field)
    assert Invoice.objects.count() == before


def test_invoice_correction_keeps_history(contract: Partnership, editor: User) -> None:
    invoice = Invoice.objects.get(reference="INV-1")
    services.invoice_save(
        user=editor, partnership=contract, invoice=invoice, data={"paid_on": dt.date(2026, 5, 2)}, today=TODAY
    )
    invoice.refresh_from_db()
    assert invoice.days_to_pay == 22
    assert invoice.history.count() == 2


def test_only_editors_record_invoices(contract: Partnership, world: World) -> None:
    with pytest.raises(PermissionDenied):
        _invoice(world.users[Role.COUNCIL_VIEWER], contract, "INV-8")


def test_publication_refused_outside_the_calendar_or_for_a_pcr_contract(
    contract: Partnership, editor: User
) -> None:
    def record(notice: str, key: str) -> Publication:
        return services.publication_record(
            user=editor,
            partnership=contract,
            notice=notice,
            key=key,
            due_keys=set(),
            data={"published_on": dt.date(2026, 1, 1), "notice_id": "X"},
            today=TODAY,
        )

    assert "not in the partnership's calendar" in _refused(lambda: record("UK7", "2020-01-01"), "notice_id")
    assert "change request" in _refused(lambda: record("UK10", "CR-1"), "notice_id")
    Partnership.objects.filter(pk=contract.pk).update(procurement_regime="pcr2015")
    contract.refresh_from_db()
    assert "not under the Procurement Act" in _refused(lambda: record("UK7", "2025-04-01"), "notice_id")
    assert Publication.objects.count() == 0


# ------------------------------------------------------------------------------------------------------
# Pages per role
# ------------------------------------------------------------------------------------------------------


def test_council_users_see_draft_notices_and_invoices(contract: Partnership, world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_VIEWER])
    overview = client.get(reverse("notices:overview", args=[contract.pk])).content.decode()
    assert "UK9 Contract performance notice" in overview
    assert "Overdue" in overview
    page = client.get(reverse("notices:notice", args=[contract.pk, "UK17", "2026-04-01"])).content.decode()
    assert "Mean days to pay" in page
    assert "48.0 days" in page
    assert 'id="valid"' in page
    download = client.get(reverse("notices:notice-json", args=[contract.pk, "UK9", "2025-04-01"]))
    package = json.loads(download.content)
    assert package_errors(package, "uk-fts") == []
    assert client.get(reverse("notices:invoices", args=[contract.pk])).status_code == 200
    assert client.get(reverse("notices:invoice-create", args=[contract.pk])).status_code == 403


def test_partner_users_see_only_published_notices(contract: Partnership, world: World, editor: User) -> None:
    partner = client_for(world.users[Role.PARTNER_USER])
    draft = reverse("notices:notice", args=[contract.pk, "UK7", START.isoformat()])
    assert partner.get(draft).status_code == 403
    assert partner.get(reverse("notices:invoices", args=[contract.pk])).status_code == 403
    Publication.objects.create(
        partnership=contract,
        notice="UK7",
        key=START.isoformat(),
        published_on=dt.date(2025, 4, 20),
        notice_id="000777-2025",
        recorded_by=editor,
    )
    assert partner.get(draft).status_code == 200
    overview = partner.get(reverse("notices:overview", args=[contract.pk])).content.decode()
    assert "000777-2025" in overview
    assert reverse("notices:invoices", args=[contract.pk]) not in overview


def test_editor_records_an_invoice_and_a_publication_through_the_pages(
    contract: Partnership, editor: User
) -> None:
    client = client_for(editor)
    response = client.post(
        reverse("notices:invoice-create", args=[contract.pk]),
        {"reference": "INV-3", "amount_gbp": "5,000", "received_on": "2026-06-01", "paid_on": "2026-05-01"},
    )
    assert "on or after the date received" in response.content.decode()
    assert not Invoice.objects.filter(reference="INV-3").exists()
    client.post(
        reverse("notices:invoice-create", args=[contract.pk]),
        {"reference": "INV-3", "amount_gbp": "5,000", "received_on": "2026-06-01", "paid_on": "2026-06-20"},
    )
    assert Invoice.objects.get(reference="INV-3").amount_gbp == Decimal(5000)
    client.post(
        reverse("notices:publish", args=[contract.pk, "UK9", "2025-04-01"]),
        {
            "published_on": "2026-04-28",
            "notice_id": "004321-2026",
            "url": "https://www.find-tender.service.gov.uk/x",
        },
    )
    record = Publication.objects.get(notice="UK9")
    assert (record.key, record.notice_id) == ("2025-04-01", "004321-2026")


def test_another_partnerships_users_get_404(contract: Partnership, world: World) -> None:
    stranger = User.objects.create_user(
        email="other@b.test", password="x", role=Role.COUNCIL_VIEWER, organisation=world.council_b
    )
    assert client_for(stranger).get(reverse("notices:overview", args=[contract.pk])).status_code == 404


# ------------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------------


def test_cli_prints_a_valid_package_for_a_notice(contract: Partnership, capsys: Any) -> None:
    from forbetter.cli import main

    assert main(["notice", str(contract.pk), "UK9", "--key", "2025-04-01", "--today", "2026-12-01"]) == 0
    package = json.loads(capsys.readouterr().out)
    assert package_errors(package, "uk-fts") == []
    assert package["releases"][0]["contracts"][0]["implementation"]["documents"][0]["noticeType"] == "UK9"
    assert main(["notice", "ashby-partnership", "uk17", "--today", "2026-12-01"]) == 0  # name as a slug
    assert json.loads(capsys.readouterr().out)["releases"][0]["tag"] == ["implementation"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["UK99"], "notice"),
        (["UK9", "--key", "1999-01-01"], "key"),
        (["UK11"], "notice"),  # the contract has not ended
    ],
)
def test_cli_bad_input_is_one_line_naming_the_field(
    contract: Partnership, capsys: Any, args: list[str], field: str
) -> None:
    from forbetter.cli import main

    assert main(["notice", str(contract.pk), *args, "--today", "2026-12-01"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert f"forbetter notice: {field}: " in err


def test_cli_refuses_a_pcr_partnership_and_an_unknown_one(world: World, capsys: Any) -> None:
    from forbetter.cli import main

    partnership = _under_act(world.ours, regime="pcr2015")
    assert main(["notice", str(partnership.pk), "UK7"]) == 2
    assert "not under the Procurement Act 2023" in capsys.readouterr().err
    assert main(["notice", "no-such-partnership", "UK7"]) == 2
    assert "partnership: no partnership" in capsys.readouterr().err


def test_calendar_reads_in_a_fixed_number_of_queries(contract: Partnership, editor: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        selectors.calendar(contract, today=TODAY)
    for number, month in enumerate((1, 2, 11)):
        received = dt.date(2026, month, 3)
        _invoice(editor, contract, f"INV-X{number}", received_on=received, paid_on=received)
    with CaptureQueriesContext(connection) as second:
        rows = selectors.calendar(contract, today=TODAY).rows
    assert len(rows) > 5
    assert len(second) == len(first)
