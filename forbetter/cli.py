"""The ``forbetter`` command: the calculation engine on JSON files (DESIGN section 6).

Reads a JSON file, writes JSON to stdout and exits 0; on bad input writes one line naming the field to
stderr and exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from forbetter.calc.errors import InputError

EXIT_OK = 0
EXIT_BAD_INPUT = 2

# command words -> (module under forbetter.contracts, function name)
COMMANDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("appraise",): ("appraise", "run"),
    ("risk", "simulate"): ("risk_simulate", "run"),
    ("payment", "statement"): ("payment_statement", "run"),
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forbetter", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    appraise = sub.add_parser("appraise", help="options appraisal: NPC, NPV, EAC, switching values")
    appraise.add_argument("file", type=Path)

    risk = sub.add_parser("risk", help="quantified risk")
    risk_sub = risk.add_subparsers(dest="subcommand", required=True)
    simulate = risk_sub.add_parser("simulate", help="Monte Carlo simulation of a risk register")
    simulate.add_argument("file", type=Path)
    simulate.add_argument("--iterations", type=int, default=None)
    simulate.add_argument("--seed", type=int, default=None)

    payment = sub.add_parser("payment", help="payment mechanism")
    payment_sub = payment.add_subparsers(dest="subcommand", required=True)
    statement = payment_sub.add_parser("statement", help="monthly payment statements")
    statement.add_argument("file", type=Path)
    return parser


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("file", f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            "file", f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc


def _runner(words: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    module_name, function_name = COMMANDS[words]
    module = importlib.import_module(f"forbetter.contracts.{module_name}")
    runner: Callable[..., dict[str, Any]] = getattr(module, function_name)
    return runner


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    words = (args.command,) + ((args.subcommand,) if getattr(args, "subcommand", None) else ())
    options = {
        key: value
        for key, value in vars(args).items()
        if key not in {"command", "subcommand", "file"} and value is not None
    }
    try:
        payload = _load_json(args.file)
        result = _runner(words)(payload, **options)
    except InputError as exc:
        print(f"forbetter {' '.join(words)}: {exc.field}: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    json.dump(result, sys.stdout, indent=2, allow_nan=False, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
