"""Write the England 2010-2019 replay's inputs from the shared history series.

Reads ``../shared/history/inputs.csv`` (the published figures, as given) and writes, into
``experiments/history/``, the dated series the replay runs on, each a ``date,value`` CSV file,
and the replay's config ``england_2010_2019.toml``. Every step is arithmetic on the inputs,
said here and on the page (docs/experiments/england_2010_2019.md); nothing is read from the
published record of outcomes, which is not in this project::

    .venv/bin/python scripts/history_inputs.py            # rewrite the files
    .venv/bin/python scripts/history_inputs.py --check    # exit 1 if they are out of date

The area: one typical council area by the project's area rule, England / 152: 8.7 million
residents aged 65+ at Census 2011 (history inputs, ``population_65plus``) / 152 = 57,237.
Capacities with no 2010 input (care-home beds, social workers, brokers, the background load of
the hospital, intermediate-care beds, ...) keep the baseline's per resident aged 65+, that is
the baseline scaled to 57,237 residents (:func:`abm.config.scale_area`); the hospital's beds,
the council's budget and the NHS budget that pays for the beds come from the inputs.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from abm.config import Scenario, all_keys, field_of, load_scenario, scale_area  # noqa: E402
from abm.policy.wage_floor import MINIMUM_WAGE_DATES, ByDate  # noqa: E402
from abm.prices import PricesConfig, price_index  # noqa: E402

INPUTS = ROOT.parent / "shared" / "history" / "inputs.csv"
OUT = ROOT / "experiments" / "history"
AREAS = 152
ENGLAND_65PLUS_2011 = 8_700_000.0
RESIDENTS = round(ENGLAND_65PLUS_2011 / AREAS)
START, END = dt.date(2010, 4, 1), dt.date(2019, 3, 31)
BED_COST = 562.0  # GBP a bed-night, DD-18 (nhs.bed_day_cost_gbp): as nhs.budget_gbp's source


def first_day(baseline: Scenario) -> dt.date:
    """The replay's first simulated day: 1 April as many whole years before ``START`` as the
    baseline warms up (``run.warmup_days``), so that the replay settles from its synthetic
    first day as the baseline does (docs/model.md, "The first day")."""
    years = round(baseline.run.warmup_days / 365.25)
    return START.replace(year=START.year - years)


def read_inputs() -> dict[tuple[str, str], float]:
    """The inputs' England values by (series, period), and England and Wales or UK values
    by (series, period, geography) where England has none."""
    values: dict = {}
    with INPUTS.open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            values[r["series"], r["period"], r["geography"]] = float(r["value"])
            if r["geography"] == "England":
                values[r["series"], r["period"]] = float(r["value"])
    return values


def deflator(year: int) -> float:
    """The price index of the financial year starting in April ``year``, 2025-26 = 1, with
    2009-10 one year's change (2010-11's) below 2010-11."""
    prices = PricesConfig()
    if year >= 2010:
        return price_index(prices, year)
    return price_index(prices, 2010) / (1.0 + prices.inflation[0])


def linear_at(day: dt.date, a: tuple[dt.date, float], b: tuple[dt.date, float]) -> float:
    """The straight line through two dated values, at ``day``."""
    (d0, v0), (d1, v1) = a, b
    return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days


def council_budgets(inputs: dict[tuple[str, str], float], baseline_budget: float) -> list:
    """``council.budget_gbp`` each 1 April from 2009 to 2018 (GBP a year, 2025-26 prices).

    Councils' gross current expenditure on adult social care in cash (England), less the
    Spring Budget 2017 grant paid separately (it arrives as ``grants.social_care_gbp``), in
    2025-26 prices by the deflator; then as a share of 2022-23's real spending, times the
    baseline's budget (which is 2022-23 spending for residents 65+ per area, uprated to 2025;
    ``council.budget_gbp``'s source), times 152.94 / 152 (the baseline's area is England x
    68,000 / 10.4m, this one England / 152). 2014-15 (missing) is the mean of its neighbours.
    """
    series = "asc_gross_current_expenditure_cash"
    cash = {
        year: inputs.get((series, f"{year}-{(year + 1) % 100:02d}")) for year in range(2009, 2023)
    }
    cash[2014] = (cash[2013] + cash[2015]) / 2.0
    real_2022 = cash[2022] / deflator(2022)
    factor = baseline_budget * (10_400_000 / 68_000) / AREAS / real_2022
    grants = spring_budget(inputs)
    points = []
    for year in range(2009, 2019):
        spent = cash[year] - grants.get(year, 0.0)
        points.append((dt.date(year, 4, 1), factor * spent / deflator(year)))
    return points, factor


def spring_budget(inputs: dict[tuple[str, str], float]) -> dict[int, float]:
    """The Spring Budget 2017 money, GBP billion cash by financial year: the first £1bn in
    2017-18 (as given); the other £1bn of the £2bn over 2017-18 to 2019-20, split evenly
    over 2018-19 and 2019-20 (assumption: the inputs give only the total)."""
    first = inputs[("spring_budget_2017_asc_grant", "2017-18")]
    total = inputs[("spring_budget_2017_asc_grant", "2017-18/2019-20")]
    return {2017: first, 2018: (total - first) / 2.0}


def write_csv(name: str, points: list[tuple[dt.date, float]], digits: int) -> str:
    """One ``date,value`` series file; returns its text."""
    lines = ["date,value"] + [f"{day.isoformat()},{round(value, digits)}" for day, value in points]
    return "\n".join(lines) + "\n"


def population(inputs: dict[tuple[str, str], float]) -> dict[str, tuple[float, list]]:
    """England's 65+, 85+ and 90+ counts: the configured value (held until the first point)
    and the points within the run, each on a straight line between two published figures of
    one geography and method, read at the run's last day where the second lies beyond it.

    - 65+: England, Census 2011 (8.7m, derived in the inputs) and Census 2021 (10.4m).
    - 85+: UK mid-year estimates 2017 and 2018 (1.6m) and 2019 (1.67m); before mid-2017 the
      inputs have no 85+ figures of one geography, so the floor holds (the 90+ floor still
      grows). UK, not England: only the growth is used.
    - 90+: England and Wales, Census 2011 (429,017) and Census 2021 (527,900).
    """
    census_2011, census_2021 = dt.date(2011, 3, 27), dt.date(2021, 3, 21)
    p65 = (
        (census_2011, inputs[("population_65plus", "2011 (Census)")]),
        (census_2021, inputs[("population_65plus", "2021 (Census)")]),
    )
    wales = "England and Wales"
    p90 = (
        (census_2011, 429_017.0),  # Census 2011, in the note of the 2021 row
        (census_2021, inputs[("population_90plus", "2021 (Census)", wales)]),
    )
    mid = {year: dt.date(year, 6, 30) for year in (2017, 2018, 2019)}
    p85 = [
        (mid[y], inputs[("population_85plus", str(y), "United Kingdom")])
        for y in (2017, 2018, 2019)
    ]
    return {
        "england_65plus": (p65[0][1], [p65[0], (END, linear_at(END, *p65))]),
        "england_85plus": (p85[0][1], [*p85[:2], (END, linear_at(END, p85[1], p85[2]))]),
        "england_90plus": (p90[0][1], [p90[0], (END, linear_at(END, *p90))]),
    }


def beds() -> tuple[int, list]:
    """General and acute beds, England / 152: 110,568 in Q1 2010-11 and 102,194 in Q4
    2019-20 (BED-01 and its note), on a straight line between mid-quarters, read at the
    run's last day."""
    a = (dt.date(2010, 5, 15), 110_568 / AREAS)
    b = (dt.date(2020, 2, 15), 102_194 / AREAS)
    return round(a[1]), [(a[0], round(a[1])), (END, round(linear_at(END, a, b)))]


def outside_wage(baseline: Scenario) -> list[tuple[dt.date, float]]:
    """The pay of the best jobs outside care open to care workers, by date: the baseline's
    ``workforce.outside_wage_gbp`` stands the same share above the National Living Wage of
    2025-26 (its source: "a little above the National Living Wage"), and the replay keeps it
    that share above the legal floor in force, in 2025-26 prices, at each change of the floor
    and each April (when the deflator moves). Held flat in real terms at today's level, it
    stood 49% above the 2010 floor and emptied care of staff (docs/experiments/
    england_2010_2019.md)."""
    params = baseline.with_changes(
        [("prices.base", "2025-26"), ("workforce.wage_floor", "by_date")]
    )
    floor = ByDate()
    ratio = params.workforce.outside_wage_gbp / floor.rate(dt.date(2025, 4, 1), params)
    start = first_day(baseline)
    days = sorted(
        {start, *MINIMUM_WAGE_DATES, *(dt.date(y, 4, 1) for y in range(start.year, 2020))}
    )
    return [(day, round(floor.rate(day, params) * ratio, 4)) for day in days if day <= END]


NHS_BAND2 = ((dt.date(2010, 4, 1), 13_653.0), (dt.date(2018, 4, 1), 17_460.0))
"""Agenda for Change band 2's entry point in cash, GBP a year: 1 April 2010 (PAY-13) and 1 April
2018 (PAY-14)."""
NHS_SCALE = ("nhs_band2_gbp", "nhs_band3_gbp", "nhs_band3_experienced_gbp")


def nhs_pay(baseline: Scenario) -> dict[str, list[tuple[dt.date, float]]]:
    """The NHS pay scale each April, 2025-26 prices: every point of the baseline's scale
    (``workforce.nhs_band2_gbp``, ``nhs_band3_gbp``, ``nhs_band3_experienced_gbp``, the rates
    of April 2024 taken as in the price base) times band 2's entry point that April over the
    baseline's band 2. Band 2's entry point in real terms runs on a straight line from April
    2010 (PAY-13) to April 2018 (PAY-14), and holds at April 2010's before. Held at today's
    level, healthcare assistants' pay stood 65% above the replay's care pay in 2010 and the
    care workforce turned over 2.3 times a year (docs/experiments/england_2010_2019.md)."""
    (d0, cash0), (d1, cash1) = NHS_BAND2
    real = ((d0, cash0 / deflator(d0.year)), (d1, cash1 / deflator(d1.year)))
    start = first_day(baseline)
    days = [dt.date(y, 4, 1) for y in range(start.year, END.year)]
    w = baseline.workforce
    return {
        key: [
            (day, round(getattr(w, key) * linear_at(max(day, d0), *real) / w.nhs_band2_gbp, 1))
            for day in days
        ]
        for key in NHS_SCALE
    }


def toml_value(value: object) -> str:
    """A TOML literal for a config value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def build() -> dict[str, str]:
    """Every file's text, by name."""
    inputs = read_inputs()
    baseline = load_scenario(ROOT / "experiments" / "baseline.toml")
    area = scale_area(baseline, RESIDENTS)
    budgets, factor = council_budgets(inputs, baseline.council.budget_gbp)
    grant = spring_budget(inputs)
    grant_points = [(dt.date(y, 4, 1), factor * grant[y] / deflator(y)) for y in sorted(grant)]
    first_beds, bed_points = beds()
    ic_chc = (baseline.nhs.budget_gbp - 668 * BED_COST * 365.25) * RESIDENTS / 68_000
    nhs_budget = first_beds * BED_COST * 365.25 + ic_chc
    files = {
        "council_budget.csv": write_csv("council_budget", budgets, 0),
        "hospital_beds.csv": write_csv("hospital_beds", bed_points, 0),
    }
    pops = population(inputs)
    for key, (_, points) in pops.items():
        files[f"population_{key.split('_')[1]}.csv"] = write_csv(key, points, 0)
    skip = {"council.budget_gbp", "hospital.beds", "nhs.budget_gbp"}
    area_lines = [
        f"{key.split('.')[1]} = {toml_value(area.get(key))}"
        for key in all_keys()
        if field_of(key).metadata.get("area") and key not in skip and not key.startswith("grants.")
    ]
    by_section: dict[str, list[str]] = {}
    for key in all_keys():
        if field_of(key).metadata.get("area") and key not in skip and not key.startswith("grants."):
            by_section.setdefault(key.split(".")[0], []).append(
                f"{key.split('.')[1]} = {toml_value(area.get(key))}"
            )
    assert len(area_lines) == sum(len(v) for v in by_section.values())
    extra = {
        "population": [
            f"residents_65plus = {RESIDENTS}",
            'demography = "projection"',
            *(f"{key} = {value:.1f}" for key, (value, _) in pops.items()),
        ],
        # Emergency admissions follow England's monthly pattern (SEA rows, docs/model.md,
        # Winter), so the winters of 2010-2019 show in the monthly figures.
        "admissions": ['seasonality = "england"'],
        "hospital": [f"beds = {first_beds}"],
        "council": [f"budget_gbp = {budgets[0][1]:.1f}"],
        "nhs": [f"budget_gbp = {nhs_budget:.1f}"],
        "workforce": ['wage_floor = "by_date"'],
        # Budgets and beds are given by date; nothing else grows with the head count.
        "capacity": ["grows_with_population = false"],
        "prices": ['base = "2025-26"'],
    }
    sections = []
    for section in dict.fromkeys([*extra, *by_section]):
        lines = [*extra.get(section, []), *by_section.get(section, [])]
        sections.append(f"[{section}]\n" + "\n".join(lines) + "\n")
    series = [
        ("council.budget_gbp", "step", "GBP a year", "council_budget.csv"),
        ("hospital.beds", "linear", "beds", "hospital_beds.csv"),
        ("population.england_65plus", "linear", "people (England)", "population_65plus.csv"),
        ("population.england_85plus", "linear", "people (England)", "population_85plus.csv"),
        ("population.england_90plus", "linear", "people (England)", "population_90plus.csv"),
    ]
    series_text = "".join(
        f'\n[series."{key}"]\ninterpolation = "{how}"\nunit = "{unit}"\nfile = "{file}"\n'
        for key, how, unit, file in series
    )
    grant_text = ", ".join(
        f"{{ date = {day.isoformat()}, value = {value:.1f} }}" for day, value in grant_points
    )
    wage_text = ",\n    ".join(
        f"{{ date = {day.isoformat()}, value = {value} }}" for day, value in outside_wage(baseline)
    )
    nhs_text = "".join(
        f'\n[series."workforce.{key}"]\ninterpolation = "step"\nunit = "GBP a year"\npoints = [\n'
        + "".join(f"    {{ date = {day.isoformat()}, value = {v} }},\n" for day, v in points)
        + "]\n"
        for key, points in nhs_pay(baseline).items()
    )
    files["england_2010_2019.toml"] = (
        header(baseline)
        + "\n".join(sections)
        + f"""
# Better Care Fund: the council and the NHS pool part of their budgets from April 2015, at the
# project's shares (funding.pool_council_share, funding.pool_nhs_share).
[[schedule]]
date = 2015-04-01
set = {{ "funding.pool" = "pooled" }}
{series_text}
# Spring Budget 2017 money for adult social care, to the council (purpose: social care), taken
# out of the council's budget above so that it is not counted twice.
[series."grants.social_care_gbp"]
interpolation = "step"
unit = "GBP a year"
points = [{grant_text}]

# Pay outside care (retail, hospitality) keeps the baseline's share above the legal floor in
# force (2025-26 prices), at each change of the floor and each April.
[series."workforce.outside_wage_gbp"]
interpolation = "step"
unit = "GBP an hour"
points = [
    {wage_text},
]

# NHS pay (Agenda for Change, the scale care workers compare theirs with) by band 2's entry
# point each April, 2025-26 prices: a straight line from April 2010 (PAY-13) to April 2018
# (PAY-14), held at April 2010's before.
{nhs_text}"""
    )
    return files


def header(baseline: Scenario) -> str:
    """The replay config's opening lines: what it is, and its horizon."""
    return HEADER.format(start=START.isoformat(), warmup_days=(START - first_day(baseline)).days)


HEADER = """# England 2010-2019: one typical council area, driven by what happened (issue 17).
# GENERATED by scripts/history_inputs.py from ../shared/history/inputs.csv: do not edit; the
# page docs/experiments/england_2010_2019.md says how each series is derived. Nothing here is
# fitted to the published record of outcomes (delays, admissions, vacancies, people supported).
#   care-abm run experiments/history/england_2010_2019.toml --jobs 2
# The area is England / 152 (57,237 residents 65+ = 8.7m at Census 2011 / 152); capacities
# with no 2010 input keep the baseline's per resident 65+. Money in 2025-26 prices.
extends = "../baseline.toml"
name = "england_2010_2019"
description = "A typical English council area, 2010-11 to 2018-19, driven by the history inputs"

[run]
start_date = {start}
years = 9
warmup_days = {warmup_days}
replications = 8

"""


def main(argv: list[str] | None = None) -> int:
    """Write the files (or, with --check, compare them); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, text in build().items():
        path = OUT / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for name in stale:
        print(f"out of date: {OUT / name} (run scripts/history_inputs.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
