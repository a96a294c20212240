"""The portal spider: home → columns → list pages (all pages) → articles, then link checks.

The spider only routes: parsing lives in ``crawler/dialects`` and ``crawler/extract``, outcomes in
``crawler/linkcheck``, persistence in the item pipeline, the coverage verdict in
``crawler/coverage``.  Every request is ``dont_filter`` and the spider keeps its own per-site
ledger keyed by Scrapy's request fingerprint (method + canonical URL + body: Hanweb's dataproxy
POSTs share one URL), because Scrapy's dupefilter would silently drop the second leg of a redirect
loop (no errback, nothing recorded) and its offsite filter ignores ports.  Each column's ledger
(what the CMS announced, what was listed and fetched) is written when the crawl closes.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.request import fingerprint
from twisted.python.failure import Failure

from gongkai.crawler import dialects, linkcheck
from gongkai.crawler.coverage import ColumnCoverage
from gongkai.crawler.dialects.messages import message_rows
from gongkai.crawler.extract import article as article_extract
from gongkai.crawler.extract import home as home_extract
from gongkai.crawler.extract import identity as identity_extract
from gongkai.crawler.extract import message as message_extract
from gongkai.crawler.extract import navigation, redirect
from gongkai.crawler.extract import page as page_extract
from gongkai.crawler.items import (
    ColumnItem,
    ColumnOutcomeItem,
    CrawlErrorItem,
    DialectItem,
    MessagesItem,
    OriginsItem,
    PageItem,
    ProbeItem,
)
from gongkai.crawler.markup import is_article_url, is_attachment, parse_document
from gongkai.crawler.settings import BAIDUSPIDER_UA
from gongkai.targets import SiteTarget, Targets, origin
from gongkai.text import compact
from gongkai.vocab import column_label

FAILED_HOME = ("broken", "error")  # outcomes worth another attempt (blocked answers, it is not down)
MAX_STUB_HOPS = 3  # 引导页 → 引导页 → … is followed this many times


@dataclass
class SiteState:
    """What the spider knows about one site while crawling it."""

    target: SiteTarget
    cutoff: date
    scheduled: set[str] = field(default_factory=set)       # request fingerprints asked as pages
    link_targets: dict[str, str] = field(default_factory=dict)  # target → first page linking it
    checked: set[str] = field(default_factory=set)         # URLs with a link probe
    done: set[str] = field(default_factory=set)            # fingerprints of articles stored by an interrupted run
    extra_origins: set[str] = field(default_factory=set)   # where the home page redirected to
    coverage: dict[str, ColumnCoverage] = field(default_factory=dict)  # column list URL → its ledger
    ok: set[str] = field(default_factory=set)              # fingerprints of articles stored with outcome ok
    failed: set[str] = field(default_factory=set)          # fingerprints of articles that failed
    home_pending: int = 0                                  # home attempts waiting for their time
    pages: int = 0
    links_checked: int = 0
    dialect: str | None = None

    def owns(self, url: str) -> bool:
        if self.target.owns(url):
            return True
        try:
            return origin(url) in self.extra_origins
        except ValueError:
            return False


def _asked_url(request: scrapy.Request) -> str:
    """The URL we asked for, before redirects (Scrapy's redirect middleware keeps the chain in meta)."""
    chain = request.meta.get("redirect_urls") or []
    return chain[0] if chain else request.url


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.max_pages = s.getint("GONGKAI_MAX_PAGES_PER_SITE")
        spider.max_list_pages = s.getint("GONGKAI_MAX_LIST_PAGES")
        spider.max_links = s.getint("GONGKAI_MAX_LINKS_CHECKED_PER_SITE")
        spider.cloak_check = s.getbool("GONGKAI_CLOAK_CHECK")
        spider.home_articles = s.getint("GONGKAI_HOME_ARTICLES")
        spider.home_retries = max(s.getint("RETRY_TIMES"), 3)
        spider.home_attempts = s.getint("GONGKAI_HOME_ATTEMPTS")
        spider.home_interval = s.getfloat("GONGKAI_HOME_ATTEMPT_INTERVAL")
        spider.download_timeout = s.getfloat("DOWNLOAD_TIMEOUT")
        spider.priority = s.getdict("GONGKAI_PRIORITIES")
        spider.link_maxsize = min(s.getint("GONGKAI_LINK_MAXSIZE"), s.getint("DOWNLOAD_MAXSIZE") or 2**62)
        start = spider.targets.audit.parsed_period.start
        cutoff = start - timedelta(days=s.getint("GONGKAI_LOOKBACK_DAYS"))
        spider.sites = {t.id: SiteState(target=t, cutoff=cutoff) for t in spider.targets.sites}
        for site_id, entry in spider.ledger.items():  # resuming: what the interrupted run already has
            if site_id in spider.sites:
                state = spider.sites[site_id]
                state.done, state.checked = set(entry["done"]), set(entry["checked"])
                state.link_targets.update(entry["links"])
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    # -- requests -----------------------------------------------------------------------------
    def _request(self, state: SiteState, url: str, callback: Any, *, role: str, priority: int = 0,
                 meta: dict[str, Any] | None = None, **kw: Any) -> scrapy.Request | None:
        """A page request inside the site's budget and ledger, or None if already asked/over budget.

        The ledger keys on Scrapy's request fingerprint: two dataproxy POSTs with one URL and two
        columns in their bodies are two pages.
        """
        base_meta = {"site": state.target.id, "role": role}
        cls = kw.pop("request_cls", scrapy.Request)
        req = cls(url, callback=callback, errback=self.on_error, dont_filter=True, priority=priority,
                  meta={**base_meta, **(meta or {})}, **kw)
        fp = self._stamp(req)
        if fp in state.scheduled:
            return None
        if state.pages >= self.max_pages:
            self._over_budget(state, meta or {})
            return None
        state.scheduled.add(fp)
        if role == "article" and fp in state.done:
            return None  # stored by the interrupted run this one resumes
        state.pages += 1
        return req

    def _over_budget(self, state: SiteState, meta: dict[str, Any]) -> None:
        """A request dropped by the site's page budget leaves its column incomplete."""
        cov = state.coverage.get(meta.get("column_url") or "")
        if cov is not None:
            cov.problem(f"站点页面预算用尽（max_pages_per_site={self.max_pages}）")

    def _fp(self, url: str) -> str:
        return self.crawler.request_fingerprinter.fingerprint(scrapy.Request(url)).hex()

    def _stamp(self, req: scrapy.Request) -> str:
        """Record the request's identity in its meta, where it survives redirects."""
        fp = self.crawler.request_fingerprinter.fingerprint(req).hex()
        req.meta.update(fingerprint=fp, method=req.method,
                        request_body=req.body.decode("utf-8", "replace")[:2000] if req.body else None)
        return fp

    async def start(self) -> AsyncIterator[Any]:
        for state in self.sites.values():
            site = state.target
            req = self._request(state, site.home, self.parse_home, role="home", priority=self.priority["home"],
                                meta=self._home_meta(attempt=1))
            if req:
                yield req
            missing = urljoin(site.home, f"/gongkai-not-found-{uuid.uuid4().hex[:12]}.html")
            probe = scrapy.Request(missing, callback=self.parse_not_found, errback=self.on_not_found_error,
                                   dont_filter=True, priority=self.priority["not_found"],
                                   meta={"site": site.id, "role": "not_found", "dont_retry": True,
                                         "dont_cache": True})
            self._stamp(probe)
            yield probe
            if self.cloak_check:
                cloak = scrapy.Request(site.home, callback=self.parse_cloak, errback=self.on_cloak_error,
                                       dont_filter=True, priority=self.priority["cloak"], headers={"User-Agent": BAIDUSPIDER_UA,
                                                                               "Referer": "https://www.baidu.com/"},
                                       meta={"site": site.id, "role": "cloak", "dont_retry": True,
                                             "dont_cache": True})  # same fingerprint as the home, other agent
                self._stamp(cloak)
                yield cloak

    # -- page bookkeeping -------------------------------------------------------------------------
    def _page_row(self, response: Response, state: SiteState, kind: str, **extra: Any) -> dict[str, Any]:
        request_url = _asked_url(response.request) if response.request else response.url
        body = response.body or b""
        outcome = linkcheck.classify_status(response.status, self._text(response))
        return {
            "site": state.target.id, "url": request_url, **_identity(response.request),
            "final_url": response.url, "status": response.status,
            "content_type": response.headers.get(b"Content-Type", b"").decode("latin-1")[:200],
            "encoding": getattr(response, "encoding", None), "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(), "fetched_at": _now(), "kind": kind,
            "revalidated": "cached" in response.flags,
            "outcome": outcome.outcome, "reason": outcome.reason, **extra,
        }

    @staticmethod
    def _text(response: Response) -> str:
        """Decoded HTML, or '' for binary bodies (BinarySniffMiddleware made them plain Responses)."""
        if not isinstance(response, TextResponse):
            return ""
        try:
            return response.text
        except (UnicodeDecodeError, LookupError):
            return response.body.decode("utf-8", errors="replace")

    def _page_bundle(self, response: Response, state: SiteState, kind: str, html: str,
                     root: Any = None, **extra: Any) -> PageItem:
        """Page row + links + identity/meta, ready for the pipeline (one transaction)."""
        page = self._page_row(response, state, kind, **extra)
        links: list[dict[str, Any]] = []
        if html:
            root = parse_document(html) if root is None else root  # parsed once for every extractor
            page.update(title=page_extract.page_title(root), text=page_extract.visible_text(root), snapshot=html,
                        meta_json=_json(page_extract.meta_tags(root)),
                        identity_json=_json(identity_extract.footer_identity(root)))
            for ref in page_extract.page_links(root, response.url):
                links.append({"target": ref.url, "text": ref.text, "hidden": ref.hidden,
                              "hidden_how": ref.hidden_how, "internal": state.owns(ref.url)})
                state.link_targets.setdefault(ref.url, response.url)
        return PageItem(page, links)

    def _probe_for_page(self, response: Response, state: SiteState, page: dict[str, Any]) -> ProbeItem:
        """A crawled page is also a checked link target."""
        state.checked.add(page["url"])
        return ProbeItem({"site": state.target.id, "kind": "link", "url": page["url"],
                                          "method": page["method"], "fingerprint": page["fingerprint"],
                                          "final_url": response.url, "status": response.status,
                                          "outcome": page["outcome"], "reason": page["reason"]})

    # -- callbacks ----------------------------------------------------------------------------------
    def parse_home(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        if not state.owns(response.url):  # http → https, or to www.: the site lives where it landed
            state.extra_origins.add(origin(response.url))
            yield OriginsItem(state.target.id, [*state.target.origins(), *sorted(state.extra_origins)])
        html = self._text(response)
        hops = response.meta.get("stub_hops", 0)
        landing = redirect.script_redirect(html, response.url) if html and hops < MAX_STUB_HOPS else None
        if landing and 200 <= response.status < 300:
            yield from self._follow_stub(response, state, html, landing, hops)
            return
        state.dialect = dialects.detect(html, response.url) if html else None
        bundle = self._page_bundle(response, state, "home", html, dialect=state.dialect)
        page = bundle.page
        items = home_extract.home_items(html, response.url) if html else []
        bundle.list_items = [{"column_url": page["url"], "title": it.title, "url": it.url,
                                 "date": it.date.isoformat() if it.date else None} for it in items]
        yield bundle
        yield self._probe_for_page(response, state, page)
        yield ProbeItem({"site": state.target.id, "kind": "home", "url": page["url"],
                                        "method": page["method"], "fingerprint": page["fingerprint"],
                                        "final_url": response.url, "status": response.status,
                                        "outcome": page["outcome"], "reason": page["reason"],
                                        "detail_json": _json(self._home_detail(response.meta))})
        if state.dialect:
            yield DialectItem(state.target.id, state.dialect)
        if page["outcome"] in FAILED_HOME:
            self._retry_home(state, response.request)
        if page["outcome"] != "ok" or not html:
            return
        yield from self._columns(state, html, response.url)
        yield from self._home_articles(state, items, bundle.links)

    def _follow_stub(self, response: Response, state: SiteState, html: str, landing: str,
                     hops: int) -> Iterator[Any]:
        """A 引导页 whose script sends the browser on: keep it as a page, crawl the landing as home."""
        bundle = self._page_bundle(response, state, "other", html)
        bundle.page["reason"] = f"首页为脚本跳转页，跳转至 {landing}"
        yield bundle
        yield self._probe_for_page(response, state, bundle.page)
        if not state.owns(landing):
            state.extra_origins.add(origin(landing))
            yield OriginsItem(state.target.id, [*state.target.origins(), *sorted(state.extra_origins)])
        req = self._request(state, landing, self.parse_home, role="home", priority=self.priority["home"],
                            meta={**self._home_meta(attempt=1), "stub_hops": hops + 1})
        if req:
            yield req

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
                                             "how_found": how, "outcome": "pending", "reason": None,
                                             "coverage": "pending"})
            types_at.setdefault(curl, []).append(ctype)
        for curl, ctypes in types_at.items():  # the list is fetched once and feeds every type it was given
            state.coverage.setdefault(curl, ColumnCoverage(curl))
            req = self._request(state, curl, self.parse_list, role="list", priority=self.priority["list"],
                                meta={"column_type": ctypes[0], "column_url": curl, "list_page": 0})
            if req:
                state.coverage[curl].asked()
                yield req

    def _home_articles(self, state: SiteState, items: list[Any], links: list[dict[str, Any]]) -> Iterator[Any]:
        """Fetch a few linked articles so a home page that prints no dates can still be dated."""
        dated = [it for it in items if it.date]
        if dated:
            return
        candidates = [lk["target"] for lk in links if lk["internal"] and is_article_url(lk["target"])]
        for url in list(dict.fromkeys(candidates))[: self.home_articles]:
            req = self._request(state, url, self.parse_article, role="article", priority=self.priority["home_article"],
                                meta={"column_type": "home", "column_url": state.target.home})
            if req:
                yield req

    def parse_list(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        meta = response.meta
        ctype, curl, number = meta["column_type"], meta["column_url"], meta.get("list_page", 0)
        cov = state.coverage.setdefault(curl, ColumnCoverage(curl))
        cov.answered()
        alternates = meta.get("alternates") or []
        if response.status == 404 and alternates:  # Hanweb dataproxy at another path
            yield from self._follow(state, meta["page_request"], alternates[0], alternates[1:], ctype, curl, number)
            return
        html = self._text(response)
        listing = None
        if html and 200 <= response.status < 300:
            listing = dialects.parse_list(html, response.url, request=meta.get("page_request"),
                                          dialect=None)
        bundle = self._page_bundle(response, state, "list", html, column_type=ctype, column_url=curl,
                                   dialect=listing.dialect if listing else None)
        page = bundle.page
        items = listing.items if listing else []
        bundle.list_items = [{"column_url": curl, "title": it.title, "url": it.url,
                                 "date": it.date.isoformat() if it.date else None} for it in items]
        yield bundle
        yield self._probe_for_page(response, state, page)
        if ctype == "messages" and listing:  # 咨询建言 channel: each row's dates and reply state
            yield _messages_item(state, page, "list", message_rows(html, response.url, listing.dialect))
        if listing and listing.dialect != "generic" and state.dialect in (None, "generic"):
            state.dialect = listing.dialect  # a CMS shows itself in its lists more than on a home page
            yield DialectItem(state.target.id, state.dialect)
        if number == 0:
            outcome, reason = page["outcome"], page["reason"]
            if listing and listing.js_only and not items:
                outcome, reason = "js_only", "栏目列表由脚本动态加载，无法读取（需人工核验）"
            yield ColumnOutcomeItem(state.target.id, curl, outcome, reason)
            if outcome == "js_only":
                cov.problem(reason)
        if not listing:
            cov.page_failed(number, page["reason"] or page["outcome"] or f"HTTP {response.status}")
            return
        in_window = [it for it in items if not (it.date and it.date < state.cutoff)]
        cov.listed(listing, len(in_window))
        for it in in_window:
            if state.owns(it.url):
                cov.wanted.add(self._fp(it.url))
                req = self._request(state, it.url, self.parse_article, role="article", priority=self.priority["article"],
                                    meta={"column_type": ctype, "column_url": curl})
                if req:
                    yield req
            else:
                state.link_targets.setdefault(it.url, response.url)
        dated = [it.date for it in items if it.date]
        cov.past_cutoff = bool(dated) and max(dated) < state.cutoff
        nxt = listing.next_page
        if not nxt or cov.past_cutoff:
            return
        if number + 1 >= self.max_list_pages:
            cov.problem(f"翻页达到上限（max_list_pages={self.max_list_pages}）")
            return
        yield from self._follow(state, nxt, nxt.url, list(nxt.alternates), ctype, curl, number + 1)

    def _follow(self, state: SiteState, nxt: Any, url: str, alternates: list[str], ctype: str, curl: str,
                number: int) -> Iterator[Any]:
        """Request the next list page (GET, or the Hanweb dataproxy POST) inside the budget."""
        meta = {"column_type": ctype, "column_url": curl, "list_page": number, "page_request": nxt,
                "alternates": alternates}
        if nxt.method.upper() == "POST":
            req = self._request(state, url, self.parse_list, role="list", priority=self.priority["next_list"], meta=meta,
                                request_cls=scrapy.FormRequest, formdata=nxt.formdata or {}, method="POST")
        else:
            req = self._request(state, url, self.parse_list, role="list", priority=self.priority["next_list"], meta=meta)
        if req:
            state.coverage[curl].asked()
            yield req

    def parse_article(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        html = self._text(response)
        ctype, curl = response.meta.get("column_type"), response.meta.get("column_url")
        root = parse_document(html) if html else None
        bundle = self._page_bundle(response, state, "article", html, root=root, column_type=ctype, column_url=curl,
                                   dialect=dialects.detect(html, response.url) if html else None)
        page = bundle.page
        if html and page["outcome"] == "ok":
            try:
                fields = article_extract.extract_article(html, response.url, root=root)
            except Exception as exc:  # noqa: BLE001 - a crash in one page's extraction is recorded, not fatal
                yield CrawlErrorItem(state.target.id, "extract", page["url"], f"{type(exc).__name__}: {exc}")
            else:
                bundle.document = _document_row(state.target.id, page["url"], ctype, curl, fields)
            if ctype == "messages" and (msg := message_extract.extract_message(root, page["url"])):
                yield _messages_item(state, page, "page", [msg])
        (state.ok if page["outcome"] == "ok" else state.failed).add(page["fingerprint"])
        yield bundle
        yield self._probe_for_page(response, state, page)

    def parse_not_found(self, response: Response) -> Iterator[Any]:
        state = self.sites[response.meta["site"]]
        html = self._text(response)
        bundle = self._page_bundle(response, state, "not_found_probe", html)
        bundle.links = []
        yield bundle
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
        html = self._text(response)
        bundle = self._page_bundle(response, state, "home", html, variant="baiduspider")
        bundle.links = []
        yield bundle

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
        url = _asked_url(failed)
        meta = {k: failed.meta[k] for k in ("site", "role", "stub_hops") if k in failed.meta}

        def send() -> None:
            state.home_pending -= 1
            req = scrapy.Request(url, callback=self.parse_home, errback=self.on_error, dont_filter=True,
                                 priority=self.priority["home"], meta={**meta, **self._home_meta(attempt + 1)})
            self._stamp(req)
            self.crawler.engine.crawl(req)

        # the reactor Scrapy installed (imported at module level it would install the default one)
        from twisted.internet import reactor

        reactor.callLater(self.home_interval, send)

    # -- failures -------------------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterator[Any]:
        """A page that produced no response: record it (and the home probe) with its reason."""
        req = failure.request
        state = self.sites[req.meta["site"]]
        out = linkcheck.classify_failure(failure)
        role = req.meta.get("role")
        kind = {"home": "home", "list": "list", "article": "article"}.get(role, "other")
        page = {"site": state.target.id, "url": _asked_url(req), **_identity(req),
                "final_url": req.url if req.meta.get("redirect_urls") else None, "status": None, "fetched_at": _now(),
                "kind": kind, "outcome": out.outcome, "reason": out.reason,
                "column_type": req.meta.get("column_type"), "column_url": req.meta.get("column_url")}
        yield PageItem(page)
        state.checked.add(page["url"])
        yield ProbeItem({"site": state.target.id, "kind": "link", "url": page["url"],
                                        "method": page["method"], "fingerprint": page["fingerprint"],
                                        "outcome": out.outcome, "reason": out.reason})
        if role == "home":
            yield ProbeItem({"site": state.target.id, "kind": "home", "url": page["url"],
                                            "method": page["method"], "fingerprint": page["fingerprint"],
                                            "outcome": out.outcome, "reason": out.reason,
                                            "detail_json": _json(self._home_detail(req.meta))})
            if out.outcome in FAILED_HOME:
                self._retry_home(state, req)
        if role == "article":
            state.failed.add(page["fingerprint"])
        if role == "list":
            cov = state.coverage.setdefault(req.meta["column_url"], ColumnCoverage(req.meta["column_url"]))
            cov.answered()
            cov.page_failed(req.meta.get("list_page", 0), out.reason or out.outcome)
        if role == "list" and req.meta.get("list_page", 0) == 0:
            yield ColumnOutcomeItem(state.target.id, req.meta["column_url"], out.outcome, out.reason)

    # -- link checks (after the crawl proper) ---------------------------------------------------------
    def on_idle(self) -> None:
        """When pages are done, check every link target not fetched yet (HEAD, then GET)."""
        scheduled = any(state.home_pending for state in self.sites.values())
        for state in self.sites.values():
            for target, source in list(state.link_targets.items()):
                if target in state.checked or target in state.scheduled:
                    continue
                state.checked.add(target)
                if state.links_checked >= self.max_links:
                    continue
                state.links_checked += 1
                self.crawler.engine.crawl(self._link_request(state, target, source))
                scheduled = True
        if scheduled:
            raise DontCloseSpider

    def _link_request(self, state: SiteState, target: str, source: str, method: str | None = None) -> scrapy.Request:
        internal = state.owns(target)
        if method is None:
            method = "GET" if internal and not is_attachment(target) else "HEAD"
        meta = {"site": state.target.id, "role": "link", "source": source, "dont_retry": method == "HEAD",
                "max_retry_times": 1}
        if method == "GET":  # a link check reads the head of the page only (soft 404, title)
            meta["download_maxsize"] = self.link_maxsize
        return scrapy.Request(target, method=method, callback=self.parse_link, errback=self.on_link_error,
                              dont_filter=True, priority=self.priority["link"], headers={"Referer": source},
                              meta=meta)

    def parse_link(self, response: Response) -> Iterator[Any]:
        req = response.request
        state = self.sites[req.meta["site"]]
        asked = _asked_url(req)
        if req.method == "HEAD" and response.status in linkcheck.HEAD_REFUSED:
            yield self._link_request(state, asked, req.meta["source"], method="GET")
            return
        html = self._text(response) if req.method == "GET" else ""
        out = linkcheck.classify_status(response.status, html)
        detail = {}
        if html and state.owns(asked):
            detail = {"title": page_extract.page_title(html)[:300], "text": page_extract.visible_text(html)[:4000]}
        yield ProbeItem({"site": state.target.id, "kind": "link", "url": asked, "method": req.method,
                                        "final_url": response.url, "status": response.status,
                                        "outcome": out.outcome, "reason": out.reason, "detail_json": _json(detail)})

    def on_link_error(self, failure: Failure) -> Iterator[Any]:
        req = failure.request
        state = self.sites[req.meta["site"]]
        if req.method == "HEAD":  # some servers drop HEAD on the floor: confirm with GET
            yield self._link_request(state, _asked_url(req), req.meta["source"], method="GET")
            return
        out = linkcheck.classify_failure(failure)
        yield ProbeItem({"site": state.target.id, "kind": "link", "url": _asked_url(req),
                                        "method": req.method,
                                        "outcome": out.outcome, "reason": out.reason})


def _identity(request: scrapy.Request) -> dict[str, Any]:
    """The page row's identity fields, stamped on the request by ``PortalSpider._stamp`` (a request
    made elsewhere, e.g. in a test, is identified by Scrapy's default fingerprint)."""
    meta = request.meta
    if "fingerprint" not in meta:
        return {"fingerprint": fingerprint(request).hex(), "method": request.method, "request_body": None}
    return {"fingerprint": meta["fingerprint"], "method": meta["method"], "request_body": meta.get("request_body")}


def _messages_item(state: SiteState, page: dict[str, Any], source: str, found: list[Any]) -> MessagesItem:
    """The messages a page of a 咨询建言 channel shows, keyed to the page (list row or message page)."""
    where = {"column_url": page.get("column_url"), "page_url": page["url"], "page_fp": page["fingerprint"],
             "source": source}
    return MessagesItem(state.target.id, where, [m.to_row() for m in found])


def _json(value: Any) -> str:
    from gongkai.store import to_json
    return to_json(value)


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
        "related_json": _json([{"url": r.url, "text": r.text} for r in fields.related]),
        "attachments_json": _json([{"url": a.url, "text": a.text} for a in fields.attachments]),
        "body_text": (fields.body_text or "")[:100_000], "dedup_key": dedup,
    }
