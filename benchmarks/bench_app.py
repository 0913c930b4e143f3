"""How fast the visual server plays: simulated days a second in a real browser.

Starts ``care-abm serve`` (the baseline at the page's default settings: 10,000 residents 65+)
on a free port, opens it in Debian's Chromium through Playwright, presses Play, waits, reads
the day the page shows, and pauses. That is the figure a user sees: the model, the charts,
the websocket and the browser's drawing all count. As a reference measured in the same run,
the bare model is stepped in this process for the same number of days (at default settings
no lever differs from the config, so the run is its own baseline: one model), so the report
gives the page's speed and its ratio to the model alone. Play draws at most five frames a
second (``abm.app.controls.MIN_FRAME_S``), so that the browser keeps up: at a week a frame
the page cannot go faster than 35 days a second.

It reports and never fails. Times depend on the machine and on what else it runs: compare runs
made on the same machine. Needs /usr/bin/chromium (``make chromium``).

    .venv/bin/python benchmarks/bench_app.py                 # 30 s of play
    .venv/bin/python benchmarks/bench_app.py --seconds 60 --area 30000
    .venv/bin/python benchmarks/bench_app.py --root ../other-worktree --no-reference
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TARGET_DAYS_PER_SECOND = 10.0
DAY = re.compile(r"day ([\d,]+) of")


def start_server(area: int | None, root: Path) -> tuple[subprocess.Popen, str]:
    """``care-abm serve`` of the checkout at ``root`` on a free port, in its own process
    group; its address."""
    sys.path.insert(0, str(ROOT))
    from abm.server import free_port

    port = free_port()
    command = [sys.executable, "-m", "abm.cli", "serve", "--port", str(port)]
    if area is not None:
        command += ["--area", str(area)]
    server = subprocess.Popen(
        command,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return server, url
        except OSError:
            time.sleep(0.25)
    stop(server)
    raise SystemExit("care-abm serve did not answer within 120 s")


def stop(server: subprocess.Popen) -> None:
    """Stop the server's whole process group."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, signum)
            server.wait(timeout=15)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def shown_day(tab: object) -> int:
    """The day the page's date line shows (``... · day 123 of 1,826``)."""
    text = tab.locator(".care-abm-date").first.inner_text()
    match = DAY.search(text)
    if match is None:
        raise SystemExit(f"no day in the date line: {text!r}")
    return int(match.group(1).replace(",", ""))


def play_in_browser(url: str, seconds: float) -> tuple[int, float]:
    """Days played and the wall time between pressing Play and reading the day."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            tab = browser.new_page(viewport={"width": 1600, "height": 1200})
            tab.goto(url)
            play = tab.get_by_role("button", name=re.compile(r"^(▶|Play)"))
            play.wait_for(timeout=120_000)
            time.sleep(2)  # let the first charts arrive
            first = shown_day(tab)
            started = time.perf_counter()
            play.click()
            time.sleep(seconds)
            last = shown_day(tab)
            elapsed = time.perf_counter() - started
            tab.get_by_role("button", name=re.compile(r"(❚❚|Pause)")).click()
            return last - first, elapsed
        finally:
            browser.close()


def bare_model(days: int, area: int) -> float:
    """Seconds to step the page's model ``days`` days, without a page."""
    from abm.app.runs import build_model

    model = build_model({}, area)
    started = time.perf_counter()
    for _ in range(days):
        model.step()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Measure and print the page's simulated days a second."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of play (30)")
    parser.add_argument("--area", type=int, default=None, help="residents 65+ (page default)")
    parser.add_argument("--no-reference", action="store_true", help="skip the bare model")
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="the checkout whose app to serve (another version's worktree, to compare)",
    )
    args = parser.parse_args(argv)
    server, url = start_server(args.area, args.root.resolve())
    try:
        days, elapsed = play_in_browser(url, args.seconds)
    finally:
        stop(server)
    rate = days / elapsed
    print(f"page: {days} simulated days in {elapsed:.1f} s = {rate:.1f} days a second")
    verdict = "meets" if rate >= TARGET_DAYS_PER_SECOND else "misses"
    print(f"target: {TARGET_DAYS_PER_SECOND:g} days a second at default settings: {verdict} it")
    if not args.no_reference and days > 0:
        os.environ.setdefault("CARE_ABM_APP_CONFIG", str(ROOT / "experiments" / "baseline.toml"))
        os.chdir(ROOT)
        area = args.area or 10_000
        model_s = bare_model(days, area)
        print(
            f"reference: the bare model steps the same {days} days in "
            f"{model_s:.2f} s = {days / model_s:.0f} days a second; the page runs at "
            f"{rate / (days / model_s):.1%} of the model's speed"
        )


if __name__ == "__main__":
    main()
