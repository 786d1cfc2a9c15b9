import re
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forbetter.core.audit import verify_audit


class Command(BaseCommand):
    help = (
        "Check the tamper-evident audit log: every history row against the hash chained when it was written. "
        "Prints one line per problem and a summary; exits 1 if anything was edited, deleted or inserted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="a chain head hash recorded earlier: the chain must contain it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expect_head = options.get("expect_head")
        if expect_head is not None:
            expect_head = expect_head.strip().lower()
            if not re.fullmatch(r"[0-9a-f]{64}", expect_head):
                raise CommandError("a head hash is 64 hexadecimal characters, as verify_audit prints it")
        report = verify_audit(expect_head=expect_head)
        for problem in report.problems:
            self.stdout.write(problem)
        self.stdout.write(report.summary())
        if not report.intact:
            sys.exit(1)
