import io
from types import SimpleNamespace

from rich.console import Console

from gongkai.crawler.items import PageItem, ProbeItem
from gongkai.crawler.progress import CrawlProgress


def test_counts_pages_and_failures_per_site():
    ext = CrawlProgress(Console(file=io.StringIO(), force_terminal=True))
    ext.opened(SimpleNamespace(sites={"a": None, "b": None}))
    for site, outcome in (("a", "ok"), ("a", "broken"), ("b", "ok"), ("zzz", "ok")):
        ext.item(PageItem({"site": site, "outcome": outcome}))
    ext.item(ProbeItem({"site": "a"}))
    ext.closed()
    fields = {site: ext.progress.tasks[task].fields for site, task in ext.tasks.items()}
    assert fields == {"a": {"pages": 2, "failed": 1}, "b": {"pages": 1, "failed": 0}}
