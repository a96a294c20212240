"""Worker processes: a busy pool can be stopped, and workers leave Ctrl-C to their parent."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

from gongkai import processes


def _pid_then_sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _sigint_disposition() -> bool:
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a killed child not yet reaped by its pool is a zombie: gone for our purpose
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_busy_pool_is_stopped_and_its_workers_ignore_ctrl_c() -> None:
    pool = processes.pool(1, multiprocessing.get_context("fork"))
    assert pool.submit(_sigint_disposition).result(timeout=120) is True
    worker = pool.submit(_pid_then_sleep, 0).result(timeout=120)
    busy = pool.submit(_pid_then_sleep, 600)
    time.sleep(0.5)
    assert busy.running()
    processes.stop(pool)
    deadline = time.monotonic() + 60
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)
