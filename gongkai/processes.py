"""Worker processes that behave: quiet on Ctrl-C, gone with their parent, stoppable when busy.

Three stages spread CPU work over processes (the crawl's article reading, the check's sites, the
report's snapshots and its files other than the workbook).  All need the same things from :mod:`concurrent.futures`' process pools, which
gives none of them: workers that leave Ctrl-C to the parent (it reaches the whole process group,
and a worker's traceback would bury the parent's one line), workers that end when the parent is
killed (no shutdown reaches them, and they would live on holding the pipes of whoever started the
run), a way to stop a pool whose workers are busy, and a wait that ends when a worker was killed
from outside (:func:`result`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

T = TypeVar("T")

PROCESSES = min(os.cpu_count() or 1, 4)   # default workers of a stage (the check's sites, the report's snapshots)
PARENT_CHECK_SECONDS = 1.0
_STOPPING = threading.Lock()   # held by stop(), and while result() looks for a dead worker
STOP_WAIT_SECONDS = 30.0   # for a killed worker to be reaped


def worker_setup(parent: int) -> None:
    """Run first in every worker: ignore Ctrl-C, and exit once ``parent`` is no longer the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="gongkai-parent-watch", daemon=True).start()


def start_method() -> BaseContext:
    """fork when this process runs one thread (a worker starts at once, sharing what is loaded);
    spawn otherwise: fork would copy another thread's locks mid-use (a crawl's DNS resolvers)."""
    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")


def pool(processes: int, context: BaseContext, initializer: Callable[..., object] | None = None,
         initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A process pool whose workers run :func:`worker_setup` before ``initializer``."""
    return ProcessPoolExecutor(processes, mp_context=context, initializer=_setup,
                               initargs=(os.getpid(), initializer, initargs))


def _setup(parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    worker_setup(parent)
    if initializer is not None:
        initializer(*initargs)


def result(future: Future[T], executor: ProcessPoolExecutor) -> T:
    """``future.result()``, failing with BrokenProcessPool once one of the pool's workers has died.

    A worker killed from outside (the out-of-memory killer) while sending its result is never
    noticed by the pool (see :func:`stop`): its future would be waited for for ever.  Between
    waits of ``PARENT_CHECK_SECONDS`` the workers are looked at; a dead one stops the pool."""
    while True:
        try:
            return future.result(timeout=PARENT_CHECK_SECONDS)
        except FutureTimeout:
            with _STOPPING:   # a stop in another thread reaps the workers: never poll them meanwhile
                workers = list((getattr(executor, "_processes", None) or {}).values())
                dead = any(process.exitcode is not None for process in workers)
            if dead:
                stop(executor)
                try:
                    return future.result(timeout=STOP_WAIT_SECONDS)
                except FutureTimeout:
                    raise BrokenProcessPool("a worker process died") from None


def stop(executor: ProcessPoolExecutor) -> None:
    """Kill the pool's workers, busy or not, and drop its pending work.

    A worker killed while sending a result larger than the pipe's buffer leaves the pool's manager
    thread reading the rest for ever (the parent holds the pipe's write end too, so no end of file
    comes): its future would never fail, and whoever waits on it — and the interpreter's exit —
    would hang.  Closing the parent's write end once the workers are gone ends that read: every
    future fails with BrokenProcessPool."""
    with _STOPPING:   # one stop at a time: two threads reaping one worker leave it unjoined
        workers = list((getattr(executor, "_processes", None) or {}).values())   # no public API stops a busy worker
        for process in workers:
            process.kill()
        for process in workers:   # gone before the caller cleans up what they were writing
            process.join(STOP_WAIT_SECONDS)
        writer = getattr(getattr(executor, "_result_queue", None), "_writer", None)
        if workers and writer is not None:
            with contextlib.suppress(OSError):
                writer.close()
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=False, cancel_futures=True)
        if manager is not None:   # it reaps the killed workers too: until it is done, one may
            manager.join(STOP_WAIT_SECONDS)   # look alive to active_children() (reaped, its exit code not yet set)


def can_fork() -> bool:
    """Whether :class:`Forked` may run now (:func:`start_method` would fork)."""
    return start_method().get_start_method() == "fork"


_remembered: list[Callable[[], Any]] = []   # in a Forked worker: the call it was forked for


def _remember(call: Callable[[], Any]) -> None:
    _remembered.append(call)


def _call_remembered() -> Any:
    return _remembered[0]()


class Forked(Generic[T]):
    """``call()`` run in a forked copy of this process while this one goes on; :meth:`result` waits.

    The copy sees everything this process holds as it is (a report's whole model), nothing pickled
    but the result: the call reaches the worker as an argument of its start, which fork does not
    pickle.  Only when :func:`can_fork`.  The worker is one of :func:`pool`'s (quiet on Ctrl-C, gone
    with its parent); a call that raises raises in :meth:`result`; :meth:`abort` kills it at once.
    """

    def __init__(self, call: Callable[[], T]) -> None:
        self.pool = pool(1, multiprocessing.get_context("fork"), _remember, (call,))
        try:
            self.future: Future[T] = self.pool.submit(_call_remembered)
            self.pid: int = next(iter(self.pool._processes))   # forked by submit (no public API names it)
        except BaseException:   # interrupted once forked: the copy must not go on alone
            stop(self.pool)
            raise

    def result(self) -> T:
        try:
            value = result(self.future, self.pool)
        except BaseException:
            self.abort()
            raise
        self.pool.shutdown(wait=True)
        return value

    def abort(self) -> None:
        stop(self.pool)
