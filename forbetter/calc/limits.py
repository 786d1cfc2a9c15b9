"""Bounds on the size of inputs, so that every figure stays finite and every run finishes in bounded memory.

Each limit is named in the message that refuses an input beyond it (docs/cli.md, "Conventions").
"""

from __future__ import annotations

from typing import Final

MAX_ABS_GBP: Final = 1e15
"""The largest amount of money, in pounds, any input may hold (a thousand times the UK's GDP): sums and
squares of up to ``MAX_RISKS`` such amounts stay far inside float64 (about 1.8e308), so no figure becomes
infinity or NaN."""
MAX_RISKS: Final = 10_000
"""The most risks one register may have for a simulation or an appraisal."""
MAX_RISK_CELLS: Final = 2_000_000_000
"""The most iterations x risks one simulation may ask for: about half an hour on one core."""


def amount_error(value: float) -> str:
    """The message for an amount beyond ``MAX_ABS_GBP``, or '' when it is within it.

    >>> amount_error(1e26)
    'must be at most £1e+15 in size (the limit on any amount); got 1e+26'
    >>> amount_error(-2.5)
    ''
    """
    if abs(value) > MAX_ABS_GBP:
        return f"must be at most £{MAX_ABS_GBP:g} in size (the limit on any amount); got {value:g}"
    return ""
