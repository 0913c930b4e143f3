# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tutorial: run the baseline, change a lever, compare two policies
#
# This notebook is a [jupytext](https://jupytext.readthedocs.io) percent-format script: open
# it in Jupyter (with jupytext installed it opens as a notebook), or convert it with
# `jupytext --to ipynb tutorial.py`, or run it as plain Python. It runs a small area (5,000
# residents aged 65+, beds and services scaled to match) for one year with two replications,
# so it takes well under a minute; real analyses use the full area and ten replications.

# %%
import tempfile
from pathlib import Path

from abm import Results, compare, run

SMALL = {"area": 5_000, "replications": 2}
ONE_YEAR = {"run.years": 1}

# %% [markdown]
# ## 1. Run the baseline
#
# `run` takes the name of an experiment that ships with the package (`baseline`,
# `nhs_pay_parity`, ... or a path to your own TOML file), how many replications, and
# overrides by the config's dotted keys. It returns a `Results` object whose tables are
# pandas DataFrames.

# %%
base = run("baseline", overrides=ONE_YEAR, **SMALL)
base

# %% [markdown]
# `summary` has one row per KPI: the mean over replications and its 95% interval (shares
# stay between 0 and 1: the interval is built on the logit scale; see the how-to guides).

# %%
headline = ["emergency_admissions_per_1000", "delayed_patients", "mean_delay_days",
            "delay_reason_share.awaiting_care_home", "council_spend_gbp"]  # fmt: skip
base.summary.set_index("metric").loc[headline, ["mean", "ci_low", "ci_high", "unit"]]

# %% [markdown]
# ## 2. Change a lever
#
# Any config value can be overridden. Values are for the config's area and are scaled with
# it, so 768 beds is the full-size baseline's 668 plus 100, in proportion.

# %%
more_beds = run("baseline", overrides={**ONE_YEAR, "hospital.beds": 768}, **SMALL)
more_beds.summary.set_index("metric").loc[headline, ["mean", "ci_low", "ci_high"]]

# %% [markdown]
# ## 3. Compare two policies
#
# Replication k of every run uses the same seed, so replication k of the baseline and of
# the policy see the same residents and the same chance events (common random numbers).
# `compare` gives the paired difference for every KPI, with its 95% interval and the share
# of replications in which its sign holds.

# %%
parity = run("nhs_pay_parity", overrides=ONE_YEAR, **SMALL)
differences = compare(base, parity).set_index("metric")
differences.loc[
    ["care_vacancy_rate", "delayed_patients", "council_spend_gbp"],
    ["base_mean", "other_mean", "difference", "ci_low", "ci_high", "same_sign_share"],
]

# %%
compare(base, more_beds).set_index("metric").loc[
    ["corridor_waits_per_day", "bed_occupancy"], ["difference", "ci_low", "ci_high"]
]

# %% [markdown]
# ## 4. Plot
#
# `plot` draws a daily output over time (weekly means with the 95% band over replications)
# or a KPI replication by replication. Every daily output is in `timeseries`
# (`date, replication, metric, value`).

# %%
ax = base.plot("delayed")

# %%
ax = base.plot("mean_delay_days")

# %% [markdown]
# ## 5. Read the delays table
#
# `delays` has one row per run of delayed days: the patient, the discharge pathway, the
# date the delay started, how many days it lasted, the reason and the body responsible.

# %%
delays = base.delays
by_reason = (
    delays.groupby(["reason", "responsible"])["days"]
    .agg(delays="count", delayed_days="sum", mean_days="mean")
    .sort_values("delayed_days", ascending=False)
)
by_reason

# %% [markdown]
# ## 6. Save and load
#
# `save` writes the same results folder as `care-abm run` (config, summary, tables,
# figures, metadata); `Results.load` reads it back. The accounts and money flows flag the
# financial years that hold warm-up days (`warmup`).

# %%
folder = Path(tempfile.mkdtemp()) / "baseline-small"
base.save(folder)
again = Results.load(folder)
assert again.summary["mean"].equals(base.summary["mean"])
sorted(p.name for p in folder.iterdir())

# %%
again.accounts[~again.accounts["warmup"]].head()
