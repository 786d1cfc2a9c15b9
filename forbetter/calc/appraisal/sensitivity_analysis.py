"""Sensitivity analysis on an appraisal: the switching value of every cost line, one-way sensitivity (one
line of one option scaled by 1 + change), a copy of an option with one line scaled for a full re-appraisal,
many one-way changes at once (vectorised), and the bars of a tornado chart. All are closed-form because net
present cost is linear in each line. Source: HM Treasury, The Green Book (2022), chapter 5. The module is not
called ``sensitivity`` because that is the name of a function the package exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from forbetter.calc.appraisal._validation import _change
from forbetter.calc.appraisal.conventions import MAX_CHANGE, FloatArray, IntArray
from forbetter.calc.appraisal.options import (
    Appraisal,
    CashflowLine,
    Option,
    SwitchingValue,
    _option_position,
    _switching_values,
    appraise_options,  # noqa: F401 (the docstring examples below call it)
    rank_lowest_first,
    ranking_scores,
)
from forbetter.calc.errors import InputError


def _cost_line_position(appraisal: Appraisal, option: str, label: str) -> tuple[int, int]:
    i = _option_position(appraisal, option)
    for j, line in enumerate(appraisal.options[i].lines):
        if line.label == label:
            if line.kind != "cost":
                raise InputError("label", f"{label!r} is a benefit line; sensitivity here is on cost lines")
            return i, j
    labels = [line.label for line in appraisal.options[i].lines]
    raise InputError("label", f"no line labelled {label!r} in option {option!r}; labels are {labels}")


def switching_values(appraisal: Appraisal) -> tuple[SwitchingValue, ...]:
    """Switching value of every cost line: the fractional change that makes the preferred option lose rank 1.

    NPC is linear in each line's scale, so the value is closed-form. With P the preferred option, R the
    runner-up (next lowest NPC) and PV_l the line's present value:

    * a line of P: x = (NPC_R - NPC_P) / PV_l, the increase at which P ties R;
    * a line of another option j: x = (NPC_P - NPC_j) / PV_l, the decrease at which j ties P.

    ``change`` is None, with a note saying why, when PV_l is zero, when there is one option, or when the
    change would be a cut of more than 100% (x < -1).

    Source: HM Treasury, The Green Book (2022), chapter 5 (sensitivity analysis and switching values).

    >>> a = Option("A", 1, [CashflowLine("Staff", "cost", "real", [100])])
    >>> b = Option("B", 1, [CashflowLine("Fee", "cost", "real", [120])])
    >>> [(s.option, s.change) for s in switching_values(appraise_options([a, b]))]
    [('A', 0.2), ('B', -0.16666666666666666)]
    """
    return _switching_values(appraisal.options, appraisal.ranking_rule)


def _scores(appraisal: Appraisal) -> list[float]:
    """Each option's figure under the appraisal's ranking rule, lowest best (NPC, or -NPV)."""
    return ranking_scores(
        [(o.net_present_cost_gbp, o.present_value_benefits_gbp) for o in appraisal.options],
        appraisal.ranking_rule,
    )


@dataclass(frozen=True)
class Sensitivity:
    """One option's net present cost with one cost line scaled by (1 + change), and who is then preferred."""

    option: str
    label: str
    change: float
    net_present_cost_gbp: float
    preferred: str


def sensitivity(appraisal: Appraisal, *, option: str, label: str, change: float) -> Sensitivity:
    """One-way sensitivity: scale one cost line of one option by (1 + change) and recompute the ranking.

    NPC'_i = NPC_i + change x PV_l, exactly what a full re-appraisal gives, because every step (deflating,
    optimism bias, discounting) is linear in the line's values. ``change`` runs from -1 (remove the line).

    >>> a = Option("A", 1, [CashflowLine("Staff", "cost", "real", [100])])
    >>> b = Option("B", 1, [CashflowLine("Fee", "cost", "real", [120])])
    >>> sensitivity(appraise_options([a, b]), option="A", label="Staff", change=0.3).preferred
    'B'
    """
    i, j = _cost_line_position(appraisal, option, label)
    x = _change(change)
    moved = x * appraisal.options[i].lines[j].present_value_gbp
    scores = _scores(appraisal)
    scores[i] += moved
    preferred = appraisal.options[rank_lowest_first(scores).index(1)].name
    return Sensitivity(option, label, x, appraisal.options[i].net_present_cost_gbp + moved, preferred)


def scale_line(option: Option, *, label: str, change: float) -> Option:
    """A copy of ``option`` with one line's values multiplied by (1 + change), for a full re-appraisal.

    >>> a = Option("A", 2, [CashflowLine("Staff", "cost", "real", [100, 50])])
    >>> scale_line(a, label="Staff", change=-0.5).lines[0].values_gbp
    (50.0, 25.0)
    """
    x = _change(change)
    if label not in [line.label for line in option.lines]:
        raise InputError("label", f"no line labelled {label!r} in option {option.name!r}")
    lines = [
        CashflowLine(line.label, line.kind, line.prices, [v * (1 + x) for v in line.values_gbp])
        if line.label == label
        else line
        for line in option.lines
    ]
    return Option(option.name, option.years, lines, option.optimism_bias)


def cost_line_present_values(appraisal: Appraisal) -> FloatArray:
    """Matrix [option, line] of each line's PV that counts towards NPC (0 for benefit lines and padding)."""
    width = max(len(o.lines) for o in appraisal.options)
    matrix = np.zeros((len(appraisal.options), width))
    for i, option in enumerate(appraisal.options):
        for j, line in enumerate(option.lines):
            if line.kind == "cost":
                matrix[i, j] = line.present_value_gbp
    return matrix


@dataclass(frozen=True)
class BatchSensitivity:
    """Results of many one-way changes, one entry per (option, line, change) triple."""

    net_present_cost_gbp: FloatArray  # the changed option's NPC
    preferred_index: IntArray  # position in ``appraisal.options`` of the option then preferred


def _index_array(value: object, *, field: str) -> IntArray:
    array = np.asarray(value)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise InputError(field, "must be a one-dimensional array of whole numbers")
    return array.astype(np.intp)


def batch_sensitivity(
    appraisal: Appraisal,
    *,
    option_index: Sequence[int] | IntArray,
    line_index: Sequence[int] | IntArray,
    change: Sequence[float] | FloatArray,
) -> BatchSensitivity:
    """Many one-way sensitivities at once, vectorised: entry e scales line ``line_index[e]`` of option
    ``option_index[e]`` (positions in ``appraisal.options`` and its ``lines``) by (1 + ``change[e]``).

    NPC'_e = NPC_o + change_e x PV_{o,l}; the preferred option after each change is the best under the
    appraisal's ranking rule (lowest NPC, or highest NPV) with ties going to the first listed, as in
    :func:`sensitivity`. Benefit lines have no effect on NPC. Memory is
    one float per (evaluation, option).

    >>> a = Option("A", 1, [CashflowLine("Staff", "cost", "real", [100])])
    >>> b = Option("B", 1, [CashflowLine("Fee", "cost", "real", [120])])
    >>> appraisal = appraise_options([a, b])
    >>> out = batch_sensitivity(appraisal, option_index=[0, 0], line_index=[0, 0], change=[0.1, 0.3])
    >>> out.net_present_cost_gbp.tolist(), out.preferred_index.tolist()
    ([110.0, 130.0], [0, 1])
    """
    options = _index_array(option_index, field="option_index")
    lines = _index_array(line_index, field="line_index")
    try:
        changes = np.asarray(change, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("change", "must be an array of numbers") from None
    if not (options.shape == lines.shape == changes.shape):
        raise InputError("change", "option_index, line_index and change must have the same length")
    line_counts = np.array([len(o.lines) for o in appraisal.options])
    if options.size and (options.min() < 0 or options.max() >= line_counts.size):
        raise InputError("option_index", f"must be from 0 to {line_counts.size - 1}")
    if options.size and (np.any(lines < 0) or np.any(lines >= line_counts[options])):
        raise InputError("line_index", "must name a line that the option has")
    if not np.all(np.isfinite(changes)) or np.any(changes < -1) or np.any(changes > MAX_CHANGE):
        raise InputError("change", f"every change must be between -1 and {MAX_CHANGE:g}")
    base = np.array([o.net_present_cost_gbp for o in appraisal.options])
    moved = changes * cost_line_present_values(appraisal)[options, lines]
    scores = np.array(_scores(appraisal))
    every = np.repeat(scores[np.newaxis, :], options.size, axis=0)
    every[np.arange(options.size), options] += moved
    return BatchSensitivity(net_present_cost_gbp=base[options] + moved, preferred_index=every.argmin(axis=1))


@dataclass(frozen=True)
class TornadoBar:
    """One bar of a tornado chart: the option's NPC with a cost line cut and raised by the same fraction."""

    label: str
    npc_at_decrease_gbp: float
    npc_at_increase_gbp: float
    swing_gbp: float  # |increase - decrease| = 2 x change x |PV of the line|


def tornado(appraisal: Appraisal, *, option: str, change: float = 0.1) -> tuple[TornadoBar, ...]:
    """NPC swing of each cost line of one option at -change and +change, widest swing first.

    >>> lines = [CashflowLine("Staff", "cost", "real", [100]), CashflowLine("IT", "cost", "real", [300])]
    >>> a = Option("A", 1, lines)
    >>> [(bar.label, bar.swing_gbp) for bar in tornado(appraise_options([a]), option="A", change=0.1)]
    [('IT', 60.0), ('Staff', 20.0)]
    """
    i = _option_position(appraisal, option)
    x = _change(change)
    if x <= 0 or x > 1:
        raise InputError("change", f"must be more than 0 and at most 1 (100%), got {x:g}")
    result = appraisal.options[i]
    npc = result.net_present_cost_gbp
    bars = [
        TornadoBar(
            line.label,
            npc - x * line.present_value_gbp,
            npc + x * line.present_value_gbp,
            2 * x * abs(line.present_value_gbp),
        )
        for line in result.lines
        if line.kind == "cost"
    ]
    return tuple(sorted(bars, key=lambda bar: -bar.swing_gbp))
