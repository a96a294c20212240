"""A distributed crawl on RQ (Redis Queue): one job per site, results in one shared store.

``gongkai audit TARGETS --redis URL --store postgresql+psycopg://…`` creates the audit in the
store, enqueues one job per site on the ``gongkai`` queue, waits for the jobs, closes the audit's
crawl state and then checks and reports as a one-machine audit does.  ``gongkai worker --redis
URL`` runs jobs, on as many machines as wanted.

Why one job per site: the site is the unit of politeness.  A job crawls its sites with the
targets file's own ``crawl:`` settings in one Scrapy process, so a portal is only ever read by one
worker at a time, and the rate it sees does not grow with the number of workers.  Sites sharing
a host go into one job for the same reason: politeness is per host (Scrapy's download slot is the
host name, whatever the scheme or port), so two jobs on one host would double the rate it sees.

Each job runs ``gongkai crawl-site`` in a subprocess: a Twisted reactor starts once per process,
and an RQ work horse runs many jobs over its life.  The job needs only the store URL, the audit
id and its sites: the targets come from the audit in the store, so workers share no files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from gongkai import stages
from gongkai import store as st
from gongkai.store import Store, now_iso
from gongkai.targets import Targets

QUEUE = "gongkai"
JOB_TIMEOUT = 6 * 3600       # seconds one job may crawl its sites before RQ stops it
WAIT = 24 * 3600             # seconds the enqueuing command waits for all jobs, at most
POLL = 1.0                   # seconds between two looks at the jobs
STOP_WAIT = 60.0             # seconds the enqueuing command waits for the workers to stop its running jobs
STORE_ENV = "GONGKAI_STORE"  # the store URL reaches the subprocess here, not on its command line


class DistributedError(Exception):
    """Redis cannot be used (no driver, nobody listening); one line for the user, exit 2."""


def redis_connection(url: str) -> Any:
    """A checked Redis connection; a bad URL or a dead server is a DistributedError."""
    try:
        from redis import Redis
        from redis.exceptions import RedisError
    except ImportError:
        raise DistributedError("--redis needs the distributed extra: pip install 'gongkai[distributed]'") from None
    shown = stages.mask_url(url)
    try:
        conn = Redis.from_url(url, socket_connect_timeout=10)
        conn.ping()
    except (RedisError, ValueError) as exc:
        raise DistributedError(f"{shown}: cannot use Redis: {' '.join(str(exc).split())[:300]}") from None
    return conn


def site_groups(targets: Targets) -> list[tuple[str, ...]]:
    """The sites, grouped so that sites sharing a host are crawled by one job (in file order)."""
    groups: list[tuple[list[str], set[str]]] = []
    for site in targets.sites:
        mine = {urlsplit(url).hostname or "" for url in site.origins()}
        touching = [g for g in groups if g[1] & mine]
        merged = ([site.id], set(mine))
        for group in touching:
            groups.remove(group)
            merged = (group[0] + merged[0], group[1] | merged[1])
        groups.append(merged)
    order = {site.id: n for n, site in enumerate(targets.sites)}
    return sorted((tuple(sorted(ids, key=order.__getitem__)) for ids, _ in groups), key=lambda g: order[g[0]])


# -- the worker side ---------------------------------------------------------------------------

def crawl_job(audit_id: int, sites: list[str], store_url: str, verbose: bool = False) -> dict[str, Any]:
    """Run by an RQ worker: crawl ``sites`` into the audit, in a subprocess; say how it ended.

    Exit 0 (finished) and 3 (interrupted: recorded on the sites) are outcomes; anything else
    (the machine failed, the store was unusable) fails the job with the subprocess's last words.
    """
    from rq import get_current_job

    job = get_current_job()
    worker = f"{socket.gethostname()}/{(job.worker_name if job else None) or os.getpid()}"
    if job is not None:
        job.meta["worker"] = worker
        job.save_meta()
    store = Store(store_url)
    try:
        for site in sites:
            store.set_site_crawl(audit_id, site, worker=worker)
    finally:
        store.close()
    cmd = [sys.executable, "-m", "gongkai.cli", "crawl-site", "--audit", str(audit_id)]
    for site in sites:
        cmd += ["--site", site]
    if verbose:
        cmd.append("--verbose")
    # a session of its own: RQ kills a horse's whole process group (SIGKILL) to stop its job, which
    # would kill the crawl before Scrapy records anything; outside it, the crawl gets SIGTERM instead
    proc = subprocess.Popen(cmd, env={**os.environ, STORE_ENV: store_url}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_dies_with(os.getpid()))
    try:
        stdout, stderr = proc.communicate()
    except BaseException:  # RQ's job timeout, the worker stopping: the crawl must not outlive its job
        terminate_then_kill(proc)
        raise
    if proc.returncode not in (0, 3):
        tail = " ".join((stderr or stdout or "").split())[-500:]
        raise RuntimeError(f"gongkai crawl-site {' '.join(sites)} exited {proc.returncode}: {tail}")
    return {"exit": proc.returncode, "worker": worker, "sites": list(sites)}


PR_SET_PDEATHSIG = 1   # prctl(2): the signal the calling process gets when its parent dies


def _dies_with(parent: int) -> Callable[[], None] | None:
    """In the crawl's process, before it runs: SIGTERM it when the work horse that started it dies.

    A horse killed outright (RQ stopping the job or timing it out, the OOM killer, a SIGKILL) cannot
    stop its crawl, which would go on writing into an audit already closed, or beside the crawl of a
    resumed job.  SIGTERM lets Scrapy close the spider, so the sites and their columns' coverage are
    recorded interrupted.
    Linux only (``prctl``); elsewhere the crawl outlives a killed horse.
    """
    if not sys.platform.startswith("linux"):
        return None

    def arm() -> None:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:   # the horse died before the signal was armed
            os._exit(3)
    return arm


def terminate_then_kill(proc: subprocess.Popen) -> None:
    """SIGTERM first (Scrapy closes the spider: the sites are recorded interrupted), then SIGKILL."""
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_worker(redis_url: str, *, burst: bool = False, name: str | None = None) -> bool:
    """An RQ worker on the gongkai queue (``burst``: stop when the queue is empty)."""
    from rq import Worker

    conn = redis_connection(redis_url)
    worker = Worker([QUEUE], connection=conn, name=name)
    return worker.work(burst=burst, logging_level="INFO")  # a line per job: its sites, never the store URL


# -- the enqueuing side -------------------------------------------------------------------------

@dataclass
class Enqueued:
    """One job of the audit and the sites it crawls."""

    job_id: str
    sites: tuple[str, ...]
    state: str = "queued"     # queued | started | finished | failed | lost
    reason: str | None = None


@dataclass
class Distributed:
    """An audit crawled by RQ workers into one store."""

    store_url: str
    redis_url: str
    job_timeout: int = JOB_TIMEOUT
    wait: float = WAIT
    verbose: bool = False
    say: Callable[[str], None] = print
    jobs: list[Enqueued] = field(default_factory=list)

    def crawl(self, targets: Targets, *, resume: bool = False) -> stages.CrawlOutcome:
        """Enqueue the audit's sites, wait for every job, close the audit; say how the crawl ended."""
        conn = redis_connection(self.redis_url)
        store = stages.open_store(self.store_url)
        try:
            audit_id, todo = self._prepare(store, targets, resume)
        finally:
            store.close()
        from redis.exceptions import RedisError

        try:
            self._enqueue(conn, audit_id, todo)
            with _terminate_as_interrupt():
                self._wait(conn)
        except KeyboardInterrupt:
            self._cancel_waiting(conn)
            return self._close(audit_id, interrupted="shutdown")
        except RedisError as exc:  # Redis went away mid-audit: the jobs' fate is unknown
            return self._close(audit_id, interrupted=f"redis: {' '.join(str(exc).split())[:200]}")
        return self._close(audit_id)

    def _prepare(self, store: Store, targets: Targets, resume: bool) -> tuple[int, list[tuple[str, ...]]]:
        """The audit id and the groups of sites still to crawl (all of them, unless resuming)."""
        groups = site_groups(targets)
        if resume and store.latest_audit_id() is not None:
            audit_id = stages.resolve_audit(store, None)
            stages.reconcile(store, audit_id, targets)
            done = {r["site"] for r in store.rows(st.sites, audit_id) if r["crawl_state"] == "finished"}
            groups = [g for g in groups if not set(g) <= done]
            if groups:   # nothing left to crawl changes no page: the check stands
                store.begin_crawl(audit_id)
        else:
            audit_id = stages.start_audit(store, targets)
            store.begin_crawl(audit_id)
        for group in groups:
            for site in group:
                store.set_site_crawl(audit_id, site, crawl_state="queued", crawl_close_reason=None, worker=None)
        return audit_id, groups

    def _enqueue(self, conn: Any, audit_id: int, groups: Iterable[tuple[str, ...]]) -> None:
        """One job per group, named by the audit and its sites: a job an earlier command left
        queued or running (it was killed, or stopped waiting) is waited for, never doubled."""
        from rq import Queue
        from rq.exceptions import DuplicateJobError

        queue = Queue(QUEUE, connection=conn)
        for group in groups:
            job_id = job_id_for(self.store_url, audit_id, group)
            if self._still_there(conn, job_id):
                self.say(f"等待 waiting for the earlier job of {', '.join(group)} (still queued or running)")
            else:
                with contextlib.suppress(DuplicateJobError):   # another command enqueued it just now
                    queue.enqueue_call(crawl_job, args=(audit_id, list(group), self.store_url, self.verbose),
                                       timeout=self.job_timeout, result_ttl=7 * 86400, failure_ttl=7 * 86400,
                                       description=f"gongkai audit {audit_id}: crawl {', '.join(group)}",
                                       meta={"audit_id": audit_id, "sites": list(group)}, job_id=job_id,
                                       unique=True)
            self.jobs.append(Enqueued(job_id, group))
        self.say(f"排队 enqueued {len(self.jobs)} job(s) on {stages.mask_url(self.redis_url)} queue {QUEUE}")

    @staticmethod
    def _still_there(conn: Any, job_id: str) -> bool:
        """Whether the job of that id is queued, or running on a live worker; an ended or
        abandoned one is deleted so that it can be enqueued again."""
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            job = Job.fetch(job_id, connection=conn)
        except NoSuchJobError:
            return False
        status = job.get_status()
        if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
            return True
        if status == JobStatus.STARTED and job.worker_name and _worker_alive(conn, job.worker_name):
            return True
        job.delete()
        return False

    def _wait(self, conn: Any) -> None:
        """Poll every job until each has ended, been lost, or the wait ran out (bounded)."""
        from rq.job import Job

        deadline = time.monotonic() + self.wait
        while True:
            active = [entry for entry in self.jobs if entry.state in ("queued", "started")]
            for entry, job in zip(active, Job.fetch_many([e.job_id for e in active], connection=conn), strict=True):
                self._look(conn, entry, job)
            if all(entry.state in ("finished", "failed", "lost") for entry in self.jobs):
                return
            if time.monotonic() >= deadline:
                for entry in self.jobs:
                    if entry.state in ("queued", "started"):
                        entry.state, entry.reason = "lost", f"job still {entry.state} after {self.wait:.0f}s"
                self._cancel_waiting(conn)
                return
            time.sleep(POLL)

    def _look(self, conn: Any, entry: Enqueued, job: Any) -> None:
        """Update one entry from its job as just fetched (None: the job is gone from Redis)."""
        from rq.job import JobStatus

        if job is None:
            entry.state, entry.reason = "lost", "job vanished from Redis"
            return
        status = job.get_status(refresh=False)
        if status == JobStatus.FINISHED:
            entry.state = "finished"
            self.say(f"完成 crawled {', '.join(entry.sites)} on {job.meta.get('worker', '?')}")
        elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            result = job.latest_result()
            detail = " ".join(str(getattr(result, "exc_string", "") or status.value).split())[-300:]
            entry.state, entry.reason = "failed", f"job {status.value}: {detail}"
            self.say(f"失败 job failed for {', '.join(entry.sites)}: {detail}")
        elif status == JobStatus.STARTED:
            entry.state = "started"
            if job.worker_name and not _worker_alive(conn, job.worker_name):
                entry.state, entry.reason = "lost", f"worker {job.worker_name} died"

    def _cancel_waiting(self, conn: Any) -> None:
        """Jobs not started yet will not be, and running ones are stopped: the audit is being closed
        without them, and a crawl going on after it would write into a closed audit (or beside
        the crawl of a resumed job)."""
        from redis.exceptions import RedisError
        from rq.command import send_stop_job_command
        from rq.exceptions import InvalidJobOperation, NoSuchJobError
        from rq.job import Job, JobStatus

        stopping = []
        for entry in self.jobs:
            try:
                job = Job.fetch(entry.job_id, connection=conn)
                status = job.get_status()
                if status == JobStatus.QUEUED:
                    job.cancel()
                    entry.state, entry.reason = "lost", "cancelled: the audit stopped waiting before it started"
                elif status == JobStatus.STARTED:
                    send_stop_job_command(conn, job.id)
                    entry.state, entry.reason = "lost", "stopped: the audit stopped waiting while it ran"
                    stopping.append(job)
            except (NoSuchJobError, InvalidJobOperation, RedisError):
                pass
        self._until_stopped(stopping)

    @staticmethod
    def _until_stopped(jobs: list[Any]) -> None:
        """Wait (at most ``STOP_WAIT`` s) until the workers have stopped these jobs: the stop command
        is asynchronous, and a ``--resume`` right after would otherwise find them still running
        and wait for them, only to see them end stopped."""
        from redis.exceptions import RedisError
        from rq.job import JobStatus

        deadline = time.monotonic() + STOP_WAIT
        try:
            while jobs and time.monotonic() < deadline:
                time.sleep(POLL)
                jobs = [job for job in jobs if job.get_status(refresh=True) == JobStatus.STARTED]
        except (RedisError, KeyboardInterrupt):   # Redis gone, or Ctrl-C again: close the audit now
            return

    def _close(self, audit_id: int, *, interrupted: str | None = None) -> stages.CrawlOutcome:
        """Write the audit's crawl state: finished only when every site's job finished its crawl."""
        from gongkai.crawler import offline

        store = stages.open_store(self.store_url)
        try:
            lost = {site: entry.reason for entry in self.jobs if entry.state in ("failed", "lost")
                    for site in entry.sites}
            for site, reason in lost.items():
                store.set_site_crawl(audit_id, site, crawl_state="interrupted", crawl_close_reason=reason)
            rows = store.rows(st.sites, audit_id)
            unfinished = sorted(r["site"] for r in rows if r["crawl_state"] != "finished")
            if interrupted is None and not unfinished:
                offline.guard_offline(store, audit_id)
                store.mark_audit(audit_id, crawl_state="finished", crawl_close_reason="finished", crawled_at=now_iso())
            else:
                reason = interrupted or f"site jobs not finished: {', '.join(unfinished)}"
                store.mark_audit(audit_id, crawl_state="interrupted", crawl_close_reason=reason[:500])
        finally:
            store.close()
        return stages.crawl_outcome(stages.open_store(self.store_url), audit_id)


def job_id_for(store_url: str, audit_id: int, sites: Iterable[str]) -> str:
    """The job of these sites in this audit of this store: the same on every resume, so none is
    enqueued twice (the store is hashed in: two databases on one Redis both have an audit 1)."""
    digest = hashlib.sha256("\n".join([store_url, *sites]).encode("utf-8")).hexdigest()[:20]
    return f"gongkai-{audit_id}-{digest}"


def _worker_alive(conn: Any, name: str) -> bool:
    """Whether an RQ worker of that name still has its key (it expires when heartbeats stop)."""
    from rq.worker import Worker

    return bool(conn.exists(f"{Worker.redis_worker_namespace_prefix}{name}"))


class _terminate_as_interrupt:
    """While waiting, SIGTERM (``timeout``, systemd) and SIGHUP (the terminal closed) stop the wait
    as Ctrl-C does: the jobs are cancelled or stopped and the audit closed, not left behind."""

    SIGNALS = (signal.SIGTERM, signal.SIGHUP)

    def __enter__(self) -> None:
        self._old = {sig: signal.getsignal(sig) for sig in self.SIGNALS}

        def handler(signum: int, _frame: Any) -> None:
            raise KeyboardInterrupt(f"signal {signum}")
        for sig in self.SIGNALS:
            signal.signal(sig, handler)

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
