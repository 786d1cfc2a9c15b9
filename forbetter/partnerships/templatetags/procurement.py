"""The procurement regime of a partnership, in words, for its pages."""

from __future__ import annotations

from django import template

from forbetter.partnerships import procurement
from forbetter.partnerships.models import Partnership

register = template.Library()


@register.filter
def regime_summary(partnership: Partnership) -> str:
    """Which law the partnership was procured under and what follows (rule PA23-COMMENCEMENT)."""
    return procurement.regime_summary(partnership)


@register.filter
def act_applies(partnership: Partnership) -> bool:
    """Whether the Procurement Act 2023's duties apply to the partnership (rule PA23-COMMENCEMENT)."""
    return procurement.act_applies(partnership)
