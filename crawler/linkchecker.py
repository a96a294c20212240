"""Link checking, as a Scrapy extension: every link target of the crawl is probed once, after the pages.

It learns targets from the stored pages (``item_scraped`` of each ``PageItem``: the page's links,
and list items that point off the site), and learns which targets need no probe because they were
crawled as pages or downloaded as attachments (each is its own link probe).  When the crawl proper is idle it asks the rest,
inside the site's link budget and never on ``GONGKAI_LINK_SKIP_HOSTS``: HEAD first for outside pages and attachments (cheap for the sites
we only cite), GET for the site's own pages (a soft 404 shows only in the body), GET again when a
server refuses or drops HEAD.  A GET reads at most ``GONGKAI_LINK_MAXSIZE`` bytes.

Outcomes are classified by ``crawler/linkcheck.py`` and stored as ``ProbeItem``s.  A resumed crawl
starts from the interrupted run's targets and probes (the spider's ``ledger``).  The targets the
budget left unprobed are counted per site and stored at close (``sites.links_unchecked``): the
link rule then says its passes are not the site's whole, instead of a silent, partial pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from gongkai.crawler import linkcheck
from gongkai.crawler.extract import page as page_extract
from gongkai.crawler.items import PageItem, ProbeItem
from gongkai.crawler.markup import host_in, is_attachment, parse_document
from gongkai.crawler.stamp import asked_url
from gongkai.store import Store, machine_failure, to_json

MAX_DETAIL_TITLE = 300
MAX_DETAIL_TEXT = 4000   # characters of an internal target's text kept (the soft-404 pass reads them)


class LinkChecker:
    """Probes every link target not crawled as a page, once, after the pages are done."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_links = settings.getint("GONGKAI_MAX_LINKS_CHECKED_PER_SITE")
        self.maxsize = min(settings.getint("GONGKAI_LINK_MAXSIZE"), settings.getint("DOWNLOAD_MAXSIZE") or 2**62)
        self.priority = settings.getdict("GONGKAI_PRIORITIES")["link"]
        self.skip_hosts = tuple(h.lower() for h in settings.getlist("GONGKAI_LINK_SKIP_HOSTS"))
        self.targets: dict[str, dict[str, str]] = {}   # site → target URL → first page linking it
        self.checked: dict[str, set[str]] = {}         # site → URLs probed or crawled
        self.spent: Counter[str] = Counter()           # site → link requests sent
        self.unchecked: Counter[str] = Counter()       # site → targets over the budget, never sent

    @classmethod
    def from_crawler(cls, crawler: Any) -> LinkChecker:
        if crawler.settings.getint("GONGKAI_MAX_LINKS_CHECKED_PER_SITE") <= 0:
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.learn, signal=signals.item_scraped)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        """Resuming: the interrupted run's link targets and probes."""
        for site, entry in (getattr(spider, "ledger", None) or {}).items():
            self.checked.setdefault(site, set()).update(entry.get("checked", ()))
            for target, source in entry.get("links", {}).items():
                self.targets.setdefault(site, {}).setdefault(target, source)

    def learn(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, ProbeItem) and item.row.get("kind") == "link":  # asked already (an attachment)
            self.checked.setdefault(item.row["site"], set()).add(item.row["url"])
            return
        if not isinstance(item, PageItem) or item.page.get("variant", "normal") != "normal":
            return
        site, url = item.page["site"], item.page["url"]
        self.checked.setdefault(site, set()).add(url)
        targets = self.targets.setdefault(site, {})
        for link in item.links:
            targets.setdefault(link["target"], url)
        for listed in item.list_items:
            if not self._owns(site, listed["url"]):
                targets.setdefault(listed["url"], url)

    def idle(self, spider: Any = None) -> None:
        """Send the probes still owed; keep the spider open while any were sent."""
        sent = False
        for site, targets in self.targets.items():
            checked = self.checked.setdefault(site, set())
            for target, source in targets.items():
                if target in checked:
                    continue
                checked.add(target)
                if host_in(target, self.skip_hosts):
                    continue
                if self.spent[site] >= self.max_links:
                    self.unchecked[site] += 1
                    continue
                self.spent[site] += 1
                self.crawler.engine.crawl(self._request(site, target, source))
                sent = True
        if sent:
            raise DontCloseSpider

    def closed(self, spider: Any = None, reason: str = "") -> None:
        """Store how many targets of each site the budget left unprobed (0 too: it was recorded)."""
        settings = self.crawler.settings
        if not self.targets or not settings.get("GONGKAI_STORE"):
            return
        store = Store(settings.get("GONGKAI_STORE"))
        try:
            for site in self.targets:
                store.set_site_crawl(settings.getint("GONGKAI_AUDIT_ID"), site, links_unchecked=self.unchecked[site])
        except Exception as exc:  # noqa: BLE001 - a store that cannot be written: the closer reports the audit
            if not machine_failure(exc):
                raise
        finally:
            store.close()

    def _owns(self, site: str, url: str) -> bool:
        state = getattr(self.crawler.spider, "sites", {}).get(site)
        return bool(state and state.owns(url))

    def _request(self, site: str, target: str, source: str, method: str | None = None) -> scrapy.Request:
        internal = self._owns(site, target)
        if method is None:
            method = "GET" if internal and not is_attachment(target) else "HEAD"
        meta = {"site": site, "role": "link", "source": source, "dont_retry": method == "HEAD", "max_retry_times": 1}
        if method == "GET":  # a link check reads the head of the page only (soft 404, title)
            meta["download_maxsize"] = self.maxsize
        return scrapy.Request(target, method=method, callback=self.parse, errback=self.failed, dont_filter=True,
                              priority=self.priority, headers={"Referer": source}, meta=meta)

    def parse(self, response: Response) -> Iterator[Any]:
        req = response.request
        site, asked = req.meta["site"], asked_url(req)
        if req.method == "HEAD" and response.status in linkcheck.HEAD_REFUSED:
            yield self._request(site, asked, req.meta["source"], method="GET")
            return
        html = response.text if req.method == "GET" and isinstance(response, TextResponse) else ""
        out = linkcheck.classify_status(response.status, html)
        detail = {}
        if html and self._owns(site, asked):
            root = parse_document(html)
            detail = {"title": page_extract.page_title(root)[:MAX_DETAIL_TITLE],
                      "text": page_extract.visible_text(root)[:MAX_DETAIL_TEXT]}
        yield ProbeItem({"site": site, "kind": "link", "url": asked, "method": req.method, "final_url": response.url,
                         "status": response.status, "outcome": out.outcome, "reason": out.reason,
                         "detail_json": to_json(detail)})

    def failed(self, failure: Failure) -> Iterator[Any]:
        req = failure.request
        if req.method == "HEAD":  # some servers drop HEAD on the floor: confirm with GET
            yield self._request(req.meta["site"], asked_url(req), req.meta["source"], method="GET")
            return
        out = linkcheck.classify_failure(failure)
        yield ProbeItem({"site": req.meta["site"], "kind": "link", "url": asked_url(req), "method": req.method,
                         "outcome": out.outcome, "reason": out.reason})
