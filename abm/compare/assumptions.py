"""The assumptions that drive a comparison's results, in words, with the config's values.

A report must say what its numbers rest on. Some assumptions shape every comparison (how
prevention works, how the council's budget is set, how pay moves staff); others matter only
when a lever they belong to differs between the configs compared. Each is a short text with
``{section.key}`` placeholders filled from the scenario, so the report shows the values that
were actually run. A lever without its own note is still described from its declaration.
"""

from __future__ import annotations

import re
from typing import Any

from abm.config import Scenario, field_of

GENERAL = (
    "Outcomes emerge from the agents' rules: delayed discharges, admissions, unmet need, "
    "vacancies and spending are outputs, never inputs, and no policy effect is typed in. How "
    "large an effect is therefore depends on the rules and parameters below.",
    "Care at home prevents admissions through one link only: a resident at home whose need "
    "nobody meets has an emergency admission hazard {admissions.unmet_need_hazard_ratio} times "
    "that of a resident whose need is met (an assumption; effects on admissions scale with it).",
    "Every wait is a queue for something someone pays for: social workers, brokers and the "
    "funding panel (the council), home-care agencies' care workers (who follow demand, fees and "
    "the labour market), care-home places, intermediate-care beds (the NHS or the pool) and the "
    "hospital's own discharge work. Queues serve hospital discharges and people at home by the "
    "rule {council.referral_priority} (people at home who have waited "
    "{council.community_wait_limit_days} days take turns with hospital discharges under "
    "hospital_first_with_limit).",
    "Budgets are given: the council has £{council.budget_gbp} a year for residents 65+ and the "
    "NHS commissioner £{nhs.budget_gbp}, changed by council.budget_change and "
    "nhs.budget_growth each April. The council's brokers commit money only while its "
    "commitments stay within its budget less reserve, so a short budget shows first as people "
    "waiting for money (hospital patients among them); a policy that costs more is paid from "
    "these budgets unless the experiment adds money. When demand outruns the budget the council "
    "responds by {council.rationing_response}.",
    "Care workers quit with a hazard that rises with the gap between their pay and their best "
    "outside option (sensitivity {workforce.pay_gap_sensitivity}) and with their employer's "
    "vacancies; vacancies and turnover emerge from that, and services can use only the "
    "capacity their staff can deliver.",
    "Beds and service capacities are as configured and grow with the number of residents 65+ "
    "(capacity.grows_with_population = {capacity.grows_with_population}); care homes close "
    "when their reserves run out and open when margins allow; home-care agencies hire for the "
    "work they have and the work waiting while their margins allow, hand back packages they "
    "cannot staff, and close when their reserves run out.",
    "The area is one typical English local authority with {population.residents_65plus} "
    "residents aged 65+: results are for that area, not for England.",
    "Base hazards, pathway shares, request rates and capacities are assumptions chosen to give "
    "plausible levels (see the calibration status below). Differences between configs run with "
    "common random numbers are more robust than levels, but both inherit these assumptions.",
)

LEVERS = {
    "funding.pool": (
        "Funding arrangement {funding.pool}. Government's allocations to the council and the NHS "
        "are the same under every arrangement (the same total money); separate budgets are "
        "spent by each body; pooled puts {funding.pool_nhs_share} of the NHS's and "
        "{funding.pool_council_share} of the council's allocation into a pool ring-fenced for "
        "reablement, whose spare money buys home-care hours for hospital discharges; integrated "
        "gives both allocations to one body that splits them each April by "
        "{funding.allocation}. Money buys discharge home-care hours (which need care workers) "
        "and sets the hospital's block contract; it does not buy care-home places."
    ),
    "funding.allocation": (
        "Allocation rule {funding.allocation}: last_year_shares splits the one budget as it was "
        "spent last year; shortage then moves {funding.shortage_shift} of the gap in the cost of "
        "delayed bed-days (social care's minus the NHS's, at £{nhs.delayed_bed_day_cost_gbp} a "
        "night) toward the costlier shortage each April."
    ),
    "nhs.hospital_payment": (
        "The hospital is paid by {nhs.hospital_payment}: a block contract funds only the share "
        "of beds it covers against last year's costs; activity payment pays "
        "£{nhs.bed_day_cost_gbp} per occupied bed-day and leaves the risk with the commissioner."
    ),
    "council.means_test": (
        "Means test {council.means_test}: care_act charges residents the full cost above "
        "£{council.upper_capital_limit_gbp} of capital; cap stops charges once a resident has "
        "paid £{council.lifetime_cap_gbp}; free_personal_care makes care at home free and leaves "
        "care-home residents paying the accommodation part (all but the "
        "{council.personal_care_share} of the fee that is personal care), means-tested; "
        "universal charges nothing. A resident who would pay the whole cost is a self-funder "
        "who arranges care at once at private rates; fewer "
        "self-funders means more residents in the council's assessment queue and more council "
        "spending in place of residents' own."
    ),
    "council.budget_change": (
        "The council's budget changes by {council.budget_change} a year in real terms each "
        "April after the first reported one (compounded over the later Aprils of the run); "
        "when it heads for an overspend the council responds by {council.rationing_response} "
        "(graded: a hiring freeze as deep as the shortfall and a fortnightly funding panel "
        "while demand outruns the budget; staged: the same freeze whatever the shortfall; "
        "tighten_eligibility raises the threshold an hour a week each month). "
        "Need comes in a few sizes ({need.hours_by_frailty} hours a week by frailty, less what "
        "an unpaid carer gives), so raising the threshold an hour at a time turns people away "
        "only when it crosses one of them."
    ),
    "council.budget_gbp": (
        "The council's budget for residents 65+ is £{council.budget_gbp} in the first financial "
        "year, given rather than derived from what the model spends. Its brokers commit money to "
        "packages and placements only while its commitments (staff, care, reablement) stay "
        "within the budget less {funding.reserve_share} reserve; beyond that people at home wait "
        "for money (hospital discharges are arranged whatever the budget, and their cost "
        "counts against it). Under "
        "pressure it responds by {council.rationing_response} (graded: a hiring freeze on "
        "social workers and brokers as deep as the shortfall, and a funding panel that sits "
        "fortnightly). Spare money "
        "buys a block of home-care hours for hospital discharges."
    ),
    "council.care_home_fee_gbp_per_week": (
        "The council pays residential homes £{council.care_home_fee_gbp_per_week} a week and "
        "nursing homes £{council.nursing_home_fee_gbp_per_week}. Homes set self-funders' fees so "
        "that, with what the council and the NHS pay, they cover their costs plus a margin; a "
        "home whose reserves run out closes. A higher council fee keeps homes open with fewer "
        "self-funders."
    ),
    "council.social_workers": (
        "The council funds {council.social_workers} social worker posts, filled by the labour "
        "market; each social worker in post takes on "
        "{council.assessments_per_social_worker_week} needs assessments a week, in the order of "
        "{council.referral_priority}; self-funders (by the means test) arrange their own care "
        "without waiting."
    ),
    "council.eligibility_threshold": (
        "The council meets need of at least {council.eligibility_threshold} hours a week beyond "
        "what an unpaid carer gives (a stand-in for the Care Act criteria); need below it stays "
        "unmet. Rationing may raise the threshold during the run."
    ),
    "admissions.seasonality": (
        "Seasons of emergency admissions: {admissions.seasonality} (none: the same every month; "
        "england: each month's factor, England's emergency admissions a day in that month over "
        "the year's mean, 0.957 in August to 1.031 in November, multiplies residents' admission "
        "hazards and the under-65 emergencies). The factors average 1 over a year, so they move "
        "admissions within the year and add none. Lengths of stay, beds and staff do not change "
        "with the month."
    ),
    "population.growth_85plus": (
        "The 85+ population is kept on a path rising by {population.growth_85plus} from its "
        "start to the last day: residents aged 85-90 are added when deaths would take the count "
        "below the path. Compressing a long-run projection into the run makes the pressure "
        "arrive faster than it would."
    ),
    "workforce.pay_rule": (
        "Care workers are paid under the {workforce.pay_rule} rule: under market each employer "
        "moves its pay towards the National Living Wage plus {workforce.pay_response_to_vacancies} "
        "of its vacancy rate, within what its fees can pay; living_wage pays at least "
        "£{workforce.real_living_wage_gbp} an hour; nhs_parity pays the NHS healthcare-assistant "
        "scale (band 2, band 3 after a year, top of band 3 after two, with allowances); uplift "
        "pays {workforce.uplift} over market; national_scale puts everyone on the NHS scale. "
        "Higher pay lowers quitting and helps recruitment, and so raises staffed capacity."
    ),
    "workforce.pay_rise_paid_by": (
        "Pay above the market is paid for by {workforce.pay_rise_paid_by}: fees (council and NHS "
        "fees rise by {workforce.labour_cost_share} of the rise in pay and providers pass it to "
        "self-funders) or providers (out of their margins, with losses and exits)."
    ),
}

_PLACEHOLDER = re.compile(r"\{([a-z_0-9]+\.[a-z_0-9]+)\}")


RATIONING = {
    "tighten_eligibility": "tightening eligibility",
    "freeze_fees": "freezing fees",
    "graded": "graded (a hiring freeze as deep as its shortfall, a fortnightly panel)",
    "slow_assessments": "slowing assessments",
    "none": "doing nothing (no rationing)",
}


def show(value: Any) -> str:
    """A config value as text: 0.03, 86,000, true, care_act."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 1000 and value.is_integer() else f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return RATIONING.get(str(value), str(value))


def show_key(key: str, value: Any) -> str:
    """A config value as text, shares as percentages (0.03 of a share is 3%)."""
    unit = field_of(key).metadata["unit"]
    if unit.startswith("share") and isinstance(value, float):
        return f"{100 * value:g}%"
    if unit.startswith("GBP") and isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return show(value)


def fill(template: str, scenario: Scenario) -> str:
    """``template`` with every ``{section.key}`` replaced by the scenario's value."""
    return _PLACEHOLDER.sub(lambda m: show_key(m.group(1), scenario.get(m.group(1))), template)


def describe(key: str) -> str:
    """The declared description and unit of a config key."""
    try:
        meta = field_of(key).metadata
    except (KeyError, ValueError):
        return ""
    return f"{meta['description']} ({meta['unit']})"


def general_assumptions(scenario: Scenario) -> list[str]:
    """The assumptions behind every comparison, with the values of ``scenario``."""
    return [fill(text, scenario) for text in GENERAL]


def lever_assumptions(changed: list[str], scenario: Scenario) -> list[str]:
    """Notes on the levers in ``changed`` (dotted keys), with the values of ``scenario``."""
    return [fill(LEVERS[key], scenario) for key in changed if key in LEVERS]
