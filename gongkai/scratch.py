"""A private temporary directory for each command, removed when the command ends — and, when a
command was killed before it could remove its own, by the next command.

Several parts of a run write temporary files by name: the check's spool of judged sites (pickled
results, hundreds of MB at 100k pages), openpyxl's write-only sheets (the 检查结果 sheet's XML, as
large).  A run stopped by SIGKILL or the out-of-memory killer removes nothing, and cron would leave
one such set in /tmp every night.  Each command therefore points ``tempfile`` (and, through
``TMPDIR``, its child processes) at ``<tmp>/gongkai-run-<pid>-…``; a later command removes such a
directory once its process is gone and nothing in it has changed for ``STALE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = "gongkai-run-"
STALE_SECONDS = 3600   # untouched this long, and its process gone: left by a killed run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # another user's process
        return True
    return True


def _last_change(directory: Path) -> float:
    times = [directory.stat().st_mtime]
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            with contextlib.suppress(OSError):
                times.append(os.lstat(os.path.join(root, name)).st_mtime)
    return max(times)


def remove_stale(base: Path, now: float | None = None) -> list[Path]:
    """Remove the run directories under ``base`` left by runs that were killed; returns them."""
    now = time.time() if now is None else now
    removed = []
    for directory in base.glob(f"{PREFIX}*"):
        pid = directory.name.removeprefix(PREFIX).split("-", 1)[0]
        with contextlib.suppress(OSError):
            if (pid.isdigit() and directory.is_dir() and not _alive(int(pid))
                    and now - _last_change(directory) > STALE_SECONDS):
                shutil.rmtree(directory)
                removed.append(directory)
    return removed


@contextlib.contextmanager
def private_tempdir() -> Iterator[Path | None]:
    """Around one command: ``tempfile`` and ``TMPDIR`` point at a directory of its own, removed at
    the end however the command ends (short of being killed).  Where none can be made (a full
    disk), the command runs with the usual temporary directory: it may not need one."""
    base = Path(tempfile.gettempdir())
    remove_stale(base)
    try:
        path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
    except OSError:
        yield None
        return
    saved_tempdir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir, os.environ["TMPDIR"] = str(path), str(path)
    try:
        yield path
    finally:
        tempfile.tempdir = saved_tempdir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(path, ignore_errors=True)
