"""The residents: population, frailty, mortality, emergency admissions, requests for care from
home, care needs and unpaid carers (``[population]``, ``[frailty]``, ``[mortality]``,
``[admissions]``, ``[community]``, ``[need]``)."""

from __future__ import annotations

import dataclasses

from abm.params import param

FRAILTY_LEVELS = ("fit", "mild", "moderate", "severe")
AGE_BANDS = ("65-74", "75-84", "85+")


@dataclasses.dataclass(frozen=True)
class PopulationConfig:
    """The residents aged 65 and over of one local authority."""

    residents_65plus: int = param(
        68000,
        unit="people",
        description="Residents aged 65+ at the start",
        source="Mean English local authority: 10.4m aged 65+ / 152 areas (DEM-12)",
        evidence="DEM-12",
        minimum=10,
        kind="count",
    )
    age_band_shares: tuple[float, ...] = param(
        (0.535, 0.33, 0.135),
        unit="share of residents 65+",
        description="Share of residents aged 65-74, 75-84 and 85+ at the start",
        source="ONS Census 2021, England (POP-01, POP-02, POP-03)",
        evidence="POP-01, POP-02, POP-03",
        kind="distribution",
        length=3,
    )
    female_share: float = param(
        0.55,
        unit="share",
        description="Share of residents 65+ who are women",
        source="ONS Census 2021, England (POP-04)",
        evidence="POP-04",
        kind="share",
    )
    arrivals_65_per_1000: float = param(
        60.0,
        unit="per 1,000 residents 65+ a year",
        description="People turning 65 each year, per 1,000 residents 65+ at the start",
        source="ONS mid-year estimates: about 620,000 aged 64 in England / 10.4m (POP-05)",
        evidence="POP-05",
        minimum=0,
    )
    stationary: bool = param(
        False,
        unit="yes/no",
        description="A population with no demographic growth: the number in each age band "
        "stays as at the start while residents still move up through the bands; each month "
        "the deaths in an older band are made up by the oldest of the band below moving up, "
        "and the youngest band's by newcomers at 65 with its starting frailty mix "
        "(arrivals_65_per_1000 and growth_85plus are then not used). For steady-state checks "
        "and experiments that should carry no demographic trend",
        source="lever",
    )
    demography: str = param(
        "growth",
        unit="policy",
        description="How residents arrive from the start date (through the warm-up each age "
        "band is held at its first-day count): growth (newcomers at 65 at "
        "arrivals_65_per_1000, the 85+ count on a path to growth_85plus over the reported "
        "years) or projection (the 65+, 85+ and 90+ counts kept at least at their start-date "
        "counts times the growth of england_65plus, england_85plus and england_90plus since "
        "the start date, which [series] give by date); deaths follow the hazards either way "
        "(docs/model.md, Demography)",
        source="lever",
        choices=("growth", "projection"),
    )
    england_65plus: float = param(
        10_400_000.0,
        unit="people (England)",
        description="Under demography = projection: England's residents aged 65+ (a series of "
        "estimates or a projection; only its growth since the first day is used)",
        source="Census 2021, England: 10.4 million (DEM-01 note)",
        minimum=1.0,
    )
    england_85plus: float = param(
        1_300_000.0,
        unit="people (England)",
        description="Under demography = projection: England's residents aged 85+ (only its "
        "growth since the first day is used)",
        source="about 1.3 million c.2022 (Health Foundation, history inputs population_85plus)",
        minimum=1.0,
    )
    england_90plus: float = param(
        500_000.0,
        unit="people (England)",
        description="Under demography = projection: England's residents aged 90+ (only its "
        "growth since the first day is used)",
        source="almost half a million, Census 2021 (history inputs population_90plus)",
        minimum=1.0,
    )
    growth_85plus: float = param(
        0.0,
        unit="share (total over the reported years)",
        description="Growth of the 85+ population over the reported years: above zero, the 85+ "
        "count is kept at least on a path rising from its start-date count to (1 + growth) "
        "times it by the last day (0.9 = PAC's +90%); at zero, it is what ageing and deaths "
        "make it",
        source="Lever; PAC projection of +90% (DEM-09) is the ageing experiment",
        minimum=-0.5,
        maximum=5.0,
    )


@dataclasses.dataclass(frozen=True)
class FrailtyConfig:
    """Frailty by the electronic Frailty Index categories fit / mild / moderate / severe."""

    initial_shares: tuple[float, ...] = param(
        (0.563, 0.30, 0.105, 0.032),
        unit="share of residents 65+",
        description="Share fit, mild, moderate, severe at the start (43.7% any frailty)",
        source="FRL-01 for the frail total; split across categories is an assumption",
        kind="distribution",
        length=4,
    )
    initial_age_shift: tuple[float, ...] = param(
        (0.0, 0.245, 0.60),
        unit="frailty score (standard deviations of the draw within a band)",
        description="How much frailer each age band (65-74, 75-84, 85+) starts: residents are "
        "ranked by a score, a standard normal draw plus their band's shift, and the frailty "
        "categories handed out down the ranking in the shares frailty.initial_shares, so a "
        "larger shift puts more of the frailty in that band",
        source="assumption, set so that each band's starting mix is the model's own steady "
        "state under population.stationary (scripts/balance_frailty.py; docs/model.md, "
        "Frailty in balance)",
        minimum=-5.0,
        maximum=5.0,
        length=3,
    )
    onset_per_1000py: tuple[float, ...] = param(
        (130.0, 214.0, 380.0),
        unit="per 1,000 person-years",
        description="Transition fit to mild frailty, by age band 65-74, 75-84, 85+",
        source="Walsh et al. 2023 (FRL-02, FRL-03, FRL-04)",
        evidence="FRL-02, FRL-03, FRL-04",
        minimum=0,
        length=3,
    )
    progression_per_1000py: tuple[float, ...] = param(
        (150.0, 78.0),
        unit="per 1,000 person-years",
        description="Transitions mild to moderate and moderate to severe at 75-84; at 65-74 and "
        "85+ in proportion to the onset rates (frailty rises faster with age; unscaled if the "
        "onset rate at 75-84 is 0)",
        source="element [0] an assumption of the order of the onset rate at 75-84; element [1] "
        "an assumption set with frailty.recovery_per_1000py so that the starting mix is a "
        "steady state (scripts/balance_frailty.py; docs/model.md, Frailty in balance)",
        minimum=0,
        length=2,
    )
    recovery_per_1000py: tuple[float, ...] = param(
        (275.0, 268.0, 60.0),
        unit="per 1,000 person-years",
        description="Transitions to a less frail category at home: mild to fit, moderate to "
        "mild, severe to moderate",
        source="assumption: severe to moderate held at 60; the others set so that the starting "
        "mix (frailty.initial_shares, FRL-01) is the calibrated baseline's own steady state "
        "with no demographic growth (population.stationary), found by fixed-point iteration "
        "(scripts/balance_frailty.py; docs/model.md, Frailty in balance); eFI categories move "
        "both ways in primary-care records",
        minimum=0,
        length=3,
    )
    deconditioning_per_delayed_day: float = param(
        0.008,
        unit="probability a delayed day",
        description="Chance that one more day in hospital after being medically fit moves the "
        "patient up one frailty category",
        source="assumption (deconditioning literature gives no per-day figure)",
        kind="share",
    )


@dataclasses.dataclass(frozen=True)
class MortalityConfig:
    """Death hazards outside hospital."""

    fit_per_1000py: tuple[float, ...] = param(
        (4.0, 12.0, 48.0),
        unit="per 1,000 person-years",
        description="Death rate of fit women by age band 65-74, 75-84, 85+",
        source="assumption, set so that the population death rate matches ONS life tables "
        "(about 40 per 1,000 aged 65+)",
        minimum=0,
        length=3,
    )
    frailty_hazard_ratio: tuple[float, ...] = param(
        (1.92, 3.10, 4.52),
        unit="ratio to fit",
        description="Mortality hazard ratio for mild, moderate, severe frailty",
        source="Clegg et al. 2016 eFI 1-year mortality (notes to FRL-05..07)",
        minimum=0,
        length=3,
    )
    male_hazard_ratio: float = param(
        1.35,
        unit="ratio to women",
        description="Mortality hazard ratio for men",
        source="assumption (ONS life tables give 1.3-1.5 at 65-85)",
        minimum=0,
    )
    care_home_need_excess_per_1000py: float = param(
        350.0,
        unit="per 1,000 person-years",
        description="Deaths added to the hazard of a resident whose dependency calls for a "
        "care home (placed in one, or asked or assessed for a place), wherever they are: "
        "care-home residents' dependency goes beyond the frailty index's top category "
        "(age-matched care-home residents die 2 to 9 times as often as people at home, "
        "Espuny Pujol et al. 2021), and someone who finds no place is no less dependent",
        source="calibrated (care-abm calibrate) to CH-LOS1, the mean stay of 801 days in a "
        "care home; the default gives it with the other defaults (the old assumption, a "
        "ratio of 1.3 in a care home only, gave stays of about nine years)",
        minimum=0,
    )


@dataclasses.dataclass(frozen=True)
class AdmissionsConfig:
    """Emergency admission hazards of residents."""

    fit_per_1000py: tuple[float, ...] = param(
        (95.0, 155.0, 230.0),
        unit="per 1,000 person-years",
        description="Emergency admission hazard of fit residents by age band 65-74, 75-84, 85+",
        source="calibrated (care-abm calibrate) to ADM-01 (a validation target, not an input)",
        minimum=0,
        length=3,
    )
    frailty_hazard_ratio: tuple[float, ...] = param(
        (1.93, 3.04, 4.73),
        unit="ratio to fit",
        description="Hospitalisation hazard ratio for mild, moderate, severe frailty",
        source="Clegg et al. 2016 eFI (FRL-05, FRL-06, FRL-07)",
        evidence="FRL-05, FRL-06, FRL-07",
        minimum=0,
        length=3,
    )
    care_home_hazard_ratio: float = param(
        0.8,
        unit="ratio",
        description="Admission hazard of care-home residents vs at home",
        source="assumption",
        minimum=0,
    )
    unmet_need_hazard_ratio: float = param(
        1.4,
        unit="ratio",
        description="Admission hazard of a resident at home whose care need nobody meets "
        "(waiting for care or not)",
        source="assumption; the only link through which care at home prevents admissions",
        minimum=0,
    )
    post_discharge_hazard_ratio: float = param(
        5.0,
        unit="ratio",
        description="Admission hazard of a resident recently discharged from hospital (or "
        "intermediate care), relative to the same resident settled at home: unresolved illness, "
        "medicines changes and deconditioning make the weeks after a discharge the riskiest",
        source="calibrated (care-abm calibrate) to READ-01 (a validation target, not an input); "
        "the default is an uncalibrated starting value",
        minimum=1.0,
    )
    post_discharge_mean_days: float = param(
        30.0,
        unit="days",
        description="Mean time a discharged resident stays at the raised hazard (the raised "
        "state ends at random, so the excess risk falls away over the weeks after discharge)",
        source="assumption (readmission risk is concentrated in the first weeks after a discharge)",
        minimum=0.1,
    )
    seasonality: str = param(
        "none",
        unit="policy",
        description="How emergency admissions vary over the year: none (the same every month) "
        "or england (each month's factor from england_monthly_factors multiplies residents' "
        "admission hazards and hospital.background_emergencies_per_day, so winter months "
        "bring more emergencies and the year's total is unchanged; docs/model.md, Winter)",
        source="lever",
        choices=("none", "england"),
    )
    england_monthly_factors: tuple[float, ...] = param(
        (1.004, 1.008, 1.013, 0.982, 1.011, 1.010, 0.991, 0.957, 0.988, 1.004, 1.031, 1.002),
        unit="ratio to the year's mean daily rate",
        description="Under seasonality = england: emergency admissions a day in each month, "
        "January to December, over the mean of a year (divided by their mean over a 365-day "
        "year when used, so a year's expected admissions are unchanged)",
        source="NHS England, Monthly A&E Time Series: total emergency admissions, all ages, "
        "2016-17 to 2018-19 and 2022-23 to 2024-25, each month over a centred 12-month mean "
        "(SEA-01 to SEA-12)",
        evidence=", ".join(f"SEA-{n:02d}" for n in range(1, 13)),
        minimum=0.0,
        maximum=3.0,
        length=12,
    )


@dataclasses.dataclass(frozen=True)
class CommunityConfig:
    """Requests for care from residents living at home."""

    request_per_1000py: tuple[float, ...] = param(
        (0.0, 100.0, 600.0, 900.0),
        unit="per 1,000 person-years",
        description="Requests for support from residents at home whose need is unmet (not "
        "already waiting), by frailty",
        source="calibrated (care-abm calibrate); the default is an uncalibrated starting value",
        minimum=0,
        length=4,
    )
    care_home_request_share: tuple[float, ...] = param(
        (0.0, 0.05, 0.3, 0.9),
        unit="share of requests",
        description="Share of requests that are for a care-home place, by frailty",
        source="assumption",
        kind="share",
        length=4,
    )
    stop_waiting_per_1000py: float = param(
        700.0,
        unit="per 1,000 person-years",
        description="Residents waiting at home for care who stop waiting (family, friends or "
        "privately arranged care take over, or they go without)",
        source="calibrated (care-abm calibrate); the default is an uncalibrated starting value "
        "(ADASS waiting-list surveys report people leaving lists before assessment)",
        minimum=0,
    )


@dataclasses.dataclass(frozen=True)
class NeedConfig:
    """Care needs of residents living at home, and the unpaid carers who meet some of them."""

    hours_by_frailty: tuple[float, ...] = param(
        (0.0, 3.0, 10.0, 21.0),
        unit="hours a week",
        description="Personal care a resident needs, by frailty (fit, mild, moderate, severe)",
        source="assumption; HC-07 gives 12.4 hours a week per home-care household",
        minimum=0,
        length=4,
    )
    carer_probability: float = param(
        0.45,
        unit="probability",
        description="Chance that a resident has an unpaid carer (spouse, family, friend)",
        source="assumption (CAR-01..03 count carers, not the share of older people with one)",
        kind="share",
    )
    carer_intensity_shares: tuple[float, ...] = param(
        (0.49, 0.21, 0.30),
        unit="share of carers",
        description="Carers giving 19 hours a week or less, 20-49 hours, 50 hours or more",
        source="Census 2021 TS039, England (CAR-02 and its note): 2.30m, 0.97m, 1.40m carers",
        kind="distribution",
        length=3,
    )
    carer_hours: tuple[float, ...] = param(
        (10.0, 35.0, 60.0),
        unit="hours a week",
        description="Care given by a carer in each of the three intensity bands",
        source="assumption (mid-points of the Census bands; 60 for 50+)",
        minimum=0,
        length=3,
    )
    carer_breakdown_per_1000py: tuple[float, ...] = param(
        (30.0, 60.0, 110.0),
        unit="per 1,000 carer-years",
        description="Carers who stop caring (illness, exhaustion, death), by intensity band",
        source="assumption",
        minimum=0,
        length=3,
    )
    carer_gain_per_1000py: float = param(
        40.2,
        unit="per 1,000 person-years",
        description="Residents at home without a carer who gain one (family or a friend steps in)",
        source="assumption, set so that the share of residents at home with a carer stays at "
        "its first-day share in the calibrated baseline with no demographic growth, found by "
        "fixed-point iteration (scripts/balance_first_day.py; docs/model.md, The first day)",
        minimum=0,
    )
    carer_strain_hazard_ratio: float = param(
        2.0,
        unit="ratio",
        description="Breakdown hazard of a carer whose cared-for person has unmet need on top of "
        "what the carer gives",
        source="assumption",
        minimum=0,
    )
    owner_share: float = param(
        0.74,
        unit="share",
        description="Residents who own their home (counted in the care-home means test)",
        source="assumption (English Housing Survey: about three in four households aged 65+)",
        kind="share",
    )
    house_value_median_gbp: float = param(
        260000.0,
        unit="GBP",
        description="Median value of an owned home",
        source="assumption (ONS house price statistics, England, rounded)",
        kind="money",
    )
    wealth_frailty_gradient: float = param(
        0.6,
        unit="share",
        description="How much less likely the severely frail are to own a home, and how much "
        "less they have saved, than the fit (scaled linearly across frailty categories)",
        source="calibrated (care-abm calibrate) to CH-06 (the health-wealth gradient)",
        kind="share",
    )
    savings_median_gbp: float = param(
        12000.0,
        unit="GBP",
        description="Median savings and other capital (lognormal)",
        source="assumption",
        kind="money",
    )
    savings_spread: float = param(
        1.6,
        unit="lognormal sigma",
        description="Spread of savings (sigma of the log)",
        source="assumption",
        minimum=0,
    )
    income_gbp_per_week: float = param(
        221.20,
        unit="GBP a week",
        description="Income (pensions) a resident pays care charges from before spending their "
        "capital: a self-funder's capital falls by what they pay beyond it",
        source="assumption (the full new State Pension, 2024-25)",
        kind="money",
    )
