"""The portal spider: home → columns → list pages (all pages) → articles.

The spider only routes — what to request next, with which callback — and keeps each column's
coverage ledger (what the CMS announced, what was listed and fetched), written when the crawl
closes (``crawler/closing.py``).  Everything else is a component of the crawl (docs/architecture.md):

- identity and dedup: ``crawler/stamp.py`` stamps each request with Scrapy's request fingerprint
  (method + canonical URL + body: Hanweb's dataproxy POSTs share one URL); ``SiteDupeFilter``
  drops a (site, fingerprint) asked before and counts the drop;
- budgets: ``PageBudget`` refuses pages over the site's or column's budget and tells
  the spider, which marks the column incomplete;
- decoding and binary sniffing: ``BinarySniffMiddleware``;
- page rows: ``PageRowPipeline`` turns each ``FetchedPage`` into a ``PageItem`` for the store;
- link checks: the ``LinkChecker`` extension, when the pages are done.

The offsite filter is not used: membership is scheme + host + port (``SiteTarget.owns``), which
Scrapy's offsite middleware does not look at.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from gongkai.crawler import budget, dialects, linkcheck, tls
from gongkai.crawler.attachments import AttachmentFetcher
from gongkai.crawler.coverage import ColumnCoverage
from gongkai.crawler.dialects.messages import message_rows
from gongkai.crawler.extract import home as home_extract
from gongkai.crawler.extract import navigation, redirect
from gongkai.crawler.extract import page as page_extract
from gongkai.crawler.extraction import (
    ArticleFacts,
    ExtractionFailed,
    ExtractionPool,
    PageFacts,
    article_facts,
)
from gongkai.crawler.items import (
    ColumnItem,
    ColumnOutcomeItem,
    CrawlErrorItem,
    DialectItem,
    FetchedPage,
    MessagesItem,
    OriginsItem,
    PageItem,
    ProbeItem,
    TlsItem,
)
from gongkai.crawler.markup import is_article_url, parse_document
from gongkai.crawler.middlewares import text_of
from gongkai.crawler.reuse import ExtractionReuse, facts_key, kept_article_facts, kept_facts
from gongkai.crawler.rows import link_probe
from gongkai.crawler.settings import BAIDUSPIDER_UA
from gongkai.crawler.stamp import asked_url, identity, stamp
from gongkai.models import LinkRef
from gongkai.store import now_iso, to_json
from gongkai.targets import SiteTarget, Targets, origin
from gongkai.text import compact
from gongkai.vocab import column_label

FAILED_HOME = ("broken", "error")  # outcomes worth another attempt (blocked answers, it is not down)
MAX_STUB_HOPS = 3  # 引导页 → 引导页 → … is followed this many times
MAX_BODY_TEXT = 100_000  # characters of an article's body text kept with its document


@dataclass
class SiteState:
    """What the spider knows about one site while crawling it."""

    target: SiteTarget
    cutoff: date
    done: set[str] = field(default_factory=set)            # fingerprints of articles stored by an interrupted run
    extra_origins: set[str] = field(default_factory=set)   # where the home page redirected to
    coverage: dict[str, ColumnCoverage] = field(default_factory=dict)  # column list URL → its ledger
    ok: set[str] = field(default_factory=set)              # fingerprints of articles stored with outcome ok
    failed: set[str] = field(default_factory=set)          # fingerprints of articles that failed
    home_pending: int = 0                                  # home attempts waiting for their time
    dialect: str | None = None

    def owns(self, url: str) -> bool:
        if self.target.owns(url):
            return True
        try:
            return origin(url) in self.extra_origins
        except ValueError:
            return False

    def column(self, url: str) -> ColumnCoverage:
        return self.coverage.setdefault(url, ColumnCoverage(url))


class PortalSpider(scrapy.Spider):
    """Crawl every site of a targets file into one audit of the store."""

    name = "portal"

    def __init__(self, targets: Targets, audit_id: int, *args: Any, ledger: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.audit_id = audit_id
        self.ledger = ledger or {}
        self.sites: dict[str, SiteState] = {}
        self.reuse = ExtractionReuse(None)   # off unless the crawl has an HTTP cache and a store (from_crawler)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.cloak_check = s.getbool("GONGKAI_CLOAK_CHECK")
        spider.home_articles = s.getint("GONGKAI_HOME_ARTICLES")
        spider.home_retries = max(s.getint("RETRY_TIMES"), 3)
        spider.home_attempts = s.getint("GONGKAI_HOME_ATTEMPTS")
        spider.home_interval = s.getfloat("GONGKAI_HOME_ATTEMPT_INTERVAL")
        spider.download_timeout = s.getfloat("DOWNLOAD_TIMEOUT")
        spider.priority = s.getdict("GONGKAI_PRIORITIES")
        spider.attachments = AttachmentFetcher.from_settings(s)
        spider.extraction = ExtractionPool.from_settings(s)
        crawler.signals.connect(spider.extraction.close, signal=signals.spider_closed)
        spider.reuse = ExtractionReuse.from_crawler(crawler)
        crawler.signals.connect(spider.reuse.close, signal=signals.spider_closed)
        spider.tls = {"check": s.getbool("GONGKAI_TLS_CHECK"), "cafile": s.get("GONGKAI_TLS_CAFILE") or None,
                      "port": s.getint("GONGKAI_TLS_PORT"), "timeout": min(s.getfloat("DOWNLOAD_TIMEOUT"), 15.0)}
        start = spider.targets.audit.parsed_period.start
        cutoff = start - timedelta(days=s.getint("GONGKAI_LOOKBACK_DAYS"))
        spider.sites = {t.id: SiteState(target=t, cutoff=cutoff) for t in spider.targets.sites}
        for site_id, entry in spider.ledger.items():  # resuming: what the interrupted run already has
            if site_id in spider.sites:
                spider.sites[site_id].done = set(entry["done"])
                spider.attachments.resume(site_id, entry.get("attachments_stored", {}))
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_over_budget, signal=budget.page_budget_exceeded)
        return spider

    # -- requests -----------------------------------------------------------------------------
    def _request(self, state: SiteState, url: str, callback: Any, *, role: str, priority: int = 0,
                 meta: dict[str, Any] | None = None, **kw: Any) -> scrapy.Request:
        """A page request of the site, stamped with its identity (dedup and budgets are components')."""
        cls = kw.pop("request_cls", scrapy.Request)
        req = cls(url, callback=callback, errback=self.on_error, priority=priority,
                  meta={"site": state.target.id, "role": role, **(meta or {})}, **kw)
        stamp(req, self.crawler.request_fingerprinter)
        return req

    def _probe_request(self, url: str, callback: Any, errback: Any, **kw: Any) -> scrapy.Request:
        """A request outside the page ledger (a 404 probe, a re-fetch as Baiduspider, a home retry)."""
        req = scrapy.Request(url, callback=callback, errback=errback, dont_filter=True, **kw)
        stamp(req, self.crawler.request_fingerprinter)
        return req

    def on_over_budget(self, request: scrapy.Request, site: str, reason: str) -> None:
        """A page the budget refused leaves its column incomplete, if nothing else fetched it."""
        state = self.sites.get(site)
        column_url = request.meta.get("column_url")
        if state is None:
            return
        cov = state.coverage.get(column_url)
        if cov is None:
            return  # an article linked from the home page, outside any column
        is_list = request.meta.get("role") == "list"
        if is_list:
            cov.answered()  # asked, and will never be answered
        cov.refused_by_budget(request.meta["fingerprint"], reason, list_page=is_list)

    async def start(self) -> AsyncIterator[Any]:
        for state in self.sites.values():
            site = state.target
            yield self._request(state, site.home, self.parse_home, role="home", priority=self.priority["home"],
                                meta=self._home_meta(attempt=1))
            missing = urljoin(site.home, f"/gongkai-not-found-{uuid.uuid4().hex[:12]}.html")
            yield self._probe_request(missing, self.parse_not_found, self.on_not_found_error,
                                      priority=self.priority["not_found"],
                                      meta={"site": site.id, "role": "not_found", "dont_retry": True,
                                            "dont_cache": True})
            if self.cloak_check:  # same fingerprint as the home, other agent
                yield self._probe_request(site.home, self.parse_cloak, self.on_cloak_error,
                                          priority=self.priority["cloak"],
                                          headers={"User-Agent": BAIDUSPIDER_UA, "Referer": "https://www.baidu.com/"},
                                          meta={"site": site.id, "role": "cloak", "dont_retry": True,
                                                "dont_cache": True})
        for site_id, entry in self.ledger.items():  # resuming: files of stored articles not fetched yet
            for document_url, files in entry.get("attachments_pending", []) if site_id in self.sites else []:
                for request in self.attachments.requests(site_id, document_url, [LinkRef(f["url"], f.get("text") or "")
                                                                                   for f in files]):
                    yield request
        if self.tls["check"]:  # after every site's first requests: the handshakes run beside the crawl
            for row in await tls.probe_homes(((s.target.id, s.target.home) for s in self.sites.values()),
                                             cafile=self.tls["cafile"], timeout=self.tls["timeout"],
                                             https_port=self.tls["port"]):
                yield TlsItem(row)

    # -- callbacks ----------------------------------------------------------------------------------
    def parse_home(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        if not state.owns(response.url):  # http → https, or to www.: the site lives where it landed
            state.extra_origins.add(origin(response.url))
            yield OriginsItem(state.target.id, [*state.target.origins(), *sorted(state.extra_origins)])
        html = text_of(response)
        hops = response.meta.get("stub_hops", 0)
        landing = redirect.script_redirect(html, response.url) if html and hops < MAX_STUB_HOPS else None
        if landing and 200 <= response.status < 300:
            yield from self._follow_stub(response, state, html, landing, hops)
            return
        state.dialect = dialects.detect(html, response.url) if html else None
        items = home_extract.home_items(html, response.url) if html else []
        root = parse_document(html) if html else None
        url = asked_url(response.request)
        home_probe = {"kind": "home", "detail_json": to_json(self._home_detail(response.meta))}
        page = self._fetched(response, state, "home", html, root=root, fields={"dialect": state.dialect},
                             list_items=[_list_item(url, it) for it in items], probes=[home_probe])
        yield page
        if state.dialect:
            yield DialectItem(state.target.id, state.dialect)
        if page.outcome in FAILED_HOME:
            self._retry_home(state, response.request)
        if page.outcome != "ok" or not html:
            return
        yield from self._columns(state, html, response.url)
        yield from self._home_articles(state, items, root, response.url)

    def _fetched(self, response: Response, state: SiteState, kind: str, html: str,
                 answered: linkcheck.Outcome | None = None, **kw: Any) -> FetchedPage:
        """The routed response, for the row pipeline; its outcome is judged here (routing needs it)."""
        out = answered or linkcheck.classify_status(response.status, html)
        return FetchedPage(state.target.id, kind, response, html, out.outcome, out.reason, **kw)

    def _follow_stub(self, response: Response, state: SiteState, html: str, landing: str,
                     hops: int) -> Iterator[Any]:
        """A 引导页 whose script sends the browser on: keep it as a page, crawl the landing as home."""
        yield self._fetched(response, state, "other", html, fields={"reason": f"首页为脚本跳转页，跳转至 {landing}"})
        if not state.owns(landing):
            state.extra_origins.add(origin(landing))
            yield OriginsItem(state.target.id, [*state.target.origins(), *sorted(state.extra_origins)])
        yield self._request(state, landing, self.parse_home, role="home", priority=self.priority["home"],
                            meta={**self._home_meta(attempt=1), "stub_hops": hops + 1})

    def _columns(self, state: SiteState, html: str, url: str) -> Iterator[Any]:
        configured = state.target.columns
        found = [(ctype, column_label(ctype), curl, "config") for ctype, curl in configured.items()]
        if not configured:
            found = [(ctype, name, curl, "discovered") for ctype, name, curl in navigation.discover_columns(html, url)]
        types_at: dict[str, list[str]] = {}  # one list URL may be given for two column types
        for ctype, name, curl, how in found:
            if how == "discovered" and not state.owns(curl):
                continue  # a 政策文件 link to the province's portal is not this site's column
            yield ColumnItem({"site": state.target.id, "type": ctype, "name": name, "url": curl,
                              "how_found": how, "outcome": "pending", "reason": None, "coverage": "pending"})
            types_at.setdefault(curl, []).append(ctype)
        for curl, ctypes in types_at.items():  # the list is fetched once and feeds every type it was given
            state.column(curl).asked()
            yield self._request(state, curl, self.parse_list, role="list", priority=self.priority["list"],
                                meta={"column_type": ctypes[0], "column_url": curl, "list_page": 0})

    def _home_articles(self, state: SiteState, items: list[Any], root: Any, url: str) -> Iterator[Any]:
        """Fetch a few linked articles so a home page that prints no dates can still be dated."""
        if any(it.date for it in items):
            return
        candidates = [ref.url for ref in page_extract.page_links(root, url)
                      if state.owns(ref.url) and is_article_url(ref.url)]
        for article in list(dict.fromkeys(candidates))[: self.home_articles]:
            yield self._request(state, article, self.parse_article, role="article",
                                priority=self.priority["home_article"],
                                meta={"column_type": "home", "column_url": state.target.home})

    def parse_list(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        meta = response.meta
        ctype, curl, number = meta["column_type"], meta["column_url"], meta.get("list_page", 0)
        cov = state.column(curl)
        cov.answered()
        alternates = meta.get("alternates") or []
        if response.status == 404 and alternates:  # Hanweb dataproxy at another path
            yield from self._follow(state, meta["page_request"], alternates[0], alternates[1:], ctype, curl, number)
            return
        html = text_of(response)
        listing = None
        if html and 200 <= response.status < 300:
            listing = dialects.parse_list(html, response.url, request=meta.get("page_request"), dialect=None)
        items = listing.items if listing else []
        page = self._fetched(response, state, "list", html, list_items=[_list_item(curl, it) for it in items],
                             fields={"column_type": ctype, "column_url": curl,
                                     "dialect": listing.dialect if listing else None})
        yield page
        if ctype == "messages" and listing:  # 咨询建言 channel: each row's dates and reply state
            yield _messages_item(state, curl, response, "list", message_rows(html, response.url, listing.dialect))
        if listing and listing.dialect != "generic" and state.dialect in (None, "generic"):
            state.dialect = listing.dialect  # a CMS shows itself in its lists more than on a home page
            yield DialectItem(state.target.id, state.dialect)
        if number == 0:
            yield from self._column_outcome(state, cov, curl, page, listing)
        if not listing:
            cov.page_failed(number, page.reason or page.outcome or f"HTTP {response.status}")
            return
        in_window = [it for it in items if not (it.date and it.date < state.cutoff)]
        cov.listed(listing, len(in_window))
        for it in in_window:
            if state.owns(it.url):
                req = self._request(state, it.url, self.parse_article, role="article",
                                    priority=self.priority["article"], meta={"column_type": ctype, "column_url": curl})
                cov.wanted.add(req.meta["fingerprint"])
                yield req
        dated = [it.date for it in items if it.date]
        cov.past_cutoff = bool(dated) and max(dated) < state.cutoff
        nxt = listing.next_page
        if nxt and not cov.past_cutoff:
            yield from self._follow(state, nxt, nxt.url, list(nxt.alternates), ctype, curl, number + 1)

    @staticmethod
    def _column_outcome(state: SiteState, cov: ColumnCoverage, curl: str, page: FetchedPage,
                        listing: Any) -> Iterator[Any]:
        """How a column's first list page answered (a list drawn by script alone cannot be read)."""
        outcome, reason = page.outcome, page.reason
        if listing and listing.js_only and not listing.items:
            outcome, reason = "js_only", "栏目列表由脚本动态加载，无法读取（需人工核验）"
            cov.problem(reason)
        yield ColumnOutcomeItem(state.target.id, curl, outcome, reason)

    def _follow(self, state: SiteState, nxt: Any, url: str, alternates: list[str], ctype: str, curl: str,
                number: int) -> Iterator[Any]:
        """Request the next list page (GET, or the Hanweb dataproxy POST)."""
        meta = {"column_type": ctype, "column_url": curl, "list_page": number, "page_request": nxt,
                "alternates": alternates}
        kw: dict[str, Any] = {}
        if nxt.method.upper() == "POST":
            kw = {"request_cls": scrapy.FormRequest, "formdata": nxt.formdata or {}, "method": "POST"}
        state.column(curl).asked()
        yield self._request(state, url, self.parse_list, role="list", priority=self.priority["next_list"],
                            meta=meta, **kw)

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        """An article, read once in an extraction worker (crawler/extraction.py) while the crawl goes on."""
        state = self.sites[response.meta["site"]]
        html = text_of(response)
        ctype, curl = response.meta.get("column_type"), response.meta.get("column_url")
        url = asked_url(response.request)
        answered = linkcheck.classify_status(response.status, html)
        kept, reused = None, False
        try:
            if html:
                facts, kept, reused = await self._read_article(response, html, url, extract=answered.outcome == "ok",
                                                               messages=ctype == "messages")
            else:
                facts = None
        except ExtractionFailed as exc:  # the page is kept, unread: unknown, and its column incomplete
            yield CrawlErrorItem(state.target.id, "extract", url, str(exc))
            facts, answered = ArticleFacts(PageFacts("", "", {}, {}), None), linkcheck.Outcome("unknown", str(exc))
        page = self._fetched(response, state, "article", html, answered=answered, facts=facts and facts.page,
                             fields={"column_type": ctype, "column_url": curl, "dialect": facts and facts.dialect,
                                     "facts_reused": reused}, extraction=kept)
        if facts and facts.error:
            yield CrawlErrorItem(state.target.id, "extract", url, facts.error)
        elif facts and facts.fields:
            page.document = _document_row(state.target.id, url, ctype, curl, facts.fields)
        if facts and facts.message:
            yield _messages_item(state, curl, response, "page", [facts.message])
        fp = identity(response.request)["fingerprint"]
        (state.ok if page.outcome == "ok" else state.failed).add(fp)
        yield page
        if page.document:  # its files, read for the content and privacy rules (crawler/attachments.py)
            for request in self.attachments.requests(state.target.id, url, facts.fields.attachments):
                yield request

    async def _read_article(self, response: Response, html: str, url: str, *, extract: bool,
                            messages: bool) -> tuple[ArticleFacts, tuple[str, bytes] | None, bool]:
        """The article's facts; when read (in an extraction worker), what to keep of them for the
        next audit; whether they were kept from the last one instead (it answered 304: crawler/reuse.py)."""
        if not self.reuse.enabled:
            return await self.extraction.run(article_facts, html, response.url, url, extract=extract,
                                             messages=messages), None, False
        key = facts_key(html, response.url, url, extract=extract, messages=messages)
        facts = self.reuse.kept(response, key)
        if facts is not None:
            return facts, None, True
        kept = await self.extraction.run(kept_article_facts, html, response.url, url, extract=extract, messages=messages)
        return kept_facts(kept), (key, kept), False

    def parse_not_found(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        yield self._fetched(response, state, "not_found_probe", text_of(response), keep_links=False,
                            as_link_probe=False)
        yield ProbeItem({"site": state.target.id, "kind": "not_found", "url": response.request.url,
                         "method": "GET", "final_url": response.url, "status": response.status,
                         "outcome": "ok" if response.status in (404, 410) else "soft404",
                         "reason": f"HTTP {response.status} for a surely-missing URL"})

    def on_not_found_error(self, failure: Failure) -> Iterator[Any]:
        req = failure.request
        out = linkcheck.classify_failure(failure)
        yield ProbeItem({"site": req.meta["site"], "kind": "not_found", "url": req.url, "method": "GET",
                         "outcome": "unknown", "reason": out.reason})

    def parse_cloak(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        yield self._fetched(response, state, "home", text_of(response), fields={"variant": "baiduspider"},
                            keep_links=False, as_link_probe=False)

    def on_cloak_error(self, failure: Failure) -> None:
        self.logger.info("cloak re-fetch failed for %s: %s", failure.request.url, failure.value)

    # -- availability: a failing home is tried again, spread over the audit ----------------------------
    def _home_meta(self, attempt: int) -> dict[str, Any]:
        return {"max_retry_times": self.home_retries, "home_attempt": attempt, "started": time.monotonic()}

    def _home_detail(self, meta: dict[str, Any]) -> dict[str, Any]:
        """What the availability rule shows for one attempt: which, how long, with which timeout."""
        return {"attempt": meta.get("home_attempt", 1), "of": self.home_attempts,
                "seconds": round(time.monotonic() - meta.get("started", time.monotonic()), 1),
                "timeout_s": self.download_timeout, "retries": meta.get("retry_times", 0)}

    def _retry_home(self, state: SiteState, failed: scrapy.Request) -> None:
        """Ask the home page again after the interval, until the attempts are used up.

        One failed fetch must not veto a site: the network of either side may blink.  The spider
        stays open (``on_idle``) while an attempt waits.
        """
        attempt = failed.meta.get("home_attempt", 1)
        if attempt >= self.home_attempts:
            return
        state.home_pending += 1
        url = asked_url(failed)
        meta = {k: failed.meta[k] for k in ("site", "role", "stub_hops") if k in failed.meta}

        def send() -> None:
            state.home_pending -= 1
            self.crawler.engine.crawl(self._probe_request(url, self.parse_home, self.on_error,
                                                          priority=self.priority["home"],
                                                          meta={**meta, **self._home_meta(attempt + 1)}))

        # the reactor Scrapy installed (imported at module level it would install the default one)
        from twisted.internet import reactor

        reactor.callLater(self.home_interval, send)

    def on_idle(self) -> None:
        """Stay open while a home attempt waits for its time."""
        if any(state.home_pending for state in self.sites.values()):
            raise DontCloseSpider

    # -- failures -------------------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterator[Any]:
        """A page that produced no response: record it (and the home probe) with its reason."""
        req = failure.request
        state = self.sites[req.meta["site"]]
        out = linkcheck.classify_failure(failure)
        role = req.meta.get("role")
        kind = {"home": "home", "list": "list", "article": "article"}.get(role, "other")
        page = {"site": state.target.id, "url": asked_url(req), **identity(req),
                "final_url": req.url if req.meta.get("redirect_urls") else None, "status": None, "fetched_at": now_iso(),
                "kind": kind, "outcome": out.outcome, "reason": out.reason,
                "column_type": req.meta.get("column_type"), "column_url": req.meta.get("column_url")}
        probes = [link_probe(page)]
        if role == "home":
            probes.append({**link_probe(page), "kind": "home", "detail_json": to_json(self._home_detail(req.meta))})
            if out.outcome in FAILED_HOME:
                self._retry_home(state, req)
        yield PageItem(page, probes=probes)
        if role == "article":
            state.failed.add(page["fingerprint"])
        if role == "list":
            cov = state.column(req.meta["column_url"])
            cov.answered()
            cov.page_failed(req.meta.get("list_page", 0), out.reason or out.outcome)
            if req.meta.get("list_page", 0) == 0:
                yield ColumnOutcomeItem(state.target.id, req.meta["column_url"], out.outcome, out.reason)


def _list_item(column_url: str, item: Any) -> dict[str, Any]:
    return {"column_url": column_url, "title": item.title, "url": item.url,
            "date": item.date.isoformat() if item.date else None}


def _messages_item(state: SiteState, column_url: str | None, response: Response, source: str,
                   found: list[Any]) -> MessagesItem:
    """The messages a page of a 咨询建言 channel shows, keyed to the page (list row or message page)."""
    where = {"column_url": column_url, "page_url": asked_url(response.request),
             "page_fp": identity(response.request)["fingerprint"], "source": source}
    return MessagesItem(state.target.id, where, [m.to_row() for m in found])


def _document_row(site: str, url: str, ctype: str | None, curl: str | None, fields: Any) -> dict[str, Any]:
    """The documents row for extracted article fields (dedup key: title + date + 文号)."""
    key_parts = [compact(fields.title or ""), fields.publish_date.isoformat() if fields.publish_date else "",
                 compact(fields.doc_number or "")]
    dedup = hashlib.sha1("|".join(key_parts).encode()).hexdigest() if fields.title else None
    return {
        "site": site, "url": url, "column_type": ctype, "column_url": curl, "title": fields.title,
        "publish_date": fields.publish_date.isoformat() if fields.publish_date else None,
        "written_date": fields.written_date.isoformat() if fields.written_date else None,
        "doc_number": fields.doc_number, "index_number": fields.index_number, "publisher": fields.publisher,
        "validity": fields.validity, "label": fields.disclosure_label, "label_slot": fields.label_slot,
        "related_json": to_json([{"url": r.url, "text": r.text} for r in fields.related]),
        "attachments_json": to_json([{"url": a.url, "text": a.text} for a in fields.attachments]),
        "body_text": (fields.body_text or "")[:MAX_BODY_TEXT], "dedup_key": dedup,
    }
