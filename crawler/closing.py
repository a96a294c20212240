"""When the crawl closes: the audit's crawl state and every column's coverage, written to the store.

Scrapy closes a spider with a reason: ``finished`` when the work ran out, ``shutdown`` on SIGINT
or SIGTERM, ``closespider_*`` on a limit.  Only ``finished`` is a whole crawl; anything else is
recorded as ``interrupted`` so that no later stage grades it as if it were complete.  A second
Ctrl-C kills the reactor before this runs: the audit then stays ``running``, which readers treat
as interrupted too.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals

from gongkai.store import Store, machine_failure

FINISHED = "finished"


class CrawlCloser:
    """Marks the audit running when the spider opens; writes coverage and the close reason at close."""

    def __init__(self, store_url: str, audit_id: int) -> None:
        self.store_url, self.audit_id = store_url, audit_id

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlCloser:
        ext = cls(crawler.settings.get("GONGKAI_STORE"), crawler.settings.getint("GONGKAI_AUDIT_ID"))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        store = Store(self.store_url)
        try:
            store.mark_audit(self.audit_id, crawl_state="running", crawl_close_reason=None)
        finally:
            store.close()

    def closed(self, spider: Any, reason: str) -> None:
        finished = reason == FINISHED
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
            store.mark_audit(self.audit_id, crawl_state=FINISHED if finished else "interrupted",
                             crawl_close_reason=reason)
        finally:
            store.close()
