"""Risk scoring: likelihood 1-5 times impact 1-5 gives a score of 1-25, placed in named bands.

The five-by-five likelihood-impact matrix used across English local government (ODPM, *Risk Management
Technical Notes*, 2004; DESIGN section 5, "Risk scoring"): the words for each point of the two scales, the
score of a risk before or after its controls, and configurable bands (by default low, medium, high and very
high) that must cover every score from 1 to 25 exactly once. Bad input raises
:class:`~forbetter.calc.errors.InputError` naming the field.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from forbetter.calc.errors import InputError

LIKELIHOOD_LABELS: dict[int, str] = {
    1: "rare",
    2: "unlikely",
    3: "possible",
    4: "likely",
    5: "almost certain",
}
IMPACT_LABELS: dict[int, str] = {
    1: "insignificant",
    2: "minor",
    3: "moderate",
    4: "major",
    5: "catastrophic",
}
LOWEST_SCORE = 1
HIGHEST_SCORE = 25


@dataclass(frozen=True)
class ScoreBand:
    """A named range of risk scores, ``lowest`` to ``highest`` inclusive (``ScoreBand("high", 10, 15)``)."""

    name: str
    lowest: int
    highest: int


DEFAULT_SCORE_BANDS: tuple[ScoreBand, ...] = (
    ScoreBand("low", 1, 3),
    ScoreBand("medium", 4, 9),
    ScoreBand("high", 10, 15),
    ScoreBand("very high", 16, 25),
)


def _scale_point(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(field, f"must be a whole number from 1 to 5; got {value!r}")
    if not 1 <= int(value) <= 5:
        raise InputError(field, f"must be from 1 to 5; got {value}")
    return int(value)


def likelihood_label(likelihood: int) -> str:
    """The word for a likelihood on the 1-5 scale (ODPM 2004 practice).

    >>> likelihood_label(4)
    'likely'
    """
    return LIKELIHOOD_LABELS[_scale_point(likelihood, field="likelihood")]


def impact_label(impact: int) -> str:
    """The word for an impact on the 1-5 scale (ODPM 2004 practice).

    >>> impact_label(5)
    'catastrophic'
    """
    return IMPACT_LABELS[_scale_point(impact, field="impact")]


def risk_score(likelihood: int, impact: int) -> int:
    """Risk score = likelihood x impact, each on a 1-5 scale, so 1-25.

    Used for both the inherent score (before controls) and the residual score (after them).
    Source: ODPM, Risk Management Technical Notes (2004); DESIGN section 5.

    >>> risk_score(4, 3)
    12
    """
    return _scale_point(likelihood, field="likelihood") * _scale_point(impact, field="impact")


def validate_score_bands(bands: Sequence[ScoreBand]) -> tuple[ScoreBand, ...]:
    """Check that bands, in ascending order, cover scores 1 to 25 with no gaps or overlaps.

    Returns the bands as a tuple; raises :class:`InputError` naming ``bands[i].lowest`` (or ``.highest``,
    ``.name``) otherwise.

    >>> [band.name for band in validate_score_bands([ScoreBand("low", 1, 8), ScoreBand("high", 9, 25)])]
    ['low', 'high']
    >>> try:
    ...     validate_score_bands([ScoreBand("low", 1, 8), ScoreBand("high", 10, 25)])
    ... except InputError as error:
    ...     print(error.field, "-", error.message)
    bands[1].lowest - score 9 has no band: this band starts at 10 and the one before ends at 8
    """
    checked = tuple(bands)
    if not checked:
        raise InputError("bands", "give at least one band")
    names: set[str] = set()
    expected_lowest = LOWEST_SCORE
    for index, band in enumerate(checked):
        where = f"bands[{index}]"
        if not isinstance(band, ScoreBand):
            raise InputError(where, "must be a ScoreBand")
        if not isinstance(band.name, str) or not band.name.strip():
            raise InputError(f"{where}.name", "give the band a name")
        if band.name in names:
            raise InputError(f"{where}.name", f"the name {band.name!r} is used by another band")
        names.add(band.name)
        for end in ("lowest", "highest"):
            value = getattr(band, end)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{where}.{end}", f"must be a whole number; got {value!r}")
        if band.lowest != expected_lowest:
            if index == 0:
                message = f"must start at {LOWEST_SCORE}; got {band.lowest}"
            elif band.lowest < expected_lowest:
                message = (
                    f"overlaps the band before: this band starts at {band.lowest} "
                    f"and the one before ends at {expected_lowest - 1}"
                )
            else:
                gap = (
                    f"{expected_lowest}"
                    if band.lowest == expected_lowest + 1
                    else (f"{expected_lowest} to {band.lowest - 1}")
                )
                message = (
                    f"score {gap} has no band: this band starts at {band.lowest} "
                    f"and the one before ends at {expected_lowest - 1}"
                )
            raise InputError(f"{where}.lowest", message)
        if band.highest < band.lowest:
            raise InputError(
                f"{where}.highest", f"{band.highest} is below the band's lowest score {band.lowest}"
            )
        expected_lowest = band.highest + 1
    if expected_lowest - 1 != HIGHEST_SCORE:
        raise InputError(
            f"bands[{len(checked) - 1}].highest",
            f"the last band must end at {HIGHEST_SCORE}; got {expected_lowest - 1}",
        )
    return checked


def score_band(score: int, *, bands: Sequence[ScoreBand] = DEFAULT_SCORE_BANDS) -> ScoreBand:
    """The band a risk score (1-25) falls in; default bands 1-3 low, 4-9 medium, 10-15 high, 16-25 very high.

    Source: DESIGN section 5 (configurable, following ODPM 2004 practice).

    >>> score_band(12).name
    'high'
    >>> score_band(12, bands=[ScoreBand("tolerable", 1, 12), ScoreBand("intolerable", 13, 25)]).name
    'tolerable'
    """
    if isinstance(score, bool) or not isinstance(score, numbers.Integral):
        raise InputError("score", f"must be a whole number from 1 to 25; got {score!r}")
    if not LOWEST_SCORE <= int(score) <= HIGHEST_SCORE:
        raise InputError("score", f"must be from 1 to 25; got {score}")
    for band in validate_score_bands(bands):
        if band.lowest <= score <= band.highest:
            return band
    raise AssertionError("validated bands cover every score")  # pragma: no cover
