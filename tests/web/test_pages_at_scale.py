"""Pages at volume (DESIGN section 7): a fixed number of SQL queries whatever the row count, long lists
paged on the server, and the large demo (``make bigdemo``) built by bulk loading."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.demo.bigdemo import AlreadyBuiltError, Volume, build
from forbetter.partnerships import services as partnership_services
from forbetter.partnerships.models import Partnership, Task
from forbetter.payments import selectors as payment_selectors
from forbetter.payments.models import PaymentStatement, RatchetRun
from forbetter.performance.models import KpiReturn
from forbetter.risks.models import Risk, RiskAction
from tests.conftest import World
from tests.factories import client_for, make_kpi, make_kpi_return, make_risk

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)  # warm any per-process caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_kpi_detail_page_reads_a_fixed_number_of_queries_and_pages_its_returns(
    world: World, editor: User
) -> None:
    """DESIGN section 7: the KPI page read one query per return (its period label and the target in force
    for its status) and listed all 180 of a 15-year contract's returns on one page."""
    kpi = make_kpi(world.ours, first_period=dt.date(2020, 1, 1))
    for step in range(2):
        make_kpi_return(kpi, dt.date(2020, 1, 1) + relativedelta(months=step), "96", user=editor)
    url = reverse("performance:kpi", args=[world.ours.pk, kpi.pk])
    client = client_for(editor)
    few, _page = _queries(client, url)
    for step in range(2, 45):
        make_kpi_return(kpi, dt.date(2020, 1, 1) + relativedelta(months=step), "96", user=editor)
    many, page = _queries(client, url)
    assert many == few
    assert "Showing 1 to 20 of 45" in page
    second, page_two = _queries(client, url + "?page=3")
    assert second == few
    assert "Showing 41 to 45 of 45" in page_two


def test_partnership_history_reads_a_fixed_number_of_queries_however_many_changes(
    world: World, editor: User
) -> None:
    """DESIGN section 7: each change on the partnership history page cost about four queries (its councils
    and service areas compared row by row); a page of changes now costs the same as one."""
    url = reverse("partnerships:history", args=[world.ours.pk])
    client = client_for(editor)

    def edit(times: int) -> None:
        for index in range(times):
            councils = [world.council_a] if index % 2 else [world.council_a, world.council_b]
            partnership_services.partnership_update(
                user=editor,
                partnership=Partnership.objects.get(pk=world.ours.pk),
                data={"description": f"Edit {index}", "councils": councils},
            )

    edit(2)
    few, _page = _queries(client, url)
    edit(20)
    many, page = _queries(client, url)
    assert many == few
    assert "Brindle Council" in page  # the many-to-many change is still shown in words


def test_risk_review_form_shows_one_page_of_open_risks_with_a_fixed_query_count(
    world: World, editor: User, settings: Any
) -> None:
    """DESIGN section 7: the review form had one row per open risk (2.6-4.7 s for a large register); it now
    shows a page of them, soonest review first, in the same number of queries however many there are."""
    settings.PAGE_SIZE = 5
    url = reverse("risks:review-create", args=[world.ours.pk])
    client = client_for(editor)
    for index in range(2):
        make_risk(world.ours, next_review_on=dt.date(2030, 1, 1) + dt.timedelta(days=index))
    few, _page = _queries(client, url)
    for index in range(2, 12):
        make_risk(world.ours, next_review_on=dt.date(2030, 1, 1) + dt.timedelta(days=index))
    many, page = _queries(client, url)
    assert many == few
    assert page.count('type="checkbox"') == 5
    assert "Showing 1 to 5 of 12" in page


def test_bigdemo_bulk_loads_the_volume_asked_for_and_refuses_to_run_twice(framework: None) -> None:
    """``make bigdemo`` (DESIGN section 7's large demo) builds partnerships, risks and KPI values by bulk
    loading, with one creation history row for each partnership and risk, and refuses a second run."""
    volume = Volume(partnerships=2, risks_per_partnership=3, kpis_per_partnership=2, months=5)
    timings = build(volume, prefix="Scale test")
    assert timings["total_s"] > 0
    built = Partnership.objects.filter(name__startswith="Scale test ")
    assert built.count() == 2
    assert Risk.objects.filter(partnership__in=built).count() == 6
    assert RiskAction.objects.filter(risk__partnership__in=built).count() == 6
    assert KpiReturn.objects.filter(kpi__partnership__in=built).count() == volume.kpi_values == 20
    assert Risk.history.filter(partnership_id__in=built.values("pk")).count() == 6  # type: ignore[attr-defined]
    assert all(p.tasks.exists() for p in built)
    # A statement per month: the first two approved with the engine's figures, the last three drafts.
    statements = PaymentStatement.objects.filter(partnership__in=built)
    assert statements.filter(status="approved").count() == 4
    assert statements.filter(status="draft").count() == 6
    last_approved = statements.filter(status="approved", runs_stored=True)
    assert last_approved.count() == 2
    first = built.order_by("name").first()
    assert first is not None
    frozen = statements.filter(partnership=first, status="approved").order_by("month")
    computed = payment_selectors.compute_months(
        first, payment_selectors.mechanism_of(first), [s.month for s in frozen], from_start=True
    )
    for statement in frozen:
        assert statement.payable_gbp == computed.figures[statement.month].payable_gbp
        failing = payment_selectors.failure_items(computed.inputs[statement.month])
        assert statement.items.count() == len(failing)
    # The ratchet state is stored with the last approved month, as an approval stores it.
    stored = RatchetRun.objects.filter(statement__in=last_approved, statement__partnership=first)
    newest = frozen.last()
    assert newest is not None
    assert newest.runs_stored
    expected = {kpi_id: state.run for kpi_id, state in computed.runs[newest.month].items()}
    assert {r.kpi_id: r.run for r in stored} == expected
    with pytest.raises(AlreadyBuiltError):
        build(volume, prefix="Scale test")
    assert Risk.objects.filter(partnership__in=built).count() == 6
    tiny = {"partnerships": 1, "risks_per_partnership": 1, "kpis_per_partnership": 1, "months": 1}
    call_command("seed_bigdemo", stdout=StringIO(), **tiny)
    with pytest.raises(CommandError, match="already in this database; nothing was changed"):
        call_command("seed_bigdemo", stdout=StringIO(), **tiny)


def test_draft_results_simulate_each_option_once_per_change_of_inputs(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DESIGN section 7: a draft business case's results page ran one seeded Monte Carlo simulation per
    option on every request (about 0.3 s). The figure is cached by its inputs: a second request runs none,
    and a change to a risk runs them again (a cached figure is never stale)."""
    from django.core.cache import cache

    from forbetter.appraisal import adapters
    from forbetter.calc import appraisal as calc
    from tests.web.test_appraisal_services import build_version
    from tests.web.test_appraisal_views import version_url

    cache.clear()
    calls: list[int] = []
    real = calc.retained_risk_percentile

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(adapters.calc, "retained_risk_percentile", counted)
    version = build_version(editor, world.ours, options=2, years=3)
    # Shared 40%: the in-house option retains all of it, the partnership 40%, so the two inputs differ.
    risk = make_risk(world.ours, allocation="shared", council_share=Decimal("0.4"))
    client = client_for(editor)
    url = version_url("version-results", version)

    def figures() -> str:  # the page without its per-request form token
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode())

    first = figures()
    assert len(calls) == 2
    assert figures() == first
    assert len(calls) == 2
    Risk.objects.filter(pk=risk.pk).update(impact_maximum_gbp=risk.impact_maximum_gbp * 2)
    client.get(url)
    assert len(calls) == 4


def test_pagination_links_a_window_of_pages_not_every_page() -> None:
    """DESIGN section 7 (every list paginates): the page links of a list of 5,000 returns were 250 links, one
    per page. GOV.UK pagination shows the first, the last and the pages around the current one."""
    from django.core.paginator import Paginator

    from forbetter.core.templatetags.govuk import page_window

    pages = Paginator(range(5_000), 20)
    assert page_window(pages.page(1)) == [1, 2, 3, None, 250]
    assert page_window(pages.page(100)) == [1, None, 98, 99, 100, 101, 102, None, 250]
    assert page_window(Paginator(range(60), 20).page(2)) == [1, 2, 3]


def test_risk_register_counts_open_actions_without_grouping_every_action(world: World, editor: User) -> None:
    """DESIGN section 7: the register joined every risk action and grouped the join to count open actions,
    so PostgreSQL read the whole action table for one page, and the paginator's count did it again. Each
    listed risk's open actions are now counted by a subquery on the action table's risk index."""
    risk = make_risk(world.ours)
    for status in ("not_started", "in_progress", "done"):
        RiskAction.objects.create(risk=risk, description="Do it", due_on=dt.date(2030, 1, 1), status=status)
    url = reverse("risks:register", args=[world.ours.pk])
    client = client_for(editor)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    action_table = RiskAction._meta.db_table
    reading_actions = [q["sql"] for q in captured if action_table in q["sql"]]
    assert reading_actions
    assert not [sql for sql in reading_actions if f'JOIN "{action_table}"' in sql]
    assert re.search(r">\s*2\s*</td>", page)  # two open actions, the done one not counted


def test_portfolio_counts_tasks_only_for_the_partnerships_listed(world: World, editor: User) -> None:
    """DESIGN section 7: the portfolio joined every task of every visible partnership and grouped the join
    before cutting the page (200 partnerships × every framework action). The progress and overdue counts
    are now subqueries on the task table's partnership index, evaluated for the listed partnerships."""
    client = client_for(editor)
    url = reverse("partnerships:portfolio")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    task_table = Task._meta.db_table
    assert [q["sql"] for q in captured if task_table in q["sql"]]
    assert not [q["sql"] for q in captured if f'JOIN "{task_table}"' in q["sql"]]
    done = Task.objects.filter(partnership=world.ours, action__stage__key=world.ours.stage, status="done")
    applicable = Task.objects.filter(partnership=world.ours, action__stage__key=world.ours.stage).exclude(
        status="not_applicable"
    )
    assert f"{done.count()} of {applicable.count()}" in page


def _table(page: str, table_id: str) -> str:
    """The body of the table with this id on a page."""
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def test_monte_carlo_results_page_reads_a_fixed_number_of_queries_however_many_risks(
    world: World, editor: User, settings: Any
) -> None:
    """DESIGN section 7: a finished run's results page (S-curve, inputs and tornado tables) costs the same
    number of queries for a run over 2 risks as for one over 30, and shows a page of each table: it listed
    every risk twice, so a run over a register of thousands was a page of thousands of rows."""
    from forbetter.risks import services as risk_services

    settings.PAGE_SIZE = 5
    client = client_for(editor)

    def run_url(count: int) -> str:
        Risk.objects.filter(partnership=world.ours).delete()
        for _ in range(count):
            make_risk(world.ours)
        run = risk_services.simulation_run_request(
            user=editor, partnership=world.ours, iterations=1000, seed=3
        )
        return reverse("risks:run", args=[world.ours.pk, run.pk])

    few, _page = _queries(client, run_url(2))
    url = run_url(30)
    many, page = _queries(client, url)
    assert many == few
    assert "30 open quantified risks" in page
    inputs, tornado = _table(page, "run-inputs"), _table(page, "run-tornado")
    assert inputs.count('scope="row"') == 5 == tornado.count('scope="row"')
    assert "R001 " in inputs
    assert "R006 " not in inputs
    assert page.count("Showing 1 to 5 of 30.") == 2
    assert 'href="?inputs_page=2#run-inputs"' in page
    assert 'href="?tornado_page=2#run-tornado"' in page
    assert "<details" in page
    assert 'id="run-tables" open' not in page

    last, page = _queries(client, url + "?inputs_page=6&tornado_page=2")
    assert last == few
    inputs, tornado = _table(page, "run-inputs"), _table(page, "run-tornado")
    assert "R030 " in inputs
    assert "R025 " not in inputs
    assert "Showing 26 to 30 of 30." in page
    assert "Showing 6 to 10 of 30." in page
    assert re.search(r'<td class="govuk-table__cell">6</td>', tornado)  # the sixth strongest comes first
    assert 'id="run-tables" open' in page  # a paged table is shown open
    # Each table keeps the other's page in its links.
    assert 'href="?inputs_page=5&amp;tornado_page=2#run-inputs"' in page


def test_kpi_returns_list_reads_a_fixed_number_of_queries_and_pages_by_keys(
    world: World, editor: User, settings: Any
) -> None:
    """DESIGN section 7: the returns list pages a partnership's returns, newest period first, in the same
    number of queries on the first and the last page however many there are. The page's keys are found
    first and only its rows are read with their KPI and people, so the last page does not sort and step
    over every wide row before it."""
    settings.PAGE_SIZE = 5
    kpis = [make_kpi(world.ours, reference=f"K-{n}", first_period=dt.date(2020, 1, 1)) for n in (1, 2)]
    url = reverse("performance:returns", args=[world.ours.pk])
    client = client_for(editor)

    def add(months: range) -> None:
        for step in months:
            for kpi in kpis:
                make_kpi_return(kpi, dt.date(2020, 1, 1) + relativedelta(months=step), "96", user=editor)

    add(range(1))
    few, _page = _queries(client, url)
    add(range(1, 30))
    many, page = _queries(client, url)
    assert many == few
    assert "Showing 1 to 5 of 60." in page
    rows = re.findall(r"(K-\d) Indicator K-\d, (\w+ \d{4})", page)
    newest = [("K-1", "June 2022"), ("K-2", "June 2022"), ("K-1", "May 2022"), ("K-2", "May 2022")]
    assert rows == [*newest, ("K-1", "April 2022")]
    last, page = _queries(client, url + "?page=12")
    assert last == few
    assert "Showing 56 to 60 of 60." in page
    assert re.findall(r"(K-\d) Indicator K-\d, (\w+ \d{4})", page)[-1] == ("K-2", "January 2020")


def test_kpi_returns_list_reads_only_the_partnerships_returns_through_indexes(
    world: World, editor: User
) -> None:
    """Why paging the returns by position is bounded: every query of the list reaches the returns through
    the partnership's KPIs and the returns' KPI index, so the rows sorted and skipped are one partnership's
    (5,000 in the large demo), never the whole table (a million). SQLite's plan must search, not scan, the
    returns table."""
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan")
    kpi = make_kpi(world.ours, first_period=dt.date(2020, 1, 1))
    for step in range(3):
        make_kpi_return(kpi, dt.date(2020, 1, 1) + relativedelta(months=step), "96", user=editor)
    client = client_for(editor)
    url = reverse("performance:returns", args=[world.ours.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url + "?page=1").status_code == 200
    table = KpiReturn._meta.db_table
    reading = [q["sql"] for q in captured if f'"{table}"' in q["sql"]]
    assert len(reading) == 3  # the count, the page's keys, the page's rows
    for sql in reading:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        assert f"SCAN {table}" not in plan, plan
        assert f"SEARCH {table}" in plan, plan


def test_kpi_dashboard_shows_a_page_of_kpis_and_counts_them_all_in_fixed_queries(
    world: World, editor: User, settings: Any
) -> None:
    """DESIGN section 7: the KPI dashboard listed every KPI with its trend, joining every return of every
    KPI to count those awaiting validation and late. It shows a page of KPIs; the counts (met, failed,
    awaiting, late) still cover every KPI in use, read as one row per KPI, in the same number of queries."""
    settings.PAGE_SIZE = 5
    url = reverse("performance:dashboard", args=[world.ours.pk])
    client = client_for(editor)
    today = dt.date.today().replace(day=1)

    def kpi_with_returns(number: int) -> None:
        kpi = make_kpi(world.ours, reference=f"K-{number:02d}", first_period=dt.date(2020, 1, 1))
        make_kpi_return(kpi, today - relativedelta(months=2), "96", user=editor)  # met (target 95)
        # Latest validated value: failed (below 90) for odd references, met for even ones.
        make_kpi_return(kpi, today - relativedelta(months=1), "80" if number % 2 else "97", user=editor)
        make_kpi_return(kpi, today, "99", user=editor, status="submitted")

    for number in (1, 2):
        kpi_with_returns(number)
    few, _page = _queries(client, url)
    for number in range(3, 13):
        kpi_with_returns(number)
    many, page = _queries(client, url)
    assert many == few
    assert "K-05 " in page
    assert "K-06 " not in page
    assert "Showing 1 to 5 of 12." in page
    assert "6 KPIs met, 0 approaching target, 6 failed, out of 12 in use." in page
    assert "12 returns awaiting validation" in page
    second, page = _queries(client, url + "?page=3")
    assert second == few
    assert "K-11 " in page
    assert "K-12 " in page
    assert "K-10 " not in page
    assert "6 KPIs met, 0 approaching target, 6 failed, out of 12 in use." in page


def test_partnership_history_is_paged_on_the_server(world: World, editor: User, settings: Any) -> None:
    """DESIGN section 7: the history page read and compared up to 200 changes on every request and left
    older ones out. It shows a page of changes, newest first, each page in the same number of queries; every
    change is on exactly one page (the oldest on a page is compared with the newest on the next), and the
    last page reaches the creation."""
    settings.PAGE_SIZE = 5
    url = reverse("partnerships:history", args=[world.ours.pk])
    client = client_for(editor)
    for index in range(12):
        councils = [world.council_a] if index % 2 else [world.council_a, world.council_b]
        partnership_services.partnership_update(
            user=editor,
            partnership=Partnership.objects.get(pk=world.ours.pk),
            data={"description": f"Edit {index}", "councils": councils},
        )
    total = world.ours.history.count()  # type: ignore[attr-defined]
    first, page = _queries(client, url)
    assert f"Showing 1 to 5 of {total}." in page
    assert "Edit 11" in page
    assert "Edit 6" not in page
    pages = [page]
    for number in range(2, (total + 4) // 5 + 1):
        queries, page = _queries(client, url + f"?page={number}")
        # Never more than the first page: names are read once per related model on a page whose changes
        # mention one (the creation on the last page mentions none).
        assert queries <= first
        pages.append(page)
    assert "<strong>Created</strong>" in pages[-1]
    for index in range(1, 12):
        change = f"<del>Edit {index - 1}</del> → <ins>Edit {index}</ins>"
        assert sum(page.count(change) for page in pages) == 1, change
    assert sum(page.count("Brindle Council") for page in pages) >= 11  # the councils changed each time


def test_statements_pages_read_a_fixed_number_of_queries_however_many_months(
    framework: None, settings: Any
) -> None:
    """DESIGN section 7: the statements list (first and last page), a draft statement and an approved one
    cost the same number of queries for a partnership with 6 months of statements as for one with 40. A
    draft is worked out from the ratchet state stored with the last approved month, never from the start."""
    from forbetter.demo.bigdemo import partnership_name

    settings.PAGE_SIZE = 5
    counts = {}
    for prefix, months in (("Few months", 6), ("Many months", 40)):
        build(
            Volume(partnerships=1, risks_per_partnership=1, kpis_per_partnership=3, months=months),
            prefix=prefix,
        )
        partnership = Partnership.objects.get(name=partnership_name(0, prefix))
        client = client_for(User.objects.get(email="editor@ashcombe.example"))
        url = reverse("payments:statements", args=[partnership.pk])
        statements = PaymentStatement.objects.filter(partnership=partnership)
        draft = statements.filter(status="draft").order_by("month").first()
        approved = statements.filter(status="approved").order_by("month").first()
        assert draft is not None
        assert approved is not None
        first, page = _queries(client, url)
        assert f"Showing 1 to 5 of {months}." in page
        assert page.count("Draft") >= 3
        last, page = _queries(client, url + "?page=last")
        assert f"of {months}." in page
        draft_queries, page = _queries(client, reverse("payments:statement", args=[partnership.pk, draft.pk]))
        assert "Approve" in page
        approved_queries, _page = _queries(
            client, reverse("payments:statement", args=[partnership.pk, approved.pk])
        )
        counts[prefix] = (first, last, draft_queries, approved_queries)
    assert counts["Few months"] == counts["Many months"]


def test_postgresql_connections_do_not_compile_queries_just_in_time() -> None:
    """DESIGN section 7 on PostgreSQL: JIT compiling the statements pages' late-failure query took 1.8 s for
    a query that runs in 25 ms at the large demo's volume (its cost estimate is high), so the app's
    connections turn JIT off."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
