"""Benchmark: what the tamper-evident audit chain adds to writing history (same-run baseline).

Times ``--saves`` (default 300) edits of an organisation, each saved in its own committed transaction as
a service does (one history row each), and one bulk update of ``--saves`` organisations with
``bulk_update_with_history``: first with the audit chain switched off (the baseline: django-simple-history
alone), then with it on (one pending link per history row in the same transaction, and the chain extended
after each commit). Each is the fastest of ``--repeats`` runs. It prints the time per save, the overhead
ratio (chain ÷ baseline) and a JSON line, then checks the chain it wrote with ``verify_audit``.

Run: ``python bench/audit_chain.py`` (or ``make bench``). It uses a temporary SQLite file (write-ahead log,
as the app does) with only the tables it needs, unless ``BENCH_DATABASE_URL`` names an empty database (for
example a PostgreSQL one); it creates its tables there and drops them at the end.
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


def _setup(database_url: str) -> list[Any]:
    """Django on the database, with the few tables the benchmark writes to; returns them for dropping."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from forbetter.accounts.models import Organisation, User
    from forbetter.core.audit import register_field_lists
    from forbetter.core.models import AuditChainHead, AuditChainLink, AuditFieldList

    models = [
        ContentType,
        Permission,
        Group,
        User,
        Organisation,
        Organisation.history.model,  # type: ignore[attr-defined]
        AuditFieldList,
        AuditChainLink,
        AuditChainHead,
    ]
    with connection.schema_editor() as editor:
        for model in models:
            editor.create_model(model)
    register_field_lists()
    return models


def _best(fn: Callable[[], None], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(saves: int, repeats: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from simple_history.utils import bulk_update_with_history

    from forbetter.accounts.models import Organisation
    from forbetter.core import audit

    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Council {n}") for n in range(saves)]
    )
    one = organisations[0]
    turn = iter(range(10**9))

    def one_at_a_time() -> None:
        for _ in range(saves):
            with transaction.atomic():
                one.name = f"Council renamed {next(turn)}"
                one.save()

    def in_bulk() -> None:
        number = next(turn)
        for organisation in organisations:
            organisation.name = f"Council {organisation.pk} ({number})"
        bulk_update_with_history(organisations, Organisation, ["name"], batch_size=500)

    audit.disconnect()
    try:
        baseline_one = _best(one_at_a_time, repeats)
        baseline_bulk = _best(in_bulk, repeats)
    finally:
        audit.connect()
    # The baseline's history rows are not in the chain; start the chain afresh for the timed runs.
    Organisation.history.all().delete()  # type: ignore[attr-defined]
    chained_one = _best(one_at_a_time, repeats)
    chained_bulk = _best(in_bulk, repeats)

    report = audit.verify_audit(tables=[Organisation.history.model])  # type: ignore[attr-defined]
    assert report.intact, report.problems
    assert report.pending == 0
    assert report.entries == saves * repeats * 2, report.summary()
    record = {
        "bench": "audit_chain",
        "database": connection.vendor,
        "saves": saves,
        "baseline_s": round(baseline_one, 4),
        "chain_s": round(chained_one, 4),
        "overhead_ratio": round(chained_one / baseline_one, 2),
        "overhead_ms_per_save": round((chained_one - baseline_one) / saves * 1000, 3),
        "bulk_baseline_s": round(baseline_bulk, 4),
        "bulk_chain_s": round(chained_bulk, 4),
        "bulk_overhead_ratio": round(chained_bulk / baseline_bulk, 2),
    }
    print(
        f"{saves} saves, one transaction each ({connection.vendor}): "
        f"{baseline_one / saves * 1000:.3f} ms a save without the chain, "
        f"{chained_one / saves * 1000:.3f} ms with it ({record['overhead_ratio']}x, "
        f"+{record['overhead_ms_per_save']} ms)"
    )
    print(
        f"{saves} history rows in one bulk update: {baseline_bulk:.3f} s without the chain, "
        f"{chained_bulk:.3f} s with it ({record['bulk_overhead_ratio']}x)"
    )
    print(f"verify_audit over {report.entries} entries: intact")
    print(json.dumps(record))
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        models = _setup(url or f"sqlite:///{folder}/bench-audit.sqlite3")
        try:
            run(args.saves, args.repeats)
        finally:
            if url:
                from django.db import connection

                with connection.schema_editor() as editor:
                    for model in reversed(models):
                        editor.delete_model(model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
