"""Parallel saves against a file-based SQLite database while the background worker polls it.

Run as ``python -m tests.data.sqlite_concurrency --db FILE [--plain] [--threads 8] [--saves 25]``; prints one
JSON line: saves attempted, failed, the first few errors, and whether every successful save persisted.
``--plain`` runs with the SQLite connection options cleared (Django's defaults: rollback journal, deferred
transactions, 5 s timeout), which is how the app ran before decision record 0011, for comparison.

The database is built from the models (migrations are skipped to save time: they are tested elsewhere), the
framework and the demo are loaded, and the django_tasks_db worker loop (the same ``Worker`` class that
``manage.py db_worker`` runs) polls it every second in a thread with its own connection while Monte Carlo runs
are queued for it. Each save thread has its own connection and goes through the real services: a council
editor changes a risk, the partner submits a KPI return, alternately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import json
import os
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any


class _NoMigrations:
    def __contains__(self, item: str) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def _configure(db: Path, *, plain: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "forbetter.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="fb-media-"))
    from django.conf import settings

    settings.MIGRATION_MODULES = _NoMigrations()
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    if plain:
        settings.DATABASES["default"]["OPTIONS"] = {}
    import django

    django.setup()


def _periods(kpi: Any, count: int) -> list[dt.date]:
    from forbetter.performance.services import _next_period_start

    periods = [kpi.first_period]
    while len(periods) < count:
        periods.append(_next_period_start(kpi, periods[-1]))
    return periods


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--saves", type=int, default=25)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    _configure(args.db, plain=args.plain)

    from django.apps import apps as django_apps
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, connections
    from django_tasks_db.management.commands.db_worker import Worker

    from forbetter.accounts.models import Role, User
    from forbetter.framework.loader import load_framework
    from forbetter.performance import services as performance
    from forbetter.performance.models import Kpi, KpiReturn, KpiState
    from forbetter.risks import services as risks
    from forbetter.risks.models import Risk, RiskStatus, RunStatus, SimulationRun
    from forbetter.risks.reference import load_risk_categories

    call_command("migrate", run_syncdb=True, verbosity=0)
    # The reference data the skipped migrations would load.
    load_framework()
    importlib.import_module("forbetter.partnerships.migrations.0002_service_areas").add(django_apps, None)
    load_risk_categories(django_apps)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    with connection.cursor() as cursor:
        journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]

    editor = User.objects.filter(role=Role.COUNCIL_EDITOR).first()
    partner = User.objects.filter(role=Role.PARTNER_USER).first()
    assert editor is not None
    assert partner is not None
    kpi = (
        Kpi.objects.filter(partnership__in=partner_partnerships(partner), state=KpiState.ACTIVE)
        .order_by("frequency", "pk")
        .first()
    )
    assert kpi is not None, "the demo has no active KPI the partner reports"
    periods = _periods(kpi, args.threads)
    KpiReturn.objects.filter(kpi=kpi, period__in=periods).delete()
    partnership = kpi.partnership
    owned = list(
        Risk.objects.filter(partnership=partnership, status=RiskStatus.OPEN).order_by("number")[
            : args.threads
        ]
    )
    assert len(owned) == args.threads, "the demo partnership needs a risk per thread"

    worker = Worker(
        queue_names=["*"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="concurrency-test",
        excluded_queue_names=[],
    )

    def work() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    for _ in range(args.runs):
        risks.simulation_run_request(user=editor, partnership=partnership, iterations=200_000, seed=None)
    worker_thread = threading.Thread(target=work, daemon=True)
    worker_thread.start()
    connections.close_all()

    failures: list[str] = []
    attempted = 0
    done: dict[str, Any] = {"risk": {}, "return": {}}
    lock = threading.Lock()
    start = threading.Barrier(args.threads)

    def saver(index: int) -> None:
        nonlocal attempted
        start.wait()
        risk_id, period = owned[index].pk, periods[index]
        for step in range(args.saves):
            title = f"Thread {index} edit {step}"
            value = Decimal(f"{index}.{step:02d}")
            kind = "risk" if step % 2 == 0 else "return"
            try:
                if kind == "risk":
                    risk = Risk.objects.select_related("partnership").get(pk=risk_id)
                    risks.risk_update(user=editor, risk=risk, data={"title": title})
                    saved: Any = title
                else:
                    performance.return_submit(
                        user=partner,
                        partnership=partnership,
                        kpi_id=kpi.pk,
                        period=period,
                        value=value,
                        evidence=SimpleUploadedFile("pack.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
                    )
                    saved = value
            except Exception as error:  # every failure is counted and reported
                with lock:
                    attempted += 1
                    failures.append(f"{kind}: {type(error).__name__}: {error}")
            else:
                with lock:
                    attempted += 1
                    done[kind].setdefault(index, []).append(saved)
        connections.close_all()

    began = time.monotonic()
    threads = [threading.Thread(target=saver, args=(index,)) for index in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - began
    worker.running = False
    worker_thread.join(timeout=60)

    lost: list[str] = []
    for index, titles in done["risk"].items():
        risk = Risk.objects.get(pk=owned[index].pk)
        recorded = set(risk.history.values_list("title", flat=True))
        lost += [f"risk edit {title!r}" for title in titles if title not in recorded]
        if risk.title != titles[-1]:
            lost.append(f"risk {risk.reference} reads {risk.title!r}, last saved {titles[-1]!r}")
    for index, values in done["return"].items():
        record = KpiReturn.objects.get(kpi=kpi, period=periods[index])
        recorded = set(record.history.values_list("value", flat=True))
        lost += [f"return value {value}" for value in values if value not in recorded]
        if record.value != values[-1]:
            lost.append(f"return {periods[index]} reads {record.value}, last saved {values[-1]}")
    runs = dict(SimulationRun.objects.values_list("pk", "status"))
    print(
        json.dumps(
            {
                "options": "plain" if args.plain else "wal",
                "journal_mode": journal,
                "attempted": attempted,
                "failed": len(failures),
                "risk_edits": sum(len(v) for v in done["risk"].values()),
                "returns": sum(len(v) for v in done["return"].values()),
                "errors": sorted(set(failures))[:5],
                "lost": lost[:5],
                "lost_count": len(lost),
                "seconds": round(seconds, 1),
                "runs_finished": sum(1 for status in runs.values() if status == RunStatus.FINISHED),
                "runs": len(runs),
            }
        )
    )
    return 0


def partner_partnerships(user: Any) -> Any:
    from forbetter.partnerships.selectors import partnerships_visible_to

    return partnerships_visible_to(user)


if __name__ == "__main__":
    sys.exit(main())
