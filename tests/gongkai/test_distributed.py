"""A distributed audit: two RQ workers against a real Redis, writing to a real PostgreSQL.

The bundled demo portal (three loopback sites and one that never answers) is audited twice: once
on one machine into SQLite, once by ``gongkai audit --redis … --store postgresql+psycopg://…``
with two ``gongkai worker --burst`` processes.  Every site must be crawled by exactly one job
and one worker, and the results must be the same.  The servers come from scripts/services.sh
(see tests/gongkai/services.py); nothing is mocked.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from gongkai import store as st
from gongkai.demo.portal import DemoPortal
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_site
from tests.gongkai.services import PG_URL, REDIS_URL, fresh_database, require

RUN_TIMEOUT = 600  # seconds a whole audit may take here (the demo takes well under a minute)


def gongkai(*args: str) -> list[str]:
    return [sys.executable, "-m", "gongkai.cli", *args]


@pytest.fixture()
def redis_url():
    """The test Redis, emptied: no job of an earlier run may be picked up."""
    require(REDIS_URL, PG_URL)
    from redis import Redis

    conn = Redis.from_url(REDIS_URL)
    conn.flushdb()
    yield REDIS_URL
    conn.flushdb()


@pytest.fixture()
def pg_url():
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with DemoPortal(spread=True) as demo:   # four hosts: four jobs (sites sharing a host are one)
        yield demo, demo.write_targets(tmp_path_factory.mktemp("portal") / "targets.yaml")


def results(location: str | Path) -> set[tuple[str, str, str, str]]:
    store = st.Store(location)
    try:
        audit = store.latest_audit_id()
        return {(r["site"], r["rule"], r["subject"], r["status"]) for r in store.rows(st.results, audit)}
    finally:
        store.close()


def wait_for_jobs(redis: str, count: int, proc: subprocess.Popen) -> None:
    """Until the audit has enqueued ``count`` jobs (burst workers started earlier would just leave)."""
    from redis import Redis
    from rq import Queue

    queue = Queue("gongkai", connection=Redis.from_url(redis))
    deadline = time.monotonic() + 120
    while queue.count < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the audit enqueued no jobs in time"
        time.sleep(0.1)


def test_two_workers_crawl_each_site_once_and_agree_with_one_machine(portal, redis_url, pg_url, tmp_path):
    demo, targets = portal
    single = subprocess.run(gongkai("audit", str(targets), "--out", str(tmp_path / "single")),
                            capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert single.returncode == 0, single.stderr[-3000:]

    out = tmp_path / "dist"
    audit = subprocess.Popen(gongkai("audit", str(targets), "--out", str(out), "--redis", redis_url,
                                     "--store", pg_url, "--wait", str(RUN_TIMEOUT)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers: list[subprocess.Popen] = []
    try:
        wait_for_jobs(redis_url, len(demo.homes), audit)
        workers = [subprocess.Popen(gongkai("worker", "--redis", redis_url, "--burst", "--name", name),
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                   for name in ("w1", "w2")]
        stdout, stderr = audit.communicate(timeout=RUN_TIMEOUT)
        assert audit.returncode == 0, stdout[-2000:] + stderr[-3000:]
        for worker in workers:
            log, _ = worker.communicate(timeout=RUN_TIMEOUT)
            assert worker.returncode == 0, log[-3000:]
    finally:
        for proc in (audit, *workers):
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    assert (out / "scores.json").is_file() and (out / "scorecard" / "index.html").is_file()
    store = st.Store(pg_url)
    try:
        audit_id = store.latest_audit_id()
        row = store.audit(audit_id)
        assert (row["crawl_state"], row["crawl_close_reason"]) == ("finished", "finished") and row["checked_at"]
        sites = store.rows(st.sites, audit_id)
    finally:
        store.close()
    assert sorted(s["site"] for s in sites) == sorted(demo.homes)
    for site in sites:
        assert site["crawl_state"] == "finished", site
        assert site["worker"].rsplit("/", 1)[1] in {"w1", "w2"}, site

    from redis import Redis
    from rq import Queue
    from rq.job import Job

    conn = Redis.from_url(redis_url)
    registry = Queue("gongkai", connection=conn).finished_job_registry
    jobs = [Job.fetch(job_id, connection=conn) for job_id in registry.get_job_ids()]
    crawled = [site for job in jobs for site in job.meta["sites"]]
    assert sorted(crawled) == sorted(demo.homes)   # each site in exactly one job, every job finished
    assert {job.meta["worker"].rsplit("/", 1)[1] for job in jobs} <= {"w1", "w2"}

    mine, theirs = results(pg_url), results(tmp_path / "single" / "gongkai.sqlite")
    assert mine and mine == theirs


def test_redis_audit_refuses_a_file_store_in_one_line(portal, tmp_path):
    _, targets = portal
    proc = subprocess.run(gongkai("audit", str(targets), "--out", str(tmp_path / "o"), "--redis",
                                  "redis://127.0.0.1:1/0", "--store", str(tmp_path / "s.sqlite")),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "postgresql+psycopg://" in proc.stderr


def test_nobody_listening_on_redis_is_one_line_exit_2(portal, tmp_path):
    from gongkai.demo.portal import closed_port

    require(REDIS_URL)
    _, targets = portal
    url = f"redis://:s3cret@127.0.0.1:{closed_port()}/0"
    proc = subprocess.run(gongkai("audit", str(targets), "--out", str(tmp_path / "o"), "--redis", url,
                                  "--store", "postgresql+psycopg://u:p@127.0.0.1:1/x"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "cannot use Redis" in proc.stderr and "s3cret" not in proc.stderr


def test_a_job_nobody_runs_leaves_the_audit_unfinished_exit_3(portal, redis_url, pg_url, tmp_path):
    """No worker: the bounded wait ends, the queued jobs are cancelled, nothing is graded."""
    _, targets = portal
    proc = subprocess.run(gongkai("audit", str(targets), "--out", str(tmp_path / "o"), "--redis", redis_url,
                                  "--store", pg_url, "--wait", "2"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "--resume" in proc.stderr and not (tmp_path / "o" / "scores.json").exists()
    store = st.Store(pg_url)
    try:
        audit_id = store.latest_audit_id()
        assert store.audit(audit_id)["crawl_state"] == "interrupted"
        assert {s["crawl_state"] for s in store.rows(st.sites, audit_id)} == {"interrupted"}
        assert not store.rows(st.results, audit_id)
    finally:
        store.close()
    from redis import Redis
    from rq import Queue

    assert Queue("gongkai", connection=Redis.from_url(redis_url)).count == 0


def test_sigterm_while_waiting_exits_3_and_cancels_the_jobs_not_started(portal, redis_url, pg_url, tmp_path):
    _, targets = portal
    audit = subprocess.Popen(gongkai("audit", str(targets), "--out", str(tmp_path / "o"), "--redis", redis_url,
                                     "--store", pg_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_jobs(redis_url, 4, audit)
        audit.send_signal(signal.SIGTERM)
        _, stderr = audit.communicate(timeout=120)
    finally:
        if audit.poll() is None:
            audit.kill()
            audit.wait()
    assert audit.returncode == 3, stderr
    assert "Traceback" not in stderr and "(shutdown)" in stderr and "gongkai:***@" in stderr
    store = st.Store(pg_url)
    try:
        audit_id = store.latest_audit_id()
        assert store.audit(audit_id)["crawl_close_reason"] == "shutdown"
        assert {s["crawl_state"] for s in store.rows(st.sites, audit_id)} == {"interrupted"}
    finally:
        store.close()
    from redis import Redis
    from rq import Queue

    assert Queue("gongkai", connection=Redis.from_url(redis_url)).count == 0


def crawl_site_pid(parent: int) -> int | None:
    """The `gongkai crawl-site` process under the worker ``parent`` (worker → work horse → crawl-site)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            grand = int((Path("/proc") / str(ppid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"crawl-site" in cmdline and parent in (ppid, grand):
            return int(entry.name)
    return None


def stored_kinds(url: str) -> set[str]:
    store = st.Store(url)
    try:
        audit = store.latest_audit_id()
        return {p["kind"] for p in store.stream(st.pages, audit, ["kind"])} if audit else set()
    finally:
        store.close()


SLOW_ARTICLE = "/zwgk/zcwj/202404/t20240403_1000.html"


def slow_site_audit(tmp_path: Path, server: SiteServer, out: Path, redis_url: str, pg_url: str) -> list[str]:
    """The distributed audit command of one site whose article ``SLOW_ARTICLE`` answers slowly."""
    server.config = dataclasses.replace(server.config, slow={SLOW_ARTICLE: 60})
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "audit: {name: 测试, period: 2024Q2, as_of: '2024-08-05'}\n"
        "crawl: {download_delay: 0, download_timeout: 90, retry_times: 0, cloak_check: false}\n"
        f"sites: [{{id: trs, name: 江川市人民政府, home: '{server.base_url}'}}]\n", encoding="utf-8")
    return gongkai("audit", str(targets), "--out", str(out), "--redis", redis_url, "--store", pg_url,
                   "--wait", str(RUN_TIMEOUT))


def resume_on_w2(cmd: list[str], server: SiteServer, redis_url: str) -> list[str]:
    """``cmd --resume`` with the slow page fast again, run by a burst worker ``w2``: it must finish
    (exit 0).  Returns the ids of the jobs it had queued before the worker started."""
    from redis import Redis
    from rq import Queue

    server.config = dataclasses.replace(server.config, slow={})
    audit = subprocess.Popen([*cmd, "--resume"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_jobs(redis_url, 1, audit)
    queued = Queue("gongkai", connection=Redis.from_url(redis_url)).job_ids
    worker = subprocess.run(gongkai("worker", "--redis", redis_url, "--burst", "--name", "w2"),
                            capture_output=True, text=True, timeout=RUN_TIMEOUT)
    stdout, stderr = audit.communicate(timeout=RUN_TIMEOUT)
    assert audit.returncode == 0, stdout[-2000:] + stderr[-3000:] + worker.stdout[-2000:]
    return queued


@contextlib.contextmanager
def crawling(cmd: list[str], redis_url: str, pg_url: str,
             *options: str) -> Iterator[tuple[subprocess.Popen, subprocess.Popen]]:
    """The audit ``cmd`` and a worker ``w1`` running its job, once the crawl stored a list page;
    both are stopped at the end if still running."""
    from gongkai.distributed import terminate_then_kill

    audit = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    worker = None
    try:
        wait_for_jobs(redis_url, 1, audit)
        worker = subprocess.Popen(gongkai("worker", "--redis", redis_url, *options, "--name", "w1"),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 120
        while not {"home", "list"} <= stored_kinds(pg_url) or crawl_site_pid(worker.pid) is None:
            assert time.monotonic() < deadline, "the site's crawl stored no list page in time"
            time.sleep(0.2)
        yield audit, worker
    finally:
        for proc in (audit, worker):
            if proc is not None and proc.poll() is None:
                terminate_then_kill(proc)


def test_a_killed_site_crawl_leaves_the_audit_unfinished(redis_url, pg_url, tmp_path):
    """The crawl of a site dies on its worker (SIGKILL): its job fails, the audit exits 3 grading
    nothing (the next test resumes such an audit to its end)."""
    out = tmp_path / "out"
    with SiteServer(trs_site(tmp_path / "trs")) as server:
        cmd = slow_site_audit(tmp_path, server, out, redis_url, pg_url)
        with crawling(cmd, redis_url, pg_url, "--burst") as (audit, worker):
            os.kill(crawl_site_pid(worker.pid), signal.SIGKILL)
            stdout, stderr = audit.communicate(timeout=RUN_TIMEOUT)
            worker.communicate(timeout=RUN_TIMEOUT)
        assert audit.returncode == 3, stdout[-2000:] + stderr[-3000:]
        assert "did not finish" in stderr and "--resume" in stderr and not (out / "scores.json").exists()
        store = st.Store(pg_url)
        try:
            first = store.latest_audit_id()
            assert store.audit(first)["crawl_state"] == "interrupted"
            assert store.rows(st.sites, first)[0]["crawl_state"] == "interrupted"
        finally:
            store.close()


def test_sites_sharing_a_host_are_one_job():
    """Politeness is per host (Scrapy's download slot): a site on another port of a host is the
    same host's load, so it is crawled by the same job."""
    from gongkai.distributed import site_groups
    from gongkai.targets import Targets

    targets = Targets.model_validate({
        "audit": {"name": "x", "period": "2024Q2"},
        "sites": [{"id": "a", "name": "江川市人民政府", "home": "http://www.a.gov.cn/"},
                  {"id": "b", "name": "江川市财政局", "home": "http://czj.a.gov.cn/", "hosts": ["xxgk.a.gov.cn"]},
                  {"id": "c", "name": "江川市教育局", "home": "http://jyj.a.gov.cn/",
                   "columns": {"policy_docs": "http://xxgk.a.gov.cn/jyj/"}},
                  {"id": "d", "name": "江川市青松镇人民政府", "home": "http://www.a.gov.cn:8080/"},
                  {"id": "e", "name": "江川市民政局", "home": "https://mzj.a.gov.cn/"},
                  {"id": "f", "name": "江川市卫健委", "home": "http://mzj.a.gov.cn:8443/wjw/"}]})
    assert site_groups(targets) == [("a", "d"), ("b", "c"), ("e", "f")]



def _gone(pid: int, within: float = 120) -> bool:
    """Whether process ``pid`` has ended (or become a zombie) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.2)
    return False


def test_an_audit_that_stops_waiting_stops_its_running_job_and_resume_does_not_double_it(redis_url, pg_url,
                                                                                         tmp_path):
    """SIGHUP (the terminal closed) while a job crawls: the audit stops that job — its crawl ends
    with it, closed by Scrapy, instead of writing on into a closed audit — and exits 3; ``--resume``
    enqueues the same job id once, and the site is finished by the new worker."""
    from gongkai.distributed import job_id_for

    out = tmp_path / "out"
    with SiteServer(trs_site(tmp_path / "trs")) as server:
        cmd = slow_site_audit(tmp_path, server, out, redis_url, pg_url)
        with crawling(cmd, redis_url, pg_url) as (audit, worker):
            crawl = crawl_site_pid(worker.pid)
            audit.send_signal(signal.SIGHUP)
            server.release.set()   # the slow page answers: Scrapy's close waits for requests in flight
            stdout, stderr = audit.communicate(timeout=RUN_TIMEOUT)
            assert _gone(crawl), "the crawl of a stopped job went on"
        assert audit.returncode == 3, stdout[-2000:] + stderr[-3000:]
        assert "Traceback" not in stderr and "(shutdown)" in stderr

        store = st.Store(pg_url)
        try:
            first = store.latest_audit_id()
            # RQ killed the work horse's process group; the crawl, in a session of its own, got
            # SIGTERM when its horse died, and Scrapy closed it: every column says why it stopped
            columns = store.rows(st.columns, first)
            assert columns and all("抓取未完成（shutdown）" in (c["coverage_reason"] or "") for c in columns), columns
        finally:
            store.close()
        queued = resume_on_w2(cmd, server, redis_url)
    assert queued == [job_id_for(pg_url, first, ["trs"])]
    store = st.Store(pg_url)
    try:
        assert store.latest_audit_id() == first and store.audit(first)["crawl_state"] == "finished"
        site = store.rows(st.sites, first)[0]
        assert site["crawl_state"] == "finished" and site["worker"].endswith("/w2")
        assert store.rows(st.results, first) and (out / "scores.json").is_file()
    finally:
        store.close()


def test_a_resumed_audit_must_be_the_targets_files_own(portal, redis_url, pg_url, tmp_path):
    """A shared database holds other audits: ``--resume`` of the newest one under another name is refused."""
    _, targets = portal
    store = st.Store(pg_url)
    try:
        store.create_audit("另一评估机构的检查", "2024Q2", date(2024, 6, 30), {"sites": []})
    finally:
        store.close()
    proc = subprocess.run(gongkai("audit", str(targets), "--out", str(tmp_path / "o"), "--redis", redis_url,
                                  "--store", pg_url, "--resume"), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "audit.name" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
