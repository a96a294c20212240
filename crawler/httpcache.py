"""Incremental re-audits: ask the portal whether a page changed, download it only if it did.

Scrapy's HTTP cache with RFC 2616 semantics, with one change: a cached page is never taken as
fresh on the cache's word (RFC 2616's heuristic would call a page last modified a year ago fresh
for weeks, and an audit would then not notice it was deleted).  Every page is asked for again
with ``If-None-Match`` / ``If-Modified-Since``; a 304 answer reuses the stored body, and the
server was still reached, so availability is judged on a real answer.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidatePolicy(RFC2616Policy):
    """Keep pages that can be revalidated; always revalidate them."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200 or b"no-store" in self._parse_cachecontrol(response):
            return False
        return b"Last-Modified" in response.headers or b"ETag" in response.headers

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False
