"""The visual server without a browser: the app module imports, its components render with a
small model, the model is rebuilt from lever values as Mesa's Reset does, and ``serve`` refuses
a bad config before starting anything. The browser test is tests/test_app_browser.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import ipywidgets
import pytest
import solara

from abm import app
from abm.config import ConfigError, all_keys, load_scenario
from abm.domain import DelayReason

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
def model() -> app.AppModel:
    model = app.AppModel(config=BASELINE, **SMALL)
    for _ in range(20):
        model.step()
    return model


def test_every_contract_lever_in_the_config_is_on_the_page():
    on_page = {lever.key for lever in app.active_levers()}
    missing = [key for key in CONTRACT_LEVERS if key in all_keys() and key not in on_page]
    assert not missing, (
        f"{missing} exist in the config but have no slider or select: add one Lever(...) "
        "entry each to abm.app.LEVERS"
    )
    assert on_page <= set(all_keys()), "every lever on the page writes to a real config key"
    capacities = {"hospital.beds", "capacity.home_care_hours_per_week", "capacity.care_home_beds"}
    assert capacities & set(all_keys()) <= on_page, "today's stand-in capacities are levers"


def test_model_params_start_at_the_config_and_fit_their_widgets():
    base = load_scenario(BASELINE)
    params = app.model_params(base)
    assert set(params) == {lever.name for lever in app.active_levers()} | {app.RESIDENTS.name}
    for name, spec in params.items():
        if spec["type"] in ("SliderInt", "SliderFloat"):
            assert spec["min"] <= spec["value"] <= spec["max"], name
        if spec["type"] == "Select":
            assert spec["value"] in spec["values"], name
    assert params["hospital_beds"]["value"] == base.hospital.beds
    assert params["seed"] == {"type": "InputText", "label": "Seed", "value": str(base.run.seed)}
    assert params["simulated_residents"]["value"] == app.DEFAULT_RESIDENTS


def test_the_model_starts_after_the_warm_up_on_the_start_date():
    model = app.AppModel(config=BASELINE, **SMALL)
    assert model.date == dt.date(2025, 4, 1), "the page opens on run.start_date"
    assert model.time == 0, "warm-up days are not Mesa steps"
    assert model.hospital.occupied > 0, "the warm-up fills the hospital"
    assert app.reported_days(model).empty
    model.step()
    model.step()
    assert model.time == 2
    assert model.date == dt.date(2025, 4, 3)
    assert list(app.reported_days(model).index.date) == [dt.date(2025, 4, 1), dt.date(2025, 4, 2)]


def test_reset_rebuilds_the_model_from_lever_values_as_mesa_passes_them():
    # Mesa 3.5.1 passes every model_params value as a keyword, an edited text box as a
    # string, and a blank Mesa scenario because AppModel takes keyword arguments.
    from mesa.experimental.scenarios import Scenario as MesaScenario

    model = app.AppModel(
        config=BASELINE,
        seed=" 42 ",
        hospital_beds=850,
        home_care_hours_per_week=12000,
        referral_priority="in_order",
        scenario=MesaScenario(),
        **SMALL,
    )
    assert model.params.run.seed == 42
    assert model.chosen.hospital.beds == 850, "levers are in the config's full-size units"
    factor = 2000 / 68000
    assert model.params.hospital.beds == round(850 * factor), "then scaled to the small area"
    assert model.params.capacity.home_care_hours_per_week == pytest.approx(12000 * factor)
    assert model.params.council.referral_priority == "in_order"
    assert model.params.population.residents_65plus == 2000
    same = app.AppModel(config=BASELINE, seed=42, **SMALL)
    other = app.AppModel(config=BASELINE, seed="43", **SMALL)
    for m in (same, other, model):
        for _ in range(10):
            m.step()
    first = app.AppModel(config=BASELINE, seed="42", **SMALL)
    for _ in range(10):
        first.step()
    table = first.datacollector.get_table_dataframe("daily")
    assert table.equals(same.datacollector.get_table_dataframe("daily")), "same seed, same run"
    assert not table.equals(other.datacollector.get_table_dataframe("daily"))


@pytest.mark.parametrize(
    ("levers", "message"),
    [
        ({"seed": "forty-two"}, "app: run.seed: must be a whole number, got 'forty-two'"),
        ({"hospital_beds": -5}, "app: hospital.beds: cannot be negative"),
        ({"growth_85plus": 9.0}, "app: population.growth_85plus: must be at most 5"),
        ({"beds": 700}, "app: beds: unknown lever; the levers are seed, hospital_beds"),
        ({"simulated_residents": "many"}, "population.residents_65plus: must be a whole number"),
    ],
)
def test_bad_lever_values_name_the_key(levers, message):
    with pytest.raises(ConfigError) as error:
        app.AppModel(config=BASELINE, **levers)
    assert message in str(error.value)


def test_play_stops_on_the_last_day(tmp_path):
    config = tmp_path / "short.toml"
    config.write_text(f'extends = "{BASELINE}"\n[run]\nyears = 1\nwarmup_days = 0\n')
    model = app.AppModel(config=config, simulated_residents=2000)
    while model.running:
        model.step()
    assert model.finished
    assert model.date == dt.date(2026, 4, 1)
    assert model.days_shown == 365


def test_whereabouts_accounts_for_every_bed_and_delayed_patient(model):
    here = app.whereabouts(model)
    last = model.datacollector.get_table_dataframe("daily").iloc[-1]
    assert here.open_beds == model.hospital.open_beds == last["beds_open"]
    assert here.delayed == last["delayed"] == model.hospital.delayed
    for reason in DelayReason:
        assert here.beds[reason.label] == last[f"delayed.{reason.label}"], reason.label
    assert here.beds["treatment"] + here.delayed == last["beds_occupied_by_residents"]
    assert here.beds["background"] + here.beds["treatment"] + here.delayed == last["beds_occupied"]
    assert here.corridor == last["in_corridor"]
    assert here.at_home == last["in_community"]
    assert here.date == model.date
    assert {state for state, _, _ in app.BED_STATES} == set(here.beds)


def _png(figure) -> bytes:
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def test_every_chart_and_the_board_draw_before_and_after_steps(model):
    fresh = app.AppModel(config=BASELINE, **SMALL)
    for chart in app.CHARTS:
        empty = _png(app.chart_figure(chart, fresh))
        drawn = _png(app.chart_figure(chart, model))
        assert len(drawn) > 5_000
        assert drawn != empty, chart.name
        axes = app.chart_figure(chart, model).axes[0]
        assert axes.get_title().startswith(chart.title)
        assert axes.get_ylabel() == chart.ylabel
    assert len(_png(app.board_figure(model))) > 5_000
    assert len(_png(app.board_figure(fresh))) > 5_000


def test_components_render_with_a_small_model(model):
    for chart in app.CHARTS:
        _, rc = solara.render(app.ChartView(chart, model), handle_error=False)
        image = rc.find(ipywidgets.Image).widget
        assert image.format == "png"
        assert len(image.value) > 5_000
        rc.close()
    _, rc = solara.render(app.BoardView(model), handle_error=False)
    assert len(rc.find(ipywidgets.Image).widget.value) > 5_000
    rc.close()
    _, rc = solara.render(app.SummaryView(model), handle_error=False)
    tables = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
    assert "General and acute bed occupancy" in tables[0]
    assert "hospital.beds" in tables[1]
    rc.close()
    _, rc = solara.render(app.RunCard(model), handle_error=False)
    rc.close()
    texts = dict(app.run_lines(model))
    assert texts["care-abm-date"].startswith(f"{model.date:%a %d %b %Y} · day 20 of")
    assert texts["care-abm-lever-hospital_beds"] == (
        f"Hospital beds: {model.chosen.hospital.beds} ({model.params.hospital.beds} simulated)"
    )


def test_the_page_renders_the_board_and_every_chart(monkeypatch):
    monkeypatch.setenv("CARE_ABM_APP_CONFIG", str(BASELINE))
    monkeypatch.setattr(app, "DEFAULT_RESIDENTS", 2000)
    _, rc = solara.render(app.Page(), handle_error=False)
    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 1 + len(app.CHARTS)
    rc.close()


def test_kpis_so_far(model):
    fresh = app.AppModel(config=BASELINE, **SMALL)
    assert {value for _, value, _ in app.kpi_rows(fresh)} == {"–"}
    rows = {label: value for label, value, _ in app.kpi_rows(model)}
    assert rows["General and acute bed occupancy"] not in ("–", "")
    assert float(rows["General and acute bed occupancy"]) > 0.3
    config = dict(app.config_rows(model))
    assert config["hospital.beds"] == str(model.params.hospital.beds)
    assert config["residents 65+ simulated"] == "2,000"


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


def test_serve_defaults_to_localhost_and_runs_solara_offline(tmp_path):
    from abm.cli import build_parser
    from abm.server import server_environment, solara_command

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.config) == ("127.0.0.1", 8765, BASELINE.relative_to(ROOT))
    command = solara_command("127.0.0.1", 8765)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert "--no-check-version" in command, "no look-up of a newer Solara on the internet"
    env = server_environment(BASELINE)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False", "no telemetry"
    assert env["CARE_ABM_APP_CONFIG"] == str(BASELINE)


def test_levers_are_dataclasses_with_one_entry_each():
    # Adding a lever is one entry: everything else (widget, default, validation) follows.
    lever = app.Lever("beds_again", "hospital.beds", "Beds", "SliderInt", 0, 2000, 1)
    assert dataclasses.replace(lever, name="x").key == "hospital.beds"
    assert lever.coerce("700") == 700
    assert lever.param(load_scenario(BASELINE))["value"] == 668


def test_serve_area_sets_the_simulated_area_the_page_starts_with(monkeypatch):
    from abm.cli import build_parser
    from abm.server import AREA_ENV, server_environment

    args = build_parser().parse_args(["serve", "--area", "3000"])
    assert args.area == 3000
    assert server_environment(BASELINE, args.area)[AREA_ENV] == "3000"
    assert AREA_ENV not in server_environment(BASELINE)
    monkeypatch.setenv(AREA_ENV, "3000")
    params = app.model_params(load_scenario(BASELINE))
    assert params["simulated_residents"]["value"] == 3000, "the slider starts at --area"
    model = app.AppModel(config=BASELINE, warmup_days=0)
    assert model.params.population.residents_65plus == 3000, "so does the first model"
    monkeypatch.setenv(AREA_ENV, "500")
    spec = app.model_params(load_scenario(BASELINE))["simulated_residents"]
    assert spec["min"] <= spec["value"] == 500, "the slider reaches a small --area"


def test_serve_refuses_a_bad_area_before_starting():
    done = care_abm("serve", "--area", "5", "--port", "0")
    assert done.returncode == 2
    assert "--area: population.residents_65plus: must be at least 10, got 5" in done.stderr
    assert "serving" not in done.stdout
