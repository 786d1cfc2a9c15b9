from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from forbetter.demo.bigdemo import AlreadyBuiltError, Volume, build


class Command(BaseCommand):
    help = (
        "Build the large demo of DESIGN section 7 (200 partnerships, 20,000 risks, 1,000,000 KPI values) "
        "with bulk loading, and report how long it took. Refuses to run twice on the same database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnerships", type=int, default=Volume.partnerships)
        parser.add_argument("--risks-per-partnership", type=int, default=Volume.risks_per_partnership)
        parser.add_argument("--kpis-per-partnership", type=int, default=Volume.kpis_per_partnership)
        parser.add_argument("--months", type=int, default=Volume.months)

    def handle(self, *args: Any, **options: Any) -> None:
        volume = Volume(
            partnerships=options["partnerships"],
            risks_per_partnership=options["risks_per_partnership"],
            kpis_per_partnership=options["kpis_per_partnership"],
            months=options["months"],
        )
        for name in ("partnerships", "risks_per_partnership", "kpis_per_partnership", "months"):
            if not 1 <= getattr(volume, name) <= 1_000:
                raise CommandError(f"--{name.replace('_', '-')} must be a whole number from 1 to 1,000.")
        database = connection.settings_dict["NAME"]
        self.stdout.write(
            f"Building the large demo in {database}: {volume.partnerships:,} partnerships, "
            f"{volume.risks:,} risks, {volume.kpi_values:,} KPI values."
        )
        try:
            timings = build(volume, say=lambda line: self.stdout.write(f"  {line}"))
        except AlreadyBuiltError as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(f"Large demo built in {timings['total_s']:.1f} s.")
