"""Print the load test's summary from locust's CSV files: throughput, p50, p95 and errors, overall and per
kind of request. Exits 1 when any request failed (the target is zero)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def main(stats_path: str, failures_path: str, notes_path: str = "") -> int:
    with Path(stats_path).open(encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests = [row for row in rows if row["Name"] != "Aggregated"]
    print(f"{'request':<52} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7}")
    for row in sorted(requests, key=lambda r: -int(r["Request Count"])):
        print(
            f"{row['Type'] + ' ' + row['Name']:<52.52} {row['Request Count']:>7} {row['Failure Count']:>6} "
            f"{row['50%']:>7} {row['95%']:>7} {float(row['Requests/s']):>7.1f}"
        )
    errors = int(total["Failure Count"])
    print()
    print(
        f"requests {total['Request Count']}, throughput {float(total['Requests/s']):.1f} requests/s, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, errors {errors}"
    )
    if notes_path and Path(notes_path).exists():
        notes = json.loads(Path(notes_path).read_text("utf-8"))
        refused = notes["stale_risk_saves_refused"]
        print(f"stale risk saves refused (rule EDIT-NO-LOST-UPDATE, expected): {refused}")
    with Path(failures_path).open(encoding="utf-8") as failures:
        for row in csv.DictReader(failures):
            print(f"error x{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error']}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
