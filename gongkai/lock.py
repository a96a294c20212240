"""One run per output directory: an exclusive, non-blocking ``flock`` on ``DIR/.gongkai.lock``.

Cron may start an audit while last quarter's is still running, or an evaluator may start a
second ``gongkai report`` by hand; two runs writing the same store and the same scorecard would
interleave.  The second run therefore stops at once, naming the pid that holds the directory.

``flock`` belongs to the open file, so the kernel drops it when the process exits however it
exits (crash, ``kill -9``): a killed run never leaves a stale lock and nothing needs cleaning
up.  The lock file itself is left in place on purpose: unlinking it on exit would let a third
run lock a fresh file while a second still waits on the old one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = ".gongkai.lock"


class DirectoryBusy(Exception):
    """Another run holds the directory; the message is the one line shown to the user."""

    def __init__(self, directory: Path, pid: str) -> None:
        self.directory, self.pid = directory, pid
        holder = f"pid {pid}" if pid else "a process whose pid is not recorded"
        super().__init__(f"{directory}: another gongkai run ({holder}) is writing here; "
                         f"wait for it to finish or use another --out")


class DirectoryLock:
    """The held lock on one directory; ``release()`` (or process exit) frees it."""

    def __init__(self, directory: Path, fd: int) -> None:
        self.directory, self._fd = directory, fd

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)   # closing the only descriptor drops the flock
            self._fd = -1


def acquire(directory: Path) -> DirectoryLock:
    """Lock ``directory`` (which must exist) for this process, or raise DirectoryBusy at once.

    An OSError (read-only file system, no permission) propagates with the lock file's path: the
    machine's failure, not the user's input.
    """
    path = directory / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _read_pid(fd)
        os.close(fd)
        raise DirectoryBusy(directory, pid) from None
    except BaseException:
        os.close(fd)
        raise
    _write_pid(fd)
    return DirectoryLock(directory, fd)


def _read_pid(fd: int) -> str:
    """The holder's pid as it wrote it (digits only: the file is ours, but never trust a file)."""
    with contextlib.suppress(OSError):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return text if text.isdigit() else ""
    return ""


def _write_pid(fd: int) -> None:
    """Record our pid for the message a second run prints (best effort: the flock is what counts)."""
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
