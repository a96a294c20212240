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


KILLED_MID_SEND = """
import multiprocessing, time
from concurrent.futures.process import BrokenProcessPool
from gongkai import processes

def big(size):
    return b"x" * size

pool = processes.pool(1, multiprocessing.get_context("fork"))
future = pool.submit(big, 128_000_000)   # far past the pipe's buffer: sent in thousands of writes
end = time.monotonic() + 2
while time.monotonic() < end:            # hold the interpreter: the pool's reader thread reads slowly
    pass
processes.stop(pool)
try:
    future.result(timeout=120)
    print("result")
except BrokenProcessPool:
    print("broken")
"""


def test_a_worker_killed_while_sending_its_result_fails_its_future() -> None:
    """Killed mid-send, a worker leaves the pool's reader waiting for the rest of its result: stop()
    must fail the future and let the process exit (run in a process of its own: a hang fails this
    test, not the suite)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", KILLED_MID_SEND], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and done.stdout.strip() == "broken", (done.stdout, done.stderr[-2000:])


KILLED_FROM_OUTSIDE = """
import multiprocessing, os, time
from concurrent.futures.process import BrokenProcessPool
from gongkai import processes

def big(size):
    return b"x" * size

pool = processes.pool(1, multiprocessing.get_context("fork"))
future = pool.submit(big, 128_000_000)
end = time.monotonic() + 2
while time.monotonic() < end:            # hold the interpreter: the pool's reader thread reads slowly
    pass
for worker in list(pool._processes.values()):
    os.kill(worker.pid, 9)               # as the out-of-memory killer does: the pool is not told
try:
    processes.result(future, pool)
    print("result")
except BrokenProcessPool:
    print("broken")
"""


def test_waiting_on_a_worker_killed_from_outside_mid_send_ends() -> None:
    """The pool never notices a worker killed while sending (its reader waits for the rest);
    processes.result() does, within a second or so, and fails the future."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", KILLED_FROM_OUTSIDE], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and done.stdout.strip() == "broken", (done.stdout, done.stderr[-2000:])


class _Unpicklable:
    """State only a forked copy can see: pickling it fails."""

    def __init__(self, values: list[int]) -> None:
        self.values = values

    def __reduce__(self):  # noqa: ANN204 - refuses
        raise TypeError("not picklable")


def test_forked_runs_the_call_on_this_process_state_and_returns_its_result() -> None:
    state = _Unpicklable([1, 2, 3])
    forked = processes.Forked(lambda: (os.getpid(), sum(state.values)))
    pid, total = forked.result()
    assert total == 6 and pid != os.getpid()
    assert multiprocessing.active_children() == []


def test_forked_raises_what_the_call_raised() -> None:
    def full_disk() -> None:
        raise OSError(28, "No space left on device")

    forked = processes.Forked(full_disk)
    try:
        forked.result()
    except OSError as exc:
        assert exc.errno == 28
    else:
        raise AssertionError("the call's error was not raised")
    assert multiprocessing.active_children() == []


def test_an_aborted_fork_is_gone_at_once() -> None:
    forked = processes.Forked(lambda: _pid_then_sleep(600))
    time.sleep(0.5)
    started = time.monotonic()
    forked.abort()
    assert time.monotonic() - started < processes.STOP_WAIT_SECONDS
    assert multiprocessing.active_children() == []
