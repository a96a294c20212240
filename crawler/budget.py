"""Per-site page budgets and per-column list budgets, as an extension judging each request as the
engine schedules it.

A portal with a runaway calendar or an endless pager must not hold the audit hostage, so each
site may ask at most ``GONGKAI_MAX_PAGES_PER_SITE`` pages (home, list and article pages; link
checks have their own budget) and each column at most ``GONGKAI_MAX_LIST_PAGES`` list pages.

The budget is judged in ``request_scheduled``, where a handler raising ``IgnoreRequest`` drops the
request, and not in a spider middleware: Scrapy pulls up to ``2 × CONCURRENT_ITEMS`` outputs of a
callback through the spider middlewares before it schedules the first of them, so a list page's
whole fan-out passed a middleware's check against a count that had not moved yet (a budget of 5
fetched 16 pages).  Scheduling is one synchronous step (signal, dupefilter, ``request_dropped``),
so the count is exact: a duplicate the dupefilter drops costs nothing.

A request the budget refuses is never silent: the extension sends ``page_budget_exceeded``
(the spider marks the column's coverage, so a column cut short says so) and counts it in the
stats.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest

from gongkai.crawler.stamp import redirect_hop

PAGE_ROLES = frozenset({"home", "list", "article"})
STATS_PREFIX = "gongkai/budget"

page_budget_exceeded = object()  # signal: (request, site, reason)


def counted(request: Request) -> bool:
    """A page request that spends the site's budget (retries of one page, the hops of a redirect
    and probes do not: the page was counted when it was first asked)."""
    return (request.meta.get("role") in PAGE_ROLES and not request.dont_filter and "site" in request.meta
            and not redirect_hop(request))


class PageBudget:
    """Refuses page requests over the site's or the column's budget as they are scheduled, and says so."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_pages = settings.getint("GONGKAI_MAX_PAGES_PER_SITE")
        self.max_list_pages = settings.getint("GONGKAI_MAX_LIST_PAGES")
        self.pages: Counter[str] = Counter()
        crawler.signals.connect(self.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> PageBudget:
        return cls(crawler)

    def scheduled(self, request: Request, spider: Any = None) -> None:
        """Count a page request that fits; refuse (``IgnoreRequest``) one that does not."""
        if not counted(request):
            return
        reason = self._over(request)
        if reason is not None:
            site = request.meta["site"]
            self.crawler.stats.inc_value(f"{STATS_PREFIX}/{site}/{request.meta['role']}")
            self.crawler.signals.send_catch_log(page_budget_exceeded, request=request, site=site, reason=reason)
            raise IgnoreRequest(reason)
        self.pages[request.meta["site"]] += 1

    def dropped(self, request: Request, spider: Any = None) -> None:
        """A request the dupefilter dropped was counted as it was scheduled: it costs nothing."""
        if counted(request):
            self.pages[request.meta["site"]] -= 1

    def _over(self, request: Request) -> str | None:
        """Why the budget refuses this request, in Chinese for the report (None: it fits)."""
        meta = request.meta
        if meta["role"] == "list" and meta.get("list_page", 0) >= self.max_list_pages:
            return f"翻页达到上限（max_list_pages={self.max_list_pages}）"
        if self.pages[meta["site"]] >= self.max_pages:
            return f"站点页面预算用尽（max_pages_per_site={self.max_pages}）"
        return None
