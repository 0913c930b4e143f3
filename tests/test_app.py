"""The visual server without a browser: the levers read and write the config's exact values,
the run and its baseline step together and can be read while they step, the charts, board and
KPI table are drawn from the daily table, every component renders, bad input never raises, and
``serve`` refuses a bad config before starting. The browser test is tests/test_app_browser.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
from solara.components.echarts import EchartsWidget

from abm.app import board, charts, controls, echarts, kpis, levers, page, runs, widgets
from abm.config import ConfigError, all_keys, load_scenario
from abm.domain import DelayReason
from abm.metrics import DAILY_COLUMNS, KPIS

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "experiments" / "baseline.toml"
SMALL = {"simulated_residents": 2000, "warmup_days": 60}

# The levers of the contract (DESIGN.md). Each one the config has must be on the page.
CONTRACT_LEVERS = (
    "hospital.beds",
    "population.growth_85plus",
    "council.budget_change",
    "council.eligibility_threshold",
    "council.means_test",
    "funding.pool",
    "workforce.pay_rule",
)


@pytest.fixture(scope="module")
def model() -> runs.AppModel:
    model = runs.AppModel(config=BASELINE, **SMALL)
    for _ in range(20):
        model.step()
    return model


def small_values(**changes: object) -> dict[str, object]:
    """Every lever at the baseline config's value, in a small area, with ``changes``."""
    values = levers.config_values(load_scenario(BASELINE), 2000)
    values["warmup_days"] = 60
    return {**values, **changes}


@pytest.fixture(scope="module")
def simulation() -> runs.Simulation:
    """A run with more beds than the baseline, 30 days in."""
    simulation = runs.Simulation(small_values(hospital_beds=900), config=BASELINE)
    simulation.advance(30)
    return simulation


@pytest.fixture
def app_config(monkeypatch):
    monkeypatch.setenv("CARE_ABM_APP_CONFIG", str(BASELINE))
    monkeypatch.setattr(runs, "DEFAULT_RESIDENTS", 2000)


# --------------------------------------------------------------------------- levers


def test_every_contract_lever_in_the_config_is_on_the_page():
    on_page = {lever.key for lever in levers.active_levers()}
    missing = [key for key in CONTRACT_LEVERS if key in all_keys() and key not in on_page]
    assert not missing, (
        f"{missing} exist in the config but have no input: add one Lever(...) entry each to "
        "abm.app.levers.POLICY_LEVERS"
    )
    assert on_page <= set(all_keys()), "every lever on the page writes to a real config key"
    capacities = {"hospital.beds", "capacity.home_care_hours_per_week", "capacity.care_home_beds"}
    assert capacities & set(all_keys()) <= on_page, "today's stand-in capacities are levers"
    names = [lever.name for lever in levers.all_levers()]
    assert len(names) == len(set(names)), "lever names are unique"


def test_levers_start_at_the_config_and_fit_their_widgets():
    base = load_scenario(BASELINE)
    values = levers.config_values(base, runs.start_residents(base))
    assert set(values) == {lever.name for lever in levers.all_levers()}
    for lever in levers.all_levers():
        value = values[lever.name]
        if lever.kind == "slider":
            low, high = lever.slider_range(value)
            assert low <= lever.shown(value) <= high, lever.name
        if lever.kind == "select":
            assert value in dict(lever.options()), lever.name
    assert values["hospital_beds"] == base.hospital.beds == 668
    assert values["seed"] == base.run.seed
    assert values["simulated_residents"] == runs.DEFAULT_RESIDENTS


def test_levers_speak_plain_english_with_units():
    for lever in levers.all_levers():
        assert "_" not in lever.label, lever.name
        assert "_" not in lever.short_help, lever.name
        assert lever.short_help.endswith("."), lever.name
        if lever.kind == "select":
            codes = lever.field.metadata["choices"]
            assert set(lever.choices) == set(codes), f"{lever.name}: a plain name for every choice"
            assert all(code in lever.choice_tooltip() for code in codes), "code names in tooltip"
        elif lever.name != "seed":
            assert lever.shown_unit, f"{lever.name} shows its unit"
    growth = levers.lever_named("growth_85plus")
    assert growth.text(0.9) == "90"
    assert growth.words(0.9) == "+90%"
    assert growth.parse("90") == pytest.approx(0.9)
    assert levers.lever_named("budget_change").parse("-5.3%") == pytest.approx(-0.053)
    assert levers.lever_named("hospital_beds").words(1200) == "1,200 beds"
    assert levers.lever_named("means_test").words("free_personal_care") == "Free personal care"


@pytest.mark.parametrize("lever", levers.all_levers(), ids=lambda lever: lever.name)
def test_bad_text_in_any_lever_names_its_key(lever):
    entry = "not-a-choice" if lever.kind == "select" else "abc"
    with pytest.raises(ConfigError) as error:
        lever.parse(entry)
    assert error.value.key == lever.key
    assert "Traceback" not in str(error.value)


@pytest.mark.parametrize(
    ("name", "entry", "message"),
    [
        ("seed", "forty-two", "must be a whole number, got 'forty-two'"),
        ("seed", "4.5", "must be a whole number, got '4.5'"),
        ("hospital_beds", "-5", "cannot be negative"),
        ("growth_85plus", "900", "must be at most 500%, got 900%"),
        ("budget_change", "inf", "must be a finite number"),
        ("simulated_residents", "5", "must be at least 10"),
    ],
)
def test_page_entries_are_checked_in_the_page_units(name, entry, message):
    with pytest.raises(ConfigError, match=message):
        levers.lever_named(name).parse(entry)


def test_an_untouched_slider_keeps_the_config_exact_value():
    # Vuetify rounds a value it is given to the slider's step and reports it back (22,268
    # hours a week with a step of 500 came back as 22,500): that report is not a change.
    hours = levers.lever_named("home_care_hours_per_week")
    low, _ = hours.slider_range(22_268)
    assert hours.snapped(22_268, low) == 22_500
    assert hours.from_slider(22_500, 22_268, low) is None, "the echo of the slider is ignored"
    assert hours.from_slider(23_000, 22_268, low) == 23_000, "a real move is a change"
    growth = levers.lever_named("budget_change")
    low, _ = growth.slider_range(-0.0123)
    assert growth.from_slider(growth.snapped(-1.23, low), -0.0123, low) is None
    assert growth.from_slider(2.0, -0.0123, low) == pytest.approx(0.02)


def test_reset_keeps_the_config_exact_values(tmp_path):
    config = tmp_path / "odd.toml"
    config.write_text(
        f'extends = "{BASELINE}"\n[capacity]\nhome_care_hours_per_week = 22268\n'
        "[council]\nstaffing_headroom = 0.37\n"
    )
    base = load_scenario(config)
    values = {**levers.config_values(base, 2000), "warmup_days": 0}
    simulation = runs.Simulation(values, config=config)
    simulation.advance(3)
    simulation.build(dict(simulation.values))  # Reset with nothing touched
    assert simulation.run.chosen.capacity.home_care_hours_per_week == 22_268
    assert simulation.run.chosen.council.staffing_headroom == 0.37
    assert simulation.same, "nothing touched: the run is the baseline"
    assert simulation.frame().day == 0


# --------------------------------------------------------------------------- runs


def test_the_model_starts_after_the_warm_up_on_the_start_date():
    model = runs.AppModel(config=BASELINE, **SMALL)
    assert model.date == dt.date(2025, 4, 1), "the page opens on run.start_date"
    assert model.time == 0, "warm-up days are not Mesa steps"
    assert model.hospital.occupied > 0, "the warm-up fills the hospital"
    simulation = runs.Simulation(small_values(), config=BASELINE)
    frame = simulation.frame()
    assert frame.day == 0
    assert frame.today, "day 0 shows the warm-up's last day"
    assert controls.date_line(frame) == "Tue 01 Apr 2025 · day 0 of 1,826"
    frame = simulation.advance(2)
    assert list(frame.dates.astype(object)) == [dt.date(2025, 4, 1), dt.date(2025, 4, 2)]
    assert controls.date_line(frame) == "Wed 02 Apr 2025 · day 2 of 1,826"
    assert frame.last_date == dt.date(2025, 4, 2), "titles end on the last day with data"


def test_lever_values_build_the_model_in_the_config_units():
    model = runs.AppModel(
        config=BASELINE,
        seed=" 42 ",
        hospital_beds=850,
        home_care_hours_per_week=12000,
        referral_priority="in_order",
        **SMALL,
    )
    assert model.params.run.seed == 42
    assert model.chosen.hospital.beds == 850, "levers are in the config's full-size units"
    factor = 2000 / 68000
    assert model.params.hospital.beds == round(850 * factor), "then scaled to the small area"
    assert model.params.capacity.home_care_hours_per_week == pytest.approx(12000 * factor)
    assert model.params.council.referral_priority == "in_order"
    assert model.params.population.residents_65plus == 2000
    same = runs.AppModel(config=BASELINE, seed=42, **SMALL)
    other = runs.AppModel(config=BASELINE, seed="43", **SMALL)
    first = runs.AppModel(config=BASELINE, seed="42", **SMALL)
    for m in (same, other, first):
        for _ in range(10):
            m.step()
    table = first.datacollector.get_table_dataframe("daily")
    assert table.equals(same.datacollector.get_table_dataframe("daily")), "same seed, same run"
    assert not table.equals(other.datacollector.get_table_dataframe("daily"))


@pytest.mark.parametrize(
    ("lever_values", "message"),
    [
        ({"seed": "forty-two"}, "app: run.seed: must be a whole number, got 'forty-two'"),
        ({"hospital_beds": -5}, "app: hospital.beds: cannot be negative"),
        ({"growth_85plus": 9.0}, "app: population.growth_85plus: must be at most 5"),
        ({"beds": 700}, "app: beds: unknown lever; the levers are hospital_beds"),
        ({"simulated_residents": "many"}, "population.residents_65plus: must be a whole number"),
    ],
)
def test_bad_lever_values_name_the_key(lever_values, message):
    with pytest.raises(ConfigError) as error:
        runs.AppModel(config=BASELINE, **lever_values)
    assert message in str(error.value)


def test_a_bad_value_leaves_the_running_models_as_they_were(simulation):
    before = (simulation.run, simulation.baseline, simulation.generation)
    with pytest.raises(ConfigError, match=r"run\.seed"):
        simulation.build({**simulation.values, "seed": "abc"})
    assert (simulation.run, simulation.baseline, simulation.generation) == before


def test_the_run_and_its_baseline_step_together(simulation):
    frame = simulation.frame()
    assert not frame.same
    assert simulation.run.day == simulation.baseline.day
    assert frame.day == 30
    assert len(frame.run["delayed"]) == len(frame.baseline["delayed"]) == 30
    assert simulation.run.chosen.hospital.beds == 900
    assert simulation.baseline.chosen.hospital.beds == 668, "the baseline is the config as given"
    assert simulation.baseline.params.run.seed == simulation.run.params.run.seed
    assert frame.run["beds_open"][-1] > frame.baseline["beds_open"][-1]
    # The baseline is exactly the config's own run with the same seed and area.
    alone = runs.AppModel(config=BASELINE, **SMALL)
    for _ in range(30):
        alone.step()
    np.testing.assert_array_equal(
        frame.baseline["delayed"], alone.datacollector.get_table_dataframe("daily")["delayed"][60:]
    )


def test_play_stops_on_the_last_day(tmp_path):
    config = tmp_path / "short.toml"
    config.write_text(f'extends = "{BASELINE}"\n[run]\nyears = 1\nwarmup_days = 0\n')
    simulation = runs.Simulation({"simulated_residents": 2000}, config=config)
    frame = simulation.frame()
    while not frame.finished:
        frame = simulation.advance(28)
    assert frame.day == frame.total == 365
    assert frame.last_date == dt.date(2026, 3, 31)
    assert simulation.advance(7).day == 365, "no day beyond the run"
    assert not simulation.run.running


def test_a_frame_of_play_never_runs_into_the_runs_a_reset_built(simulation):
    generation = simulation.generation
    simulation.build(dict(simulation.values))
    assert simulation.advance(7, generation) is None, "the old play loop's frame is dropped"
    assert simulation.frame().day == 0
    assert simulation.advance(30, simulation.generation).day == 30


def test_frames_can_be_read_and_drawn_while_the_runs_step():
    # Mesa's threaded mode crashed here: the charts read the table while the model appended.
    simulation = runs.Simulation(small_values(hospital_beds=700), config=BASELINE)
    problems: list[str] = []

    def step() -> None:
        for _ in range(150):
            simulation.advance(1)

    stepper = threading.Thread(target=step)
    stepper.start()
    while stepper.is_alive():
        frame = simulation.frame()
        lengths = {len(values) for values in (*frame.run.values(), *frame.baseline.values())}
        if lengths != {frame.day}:
            problems.append(f"day {frame.day}: columns of lengths {lengths}")
        for chart in charts.CHARTS:
            json.dumps(echarts.chart_option(chart, frame), allow_nan=False)
        json.dumps(board.board_option(frame), allow_nan=False)
    stepper.join()
    assert not problems, problems[:3]
    assert simulation.frame().day == 150


def test_looking_at_the_kpis_does_not_change_the_run():
    looked, untouched = (runs.Simulation(small_values(), config=BASELINE) for _ in range(2))
    looked.advance(40)
    looked.kpis()  # the books are not closed early
    looked.advance(60)
    untouched.advance(100)
    for name in ("delayed", "council_spend_gbp", "care_home_residents", "care_staff"):
        np.testing.assert_array_equal(looked.frame().run[name], untouched.frame().run[name])


# --------------------------------------------------------------------------- charts and board


def test_whereabouts_accounts_for_every_bed_and_delayed_patient(model):
    row = {k: v[-1] for k, v in model.datacollector.tables["daily"].items()}
    here = board.whereabouts(row, model.date)
    hospital = model.hospital
    assert here.open_beds == hospital.open_beds == row["beds_open"]
    assert here.delayed == hospital.delayed == row["delayed"]
    for reason in DelayReason:
        in_beds = sum(
            1
            for pid, stay in hospital.stays.items()
            if pid in hospital.fit and stay.delay_reason == reason
        )
        assert here.beds[reason.label] == in_beds, reason.label
    assert here.beds["treatment"] + here.delayed == len(hospital.stays)
    assert here.beds["background"] == hospital.background_in_beds
    assert here.corridor == row["in_corridor"]
    assert here.at_home == row["in_community"]
    assert {state for state, _, _ in board.BED_STATES} == set(here.beds)


def test_every_chart_draws_before_and_after_steps(simulation):
    fresh = runs.Simulation(small_values(hospital_beds=700), config=BASELINE).frame()
    frame = simulation.advance(0)
    assert {chart.page for chart in charts.CHARTS} <= set(page.PAGES)
    assert len({chart.name for chart in charts.CHARTS}) == len(charts.CHARTS)
    for chart in charts.CHARTS:
        empty = echarts.chart_option(chart, fresh)
        assert "press Step or Play" in empty["graphic"][0]["style"]["text"]
        option = echarts.chart_option(chart, frame)
        json.dumps(option, allow_nan=False)  # the browser gets JSON: no NaN
        assert option["title"]["text"] == chart.title
        assert option["yAxis"]["name"] == chart.unit
        assert "to " + f"{frame.last_date:%d %b %Y}" in option["title"]["subtext"]
        source = option["dataset"]["source"]
        assert len(source["date"]) == frame.day
        names = {series["name"] for series in option["series"]}
        assert {line.label for line in chart.lines} <= names
        assert echarts.BASELINE in names, f"{chart.name}: the baseline is drawn beside the run"
        legend = {e["name"] if isinstance(e, dict) else e for e in option["legend"]["data"]}
        assert legend == names, f"{chart.name}: every line has a legend entry"
        assert any(
            any(value is not None for value in values)
            for key, values in source.items()
            if key.startswith("run")
        ), chart.name


def test_the_delays_chart_has_its_own_scale_and_a_7_day_average(simulation):
    frame = simulation.advance(0)
    option = echarts.chart_option(charts.CHART_BY_NAME["delays"], frame)
    assert "min" in option["yAxis"]
    assert "max" not in option["yAxis"], "its own scale, not shared with the beds"
    stacked = [s for s in option["series"] if s.get("stack")]
    assert len(stacked) == len(DelayReason)
    layers = np.array([option["dataset"]["source"][s["encode"]["y"]] for s in stacked], float)
    expected = charts.trailing_mean(frame.run["delayed"].astype(float))
    np.testing.assert_allclose(layers.sum(axis=0), expected, atol=0.05)


def test_money_is_for_the_config_area(simulation):
    frame = simulation.advance(0)
    option = echarts.chart_option(charts.CHART_BY_NAME["spend"], frame)
    public = option["dataset"]["source"]["run1"][-1]
    daily = frame.run["council_spend_gbp"][-1]
    assert public == pytest.approx(daily * 365.25 / 1e6 * 68_000 / 2_000, abs=0.01)
    assert "68,000 residents" in option["title"]["subtext"]


def test_trailing_mean():
    np.testing.assert_allclose(charts.trailing_mean(np.arange(5.0), 3), [0, 0.5, 1, 2, 3])
    assert len(charts.trailing_mean(np.array([]))) == 0


def test_long_runs_send_at_most_two_years_of_points():
    kept = echarts.kept_days(1826)
    assert len(kept) <= echarts.MOST_POINTS
    assert kept[-1] == 1825, "the last day is always drawn"
    assert list(echarts.kept_days(5)) == [0, 1, 2, 3, 4]


def test_the_board_counts_the_beds(simulation):
    frame = simulation.advance(0)
    option = board.board_option(frame)
    here = board.frame_whereabouts(frame)
    dots = sum(len(series["data"]) for series in option["series"])
    assert dots == here.open_beds == frame.today["beds_open"]
    assert f"{here.delayed:,} patients delayed" in option["title"]["subtext"]
    assert f"{frame.last_date:%d %b %Y}" in option["title"]["text"]


# --------------------------------------------------------------------------- KPIs


def test_every_kpi_unit_says_whether_it_grows_with_the_area():
    for kpi in KPIS:
        kpis.scales_with_area(kpi)  # raises for a unit nobody has classified
    by_name = {kpi.name: kpi for kpi in KPIS}
    assert kpis.scales_with_area(by_name["council_spend_gbp"])
    assert kpis.scales_with_area(by_name["delayed_patients"])
    assert not kpis.scales_with_area(by_name["bed_occupancy"])
    assert not kpis.scales_with_area(by_name["spend_per_resident_65plus_gbp"])
    assert not kpis.scales_with_area(by_name["care_worker_pay_gbp"])


def test_kpis_so_far_for_the_config_area(simulation):
    run, baseline = simulation.kpis()
    frame = simulation.frame()
    rows = {row.name: row for row in kpis.kpi_rows(run, baseline, frame.scale, simulation.base)}
    assert rows["council_spend_gbp"].run == pytest.approx(run["council_spend_gbp"] * 34)
    assert rows["bed_occupancy"].run == pytest.approx(run["bed_occupancy"])
    assert kpis.show(rows["bed_occupancy"], 0.817) == "81.7%"
    assert kpis.show(rows["bed_occupancy"], 0.012, signed=True) == "+1.20 pp"
    assert kpis.show(rows["council_spend_gbp"], 12_345_678) == "£12.35m"
    assert rows["delayed_patients"].group == "Delayed discharges"
    for row in rows.values():
        assert "_" not in row.label, f"{row.name}: no code names on the page ({row.label})"
        assert not kpis.KEY_PATTERN.search(row.label.replace("e.g.", "")), row.label
    assert "£395 a night" in rows["delayed_bed_day_cost_gbp"].label
    text = kpis.kpi_csv(list(rows.values()), frame.scale, frame.area, frame.residents, "x")
    assert text.startswith("group,metric,label,unit,this_run,baseline,difference,scaled_to_area")
    assert "\nDelayed discharges,delayed_patients," in text


# --------------------------------------------------------------------------- components


def _all(root, cls: type, css: str | None = None) -> list:
    """Every widget of ``cls`` under ``root`` (nested ones too), with the CSS class if given."""
    found, seen, queue = [], set(), [root]
    while queue:
        widget = queue.pop(0)
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        if isinstance(widget, (list, tuple)):
            queue.extend(widget)
            continue
        if isinstance(widget, dict):
            queue.extend(widget.values())
            continue
        if not isinstance(widget, ipywidgets.Widget):
            continue
        if isinstance(widget, cls) and (
            css is None or css in (getattr(widget, "class_", None) or "").split()
        ):
            found.append(widget)
        queue.extend(getattr(widget, name) for name in widget.keys)
    return found


def _texts(root, css: str) -> list[str]:
    return ["".join(str(c) for c in w.children) for w in _all(root, v.Html, css)]


def test_the_page_renders_every_page_and_no_error(app_config):
    root, rc = solara.render(solara.AppLayout(children=[page.Page()]), handle_error=False)
    charts_on = {name: sum(c.page == name for c in charts.CHARTS) for name in page.PAGES}
    assert len(_all(root, EchartsWidget)) == 1 + charts_on["Hospital"], "board and charts"
    tabs = _all(root, v.Tabs)[0]
    for index, name in enumerate(page.PAGES[1:3], start=1):
        tabs.v_model = index
        assert len(_all(root, EchartsWidget)) == charts_on[name], f"only {name} is drawn"
    tabs.v_model = 3
    assert not _all(root, EchartsWidget)
    assert "Press Step or Play" in " ".join(_texts(root, "care-abm-kpis-empty"))
    assert _texts(root, "care-abm-date") == ["Tue 01 Apr 2025 · day 0 of 1,826"]
    assert _texts(root, "care-abm-versus")[0].startswith("This run is the baseline")
    assert _texts(root, "care-abm-lever-hospital_beds") == ["Running: 668 beds (20 simulated)"]
    assert not _all(root, v.Alert, "care-abm-pending"), "nothing waiting for Reset"
    rc.close()


def test_step_bad_input_and_reset_on_the_page(app_config):
    root, rc = solara.render(solara.AppLayout(children=[page.Page()]), handle_error=False)

    def button(name: str) -> v.Btn:
        return next(w for w in _all(root, v.Btn) if w.children == [name])

    button("Step").click()
    assert _texts(root, "care-abm-date") == ["Mon 07 Apr 2025 · day 7 of 1,826"], "a week a frame"
    fields = {w.label: w for w in _all(root, widgets.ValueBox)}
    assert set(fields) >= {"Seed", "Hospital beds", "Residents 65+ simulated"}
    for label, field in fields.items():
        field.vue_commit("abc")
        errors = " ".join(_texts(root, "care-abm-error"))
        assert f"{label}: must be" in errors, f"{label}: an inline message names the lever"
    assert not _all(root, v.Alert, "care-abm-pending"), "refused values are not waiting"
    button("Reset").click()
    assert _texts(root, "care-abm-date")[0].startswith("Tue 01 Apr 2025 · day 0"), "Reset works"
    assert not _all(root, v.Alert, "care-abm-message"), "no error from Reset"
    fields = {w.label: w for w in _all(root, widgets.ValueBox)}
    fields["Hospital beds"].vue_commit("700")
    assert "Hospital beds: 668 beds → 700 beds" in _texts(root, "care-abm-change")
    button("Reset").click()
    assert _texts(root, "care-abm-lever-hospital_beds") == ["Running: 700 beds (21 simulated)"]
    assert _texts(root, "care-abm-lever-seed") == ["Running: 20251125"], "others unchanged"
    assert not _all(root, v.Alert, "care-abm-pending")
    assert (
        "This run: Hospital beds 700 beds (baseline 668 beds)" in _texts(root, "care-abm-versus")[0]
    )
    rc.close()


def test_the_kpi_page_renders(simulation):
    session = _session(simulation)
    root, rc = solara.render(page.FiguresPage(session, simulation.frame()), handle_error=False)
    tables = [w.unsafe_innerHTML for w in _all(root, solara.widgets.HTML)]
    assert "General and acute bed occupancy" in tables[0]
    assert "Delayed discharges" in tables[0]
    assert "%" in tables[0]
    rc.close()


def _session(simulation: runs.Simulation) -> controls.Session:
    reactive = solara.reactive
    return controls.Session(
        simulation=simulation,
        base=simulation.base,
        chosen=reactive(dict(simulation.values)),
        running=reactive(dict(simulation.values)),
        errors=reactive({}),
        tick=reactive(0),
        playing=reactive(False),
        frame_days=reactive(7),
        message=reactive(None),
        busy=reactive(False),
        revision=reactive(0),
    )


def test_every_daily_column_the_charts_read_exists(simulation):
    frame = simulation.advance(0)
    for chart in charts.CHARTS:
        for line in chart.lines:
            assert len(np.asarray(line.values(frame.run))) == frame.day, line.label
    assert set(frame.run) <= set(DAILY_COLUMNS)


# --------------------------------------------------------------------------- boundaries


def test_the_app_imports_no_run_or_sweep_machinery():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, abm.app; bad = [m for m in sys.modules if m.startswith("
            "('abm.run', 'abm.sweep', 'abm.cli'))]; print(bad); sys.exit(bool(bad))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_model_knows_nothing_of_the_app():
    for path in [ROOT / "abm" / "model.py", *(ROOT / "abm" / "agents").glob("*.py")]:
        assert "abm.app" not in path.read_text(), path


def test_every_app_module_is_small():
    for path in (ROOT / "abm" / "app").glob("*.py"):
        assert len(path.read_text().splitlines()) < 500, f"{path.name}: split it by what it holds"


def care_abm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "abm.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_serve_refuses_a_bad_config_before_starting(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[hospital]\nbedz = 3\n")
    done = care_abm("serve", str(bad), "--port", "0")
    assert done.returncode == 2
    assert "hospital.bedz: unknown key (did you mean 'hospital.beds'?)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "serving" not in done.stdout


def test_serve_refuses_a_port_in_use():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = care_abm("serve", "--port", str(port))
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_serve_defaults_to_localhost_and_runs_solara_offline():
    from abm.cli import build_parser
    from abm.packaged import resolve_config
    from abm.server import server_environment, solara_command

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.config) == ("127.0.0.1", 8765, "baseline")
    assert resolve_config(args.config).resolve() == BASELINE.resolve(), "the packaged baseline"
    command = solara_command("127.0.0.1", 8765)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert "--no-check-version" in command, "no look-up of a newer Solara on the internet"
    env = server_environment(BASELINE)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False", "no telemetry"
    assert env["CARE_ABM_APP_CONFIG"] == str(BASELINE)


def test_levers_are_dataclasses_with_one_entry_each():
    # Adding a lever is one entry: everything else (widget, default, validation) follows.
    lever = levers.Lever("beds_again", "hospital.beds", "Beds", 0, 2000, 1)
    assert dataclasses.replace(lever, name="x").key == "hospital.beds"
    assert lever.kind == "slider"
    assert lever.shown_unit == "beds"
    assert lever.parse("700") == 700
    assert load_scenario(BASELINE).get(lever.key) == 668


def test_serve_area_sets_the_simulated_area_the_page_starts_with(monkeypatch):
    from abm.cli import build_parser
    from abm.server import AREA_ENV, server_environment

    args = build_parser().parse_args(["serve", "--area", "3000"])
    assert args.area == 3000
    assert server_environment(BASELINE, args.area)[AREA_ENV] == "3000"
    assert AREA_ENV not in server_environment(BASELINE)
    monkeypatch.setenv(AREA_ENV, "3000")
    base = load_scenario(BASELINE)
    assert levers.config_values(base, runs.start_residents(base))["simulated_residents"] == 3000
    model = runs.AppModel(config=BASELINE, warmup_days=0)
    assert model.params.population.residents_65plus == 3000, "so does the first model"
    monkeypatch.setenv(AREA_ENV, "500")
    area = levers.lever_named("simulated_residents")
    low, _ = area.slider_range(runs.start_residents(base))
    assert low <= 500, "the slider reaches a small --area"


def test_serve_refuses_a_bad_area_before_starting():
    done = care_abm("serve", "--area", "5", "--port", "0")
    assert done.returncode == 2
    assert "--area: population.residents_65plus: must be at least 10, got 5" in done.stderr
    assert "serving" not in done.stdout
