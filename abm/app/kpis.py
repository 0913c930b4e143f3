"""The KPI table: every KPI of the run and of the baseline so far, grouped, in plain units.

Groups and number formats are the comparison reports' own (:mod:`abm.compare.text`), so the
page and the reports write a KPI the same way.

Counts and money are given for the config's area (the area the levers describe): the
simulated area's figure times the ratio of the two areas, the rule that scaled the levers
down, turned round. Shares are percentages, rates per 1,000 residents, days and hourly pay
do not depend on the size of the area and are shown as they are. The unit of each KPI says
which it is (:func:`scales_with_area`); a KPI with a unit this module does not know is
refused by the tests, so nobody gets a count for the wrong area.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
from collections.abc import Mapping

from abm.compare.text import fmt_difference, fmt_value, sections
from abm.config import Scenario, all_keys
from abm.metrics import KPI_BY_NAME, KPIS, Kpi
from abm.prices import money_unit

PER_AREA_UNITS = (
    "GBP a year",
    "admissions",
    "agencies",
    "bed days",
    "beds",
    "homes",
    "hours a week",
    "packages",
    "patients",
    "people",
    "residents",
)
"""Units of KPIs that grow with the size of the area (counts and money)."""

AREA_FREE_UNITS = (
    "share",
    "per 1,000",
    "per resident-year",
    "days",
    "GBP an hour",
    "GBP per resident",
)
"""Units of KPIs that do not depend on the size of the area."""


def scales_with_area(kpi: Kpi) -> bool:
    """Whether the KPI is a count or an amount of money, which grows with the area.

    Raises:
        ValueError: the KPI's unit is in neither list (decide, and add it to one).
    """
    if " per " in kpi.label or kpi.unit.startswith(AREA_FREE_UNITS):
        return False
    if kpi.unit.startswith(PER_AREA_UNITS):
        return True
    raise ValueError(f"KPI {kpi.name}: unit {kpi.unit!r} is not known to abm.app.kpis")


@dataclasses.dataclass(frozen=True)
class KpiRow:
    """One line of the table, numbers already in the area the table is for."""

    group: str
    name: str
    label: str
    unit: str
    run: float
    baseline: float
    scaled: bool

    @property
    def difference(self) -> float:
        """This run less the baseline."""
        return self.run - self.baseline


def kpi_rows(
    run: Mapping[str, float], baseline: Mapping[str, float], scale: float, scenario: Scenario
) -> list[KpiRow]:
    """Every KPI, grouped as the comparison reports group them, counts and money multiplied
    by ``scale``."""
    rows = []
    for group, names in sections([kpi.name for kpi in KPIS]):
        for name in names:
            kpi = KPI_BY_NAME[name]
            scaled = scales_with_area(kpi)
            factor = scale if scaled else 1.0
            rows.append(
                KpiRow(
                    group=group,
                    name=name,
                    label=plain_label(kpi.label, scenario),
                    unit=plain_unit(money_unit(kpi.unit, scenario.prices.base)),
                    run=_float(run.get(name)) * factor,
                    baseline=_float(baseline.get(name)) * factor,
                    scaled=scaled,
                )
            )
    return rows


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


KEY_PATTERN = re.compile(r"\b[a-z_]+\.[a-z_0-9]+\b")


def plain_label(label: str, scenario: Scenario) -> str:
    """A KPI's label in plain words: config keys become their values, code names words."""
    keys = set(all_keys())

    def value(match: re.Match) -> str:
        key = match.group(0)
        if key not in keys:
            return key
        number = scenario.get(key)
        return f"£{number:,.0f}" if key.endswith("_gbp") else f"{number:,}"

    text = KEY_PATTERN.sub(value, label)
    text = re.sub(r"\battributed to nhs\b", "attributed to the NHS", text)
    text = text.replace("social_care", "social care").replace("_", " ")
    return text.replace(": p99", ": 99th percentile").replace(": max", ": longest")


def plain_unit(unit: str) -> str:
    """A KPI's unit as the table shows it (shares as percentages, pounds as £)."""
    text = re.sub(r"^share\b", "%", unit)
    text = text.replace("GBP", "£").replace("attributed to nhs", "attributed to the NHS")
    return text.replace("social_care", "social care")


def show(row: KpiRow, value: float, *, signed: bool = False) -> str:
    """A value of the row as the comparison reports write it: 81.7%, £12.35m, £12.21, 1,234;
    a difference with its sign (a share's in percentage points)."""
    return fmt_difference(row.name, value) if signed else fmt_value(row.name, value)


def area_note(scale: float, area: int, residents: int) -> str:
    """What area the table's counts and money are for."""
    if math.isclose(scale, 1.0):
        return f"Figures for the simulated area of {residents:,} residents 65+."
    return (
        f"Counts and money are for the config's area of {area:,} residents 65+ (the levers' "
        f"units): the {residents:,} simulated residents' figures times {scale:.3g}. Shares, "
        "rates per 1,000, days and hourly pay are as simulated."
    )


def kpi_csv(rows: list[KpiRow], scale: float, area: int, residents: int, period: str) -> str:
    """The table as CSV: raw numbers (shares as fractions, money in pounds) and the contract's
    KPI names, for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["group", "metric", "label", "unit", "this_run", "baseline", "difference", "scaled_to_area"]
    )
    for row in rows:
        writer.writerow(
            [
                row.group,
                row.name,
                row.label,
                row.unit,
                _raw(row.run),
                _raw(row.baseline),
                _raw(row.difference),
                "yes" if row.scaled else "no",
            ]
        )
    writer.writerow([])
    writer.writerow(["# period", period])
    writer.writerow(["# area", f"{area} residents 65+ (simulated: {residents}; scale {scale:.6g})"])
    return out.getvalue()


def _raw(value: float) -> str:
    return f"{value:.10g}" if math.isfinite(value) else ""


__all__ = [
    "KpiRow",
    "area_note",
    "kpi_csv",
    "kpi_rows",
    "plain_label",
    "plain_unit",
    "scales_with_area",
    "show",
]
