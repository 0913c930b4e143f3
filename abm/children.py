"""Child processes die with their parent, however the parent dies.

Ctrl-C and SIGTERM are handled by each command, which stops its workers itself. SIGKILL (or
an out-of-memory kill) gives the parent no chance to do that, so every child the tool starts
asks the kernel to kill it when its parent goes: Linux's parent-death signal
(``prctl(PR_SET_PDEATHSIG, SIGKILL)``, as ``multiprocess``, ``python-prctl`` and systemd's
own helpers do), set in the child before it does any work. Elsewhere a thread polls the
parent's pid instead. Either way the child first checks that its parent is still the one
that started it, since the parent may have died before the signal was asked for.
"""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def _prctl() -> object | None:
    """libc's ``prctl`` on Linux, looked up once in the parent (never between fork and
    exec, where loading a library is unsafe)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return None


_PRCTL = _prctl()


def die_with_parent(parent: int | None = None) -> None:
    """Make this process end when ``parent`` (default: its parent now) ends.

    Call it first thing in a child: a pool initializer, or the ``preexec_fn`` of a
    subprocess (between fork and exec it only calls prctl and getppid).
    """
    parent = os.getppid() if parent is None else parent
    if _PRCTL is None or _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was set
        os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def quiet_worker(parent: int) -> None:
    """Initializer of the tool's worker pools: die with the driver, and leave Ctrl-C to it
    (the driver stops handing out work and keeps what finished)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_module_as_child(argv: list[str]) -> None:
    """``python -m abm.children PARENT_PID MODULE ARGS...``: run ``python -m MODULE ARGS``
    in this process once it is tied to ``PARENT_PID``. This is how ``care-abm serve`` starts
    the Solara server, so that it dies with ``serve`` (no ``preexec_fn``, which is unsafe
    when the parent has threads)."""
    parent, module, *args = argv
    die_with_parent(int(parent))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    run_module_as_child(sys.argv[1:])
