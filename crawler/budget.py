"""Per-site page budgets and per-column list budgets, as a spider middleware.

A portal with a runaway calendar or an endless pager must not hold the audit hostage, so each
site may ask at most ``GONGKAI_MAX_PAGES_PER_SITE`` pages (home, list and article pages; link
checks have their own budget) and each column at most ``GONGKAI_MAX_LIST_PAGES`` list pages.

A request the budget refuses is never silent: the middleware sends ``page_budget_exceeded``
(the spider marks the column's coverage, so a column cut short says so) and counts it in the
stats.  Pages are counted when the scheduler admits them (``request_scheduled`` less
``request_dropped``), so a duplicate the dupefilter drops costs nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

PAGE_ROLES = frozenset({"home", "list", "article"})
STATS_PREFIX = "gongkai/budget"

page_budget_exceeded = object()  # signal: (request, site, reason)


def counted(request: Request) -> bool:
    """A page request that spends the site's budget (retries of one page and probes do not)."""
    return request.meta.get("role") in PAGE_ROLES and not request.dont_filter and "site" in request.meta


class PageBudgetMiddleware(BaseSpiderMiddleware):
    """Refuses page requests over the site's or the column's budget, and says so."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.max_pages = settings.getint("GONGKAI_MAX_PAGES_PER_SITE")
        self.max_list_pages = settings.getint("GONGKAI_MAX_LIST_PAGES")
        self.pages: Counter[str] = Counter()
        crawler.signals.connect(self.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> PageBudgetMiddleware:
        return cls(crawler)

    def scheduled(self, request: Request, spider: Any = None) -> None:
        if counted(request):
            self.pages[request.meta["site"]] += 1

    def dropped(self, request: Request, spider: Any = None) -> None:
        if counted(request):
            self.pages[request.meta["site"]] -= 1

    def get_processed_request(self, request: Request, response: Any) -> Request | None:
        if not counted(request):
            return request
        reason = self._over(request)
        if reason is None:
            return request
        site = request.meta["site"]
        self.crawler.stats.inc_value(f"{STATS_PREFIX}/{site}/{request.meta['role']}")
        self.crawler.signals.send_catch_log(page_budget_exceeded, request=request, site=site, reason=reason)
        return None

    def _over(self, request: Request) -> str | None:
        """Why the budget refuses this request, in Chinese for the report (None: it fits)."""
        meta = request.meta
        if meta["role"] == "list" and meta.get("list_page", 0) >= self.max_list_pages:
            return f"翻页达到上限（max_list_pages={self.max_list_pages}）"
        if self.pages[meta["site"]] >= self.max_pages:
            return f"站点页面预算用尽（max_pages_per_site={self.max_pages}）"
        return None
