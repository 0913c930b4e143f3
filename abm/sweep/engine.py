"""Where the runs of a sweep execute: in this process, in local worker processes, or on Dask.

Every engine runs the same function, :func:`execute`, on the same tasks, and every run's seed
depends only on its replication number (``replication_seed(run.seed, k)``), so results are
identical whatever the engine and however many workers it has. Engines only yield finished
runs back to the driver, in whatever order they finish; the driver writes them.

A run that raises is returned as a record with ``status = "error"`` and the error text, so
one bad corner of the parameter space does not stop a sweep of thousands of runs.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from abm.children import quiet_worker
from abm.config import Scenario
from abm.errors import RunError
from abm.run import run_replication


@dataclasses.dataclass(frozen=True)
class Task:
    """One run of a sweep: a point's config changes and a replication number."""

    point: int
    replication: int
    changes: tuple[tuple[str, Any], ...]


def execute(base: Scenario, task: Task, spec_hash: str) -> dict[str, Any]:
    """Run one task and return its record (never raises for a model error)."""
    start = time.perf_counter()
    record: dict[str, Any] = {
        "spec_hash": spec_hash,
        "point": task.point,
        "replication": task.replication,
        "inputs": {key: _jsonable(value) for key, value in task.changes},
    }
    try:
        result = run_replication(base.with_changes(task.changes), task.replication)
    except Exception as exc:  # recorded, and the sweep goes on
        record.update(
            status="error",
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
            kpis={},
        )
    else:
        record.update(status="ok", error=None, kpis=result.kpis)
    record["seconds"] = round(time.perf_counter() - start, 4)
    record["host"] = f"{socket.gethostname()}:{os.getpid()}"
    return record


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _failed(task: Task, spec_hash: str, exc: BaseException) -> dict[str, Any]:
    """The record of a task whose worker died or that the engine could not run."""
    return {
        "spec_hash": spec_hash,
        "point": task.point,
        "replication": task.replication,
        "inputs": {key: _jsonable(value) for key, value in task.changes},
        "status": "error",
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": "".join(traceback.format_exception(exc)),
        "kpis": {},
        "seconds": float("nan"),
        "host": None,
    }


class Engine:
    """Runs tasks and yields their records as they finish."""

    name = "engine"
    workers = 1

    def run(self, base: Scenario, tasks: Sequence[Task], spec_hash: str) -> Iterator[dict]:
        """Yield one record per task, in the order they finish."""
        raise NotImplementedError

    def describe(self) -> str:
        """How the engine is described in progress lines and metadata."""
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def close(self) -> None:
        """Release workers and clusters."""


class SerialEngine(Engine):
    """Every run in this process: the simplest to debug (``--jobs 1``)."""

    name = "serial"

    def run(self, base: Scenario, tasks: Sequence[Task], spec_hash: str) -> Iterator[dict]:
        """Run the tasks one after another."""
        for task in tasks:
            yield execute(base, task, spec_hash)


class ProcessEngine(Engine):
    """Local worker processes (``--jobs J``), started fresh (spawn) like ``care-abm run``."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.workers = jobs
        self._pool: ProcessPoolExecutor | None = None

    def run(self, base: Scenario, tasks: Sequence[Task], spec_hash: str) -> Iterator[dict]:
        """Keep every worker busy with a short queue, so Ctrl-C stops quickly."""
        import multiprocessing  # noqa: PLC0415

        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=quiet_worker,
            initargs=(os.getpid(),),
        )
        pending: dict[Future, Task] = {}
        queue = iter(tasks)
        window = self.workers * 3
        try:
            while True:
                while len(pending) < window:
                    task = next(queue, None)
                    if task is None:
                        break
                    pending[self._pool.submit(execute, base, task, spec_hash)] = task
                if not pending:
                    self._pool.shutdown(wait=True)  # idle workers: a quick, tidy exit
                    self._pool = None
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        yield future.result()
                    except Exception as exc:  # a worker died: record it
                        yield _failed(task, spec_hash, exc)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the pool without waiting for queued runs (after Ctrl-C, say)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class DaskEngine(Engine):
    """A Dask cluster: a LocalCluster, a scheduler address, or a dask-jobqueue cluster.

    The workers need the same care-abm installed; they send each run's record back to the
    driver, so they need no shared file system.
    """

    name = "dask"

    def __init__(
        self,
        *,
        local_workers: int | None = None,
        scheduler: str | None = None,
        jobqueue: tuple[str, int, dict[str, Any]] | None = None,
    ) -> None:
        try:
            from distributed import Client, LocalCluster  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise RunError(
                f"Dask is not installed ({exc}); pip install 'care-abm[cluster]'"
            ) from None
        self._cluster: Any = None
        if scheduler is not None:
            probe_scheduler(scheduler)
            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise RunError(f"--scheduler {scheduler}: cannot connect: {exc}") from None
            self.where = scheduler
        elif jobqueue is not None:
            kind, workers, options = jobqueue
            self._cluster = _jobqueue_cluster(kind, options)
            self._cluster.scale(workers)
            self.client = Client(self._cluster)
            self.where = f"{kind} via dask-jobqueue"
        else:
            self._cluster = LocalCluster(
                n_workers=local_workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self.client = Client(self._cluster)
            self.where = f"LocalCluster {self._cluster.scheduler_address}"
        if local_workers is not None:
            self.workers = local_workers
        elif jobqueue is not None:
            self.workers = jobqueue[1]
        else:
            self.workers = len(self.client.scheduler_info()["workers"])

    def describe(self) -> str:
        """Where the cluster is and how many workers it has now."""
        return f"dask ({self.where}, {self.workers} workers)"

    def run(self, base: Scenario, tasks: Sequence[Task], spec_hash: str) -> Iterator[dict]:
        """Submit every task at once (the scheduler queues them) and yield as they finish."""
        from distributed import as_completed  # noqa: PLC0415

        if not tasks:
            return
        shared = self.client.scatter(base, broadcast=True)
        futures = {
            self.client.submit(
                execute,
                shared,
                task,
                spec_hash,
                key=f"care-abm-{spec_hash}-{task.point}-{task.replication}",
                pure=False,
            ): task
            for task in tasks
        }
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    record = future.result()
                except Exception as exc:  # a worker died: record it
                    record = _failed(task, spec_hash, exc)
                future.release()
                yield record
        finally:
            for future in futures:
                if not future.done():
                    future.cancel()

    def close(self) -> None:
        """Close the client and any cluster this engine started."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _jobqueue_cluster(kind: str, options: dict[str, Any]) -> Any:
    """A dask-jobqueue cluster of ``kind`` (``slurm``, ``pbs``, ...) with the sweep's options.

    Options missing from the sweep file's ``[cluster.<kind>]`` table come from Dask's own
    configuration (``~/.config/dask/jobqueue.yaml``), as dask-jobqueue documents.
    """
    try:
        import dask_jobqueue  # noqa: PLC0415
    except ImportError:
        raise RunError(
            f"--cluster {kind}: needs dask-jobqueue (pip install 'care-abm[cluster]') "
            "on the machine that runs the sweep"
        ) from None
    classes = {
        "slurm": "SLURMCluster",
        "pbs": "PBSCluster",
        "sge": "SGECluster",
        "lsf": "LSFCluster",
        "htcondor": "HTCondorCluster",
        "moab": "MoabCluster",
        "oar": "OARCluster",
    }
    return getattr(dask_jobqueue, classes[kind])(**options)


def parse_cluster(text: str) -> tuple[str, int]:
    """``local:4`` or ``slurm:20`` -> (kind, workers); a bad value is a RunError."""
    from abm.sweep.spec import CLUSTER_KINDS  # noqa: PLC0415

    kinds = ("local", *CLUSTER_KINDS)
    kind, _, count = text.partition(":")
    if kind not in kinds or not count.isdigit() or int(count) < 1:
        raise RunError(
            f"--cluster {text}: expected KIND:WORKERS with KIND one of {', '.join(kinds)} "
            "and WORKERS a whole number, e.g. --cluster local:2"
        )
    return kind, int(count)


SCHEDULER_PROTOCOLS = ("tcp", "tls", "ws", "wss")
PROBE_SECONDS = 5.0


def parse_scheduler(text: str) -> tuple[str, str, int]:
    """``tcp://HOST:PORT`` (or ``HOST:PORT``) -> (protocol, host, port); a RunError naming
    ``--scheduler`` otherwise, before anything is written or started."""
    protocol, sep, location = text.partition("://")
    if not sep:
        protocol, location = "tcp", text
    host, colon, port = location.rpartition(":")
    host = host.strip("[]")
    if (
        protocol not in SCHEDULER_PROTOCOLS
        or not colon
        or not host
        or any(c.isspace() for c in text)
        or not port.isdigit()
        or not 1 <= int(port) <= 65535
    ):
        raise RunError(
            f"--scheduler {text}: expected a Dask scheduler address PROTOCOL://HOST:PORT "
            f"(PROTOCOL one of {', '.join(SCHEDULER_PROTOCOLS)}), e.g. tcp://10.0.0.5:8786"
        )
    return protocol, host, int(port)


def probe_scheduler(address: str, seconds: float = PROBE_SECONDS) -> None:
    """Check that a Dask scheduler answers at ``address`` before the client waits on it.

    A Dask scheduler greets every new connection at once; a port where another kind of
    server listens stays silent, and Dask's client would then wait for minutes whatever its
    timeout. So: connect, and wait ``seconds`` for the first bytes (plain TCP only; TLS and
    websockets are left to the client).

    Raises:
        RunError: nothing listens there, or what listens is not a Dask scheduler.
    """
    protocol, host, port = parse_scheduler(address)
    if protocol != "tcp":
        return
    try:
        with socket.create_connection((host, port), timeout=seconds) as sock:
            sock.settimeout(seconds)
            greeting = sock.recv(1)
    except TimeoutError:
        raise RunError(
            f"--scheduler {address}: no Dask scheduler answered within {seconds:g} s "
            "(is another kind of server listening there?)"
        ) from None
    except OSError as exc:
        raise RunError(f"--scheduler {address}: cannot connect: {exc.strerror or exc}") from None
    if not greeting:
        raise RunError(f"--scheduler {address}: the connection was closed: not a Dask scheduler")
