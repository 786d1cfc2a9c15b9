"""Which procurement law a partnership is under, and so which of the Procurement Act 2023's duties apply.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
PA23-COMMENCEMENT      the Procurement Act 2023 governs only procurements started on or after 24 February
                       2025; earlier ones stay under the Public Contracts Regulations
=====================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt

from forbetter.partnerships.models import Partnership, ProcurementRegime

ACT_COMMENCEMENT = dt.date(2025, 2, 24)
ACT_CITATION = (
    "Procurement Act 2023; The Procurement Act 2023 (Commencement No. 3 and Transitional and Saving "
    "Provisions) Regulations 2024"
)


def _long(date: dt.date) -> str:
    return f"{date.day} {date:%B} {date.year}"


def regime_error(regime: str, *, procurement_began_on: dt.date | None) -> str:
    """Rule PA23-COMMENCEMENT: why ``regime`` cannot be the law of a procurement started on that date, or ''.

    The Act came into force on 24 February 2025 and its transitional provisions keep every procurement
    started before then (and contracts awarded under it) under the Public Contracts Regulations 2015 (or
    2006 before them). So a partnership whose procurement began earlier cannot be under the Act. A
    procurement started later is normally under the Act, but a call-off from a framework set up under the
    Regulations stays under them, so that direction is not refused.
    """
    if (
        regime == ProcurementRegime.PA_2023
        and procurement_began_on
        and procurement_began_on < ACT_COMMENCEMENT
    ):
        return (
            f"The Procurement Act 2023 applies only to procurements started on or after "
            f"{_long(ACT_COMMENCEMENT)}; this procurement began on {_long(procurement_began_on)}, so it is "
            "under the Public Contracts Regulations"
        )
    return ""


def act_applies(partnership: Partnership) -> bool:
    """True when the partnership records that it was procured under the Procurement Act 2023 (and that
    record agrees with its procurement start date, rule PA23-COMMENCEMENT)."""
    return partnership.procurement_regime == ProcurementRegime.PA_2023 and not regime_error(
        partnership.procurement_regime, procurement_began_on=partnership.procurement_began_on
    )


def regime_summary(partnership: Partnership) -> str:
    """One sentence for pages: which law applies and what follows from it."""
    if not partnership.procurement_regime:
        return (
            "The procurement regime is not recorded yet, so ForBetter does not show the Procurement Act "
            "2023's duties (published KPIs, annual performance ratings). Record it on the partnership's "
            "details."
        )
    problem = regime_error(
        partnership.procurement_regime, procurement_began_on=partnership.procurement_began_on
    )
    if problem:
        return f"{problem}. Correct the procurement regime on the partnership's details."
    if partnership.procurement_regime == ProcurementRegime.PA_2023:
        return (
            "Procured under the Procurement Act 2023: its duties on key performance indicators (section 52) "
            "and annual performance assessment (section 71) apply."
        )
    return (
        f"Procured under the {partnership.get_procurement_regime_display()}, so the Procurement Act 2023's "
        "duties on key performance indicators and annual performance ratings do not apply."
    )
