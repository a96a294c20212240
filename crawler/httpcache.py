"""Incremental re-audits: ask the portal whether a page changed, download it only if it did.

Scrapy's HTTP cache with RFC 2616 semantics, with one change: a cached page is never taken as
fresh on the cache's word (RFC 2616's heuristic would call a page last modified a year ago fresh
for weeks, and an audit would then not notice it was deleted).  Every page is asked for again
with ``If-None-Match`` / ``If-Modified-Since``; a 304 answer reuses the stored body, and the
server was still reached, so availability is judged on a real answer.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import uuid
import zlib
from pathlib import Path

from scrapy import Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.http import Request, Response
from scrapy.utils.response import response_from_dict
from w3lib.http import headers_dict_to_raw, headers_raw_to_dict

logger = logging.getLogger(__name__)


class RevalidatePolicy(RFC2616Policy):
    """Keep pages that can be revalidated; always revalidate them; take the kept copy only when the
    server says it is unchanged (304)."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200 or b"no-store" in self._parse_cachecontrol(response):
            return False
        return b"Last-Modified" in response.headers or b"ETag" in response.headers

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        """Only a 304 revalidates.  RFC 2616's policy also serves the kept copy for a 5xx answer: an
        audit would then grade last quarter's page as this quarter's and a failing server as up."""
        return response.status == 304


VALIDATORS = (b"ETag", b"Last-Modified")   # a 304 naming others has the entry written again (Scrapy's way)


class AuditCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's HTTP cache middleware without its error recovery: a download error (timeout,
    refused connection, DNS failure) is the page's answer, retried and recorded as such, never
    replaced by the copy kept from the last audit (which would read as a page that answered).

    A 304 that names the kept validators is answered with the kept entry as it is: Scrapy writes
    the entry again with the 304's headers merged in (its freshness, which this policy never
    uses), a compressed write and a rename per unchanged page — most of a re-audit's own work."""

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        request.meta.pop("cached_response", None)   # a retry looks it up again, with its validators
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        kept = request.meta.get("cached_response")
        if (kept is not None and response.status == 304 and not request.meta.get("dont_cache")
                and all(response.headers.get(h) in (None, kept.headers.get(h)) for h in VALIDATORS)):
            request.meta.pop("cached_response")
            self.stats.inc_value("httpcache/revalidate")
            return kept
        return super().process_response(request, response)


class AtomicCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem cache layout (one place per request fingerprint), one file per entry,
    written whole or not at all.

    Scrapy writes seven files per entry one by one into their final directory: a crawl stopped by
    a full disk left an entry with its validators (ETag) and a truncated body, and the next audit,
    answered 304, reused that truncated body as the page.  Opening seven gzip streams per page was
    also 14 % of a crawl's time (bench/RESULTS.md).  Here an entry is one file (metadata, headers
    and the body, compressed when ``HTTPCACHE_GZIP``), written beside its place and renamed into
    it (atomic); an entry that cannot be read is a miss, never a page.
    """

    opener = open  # how entry files are opened for writing (a test replaces it to fill the disk)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        path = self._entry_path(spider, request)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
        entry = {"url": request.url, "method": request.method, "status": response.status,
                 "response_url": response.url, "timestamp": time.time(),
                 "headers": headers_dict_to_raw(response.headers), "gzip": self.use_gzip,
                 "body": zlib.compress(response.body, 1) if self.use_gzip else response.body,
                 "data": {k: v for k, v in response.to_dict().items() if k not in {"url", "status", "headers", "body"}}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self.opener(temporary, "wb") as fh:
                fh.write(pickle.dumps(entry, protocol=4))
            os.replace(temporary, path)
        except OSError as exc:  # a cache that cannot be written costs a download next time, nothing more
            logger.warning("HTTP cache entry for %s not written: %s", request.url, exc)
            temporary.unlink(missing_ok=True)

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        path = self._entry_path(spider, request)
        try:
            if 0 < self.expiration_secs < time.time() - path.stat().st_mtime:
                return None  # expired
            entry = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache directory
            body = zlib.decompress(entry["body"]) if entry["gzip"] else entry["body"]
        except FileNotFoundError:
            return None
        except (OSError, EOFError, zlib.error, pickle.UnpicklingError, ValueError, KeyError, TypeError) as exc:
            logger.warning("HTTP cache entry for %s unreadable, fetched again: %s", request.url, exc)
            return None
        request.meta["cache_timestamp"] = entry["timestamp"]
        return response_from_dict({"url": entry["response_url"], "status": entry["status"],
                                   "headers": headers_raw_to_dict(entry["headers"]), "body": body, **entry["data"]})

    def _entry_path(self, spider: Spider, request: Request) -> Path:
        return Path(self._get_request_path(spider, request) + ".entry")
