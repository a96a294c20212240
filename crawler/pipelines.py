"""Item pipeline: every item the spider yields goes to the store as it arrives.

Pages (with their links, list items, document and snapshot) and probes are written in short
batches (``gongkai.store.PageBatch``): one transaction and one statement per table for up to
``GONGKAI_STORE_BATCH_SIZE`` items, written at the latest ``GONGKAI_STORE_BATCH_SECONDS`` after the
first, and whenever the crawl is idle or closes — before anything reads the store.  A crash loses
at most the batch; a resumed crawl fetches those pages again.  At the end, each site's soft 404s
are reclassified against the not-found page learnt during the crawl.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from gongkai.crawler import items as it
from gongkai.crawler import offline, soft404, tls
from gongkai.crawler import settings as defaults
from gongkai.store import PageBatch, Store, machine_failure, now_iso

STORE_FAILURE = "store_unwritable"  # close reason and stats key when the store cannot be written


class StorePipeline:
    """Write spider items into the audit named by the GONGKAI_STORE / GONGKAI_AUDIT_ID settings."""

    def __init__(self, store_url: str, audit_id: int, crawler: Any = None, *,
                 batch_size: int = defaults.GONGKAI_STORE_BATCH_SIZE,
                 batch_seconds: float = defaults.GONGKAI_STORE_BATCH_SECONDS) -> None:
        self.store_url, self.audit_id, self.crawler = store_url, audit_id, crawler
        self.batch_size, self.batch_seconds = max(1, batch_size), batch_seconds
        self.store: Store | None = None
        self.stored: set[tuple[str, str, str]] = set()  # (site, fingerprint, variant) of pages stored or batched
        self.batch = PageBatch(audit_id)
        self._timer: Any = None   # writes the batch when its first item is batch_seconds old
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        pipeline = cls(settings.get("GONGKAI_STORE"), settings.getint("GONGKAI_AUDIT_ID"), crawler,
                       batch_size=settings.getint("GONGKAI_STORE_BATCH_SIZE"),
                       batch_seconds=settings.getfloat("GONGKAI_STORE_BATCH_SECONDS"))
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        crawler.signals.connect(pipeline.flush, signal=signals.spider_idle)
        return pipeline

    def spider_error(self, failure: Any, response: Any, spider: Any = None) -> None:
        """A bug in a callback loses that page only; it is recorded as the site's crawl error."""
        if self.store is None:
            return
        site = (getattr(response, "meta", None) or {}).get("site")
        message = f"{type(failure.value).__name__}: {failure.value}"
        self._record(site, getattr(response, "url", ""), message)

    def open_spider(self, spider: Any = None) -> None:
        self.store = Store(self.store_url)
        self.stored = self.store.page_keys(self.audit_id)  # a resumed crawl replaces these; new pages insert

    def close_spider(self, spider: Any = None) -> None:
        assert self.store is not None
        self._write(closing=True)   # what follows reads the store
        if self.failed:
            self.store.close()
            return
        spider = spider or getattr(self.crawler, "spider", None)
        for site in getattr(spider, "sites", {}) or {}:
            try:
                soft404.reclassify_site(self.store, self.audit_id, site)
            except Exception as exc:  # noqa: BLE001 - one site's post-processing must not lose the others
                self.store.record_error(self.audit_id, site, "crawl", "soft404", f"{type(exc).__name__}: {exc}")
        try:  # site.tls judges the host each home landed on (http://x → https://www.x)
            tls.probe_landings(self.store, self.audit_id, list(getattr(spider, "sites", {}) or {}),
                               getattr(spider, "tls", None))
        except Exception as exc:  # noqa: BLE001 - the crawl's data is already stored; record and go on
            self.store.record_error(self.audit_id, None, "crawl", "tls landing", f"{type(exc).__name__}: {exc}")
        try:  # over the whole audit: a distributed audit's job has only its own sites, so not there
            if not (self.crawler and self.crawler.settings.getbool("GONGKAI_SITE_JOB")):
                offline.guard_offline(self.store, self.audit_id)
        except Exception as exc:  # noqa: BLE001 - the crawl's data is already stored; record and go on
            self.store.record_error(self.audit_id, None, "crawl", "offline guard", f"{type(exc).__name__}: {exc}")
        self.store.mark_audit(self.audit_id, crawled_at=now_iso())
        self.store.close()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        assert self.store is not None
        if self.failed:
            return item  # the store cannot be written; the crawl is closing
        handler = self._handlers.get(type(item))
        if handler is None:
            raise TypeError(f"no pipeline method for item {type(item).__name__}")
        try:
            handler(item)
        except Exception as exc:  # noqa: BLE001 - a bad row is recorded as that site's error, the crawl goes on
            if machine_failure(exc):
                self._stop(machine_failure(exc))
                return item
            self._record(*_whose(item), f"{type(exc).__name__}: {exc}")
        return item

    def flush(self, spider: Any = None) -> None:
        """Write the batch now (the crawl is idle, or a reader is about to read the store)."""
        self._write()

    def _batched(self) -> None:
        """An item joined the batch: write it when full; otherwise make sure it is written in time."""
        if len(self.batch) >= self.batch_size:
            self._write()
        elif self._timer is None and self.crawler is not None:
            self._timer = call_later(self.batch_seconds, self._on_age)

    def _on_age(self) -> None:
        self._timer = None
        self._write()

    def _write(self, closing: bool = False) -> None:
        """Write the batch in one transaction.  A full disk stops the crawl (the batch is lost and
        fetched again on resume); a bad row makes the batch be written again item by item, so only
        that item's row is lost and recorded as its site's error."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self.batch = self.batch, PageBatch(self.audit_id)
        if self.failed or not batch or self.store is None:
            return
        try:
            self.store.write_batch(batch)
            return
        except Exception as exc:  # noqa: BLE001 - see below: the machine, or one bad row
            if machine_failure(exc):
                self._stop(machine_failure(exc), closing)
                return
        for one in batch.split():
            try:
                self.store.write_batch(one)
            except Exception as exc:  # noqa: BLE001 - a bad row is recorded as that site's error
                if machine_failure(exc):
                    self._stop(machine_failure(exc), closing)
                    return
                entry = one.entries[0]
                self._record(entry.site, entry.subject, f"{type(exc).__name__}: {exc}")

    def _record(self, site: str | None, subject: str, message: str) -> None:
        assert self.store is not None
        self.store.record_error(self.audit_id, site, "crawl", subject, message)

    def _stop(self, cause: str, closing: bool = False) -> None:
        """The store cannot be written (disk full, read-only): stop the crawl and say why.

        What is stored stays consistent (one transaction per batch) and resumable; the command
        reads the cause from the crawl's stats and exits 1 with one line naming the store.
        """
        self.failed = True
        self.crawler.stats.set_value(STORE_FAILURE, cause)
        if not closing:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORE_FAILURE))

    @property
    def _handlers(self) -> dict[type, Any]:
        return {it.PageItem: self._on_page, it.ProbeItem: self._on_probe, it.ColumnItem: self._on_column,
                it.ColumnOutcomeItem: self._on_column_outcome, it.DialectItem: self._on_dialect,
                it.OriginsItem: self._on_origins, it.CrawlErrorItem: self._on_error,
                it.AttachmentItem: self._on_attachment, it.TlsItem: self._on_tls,
                it.MessagesItem: self._on_messages}

    def _on_page(self, item: it.PageItem) -> None:
        page = item.page
        key = (page["site"], page.get("fingerprint"), page.get("variant") or "normal")
        if self.batch.holds(key):   # the same page again (a home retried): the batch holds it once
            self._write()
        self.batch.add_page({"page": page, "links": item.links, "list_items": item.list_items,
                             "document": item.document, "probes": item.probes, "refs": item.refs,
                             "extraction": item.extraction},
                            fresh=key not in self.stored and key[1] is not None)
        self.stored.add(key)
        self._batched()

    def _on_probe(self, item: it.ProbeItem) -> None:
        self.batch.add_probe(item.row)   # batched too: its order among the pages' probes is kept
        self._batched()

    def _on_column(self, item: it.ColumnItem) -> None:
        self.store.save_column(self.audit_id, item.row)

    def _on_column_outcome(self, item: it.ColumnOutcomeItem) -> None:
        self.store.update_columns_at(self.audit_id, item.site, item.url,
                                     {"outcome": item.outcome, "reason": item.reason})

    def _on_dialect(self, item: it.DialectItem) -> None:
        self.store.set_site_dialect(self.audit_id, item.site, item.dialect)

    def _on_origins(self, item: it.OriginsItem) -> None:
        self.store.set_site_origins(self.audit_id, item.site, item.origins)

    def _on_attachment(self, item: it.AttachmentItem) -> None:
        self.store.save_attachment(self.audit_id, item.row)

    def _on_tls(self, item: it.TlsItem) -> None:
        self.store.save_tls_probe(self.audit_id, item.row)

    def _on_messages(self, item: it.MessagesItem) -> None:
        self.store.save_messages(self.audit_id, item.site, item.page, item.rows)

    def _on_error(self, item: it.CrawlErrorItem) -> None:
        self.store.record_error(self.audit_id, item.site, item.stage, item.subject, item.message)


def _whose(item: Any) -> tuple[str | None, str]:
    """(site, subject URL) of an item, for the error recorded when its row could not be written."""
    row = getattr(item, "page", None) or getattr(item, "row", None) or {}
    return row.get("site") or getattr(item, "site", None), str(row.get("url") or getattr(item, "url", "") or "")
