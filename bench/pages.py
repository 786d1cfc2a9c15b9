"""Benchmark: list and detail pages at volume (DESIGN section 7: ≤ 150 ms, a fixed number of queries).

One run builds two data sets side by side in a fresh database with the large demo's bulk loader
(:mod:`forbetter.demo.bigdemo`):

- small: 2 partnerships, each with 10 risks and 3 KPIs × 12 months of returns (36 values), 2 edits;
- big (default, 1/10 of ``make bigdemo``): 20 partnerships, each with 100 risks and 25 KPIs × 200 months
  of returns (5,000 values; 100,000 in all), 40 edits.

Each page is requested for the first partnership of each set with the Django test client, signed in as a
council editor: once to warm up, then ``--repeats`` times; the fastest time is reported (the least
disturbed), with the number of SQL queries. The ratios big ÷ small are the point: a page that scales has a
query ratio of 1.0 and a time ratio near 1.0. Pages over the 150 ms budget are flagged.

Run: ``python bench/pages.py`` (or ``make bench``). It uses a temporary SQLite file unless
``BENCH_DATABASE_URL`` names an empty database (for example a PostgreSQL one). ``--scale`` multiplies the
big set's partnership count (``--scale 10`` is the whole of ``make bigdemo``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 0.150


def _setup(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _pages(partnership: Any) -> dict[str, str]:
    """The pages measured, by name, for one partnership."""
    from django.urls import reverse

    from forbetter.performance.models import Kpi

    pk = partnership.pk
    kpi = Kpi.objects.filter(partnership=partnership).order_by("pk").first()
    assert kpi is not None
    return {
        "portfolio": reverse("partnerships:portfolio"),
        "overview": reverse("partnerships:overview", args=[pk]),
        "partnership history": reverse("partnerships:history", args=[pk]),
        "tasks": reverse("partnerships:tasks", args=[pk]),
        "risk register": reverse("risks:register", args=[pk]),
        "risk register, last page": reverse("risks:register", args=[pk]) + "?page=last",
        "risk review form": reverse("risks:review-create", args=[pk]),
        "reviews due": reverse("risks:reviews-due", args=[pk]),
        "heat map": reverse("risks:heat-map", args=[pk]),
        "KPI dashboard": reverse("performance:dashboard", args=[pk]),
        "KPI returns": reverse("performance:returns", args=[pk]),
        "KPI returns, last page": reverse("performance:returns", args=[pk]) + "?page=last",
        "KPI detail": reverse("performance:kpi", args=[pk, kpi.pk]),
        "statements": reverse("payments:statements", args=[pk]),
        "business cases": reverse("appraisal:cases", args=[pk]),
    }


def _measure(client: Any, url: str, repeats: int) -> tuple[float, int, int]:
    """(fastest seconds, queries, status) of ``repeats`` requests after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    best = float("inf")
    queries = 0
    status = 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            best = min(best, time.perf_counter() - start)
        queries = len(captured)
        status = response.status_code
    return best, queries, status


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
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="big set: 20 × SCALE partnerships")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench-pages.sqlite3"
        _setup(url)
        return _run(args.repeats, args.scale)


def _run(repeats: int, scale: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from forbetter.accounts.models import User
    from forbetter.demo.bigdemo import Volume, build, partnership_name
    from forbetter.partnerships.models import Partnership

    sets: dict[str, tuple[Volume, int]] = {
        "small": (Volume(partnerships=2, risks_per_partnership=10, kpis_per_partnership=3, months=12), 2),
        "big": (
            Volume(partnerships=20 * scale, risks_per_partnership=100, kpis_per_partnership=25, months=200),
            40,
        ),
    }
    results: dict[str, dict[str, tuple[float, int, int]]] = {"small": {}, "big": {}}
    say: Callable[[str], None] = lambda line: print(f"  {line}", flush=True)  # noqa: E731
    urls: dict[str, dict[str, str]] = {}
    clients: dict[str, Any] = {}
    for name, (volume, edits) in sets.items():
        prefix = f"Bench {name}"
        print(
            f"Building the {name} set ({volume.risks:,} risks, {volume.kpi_values:,} KPI values)", flush=True
        )
        build(volume, prefix=prefix, say=say)
        editor = User.objects.get(email="editor@ashcombe.example")
        partnership = Partnership.objects.get(name=partnership_name(0, prefix))
        _edits(partnership, editor, edits)
        clients[name] = Client()
        clients[name].force_login(editor)
        urls[name] = _pages(partnership)
        # The portfolio lists every partnership: measure it with each set before the next is added.
        results[name]["portfolio"] = _measure(clients[name], urls[name]["portfolio"], repeats)
    # The other pages are measured small and big alternately, so a busy machine slows both alike.
    for page in urls["small"]:
        if page == "portfolio":
            continue
        for _ in range(repeats):
            for name in ("small", "big"):
                found = _measure(clients[name], urls[name][page], 1)
                before = results[name].get(page)
                results[name][page] = found if before is None or found[0] < before[0] else before

    vendor = connection.vendor
    print(
        f"\nPages on {vendor}: small set vs big set (fastest of {repeats}; budget {BUDGET_S * 1000:.0f} ms)"
    )
    print(f"{'page':28} {'small ms':>9} {'big ms':>8} {'x':>5} {'small q':>8} {'big q':>6} {'x':>5}")
    rows = []
    for page, (small_s, small_q, small_status) in results["small"].items():
        big_s, big_q, big_status = results["big"][page]
        flag = "  OVER BUDGET" if big_s > BUDGET_S else ""
        if big_q != small_q:
            flag += "  QUERIES GROW"
        if 200 not in (small_status, big_status) or small_status != big_status:
            flag += f"  status {small_status}/{big_status}"
        print(
            f"{page:28} {small_s * 1000:9.1f} {big_s * 1000:8.1f} {big_s / small_s:5.1f} "
            f"{small_q:8d} {big_q:6d} {big_q / max(small_q, 1):5.2f}{flag}"
        )
        rows.append(
            {
                "page": page,
                "small_ms": round(small_s * 1000, 1),
                "big_ms": round(big_s * 1000, 1),
                "time_ratio": round(big_s / small_s, 2),
                "small_queries": small_q,
                "big_queries": big_q,
                "query_ratio": round(big_q / max(small_q, 1), 2),
                "status": big_status,
            }
        )
    record = {"bench": "pages", "database": vendor, "scale": scale, "pages": rows}
    print(json.dumps(record))
    return record


if __name__ == "__main__":
    main()
