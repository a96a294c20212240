"""Read one page for `gongkai extract`: a local file, or a single URL fetched by Scrapy.

A URL goes through the crawl's own stack (``crawler/spiders/single.py``: same settings, User-Agent,
limits and decoding), so ``extract`` sees a site as the audit does.  A file is decoded through
w3lib (Scrapy's own): BOM, ``<meta charset>``, then sniffing — so GBK declared as gb2312 reads
correctly (gb2312 is decoded as its superset gb18030).
"""

from __future__ import annotations

from pathlib import Path

from w3lib.encoding import html_to_unicode

MAX_BYTES = 10_000_000  # of a local file (a URL is bounded by the crawl's DOWNLOAD_MAXSIZE)


class FetchError(Exception):
    """The page cannot be read; the message names the file or URL."""


def decode(body: bytes, content_type: str | None = None) -> str:
    _, text = html_to_unicode(content_type, body)
    return text


def read_page(location: str) -> tuple[str, str]:
    """(decoded HTML, URL to resolve links against) for a file path or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        return _fetch(location)
    path = Path(location)
    try:
        body = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise FetchError(f"{location}: cannot read: {exc.strerror or exc}") from None
    if len(body) > MAX_BYTES:
        raise FetchError(f"{location}: larger than {MAX_BYTES} bytes")
    return decode(body), path.resolve().as_uri()


def _fetch(url: str) -> tuple[str, str]:
    """One request through Scrapy with the crawl's settings (a process runs one reactor: the CLI
    calls this once)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from gongkai.crawler import settings as crawler_settings
    from gongkai.crawler.spiders.single import Fetched, SinglePageSpider

    settings = Settings()
    settings.setmodule(crawler_settings, priority="project")
    settings.set("LOG_LEVEL", "CRITICAL", priority="cmdline")
    result = Fetched()
    process = CrawlerProcess(settings)
    process.crawl(SinglePageSpider, url=url, result=result)
    process.start()
    if result.html is None:
        raise FetchError(f"{url}: cannot fetch: {result.problem or 'no answer'}")
    return result.html, result.url or url
