"""The baseline: a bare Scrapy spider that follows every same-site link and parses nothing else.

It is what Scrapy costs on this machine with no extraction, no store and no list dialects: the
ceiling gongkai's pages/s is compared with.  It cannot page TRS (the pager is a script call) or
Hanweb (the rest of a list is a POST), so its coverage is low; its rate is the point.  Run in its
own process by ``bench/run.py``; prints one JSON line with what it fetched.

Usage: ``python bench/bare_spider.py HOME [HOME …] [--concurrency 32 --per-host 8 --delay 0]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

USER_AGENT = "bench-bare-spider"


class BareSpider(scrapy.Spider):
    """Follow every link to the same origin; keep nothing but a count."""

    name = "bare"

    def __init__(self, homes: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = homes
        self.origins = {urlsplit(h).netloc for h in homes}
        self.links = LinkExtractor()
        self.pages = 0

    def parse(self, response: Response, **kwargs: Any) -> Any:
        self.pages += 1
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            if urlsplit(link.url).netloc in self.origins:
                yield response.follow(link.url, callback=self.parse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("homes", nargs="+")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    process = CrawlerProcess({
        "USER_AGENT": USER_AGENT, "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": args.concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_host,
        "DOWNLOAD_DELAY": args.delay, "COOKIES_ENABLED": False, "RETRY_ENABLED": False,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
    })
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, homes=args.homes)
    started = time.perf_counter()
    process.start()
    json.dump({"pages": crawler.spider.pages if crawler.spider else 0,
               "seconds": round(time.perf_counter() - started, 2)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
