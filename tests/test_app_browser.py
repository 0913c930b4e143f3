"""The visual server in a real browser: ``care-abm serve`` on a free port, driven by Debian's
Chromium through Playwright, with no request leaving 127.0.0.1.

It steps the baseline 30 days, checks that the date advances and the charts change, moves a
slider, types a seed and presses Reset, checks that the model was rebuilt with both values,
and fails on any request to another host, any 4xx/5xx response, any failed request and any
page or console error. Screenshots go to ``test-artifacts/app/``.

Chromium comes from ``apt-get install chromium`` (``make test`` does it where it can); the
Python ``playwright`` package drives it. ``playwright install`` (which downloads a browser of
its own) is never needed. Without /usr/bin/chromium the test is skipped, except under CI,
where it fails: CI must run it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "app"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 60
UI_TIMEOUT_MS = 20_000

pytestmark = pytest.mark.slow


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"{CHROMIUM} not found: install Debian's Chromium (`apt-get install -y chromium`, "
        "which `make test` does when run as root where apt-get exists)"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test; {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``care-abm serve`` on a free port; stopped by its process group whatever happens."""
    _require_chromium()
    from abm.server import free_port

    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "abm.cli",
            "serve",
            "experiments/baseline.toml",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"care-abm serve exited with {process.returncode}: see {log.name}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"care-abm serve did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.25)
        yield url
    finally:
        _stop_group(process)
        log.close()
    assert "serving baseline" in (ARTIFACTS / "server.log").read_text()
    assert "server stopped" in (ARTIFACTS / "server.log").read_text(), "stopped cleanly"


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group (the CLI and solara), then SIGKILL if it lingers."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
            time.sleep(0.5)  # let the solara child finish too
        except subprocess.TimeoutExpired:
            continue
    process.wait(timeout=5)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[tuple[object, list[str]]]:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            tab = browser.new_page(viewport={"width": 1600, "height": 1200})
            _watch(tab, problems)
            tab.goto(server)
            tab.get_by_role("button", name="Step").wait_for(timeout=START_TIMEOUT_S * 1000)
            yield tab, problems
        finally:
            browser.close()


def _watch(tab: object, problems: list[str]) -> None:
    def request(req: object) -> None:
        host = urlparse(req.url).hostname
        if req.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            return
        problems.append(f"request to another host: {req.url}")

    def response(res: object) -> None:
        if res.status >= 400:
            problems.append(f"HTTP {res.status}: {res.url}")

    tab.on("request", request)
    tab.on("response", response)
    tab.on("requestfailed", lambda req: problems.append(f"failed: {req.url} {req.failure}"))
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: message.type == "error" and problems.append(f"console: {message.text}"),
    )


def _text(tab: object, css: str) -> str:
    return tab.locator(f".{css}").inner_text()


def _step(tab: object, to_day: int) -> None:
    """Press Step once and wait for the date line to reach ``to_day``."""
    from playwright.sync_api import expect

    tab.get_by_role("button", name="Step").click()
    expect(tab.locator(".care-abm-date")).to_contain_text(
        f"· day {to_day} of", timeout=UI_TIMEOUT_MS
    )


def _days_per_step(tab: object, days: int) -> None:
    """Set Mesa's "Render Interval" (days a Step press runs: 1, 3, 5, ...) from the keyboard."""
    slider = tab.get_by_role("slider", name="Render Interval (steps)")
    slider.focus()
    tab.keyboard.press("Home")
    for _ in range((days - 1) // 2):
        tab.keyboard.press("ArrowRight")
    assert slider.get_attribute("aria-valuenow") == str(days)


def _image(tab: object, css: str) -> bytes:
    """A screenshot of one chart's image (retried: a redraw can replace the element)."""
    from playwright.sync_api import Error

    for _ in range(20):
        try:
            return tab.locator(f".{css} img").screenshot(timeout=UI_TIMEOUT_MS)
        except Error as error:
            if "not attached" not in str(error):
                raise
            time.sleep(0.25)
    raise AssertionError(f"the image in .{css} never stayed still long enough")


def _settle(locator: object) -> None:
    """Wait until an element stops moving (the page tabs slide in)."""
    last = None
    for _ in range(40):
        box = locator.bounding_box()
        if box is not None and box == last:
            return
        last = box
        time.sleep(0.1)


def _chart(tab: object, name: str) -> bytes:
    return _image(tab, f"care-abm-chart-{name}")


def test_the_app_steps_resets_and_stays_offline(page):
    from playwright.sync_api import expect

    tab, problems = page
    tab.screenshot(path=ARTIFACTS / "01-opened.png")
    assert _text(tab, "care-abm-date").startswith("Tue 01 Apr 2025 · day 0 of 1,826")
    expect(tab.get_by_text("Time: 0.0")).to_be_visible()
    assert "Hospital beds: 668 (98 simulated)" in _text(tab, "care-abm-lever-hospital_beds")
    before = {name: _chart(tab, name) for name in ("occupancy", "queues")}
    board = _image(tab, "care-abm-board")

    for day in (1, 2, 3):
        _step(tab, day)
    expect(tab.get_by_text("Time: 3.0")).to_be_visible()
    assert _text(tab, "care-abm-date").startswith("Fri 04 Apr 2025 · day 3 of")
    for name, image in before.items():
        assert _chart(tab, name) != image, f"the {name} chart is redrawn after steps"
    assert _image(tab, "care-abm-board") != board, "the board is redrawn"
    _days_per_step(tab, 27)
    _step(tab, 30)
    expect(tab.get_by_text("Time: 30.0")).to_be_visible()
    assert _text(tab, "care-abm-date").startswith("Thu 01 May 2025 · day 30 of")
    tab.screenshot(path=ARTIFACTS / "02-baseline-30-days.png")

    # Move a slider (End: its maximum) and type a seed (Mesa hands it over as a string).
    tab.get_by_role("slider", name="Home-care hours a week").focus()
    tab.keyboard.press("End")
    seed = tab.get_by_label("Seed")
    seed.fill("42")
    seed.press("Enter")
    tab.get_by_role("button", name="Reset").click()
    expect(tab.locator(".care-abm-lever-home_care_hours_per_week")).to_contain_text(
        "Home-care hours a week at the start (0: sized to demand): 60,000 (",
        timeout=UI_TIMEOUT_MS,
    )
    expect(tab.locator(".care-abm-lever-seed")).to_have_text("Seed: 42")
    assert _text(tab, "care-abm-date").startswith("Tue 01 Apr 2025 · day 0 of")
    expect(tab.get_by_text("Time: 0.0")).to_be_visible()
    assert "Hospital beds: 668" in _text(tab, "care-abm-lever-hospital_beds"), "others unchanged"
    tab.screenshot(path=ARTIFACTS / "03-after-reset.png")

    _days_per_step(tab, 15)
    _step(tab, 15)
    _step(tab, 30)
    tab.screenshot(path=ARTIFACTS / "04-more-home-care-30-days.png")

    # Switch the pay rule (a select) and Reset: the model is rebuilt under NHS pay parity.
    tab.get_by_label("Pay rule").click(force=True)
    tab.get_by_role("option", name="nhs_parity").click()
    tab.get_by_role("button", name="Reset").click()
    expect(tab.locator(".care-abm-lever-pay_rule")).to_contain_text(
        "nhs_parity", timeout=UI_TIMEOUT_MS
    )
    expect(tab.get_by_text("Time: 0.0")).to_be_visible()
    _step(tab, 15)
    _step(tab, 30)
    tab.screenshot(path=ARTIFACTS / "06-nhs-parity-30-days.png")

    tab.get_by_role("tab", name="Page 1").click()
    summary = tab.locator(".care-abm-summary")
    expect(summary).to_contain_text(
        "KPIs from 2025-04-01 to 2025-05-01 (30 days)", timeout=UI_TIMEOUT_MS
    )
    expect(summary).to_contain_text("capacity.home_care_hours_per_week")
    _settle(summary)
    tab.screenshot(path=ARTIFACTS / "05-config-and-kpis.png")

    assert not problems, "\n".join(problems)
