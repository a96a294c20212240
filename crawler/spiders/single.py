"""One page, fetched the way the audit crawl fetches it (for ``gongkai extract URL``).

Same Scrapy settings as the crawl — User-Agent, timeout, retries, size limit, redirects,
decoding, binary sniffing — so ``extract`` shows what the crawl would see, not what another HTTP
client sees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from gongkai.crawler import linkcheck


@dataclass
class Fetched:
    """What the one request got: decoded HTML and the final URL, or why there is none."""

    html: str | None = None
    url: str | None = None
    status: int | None = None
    problem: str | None = None


class SinglePageSpider(scrapy.Spider):
    name = "single"
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "HTTPCACHE_ENABLED": False}

    def __init__(self, url: str, result: Fetched, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url, self.result = url, result

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Response) -> None:
        self.result.url, self.result.status = response.url, response.status
        if not isinstance(response, TextResponse):  # BinarySniffMiddleware: not text, whatever it says
            content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
            self.result.problem = f"not an HTML page ({content_type or 'binary'})"
        elif response.status >= 400:
            self.result.problem = linkcheck.classify_status(response.status).reason
        else:
            self.result.html = response.text

    def failed(self, failure: Failure) -> None:
        self.result.problem = linkcheck.classify_failure(failure).reason
