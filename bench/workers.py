"""The speed-up of 2 ``gongkai worker`` processes over 1, against a real Redis and PostgreSQL.

``scripts/services.sh`` starts (or finds) Redis and PostgreSQL on loopback.  Each measurement gets
its own Redis database number and its own throwaway PostgreSQL database, so the project's tests
using the same servers never take a job of the benchmark nor see its rows.  N workers are started,
``gongkai audit TARGETS --redis … --store postgresql+psycopg://…`` enqueues one job per site and
waits; the rate is read from the server log, first request to last, as for every other crawl.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from bench import portal
from bench.measure import run, window
from bench.serve import Portal

REPO = Path(__file__).resolve().parent.parent
REDIS_DB = 9          # the tests use database 0


def services() -> tuple[str, str]:
    """(Redis URL, PostgreSQL URL) of the servers ``scripts/services.sh`` starts or finds."""
    proc = subprocess.run(["bash", str(REPO / "scripts" / "services.sh")], capture_output=True, text=True,
                          check=True)
    urls = dict(re.findall(r"export (GONGKAI_TEST_\w+)=(\S+)", proc.stdout))
    return urls["GONGKAI_TEST_REDIS"], urls["GONGKAI_TEST_PG"]


@contextmanager
def scratch_database(pg_url: str, name: str) -> Iterator[str]:
    """A new empty database next to ``pg_url``'s, dropped afterwards; yields its URL."""
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _stored(store_url: str) -> int:
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("select count(*) from pages").scalar() or 0)
    finally:
        engine.dispose()


def distributed_crawl(served: Portal, manifest: portal.Manifest, work: Path, workers: int, crawl: dict,
                      redis: str, pg: str):  # noqa: ANN201 - returns bench.run.CrawlResult
    """``gongkai audit --redis`` of the served portal with ``workers`` worker processes."""
    from bench.run import CrawlResult, targets_file

    label = f"gongkai audit --redis, {workers} worker{'s' if workers > 1 else ''}"
    redis_url = redis.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    targets = targets_file(work / f"workers-{workers}.yaml", served.homes, manifest.dialects, manifest.columns, crawl)
    with scratch_database(pg, f"gongkai_bench_{os.getpid()}_{workers}") as store:
        procs = [subprocess.Popen([sys.executable, "-m", "gongkai.cli", "worker", "--redis", redis_url,
                                   "--name", f"bench-{os.getpid()}-{workers}-{i}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(workers)]
        try:
            mark = served.mark()
            proc = run([sys.executable, "-m", "gongkai.cli", "audit", str(targets), "--out",
                        str(work / f"workers-{workers}"), "--redis", redis_url, "--store", store])
            seen = window(served.hits(mark), portal.DOC_PATH)
        finally:
            _stop(procs)
        if proc.status != 0:
            print(f"  ! gongkai audit --redis exited {proc.status}: {proc.output[-2000:]}")
        return CrawlResult(label, proc, seen, stored=_stored(store))
