"""Calibration and validation against England's published figures (``care-abm calibrate``).

The model knows nothing of calibration: a calibration builds scenarios with
:meth:`abm.config.Scenario.with_changes` and runs them on the sweep engines.

- :mod:`abm.calibration.targets`: the validation targets (``seeds/targets.csv``), their local
  values by the area-scaling rule, tolerances and the fit / check split.
- :mod:`abm.calibration.spec`: calibration files, validated before any run.
- :mod:`abm.calibration.fit`: each target's z in tolerances, and the loss.
- :mod:`abm.calibration.emulator`: a Gaussian-process emulator per target (scikit-learn).
- :mod:`abm.calibration.history`: implausibility, the non-implausible region, refusals.
- :mod:`abm.calibration.runner`: the waves on the sweep engines, resumable.
- :mod:`abm.calibration.summary`: the history across waves; the ensemble, tables, fit.json.
- :mod:`abm.calibration.ensemble`: the plausible ensemble, and how run and compare use it.
- :mod:`abm.calibration.output`: the calibrated config layer the baseline extends.
- :mod:`abm.calibration.report`: the report and ``docs/calibration_status.csv``;
  :mod:`abm.calibration.history_report` its sections on history matching.
- :mod:`abm.calibration.figures`: the fit's and the report's figures.
- :mod:`abm.calibration.command`: the ``care-abm calibrate`` command line.
"""
