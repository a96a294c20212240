"""The HTTP cache's entries are whole or absent: a truncated entry is a miss, never a page."""

from __future__ import annotations

import errno
import gzip
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from gongkai.crawler.httpcache import AtomicCacheStorage

URL = "http://127.0.0.1:8001/art/2024/6/16/art_1234_5012.html"


def storage(tmp_path: Path, cls: type[AtomicCacheStorage] = AtomicCacheStorage) -> tuple[Any, Spider]:
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path / "cache"), "HTTPCACHE_GZIP": True})
    spider = Spider("portal")
    spider.crawler = crawler
    store = cls(crawler.settings)
    store.open_spider(spider)
    return store, spider


def page(body: str) -> HtmlResponse:
    return HtmlResponse(URL, body=body.encode(), encoding="utf-8", headers={"ETag": '"v1"'}, request=Request(URL))


def test_a_stored_entry_is_read_back(tmp_path: Path):
    store, spider = storage(tmp_path)
    store.store_response(spider, Request(URL), page("<p>正文</p>"))
    assert store.retrieve_response(spider, Request(URL)).body == "<p>正文</p>".encode()


def test_a_truncated_body_is_a_miss(tmp_path: Path):
    store, spider = storage(tmp_path)
    store.store_response(spider, Request(URL), page("<p>正文</p>" * 200))
    body_file = Path(store._get_request_path(spider, Request(URL))) / "response_body"
    body_file.write_bytes(gzip.compress(("<p>正文</p>" * 200).encode())[:40])
    assert store.retrieve_response(spider, Request(URL)) is None


def test_a_write_that_fails_midway_leaves_the_previous_entry(tmp_path: Path):
    class DiskFillsOnBody(AtomicCacheStorage):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            plain = self._open

            def failing(path: Any, mode: str, *rest: Any) -> Any:
                if "w" in mode and Path(path).name == "response_body" and self.full:
                    raise OSError(errno.ENOSPC, "No space left on device")
                return plain(path, mode, *rest)

            self.full = False
            self._open = failing

    store, spider = storage(tmp_path, DiskFillsOnBody)
    store.store_response(spider, Request(URL), page("<p>旧版</p>"))
    store.full = True
    store.store_response(spider, Request(URL), page("<p>新版</p>"))  # logged, not raised
    assert store.retrieve_response(spider, Request(URL)).body == "<p>旧版</p>".encode()
    entries = list((tmp_path / "cache").rglob("pickled_meta"))
    assert len(entries) == 1  # no half-written directory left behind
