"""Template helpers for risk scores: the engine's band for a likelihood and impact, with its text label."""

from __future__ import annotations

from typing import Any

from django import template

from forbetter.calc import risk as risk_engine
from forbetter.risks import adapters

register = template.Library()

BAND_TAG_COLOURS = {"low": "green", "medium": "yellow", "high": "orange", "very-high": "red"}


@register.inclusion_tag("risks/_band_tag.html")
def band_tag(likelihood: int, impact: int) -> dict[str, Any]:
    """A GOV.UK tag naming the band and the score ('High 12'): colour and text, never colour alone."""
    band = adapters.band(likelihood, impact)
    key = adapters.band_key(band.name)
    return {
        "name": band.name.capitalize(),
        "score": risk_engine.risk_score(likelihood, impact),
        "colour": BAND_TAG_COLOURS.get(key, "grey"),
        "likelihood": likelihood,
        "impact": impact,
    }


@register.filter
def likelihood_label(value: int) -> str:
    return risk_engine.likelihood_label(int(value))


@register.filter
def impact_label(value: int) -> str:
    return risk_engine.impact_label(int(value))


@register.filter
def band_colour(band_key: str) -> str:
    return BAND_TAG_COLOURS.get(band_key, "grey")
