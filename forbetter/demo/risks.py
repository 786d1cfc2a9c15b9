"""Demo risk records: a 40-risk register for the highways and property partnership (with reviews, an
ownership plan, a finished Monte Carlo run and an exit analysis) and a 15-risk register for the
shared-services partnership in procurement. Everything is fictional, written through the services, fixed
(no randomness beyond the simulation's fixed seed) and created only when missing, so seeding twice changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.demo.partnerships import CONTRACT_MANAGEMENT, INITIATION, PROCUREMENT
from forbetter.partnerships.models import Partnership
from forbetter.risks import services
from forbetter.risks.models import (
    ExitAnalysis,
    ExitRoute,
    OwnershipPlan,
    Risk,
    RiskAction,
    RiskCategory,
    RiskReview,
    RunStatus,
    SimulationRun,
)
from forbetter.risks.reference import load_risk_categories
from forbetter.risks.services import ReviewEntry

SIMULATION_SEED = 20_260_401
SIMULATION_ITERATIONS = 20_000
SIMULATION_CORRELATION = Decimal("0.3")
FREQUENCY_BY_LETTER = {"m": "monthly", "q": "quarterly", "s": "six_monthly", "a": "annual"}


@dataclass(frozen=True)
class DemoRisk:
    """One demo risk. ``scores`` is (inherent likelihood, impact, residual likelihood, impact);
    ``allocation`` is council, partner or 'shared:0.5'; ``cost`` is (probability, shape, min, mode, max)."""

    title: str
    category: str
    description: str
    cause: str
    effect: str
    allocation: str
    transferability: str
    scores: tuple[int, int, int, int]
    controls: str
    frequency: str
    review_in_days: int
    cost: tuple[str, str, int, int, int] | None = None
    status: str = "open"
    actual_cost: int | None = None


def _r(
    title: str,
    category: str,
    allocation: str,
    transferability: str,
    scores: tuple[int, int, int, int],
    frequency: str,
    review_in_days: int,
    cost: tuple[str, str, int, int, int] | None,
    *,
    description: str,
    cause: str = "",
    effect: str = "",
    controls: str = "",
    status: str = "open",
    actual_cost: int | None = None,
) -> DemoRisk:
    return DemoRisk(
        title=title,
        category=category,
        description=description,
        cause=cause,
        effect=effect,
        allocation=allocation,
        transferability=transferability,
        scores=scores,
        controls=controls,
        frequency=FREQUENCY_BY_LETTER[frequency],
        review_in_days=review_in_days,
        cost=cost,
        status=status,
        actual_cost=actual_cost,
    )


# fmt: off
HIGHWAYS_RISKS: list[DemoRisk] = [
    _r("Winter service fails in severe weather", "servicePerformance", "partner", "transferable",
       (3, 4, 2, 3), "q", 40, ("0.25", "pert", 80_000, 200_000, 600_000),
       description="Gritting routes are not treated on time during prolonged snow and ice.",
       cause="Salt stocks or drivers run short over a long cold spell.",
       effect="Road closures, accidents and claims; reputational damage to the council.",
       controls="Salt stock of 6,000 tonnes held from October; mutual-aid agreement with neighbouring "
                "counties."),
    _r("Pothole repair backlog after a wet winter", "servicePerformance", "partner", "transferable",
       (4, 3, 3, 3), "q", -20, ("0.4", "triangular", 100_000, 250_000, 700_000),
       description="Category 2 defects are not repaired within the 28-day target.",
       cause="Freeze-thaw damage after wet winters outstrips gang capacity.",
       effect="Performance deductions, claims and complaints.",
       controls="Surge gangs on call-off; monthly defect review with the partner."),
    _r("Highway defect claims from the public", "compliance", "shared:0.5", "negotiable",
       (3, 3, 3, 2), "s", 75, ("0.6", "pert", 50_000, 120_000, 350_000),
       description="Third-party claims for vehicle damage and trips exceed the insured excess.",
       cause="Gaps in inspection records weaken the statutory defence.",
       effect="Settlements and legal costs shared under the claims protocol.",
       controls="Inspection app with photo evidence; joint claims panel."),
    _r("Capital schemes overrun their budgets", "construction", "shared:0.5", "negotiable",
       (4, 4, 3, 3), "m", -9, ("0.5", "pert", 200_000, 600_000, 2_000_000),
       description="Schemes in the highways capital programme cost more than their approved budgets.",
       cause="Scope growth, ground conditions and utility diversions.",
       effect="Other schemes deferred or extra borrowing needed.",
       controls="Target-cost contracts with 50:50 pain/gain; gateway reviews at design freeze."),
    _r("Bridge strengthening programme slips", "construction", "partner", "transferable",
       (3, 4, 2, 4), "q", 20, ("0.3", "pert", 150_000, 400_000, 1_200_000),
       description="The programme to strengthen twelve sub-standard bridges misses its milestones.",
       cause="Network Rail possessions and environmental consents.",
       effect="Weight restrictions stay in place longer; diversion costs.",
       controls="Possessions booked two years ahead; consents tracker."),
    _r("Asbestos found during school refurbishments", "environmental", "council", "retained",
       (3, 4, 3, 3), "q", 55, ("0.35", "pert", 60_000, 150_000, 500_000),
       description="Asbestos not shown in the surveys is found during works.",
       cause="Incomplete refurbishment and demolition surveys on older buildings.",
       effect="Works stop, removal costs and programme delay.",
       controls="Intrusive surveys before every scheme; asbestos register in the asset system."),
    _r("Flooding damages highway drainage", "forceMajeure", "council", "retained",
       (3, 4, 3, 4), "s", 110, ("0.3", "triangular", 200_000, 500_000, 2_000_000),
       description="Extreme rainfall damages culverts, gullies and carriageways.",
       cause="More frequent intense storms.",
       effect="Emergency repairs beyond the partner's priced response.",
       controls="Drainage asset survey; Bellwin scheme claim procedure."),
    _r("Construction costs rise faster than indexation", "inflationAndFx", "shared:0.6", "negotiable",
       (4, 4, 4, 3), "q", 30, ("0.6", "pert", 300_000, 800_000, 2_500_000),
       description="Material and labour costs rise faster than the contract's price index.",
       cause="Bitumen, steel and labour shortages.",
       effect="The partner seeks relief or quality falls; the council's budget is squeezed.",
       controls="Index basket reviewed annually; early purchasing of bitumen."),
    _r("Street-lighting energy prices rise", "financial", "council", "retained",
       (4, 3, 3, 3), "q", 65, ("0.5", "pert", 100_000, 300_000, 900_000),
       description="Electricity for street lighting costs more than budgeted.",
       cause="Wholesale price volatility.",
       effect="Budget pressure on the highways revenue account.",
       controls="Energy bought through the county's framework; LED conversion."),
    _r("Reactive repairs exceed the priced volumes", "demandVolume", "shared:0.5", "negotiable",
       (3, 3, 3, 2), "s", 90, ("0.4", "pert", 100_000, 250_000, 600_000),
       description="Demand for reactive repairs runs above the volumes in the price.",
       cause="Ageing network and reduced planned maintenance.",
       effect="Additional payments under the volume band mechanism.",
       controls="Volume bands with shared pricing; quarterly demand forecast."),
    _r("Property disposals raise less than budgeted", "revenue", "council", "retained",
       (3, 4, 3, 3), "q", 45, ("0.4", "pert", 250_000, 700_000, 2_000_000),
       description="Surplus property sells for less, or later, than the capital receipts budget assumes.",
       cause="Weak local market and planning constraints.",
       effect="Capital programme funding gap.",
       controls="Disposal programme with independent valuations; planning pre-application advice."),
    _r("Helpdesk system does not link to the asset database", "technology", "partner", "transferable",
       (3, 3, 2, 3), "s", 120, ("0.3", "triangular", 40_000, 90_000, 250_000),
       description="The facilities helpdesk cannot exchange data with the council's asset database.",
       cause="Different data standards in the two systems.",
       effect="Manual rekeying, errors in compliance records.",
       controls="Interface specification agreed; user acceptance testing before go-live."),
    _r("Cyber attack on the asset management system", "technology", "shared:0.3", "negotiable",
       (3, 5, 2, 4), "q", 10, ("0.15", "pert", 100_000, 400_000, 1_500_000),
       description="Ransomware locks the joint venture's asset management and works ordering systems.",
       cause="Phishing or an unpatched server.",
       effect="Service disruption, data loss and recovery costs.",
       controls="Cyber Essentials Plus; offline back-ups tested quarterly."),
    _r("Key engineers leave after the transfer", "staffAndTupe", "partner", "transferable",
       (3, 3, 2, 3), "s", 130, ("0.3", "pert", 40_000, 100_000, 300_000),
       description="Experienced bridge and structures engineers leave the joint venture.",
       cause="Competitive market for chartered engineers.",
       effect="Reliance on agency staff and loss of local knowledge.",
       controls="Retention allowances; graduate scheme."),
    _r("Pension deficit on transferred staff", "staffAndTupe", "council", "retained",
       (3, 4, 3, 4), "a", 200, ("0.25", "pert", 200_000, 600_000, 1_800_000),
       description="The admitted-body pension arrangement leaves the council with a deficit.",
       cause="Pooled pension arrangement with the council as guarantor.",
       effect="Cessation payment or higher employer contributions.",
       controls="Triennial valuation reviewed with the fund actuary."),
    _r("Industrial action by transferred staff", "staffAndTupe", "partner", "transferable",
       (2, 3, 2, 2), "a", 240, ("0.1", "triangular", 50_000, 100_000, 300_000),
       description="A pay dispute leads to strike action in the highways workforce.",
       cause="Pay harmonisation with the partner's national terms.",
       effect="Reduced service during the dispute.",
       controls="Joint consultative committee; business continuity plans."),
    _r("National road funding formula changes", "legislativeAndPolicy", "council", "retained",
       (3, 4, 3, 4), "a", -35, ("0.3", "pert", 200_000, 800_000, 2_000_000),
       description="A change in the national formula reduces the council's highways capital grant.",
       cause="Department for Transport funding review.",
       effect="Smaller capital programme than the partnership was sized for.",
       controls="Contract allows the programme to flex by 20% without compensation."),
    _r("New building safety rules need remedial works", "changeInLaw", "shared:0.5", "negotiable",
       (3, 3, 3, 3), "s", 150, ("0.3", "pert", 100_000, 300_000, 1_000_000),
       description="New regulations require works to council buildings managed by the partner.",
       cause="Building Safety Act secondary legislation.",
       effect="Unplanned capital works.",
       controls="Change-in-law clause shares qualifying costs."),
    _r("Biodiversity net gain adds to scheme costs", "legislativeAndPolicy", "council", "retained",
       (3, 2, 2, 2), "a", 180, ("0.4", "triangular", 20_000, 60_000, 150_000),
       description="Mandatory biodiversity net gain raises the cost of new highway schemes.",
       cause="Environment Act requirements.",
       effect="Off-site credits or design changes.",
       controls="Habitat bank identified on council land."),
    _r("Meridian's parent is downgraded", "partnerInsolvencyOrOwnership", "council", "retained",
       (2, 5, 2, 4), "m", 12, ("0.1", "pert", 500_000, 1_500_000, 4_000_000),
       description="The partner's parent group's credit rating falls below investment grade.",
       cause="Losses on construction contracts elsewhere in the group.",
       effect="Parent company guarantee weakens; risk of failure.",
       controls="Credit monitoring service; parent company guarantee; step-in rights."),
    _r("Meridian is sold to a new owner", "partnerInsolvencyOrOwnership", "council", "retained",
       (2, 4, 2, 3), "q", -4, ("0.15", "pert", 100_000, 300_000, 900_000),
       description="The partner is bought by a private equity investor.",
       cause="Consolidation in the support services market.",
       effect="Change of priorities, staff and culture; possible cost-cutting.",
       controls="Change-of-control clause; change-of-ownership plan."),
    _r("Surfacing subcontractor becomes insolvent", "servicePerformance", "partner", "transferable",
       (3, 3, 2, 3), "s", 95, ("0.2", "pert", 50_000, 150_000, 500_000),
       description="The main surfacing subcontractor fails mid-season.",
       cause="Thin margins in the surfacing market.",
       effect="Resurfacing programme delayed while a replacement is found.",
       controls="Two approved surfacing suppliers; financial checks at each renewal."),
    _r("Early termination costs more than budgeted", "earlyTermination", "council", "retained",
       (2, 5, 2, 5), "a", 220, ("0.05", "pert", 2_000_000, 4_000_000, 7_000_000),
       description="The council decides to end the partnership early and compensation exceeds the provision.",
       cause="Lost-profit compensation and unamortised investment.",
       effect="A one-off cost of several million pounds.",
       controls="Exit-cost analysis kept up to date; break clause in year 6."),
    _r("Asset data incomplete at handback", "exitAndTransition", "shared:0.5", "negotiable",
       (3, 3, 2, 3), "a", 260, ("0.3", "triangular", 50_000, 150_000, 400_000),
       description="Inventory and condition data are incomplete when the contract ends.",
       cause="Data obligations not monitored during the contract.",
       effect="Re-survey costs and a weaker re-procurement.",
       controls="Annual data audit; handback schedule in the contract."),
    _r("Gainshare disputes", "financial", "shared:0.5", "negotiable",
       (3, 2, 2, 2), "a", 160, None,
       description="The parties disagree on the baseline for shared savings.",
       cause="Baseline defined loosely at contract award.",
       effect="Delayed payments and strained relationships.",
       controls="Open-book protocol; independent adjudicator."),
    _r("Payment mechanism does not reward preventive maintenance", "servicePerformance", "council",
       "retained", (3, 3, 3, 2), "s", 70, None,
       description="Deductions focus on reactive response times, not asset condition.",
       cause="KPIs designed around response times.",
       effect="Network condition declines over the term.",
       controls="Indicator review in year 4; condition KPI proposed."),
    _r("Client-side team understaffed", "servicePerformance", "council", "retained",
       (3, 3, 2, 3), "q", 35, None,
       description="The council's contract management team has vacancies.",
       cause="Recruitment freeze and competition for commercial staff.",
       effect="Weak monitoring of performance and payment.",
       controls="Client team plan approved; interim contract manager."),
    _r("LED conversion saves less than planned", "financial", "shared:0.5", "negotiable",
       (3, 3, 2, 3), "s", 140, ("0.35", "pert", 80_000, 200_000, 500_000),
       description="Energy savings from converting street lights to LED fall short of the business case.",
       cause="Slower roll-out and higher dimming exceptions.",
       effect="Gainshare lower than expected.",
       controls="Quarterly savings reconciliation."),
    _r("Contaminated land at the depot site", "environmental", "council", "retained",
       (2, 4, 2, 3), "a", 300, ("0.2", "pert", 100_000, 350_000, 1_200_000),
       description="Contamination is found when the old depot is redeveloped.",
       cause="Historic fuel storage on site.",
       effect="Remediation costs before sale.",
       controls="Phase 2 site investigation commissioned."),
    _r("Design errors in the school extension", "design", "partner", "transferable",
       (3, 3, 2, 3), "s", 85, ("0.2", "triangular", 50_000, 120_000, 400_000),
       description="Design errors found on site in the new primary school extension.",
       cause="Compressed design programme.",
       effect="Rework and delay.",
       controls="Independent design check; professional indemnity insurance."),
    _r("New highways depot completes late", "completion", "partner", "transferable",
       (3, 3, 2, 3), "q", -60, ("0.3", "pert", 50_000, 150_000, 450_000),
       description="The new depot is not ready when the old lease ends.",
       cause="Planning conditions and contractor capacity.",
       effect="Temporary depot costs.",
       controls="Lease extension option negotiated."),
    _r("Cleaning standards fall below target", "availabilityAndQuality", "partner", "transferable",
       (3, 2, 2, 2), "a", 190, None,
       description="Cleaning in council offices falls below the agreed standard.",
       cause="Staff turnover in the cleaning workforce.",
       effect="Deductions and complaints from building users.",
       controls="Monthly audits; deductions under the payment mechanism."),
    _r("Borrowing costs rise for council-funded schemes", "financeAvailability", "council", "retained",
       (3, 3, 3, 3), "s", 100, ("0.4", "pert", 100_000, 250_000, 700_000),
       description="Interest rates on new borrowing for the capital programme rise.",
       cause="Higher public works loan rates.",
       effect="Revenue cost of the capital programme rises.",
       controls="Treasury strategy; borrowing timed with the programme."),
    _r("Storm damage to council buildings", "forceMajeure", "council", "retained",
       (2, 4, 2, 4), "a", 210, ("0.15", "triangular", 100_000, 300_000, 1_500_000),
       description="Severe storms damage roofs and glazing across the estate.",
       cause="Extreme weather.",
       effect="Emergency repairs beyond the insurance excess.",
       controls="Buildings insurance; planned roof replacements."),
    _r("Demand for school places drives unplanned works", "demandVolume", "council", "retained",
       (3, 3, 3, 3), "q", 25, ("0.3", "pert", 100_000, 250_000, 800_000),
       description="Rising pupil numbers need temporary classrooms at short notice.",
       cause="New housing developments.",
       effect="Unbudgeted property works.",
       controls="School place planning shared with the partner each term."),
    _r("Joint-venture board decisions delayed", "servicePerformance", "shared:0.5", "negotiable",
       (3, 2, 2, 2), "s", 115, None,
       description="The joint venture's board meets too rarely to decide on time.",
       cause="Board membership changes on both sides.",
       effect="Slow approval of schemes and changes.",
       controls="Board calendar fixed a year ahead; delegated authority for schemes under £250,000."),
    _r("Gritting shortfall in the January cold snap", "servicePerformance", "partner", "transferable",
       (3, 3, 3, 3), "q", 0, None,
       description="Secondary routes were not gritted for two days in January.",
       cause="Driver sickness during the cold snap.",
       effect="Deductions applied; claims handled by the partner.",
       controls="Reserve driver rota agreed.",
       status="materialised",
       actual_cost=85_000),
    _r("Fire at the salt barn", "forceMajeure", "shared:0.5", "negotiable",
       (2, 4, 2, 4), "a", 0, None,
       description="An electrical fire damaged the salt barn at the northern depot.",
       cause="Faulty lighting circuit.",
       effect="Salt relocated; barn rebuilt.",
       controls="Electrical testing programme across all depots.",
       status="materialised",
       actual_cost=240_000),
    _r("Data migration at service start", "technology", "partner", "transferable",
       (4, 3, 1, 3), "a", 0, None,
       description="Asset records had to move from the council's systems on day one.",
       cause="Legacy systems.",
       effect="Risk passed: migration completed on time.",
       status="closed"),
    _r("TUPE transfer on the service start date", "staffAndTupe", "shared:0.5", "negotiable",
       (4, 3, 1, 2), "a", 0, None,
       description="412 staff transferred to the joint venture on the start date.",
       cause="Service transfer.",
       effect="Transfer completed without tribunal claims.",
       status="closed"),
]

# The corporate-services partnership at initiation: the quantified risks its business case carries, each
# option keeping the expected value of the risks it would bear (decision record 0010).
INITIATION_RISKS: list[DemoRisk] = [
    _r("New ERP and CRM systems overrun", "technology", "partner", "transferable",
       (4, 4, 3, 4), "q", 40, ("0.35", "pert", 800_000, 2_000_000, 5_500_000),
       description="Replacing the finance, HR and customer systems takes longer and costs more than planned.",
       cause="Legacy data of poor quality; many local customisations.",
       effect="Double running of old and new systems; savings start later.",
       controls="Fixed-price implementation in the partnership option; data cleansing before transfer."),
    _r("Staff transfer and pension costs higher than estimated", "staffAndTupe", "shared:0.6", "negotiable",
       (3, 4, 3, 3), "q", 50, ("0.4", "pert", 400_000, 1_000_000, 2_800_000),
       description="TUPE transfer and pension deficit contributions cost more than the estimate.",
       cause="Actuarial valuation due during procurement.",
       effect="Higher transition costs for the council.",
       controls="Early actuarial advice; pension risk-sharing clause in the draft contract."),
    _r("Demand for services rises faster than planned", "demandVolume", "shared:0.5", "negotiable",
       (3, 3, 3, 3), "s", 80, ("0.5", "triangular", 300_000, 800_000, 2_000_000),
       description="Contact volumes and transactions grow faster than the specification assumes.",
       cause="Population growth and new statutory duties.",
       effect="Higher running costs or lower service levels.",
       controls="Volume bands in the payment mechanism."),
    _r("Transformation savings not delivered", "financial", "partner", "transferable",
       (4, 4, 3, 3), "q", 45, ("0.3", "pert", 1_000_000, 2_500_000, 6_000_000),
       description="The redesigned services do not achieve the planned running-cost reductions.",
       cause="Optimistic process redesign; slow take-up of digital channels.",
       effect="Running costs stay near today's level.",
       controls="Guaranteed savings in the partner's price; gainshare only above the guarantee."),
    _r("Procurement takes longer than planned", "legislativeAndPolicy", "council", "retained",
       (3, 3, 2, 3), "m", 25, ("0.25", "pert", 150_000, 400_000, 1_200_000),
       description="Competitive dialogue runs over its timetable.",
       cause="Few bidders; complex bundle.",
       effect="Extra adviser fees and a later start.",
       controls="Market engagement before launch; fixed dialogue timetable."),
]
PROCUREMENT_RISKS: list[DemoRisk] = [
    _r("Too few bidders stay in dialogue", "financial", "council", "retained",
       (3, 4, 2, 4), "m", 20, ("0.3", "pert", 100_000, 300_000, 900_000),
       description="Fewer than three bidders remain for final tenders.",
       cause="Market appetite for shared back-office contracts is weak.",
       effect="Less competitive pressure on price.",
       controls="Market engagement events; realistic affordability envelope."),
    _r("Procurement challenge from a losing bidder", "compliance", "council", "retained",
       (3, 4, 2, 4), "q", 45, ("0.15", "pert", 150_000, 400_000, 1_200_000),
       description="A bidder challenges the award decision in court.",
       cause="Weak evaluation records.",
       effect="Automatic suspension and delay to the start date.",
       controls="Moderation records; legal review of the evaluation report."),
    _r("Revenues and benefits performance dips at transfer", "servicePerformance", "partner", "transferable",
       (4, 4, 3, 3), "q", 60, ("0.4", "pert", 100_000, 250_000, 800_000),
       description="Benefit processing times rise in the first six months.",
       cause="Staff learning new systems.",
       effect="Hardship for claimants; subsidy losses.",
       controls="Mobilisation plan with performance holiday capped at three months."),
    _r("Housing benefit subsidy losses", "revenue", "shared:0.5", "negotiable",
       (3, 3, 3, 3), "s", 90, ("0.35", "pert", 80_000, 200_000, 600_000),
       description="Errors in benefit processing cause subsidy to be withheld.",
       cause="Local authority error thresholds exceeded.",
       effect="Lost subsidy income.",
       controls="Subsidy loss share in the draft contract."),
    _r("Staff transfer terms disputed", "staffAndTupe", "council", "retained",
       (3, 3, 2, 3), "q", 30, ("0.3", "triangular", 50_000, 150_000, 400_000),
       description="Unions dispute the measures proposed for transferring staff.",
       cause="Two councils' different terms and conditions.",
       effect="Delay and possible claims.",
       controls="Joint consultation forum for both councils."),
    _r("Pension terms deter bidders", "staffAndTupe", "shared:0.5", "negotiable",
       (3, 3, 3, 2), "q", 40, None,
       description="Bidders price in a high risk premium for pension liabilities.",
       cause="Admitted-body status with a guarantee.",
       effect="Higher prices.",
       controls="Pension risk-sharing options in dialogue round 2."),
    _r("Volumes of council tax accounts grow", "demandVolume", "partner", "transferable",
       (3, 2, 3, 2), "s", 120, ("0.5", "pert", 30_000, 80_000, 200_000),
       description="New housing increases council tax accounts above the priced volumes.",
       cause="Local plan housing growth.",
       effect="Volume adjustments to the charge.",
       controls="Volume bands in the payment mechanism."),
    _r("New revenues system delivered late", "technology", "partner", "transferable",
       (3, 4, 2, 3), "q", 75, ("0.35", "pert", 100_000, 300_000, 900_000),
       description="The partner's revenues and benefits system is not ready at service start.",
       cause="Data migration from two councils' systems.",
       effect="Parallel running costs.",
       controls="Go-live criteria; parallel run budget."),
    _r("Affordability gap at final tender", "financial", "council", "retained",
       (3, 4, 3, 3), "m", -10, ("0.3", "pert", 200_000, 500_000, 1_500_000),
       description="Final tender prices exceed the councils' affordability envelope.",
       cause="Inflation since the outline business case.",
       effect="Scope reduction or extra budget.",
       controls="Affordability checkpoints at each dialogue round."),
    _r("Changes to welfare reform timetable", "legislativeAndPolicy", "council", "retained",
       (3, 3, 3, 3), "s", 150, ("0.3", "triangular", 50_000, 150_000, 500_000),
       description="Universal Credit migration changes the housing benefit caseload.",
       cause="National policy changes.",
       effect="Contract volumes and scope need to change.",
       controls="Change mechanism for caseload reduction."),
    _r("Partners disagree on cost sharing", "financial", "shared:0.5", "negotiable",
       (3, 3, 2, 3), "q", 50, None,
       description="The county and the district disagree on how to split costs.",
       cause="Different service volumes.",
       effect="Delay to the inter-authority agreement.",
       controls="Cost-sharing formula agreed by both section 151 officers."),
    _r("Bidder's financial standing weakens", "partnerInsolvencyOrOwnership", "council", "retained",
       (2, 4, 2, 3), "q", 35, ("0.1", "pert", 200_000, 600_000, 2_000_000),
       description="The preferred bidder's finances weaken before contract award.",
       cause="Losses elsewhere in the group.",
       effect="Award delayed or parent guarantee needed.",
       controls="Financial checks at each stage; parent company guarantee required."),
    _r("Property estate data incomplete", "exitAndTransition", "council", "retained",
       (3, 2, 2, 2), "s", 110, ("0.4", "triangular", 20_000, 60_000, 150_000),
       description="Bidders cannot price property services from the data room.",
       cause="Incomplete asset register.",
       effect="Risk premiums in prices.",
       controls="Condition surveys commissioned for the data room."),
    _r("Adviser costs overrun", "financial", "council", "retained",
       (3, 2, 2, 2), "q", 55, ("0.5", "pert", 30_000, 80_000, 200_000),
       description="Legal and financial adviser fees exceed the procurement budget.",
       cause="Extra dialogue rounds.",
       effect="Budget pressure.",
       controls="Fixed-fee adviser call-offs."),
    _r("Cyber security standards not met by bidders", "technology", "shared:0.5", "negotiable",
       (3, 4, 2, 3), "q", 65, ("0.2", "pert", 50_000, 200_000, 700_000),
       description="Bidders' solutions do not meet the councils' security standards.",
       cause="Shared hosting environments.",
       effect="Remediation before go-live.",
       controls="Security requirements in the specification; independent assessment."),
]
# fmt: on


def _allocation(text: str) -> tuple[str, Decimal | None]:
    if text.startswith("shared:"):
        return "shared", Decimal(text.split(":", 1)[1])
    return text, None


def _data(spec: DemoRisk, owner: Any, categories: dict[str, RiskCategory], today: dt.date) -> dict[str, Any]:
    allocation, share = _allocation(spec.allocation)
    inherent_l, inherent_i, residual_l, residual_i = spec.scores
    data: dict[str, Any] = {
        "title": spec.title,
        "category": categories[spec.category],
        "description": spec.description,
        "cause": spec.cause,
        "effect": spec.effect,
        "owner": owner,
        "allocation": allocation,
        "council_share": share,
        "transferability": spec.transferability,
        "inherent_likelihood": inherent_l,
        "inherent_impact": inherent_i,
        "residual_likelihood": residual_l,
        "residual_impact": residual_i,
        "controls": spec.controls,
        "review_frequency": spec.frequency,
        "next_review_on": today + dt.timedelta(days=spec.review_in_days),
        "status": spec.status,
        "actual_cost_gbp": Decimal(spec.actual_cost) if spec.actual_cost is not None else None,
    }
    if spec.cost is not None:
        probability, shape, low, mode, high = spec.cost
        data.update(
            probability=Decimal(probability),
            distribution=shape,
            impact_minimum_gbp=Decimal(low),
            impact_most_likely_gbp=Decimal(mode),
            impact_maximum_gbp=Decimal(high),
        )
    return data


def _seed_register(
    partnership: Partnership, specs: list[DemoRisk], owners: list[Any], editor: Any, today: dt.date
) -> None:
    if Risk.objects.filter(partnership=partnership).exists():
        return
    categories = {category.code: category for category in RiskCategory.objects.all()}
    for index, spec in enumerate(specs):
        services.risk_create(
            user=editor,
            partnership=partnership,
            data=_data(spec, owners[index % len(owners)], categories, today),
            today=today,
        )


# fmt: off
# (risk number, action, owner's email, due in days from today, status)
ACTIONS = [
    (4, "Agree revised target costs for the three largest schemes", "chris.morgan@ashcombe.example", -14,
     "in_progress"),
    (4, "Report capital programme variances to the joint-venture board", "editor@ashcombe.example", 21,
     "not_started"),
    (13, "Commission a penetration test of the asset management system", "fatima.begum@ashcombe.example", 30,
     "not_started"),
    (20, "Review the parent company guarantee with legal services", "editor@ashcombe.example", -5,
     "in_progress"),
    (21, "Brief Cabinet members on the change-of-ownership plan", "editor@ashcombe.example", 45,
     "not_started"),
    (2, "Agree a surge-gang plan for the winter", "partner@meridian.example", -40, "done"),
    (8, "Propose a revised index basket to the board", "chris.morgan@ashcombe.example", 60, "not_started"),
    (17, "Model the capital programme at 80% of current grant", "fatima.begum@ashcombe.example", 14,
     "in_progress"),
]

# (months ago, reviewer's email, notes, [(risk number, likelihood now, impact now, comment)])
REVIEWS = [
    (5, "editor@ashcombe.example",
     "Quarterly risk review at the contract management group. Capital programme and inflation risks "
     "escalated to the joint-venture board.",
     [(1, 2, 3, ""), (4, 4, 3, "Two schemes over budget; escalated."), (8, 4, 4, "Bitumen prices up 18%."),
      (13, 2, 4, ""), (15, 3, 4, ""), (20, 2, 4, "")]),
    (2, "chris.morgan@ashcombe.example", "Review of property and finance risks ahead of the budget round.",
     [(3, 3, 2, ""), (6, 3, 3, ""), (9, 3, 3, "Energy contract fixed to March."), (11, 3, 3, ""),
      (17, 3, 4, ""), (23, 2, 5, "")]),
    (0, "fatima.begum@ashcombe.example", "Monthly check of the risks with the highest scores.",
     [(4, 3, 3, "Target costs agreed for two schemes."), (8, 4, 3, "Index basket under review."),
      (14, 2, 3, ""), (20, 2, 4, "No change in the parent's rating.")]),
]
OVERDUE_AFTER_REVIEWS = (2, 16, 21, 30)

PLAN = {
    "summary": "If Meridian or its parent is sold, restructured or fails, the council will secure continuity "
               "of the highways and property services first, then decide whether to continue with the new "
               "owner, step in, or end the partnership.",
    "contract_provisions": "Change of control needs the council's consent (clause 41). Parent company "
                           "guarantee from Meridian Group plc. Step-in rights for up to 12 months "
                           "(clause 52). Termination for partner default on insolvency, with compensation "
                           "at market value.",
}
PLAN_TRIGGERS = [
    ("Notice of a proposed change of control", "Contract notice to the Director of Place; press monitoring"),
    ("Parent group credit rating falls below BBB-", "Credit monitoring service, alerts to the s151 officer"),
    ("Profit warning or delayed accounts", "Companies House filings and stock exchange announcements"),
    ("Key subcontractors unpaid for more than 60 days", "Supply-chain payment reports to the board"),
]
PLAN_ACTIONS = [
    ("Convene the partnership's gold command group", "Director of Place", "Within 24 hours of a trigger"),
    ("Check the parent company guarantee and performance bond can be called", "Head of Legal Services",
     "Within 48 hours"),
    ("Confirm payroll for transferred staff is funded for the next month", "Section 151 officer",
     "Within 5 working days"),
    ("Prepare step-in arrangements for winter service and emergency repairs", "Highways client manager",
     "Within 10 working days"),
    ("Report options to Cabinet: consent, step in or terminate", "Chief Executive", "Within 6 weeks"),
]
PLAN_CONTACTS = [
    ("Priya Shah", "Ashcombe County Council", "Contract manager; runs the plan", "editor@ashcombe.example",
     "01632 960101"),
    ("Fatima Begum", "Ashcombe County Council", "Finance lead; guarantees and payments",
     "fatima.begum@ashcombe.example", "01632 960102"),
    ("Dan Okafor", "Meridian Public Services Ltd", "Partner's account director", "partner@meridian.example",
     "01632 960201"),
    ("Legal duty solicitor", "Ashcombe County Council", "Contract and insolvency advice", "", "01632 960199"),
]

EXIT_INPUTS = {
    "term_years": 12,
    "annual_charge_gbp": Decimal("24000000"),
    "replacement_annual_cost_gbp": Decimal("24200000"),
    "partner_investment_gbp": Decimal("6000000"),
    "amortisation_years": 8,
    "tupe_costs_gbp": Decimal("900000"),
    "redundancy_costs_gbp": Decimal("600000"),
    "transition_costs_gbp": Decimal("1200000"),
    "reprocurement_costs_gbp": Decimal("800000"),
    "discount_rate": Decimal("0.035"),
    "notes": "Compensation schedules from schedule 17 of the partnership agreement; replacement cost from "
             "the in-house comparator in the outline business case, uprated to today's prices.",
}
EXIT_BREAK_YEARS = [6, 9]
# Lost profit and breakage costs on council voluntary termination, by contract year: they fall over the term.
VOLUNTARY_COMPENSATION = [
    6_750_000, 6_300_000, 5_850_000, 5_400_000, 4_900_000, 4_400_000,
    3_850_000, 3_250_000, 2_600_000, 1_900_000, 1_200_000, 600_000,
]
# fmt: on


def _seed_actions(partnership: Partnership, people: dict[str, Any], today: dt.date) -> None:
    risks = {risk.number: risk for risk in Risk.objects.filter(partnership=partnership)}
    if RiskAction.objects.filter(risk__partnership=partnership).exists():
        return
    for number, description, owner, due_in, status in ACTIONS:
        services.risk_action_save(
            user=people["editor@ashcombe.example"],
            risk=risks[number],
            data={
                "description": description,
                "owner": people[owner],
                "due_on": today + dt.timedelta(days=due_in),
                "status": status,
            },
        )


def _seed_reviews(partnership: Partnership, people: dict[str, Any], today: dt.date) -> None:
    if RiskReview.objects.filter(partnership=partnership).exists():
        return
    editor = people["editor@ashcombe.example"]
    for months_ago, reviewer, notes, items in REVIEWS:
        risks = {risk.number: risk for risk in Risk.objects.filter(partnership=partnership)}
        entries = [
            ReviewEntry(risk=risks[number], likelihood=likelihood, impact=impact, comment=comment)
            for number, likelihood, impact, comment in items
        ]
        services.risk_review_record(
            user=editor,
            partnership=partnership,
            reviewed_on=today - relativedelta(months=months_ago) - dt.timedelta(days=7),
            reviewer=people[reviewer],
            notes=notes,
            entries=entries,
            today=today,
        )
    # Leave some reviews overdue, as in a real register.
    for number in OVERDUE_AFTER_REVIEWS:
        risk = Risk.objects.get(partnership=partnership, number=number)
        if risk.next_review_on >= today:
            services.risk_update(
                user=editor, risk=risk, data={"next_review_on": today - dt.timedelta(days=3 * number)}
            )


def _seed_plan(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if OwnershipPlan.objects.filter(partnership=partnership).exists():
        return
    plan = services.ownership_plan_save(
        user=editor,
        partnership=partnership,
        data={**PLAN, "last_reviewed_on": today - relativedelta(months=4)},
    )
    for description, monitored in PLAN_TRIGGERS:
        services.ownership_item_save(
            user=editor,
            plan=plan,
            kind="triggers",
            data={"description": description, "how_monitored": monitored},
        )
    for description, responsible, timescale in PLAN_ACTIONS:
        services.ownership_item_save(
            user=editor,
            plan=plan,
            kind="actions",
            data={"description": description, "responsible": responsible, "timescale": timescale},
        )
    for name, organisation, role, email, telephone in PLAN_CONTACTS:
        services.ownership_item_save(
            user=editor,
            plan=plan,
            kind="contacts",
            data={
                "name": name,
                "organisation": organisation,
                "role": role,
                "email": email,
                "telephone": telephone,
            },
        )


def _seed_run(partnership: Partnership, editor: Any) -> None:
    if SimulationRun.objects.filter(partnership=partnership, status=RunStatus.FINISHED).exists():
        return
    run = services.simulation_run_create(
        user=editor,
        partnership=partnership,
        iterations=SIMULATION_ITERATIONS,
        seed=SIMULATION_SEED,
        correlation=SIMULATION_CORRELATION,
    )
    services.simulation_run_execute(run_id=run.pk)


def _seed_exit(partnership: Partnership, editor: Any) -> None:
    if ExitAnalysis.objects.filter(partnership=partnership).exists():
        return
    analysis = services.exit_analysis_save(
        user=editor, partnership=partnership, data=EXIT_INPUTS, break_years=EXIT_BREAK_YEARS
    )
    voluntary = {year: Decimal(amount) for year, amount in enumerate(VOLUNTARY_COMPENSATION, start=1)}
    schedules: dict[str, tuple[Decimal, dict[int, Decimal | None]]] = {
        ExitRoute.COUNCIL_VOLUNTARY_TERMINATION: (Decimal(1), dict(voluntary)),
        ExitRoute.COUNCIL_DEFAULT: (
            Decimal(1),
            {year: amount * Decimal("1.1") for year, amount in voluntary.items()},
        ),
        ExitRoute.PARTNER_DEFAULT: (Decimal(0), {year: Decimal(-750_000) for year in voluntary}),
        ExitRoute.FORCE_MAJEURE: (
            Decimal("0.5"),
            {year: amount * Decimal("0.3") for year, amount in voluntary.items()},
        ),
        ExitRoute.BREAK_CLAUSE: (Decimal(1), {6: Decimal(2_500_000), 9: Decimal(1_400_000)}),
        ExitRoute.EXPIRY: (Decimal(0), {12: Decimal(0)}),
    }
    for route, (share, compensation) in schedules.items():
        services.exit_schedule_save(
            user=editor, analysis=analysis, route=route, investment_share=share, compensation=compensation
        )


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed the demo risk records where they are missing."""
    today = today or dt.date.today()
    if not RiskCategory.objects.exists():
        load_risk_categories()
    editor = people["editor@ashcombe.example"]
    ashcombe = [editor, people["chris.morgan@ashcombe.example"], people["fatima.begum@ashcombe.example"]]

    highways = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if highways is not None:
        _seed_register(
            highways, HIGHWAYS_RISKS, [*ashcombe, people["partner@meridian.example"]], editor, today
        )
        _seed_actions(highways, people, today)
        _seed_reviews(highways, people, today)
        _seed_plan(highways, editor, today)
        _seed_run(highways, editor)
        _seed_exit(highways, editor)

    corporate = partnerships_by_name.get(INITIATION)
    if corporate is not None:
        _seed_register(corporate, INITIATION_RISKS, ashcombe, editor, today)

    shared_services = partnerships_by_name.get(PROCUREMENT)
    if shared_services is not None:
        owners = [*ashcombe, people["gareth.hughes@marlcaster.example"]]
        _seed_register(shared_services, PROCUREMENT_RISKS, owners, editor, today)
