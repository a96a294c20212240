"""When the crawl closes: the audit's crawl state and every column's coverage, written to the store.

Scrapy closes a spider with a reason: ``finished`` when the work ran out, ``shutdown`` on SIGINT
or SIGTERM, ``closespider_*`` on a limit.  Only ``finished`` is a whole crawl; anything else is
recorded as ``interrupted`` so that no later stage grades it as if it were complete.  A second
Ctrl-C kills the reactor before this runs: the audit then stays ``running``, which readers treat
as interrupted too.

In one job of a distributed audit (setting ``GONGKAI_SITE_JOB``) the crawl covers only some
sites of an audit that other jobs are crawling too: the state is then the job's sites'
(``sites.crawl_state``), and the command that enqueued the jobs closes the audit once all ended.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals

from gongkai.crawler.pipelines import STORE_FAILURE
from gongkai.store import Store, machine_failure

FINISHED = "finished"


class CrawlCloser:
    """Marks the audit running when the spider opens; writes coverage and the close reason at close."""

    def __init__(self, store_url: str, audit_id: int, site_job: bool = False, stats: Any = None) -> None:
        self.store_url, self.audit_id, self.site_job, self.stats = store_url, audit_id, site_job, stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlCloser:
        ext = cls(crawler.settings.get("GONGKAI_STORE"), crawler.settings.getint("GONGKAI_AUDIT_ID"),
                  crawler.settings.getbool("GONGKAI_SITE_JOB"), crawler.stats)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        store = Store(self.store_url)
        try:
            self._mark(store, spider, crawl_state="running", crawl_close_reason=None)
        finally:
            store.close()

    def closed(self, spider: Any, reason: str) -> None:
        # the store pipeline's last batch, written at close, may have failed (a full disk): not whole
        finished = reason == FINISHED and not (self.stats and self.stats.get_value(STORE_FAILURE))
        try:
            self._write(spider, reason, finished)
        except Exception as exc:  # noqa: BLE001 - a store that cannot be written leaves the audit "running"
            if not machine_failure(exc):
                raise

    def _write(self, spider: Any, reason: str, finished: bool) -> None:
        store = Store(self.store_url)
        try:
            for site_id, state in getattr(spider, "sites", {}).items():
                ok = state.ok | state.done
                for url, cov in state.coverage.items():
                    store.update_columns_at(self.audit_id, site_id, url, cov.row(ok, state.failed, finished, reason))
            self._mark(store, spider, crawl_state=FINISHED if finished else "interrupted", crawl_close_reason=reason)
        finally:
            store.close()

    def _mark(self, store: Store, spider: Any, **state: str | None) -> None:
        if not self.site_job:
            store.mark_audit(self.audit_id, **state)
            return
        for site_id in getattr(spider, "sites", {}):
            store.set_site_crawl(self.audit_id, site_id, **state)
