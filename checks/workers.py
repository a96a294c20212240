"""A large audit's sites judged side by side in worker processes, one site per task.

A site is the check's unit: its rows are read, judged and replaced together (:mod:`checks.engine`),
and sites share nothing while judged.  On a machine with several cores the sites of an audit of
at least ``POOL_AFTER`` pages are judged in up to ``gongkai.processes.PROCESSES`` workers, each with its own store
connection and :class:`~checks.view.AuditView`; each worker pickles a site's result rows into a
file and the calling process stores them, site after site in the audit's order, as they arrive —
so the store's results, and every report, are what one process writes, and only one process
writes.  A smaller audit is judged in the calling process: a worker costs a start and a
connection.  Ctrl-C stops the workers at once (a site not yet stored keeps its previous results).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from gongkai import processes as proc
from gongkai import store as st
from gongkai.checks.engine import CheckSummary, SiteOutcome, judge_site, store_site
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo

POOL_AFTER = 2000                 # pages in the audit below which sites are judged in the calling process

_worker: dict[str, Any] = {}      # a worker's view and rules, set once by _start


def processes_for(store: st.Store, audit_id: int, sites: int, asked: int | None) -> int:
    """How many processes judge this audit: 1 (the calling one) unless it is large and has several sites."""
    wanted = proc.PROCESSES if asked is None else asked   # never more than the sites: each holds one
    if wanted <= 1 or sites <= 1 or store.count(st.pages, audit_id) < POOL_AFTER:
        return 1
    return min(wanted, sites)


def _start(url: str, audit_id: int, rules: list[Rule]) -> None:
    _worker.update(view=AuditView(st.Store(url), audit_id), rules=rules)


def _judge(site: SiteInfo, path: str) -> SiteOutcome:
    view: AuditView = _worker["view"]
    with open(path, "wb") as file:
        outcome = judge_site(view, site, _worker["rules"], file)
    view.release(site.site)
    return outcome


def judge_sites(store: st.Store, audit_id: int, rules: list[Rule], sites: list[SiteInfo], processes: int,
                summary: CheckSummary) -> None:
    """Judge ``sites`` in ``processes`` workers; store each site's results in order as it is done."""
    with tempfile.TemporaryDirectory(prefix="gongkai-check-", ignore_cleanup_errors=True) as spool:
        pool = proc.pool(processes, proc.start_method(), _start, (store.url, audit_id, rules))
        try:
            paths = [Path(spool, f"{i}.pickle") for i in range(len(sites))]
            futures = [pool.submit(_judge, site, str(path)) for site, path in zip(sites, paths, strict=True)]
            for future, path in zip(futures, paths, strict=True):
                outcome = proc.result(future, pool)
                with path.open("rb") as file:
                    store_site(store, audit_id, outcome, file, summary)
                path.unlink()
        except BaseException:
            proc.stop(pool)
            raise
        pool.shutdown(wait=True)
