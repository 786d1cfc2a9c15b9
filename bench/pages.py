"""Benchmark: list and detail pages at volume (DESIGN section 7: ≤ 150 ms, a fixed number of queries).

One run builds two data sets side by side in a fresh database with the large demo's bulk loader
(:mod:`forbetter.demo.bigdemo`):

- small: 2 partnerships, each with 10 risks and 3 KPIs × 12 months of returns (36 values) and a payment
  statement a month, 2 edits;
- big (default, 1/10 of ``make bigdemo``): 20 partnerships, each with 100 risks and 25 KPIs × 200 months
  of returns (5,000 values; 100,000 in all) and 200 statements, 40 edits.

With ``--demo`` the big set is instead the large demo already built in the database (``make bigdemo``, or
``DATABASE_URL=... make bigdemo``): its first partnership is measured and the small set is built beside it
(once; a second run reuses it).

Each page is requested for the first partnership of each set with the Django test client, signed in as a
council editor: once to warm up, then ``--repeats`` times, small and big alternately so that a busy machine
slows both alike. The median time is reported with the fastest and slowest (the spread shows how noisy the
machine was), and the number of SQL queries. A page meets the budget if its median on the big set is within
150 ms and its query count does not grow from small to big.

Run: ``python bench/pages.py`` (or ``make bench``). It uses a temporary SQLite file unless
``BENCH_DATABASE_URL`` names a database (for example a PostgreSQL one; empty, or holding the large demo
with ``--demo``). ``--scale`` multiplies the big set's partnership count (``--scale 10`` is the whole of
``make bigdemo``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 0.150
SMALL_PREFIX = "Bench small"
EDITOR = "editor@ashcombe.example"


def _setup(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    # The Monte Carlo run measured is simulated when it is requested, not left for a worker.
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _finished_run(partnership: Any, user: Any) -> Any:
    """A finished Monte Carlo run of the partnership's register (run now if it has none)."""
    from forbetter.risks import services
    from forbetter.risks.models import SimulationRun

    run = SimulationRun.objects.filter(partnership=partnership, status="finished").order_by("pk").first()
    return run or services.simulation_run_request(
        user=user, partnership=partnership, iterations=10_000, seed=2026
    )


def _pages(partnership: Any, user: Any) -> dict[str, str]:
    """The pages measured, by name, for one partnership."""
    from django.urls import reverse

    from forbetter.payments.models import PaymentStatement
    from forbetter.performance.models import Kpi

    pk = partnership.pk
    kpi = Kpi.objects.filter(partnership=partnership).order_by("pk").first()
    statements = PaymentStatement.objects.filter(partnership=partnership)
    draft = statements.filter(status="draft").order_by("month").first()
    approved = statements.filter(status="approved").order_by("-month").first()
    assert kpi is not None
    assert draft is not None
    assert approved is not None
    run = _finished_run(partnership, user)
    return {
        "portfolio": reverse("partnerships:portfolio"),
        "overview": reverse("partnerships:overview", args=[pk]),
        "partnership history": reverse("partnerships:history", args=[pk]),
        "partnership history, last page": reverse("partnerships:history", args=[pk]) + "?page=last",
        "tasks": reverse("partnerships:tasks", args=[pk]),
        "risk register": reverse("risks:register", args=[pk]),
        "risk register, last page": reverse("risks:register", args=[pk]) + "?page=last",
        "risk review form": reverse("risks:review-create", args=[pk]),
        "reviews due": reverse("risks:reviews-due", args=[pk]),
        "heat map": reverse("risks:heat-map", args=[pk]),
        "Monte Carlo runs": reverse("risks:runs", args=[pk]),
        "Monte Carlo results": reverse("risks:run", args=[pk, run.pk]),
        "Monte Carlo results, last pages": reverse("risks:run", args=[pk, run.pk])
        + "?inputs_page=last&tornado_page=last",
        "KPI dashboard": reverse("performance:dashboard", args=[pk]),
        "KPI dashboard, last page": reverse("performance:dashboard", args=[pk]) + "?page=last",
        "KPI returns": reverse("performance:returns", args=[pk]),
        "KPI returns, last page": reverse("performance:returns", args=[pk]) + "?page=last",
        "KPI detail": reverse("performance:kpi", args=[pk, kpi.pk]),
        "statements": reverse("payments:statements", args=[pk]),
        "statements, last page": reverse("payments:statements", args=[pk]) + "?page=last",
        "draft statement": reverse("payments:statement", args=[pk, draft.pk]),
        "approved statement": reverse("payments:statement", args=[pk, approved.pk]),
        "business cases": reverse("appraisal:cases", args=[pk]),
    }


def _measure(client: Any, url: str) -> tuple[float, float, int, int]:
    """(seconds, work seconds, queries, status) of one request.

    The work is this process's CPU time for the request, plus, on a database in another process
    (PostgreSQL), the time its SQL queries took: an estimate of the server time on an idle machine, since a
    busy machine stretches the elapsed time with waits for a CPU that other programs hold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, work = time.perf_counter() - start, time.process_time() - cpu
    if connection.vendor != "sqlite":
        work += sum(float(query["time"]) for query in captured.captured_queries)
    return elapsed, work, len(captured), response.status_code


def _edits(partnership: Any, user: Any, count: int) -> None:
    """Changes through the service, so the history page has ``count`` entries to show."""
    from forbetter.accounts.models import Organisation
    from forbetter.partnerships import services

    councils = list(Organisation.objects.filter(kind="council"))
    for index in range(count):
        services.partnership_update(
            user=user,
            partnership=partnership,
            data={"description": f"Edited {index + 1} times.", "councils": councils[: 1 + index % 2]},
        )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="requests per page and set (median)")
    parser.add_argument("--scale", type=int, default=1, help="big set: 20 × SCALE partnerships")
    parser.add_argument(
        "--demo", action="store_true", help="measure the large demo already in BENCH_DATABASE_URL as big"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench-pages.sqlite3"
        if args.demo and not os.environ.get("BENCH_DATABASE_URL"):
            parser.error("--demo needs BENCH_DATABASE_URL naming the database that holds the large demo")
        _setup(url)
        return _run(args.repeats, args.scale, demo=args.demo)


def _say(line: str) -> None:
    print(f"  {line}", flush=True)


def _run(repeats: int, scale: int, *, demo: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from forbetter.accounts.models import User
    from forbetter.demo.bigdemo import NAME_PREFIX, Volume, build, partnership_name
    from forbetter.partnerships.models import Partnership

    sets: dict[str, tuple[Volume, str, int]] = {
        "small": (
            Volume(partnerships=2, risks_per_partnership=10, kpis_per_partnership=3, months=12),
            SMALL_PREFIX,
            2,
        ),
        "big": (
            Volume(partnerships=20 * scale, risks_per_partnership=100, kpis_per_partnership=25, months=200),
            NAME_PREFIX if demo else "Bench big",
            40,
        ),
    }
    times: dict[str, dict[str, list[float]]] = {"small": {}, "big": {}}
    works: dict[str, dict[str, list[float]]] = {"small": {}, "big": {}}
    last: dict[str, dict[str, tuple[int, int]]] = {"small": {}, "big": {}}
    urls: dict[str, dict[str, str]] = {}
    clients: dict[str, Any] = {}

    def measure(name: str, page: str, count: int) -> None:
        clients[name].get(urls[name][page])  # warm up
        for _ in range(count):
            elapsed, work, queries, status = _measure(clients[name], urls[name][page])
            times[name].setdefault(page, []).append(elapsed)
            works[name].setdefault(page, []).append(work)
            last[name][page] = (queries, status)

    for name, (volume, prefix, edits) in sets.items():
        first = partnership_name(0, prefix)
        if Partnership.objects.filter(name=first).exists():
            if not demo:
                raise SystemExit(f"{first!r} is already in the database: give an empty one, or --demo")
            print(f"Using the {name} set already in the database", flush=True)
        elif name == "big" and demo:
            raise SystemExit("--demo: no large demo in this database; run make bigdemo on it first")
        else:
            print(
                f"Building the {name} set ({volume.risks:,} risks, {volume.kpi_values:,} KPI values)",
                flush=True,
            )
            build(volume, prefix=prefix, say=_say)
        editor = User.objects.get(email=EDITOR)
        partnership = Partnership.objects.get(name=first)
        if partnership.history.count() < edits:  # type: ignore[attr-defined]
            _edits(partnership, editor, edits)
        clients[name] = Client()
        clients[name].force_login(editor)
        urls[name] = _pages(partnership, editor)
        if not demo:
            # The portfolio lists every partnership: measure it with each set before the next is added.
            measure(name, "portfolio", repeats)
    if demo:
        # Both sets are in the database already: the portfolio lists all of them for either.
        for name in ("small", "big"):
            measure(name, "portfolio", repeats)
    for page in urls["small"]:
        if page == "portfolio":
            continue
        for _ in range(repeats):
            for name in ("small", "big"):
                measure(name, page, 1)
    return _report(connection.vendor, repeats, scale, demo, times, works, last)


def _report(
    vendor: str,
    repeats: int,
    scale: int,
    demo: bool,
    times: dict[str, dict[str, list[float]]],
    works: dict[str, dict[str, list[float]]],
    last: dict[str, dict[str, tuple[int, int]]],
) -> dict[str, Any]:
    big_set = "the large demo (make bigdemo)" if demo else f"big set (scale {scale})"
    budget = BUDGET_S * 1000
    print(
        f"\nPages on {vendor}: small set vs {big_set}; median of {repeats} requests each, the big set's "
        f"fastest-slowest in brackets.\nWork: CPU time of the request (plus SQL time on PostgreSQL), what an "
        f"idle machine would take. Budget: {budget:.0f} ms and no more queries big than small."
    )
    print(
        f"{'page':32} {'small ms':>9} {'big ms':>8} {'big spread':>12} {'small work':>10} {'big work':>9} "
        f"{'budget':>7} "
        f"{'small q':>8} {'big q':>6}  meets (elapsed / work)"
    )
    rows = []
    spreads = []
    for page, small_times in times["small"].items():
        big_times = times["big"][page]
        small_ms, big_ms = statistics.median(small_times) * 1000, statistics.median(big_times) * 1000
        work_ms = statistics.median(works["big"][page]) * 1000
        small_work_ms = statistics.median(works["small"][page]) * 1000
        fastest, slowest = min(big_times) * 1000, max(big_times) * 1000
        spreads.append(slowest / max(fastest, 1e-9))
        (small_q, small_status), (big_q, big_status) = last["small"][page], last["big"][page]
        sound = big_q <= small_q and small_status == big_status == 200
        meets, meets_work = sound and big_ms <= budget, sound and work_ms <= budget
        notes = (
            [] if sound else ["queries grow" if big_q > small_q else f"status {small_status}/{big_status}"]
        )
        verdict = f"{'yes' if meets else 'no'} / {'yes' if meets_work else 'no'}"
        print(
            f"{page:32} {small_ms:9.1f} {big_ms:8.1f} {f'({fastest:.0f}-{slowest:.0f})':>12} "
            f"{small_work_ms:10.1f} {work_ms:9.1f} "
            f"{budget:7.0f} {small_q:8d} {big_q:6d}  {verdict}{'  ' + ', '.join(notes) if notes else ''}"
        )
        rows.append(
            {
                "page": page,
                "small_ms": round(small_ms, 1),
                "big_ms": round(big_ms, 1),
                "big_fastest_ms": round(fastest, 1),
                "big_slowest_ms": round(slowest, 1),
                "small_work_ms": round(small_work_ms, 1),
                "big_work_ms": round(work_ms, 1),
                "small_queries": small_q,
                "big_queries": big_q,
                "status": big_status,
                "meets_budget": meets,
                "meets_budget_by_work": meets_work,
            }
        )
    print(
        f"Noise: the slowest of a page's {repeats} big requests took {statistics.median(spreads):.1f}× "
        f"its fastest (median over pages; worst {max(spreads):.1f}×). Load average: "
        f"{', '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} CPUs."
    )
    record = {
        "bench": "pages",
        "database": vendor,
        "big": "bigdemo" if demo else f"scale {scale}",
        "repeats": repeats,
        "budget_ms": budget,
        "pages": rows,
    }
    print(json.dumps(record))
    return record


if __name__ == "__main__":
    main()
