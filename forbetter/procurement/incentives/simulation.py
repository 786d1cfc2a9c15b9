"""Bidders' proposed payment mechanisms simulated on scenarios by the contract's payment engine.

The adapter builds the engine's input the way the contract mechanism's is built
(:func:`forbetter.payments.adapters.engine_mechanism`, given the bidder's terms as an unsaved contract
mechanism), and the months are worked out by :func:`forbetter.calc.payment.payment_statement` and rounded by
:func:`forbetter.calc.payment.rounded_statement`, exactly as ``forbetter payment statement`` does: there is
no second copy of the arithmetic here, only the scenarios and the words.

Unless the council sets a scenario's points, they are the defaults of rule SCENARIO-DEFAULTS
(:mod:`forbetter.calc.payment_scenarios`), derived from the mechanism's threshold.

The simulation is in the prices bid: 12 months of one contract year, before any indexation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from forbetter.calc import payment as engine
from forbetter.calc import payment_scenarios as scenarios
from forbetter.calc.errors import InputError
from forbetter.calc.payment import format_money
from forbetter.payments.adapters import engine_mechanism as contract_engine_mechanism
from forbetter.payments.models import DeductionBand, PaymentMechanism
from forbetter.procurement.models import BidderMechanism, BidderMechanismBand, ScenarioKind, ScenarioMonth

MONTHS = scenarios.MONTHS
SIMULATED_YEAR = 2001  # a notional contract year: the months are named "month 1" to "month 12" on the page


def engine_mechanism(mechanism: BidderMechanism, bands: Iterable[BidderMechanismBand]) -> engine.Mechanism:
    """The engine's mechanism from a bidder's terms, through the contract mechanism's own adapter.
    Raises :class:`~forbetter.calc.errors.InputError` naming the field at fault."""
    as_contract = PaymentMechanism(
        effective_from=dt.date(SIMULATED_YEAR, 1, 1),
        monthly_charge_gbp=mechanism.monthly_charge_gbp,
        indexed_share=mechanism.indexed_share or Decimal(0),
        index_base=None,  # no index values before signing: the simulation is in the prices bid
        points_threshold=mechanism.points_threshold,
        point_value_gbp=mechanism.point_value_gbp,
        cap=mechanism.cap,
    )
    as_bands = [
        DeductionBand(from_point=b.from_point, to_point=b.to_point, multiplier=b.multiplier) for b in bands
    ]
    return contract_engine_mechanism(as_contract, bands=as_bands)


def default_rule(threshold: int) -> dict[str, str]:
    """The default points in words, for the page (rule SCENARIO-DEFAULTS)."""
    return scenarios.describe_defaults(threshold)


def scenario_points(mechanism: BidderMechanism, rows: Sequence[ScenarioMonth]) -> dict[str, list[int]]:
    """Each scenario's points: the council's months where it set all 12, else the defaults."""
    points = scenarios.default_points(mechanism.points_threshold)
    set_by_council: dict[str, dict[int, int]] = {}
    for row in rows:
        set_by_council.setdefault(row.scenario, {})[row.month] = row.points
    for key, months in set_by_council.items():
        if len(months) == MONTHS:
            points[key] = [months[m] for m in range(1, MONTHS + 1)]
    return points


@dataclass(frozen=True)
class ScenarioResult:
    key: str
    label: str
    points: tuple[int, ...]
    edited: bool
    rule: str
    charge_gbp: Decimal
    deductions_gbp: Decimal
    payable_gbp: Decimal
    capped_months: int
    deducting_months: int
    monthly_deductions_gbp: tuple[Decimal, ...]
    meaning: str

    @property
    def deducted_share(self) -> Decimal:
        """The year's deductions as a share of the year's charge."""
        return self.deductions_gbp / self.charge_gbp if self.charge_gbp else Decimal(0)


@dataclass(frozen=True)
class MechanismSimulation:
    mechanism: BidderMechanism
    scenarios: tuple[ScenarioResult, ...]
    problem: str = ""


def _meaning(name: str, result: ScenarioResult, mechanism: BidderMechanism) -> str:
    monthly = format_money(mechanism.monthly_charge_gbp)
    if result.deductions_gbp == 0:
        return (
            f"{name} is paid its full charge of {monthly} every month: at this performance it loses nothing, "
            "as no month goes beyond the points the mechanism lets through free."
        )
    share = f"{result.deducted_share * 100:.1f}%"
    sentence = (
        f"{name} loses {format_money(result.deductions_gbp)} over the year, {share} of its charge, in "
        f"{result.deducting_months} month{'s' if result.deducting_months != 1 else ''}."
    )
    if result.capped_months:
        sentence += (
            f" The cap stops the deduction in {result.capped_months} of them: beyond the cap, worse "
            "performance costs it nothing more, so the incentive ends there."
        )
    elif result.deducted_share < Decimal("0.01"):
        sentence += " That is under 1% of the charge: a weak incentive to put the failures right."
    else:
        sentence += " Each further failure costs it more, so it has a reason to put things right."
    return sentence


def simulate(
    mechanism: BidderMechanism,
    bands: Sequence[BidderMechanismBand],
    rows: Sequence[ScenarioMonth] = (),
) -> MechanismSimulation:
    """Each scenario's year of statements for the bidder's mechanism, from the contract payment engine."""
    try:
        terms = engine_mechanism(mechanism, bands)
    except InputError as error:  # a mechanism saved through the service always passes; kept for safety
        return MechanismSimulation(mechanism, (), problem=str(error))
    points = scenario_points(mechanism, rows)
    edited = {row.scenario for row in rows}
    rules = default_rule(mechanism.points_threshold)
    results = []
    for key, label in ScenarioKind.choices:
        months = [
            engine.PeriodInput(f"{SIMULATED_YEAR:04d}-{m:02d}", points=float(p))
            for m, p in enumerate(points[key], 1)
        ]
        statement = engine.rounded_statement(engine.payment_statement(terms, months))
        result = ScenarioResult(
            key=key,
            label=str(label),
            points=tuple(points[key]),
            edited=key in edited,
            rule=rules[key],
            charge_gbp=sum((p.charge_gbp for p in statement.periods), Decimal(0)),
            deductions_gbp=statement.total_deduction_gbp,
            payable_gbp=statement.total_payable_gbp,
            capped_months=sum(1 for p in statement.periods if p.capped),
            deducting_months=sum(1 for p in statement.periods if p.deduction_gbp > 0),
            monthly_deductions_gbp=tuple(p.deduction_gbp for p in statement.periods),
            meaning="",
        )
        results.append(
            ScenarioResult(
                **{**result.__dict__, "meaning": _meaning(mechanism.bidder.name, result, mechanism)}
            )
        )
    return MechanismSimulation(mechanism, tuple(results))
