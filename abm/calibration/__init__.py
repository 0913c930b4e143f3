"""Calibration and validation against England's published figures (``care-abm calibrate``).

The model knows nothing of calibration: a calibration builds scenarios with
:meth:`abm.config.Scenario.with_changes` and runs them on the sweep engines.

- :mod:`abm.calibration.targets`: the validation targets (``seeds/targets.csv``), their local
  values by the area-scaling rule, tolerances and the fit / check split.
- :mod:`abm.calibration.spec`: calibration files, validated before any run.
- :mod:`abm.calibration.fit`: the loss in tolerances, the quadratic emulator and its minimum.
- :mod:`abm.calibration.runner`: waves of designed points, verification, the calibrated file.
- :mod:`abm.calibration.output`: the calibrated config layer the baseline extends.
- :mod:`abm.calibration.report`: the report and ``docs/calibration_status.csv``.
- :mod:`abm.calibration.figures`: the fit's and the report's figures.
- :mod:`abm.calibration.command`: the ``care-abm calibrate`` command line.
"""
