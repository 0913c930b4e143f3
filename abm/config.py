"""The scenario: a typed, validated, frozen description of one experiment.

A scenario is read from TOML (data only: nothing in a config is evaluated), may ``extends``
another file, may be overridden by dotted keys (``--set hospital.beds=850``), and may carry a
``[[schedule]]`` of timed lever changes and ``[series]`` of dated values (:mod:`abm.series`).
Every field is declared with its unit, description and source (:func:`abm.params.param`); the
loader checks every key and value against those declarations and stops at the first problem
with one message naming the file and the key.

The sections are frozen dataclasses; a scheduled change produces a new scenario with
:meth:`Scenario.with_changes` rather than mutating the one the model was built from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import tomllib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abm import validation
from abm.grants import GrantsConfig
from abm.limits import ENGLAND_RESIDENTS_65PLUS, folder_name_problem, range_problem
from abm.params import param
from abm.prices import PricesConfig

if TYPE_CHECKING:
    from abm.series import Series

FRAILTY_LEVELS = ("fit", "mild", "moderate", "severe")
AGE_BANDS = ("65-74", "75-84", "85+")

# The area-scaling rule (seeds/README.md): an England count (beds, places, patients, posts,
# spending) is turned into a local authority's by the area's share of England's residents aged
# 65+, Census 2021 (DEM-01 note: 10.4 million). The baseline area has 68,000 (DEM-12).
BASELINE_RESIDENTS_65PLUS = 68_000
BASELINE_AREA_SHARE = BASELINE_RESIDENTS_65PLUS / ENGLAND_RESIDENTS_65PLUS
AREA_KEY = "population.residents_65plus"
"""The size of the area: :func:`apply_area` scales every capacity with it."""
AREA_HELP = (
    "run the system in an area of N residents 65+ (at least 10): beds, capacities and "
    "background load scale in proportion, [[schedule]] changes too (docs/config.md, Area size)"
)
"""The start of every command's ``--area`` help; each command says what else it scales."""


def england_to_area(count: float, residents_65plus: float = BASELINE_RESIDENTS_65PLUS) -> float:
    """An England count scaled to an area with ``residents_65plus`` residents aged 65+."""
    return count * residents_65plus / ENGLAND_RESIDENTS_65PLUS


class ConfigError(ValueError):
    """A problem with a scenario file, reported as ``file: key: what is wrong``."""

    def __init__(self, source: str, key: str, message: str) -> None:
        self.source = source
        self.key = key
        self.message = message
        where = f"{source}: " if source else ""
        keypart = f"{key}: " if key else ""
        super().__init__(f"{where}{keypart}{message}")

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        """Pickle by its three parts, so an error raised in a worker process reaches the
        caller intact."""
        return (type(self), (self.source, self.key, self.message))


# --------------------------------------------------------------------------- sections


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """How long to simulate and with which seeds."""

    years: int = param(
        5,
        unit="years",
        description="Simulated years reported after the warm-up",
        minimum=1,
        maximum=60,
    )
    start_date: dt.date = param(
        dt.date(2025, 4, 1),
        unit="date",
        description="First reported day; the warm-up runs before it",
    )
    warmup_days: int = param(
        365,
        unit="days",
        description="Days simulated before start_date and discarded, so that queues, beds and "
        "care homes reach a working state",
        minimum=0,
        maximum=3650,
    )
    replications: int = param(
        10,
        unit="runs",
        description="Independent replications (each with its own seed streams)",
        minimum=1,
        maximum=10000,
    )
    seed: int = param(
        20251125,
        unit="integer",
        description="Root seed; replication k uses child stream k",
        minimum=0,
    )


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
        description="How residents arrive: growth (newcomers at 65 at arrivals_65_per_1000, the "
        "85+ count on a path to growth_85plus) or projection (the 65+, 85+ and 90+ counts kept "
        "at least at their first-day counts times the growth of england_65plus, england_85plus "
        "and england_90plus since the first day, which [series] give by date); deaths follow "
        "the hazards either way (docs/model.md, Demography)",
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
        unit="share (total over the run)",
        description="Growth of the 85+ population over the run: the 85+ count is kept at least "
        "on a path rising to (1 + growth) times its start by the last day (0.9 = PAC's +90%)",
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
class HospitalConfig:
    """The local acute hospital's general and acute beds and their non-resident load."""

    beds: int = param(
        668,
        unit="beds",
        description="General and acute overnight beds",
        source="BED-01 England beds scaled to the area by its share of England's 65+ (x 68,000 "
        "/ 10.4m), rounded",
        evidence="BED-01",
        scale=BASELINE_AREA_SHARE,
        minimum=0,
        kind="count",
        area=True,
    )
    background_emergencies_per_day: float = param(
        38.0,
        unit="admissions a day",
        description="Emergency admissions of people under 65 (not modelled as residents)",
        source="calibrated (care-abm calibrate); uncalibrated default about 3.3m under-65 "
        "emergency admissions a year in England / 152 areas (HES)",
        minimum=0,
        area=True,
    )
    background_mean_los_days: float = param(
        3.2,
        unit="days",
        description="Mean length of stay of under-65 emergency admissions",
        source="assumption (HES)",
        minimum=0.1,
    )
    electives_per_weekday: float = param(
        30.0,
        unit="admissions a weekday",
        description="Planned overnight admissions booked each weekday (cancelled if no bed)",
        source="assumption (HES ordinary elective admissions scaled to the area)",
        minimum=0,
        area=True,
    )
    elective_mean_los_days: float = param(
        3.0,
        unit="days",
        description="Mean length of stay of elective admissions",
        source="assumption (HES)",
        minimum=0.1,
    )
    corridor_limit_share: float = param(
        0.05,
        unit="share of beds",
        description="Emergencies left waiting for a bed overnight (as a share of beds) above "
        "which the next day's emergencies are treated in the emergency department and sent "
        "home without admission",
        source="assumption (admission thresholds rise when a hospital is full)",
        minimum=0,
        maximum=1,
    )
    clinical_los_days: tuple[float, ...] = param(
        (4.5, 6.5, 9.0, 11.0),
        unit="days",
        description="Mean clinical length of stay of residents by frailty (admission to "
        "medically fit)",
        source="calibrated (care-abm calibrate); LOS-01 (4.9 days, all ages and admissions) is "
        "context",
        minimum=0.1,
        length=4,
    )
    los_shape: float = param(
        1.5,
        unit="gamma shape",
        description="Shape of the gamma clinical length-of-stay "
        "distribution (1 = exponential; larger = less spread)",
        source="assumption",
        minimum=0.1,
    )
    inpatient_death_probability: tuple[float, ...] = param(
        (0.02, 0.04, 0.07, 0.11),
        unit="probability a stay",
        description="Chance a resident's stay ends in death, by frailty",
        source="assumption",
        kind="share",
        length=4,
    )
    discharges_per_weekday: float = param(
        55.0,
        unit="discharges a day",
        description="Residents' discharges the hospital's ward teams can complete on a weekday "
        "(discharge summaries, medicines to take home, transport, therapy sign-off), for the "
        "beds its contract funds; a medically fit patient beyond it waits for the next day",
        source="calibrated (care-abm calibrate); the default is an uncalibrated starting value "
        "(about 1.25 times the baseline's residents' discharges a day)",
        minimum=0,
        area=True,
    )
    weekend_discharge_share: float = param(
        0.5,
        unit="share of a weekday's discharges",
        description="Discharges the ward teams can complete on a Saturday or Sunday, as a share "
        "of a weekday's (fewer pharmacists, therapists and senior doctors at weekends)",
        source="assumption (hospitals discharge roughly half as many patients a day at weekends "
        "as on weekdays)",
        kind="share",
    )


@dataclasses.dataclass(frozen=True)
class DischargeConfig:
    """How the hospital plans discharges and chooses a pathway from a patient's need."""

    referral_lead_days: int = param(
        3,
        unit="days",
        description="Days before a resident's expected medically-fit day that discharge "
        "planning starts: the pathway is chosen and assessments, funding decisions and care "
        "are asked for, so they can be ready on the day (0: only once fit)",
        source="calibrated (care-abm calibrate); uncalibrated default 3 days (the Care Act 2014 "
        "discharge rules ask hospitals to notify the council of a patient's care needs at "
        "least two days before the proposed discharge date)",
        minimum=0,
        maximum=30,
    )
    rehab_wait_limit_days: float = param(
        14.0,
        unit="days",
        description="Longest expected wait for an intermediate-care bed that discharge planners "
        "accept: when the waiting list is longer than this many days of the beds' throughput, "
        "a patient who would go to bedded rehabilitation (pathway 2) goes home with support "
        "(pathway 1) instead",
        source="calibrated (care-abm calibrate); uncalibrated default two weeks (planners "
        "substitute pathways when a service is full)",
        minimum=0,
    )
    care_home_wait_limit_days: float = param(
        30.0,
        unit="days",
        description="Longest expected wait for a care-home place that discharge planners accept "
        "for a patient in hospital: beyond it a patient who would go to a care home (pathway "
        "3) goes home with support first (pathway 1, 'home first'), and may ask for a place "
        "from home",
        source="calibrated (care-abm calibrate); uncalibrated default a month (discharge to "
        "assess: long-term care decisions are best made outside hospital)",
        minimum=0,
    )

    pathway_shares_fit: tuple[float, ...] = param(
        (0.93, 0.06, 0.01, 0.0),
        unit="share of discharges",
        description="Pathways 0-3 for fit patients living at home",
        source="assumption, in line with the PATH-01..04 planning shares",
        kind="distribution",
        length=4,
    )
    pathway_shares_mild: tuple[float, ...] = param(
        (0.72, 0.24, 0.03, 0.01),
        unit="share of discharges",
        description="Pathways 0-3 for mildly frail patients living at home",
        source="assumption",
        kind="distribution",
        length=4,
    )
    pathway_shares_moderate: tuple[float, ...] = param(
        (0.45, 0.44, 0.07, 0.04),
        unit="share of discharges",
        description="Pathways 0-3 for moderately frail patients living at home",
        source="assumption",
        kind="distribution",
        length=4,
    )
    pathway_shares_severe: tuple[float, ...] = param(
        (0.28, 0.45, 0.12, 0.15),
        unit="share of discharges",
        description="Pathways 0-3 for severely frail patients living at home",
        source="assumption",
        kind="distribution",
        length=4,
    )


@dataclasses.dataclass(frozen=True)
class CapacityConfig:
    """Downstream services as plain capacities (councils, providers and staff replace them)."""

    assessment_mean_days: float = param(
        1.0,
        unit="days",
        description="Mean time from a social worker taking on a needs assessment to its "
        "completion (seeing the resident and family, the care plan): a fixed process time "
        "(the wait to be taken on is the queue for social workers)",
        source="assumption (a visit and a care plan take about a day of elapsed time once a "
        "social worker has the case; not fitted to delays)",
        minimum=0,
    )
    home_care_hours_per_week: float = param(
        0.0,
        unit="hours a week",
        description="Home-care hours the area's agencies are staffed for on the first day: the "
        "market's starting size, not a ceiling (agencies then hire, shed staff, exit and enter "
        "by demand, margins and the labour market); 0 sizes the agencies to the packages "
        "residents receive on the first day (every self-funder with eligible need, and those "
        "the council can fund within its budget), so the market starts near its steady state",
        source="assumption (an initial condition; HC-08's users are a validation target, not "
        "an input)",
        minimum=0,
        area=True,
    )
    home_care_start_factor: float = param(
        1.0,
        unit="ratio",
        description="Multiplies the home-care market's starting size (its care workers on the "
        "first day, sized by demand or by capacity.home_care_hours_per_week): 1.1 starts the "
        "agencies with 10% more staff than their packages need; after the first day the market "
        "sizes itself",
        source="lever (the lever response table's 'home-care starting size +10%')",
        minimum=0.1,
        maximum=10.0,
    )
    reablement_weeks: float = param(
        6.0,
        unit="weeks",
        description="Length of reablement: the package a hospital discharge with no previous "
        "care starts with",
        source="assumption (reablement is offered for up to six weeks, Care Act guidance)",
        minimum=0,
    )
    reablement_continue_probability: float = param(
        0.35,
        unit="probability",
        description="Chance that reablement turns into an ongoing home-care package",
        source="assumption (ASC-06, short-term support episodes, is a validation target to "
        "calibrate against, not an input)",
        kind="share",
    )
    intermediate_care_beds: int = param(
        50,
        unit="beds",
        description="Short-term bedded rehabilitation beds (pathway 2) commissioned by whoever "
        "pays for intermediate care (the NHS, or the pool or integrated budget): paid for "
        "whether full or not, usable as far as their staff allow",
        source="assumption (about 21 per 100,000 population, NAIC)",
        minimum=0,
        kind="count",
        area=True,
    )
    intermediate_care_mean_days: float = param(
        24.0,
        unit="days",
        description="Mean stay in intermediate care",
        source="assumption (NAIC)",
        minimum=0.1,
    )
    care_home_beds: int = param(
        2975,
        unit="beds",
        description="Residential and nursing care-home places in the area, for all ages "
        "(care_homes.older_people_share of them are for residents 65+)",
        source="CH-01 England places scaled by the area's share of England's 65+ (x 68,000 / "
        "10.4m), rounded",
        evidence="CH-01",
        scale=BASELINE_AREA_SHARE,
        minimum=0,
        kind="count",
        area=True,
    )
    care_home_initial_fill: float = param(
        0.88,
        unit="share of beds",
        description="Beds occupied on the first simulated day (an initial condition only; "
        "occupancy after that emerges)",
        source="assumption",
        kind="share",
    )
    care_home_initial_self_funder_weight: float = param(
        3.6,
        unit="ratio",
        description="How much likelier a resident the means test would make pay for their own "
        "care home is to be among the first day's care-home residents than one the council "
        "would fund, at the same frailty and age (an initial condition only: self-funders "
        "arrange their own places without waiting for the council's rationing, so they are "
        "over-represented among residents; after the first day the mix emerges)",
        source="assumption: set so that the first day's mix of funders is the calibrated "
        "baseline's own steady state with no demographic growth (population.stationary), "
        "found by fixed-point iteration (scripts/balance_first_day.py; docs/model.md, The "
        "first day)",
        minimum=0,
    )
    choice_probability: float = param(
        0.25,
        unit="probability a placement",
        description="Chance a care-home placement waits on the patient's or family's choice "
        "of home (a fixed process time: visits and a decision)",
        source="assumption (not fitted: the share of delays it causes is an outcome)",
        kind="share",
    )
    choice_mean_days: float = param(
        5.0,
        unit="days",
        description="Mean extra wait when the patient or family chooses (visiting homes)",
        source="assumption (about a working week to visit homes and decide)",
        minimum=0,
    )
    grows_with_population: bool = param(
        True,
        unit="yes/no",
        description="Beds and service capacities grow in step with the number of residents 65+ "
        "(re-measured monthly, never below the configured values); false keeps them as "
        "configured while demand grows",
        source="assumption (a baseline in which services keep pace with demography)",
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


@dataclasses.dataclass(frozen=True)
class CouncilConfig:
    """The council's adult social care: eligibility, means test, fees, budget and rationing."""

    eligibility_threshold: float = param(
        4.0,
        unit="hours a week",
        description="Smallest need, after what an unpaid carer gives, that the council meets",
        source="assumption (a stand-in for the Care Act eligibility criteria)",
        minimum=0,
    )
    means_test: str = param(
        "care_act",
        unit="policy",
        description="How residents contribute: care_act (capital limits), cap (lifetime cap on "
        "care costs), free_personal_care, universal (no means test)",
        source="lever",
        choices=("care_act", "cap", "free_personal_care", "universal"),
    )
    upper_capital_limit_gbp: float = param(
        23250.0,
        unit="GBP",
        description="Above this capital a resident pays the full cost of their care",
        source="MT-01",
        evidence="MT-01",
        kind="money",
    )
    lower_capital_limit_gbp: float = param(
        14250.0,
        unit="GBP",
        description="Below this capital a resident's capital is ignored",
        source="MT-02",
        evidence="MT-02",
        kind="money",
    )
    tariff_gbp_per_250: float = param(
        1.0,
        unit="GBP a week per 250 GBP",
        description="Weekly contribution from capital between the limits",
        source="MT-03",
        evidence="MT-03",
        kind="money",
    )
    lifetime_cap_gbp: float = param(
        86000.0,
        unit="GBP",
        description="Under the cap means test: what a resident pays over their lifetime before "
        "the council pays for their care",
        source="assumption (the cap legislated in 2021 and not implemented)",
        kind="money",
    )
    personal_care_share: float = param(
        0.35,
        unit="share of the care-home fee",
        description="Part of a care-home fee that is personal care (paid by the council under "
        "free_personal_care; the rest is accommodation)",
        source="assumption",
        kind="share",
    )
    home_care_fee_gbp_per_hour: float = param(
        23.26,
        unit="GBP an hour",
        description="Fee the council pays home-care agencies",
        source="HC-02 (UK average 2024-25)",
        evidence="HC-02",
        kind="money",
    )
    nursing_home_fee_gbp_per_week: float = param(
        1225.0,
        unit="GBP a week",
        description="Fee the council pays nursing homes",
        source="CH-11 note (LaingBuisson: council nursing fee)",
        kind="money",
    )
    care_home_fee_gbp_per_week: float = param(
        908.0,
        unit="GBP a week",
        description="Fee the council pays residential care homes",
        source="CH-11 (LaingBuisson, residential)",
        evidence="CH-11",
        kind="money",
    )
    fee_uplift: float = param(
        0.0,
        unit="share a year (real)",
        description="Real rise in the council's fee rates each April",
        source="lever",
        minimum=-0.5,
        maximum=1.0,
    )
    home_care_fee_setting: str = param(
        "spot_premium",
        unit="policy",
        description="What the council pays agencies when it cannot find one for the packages "
        "it has approved: spot_premium (a premium over the framework rate that rises a step a "
        "month while the residents whose care the council arranges (not self-funders) wait "
        "for an agency longer than the sourcing standard, if the budget allows, and falls "
        "when they do not), framework (the framework rate only)",
        source="lever",
        choices=("spot_premium", "framework"),
    )
    sourcing_standard_days: float = param(
        14.0,
        unit="days",
        description="Under spot_premium: the mean wait for an agency above which the council "
        "raises its premium (it lowers it below half this)",
        source="assumption (a council's brokerage standard of two weeks to source a package)",
        minimum=0,
    )
    spot_premium_step: float = param(
        0.01,
        unit="share of the framework rate a month",
        description="Under spot_premium: how far the premium moves in a month",
        source="assumption",
        minimum=0,
        maximum=1.0,
    )
    spot_premium_max: float = param(
        0.22,
        unit="share of the framework rate",
        description="Under spot_premium: the most the council pays over its framework rate",
        source="HC-01 note: the Homecare Association's minimum price for 2022-23 (23.20 an "
        "hour) over councils' average fee then (19.01): 23.20 / 19.01 - 1",
        minimum=0,
        maximum=5.0,
    )
    budget_gbp: float = param(
        100_200_000.0,
        unit="GBP a year",
        description="Government's allocation for the council's adult social care for residents "
        "65+ in the first financial year (real terms, 2025 prices): what the council's staff "
        "and the care it buys must live within",
        source="DERIVED from England spending per resident 65+: councils' gross current "
        "expenditure on adult social care 2022-23 (23.65bn, ASC-15) x the 65+ share of "
        "long-term support spending (50.4%, ASC-16), uprated to 2025 by the National Living "
        "Wage (12.21 / 9.50, PAY-08 / PAY-12), x 68,000 / 10.4m",
        kind="money",
        area=True,
    )
    budget_change: float = param(
        0.0,
        unit="share a year (real)",
        description="Real change in the council's adult social care budget each April after "
        "the first financial year (-0.053 for the PAC's cut over 2010-2017, spread as the "
        "experiment chooses)",
        source="lever",
        minimum=-0.9,
        maximum=5.0,
    )
    rationing_response: str = param(
        "staged",
        unit="policy",
        description="What the council does when demand outruns its budget: staged (freeze "
        "hiring of social workers and brokers, and the funding panel sits fortnightly), "
        "tighten_eligibility, freeze_fees, slow_assessments, none",
        source="lever",
        choices=("staged", "tighten_eligibility", "freeze_fees", "slow_assessments", "none"),
    )
    review_per_1000py: float = param(
        1000.0,
        unit="per 1,000 package-years",
        description="Reviews of council-funded packages a year (a review re-applies the current "
        "eligibility threshold and resizes the package to need)",
        source="assumption (Care Act: reviews at least yearly)",
        minimum=0,
    )
    chc_probability_severe: float = param(
        0.12,
        unit="probability",
        description="Chance that a severely frail resident placed in a care home is found "
        "eligible for NHS continuing healthcare (the NHS pays)",
        source="assumption",
        kind="share",
    )
    social_workers: int = param(
        75,
        unit="posts",
        description="Social worker posts for older people the council funds (assessments and "
        "reviews); filled and emptied by the labour market",
        source="assumption (about 17,000 social workers in councils' adult services in England, "
        "about two thirds of them working with older people, shared by 152 areas)",
        minimum=0,
        kind="count",
        area=True,
    )
    hiring_freeze_vacancy_limit: float = param(
        0.2,
        unit="share of posts",
        description="Most of its funded social worker and broker posts a council leaves vacant "
        "under a hiring freeze (a rationing measure); beyond it, leavers are replaced",
        source="assumption (a council cannot leave its statutory assessment and brokerage "
        "duties unstaffed; adult social care vacancy rates in councils run at 7-12%, Skills "
        "for Care)",
        kind="share",
    )
    assessments_per_social_worker_week: float = param(
        2.2,
        unit="assessments a week",
        description="Needs assessments one social worker in post can take on a week, besides "
        "reviews and other casework",
        source="calibrated (care-abm calibrate); the default is an uncalibrated starting value",
        minimum=0,
    )
    brokers: int = param(
        10,
        unit="posts",
        description="Brokerage officer posts the council funds (finding agencies for packages "
        "and homes for placements of the residents it funds)",
        source="assumption",
        minimum=0,
        kind="count",
        area=True,
    )
    placements_per_broker_week: float = param(
        6.0,
        unit="packages or placements a week",
        description="Packages and placements one broker in post can arrange a week",
        source="calibrated (care-abm calibrate); the default is an uncalibrated starting value",
        minimum=0,
    )
    panel_weekday: int = param(
        2,
        unit="day of the week (0 Monday)",
        description="The day the funding panel sits each week",
        source="assumption (panels typically meet weekly)",
        minimum=0,
        maximum=6,
    )
    panel_decisions_per_sitting: float = param(
        8.0,
        unit="decisions a sitting",
        description="Care-home funding decisions (council funding, NHS continuing healthcare) "
        "the panel can make at one sitting",
        source="calibrated (care-abm calibrate); the default is an uncalibrated starting value",
        minimum=0,
        area=True,
    )
    referral_priority: str = param(
        "hospital_first_with_limit",
        unit="policy",
        description="Order in which every queue (assessments, panel, brokers, agencies, care "
        "homes, intermediate care) serves hospital discharges and people at home: in_order "
        "(first come first served), hospital_first (hospital discharges always first), "
        "hospital_first_with_limit (hospital first, but people at home who have waited "
        "community_wait_limit_days take turns with hospital discharges, one for one, so nobody "
        "waits indefinitely)",
        source="lever",
        choices=("in_order", "hospital_first", "hospital_first_with_limit"),
    )
    community_wait_limit_days: float = param(
        28.0,
        unit="days",
        description="Under hospital_first_with_limit: the wait after which a person at home "
        "takes turns with hospital discharges",
        source="lever (assumption: four weeks)",
        minimum=0,
    )


@dataclasses.dataclass(frozen=True)
class CareHomeMarketConfig:
    """Care-home providers: their size, costs, private fees, reserves, exits and entries."""

    older_people_share: float = param(
        0.821,
        unit="share of places",
        description="Share of the area's care-home places (capacity.care_home_beds) used by "
        "residents 65+; younger adults, whom the model does not have, use the rest",
        source="POP-06 (Census 2021: 82.1% of care-home residents were aged 65+)",
        evidence="POP-06",
        scale=0.01,
        kind="share",
    )

    nursing_share: float = param(
        0.49,
        unit="share of beds",
        description="Share of care-home beds in nursing homes (the severely frail need one; "
        "others need a residential home)",
        source="CH-02",
        evidence="CH-02",
        scale=0.01,
        kind="share",
    )
    nursing_extra_cost_gbp_per_week: float = param(
        60.0,
        unit="GBP a week",
        description="Extra non-staff cost of a nursing-home resident (clinical supplies); the "
        "nurses are on the wage bill",
        source="assumption",
        kind="money",
    )
    beds_per_home: int = param(
        45,
        unit="beds",
        description="Beds in a typical care home (the area's beds are split into homes)",
        source="assumption (about 455,000 places in about 10,000 homes in England)",
        minimum=1,
    )
    cost_per_resident_gbp_per_week: float = param(
        300.0,
        unit="GBP a week",
        description="Costs that follow residents other than staff (food, consumables, "
        "laundry); staff are paid from the wage bill of the home's workers",
        source="assumption",
        kind="money",
    )
    cost_per_bed_gbp_per_week: float = param(
        190.0,
        unit="GBP a week",
        description="Costs of a bed whether filled or not (building, capital, management)",
        source="assumption",
        kind="money",
    )
    target_margin: float = param(
        0.08,
        unit="share of costs",
        description="Margin a home aims for when it sets its private fee",
        source="assumption",
        minimum=-0.5,
        maximum=2.0,
    )
    max_private_premium: float = param(
        0.8,
        unit="share over the council fee",
        description="Most a home can charge self-funders above the council fee",
        source="assumption",
        minimum=0,
        maximum=5.0,
    )
    self_funder_reserve_beds: int = param(
        1,
        unit="beds",
        description="Free beds a home keeps for self-funders rather than offer to residents "
        "the council or the NHS pays for",
        source="assumption (CMA care homes market study: homes prefer self-funders, who pay more)",
        minimum=0,
    )
    initial_reserves_months: float = param(
        6.0,
        unit="months of costs",
        description="Reserves a home starts with",
        source="assumption",
        minimum=0,
    )
    entry_margin: float = param(
        0.04,
        unit="share of revenue",
        description="Market margin over the last 12 months above which a new home opens, while "
        "the residents waiting for a place outnumber the market's empty beds by at least half "
        "a home (a shortage of beds, not of staff)",
        source="assumption: half the margin on revenue that homes aim for (a target of 8% of "
        "costs is 7.4% of revenue), so that a shortage draws a provider in when homes are "
        "near their target. At the target itself (0.08, before December 2026) no home could "
        "ever open: homes lower their private fees whenever they pass the target",
        minimum=-1.0,
        maximum=1.0,
    )
    entry_lag_months: int = param(
        18,
        unit="months",
        description="Time from the decision to open a home to its opening",
        source="assumption (planning and building)",
        minimum=0,
    )
    nhs_fee_gbp_per_week: float = param(
        1225.0,
        unit="GBP a week",
        description="Fee the NHS pays for a continuing-healthcare placement",
        source="CH-11 note (council nursing fee, LaingBuisson)",
        kind="money",
    )


@dataclasses.dataclass(frozen=True)
class HomeCareMarketConfig:
    """Home-care agencies."""

    agencies: int = param(
        12,
        unit="agencies",
        description="Agencies in the area on the first day (they may exit and others enter)",
        source="assumption",
        minimum=1,
    )
    overhead_gbp_per_hour: float = param(
        3.0,
        unit="GBP an hour",
        description="An agency's non-wage cost of an hour of care delivered (management, "
        "mileage, training); wages come from its workers' pay",
        source="assumption (HC-01 note: direct staff cost about 16.57 of a 19.01 fee in 2022)",
        kind="money",
    )
    private_margin: float = param(
        0.3,
        unit="share of cost",
        description="Margin agencies add to their cost for self-funders' hourly rate",
        source="assumption",
        minimum=0,
        maximum=5.0,
    )
    initial_reserves_months: float = param(
        3.0,
        unit="months of costs",
        description="Reserves an agency starts with",
        source="assumption",
        minimum=0,
    )
    growth_margin: float = param(
        0.0,
        unit="share of revenue",
        description="An agency plans for more care workers than it has only while its margin "
        "over the last three months is at least this",
        source="calibrated (care-abm calibrate); the default: agencies grow while they make money",
        minimum=-1.0,
        maximum=1.0,
    )
    spare_capacity_share: float = param(
        0.05,
        unit="share of planned hours",
        description="Hours an agency staffs for beyond its packages and the work waiting "
        "(cover for sickness, holidays and new packages)",
        source="assumption",
        minimum=0,
        maximum=1.0,
    )
    entry_margin: float = param(
        0.05,
        unit="share of revenue",
        description="Market margin over the last 12 months above which a new agency opens "
        "(while people are waiting for packages)",
        source="assumption",
        minimum=-1.0,
        maximum=1.0,
    )
    entry_lag_months: int = param(
        3,
        unit="months",
        description="Time from the decision to open an agency to its opening (registration)",
        source="assumption",
        minimum=0,
    )
    new_agency_hours: float = param(
        400.0,
        unit="hours a week",
        description="Hours a new agency first staffs for",
        source="assumption",
        minimum=0,
    )


@dataclasses.dataclass(frozen=True)
class WorkforceConfig:
    """Care workers, nurses and NHS healthcare assistants: pay, quitting and recruitment.

    Money is in real terms, at the price base (``prices.base``). Staffing ratios turn posts
    into capacity: home-care hours, care-home places and hospital beds can only be used with
    the staff to provide them.
    """

    pay_rule: str = param(
        "market",
        unit="policy",
        description="How care workers are paid: market, living_wage, nhs_parity, uplift, "
        "national_scale",
        source="lever",
        choices=("market", "living_wage", "nhs_parity", "uplift", "national_scale"),
    )
    pay_rise_paid_by: str = param(
        "fees",
        unit="policy",
        description="Who pays for a pay rule that raises care pay above the market: fees (the "
        "council and self-funders pay higher fees), providers (their margins; losses and exits "
        "follow), none (rejected unless the pay rule is market)",
        source="lever",
        choices=("fees", "providers", "none"),
    )
    national_living_wage_gbp: tuple[float, ...] = param(
        (11.44, 12.21),
        unit="GBP an hour",
        description="National Living Wage from April of each year from 2024 (the last value "
        "holds after)",
        source="PAY-07, PAY-08",
        evidence="PAY-07, PAY-08",
        kind="money",
        length=2,
    )
    wage_floor: str = param(
        "from_2024",
        unit="policy",
        description="The legal minimum pay: from_2024 (national_living_wage_gbp from each April "
        "from 2024, the first also before, as in the price base) or by_date (every National "
        "Minimum Wage and National Living Wage rate from the date it came into force since "
        "October 2009, in cash, deflated into the price base by prices.inflation; for runs "
        "before 2024)",
        source="lever",
        choices=("from_2024", "by_date"),
    )
    minimum_wage_history_gbp: tuple[float, ...] = param(
        (5.80, 5.93, 6.08, 6.19, 6.31, 6.50, 6.70, 7.20, 7.50, 7.83, 8.21, 8.72, 8.91, 9.50, 10.42),
        unit="GBP an hour (cash)",
        description="Under wage_floor = by_date: the top adult minimum wage in cash from 1 "
        "October 2009 to 2015 each October, then the National Living Wage each April from 2016 "
        "to 2023 (national_living_wage_gbp follows from April 2024)",
        source="Minimum wage by date in force, history inputs (MW-01 to MW-15)",
        evidence=", ".join(f"MW-{n:02d}" for n in range(1, 16)),
        kind="money",
        length=15,
    )
    real_living_wage_gbp: float = param(
        12.60,
        unit="GBP an hour",
        description="The voluntary Living Wage (floor under the living_wage pay rule)",
        source="assumption (Living Wage Foundation rate outside London, 2024-25)",
        kind="money",
    )
    initial_pay_premium: float = param(
        0.05,
        unit="share over the legal floor",
        description="Care employers' pay offer on the first simulated day, above the National "
        "Living Wage then in force (initial condition only: from then on each employer sets its "
        "own offer from its vacancies and fee income; under the nhs_parity and national_scale "
        "rules offers keep their premium over the floor, as the market rate that fees pay the "
        "difference from)",
        source="assumption (initial condition, about where employers' offers settle in the "
        "baseline; the warm-up lets them move)",
        minimum=0,
        maximum=1.0,
    )
    pay_response_to_vacancies: float = param(
        0.6,
        unit="share of the legal floor per unit of vacancy rate",
        description="Pay premium over the legal floor a care employer aims for per unit of its "
        "own vacancy rate (0.6: one post in ten vacant, 6% over the floor); an employer pays "
        "more while its vacancies are above what its present premium would justify, less while "
        "below, within the legal floor and what its fees can pay",
        source="calibrated (care-abm calibrate) to PAY-05 (a validation target, not an input); "
        "the default is an uncalibrated starting value",
        minimum=0,
        maximum=10.0,
    )
    pay_adjustment_speed: float = param(
        0.1,
        unit="share of the gap a month",
        description="Share of the gap between a care employer's offer and the pay its vacancies "
        "call for that it closes each month",
        source="assumption (pay is reviewed about once a year: 0.1 a month closes about "
        "two-thirds of a gap in a year)",
        kind="share",
    )
    nhs_band2_gbp: float = param(
        23615.0,
        unit="GBP a year",
        description="Agenda for Change band 2 (healthcare assistant)",
        source="PAY-09",
        evidence="PAY-09",
        kind="money",
    )
    nhs_band3_gbp: float = param(
        24071.0,
        unit="GBP a year",
        description="Agenda for Change band 3, under two years",
        source="PAY-10",
        evidence="PAY-10",
        kind="money",
    )
    nhs_band3_experienced_gbp: float = param(
        25674.0,
        unit="GBP a year",
        description="Agenda for Change band 3, two years or more",
        source="PAY-10 note",
        kind="money",
    )
    nhs_allowances_share: float = param(
        0.23,
        unit="share of basic pay",
        description="Unsocial-hours and other allowances on top of Agenda for Change basic pay "
        "for healthcare assistants (counted in the NHS scale that parity matches)",
        source="PAY-11 note: band 3 average total pay 14.12 an hour against basic 11.48 "
        "(derived: 14.12 / 11.48 - 1)",
        minimum=0,
    )
    nhs_nurse_gbp_per_hour: float = param(
        18.5,
        unit="GBP an hour",
        description="Pay of registered nurses (band 5, in the NHS and in nursing homes)",
        source="assumption (Agenda for Change band 5, 2024-25)",
        kind="money",
    )
    uplift: float = param(
        0.10,
        unit="share",
        description="Rise over market pay under the uplift pay rule",
        source="lever",
        minimum=0,
        maximum=2.0,
    )
    outside_wage_gbp: float = param(
        12.40,
        unit="GBP an hour",
        description="Pay in the best jobs outside health and care open to care workers and "
        "healthcare assistants (retail, hospitality): a leaver's option outside the sectors",
        source="assumption (a little above the National Living Wage)",
        kind="money",
    )
    hours_per_week: float = param(
        33.0,
        unit="hours a week",
        description="Contracted hours of a care worker or healthcare assistant",
        source="assumption",
        minimum=1,
    )
    home_care_contact_share: float = param(
        0.7,
        unit="share of paid hours",
        description="Share of a home-care worker's paid hours spent with clients (the rest is "
        "travel between visits and admin): an agency's hours are its workers' paid hours times "
        "this",
        source="assumption (travel and admin take about 30% of a home-care worker's paid hours)",
        kind="share",
    )
    care_home_staff_per_bed: float = param(
        0.95,
        unit="workers per occupied bed",
        description="Care workers a care home needs per resident",
        source="assumption",
        minimum=0,
    )
    nursing_home_nurses_per_bed: float = param(
        0.14,
        unit="nurses per occupied bed",
        description="Registered nurses a nursing home needs per resident",
        source="assumption",
        minimum=0,
    )
    hospital_hcas_per_bed: float = param(
        0.55,
        unit="healthcare assistants per bed",
        description="Healthcare assistants a general and acute bed needs",
        source="assumption",
        minimum=0,
    )
    hospital_nurses_per_bed: float = param(
        1.1,
        unit="nurses per bed",
        description="Registered nurses a general and acute bed needs",
        source="assumption",
        minimum=0,
    )
    care_quit_per_1000py: float = param(
        140.0,
        unit="per 1,000 worker-years",
        description="Quit hazard of an established care worker paid the same as their best "
        "outside option, with no vacancies around them",
        source="calibrated (care-abm calibrate) to WF-10 (a validation target, not an input); "
        "uncalibrated default 140: with the baseline's pay gaps and vacancies, care turnover near "
        "the 25-30% a year Skills for Care reports",
        minimum=0,
    )
    nhs_quit_per_1000py: float = param(
        110.0,
        unit="per 1,000 worker-years",
        description="Leaver rate of NHS staff",
        source="WF-22",
        evidence="WF-22",
        scale=10.0,
        minimum=0,
    )
    pay_gap_sensitivity: float = param(
        2.0,
        unit="per unit of relative pay gap",
        description="How strongly workers respond to relative pay: the quit hazard rises as "
        "exp(sensitivity x gap to the best outside pay), a leaver weighs each job on offer by "
        "exp(sensitivity x its pay relative to theirs), and a vacancy is filled faster when it "
        "pays more than the outside option",
        source="calibrated (care-abm calibrate); uncalibrated default 2: a job paying 10% more "
        "is chosen about 1.2 times as often, no published elasticity of care workers' quits or "
        "moves to pay gives it",
        minimum=0,
    )
    workload_sensitivity: float = param(
        1.5,
        unit="per unit of vacancy rate",
        description="How steeply the quit hazard rises with the employer's vacancy rate "
        "(more hours each for those who stay)",
        source="calibrated (care-abm calibrate); uncalibrated default 1.5: a tenth of posts "
        "vacant raises the hazard by 15%, a guess with no published figure behind it",
        minimum=0,
    )
    new_starter_hazard_ratio: float = param(
        1.8,
        unit="ratio",
        description="Quit hazard of workers in their first year",
        source="assumption (WF-12: turnover of domestic recruits well above the average)",
        minimum=0,
    )
    stay_in_sector_preference: float = param(
        3.3,
        unit="utility (log odds)",
        description="How much a leaver prefers another job in their own sector (social care, or "
        "the NHS) to one in the other sector at the same pay: familiar work, no retraining or "
        "new checks",
        source="calibrated (care-abm calibrate) to WF-16 and WF-23 (validation targets, not "
        "inputs); uncalibrated default: about two-thirds of care leavers stay in "
        "care when every option has vacancies at baseline pay",
        minimum=-20.0,
        maximum=20.0,
    )
    outside_preference: float = param(
        2.5,
        unit="utility (log odds)",
        description="How much a leaver prefers a job outside health and care (retail, "
        "hospitality) to one in the other sector at the same pay: more such jobs, regular hours, "
        "no care work",
        source="calibrated (care-abm calibrate) to WF-16 and WF-23 (validation targets, not "
        "inputs); uncalibrated default: about one in ten care workers leaving care "
        "goes to the NHS when it has vacancies at baseline pay",
        minimum=-20.0,
        maximum=20.0,
    )
    local_hire_per_month: float = param(
        0.07,
        unit="probability a vacancy is filled a month",
        description="Chance a vacancy is filled from the local labour market in a month, at "
        "pay equal to the outside option",
        source="assumption",
        kind="share",
    )
    nhs_hire_per_month: float = param(
        0.25,
        unit="probability a vacancy is filled a month",
        description="Chance an NHS vacancy (healthcare assistant or nurse) is filled in a month",
        source="assumption",
        kind="share",
    )
    international_recruitment: bool = param(
        True,
        unit="yes/no",
        description="Care employers recruit from abroad",
        source="lever",
    )
    international_per_1000_posts_month: float = param(
        4.0,
        unit="recruits a month per 1,000 care posts",
        description="International recruits arriving a month (into vacancies)",
        source="assumption",
        minimum=0,
    )
    visa_change_date: dt.date = param(
        dt.date(2025, 7, 22),
        unit="date",
        description="From this date international recruitment of care workers falls to "
        "visa_change_factor of its rate (the 2025 closure of the care worker visa route)",
        source="assumption (UK immigration rules, July 2025)",
    )
    visa_change_factor: float = param(
        0.2,
        unit="share",
        description="International recruitment after the visa change, as a share of before",
        source="assumption",
        kind="share",
    )
    international_quit_ratio: float = param(
        0.73,
        unit="ratio",
        description="Quit hazard of international recruits relative to domestic ones",
        source="WF-12 note (30% vs 41.1% turnover)",
        minimum=0,
    )
    on_cost_share: float = param(
        0.2,
        unit="share of pay",
        description="Employer's costs on top of pay (national insurance, pension, holiday)",
        source="assumption",
        minimum=0,
    )
    labour_cost_share: float = param(
        0.65,
        unit="share of fees",
        description="Share of a care fee that pays for care staff: with pay_rise_paid_by = "
        "fees, fees rise by this share of any rise in care pay above the market rate",
        source="assumption",
        kind="share",
    )
    intermediate_care_staff_per_bed: float = param(
        1.0,
        unit="workers per bed",
        description="Rehabilitation staff (therapy assistants and healthcare assistants, on NHS "
        "pay) an intermediate-care bed needs",
        source="assumption",
        minimum=0,
    )
    social_worker_pay_gbp: float = param(
        41000.0,
        unit="GBP a year",
        description="Salary of a council social worker (pay is set by the council's pay scale, "
        "not by the care pay rule)",
        source="assumption (about the middle of councils' social worker pay scales, 2024-25)",
        kind="money",
    )
    broker_pay_gbp: float = param(
        30000.0,
        unit="GBP a year",
        description="Salary of a council brokerage officer (finds home-care agencies and care "
        "homes for the people the council funds)",
        source="assumption (a council officer grade, 2024-25)",
        kind="money",
    )
    council_staff_quit_per_1000py: float = param(
        150.0,
        unit="per 1,000 worker-years",
        description="Leaver rate of council social workers and brokers (before the workload "
        "effect of vacancies)",
        source="assumption (council social worker turnover is reported in the mid-teens per "
        "cent a year)",
        minimum=0,
    )
    council_staff_hire_per_month: float = param(
        0.15,
        unit="probability a vacancy is filled a month",
        description="Chance a vacant council social worker or broker post is filled in a month "
        "(none while the council freezes hiring)",
        source="assumption",
        kind="share",
    )
    initial_fill: float = param(
        0.93,
        unit="share of posts",
        description="Posts filled on the first simulated day (initial condition only)",
        source="assumption",
        kind="share",
    )


@dataclasses.dataclass(frozen=True)
class ScheduledChange:
    """A lever change applied at the start of a calendar day."""

    date: dt.date
    changes: tuple[tuple[str, Any], ...]


@dataclasses.dataclass(frozen=True)
class NhsConfig:
    """The NHS commissioner (integrated care board): its budget, how it pays the hospital, and
    the unit costs of hospital outcomes."""

    budget_gbp: float = param(
        151_700_000.0,
        unit="GBP a year",
        description="Government's allocation for the NHS commissioner's spending on the services "
        "in the model (the acute hospital's general and acute beds, intermediate care, NHS "
        "continuing healthcare) in the first financial year (real terms, 2025 prices)",
        source="DERIVED from unit costs, not from the model's spending: the area's beds "
        "(BED-01 x 68,000 / 10.4m = 668) a night each at DD-18 (562): 137.1m; 50 "
        "intermediate-care beds at 1,750 a week: 4.6m; and 10m for continuing healthcare "
        "(assumption)",
        kind="money",
        area=True,
    )
    budget_growth: float = param(
        0.0,
        unit="share a year (real)",
        description="Real change in the NHS commissioner's budget each April",
        source="lever",
        minimum=-0.9,
        maximum=5.0,
    )
    hospital_payment: str = param(
        "block",
        unit="policy",
        description="How the commissioner pays the hospital: block (a fixed annual contract set "
        "each April from the budget; the hospital funds fewer beds when it falls short of last "
        "year's costs) or activity (a price per occupied bed-day; the commissioner carries the "
        "risk)",
        source="lever",
        choices=("block", "activity"),
    )
    bed_day_cost_gbp: float = param(
        562.0,
        unit="GBP a bed-night",
        description="Cost of an occupied acute bed for a night at the start (ward staff are paid "
        "as the workforce is; the rest is this figure less ward staff cost per bed); also the "
        "activity price",
        source="DD-18 (NHS England estimate)",
        evidence="DD-18",
        kind="money",
    )
    delayed_bed_day_cost_gbp: float = param(
        395.0,
        unit="GBP a night",
        description="Direct cost of a night in hospital for a patient whose discharge is delayed "
        "(prices the delayed bed-days in the outputs)",
        source="DD-17 (King's Fund)",
        evidence="DD-17",
        kind="money",
    )
    corridor_day_cost_gbp: float = param(
        562.0,
        unit="GBP a day",
        description="Cost of a day of corridor care (prices corridor waits in the outputs)",
        source="assumption: at least the cost of a bed-night (DD-18)",
        kind="money",
    )
    cancelled_elective_cost_gbp: float = param(
        562.0,
        unit="GBP an operation",
        description="Cost of a cancelled planned admission (a prepared bed-night and slot lost; "
        "prices cancellations in the outputs)",
        source="assumption: one bed-night (DD-18)",
        kind="money",
    )
    intermediate_care_gbp_per_week: float = param(
        1750.0,
        unit="GBP a bed-week",
        description="What the commissioner pays for an occupied short-term rehabilitation "
        "(intermediate care) bed",
        source="assumption: a nursing-home fee plus therapy",
        kind="money",
    )


@dataclasses.dataclass(frozen=True)
class FundingConfig:
    """Who holds the money: separate budgets, a Better Care Fund style pool, or one integrated
    health and care budget."""

    pool: str = param(
        "separate",
        unit="policy",
        description="separate (the council and the NHS each hold and spend their own budget), "
        "pooled (both pay a share into a pool ring-fenced for reablement and discharge support), "
        "integrated (one health and care budget split by an allocation rule)",
        source="lever",
        choices=("separate", "pooled", "integrated"),
    )
    pool_nhs_share: float = param(
        5.614 / 190.3,
        unit="share of the NHS budget",
        description="Under pooled: the NHS commissioner's contribution to the pool",
        source="DERIVED: BCF-03 minimum NHS contribution 5.614bn / NHS-01 DHSC spending 190.3bn "
        "(years differ)",
        evidence="BCF-03",
        scale=1 / 190.3,
        kind="share",
    )
    pool_council_share: float = param(
        0.05,
        unit="share of the council budget",
        description="Under pooled: the council's contribution to the pool",
        source="assumption (councils add grant money such as the improved BCF)",
        kind="share",
    )
    pool_overspend: str = param(
        "shared",
        unit="policy",
        description="Under pooled: who tops up a pool in deficit at the year end (shared in "
        "proportion to contributions, council, or nhs)",
        source="lever",
        choices=("shared", "council", "nhs"),
    )
    allocation: str = param(
        "last_year_shares",
        unit="policy",
        description="Under integrated: how the one budget is split between health and care each "
        "April: last_year_shares (as spent last year) or shortage (last year's shares, then money "
        "moves toward the service whose shortages cost more delayed bed-days)",
        source="lever",
        choices=("last_year_shares", "shortage"),
    )
    shortage_shift: float = param(
        0.5,
        unit="share of the cost gap",
        description="Under the shortage allocation: share of the gap in the cost of delayed "
        "bed-days (social care's minus the NHS's, at nhs.delayed_bed_day_cost_gbp) moved each "
        "April",
        source="assumption",
        minimum=0,
        maximum=5,
    )
    reserve_share: float = param(
        0.03,
        unit="share of the budget",
        description="Part of its budget a social care budget holder keeps in reserve; money "
        "beyond it and beyond its commitments buys discharge support (home-care hours for "
        "hospital discharges)",
        source="assumption",
        kind="share",
    )


FIXED_FOR_A_RUN: dict[str, str] = {
    "funding.allocation": "the allocation rule is set for the whole run; compare two runs instead",
    "workforce.wage_floor": "the wage floor rule is set for the whole run; give the rates by date",
    "prices.base": "every money figure is in one price base for the whole run",
    "prices.inflation": "the deflator is set for the whole run",
}
"""Keys a ``[[schedule]]`` entry cannot change, each with the reason."""

APRIL_ONLY = frozenset({"funding.pool"})
"""Keys that change only on 1 April, when budgets are set (docs/model.md, Funding pools)."""

SECTIONS: dict[str, type] = {
    "run": RunConfig,
    "population": PopulationConfig,
    "frailty": FrailtyConfig,
    "mortality": MortalityConfig,
    "admissions": AdmissionsConfig,
    "hospital": HospitalConfig,
    "discharge": DischargeConfig,
    "capacity": CapacityConfig,
    "community": CommunityConfig,
    "need": NeedConfig,
    "council": CouncilConfig,
    "care_homes": CareHomeMarketConfig,
    "home_care": HomeCareMarketConfig,
    "workforce": WorkforceConfig,
    "nhs": NhsConfig,
    "funding": FundingConfig,
    "grants": GrantsConfig,
    "prices": PricesConfig,
}


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A whole experiment: one frozen section per part of the system, plus timed changes."""

    name: str = "scenario"
    description: str = ""
    run: RunConfig = dataclasses.field(default_factory=RunConfig)
    population: PopulationConfig = dataclasses.field(default_factory=PopulationConfig)
    frailty: FrailtyConfig = dataclasses.field(default_factory=FrailtyConfig)
    mortality: MortalityConfig = dataclasses.field(default_factory=MortalityConfig)
    admissions: AdmissionsConfig = dataclasses.field(default_factory=AdmissionsConfig)
    hospital: HospitalConfig = dataclasses.field(default_factory=HospitalConfig)
    discharge: DischargeConfig = dataclasses.field(default_factory=DischargeConfig)
    capacity: CapacityConfig = dataclasses.field(default_factory=CapacityConfig)
    community: CommunityConfig = dataclasses.field(default_factory=CommunityConfig)
    need: NeedConfig = dataclasses.field(default_factory=NeedConfig)
    council: CouncilConfig = dataclasses.field(default_factory=CouncilConfig)
    care_homes: CareHomeMarketConfig = dataclasses.field(default_factory=CareHomeMarketConfig)
    home_care: HomeCareMarketConfig = dataclasses.field(default_factory=HomeCareMarketConfig)
    workforce: WorkforceConfig = dataclasses.field(default_factory=WorkforceConfig)
    nhs: NhsConfig = dataclasses.field(default_factory=NhsConfig)
    funding: FundingConfig = dataclasses.field(default_factory=FundingConfig)
    grants: GrantsConfig = dataclasses.field(default_factory=GrantsConfig)
    prices: PricesConfig = dataclasses.field(default_factory=PricesConfig)
    schedule: tuple[ScheduledChange, ...] = ()
    """The ``[[schedule]]`` entries as written (in date order)."""
    series: tuple[Series, ...] = ()
    """The dated series as written (by key): :mod:`abm.series`."""

    def get(self, key: str) -> Any:
        """The value at a dotted key such as ``hospital.beds``."""
        section, name = _split_key(key, "")
        return getattr(getattr(self, section), name)

    def with_changes(self, changes: Iterable[tuple[str, Any]]) -> Scenario:
        """A new scenario with already-validated values replaced at dotted keys."""
        by_section: dict[str, dict[str, Any]] = {}
        for key, value in changes:
            section, name = _split_key(key, "")
            by_section.setdefault(section, {})[name] = value
        replaced = {
            section: dataclasses.replace(getattr(self, section), **values)
            for section, values in by_section.items()
        }
        return dataclasses.replace(self, **replaced)

    def timeline(self) -> tuple[ScheduledChange, ...]:
        """Every dated lever change, one entry per date in date order: what the model applies.

        The ``[[schedule]]`` entries and the values the dated series take are merged by date,
        so changes to different keys on one date all apply that day (where two entries set
        the same key, the later one written wins, as it would applied in turn; a series and
        an entry on one key and date are refused when loading). Without series and with one
        entry a date, this is the schedule itself.
        """
        by_date: dict[dt.date, dict[str, Any]] = {}
        for change in self.schedule:
            by_date.setdefault(change.date, {}).update(change.changes)
        for one in self.series:
            for day, value in one.changes():
                by_date.setdefault(day, {})[one.key] = value
        return tuple(
            ScheduledChange(date=day, changes=tuple(by_date[day].items()))
            for day in sorted(by_date)
        )

    def to_dict(self) -> dict[str, Any]:
        """The fully resolved scenario as TOML-ready data (no ``extends``)."""
        data: dict[str, Any] = {"name": self.name, "description": self.description}
        for section in SECTIONS:
            values = dataclasses.asdict(getattr(self, section))
            data[section] = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
        if self.schedule:
            data["schedule"] = [
                {"date": change.date, "set": dict(change.changes)} for change in self.schedule
            ]
        if self.series:
            data["series"] = {one.key: one.to_toml() for one in self.series}
        return data


# --------------------------------------------------------------------------- loading


def all_keys() -> list[str]:
    """Every dotted key a scenario accepts."""
    return [
        f"{section}.{f.name}" for section, cls in SECTIONS.items() for f in dataclasses.fields(cls)
    ]


def field_of(key: str) -> dataclasses.Field:
    """The declared field behind a dotted key (raises KeyError when there is none)."""
    section, name = key.split(".", 1)
    for f in dataclasses.fields(SECTIONS[section]):
        if f.name == name:
            return f
    raise KeyError(key)


def _split_key(key: str, source: str) -> tuple[str, str]:
    parts = key.split(".")
    if len(parts) != 2 or parts[0] not in SECTIONS:
        raise ConfigError(source, key, f"unknown key{_suggest(key, all_keys())}")
    return parts[0], parts[1]


def _suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _read_toml(path: Path, source: str) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            source, "extends" if source != str(path) else "", (f"file not found: {path}")
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"not valid TOML: {exc}") from None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


@dataclasses.dataclass
class _Layer:
    """Raw values from one file, with the file each came from."""

    values: dict[str, tuple[Any, str]] = dataclasses.field(default_factory=dict)
    schedule: list[tuple[dict[str, Any], str]] = dataclasses.field(default_factory=list)
    series: dict[str, tuple[Any, str]] = dataclasses.field(default_factory=dict)
    meta: dict[str, tuple[Any, str]] = dataclasses.field(default_factory=dict)


def _load_layers(path: Path, chain: tuple[Path, ...] = ()) -> _Layer:
    path = path.resolve()
    source = str(path)
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ConfigError(str(chain[-1]), "extends", f"extends cycle: {cycle}")
    data = _read_toml(path, str(chain[-1]) if chain else source)
    layer = _Layer()
    if "extends" in data:
        parent = data.pop("extends")
        if not isinstance(parent, str):
            raise ConfigError(source, "extends", "must be a file path in quotes")
        parent_path = (path.parent / parent).resolve()
        if not parent_path.is_file():
            raise ConfigError(source, "extends", f"file not found: {parent_path}")
        layer = _load_layers(parent_path, (*chain, path))
    for key in ("name", "description"):
        if key in data:
            value = data.pop(key)
            if not isinstance(value, str):
                raise ConfigError(source, key, f"must be text, got {value!r}")
            problem = folder_name_problem(value) if key == "name" else None
            if problem is not None:
                raise ConfigError(source, key, problem)
            layer.meta[key] = (value, source)
    if "schedule" in data:
        entries = data.pop("schedule")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ConfigError(source, "schedule", "must be a list of [[schedule]] tables")
        layer.schedule = layer.schedule + [(entry, source) for entry in entries]
    if "series" in data:
        from abm import series  # noqa: PLC0415 - abm.series imports this module

        # a file's series for a key replaces the one it extends
        for key, table in series.tables(data.pop("series"), source).items():
            layer.series[key] = (table, source)
    for section, table in data.items():
        if section not in SECTIONS:
            allowed = [*SECTIONS, "extends", "name", "description", "schedule", "series"]
            raise ConfigError(source, section, f"unknown section{_suggest(section, allowed)}")
        if not isinstance(table, dict):
            raise ConfigError(source, section, "must be a table ([section])")
        for key, value in _flatten(table).items():
            layer.values[f"{section}.{key}"] = (value, source)
    return layer


def coerce_value(key: str, value: Any, source: str) -> Any:
    """Check one value against its declared field and return it in the field's type."""
    try:
        f = field_of(key)
    except (KeyError, ValueError):
        raise ConfigError(source, key, f"unknown key{_suggest(key, all_keys())}") from None
    meta = f.metadata
    hint = _field_types(f)
    value = _coerce_type(key, value, hint, source)
    _check_range(key, value, meta, source)
    return value


@functools.cache  # resolving type hints is most of the cost of loading a config
def _field_types(f: dataclasses.Field) -> Any:
    owner = next(cls for cls in SECTIONS.values() if f in dataclasses.fields(cls))
    return typing.get_type_hints(owner)[f.name]


def coerce_date(key: str, value: Any, source: str) -> dt.date:
    """A date from TOML (a local date, or text YYYY-MM-DD), checked as a config date is."""
    return _coerce_type(key, value, dt.date, source)


def _type_name(hint: Any) -> str:
    if typing.get_origin(hint) is tuple:
        return "a list of numbers"
    return {
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        str: "text",
        dt.date: "a date (YYYY-MM-DD)",
    }.get(hint, str(hint))


def _coerce_type(key: str, value: Any, hint: Any, source: str) -> Any:
    wrong = ConfigError(source, key, f"must be {_type_name(hint)}, got {value!r}")
    if hint is bool:
        if not isinstance(value, bool):
            raise wrong
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise wrong
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise wrong
        return value
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            if value.timetz() != dt.time(0):  # a time of day would be silently dropped
                raise ConfigError(
                    source, key, f"must be a date (YYYY-MM-DD) without a time of day, got {value}"
                )
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ConfigError(
                    source, key, f"not a valid date (YYYY-MM-DD): {value!r}"
                ) from None
        raise wrong
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list | tuple):
            raise wrong
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise wrong
            items.append(float(item))
        return tuple(items)
    if isinstance(hint, types.UnionType):  # pragma: no cover - no optional fields yet
        return value
    raise wrong  # pragma: no cover


def _check_range(key: str, value: Any, meta: Mapping[str, Any], source: str) -> None:
    choices = meta.get("choices")
    if choices and value not in choices:
        raise ConfigError(
            source,
            key,
            f"must be one of {', '.join(choices)}; got {value!r}{_suggest(str(value), choices)}",
        )
    problem = range_problem(key, value, meta)
    if problem is not None:
        raise ConfigError(source, key, problem)


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value`` from the command line and read the value as TOML data.

    ``850`` is a number, ``true`` a boolean, ``2027-04-01`` a date, ``[0.5, 0.5]`` a list and
    anything that is not valid TOML is taken as text. Nothing is evaluated.
    """
    if "=" not in text:
        raise ConfigError("--set", text, "must look like key=value (e.g. hospital.beds=850)")
    key, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Read, merge and validate a scenario file and command-line overrides.

    Raises:
        ConfigError: at the first problem, naming the file (or ``--set``) and the key.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(str(path), "", "file not found")
    layer = _load_layers(path)
    values = dict(layer.values)
    for text in overrides:
        key, value = parse_override(text)
        values[key] = (value, "--set")
    return build_scenario(
        values,
        layer.schedule,
        layer.series,
        name=layer.meta.get("name", (path.stem, ""))[0],
        description=layer.meta.get("description", ("", ""))[0],
        source=str(path.resolve()),
    )


def build_scenario(
    values: Mapping[str, tuple[Any, str]],
    schedule: Iterable[tuple[Mapping[str, Any], str]] = (),
    series: Mapping[str, tuple[Any, str]] | None = None,
    *,
    name: str = "scenario",
    description: str = "",
    source: str = "",
) -> Scenario:
    """Validate raw values (each with the file it came from) into a frozen scenario.

    Each value is checked against its field, then the whole scenario and every date of its
    timeline (``[[schedule]]`` and ``[series]``, :meth:`Scenario.timeline`) against the rules
    of :mod:`abm.validation`; ``source`` is named for a broken rule whose key no file set.
    ``series`` maps a dotted key to its raw ``[series]`` table and the file that holds it.
    """
    sections: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for key, (value, origin) in values.items():
        section, field_name = _split_key(key, origin)
        sections[section][field_name] = coerce_value(key, value, origin)
    built = {section: SECTIONS[section](**fields) for section, fields in sections.items()}
    scenario = Scenario(name=name, description=description, **built)
    workforce = scenario.workforce
    if workforce.pay_rule != "market" and workforce.pay_rise_paid_by == "none":
        origin = values.get(
            "workforce.pay_rise_paid_by", values.get("workforce.pay_rule", (None, ""))
        )[1]
        raise ConfigError(
            origin,
            "workforce.pay_rise_paid_by",
            f"pay rule {workforce.pay_rule!r} raises care pay, so someone must pay for it: "
            "set pay_rise_paid_by to 'fees' or 'providers'",
        )
    given = {key: origin for key, (_, origin) in values.items()}
    check_rules(scenario, given, source)
    steps = [(_build_change(entry, origin, scenario), origin) for entry, origin in schedule]
    steps.sort(key=lambda step: step[0].date)
    built: list[tuple[Series, str]] = []
    if series:
        from abm import series as dated  # noqa: PLC0415 - abm.series imports this module

        built = [
            (dated.build(key, table, origin, scenario), origin)
            for key, (table, origin) in sorted(series.items())
        ]
        dated.check_clashes(built, steps)
    origins = {(change.date, key): origin for change, origin in steps for key, _ in change.changes}
    for one, origin in built:
        origins |= {(day, one.key): origin for day, _ in one.changes()}
    resolved = dataclasses.replace(
        scenario,
        schedule=tuple(change for change, _ in steps),
        series=tuple(one for one, _ in built),
    )
    current = scenario
    for change in resolved.timeline():
        current = current.with_changes(change.changes)
        setters = {key: origins[change.date, key] for key, _ in change.changes}
        check_rules(current, given | setters, source)
    return resolved


def check_rules(scenario: Scenario, given: Mapping[str, str], source: str) -> None:
    """Stop at the first rule of :mod:`abm.validation` that ``scenario`` breaks, naming the
    file that set its key (``given``: key -> file) or else ``source``."""
    for problem in validation.problems(scenario):
        raise ConfigError(given.get(problem.key, source), problem.key, problem.message)


def _build_change(entry: Mapping[str, Any], source: str, scenario: Scenario) -> ScheduledChange:
    unknown = set(entry) - {"date", "set"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(
            source, f"schedule.{key}", "unknown key (a [[schedule]] entry has 'date' and 'set')"
        )
    if "date" not in entry:
        raise ConfigError(source, "schedule.date", "missing: every [[schedule]] entry needs a date")
    when = _coerce_type("schedule.date", entry["date"], dt.date, source)
    sets = entry.get("set")
    if not isinstance(sets, Mapping) or not sets:
        raise ConfigError(
            source,
            "schedule.set",
            'must be a table of lever changes, e.g. set = { "hospital.beds" = 700 }',
        )
    changes = []
    for key, value in _flatten(sets).items():
        if key.startswith("run."):
            raise ConfigError(source, f"schedule.set.{key}", "run settings cannot change mid-run")
        if key in FIXED_FOR_A_RUN:
            raise ConfigError(source, f"schedule.set.{key}", FIXED_FOR_A_RUN[key])
        _split_key(key, source)
        changes.append((key, coerce_value(key, value, source)))
    first = scenario.run.start_date - dt.timedelta(days=scenario.run.warmup_days)
    for key, _ in changes:
        if key in APRIL_ONLY and ((when.month, when.day) != (4, 1) or when <= first):
            raise ConfigError(
                source,
                f"schedule.set.{key}",
                f"changes only on a 1 April after the first simulated day {first}, when "
                f"budgets are set (got {when}); give the first value as {key} itself",
            )
    last = _add_years(scenario.run.start_date, scenario.run.years)
    if not first <= when < last:
        raise ConfigError(
            source, "schedule.date", f"{when} is outside the simulated period {first} to {last}"
        )
    return ScheduledChange(date=when, changes=tuple(changes))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def end_date(run: RunConfig) -> dt.date:
    """The first day after the reported period."""
    return _add_years(run.start_date, run.years)


def scale_area(scenario: Scenario, residents_65plus: int) -> Scenario:
    """The same system for an area of ``residents_65plus`` residents.

    Every field declared ``area=True`` (beds, capacities, background hospital load) is scaled
    in proportion, in the scenario, in its ``[[schedule]]`` (winter beds open in proportion
    too) and in its dated series (each point; a linear series then runs between the scaled
    points, so a results folder's ``config.toml`` compiles to the same steps). A small area
    is then the default area in miniature: handy for quick runs, tests and the visual server.
    Commands go through :func:`apply_area`, which checks the number first.
    """
    factor = residents_65plus / scenario.population.residents_65plus

    def scaled(key: str, value: Any) -> Any:
        f = field_of(key)
        if not f.metadata.get("area"):
            return value
        return round(value * factor) if isinstance(f.default, int) else value * factor

    changes: list[tuple[str, Any]] = [(AREA_KEY, residents_65plus)]
    changes += [
        (key, scaled(key, scenario.get(key)))
        for key in all_keys()
        if field_of(key).metadata.get("area")
    ]
    schedule = tuple(
        dataclasses.replace(
            change, changes=tuple((key, scaled(key, value)) for key, value in change.changes)
        )
        for change in scenario.schedule
    )
    series = tuple(
        dataclasses.replace(
            one, points=tuple((day, scaled(one.key, value)) for day, value in one.points)
        )
        for one in scenario.series
    )
    return dataclasses.replace(scenario.with_changes(changes), schedule=schedule, series=series)


def apply_area(
    scenario: Scenario, residents_65plus: object, source: str, key: str = AREA_KEY
) -> Scenario:
    """The area-scaling rule of ``run``, ``compare``, ``sweep`` and ``serve``: the scenario's
    system in an area of ``residents_65plus`` residents 65+ (:func:`scale_area`).

    The number is checked as ``population.residents_65plus`` is (a whole number, at least 10);
    a bad one stops with one message naming ``source`` (``--area``, ``--set``, a sweep file)
    and ``key`` (how that source calls it).

    Raises:
        ConfigError: the number is not a whole number of at least 10.
    """
    try:
        residents = coerce_value(AREA_KEY, residents_65plus, source)
    except ConfigError as error:
        raise ConfigError(source, key, error.message) from None
    scaled = scale_area(scenario, residents)
    for problem in validation.problems(scaled):
        name = key if problem.key == AREA_KEY else problem.key
        raise ConfigError(source, name, problem.message)
    return scaled


def area_from_command_line(
    overrides: Iterable[str], area: int | None, say: Callable[[str], object]
) -> tuple[list[str], int | None, str]:
    """The area asked for on the command line, and the other ``--set`` overrides.

    On the command line ``--set population.residents_65plus=N`` means ``--area N``: changing
    the number of residents alone would leave a full-size hospital and full-size services in
    a small area, so the whole area is scaled instead (``say`` is told so in one line). Given
    with ``--area`` as well, it is refused: two answers to one question.

    Returns:
        The overrides without the number of residents, the residents (None: the config's own
        area) and where they were given (``--area`` or ``--set``).

    Raises:
        ConfigError: both ``--area`` and ``--set population.residents_65plus`` were given, or
            the number is not a whole number of at least 10.
    """
    rest: list[str] = []
    residents: int | None = None
    for text in overrides:
        key, value = parse_override(text)
        if key == AREA_KEY:
            residents = coerce_value(AREA_KEY, value, "--set")
        else:
            rest.append(text)
    if residents is None:
        if area is not None:
            coerce_value(AREA_KEY, area, "--area")
        return rest, area, "--area"
    if area is not None:
        raise ConfigError(
            "--area",
            AREA_KEY,
            f"given twice (--area {area} and --set {AREA_KEY}={residents}); "
            "both scale the area: give one",
        )
    say(
        f"care-abm: --set {AREA_KEY}={residents} scales the whole area, as --area {residents} "
        "does (beds and capacities in proportion)"
    )
    return rest, residents, "--set"
