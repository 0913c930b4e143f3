"""The visual server: policy levers, the run against its baseline, and where every patient is.

``care-abm serve [CONFIG]`` runs this package with ``solara run abm.app`` (see
:mod:`abm.server`); :func:`Page` is the page. It is built from Solara components around the
Mesa model (the model is not spatial, so there is no grid):

* :mod:`abm.app.levers`: the inputs, each a dotted config key in plain words and units.
* :mod:`abm.app.runs`: the run and its baseline, stepped together under one lock, and the
  frames the page draws.
* :mod:`abm.app.charts`: the time-series charts (ECharts, drawn by the browser).
* :mod:`abm.app.board`: the hospital's beds as dots, and residents elsewhere.
* :mod:`abm.app.kpis`: the KPI table, grouped, for the config's area, and its CSV.
* :mod:`abm.app.controls`: Step, Play and Reset, and one tab's session.
* :mod:`abm.app.widgets`: a lever's input, a chart, tables, and the guard that keeps errors
  off the page.
* :mod:`abm.app.page`: the sidebar and the four named pages.

The app reads the model's ``daily`` table, its KPIs and its config; the model knows nothing of
the app.
"""

from __future__ import annotations

import solara

from abm.app.page import Page

routes = [solara.Route(path="/", component=Page, label="care-abm")]
"""One page: without this, Solara would make a route (and a tab) of every module here."""

__all__ = ["Page", "routes"]
