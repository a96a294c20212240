"""Scrapy settings for gongkai, and the mapping from the targets file's friendly `crawl:` names.

Defaults are chosen against Scrapy defaults that hide defects of government portals:
- HttpErrorMiddleware would drop 4xx/5xx responses; an audit must see them (HTTPERROR_ALLOW_ALL).
  The meta key ``handle_httpstatus_all`` is *not* used because it also disables redirects.
- DOWNLOAD_TIMEOUT is 180 s by default; the official availability probe counts 15 s as a failure.
- Offsite filtering ignores ports and drops link checks; the spider decides membership itself
  (scheme + host + port), so no ``allowed_domains`` is set.
- Downloads are bounded (DOWNLOAD_MAXSIZE also bounds decompressed gzip bombs).
"""

from __future__ import annotations

from typing import Any

BOT_NAME = "gongkai"
SPIDER_MODULES = ["gongkai.crawler.spiders"]
NEWSPIDER_MODULE = "gongkai.crawler.spiders"

# Browser-like UA with our token: many portals answer 403 to unknown agents (blocked ≠ broken).
USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0 Safari/537.36 gongkai/0.1")
BAIDUSPIDER_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
ROBOTSTXT_OBEY = False
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote-control extension would listen on loopback and run any Python code sent
# with the bearer token it writes under ~/.local/state/scrapy/: an unattended audit of hostile
# sites has no use for a code-execution port.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"

HTTPERROR_ALLOW_ALL = True
DOWNLOAD_TIMEOUT = 20
DNS_TIMEOUT = 10
DOWNLOAD_MAXSIZE = 10_000_000
DOWNLOAD_WARNSIZE = 0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 10
METAREFRESH_ENABLED = True

CONCURRENT_REQUESTS = 16
# items of one response processed at once: the store pipeline is synchronous, and Scrapy's default
# (100) starts 100 asyncio tasks for every response's output (20 % of crawl time, bench/RESULTS.md)
CONCURRENT_ITEMS = 8
# politeness is per host (Scrapy's default download slot): sites sharing a host share its delay;
# the downloader-aware queue serves every slot in turn, so one big portal never starves the others
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
# a configured delay is the delay a portal sees: Scrapy's randomisation (0.5–1.5 × per wake-up)
# stretched 12 sites' crawl to 1.20–1.25 × the politeness bound (bench/RESULTS.md)
RANDOMIZE_DOWNLOAD_DELAY = False
AUTOTHROTTLE_ENABLED = False

# incremental re-audits: every page is revalidated (ETag / Last-Modified) and a 304 reuses the
# stored body; the cache lives beside the store (DIR/httpcache) unless `http_cache_dir` says where
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "gongkai.crawler.httpcache.RevalidatePolicy"
HTTPCACHE_STORAGE = "gongkai.crawler.httpcache.AtomicCacheStorage"  # an entry is whole or absent
HTTPCACHE_GZIP = True
HTTPCACHE_DIR = ""   # set per run by gongkai.stages.crawl; empty → cache off

# The components of the crawl (docs/architecture.md): the spider only routes.
DUPEFILTER_CLASS = "gongkai.crawler.dupefilter.SiteDupeFilter"            # (site, fingerprint), drops counted
DOWNLOADER_MIDDLEWARES = {"gongkai.crawler.middlewares.BinarySniffMiddleware": 550,  # decoding, binary sniffing
                          # the HTTP cache without its error recovery (crawler/httpcache.py), in Scrapy's place
                          "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
                          "gongkai.crawler.httpcache.AuditCacheMiddleware": 900}
ITEM_PIPELINES = {"gongkai.crawler.rows.PageRowPipeline": 200,             # FetchedPage → PageItem
                  "gongkai.crawler.pipelines.StorePipeline": 300}
EXTENSIONS = {"gongkai.crawler.budget.PageBudget": 300,  # page / list budgets, judged as requests are scheduled
              "gongkai.crawler.progress.CrawlProgress": 500, "gongkai.crawler.closing.CrawlCloser": 100,
              "gongkai.crawler.linkchecker.LinkChecker": 200}
GONGKAI_PROGRESS = True  # shown only when stderr is a terminal
# The store pipeline writes pages (with their links, list items, document, snapshot) and probes in
# short batches, one transaction and one statement per table each: a batch is written when it holds
# this many items, when its first item is this many seconds old, when the crawl is idle and when
# it closes.  A crash loses at most the batch, which a resumed crawl fetches again (it asks for what
# the store lacks); 1 item writes every page on its own.
GONGKAI_STORE_BATCH_SIZE = 100
GONGKAI_STORE_BATCH_SECONDS = 3.0

# gongkai's own settings (read by the spider and the pipeline through from_crawler)
GONGKAI_MAX_PAGES_PER_SITE = 3000
GONGKAI_MAX_LIST_PAGES = 30
GONGKAI_MAX_LINKS_CHECKED_PER_SITE = 1500
GONGKAI_LOOKBACK_DAYS = 400
GONGKAI_CLOAK_CHECK = True
GONGKAI_HOME_ATTEMPTS = 3          # a failing home page is tried again, spread over the audit …
GONGKAI_HOME_ATTEMPT_INTERVAL = 60  # … at least this many seconds apart, before 站点无法访问 may fail
# Request priorities (Scrapy serves higher first): a site's home and its probes first, then each
# column's first list page; a list page's articles before the next list page (the queue of waiting
# requests stays short however long the column: bench/RESULTS.md), link checks last.
GONGKAI_PRIORITIES = {"home": 100, "not_found": 90, "cloak": 80, "list": 50, "article": 45, "next_list": 40,
                      "home_article": 10, "attachment": 5, "link": -10}
GONGKAI_LINK_MAXSIZE = 2_000_000  # bytes a link check's GET reads (and never more than DOWNLOAD_MAXSIZE)
GONGKAI_HOME_ARTICLES = 20   # linked articles fetched from the home page when it prints no dates
# attachments of articles (PDF, DOC/DOCX, XLS/XLSX) downloaded and read so content and privacy rules
# see them (crawler/attachments.py): at most this many files per site, each at most this many bytes
# (and never more than DOWNLOAD_MAXSIZE); 0 files turns the download off
GONGKAI_MAX_ATTACHMENTS_PER_SITE = 200
GONGKAI_ATTACHMENT_MAXSIZE = 10_000_000
# site.tls: one TLS handshake per home host (crawler/tls.py) with Python's ssl module, verified
# against the system's trust store plus this CA file (PEM; empty: none); an http home is tried on
# GONGKAI_TLS_PORT
# hosts whose links are never probed (they and their sub-domains): national platforms every page
# links to (备案 systems), or, in the demo, real sites a hermetic run must not contact
GONGKAI_LINK_SKIP_HOSTS: list[str] = []
GONGKAI_TLS_CHECK = True
GONGKAI_TLS_CAFILE = ""
GONGKAI_TLS_PORT = 443
# worker processes that read articles (crawler/extraction.py: fields, text, links — about half of a
# crawl's CPU) beside the crawl's own process; 0 reads them in the crawl's process.  One is enough to
# keep a second core busy; more help only where the crawl process itself has cores to spare.
GONGKAI_EXTRACT_PROCESSES = 1
GONGKAI_EXTRACT_POOL_AFTER = 50   # articles read in the crawl's process before the workers start (a
                                  # small crawl — a test, one column — is over before a worker has imported)
GONGKAI_EXTRACT_TIMEOUT = 120.0   # seconds a worker may spend on one page before it is stopped, the page unread

FRIENDLY_NAMES = {
    "download_delay": "DOWNLOAD_DELAY",
    "concurrent_requests": "CONCURRENT_REQUESTS",
    "concurrent_requests_per_domain": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "download_timeout": "DOWNLOAD_TIMEOUT",
    "retry_times": "RETRY_TIMES",
    "user_agent": "USER_AGENT",
    "obey_robots": "ROBOTSTXT_OBEY",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
    "max_page_bytes": "DOWNLOAD_MAXSIZE",
    "max_pages_per_site": "GONGKAI_MAX_PAGES_PER_SITE",
    "max_list_pages": "GONGKAI_MAX_LIST_PAGES",
    "max_links_checked_per_site": "GONGKAI_MAX_LINKS_CHECKED_PER_SITE",
    "max_attachments_per_site": "GONGKAI_MAX_ATTACHMENTS_PER_SITE",
    "max_attachment_bytes": "GONGKAI_ATTACHMENT_MAXSIZE",
    "lookback_days": "GONGKAI_LOOKBACK_DAYS",
    "cloak_check": "GONGKAI_CLOAK_CHECK",
    "home_attempts": "GONGKAI_HOME_ATTEMPTS",
    "home_attempt_interval": "GONGKAI_HOME_ATTEMPT_INTERVAL",
    "http_cache": "HTTPCACHE_ENABLED",
    "http_cache_dir": "HTTPCACHE_DIR",
    "link_skip_hosts": "GONGKAI_LINK_SKIP_HOSTS",
    "tls_check": "GONGKAI_TLS_CHECK",
    "tls_cafile": "GONGKAI_TLS_CAFILE",
    "extract_processes": "GONGKAI_EXTRACT_PROCESSES",
}


def from_friendly(options: dict[str, Any]) -> dict[str, Any]:
    """Scrapy settings for the `crawl:` block of a targets file (None values are left out)."""
    return {FRIENDLY_NAMES[k]: v for k, v in options.items() if v is not None and k in FRIENDLY_NAMES}
