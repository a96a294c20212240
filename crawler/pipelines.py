"""Item pipeline: every item the spider yields goes to the store as it arrives.

One crawled page (with its links, list items and document) is one transaction, so a crash loses
at most the page in flight.  At the end, each site's soft 404s are reclassified against the
not-found page learnt during the crawl.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from gongkai.crawler import offline, soft404
from gongkai.store import Store, machine_failure, now_iso

STORE_FAILURE = "store_unwritable"  # close reason and stats key when the store cannot be written


class StorePipeline:
    """Write spider items into the audit named by the GONGKAI_STORE / GONGKAI_AUDIT_ID settings."""

    def __init__(self, store_url: str, audit_id: int, crawler: Any = None) -> None:
        self.store_url, self.audit_id, self.crawler = store_url, audit_id, crawler
        self.store: Store | None = None
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        pipeline = cls(crawler.settings.get("GONGKAI_STORE"), crawler.settings.getint("GONGKAI_AUDIT_ID"), crawler)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        return pipeline

    def spider_error(self, failure: Any, response: Any, spider: Any = None) -> None:
        """A bug in a callback loses that page only; it is recorded as the site's crawl error."""
        if self.store is None:
            return
        site = (getattr(response, "meta", None) or {}).get("site")
        message = f"{type(failure.value).__name__}: {failure.value}"
        self.store.record_error(self.audit_id, site, "crawl", getattr(response, "url", ""), message)

    def open_spider(self, spider: Any = None) -> None:
        self.store = Store(self.store_url)

    def close_spider(self, spider: Any = None) -> None:
        assert self.store is not None
        if self.failed:
            self.store.close()
            return
        spider = spider or getattr(self.crawler, "spider", None)
        for site in getattr(spider, "sites", {}) or {}:
            try:
                soft404.reclassify_site(self.store, self.audit_id, site)
            except Exception as exc:  # noqa: BLE001 - one site's post-processing must not lose the others
                self.store.record_error(self.audit_id, site, "crawl", "soft404", f"{type(exc).__name__}: {exc}")
        try:
            offline.guard_offline(self.store, self.audit_id)
        except Exception as exc:  # noqa: BLE001 - the crawl's data is already stored; record and go on
            self.store.record_error(self.audit_id, None, "crawl", "offline guard", f"{type(exc).__name__}: {exc}")
        self.store.mark_audit(self.audit_id, crawled_at=now_iso())
        self.store.close()

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        assert self.store is not None
        if self.failed:
            return item  # the store cannot be written; the crawl is closing
        handler = getattr(self, f"_on_{item.get('type')}", None)
        if handler is None:
            return item
        try:
            handler(item)
        except Exception as exc:  # noqa: BLE001 - a bad row is recorded as that site's error, the crawl goes on
            if machine_failure(exc):
                self._stop(machine_failure(exc))
                return item
            subject = (item.get("page") or item.get("row") or item).get("url", "") if isinstance(item, dict) else ""
            self.store.record_error(self.audit_id, item.get("site") or (item.get("page") or {}).get("site"),
                                    "crawl", str(subject), f"{type(exc).__name__}: {exc}")
        return item

    def _stop(self, cause: str) -> None:
        """The store cannot be written (disk full, read-only): stop the crawl and say why.

        What is stored stays consistent (one transaction per page) and resumable; the command
        reads the cause from the crawl's stats and exits 1 with one line naming the store.
        """
        self.failed = True
        self.crawler.stats.set_value(STORE_FAILURE, cause)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORE_FAILURE))

    def _on_page(self, item: dict[str, Any]) -> None:
        self.store.save_page(self.audit_id, item)

    def _on_probe(self, item: dict[str, Any]) -> None:
        self.store.save_probe(self.audit_id, item["row"])

    def _on_column(self, item: dict[str, Any]) -> None:
        self.store.save_column(self.audit_id, item["row"])

    def _on_column_outcome(self, item: dict[str, Any]) -> None:
        self.store.update_columns_at(self.audit_id, item["site"], item["url"],
                                     {"outcome": item["outcome"], "reason": item["reason"]})

    def _on_dialect(self, item: dict[str, Any]) -> None:
        self.store.set_site_dialect(self.audit_id, item["site"], item["dialect"])

    def _on_origins(self, item: dict[str, Any]) -> None:
        self.store.set_site_origins(self.audit_id, item["site"], item["origins"])

    def _on_error(self, item: dict[str, Any]) -> None:
        self.store.record_error(self.audit_id, item["site"], item["stage"], item["subject"], item["message"])
