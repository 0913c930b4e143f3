"""The visual server in a real browser: ``care-abm serve`` on a free port, driven by Debian's
Chromium through Playwright, with no request leaving 127.0.0.1.

It opens the page, types a bad value into every text field, checks that Reset keeps the
config's exact values, plays for 30 s in every mode (a day, a week and four weeks a frame,
switching pages and pressing Reset while it plays), opens every page, downloads the KPIs as
CSV and a chart as PNG, and switches to the dark theme. After every action it fails if the
page's text shows a Python traceback or an exception's name, and at the end on any request to
another host, any 4xx/5xx response, any failed request and any page or console error.

Screenshots go to ``test-artifacts/app/``; with ``CARE_ABM_DOC_SCREENSHOTS=1`` (``make
screenshots``) also to ``docs/images/app/``, where docs/app.md shows them.

Chromium comes from ``apt-get install chromium`` (``make test`` does it where it can); the
Python ``playwright`` package drives it. ``playwright install`` (which downloads a browser of
its own) is never needed. Without /usr/bin/chromium the test is skipped, except under CI,
where it fails: CI must run it.
"""

from __future__ import annotations

import os
import re
import shutil
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
DOC_IMAGES = ROOT / "docs" / "images" / "app"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 120
UI_TIMEOUT_MS = 60_000
PLAY_S = 30
FRAME_CHOICES = ("a day", "a week", "four weeks")
CRASH = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(?:Error|Exception|Interrupt)\b")
"""What a Python error looks like on a page: a traceback or an exception's name."""

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
    # The baseline with a one-year warm-up: the page is what is tested here, and every Reset
    # builds two models through the warm-up. The baseline's fifteen years (8 December 2026)
    # kept Play disabled past the 30-second wait of a click while both cores ran the suite.
    config = ARTIFACTS / "baseline_one_year_warm_up.toml"
    baseline = (ROOT / "experiments" / "baseline.toml").as_posix()
    config.write_text(f'extends = "{baseline}"\n[run]\nwarmup_days = 365\n')
    log = (ARTIFACTS / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "abm.cli",
            "serve",
            str(config),
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
    text = (ARTIFACTS / "server.log").read_text()
    assert "serving baseline" in text
    assert "server stopped" in text, "stopped cleanly"
    assert "Traceback" not in text, "no error behind the page either (see server.log)"


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
            tab = browser.new_page(viewport={"width": 1600, "height": 1100}, accept_downloads=True)
            _watch(tab, problems)
            tab.goto(server)
            _button(tab, "Step").wait_for(timeout=START_TIMEOUT_S * 1000)
            tab.locator(".care-abm-chart-beds canvas").first.wait_for(timeout=UI_TIMEOUT_MS)
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

    def failed(req: object) -> None:
        if not req.url.startswith(("data:", "blob:")):  # downloads of generated files
            problems.append(f"failed: {req.url} {req.failure}")

    tab.on("request", request)
    tab.on("response", response)
    tab.on("requestfailed", failed)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: message.type == "error" and problems.append(f"console: {message.text}"),
    )


# --------------------------------------------------------------------------- helpers


def _button(tab: object, name: str) -> object:
    return tab.get_by_role("button", name=name, exact=True)


def _no_crash(tab: object, after: str) -> None:
    """The page shows no traceback and no exception's name."""
    text = tab.locator("body").inner_text()
    match = CRASH.search(text)
    assert match is None, f"after {after}, the page shows {match.group(0)!r}"


def _day(tab: object) -> int:
    text = tab.locator(".care-abm-date").inner_text()
    return int(re.search(r"day ([\d,]+) of", text).group(1).replace(",", ""))


def _shot(tab: object, name: str, *, docs: bool = True) -> None:
    """A screenshot in test-artifacts/app/ (and, if asked, for docs/app.md)."""
    path = ARTIFACTS / name
    tab.screenshot(path=path)
    if docs and os.environ.get("CARE_ABM_DOC_SCREENSHOTS"):
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_IMAGES / name)


def _show(tab: object, page_name: str) -> None:
    from playwright.sync_api import expect

    tab.get_by_role("tab", name=page_name).click()
    expect(tab.get_by_role("tab", name=page_name)).to_have_attribute("aria-selected", "true")
    content = (
        ".care-abm-figures"
        if page_name == "All figures"
        else f".care-abm-page-{page_name.lower().replace(' ', '-')}"
    )
    expect(tab.locator(content)).to_be_visible(timeout=UI_TIMEOUT_MS)


def _frame_days(tab: object, words: str) -> None:
    tab.locator(".care-abm-frame-days").click()
    tab.get_by_role("option", name=words, exact=True).click()


def _type(tab: object, lever: str, text: str) -> None:
    field = tab.locator(f".care-abm-input-{lever} input").first
    field.fill(text)
    field.press("Enter")


def _reset(tab: object) -> None:
    from playwright.sync_api import expect

    _button(tab, "Reset").click()
    expect(tab.locator(".care-abm-date")).to_contain_text("· day 0 of", timeout=UI_TIMEOUT_MS)
    expect(_button(tab, "Reset")).to_be_enabled(timeout=UI_TIMEOUT_MS)


def _drawn(tab: object, css: str) -> bytes:
    """A screenshot of a chart, once its canvas is there."""
    chart = tab.locator(f".{css}").first
    chart.locator("canvas").first.wait_for(timeout=UI_TIMEOUT_MS)
    return chart.screenshot(timeout=UI_TIMEOUT_MS)


# --------------------------------------------------------------------------- the test


def test_the_app_in_a_browser(page):
    from playwright.sync_api import expect

    tab, problems = page
    time.sleep(1)
    _shot(tab, "01-opened.png", docs=False)
    _no_crash(tab, "opening")
    expect(tab.locator(".care-abm-date")).to_have_text("Tue 01 Apr 2025 · day 0 of 1,826")
    expect(tab.locator(".care-abm-lever-hospital_beds")).to_have_text(
        "Running: 668 beds (98 simulated)"
    )
    expect(tab.locator(".care-abm-pending")).to_have_count(0)
    expect(tab.get_by_role("tab")).to_have_text(
        ["Hospital", "Social care", "Workforce and money", "All figures"], ignore_case=True
    )

    # 1. A bad value in every text field: an inline message naming the lever, nothing else.
    levers = tab.locator(".care-abm-lever:has(.care-abm-value)")
    names = [
        re.search(r"care-abm-input-(\S+)", levers.nth(i).get_attribute("class")).group(1)
        for i in range(levers.count())
    ]
    assert {"seed", "hospital_beds", "growth_85plus", "simulated_residents"} <= set(names)
    for name in names:
        _type(tab, name, "abc")
        expect(tab.locator(f".care-abm-error-{name}")).to_contain_text(
            "must be", timeout=UI_TIMEOUT_MS
        )
        _no_crash(tab, f"typing 'abc' as {name}")
    _shot(tab, "02-bad-values.png")
    expect(tab.locator(".care-abm-pending")).to_have_count(0)  # refused values never wait
    _button(tab, "Step").click()
    expect(tab.locator(".care-abm-date")).to_contain_text("day 7 of", timeout=UI_TIMEOUT_MS)
    _reset(tab)  # the refused values never reach the model
    _no_crash(tab, "Reset with refused values")
    expect(tab.locator(".care-abm-lever-seed")).to_have_text("Running: 20251125")
    expect(tab.locator(".care-abm-error")).to_have_count(0)

    # 2. Reset keeps the config's exact values, and the ones typed.
    _type(tab, "home_care_hours_per_week", "22268")
    expect(tab.locator(".care-abm-pending")).to_contain_text(
        "Home-care hours a week at the start: 0 hours a week → 22,268 hours a week"
    )
    _type(tab, "staffing_headroom", "40")
    _reset(tab)
    # The new run is built (one warm-up year) after the date already reads day 0, so the
    # checks wait for it as long as any other action.
    expect(tab.locator(".care-abm-versus")).to_contain_text(
        "This run: Council staff beyond their caseload +40% (baseline +15%)",
        timeout=UI_TIMEOUT_MS,
    )
    for _ in range(2):  # and again with nothing touched
        expect(tab.locator(".care-abm-lever-home_care_hours_per_week")).to_contain_text(
            "Running: 22,268 hours a week", timeout=UI_TIMEOUT_MS
        )
        expect(tab.locator(".care-abm-lever-staffing_headroom")).to_contain_text(
            "Running: +40%", timeout=UI_TIMEOUT_MS
        )
        expect(tab.locator(".care-abm-lever-hospital_beds")).to_contain_text(
            "Running: 668 beds", timeout=UI_TIMEOUT_MS
        )
        expect(tab.locator(".care-abm-lever-growth_85plus")).to_have_text(
            "Running: 0%", timeout=UI_TIMEOUT_MS
        )
        expect(tab.locator(".care-abm-pending")).to_have_count(0)
        _reset(tab)
    _no_crash(tab, "Reset")

    # 3. Play in every mode for 30 s, on every page, and Reset while playing.
    for words in FRAME_CHOICES:
        _reset(tab)
        _frame_days(tab, words)
        start = _day(tab)
        _button(tab, "▶ Play").click()
        expect(_button(tab, "❚❚ Pause")).to_be_visible(timeout=UI_TIMEOUT_MS)
        for page_name in ("Hospital", "Social care", "Workforce and money", "All figures"):
            time.sleep(PLAY_S / 4)
            _show(tab, page_name)
            _no_crash(tab, f"playing {words} a frame on {page_name}")
        if _button(tab, "❚❚ Pause").count():
            _button(tab, "❚❚ Pause").click()
        expect(_button(tab, "▶ Play")).to_be_visible()  # paused, or at the run's last day
        played = _day(tab)
        assert played > start, f"playing {words} a frame moved the date"
        time.sleep(1)
        assert _day(tab) == played, "Pause stops the run"
        _show(tab, "Hospital")
        if words == "a week":
            _shot(tab, "03-hospital.png")
            _show(tab, "Social care")
            _shot(tab, "04-social-care.png")
            _show(tab, "Workforce and money")
            _shot(tab, "05-workforce-and-money.png")
            _show(tab, "Hospital")
    _reset(tab)
    _button(tab, "▶ Play").click()
    expect(tab.locator(".care-abm-date")).not_to_contain_text("day 0 of", timeout=UI_TIMEOUT_MS)
    _reset(tab)  # while playing
    time.sleep(2)
    assert _day(tab) == 0, "Reset stops Play and the new run stays at its start"
    expect(_button(tab, "▶ Play")).to_be_visible()
    _no_crash(tab, "Reset while playing")

    # 4. Every page renders; the KPIs download as CSV and a chart as PNG.
    _frame_days(tab, "four weeks")
    for _ in range(13):
        _button(tab, "Step").click()
        expect(_button(tab, "Step")).to_be_enabled(timeout=UI_TIMEOUT_MS)
    expect(tab.locator(".care-abm-date")).to_contain_text("day 364 of", timeout=UI_TIMEOUT_MS)
    expected = {
        "Hospital": ("beds", "delays", "occupancy", "admissions"),
        "Social care": ("queues", "care_in_use", "unmet_need"),
        "Workforce and money": ("vacancies", "pay", "spend", "budget"),
    }
    for page_name, charts in expected.items():
        _show(tab, page_name)
        for chart in charts:
            image = _drawn(tab, f"care-abm-chart-{chart}")
            assert len(set(image[100:2000])) > 20, f"the {chart} chart is drawn"
        _no_crash(tab, f"opening {page_name}")
    with tab.expect_download(timeout=UI_TIMEOUT_MS) as download:
        chart = tab.locator(".care-abm-chart-spend").first
        box = chart.bounding_box()
        chart.hover(position={"x": box["width"] - 16, "y": 12})
        chart.click(position={"x": box["width"] - 16, "y": 12})
    png = Path(download.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG"), "the chart downloads as a PNG"
    assert download.value.suggested_filename == "care-abm-spend-2026-03-30.png"
    _show(tab, "All figures")
    table = tab.locator(".care-abm-kpis")
    expect(table).to_contain_text("Delayed discharges", timeout=UI_TIMEOUT_MS)
    expect(table).to_contain_text("Patients delayed in hospital")
    expect(tab.locator(".care-abm-figures")).to_contain_text("config's area of 68,000")
    words = table.inner_text()
    assert "%" in words, "shares are percentages"
    assert "£" in words, "money is in pounds"
    assert "social_care" not in words, "no code names"
    assert "nhs." not in words, "no config keys"
    _shot(tab, "06-all-figures.png")
    with tab.expect_download(timeout=UI_TIMEOUT_MS) as download:
        tab.get_by_role("button", name="Download the KPIs (CSV)").click()
    text = Path(download.value.path()).read_text()
    assert text.startswith("group,metric,label,unit,this_run,baseline,difference,scaled_to_area")
    assert "\nDelayed discharges,delayed_patients," in text
    _no_crash(tab, "the downloads")

    # 5. The dark theme draws the charts dark too.
    _show(tab, "Hospital")
    icons = ("mdi-weather-night", "mdi-weather-sunny", "mdi-brightness-auto")
    toggle = tab.locator(", ".join(f"header button:has(.{icon})" for icon in icons))
    for _ in range(3):
        if tab.locator("header .mdi-weather-night").count():
            break
        toggle.first.click()
        time.sleep(0.5)
    time.sleep(1)
    card = tab.locator(".care-abm-card-delays").first
    shade = _mean_brightness(card.screenshot())
    assert shade < 100, f"the chart card is dark in the dark theme (mean brightness {shade:.0f})"
    _shot(tab, "07-dark.png")
    _no_crash(tab, "the dark theme")

    assert not problems, "\n".join(problems)


def _mean_brightness(png: bytes) -> float:
    """The mean grey level (0-255) of a PNG screenshot."""
    import io

    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    return float(pixels[..., :3].mean() * 255)
