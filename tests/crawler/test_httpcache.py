"""The HTTP cache's entries are whole or absent: a truncated entry is a miss, never a page."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
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


def test_a_truncated_entry_is_a_miss(tmp_path: Path):
    store, spider = storage(tmp_path)
    store.store_response(spider, Request(URL), page("<p>正文</p>" * 200))
    entry = store._entry_path(spider, Request(URL))
    entry.write_bytes(entry.read_bytes()[:60])
    assert store.retrieve_response(spider, Request(URL)) is None


def test_a_write_that_fails_midway_leaves_the_previous_entry(tmp_path: Path):
    class FullDisk:
        """A file whose write stores half its bytes and then finds the disk full."""

        def __init__(self, path: Path, mode: str) -> None:
            self.fh = open(path, mode)  # noqa: SIM115 - closed in __exit__

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> None:
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    store, spider = storage(tmp_path)
    store.store_response(spider, Request(URL), page("<p>旧版</p>"))
    store.opener = FullDisk
    store.store_response(spider, Request(URL), page("<p>新版</p>"))  # logged, not raised
    assert store.retrieve_response(spider, Request(URL)).body == "<p>旧版</p>".encode()
    assert [f.name for f in store._entry_path(spider, Request(URL)).parent.iterdir()] == [
        store._entry_path(spider, Request(URL)).name]  # nothing half-written left behind


@pytest.mark.parametrize("gzip", [True, False])
def test_entries_round_trip_with_and_without_compression(tmp_path: Path, gzip: bool):
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path / "cache"), "HTTPCACHE_GZIP": gzip})
    spider = Spider("portal")
    spider.crawler = crawler
    store = AtomicCacheStorage(crawler.settings)
    store.open_spider(spider)
    store.store_response(spider, Request(URL), page("<p>正文</p>"))
    got = store.retrieve_response(spider, Request(URL))
    assert got.body == "<p>正文</p>".encode() and got.headers[b"ETag"] == b'"v1"' and got.status == 200
