"""A replay's outcomes by financial year, as a markdown table beside the published levels.

Reads a results folder of ``experiments/history/england_2010_2019.toml`` and prints, for each
financial year, the means over replications of the outcomes the replay's page holds against
the published record (docs/experiments/england_2010_2019.md): patients delayed a day (all,
and the shares attributed to the NHS, social care and both), emergency admissions of residents
65+ per 1,000 a year, bed occupancy, the care vacancy rate and the residents with long-term
care arranged by the council. The published levels are not read here (they are not inputs);
the page quotes them from ``../shared/calibration/england.csv``::

    .venv/bin/python scripts/history_table.py results/history-replay
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from abm.results import Results  # noqa: E402


def by_year(folder: Path) -> pd.DataFrame:
    """One row per financial year: the replay's outcomes (means over replications)."""
    results = Results.load(folder)
    daily = results.daily().reset_index()
    date = pd.to_datetime(daily["date"])
    daily["year"] = [f"{y}-{(y + 1) % 100:02d}" for y in (date.dt.year - (date.dt.month < 4))]
    grouped = daily.groupby(["year", "replication"])
    table = pd.DataFrame(
        {
            "delayed a day": grouped["delayed"].mean(),
            "NHS %": grouped["delayed_by.nhs"].sum() / grouped["delayed"].sum() * 100,
            "social care %": grouped["delayed_by.social_care"].sum()
            / grouped["delayed"].sum()
            * 100,
            "both %": grouped["delayed_by.both"].sum() / grouped["delayed"].sum() * 100,
            "admissions per 1,000 65+": grouped["resident_emergencies"].sum()
            / grouped["residents"].mean()
            * 1000,
            "occupancy %": grouped["beds_occupied"].mean() / grouped["beds_open"].mean() * 100,
            "care vacancy %": (1 - grouped["care_staff"].mean() / grouped["care_posts"].mean())
            * 100,
            "long-term care (council)": grouped["council_funded"].mean()
            - grouped["reablement_packages"].mean(),
            "residents 65+": grouped["residents"].mean(),
            "85+": grouped["residents_85plus"].mean(),
        }
    )
    return table.groupby("year").mean()


def main(argv: list[str] | None = None) -> int:
    """Print the table for the results folder named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__)
        return 2
    table = by_year(Path(args[0])).round(1)
    print("| year | " + " | ".join(table.columns) + " |")
    print("| --- |" + " ---: |" * len(table.columns))
    for year, row in table.iterrows():
        print(f"| {year} | " + " | ".join(f"{value:,.1f}" for value in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
