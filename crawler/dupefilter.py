"""Which pages a site has already asked for: Scrapy's dupefilter, keyed by (site, fingerprint).

Identity is the request fingerprint (``crawler/stamp.py``), per site: two sites on one host that
link the same article each audit it.  Only the first leg of a request is judged — a redirect hop
keeps the identity of the URL asked (a loop is caught by ``REDIRECT_MAX_TIMES`` and recorded as
broken, never silently dropped here).  A resumed crawl starts with the articles the interrupted
run stored.  Every drop is counted per site and role in the crawl's stats
(``gongkai/dupefilter/<site>/<role>``), so "not fetched twice" is visible, never silent.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.dupefilters import BaseDupeFilter

from gongkai.crawler.stamp import redirect_hop

STATS_PREFIX = "gongkai/dupefilter"


class SiteDupeFilter(BaseDupeFilter):
    """Drops a request whose (site, fingerprint) was asked before, and records the drop."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteDupeFilter:
        return cls(crawler)

    def open(self) -> None:
        """Resuming: articles stored by the interrupted run are not asked again."""
        ledger = getattr(self.crawler.spider, "ledger", None) or {}
        for site, entry in ledger.items():
            self.seen.update((site, fp) for fp in entry.get("done", ()))

    def request_seen(self, request: Request) -> bool:
        if redirect_hop(request):
            return False
        key = (request.meta.get("site") or "", self._fingerprint(request))
        if key in self.seen:
            return True
        self.seen.add(key)
        return False

    def _fingerprint(self, request: Request) -> str:
        return request.meta.get("fingerprint") or self.crawler.request_fingerprinter.fingerprint(request).hex()

    def log(self, request: Request, spider: Any = None) -> None:
        meta = request.meta
        self.crawler.stats.inc_value(f"{STATS_PREFIX}/{meta.get('site', '')}/{meta.get('role', 'other')}")
