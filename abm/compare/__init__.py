"""Paired policy comparisons and their reports (``care-abm compare``, ``care-abm report``).

The model knows nothing of comparisons: a comparison runs each config with
:func:`abm.run.run_replications` and writes each as an ordinary results folder, then pairs
replication k of every config with replication k of the base (same seed: common random
numbers).

- :mod:`abm.compare.pairing`: which configs can be paired, and their names.
- :mod:`abm.compare.stats`: paired differences, t-intervals, the share of agreeing signs.
- :mod:`abm.compare.runner`: run the configs into a comparison folder.
- :mod:`abm.compare.folder`: read a finished comparison folder back.
- :mod:`abm.compare.figures`: side-by-side figures (level and paired difference).
- :mod:`abm.compare.text`: how KPIs and differences are written for readers.
- :mod:`abm.compare.assumptions`: the assumptions behind the results, in words.
- :mod:`abm.compare.calibration`: the baseline's calibration status, when committed.
- :mod:`abm.compare.report`: one self-contained HTML report per comparison.
- :mod:`abm.compare.pages`: the docs pages of the experiments.
- :mod:`abm.compare.command`: the command line.
"""

from abm.callable_module import make_callable

make_callable(__name__, "compare")  # abm.compare(base, other) is abm.api.compare: see there
