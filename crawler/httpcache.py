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
import shutil
import uuid
import zlib
from pathlib import Path

from scrapy import Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


class RevalidatePolicy(RFC2616Policy):
    """Keep pages that can be revalidated; always revalidate them."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200 or b"no-store" in self._parse_cachecontrol(response):
            return False
        return b"Last-Modified" in response.headers or b"ETag" in response.headers

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False


class AtomicCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem cache, with entries written whole or not at all.

    Scrapy writes an entry's files one by one into their final directory: a crawl stopped by a
    full disk leaves an entry with its validators (ETag) and a truncated body, and the next audit,
    answered 304, would reuse that truncated body as the page.  Here an entry is written into a
    temporary directory and renamed into place; an entry that cannot be read is a miss.
    """

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        final = Path(self._get_request_path(spider, request))
        temporary = final.with_name(f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
        self._writing = temporary
        try:
            super().store_response(spider, request, response)
            _replace_dir(temporary, final)
        except OSError as exc:  # a cache that cannot be written costs a download next time, nothing more
            logger.warning("HTTP cache entry for %s not written: %s", request.url, exc)
        finally:
            self._writing = None
            shutil.rmtree(temporary, ignore_errors=True)

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        try:
            return super().retrieve_response(spider, request)
        except (OSError, EOFError, zlib.error, pickle.UnpicklingError, ValueError) as exc:
            logger.warning("HTTP cache entry for %s unreadable, fetched again: %s", request.url, exc)
            return None

    def _get_request_path(self, spider: Spider, request: Request) -> str:
        writing = getattr(self, "_writing", None)
        return str(writing) if writing is not None else super()._get_request_path(spider, request)


def _replace_dir(new: Path, final: Path) -> None:
    """Put directory ``new`` at ``final``, replacing what was there (rename is atomic)."""
    if final.exists():
        old = final.with_name(f"{final.name}.old.{uuid.uuid4().hex[:8]}")
        final.rename(old)
        new.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(final)
