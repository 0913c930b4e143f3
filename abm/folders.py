"""Results folders: checked before any work, built under a marked partial name, never a
folder the tool did not make deleted.

``care-abm run`` and ``care-abm compare`` build their folder as ``<out>.partial`` and rename
it to ``<out>`` only when everything is written, so a folder with the final name is always
complete. The partial folder is created before the first replication starts (so an
unwritable ``--out`` stops the command at once, not after an hour of runs) and carries a
marker file, :data:`MARKER`, naming the process that writes it. A partial folder is the
tool's own only with that marker: one left by a killed run (its process gone) is removed and
started again; any other ``<out>.partial`` is refused, never deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MARKER = ".care-abm-partial"
"""The file that makes a ``.partial`` folder the tool's own (JSON: tool, pid, host, time)."""


class FolderError(RuntimeError):
    """An output folder that cannot be used (reported as a user error, exit status 2)."""


def partial_path(out: Path) -> Path:
    """Where ``out`` is built: ``<out>.partial`` beside it."""
    return out.with_name(out.name + ".partial")


def check_new_folder(out: Path, option: str = "--out") -> None:
    """Stop before any work when ``out`` cannot become a new results folder: it is a file,
    a folder that holds something, under a file, or its ``.partial`` is not ours to reuse.

    Raises:
        FolderError: with one line naming ``option`` and the path.
    """
    check_folder_path(out, option)
    if out.exists() and any(out.iterdir()):
        raise FolderError(
            f"results folder {out} already exists and is not empty; choose another {option}"
        )
    partial = partial_path(out)
    if partial.exists() or partial.is_symlink():
        _check_ours(partial, option)


def check_folder_path(folder: Path, option: str = "--out") -> None:
    """``folder`` can be (or is) a folder: it is not a file, and no folder above it is one.

    Raises:
        FolderError: naming ``option`` and the path.
    """
    if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        raise FolderError(f"{option} {folder}: exists and is not a folder; choose another {option}")
    _check_parents(folder, option)


def _check_parents(path: Path, option: str) -> None:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise FolderError(f"{option} {path}: {parent} is a file, not a folder")
            return


def _check_ours(partial: Path, option: str) -> None:
    owner = marker_owner(partial)
    if owner is None:
        raise FolderError(
            f"{partial} exists and was not made by care-abm (no {MARKER} in it): move it "
            f"away or choose another {option}; it is never deleted"
        )
    if _alive(owner):
        raise FolderError(
            f"{partial} is being written by another care-abm (process {owner.get('pid')}); "
            f"wait for it or choose another {option}"
        )


def marker_owner(partial: Path) -> dict | None:
    """The marker's contents when ``partial`` is a real folder (not a link) of the tool's."""
    if partial.is_symlink() or not partial.is_dir():
        return None
    try:
        owner = json.loads((partial / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) and owner.get("tool") == "care-abm" else None


def _alive(owner: dict) -> bool:
    """Is the process that wrote the marker still running? (Another machine's: assume so.)"""
    pid = owner.get("pid")
    if owner.get("host") != socket.gethostname():
        return True
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(out: Path, option: str = "--out") -> Path:
    """Create ``<out>.partial`` with the marker (removing one a killed run of ours left)
    and return it.

    Raises:
        FolderError: the folder cannot be created or written (with the reason).
    """
    check_new_folder(out, option)
    partial = partial_path(out)
    if marker_owner(partial) is not None:
        shutil.rmtree(partial)  # ours, and its process is gone (checked above)
    try:
        partial.mkdir(parents=True)
        marker = {
            "tool": "care-abm",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "out": str(out),
        }
        (partial / MARKER).write_text(json.dumps(marker) + "\n")
    except OSError as exc:
        with contextlib.suppress(OSError):
            if marker_owner(partial) is not None or (
                partial.is_dir() and not any(partial.iterdir())
            ):
                shutil.rmtree(partial)
        raise FolderError(f"{option} {out}: cannot create {partial}: {_reason(exc)}") from None
    return partial


def _reason(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))


def finish(partial: Path, out: Path) -> None:
    """Rename a complete partial folder to its final name (its marker removed first)."""
    (partial / MARKER).unlink(missing_ok=True)
    if out.exists():
        out.rmdir()  # an empty folder, checked empty before the work began
    partial.rename(out)


def abandon(partial: Path) -> None:
    """Remove a partial folder after an error or Ctrl-C, only when it is ours."""
    if marker_owner(partial) is not None:
        shutil.rmtree(partial, ignore_errors=True)


@contextlib.contextmanager
def partial_folder(out: Path, option: str = "--out") -> Iterator[Path]:
    """Build a folder under ``<out>.partial`` (claimed now, with the marker) and rename it to
    ``out`` only when the block ends without error; an error or Ctrl-C removes it, and a
    killed process leaves it marked partial, never looking complete."""
    partial = claim(out, option)
    try:
        yield partial
    except BaseException:
        abandon(partial)
        raise
    finish(partial, out)


def replaceable_folder(folder: Path, names: set[str], patterns: tuple[str, ...] = ()) -> bool:
    """True when ``folder`` is absent, or holds only files the tool writes there (``names``
    or files matching ``patterns``): only then may the tool replace it."""
    if not folder.exists():
        return True
    if folder.is_symlink() or not folder.is_dir():
        return False
    for path in folder.iterdir():
        if path.is_dir() or not (
            path.name in names or any(path.match(pattern) for pattern in patterns)
        ):
            return False
    return True


def read_table(path: Path, columns: tuple[str, ...]) -> Any:
    """A CSV table a command reads from a folder, with the columns it must have.

    Raises:
        FolderError: the file is missing, unreadable or lacks a column (one line).
    """
    import pandas as pd  # noqa: PLC0415 - only commands that read tables pay for pandas

    if not path.is_file():
        raise FolderError(f"{path}: missing; the folder is incomplete")
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:  # pandas' parser errors are ValueErrors
        raise FolderError(f"{path}: cannot be read ({exc})") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise FolderError(f"{path}: lacks the columns {', '.join(missing)}")
    return table


def check_output_file(path: Path, option: str) -> None:
    """Before any work: ``path`` can be written (not a folder, not below a file).

    Raises:
        FolderError: naming ``option`` and the path.
    """
    if path.is_dir():
        raise FolderError(f"{option} {path}: is a folder; name a file")
    _check_parents(path, option)
