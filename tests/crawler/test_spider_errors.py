"""A crash in one page's extraction is recorded as that site's error; the page itself is kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from scrapy.http import HtmlResponse, Request

from gongkai.crawler import extraction
from gongkai.crawler.items import CrawlErrorItem, FetchedPage
from gongkai.crawler.rows import page_item
from gongkai.crawler.spiders import portal
from gongkai.targets import Targets


async def _collect(outputs: AsyncIterator[object]) -> list[object]:
    return [item async for item in outputs]


def make_spider() -> portal.PortalSpider:
    targets = Targets.model_validate({"audit": {"name": "x", "period": "2024Q2", "as_of": "2024-08-05"},
                                      "sites": [{"id": "a", "name": "某局", "home": "http://127.0.0.1:8001/"}]})
    spider = portal.PortalSpider(targets=targets, audit_id=1)
    spider.sites = {"a": portal.SiteState(target=targets.sites[0], cutoff=date(2023, 1, 1))}
    return spider


def test_extraction_crash_is_an_error_item_and_the_page_survives(monkeypatch: pytest.MonkeyPatch):
    def explode(html: str, url: str, root: object = None) -> None:
        raise ValueError("unreadable metadata table")

    monkeypatch.setattr(extraction.article_extract, "extract_article", explode)
    request = Request("http://127.0.0.1:8001/a/t20240510_1.html",
                      meta={"site": "a", "role": "article", "column_type": "notices", "column_url": "http://127.0.0.1:8001/a/"})
    response = HtmlResponse(request.url, body="<html><title>通知</title><body>正文</body></html>".encode(),
                            encoding="utf-8", request=request, status=200)
    spider = make_spider()
    spider.extraction = extraction.ExtractionPool(0)   # in this process, where the patch is
    items = asyncio.run(_collect(spider.parse_article(response)))
    errors = [i for i in items if isinstance(i, CrawlErrorItem)]
    pages = [page_item(i, lambda url: True) for i in items if isinstance(i, FetchedPage)]
    assert errors and errors[0].stage == "extract" and "unreadable metadata table" in errors[0].message
    assert pages and pages[0].page["title"] == "通知" and pages[0].document is None


def test_an_item_the_pipeline_does_not_know_is_an_error(tmp_path):
    from gongkai.crawler.pipelines import StorePipeline

    pipeline = StorePipeline(str(tmp_path / "s.sqlite"), 1)
    pipeline.open_spider()
    try:
        with pytest.raises(TypeError, match="dict"):
            pipeline.process_item({"type": "page", "page": {}})
    finally:
        pipeline.store.close()


def test_a_page_no_worker_could_read_is_kept_unknown_with_its_error():
    class Failing(extraction.ExtractionPool):
        async def run(self, fn, *args, **kwargs):
            raise extraction.ExtractionFailed("页面解析超过 120 秒，已中止，未读取")

    request = Request("http://127.0.0.1:8001/a/t20240510_2.html",
                      meta={"site": "a", "role": "article", "column_type": "notices", "column_url": "http://127.0.0.1:8001/a/"})
    response = HtmlResponse(request.url, body="<html><title>通知</title><body>正文</body></html>".encode(),
                            encoding="utf-8", request=request, status=200)
    spider = make_spider()
    spider.extraction = Failing(1)
    items = asyncio.run(_collect(spider.parse_article(response)))
    errors = [i for i in items if isinstance(i, CrawlErrorItem)]
    pages = [page_item(i, lambda url: True) for i in items if isinstance(i, FetchedPage)]
    assert errors and errors[0].stage == "extract" and "120 秒" in errors[0].message
    assert pages[0].page["outcome"] == "unknown" and "未读取" in pages[0].page["reason"]
    assert pages[0].document is None and pages[0].page["text"] == ""      # not parsed in the crawl's process
    assert spider.sites["a"].failed and not spider.sites["a"].ok          # its column is not complete
