"""The ``forbetter`` command: the calculation engine on JSON files (DESIGN section 6).

Reads a JSON file, writes JSON to stdout and exits 0; on bad input writes one line naming the field to
stderr, nothing to stdout, and exits 2. The whole result is serialised before anything is written, so a
run that fails never leaves half a JSON document behind. Limits on inputs are in docs/cli.md.

Five commands work on the app's database instead, and set Django up only when they run (the engine
commands never load it): ``forbetter verify-audit`` checks the audit chain; ``forbetter backup FILE`` and
``forbetter restore FILE [--replace]`` do what ``manage.py backup`` and ``manage.py restore`` do, printing a
one-line summary, or one line on stderr and exit 2 when refused; ``forbetter ocds SLUG`` prints a
partnership's open contracting data and ``forbetter notice PARTNERSHIP NOTICE`` one Procurement Act notice.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from forbetter.calc.errors import InputError

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_TAMPERED = 1
"""verify-audit only: the audit log has been tampered with."""
MAX_INPUT_BYTES = 50 * 1024 * 1024
"""The largest input file read (50 MB): larger ones are refused before they are read."""
MAX_NESTING = 32
"""The deepest nesting of JSON lists and objects accepted; every contract needs fewer than 8 levels."""

# command words -> (module under forbetter.contracts, function name)
COMMANDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("appraise",): ("appraise", "run"),
    ("risk", "simulate"): ("risk_simulate", "run"),
    ("payment", "statement"): ("payment_statement", "run"),
    ("evaluate",): ("evaluate", "run"),
    ("survey",): ("survey", "run"),
}


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="forbetter", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)

    appraise = sub.add_parser("appraise", help="options appraisal: NPC, NPV, EAC, switching values")
    appraise.add_argument("file", type=Path)

    risk = sub.add_parser("risk", help="quantified risk")
    risk_sub = risk.add_subparsers(dest="subcommand", required=True, parser_class=_OneLineParser)
    simulate = risk_sub.add_parser("simulate", help="Monte Carlo simulation of a risk register")
    simulate.add_argument("file", type=Path)
    simulate.add_argument("--iterations", type=int, default=None)
    simulate.add_argument("--seed", type=int, default=None)

    payment = sub.add_parser("payment", help="payment mechanism")
    payment_sub = payment.add_subparsers(dest="subcommand", required=True, parser_class=_OneLineParser)
    statement = payment_sub.add_parser("statement", help="monthly payment statements")
    statement.add_argument("file", type=Path)

    evaluate = sub.add_parser("evaluate", help="tender evaluation: price and quality scores, ranks, winner")
    evaluate.add_argument("file", type=Path)

    survey = sub.add_parser(
        "survey", help="partnership survey: means per principle per side per round, gaps, flags, trend"
    )
    survey.add_argument("file", type=Path)

    verify = sub.add_parser(
        "verify-audit",
        help="check the audit log in the database named by DATABASE_URL; exit 1 if it was tampered with",
    )
    verify.add_argument(
        "--expect-head",
        metavar="HASH",
        type=_head_hash,
        help="a chain head hash recorded earlier: the chain must still contain it",
    )

    backup = sub.add_parser("backup", help="write the database and uploaded files to a new archive")
    backup.add_argument("file", type=Path)
    restore = sub.add_parser("restore", help="restore an archive written by `forbetter backup`")
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--replace", action="store_true", help="replace the data and files already there, all or nothing"
    )
    _add_ocds_parser(sub)
    _add_notice_parser(sub)
    return parser


def _head_hash(text: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text.strip()):
        raise argparse.ArgumentTypeError("a head hash is 64 hexadecimal characters, as verify-audit prints")
    return text.strip().lower()


def _verify_audit(expect_head: str | None) -> int:
    """Check the audit chain (docs/cli.md): problems one a line, then a summary; exit 0 intact, 1 not."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    try:
        import django

        django.setup()
        from forbetter.core.audit import verify_audit

        report = verify_audit(expect_head=expect_head)
    except Exception as exc:  # no database, no tables yet, bad settings: say so on one line
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"forbetter verify-audit: cannot read the audit log: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for problem in report.problems:
        print(problem)
    print(report.summary())
    return EXIT_OK if report.intact else EXIT_TAMPERED


def _load_json(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError("file", f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(content) > MAX_INPUT_BYTES:
        raise InputError("file", f"is larger than the limit of {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            "file",
            f"is not UTF-8 text: byte 0x{content[exc.start]:02x} at position {exc.start} cannot be read",
        ) from None
    try:
        payload = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            "file", f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InputError("file", f"is nested deeper than the limit of {MAX_NESTING} levels") from None
    except InputError:
        raise
    except ValueError:  # Python reads integers of at most 4,300 digits
        raise InputError(
            "file", "has a number with more digits than can be read (the limit is 4,300)"
        ) from None
    _check_nesting(payload)
    return payload


def _refuse_constant(name: str) -> Any:
    raise InputError("file", f"{name} is not a number JSON allows: give a finite number")


def _check_nesting(payload: Any) -> None:
    """Refuse JSON nested deeper than MAX_NESTING, without recursion."""
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_NESTING:
                raise InputError("file", f"is nested deeper than the limit of {MAX_NESTING} levels")
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)


_TOO_LARGE = (
    "a result is too large to compute as a finite number: make the amounts, rates or index values smaller "
    "(an index base far below its values multiplies every charge)"
)


def _serialised(result: dict[str, Any]) -> str:
    """The whole output as text, or InputError when a figure overflowed to infinity or NaN."""
    try:
        return json.dumps(result, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    except ValueError:
        raise InputError("file", _TOO_LARGE) from None


def _runner(words: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    module_name, function_name = COMMANDS[words]
    module = importlib.import_module(f"forbetter.contracts.{module_name}")
    runner: Callable[..., dict[str, Any]] = getattr(module, function_name)
    return runner


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error, already written as one line (2)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if args.command == "verify-audit":
        return _verify_audit(args.expect_head)
    if args.command == "ocds":
        return _ocds(args.partnership, args.profile)
    if args.command == "notice":
        return _notice(args)
    if args.command in DATABASE_COMMANDS:
        return _database_command(args.command, args.file, replace=getattr(args, "replace", False))
    words = (args.command,) + ((args.subcommand,) if getattr(args, "subcommand", None) else ())
    options = {
        key: value
        for key, value in vars(args).items()
        if key not in {"command", "subcommand", "file"} and value is not None
    }
    try:
        payload = _load_json(args.file)
        output = _serialised(_runner(words)(payload, **options))
    except InputError as exc:
        _refuse(words, exc.field, exc.message)
        return EXIT_BAD_INPUT
    except (RecursionError, MemoryError) as exc:
        _refuse(
            words, "file", f"the input is too large or too deeply nested to compute ({type(exc).__name__})"
        )
        return EXIT_BAD_INPUT
    except ArithmeticError:  # an overflow, or a Decimal made from an infinite figure
        _refuse(words, "file", _TOO_LARGE)
        return EXIT_BAD_INPUT
    sys.stdout.write(output)
    return EXIT_OK


DATABASE_COMMANDS = frozenset({"backup", "restore"})


def _database_command(command: str, file: Path, *, replace: bool) -> int:
    """Run ``manage.py backup`` or ``manage.py restore``, setting Django up only now."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command
    from django.core.management.base import CommandError

    options = {"replace": True} if replace else {}
    try:
        django.setup()
        call_command(command, str(file), **options)
    except (CommandError, ImproperlyConfigured) as exc:
        print(" ".join(f"forbetter {command}: {exc}".split()), file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _refuse(words: tuple[str, ...], field: str, message: str) -> None:
    line = " ".join(f"forbetter {' '.join(words)}: {field}: {message}".split())  # one line, always
    print(line, file=sys.stderr)


EXIT_INVALID_PACKAGE = 1
"""ocds only: the package built does not meet the schemas (nothing is printed on stdout)."""


def _add_ocds_parser(sub: Any) -> None:
    ocds = sub.add_parser(
        "ocds",
        help="print a partnership's OCDS 1.1.5 release package (open contracting data) from the database",
    )
    ocds.add_argument(
        "partnership",
        metavar="SLUG",
        help="the partnership's slug (its name in lower case, words joined by hyphens) or its id",
    )
    ocds.add_argument(
        "--profile",
        choices=("core", "ppp"),
        default=None,
        help="validate against this schema only (default: both OCDS 1.1.5 and the OCDS for PPPs profile)",
    )


def _ocds(partnership: str, profile: str | None) -> int:
    """Print the partnership's release package (docs/cli.md): exit 0; 2 if no partnership has that slug or
    id; 1, printing nothing on stdout and each validation error on stderr, if the package is not valid."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    try:
        import django

        django.setup()
        from forbetter.opendata.selectors import PROFILES, find_partnership, package_for
        from forbetter.opendata.validation import package_errors

        found = find_partnership(partnership)
        if found is None:
            print(
                f"forbetter ocds: SLUG: no partnership has the slug or id {partnership!r} "
                "(the slug is the name in lower case, words joined by hyphens)",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        package = package_for(found.pk)
    except Exception as exc:  # no database, no tables yet, bad settings: say so on one line
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"forbetter ocds: cannot read the database: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    profiles = [name for name in PROFILES if profile in (None, name)]
    errors = [f"{name}: {line}" for name in profiles for line in package_errors(package, name)]
    if errors:
        for line in errors:
            print(f"forbetter ocds: invalid package: {' '.join(line.split())}", file=sys.stderr)
        return EXIT_INVALID_PACKAGE
    sys.stdout.write(json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _add_notice_parser(sub: Any) -> None:
    notice = sub.add_parser(
        "notice", help="a Procurement Act 2023 notice of a partnership as an OCDS release package"
    )
    notice.add_argument("partnership", help="the partnership's id, or its name as a slug")
    notice.add_argument("notice", help="UK7, UK9, UK10, UK11 or UK17")
    notice.add_argument("--key", help="which occurrence (an ISO date, or a change reference for UK10)")
    notice.add_argument("--today", type=_iso_day, help="the day to work the calendar out on (YYYY-MM-DD)")


def _iso_day(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _notice(args: argparse.Namespace) -> int:
    """Print one Procurement Act notice as a release package (docs/cli.md): exit 0, or 2 with one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    import django

    django.setup()
    from forbetter.notices.command import notice_package

    try:
        output = notice_package(args.partnership, args.notice, key=args.key, today=args.today)
    except InputError as exc:
        _refuse(("notice",), exc.field, exc.message)
        return EXIT_BAD_INPUT
    sys.stdout.write(output)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
