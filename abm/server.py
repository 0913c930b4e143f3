"""``care-abm serve``: start the visual server (``solara run abm.app``) and stop it cleanly.

The config is checked here, before anything starts, so a bad file is the usual one-line
error. The server listens on 127.0.0.1 unless told otherwise, sends no telemetry and does not
look for a newer Solara on the internet; with ``solara-assets`` installed it serves every
script the page needs itself, so the page works offline.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import FrameType

from abm.config import ConfigError, apply_area, load_scenario

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
CONFIG_ENV = "CARE_ABM_APP_CONFIG"  # read by abm.app
AREA_ENV = "CARE_ABM_APP_AREA"  # read by abm.app: the simulated area the page starts with
STOP_TIMEOUT_S = 10.0
MAX_PORT = 65535


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody is listening on now."""
    family, address = _address(host, 0)
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind(address)
        return int(sock.getsockname()[1])


def check_listen_options(host: str, port: int) -> None:
    """Stop before the server starts when ``--port`` is not a port or ``--host`` is not an
    address of this machine, naming the option that is wrong.

    Raises:
        ConfigError: keyed by ``--port`` or ``--host``.
    """
    if not 0 <= port <= MAX_PORT:
        raise ConfigError("--port", "", f"must be a TCP port from 0 to {MAX_PORT}, got {port}")
    _address(host, port)


def _address(host: str, port: int) -> tuple[socket.AddressFamily, tuple]:
    """The socket family and address to bind for ``host``, or a ConfigError naming --host."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            "--host", "", f"{host!r} is not an address to listen on ({reason})"
        ) from None
    family, _, _, _, address = infos[0]
    return family, address


def _check_port(host: str, port: int) -> None:
    family, address = _address(host, port)
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                raise ConfigError(
                    "--host", "", f"{host} is not an address of this machine ({exc.strerror})"
                ) from None
            raise ConfigError(
                "--port", "", f"cannot listen on {host}:{port} ({exc.strerror}); try another --port"
            ) from None


def solara_command(host: str, port: int) -> list[str]:
    """The command that runs the app: ``python -m solara run abm.app ...`` through
    :mod:`abm.children`, so the server dies with this process even when it is killed."""
    return [
        sys.executable,
        "-m",
        "abm.children",
        str(os.getpid()),
        "solara",
        "run",
        "abm.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]


def server_environment(config: Path, area: int | None = None) -> dict[str, str]:
    """The server's environment: the config (and the area to start with) for the app, and no
    calls to the outside."""
    env = dict(os.environ)
    env[CONFIG_ENV] = str(config.resolve())
    env.pop(AREA_ENV, None)
    if area is not None:
        env[AREA_ENV] = str(area)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env.setdefault("MPLBACKEND", "Agg")
    # Solara warns on every page load that 127.0.0.1 (not "localhost") gets a lax cookie.
    quiet = "ignore:Cookies with samesite=none require https:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), quiet]))
    return env


def serve(
    config: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, area: int | None = None
) -> int:
    """Run the visual server until Ctrl-C (or SIGTERM); return its exit status.

    ``area`` is the simulated area the page starts with (residents 65+; the page's slider
    changes it). The server is a child process in the same process group, so Ctrl-C in a
    terminal reaches both; either way this process then asks the child to stop, waits, and
    insists if needed.

    Raises:
        ConfigError: a bad config, area or a port that is taken, before the server starts.
    """
    check_listen_options(host, port)
    scenario = load_scenario(config)
    if area is not None:
        apply_area(scenario, area, "--area")
    _check_port(host, port)
    if port == 0:
        port = free_port(host)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"care-abm: serving {scenario.name} ({config}) at http://{shown}:{port}/ (Ctrl-C to stop)",
        flush=True,
    )
    previous = {
        signum: signal.signal(signum, _interrupt) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    child = subprocess.Popen(solara_command(host, port), env=server_environment(config, area))
    try:
        return child.wait()
    except KeyboardInterrupt:
        _stop(child)
        print("care-abm: server stopped", file=sys.stderr, flush=True)
        return 0
    finally:
        _stop(child)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # Ctrl-C and SIGTERM alike, even when the shell started us with SIGINT ignored.
    raise KeyboardInterrupt


def _stop(child: subprocess.Popen) -> None:
    """Ask the server to stop as Ctrl-C does, then terminate it, then kill it."""
    steps = (
        lambda: child.send_signal(signal.SIGINT),
        child.terminate,
        child.kill,
    )
    for send in steps:
        if child.poll() is not None:
            return
        send()
        try:
            child.wait(timeout=STOP_TIMEOUT_S)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            continue


__all__ = [
    "AREA_ENV",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "check_listen_options",
    "free_port",
    "serve",
    "server_environment",
    "solara_command",
]
