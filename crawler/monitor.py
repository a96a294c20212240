"""Availability monitoring: one timed request per site home, stored for the official week-long check.

国办秘函〔2019〕19号 judges 站点无法访问 over a week of probes (at least 20 a day, a 15 s timeout,
failures at 5 % or more).  One audit's crawl cannot see that, so ``gongkai probe`` — run from cron
every hour or so — sends one GET per home page with no retries and keeps what happened.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from gongkai.crawler import linkcheck
from gongkai.store import Store, now_iso
from gongkai.targets import Targets

OFFICIAL_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class MonitorProbe:
    """What one probe of one home page saw."""

    site: str
    url: str
    at: str
    seconds: float | None
    timeout_s: float
    status: int | None
    outcome: str
    reason: str


class MonitorSpider(scrapy.Spider):
    """One GET per site home, no retries, no redirects followed beyond Scrapy's defaults."""

    name = "monitor"
    custom_settings = {"RETRY_ENABLED": False, "DOWNLOAD_TIMEOUT": OFFICIAL_TIMEOUT_S, "COOKIES_ENABLED": False,
                       "HTTPCACHE_ENABLED": False,
                       "ITEM_PIPELINES": {"gongkai.crawler.monitor.MonitorPipeline": 300}, "EXTENSIONS": {}}

    def __init__(self, targets: Targets, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.targets.sites:
            yield scrapy.Request(site.home, callback=self.parse, errback=self.failed, dont_filter=True,
                                 meta={"site": site.id, "sent": time.monotonic(), "at": now_iso()})

    def parse(self, response: Response) -> Iterator[MonitorProbe]:
        out = linkcheck.classify_status(response.status, getattr(response, "text", ""))
        yield self._probe(response.request, response.status, out)

    def failed(self, failure: Failure) -> Iterator[MonitorProbe]:
        yield self._probe(failure.request, None, linkcheck.classify_failure(failure))

    def _probe(self, request: scrapy.Request, status: int | None, out: linkcheck.Outcome) -> MonitorProbe:
        meta = request.meta
        return MonitorProbe(site=meta["site"], url=meta.get("redirect_urls", [request.url])[0], at=meta["at"],
                            seconds=round(time.monotonic() - meta["sent"], 2),
                            timeout_s=self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT"), status=status,
                            outcome=out.outcome, reason=out.reason)


class MonitorPipeline:
    """Each probe is committed as it arrives (a killed run keeps the probes already made)."""

    def __init__(self, store_url: str) -> None:
        self.store_url = store_url
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> MonitorPipeline:
        return cls(crawler.settings.get("GONGKAI_STORE"))

    def open_spider(self, spider: Any = None) -> None:
        self.store = Store(self.store_url)

    def close_spider(self, spider: Any = None) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: MonitorProbe, spider: Any = None) -> MonitorProbe:
        if not isinstance(item, MonitorProbe):
            raise TypeError(f"unexpected item {type(item).__name__}")
        assert self.store is not None
        self.store.save_monitor_probe(asdict(item))
        return item

