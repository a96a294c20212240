"""A live progress line per site while crawling, with rich — only on an interactive terminal.

A Scrapy extension (built with ``from_crawler``, enabled by ``GONGKAI_PROGRESS``): cron runs and
piped output stay silent, an evaluator at a terminal sees pages fetched and failures per site.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.exceptions import NotConfigured

from gongkai.crawler.items import PageItem


class CrawlProgress:
    """Counts pages and failures per site from the items the spider yields."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 TextColumn("{task.fields[pages]} 页 pages · {task.fields[failed]} 失败 failed"),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.tasks: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        console = Console(stderr=True)
        if not crawler.settings.getbool("GONGKAI_PROGRESS") or not (console.is_terminal and sys.stderr.isatty()):
            raise NotConfigured
        ext = cls(console)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item, signal=signals.item_scraped)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        for site in getattr(spider, "sites", {}):
            self.tasks[site] = self.progress.add_task(site, total=None, pages=0, failed=0)
        self.progress.start()

    def item(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if not isinstance(item, PageItem):
            return
        page = item.page
        task = self.tasks.get(page.get("site"))
        if task is None:
            return
        fields = self.progress.tasks[task].fields
        failed = fields["failed"] + (page.get("outcome") not in ("ok", None))
        self.progress.update(task, pages=fields["pages"] + 1, failed=failed)

    def closed(self, spider: Any = None, reason: str = "") -> None:
        self.progress.stop()
