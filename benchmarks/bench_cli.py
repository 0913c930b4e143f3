"""How long ``care-abm --help`` takes (issue 18: under 0.5 s). Reports, never fails.

Each run is a new process, as a user's would be: the command's start-up is what is measured
(the interpreter, ``abm.cli`` and what it imports before parsing). ``python -X importtime``
shows where the rest goes. Compared in the same run with a bare ``python -c pass``, so a
busy machine shows in both numbers.

    .venv/bin/python benchmarks/bench_cli.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMAND = Path(sys.executable).with_name("care-abm")


def timed(args: list[str], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    rows = [
        ("python -c pass (reference)", [sys.executable, "-c", "pass"]),
        ("care-abm --help", [str(COMMAND), "--help"]),
        ("care-abm run --help", [str(COMMAND), "run", "--help"]),
        ("python -c 'import abm'", [sys.executable, "-c", "import abm"]),
    ]
    print(f"{'command':<32} {'median s':>9} {'min s':>7} {'max s':>7}  ({args.repeat} runs)")
    for name, command in rows:
        seconds = timed(command, args.repeat)
        print(
            f"{name:<32} {statistics.median(seconds):>9.3f} {min(seconds):>7.3f} "
            f"{max(seconds):>7.3f}"
        )


if __name__ == "__main__":
    main()
