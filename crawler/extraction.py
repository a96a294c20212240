"""What a fetched page says, worked out off the crawl's event loop when the machine has cores to spare.

Reading an article (its fields, text, links, footer identity …) is pure CPU work over the HTML —
about half of what the crawl spends per page — while everything else a crawl does (Scrapy's
engine, the store, the HTTP cache) must stay in the one process that owns the reactor.  So the
pure part is one function, :func:`article_facts`, of plain inputs (the HTML and two URLs) to a
plain, picklable result, and :class:`ExtractionPool` runs it in ``GONGKAI_EXTRACT_PROCESSES``
worker processes (0: in the crawl's own process).  The result is the same either way: the same
functions in the same order over the same tree.

A worker that dies (killed, out of memory) costs time: its pages are tried again in a new pool.
A page that breaks a pool twice, or runs past ``GONGKAI_EXTRACT_TIMEOUT``, is recorded as unread
(an error of its site, the page ``unknown``, its column incomplete) — never read in the crawl's own
process, which it would take down or hang.  A crawl that dies takes its workers along.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lxml import etree

from gongkai import processes
from gongkai.crawler import dialects
from gongkai.crawler.extract import article as article_extract
from gongkai.crawler.extract import identity as identity_extract
from gongkai.crawler.extract import links as links_extract
from gongkai.crawler.extract import message as message_extract
from gongkai.crawler.extract import page as page_extract
from gongkai.crawler.extract.dom import text_lines
from gongkai.crawler.markup import parse_document
from gongkai.models import ArticleFields, LinkRef

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class PageFacts:
    """The page row's parsed part: title, visible text, meta tags, footer identity, links, refs."""

    title: str
    text: str
    meta: dict[str, str]
    identity: dict[str, Any]
    links: list[LinkRef] = field(default_factory=list)
    refs: list[dict[str, Any]] = field(default_factory=list)


def page_facts(root: etree._Element, url: str, kind: str, keep_links: bool) -> PageFacts:
    """Everything the page row reads from a parsed page (``url``: where it was answered from)."""
    lines = text_lines(root)
    facts = PageFacts(title=page_extract.page_title(root), text=page_extract.visible_text(root, lines),
                      meta=page_extract.meta_tags(root), identity=identity_extract.footer_identity(root, lines))
    if keep_links:
        facts.links = page_extract.page_links(root, url)
        facts.refs = links_extract.page_refs(root, url, kind)  # body citations, insecure loads
    return facts


@dataclass
class ArticleFacts:
    """An article page read once: its page facts, CMS dialect and, when it answered, its fields."""

    page: PageFacts
    dialect: str | None
    fields: ArticleFields | None = None
    error: str | None = None                      # extraction raised: "Type: message", recorded by the spider
    message: message_extract.Message | None = None


def article_facts(html: str, final_url: str, asked_url: str, *, extract: bool, messages: bool) -> ArticleFacts:
    """Parse ``html`` once and read it as the spider and the row pipeline need it.

    ``extract``: the page answered with content (its fields are wanted); ``messages``: it lies in a
    咨询建言 channel (a message page may show one message)."""
    root = parse_document(html)
    facts = ArticleFacts(page=PageFacts("", "", {}, {}), dialect=dialects.detect(html, final_url))
    if extract:
        try:
            facts.fields = article_extract.extract_article(html, final_url, root=root)
        except Exception as exc:  # noqa: BLE001 - a crash in one page's extraction is recorded, not fatal
            facts.error = f"{type(exc).__name__}: {exc}"
        if messages:
            facts.message = message_extract.extract_message(root, asked_url)
    facts.page = page_facts(root, final_url, "article", keep_links=True)
    return facts


class ExtractionFailed(Exception):
    """A page the workers could not read: it broke a worker twice, or ran past the time limit."""


class ExtractionPool:
    """Runs pure extraction functions in worker processes (or inline when there are none)."""

    def __init__(self, processes: int, timeout: float = 120.0, start_after: int = 0) -> None:
        self.processes = max(0, processes)
        self.timeout = timeout
        self.start_after = start_after   # pages read inline first: a small crawl never pays for a process
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> ExtractionPool:
        return cls(settings.getint("GONGKAI_EXTRACT_PROCESSES"), settings.getfloat("GONGKAI_EXTRACT_TIMEOUT"),
                   settings.getint("GONGKAI_EXTRACT_POOL_AFTER"))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a worker, or inline when the pool is off or cannot start.

        A page whose worker died is tried once more in a new pool (the death may have been another
        page's); one that breaks that pool too, or runs past ``timeout``, raises
        :class:`ExtractionFailed` — it is never read in the crawl's own process, which it would
        take down or hang in turn."""
        if not self.processes or self.start_after > 0:
            self.start_after = max(0, self.start_after - 1)
            return fn(*args, **kwargs)
        for _attempt in range(2):
            try:
                executor = self._pool()
                future = executor.submit(functools.partial(fn, *args, **kwargs))
            except BrokenProcessPool:
                self._discard(executor)
                continue
            except Exception as exc:  # noqa: BLE001 - no processes here (limits, no /dev/shm): read inline
                logger.warning("extraction workers cannot start (%s); articles are read in the crawl's process", exc)
                self.processes = 0
                return fn(*args, **kwargs)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except BrokenProcessPool:
                logger.warning("an extraction worker died; the pages it held are tried again in a new pool")
                self._discard(executor)
            except TimeoutError:
                self._discard(executor, kill=True)
                raise ExtractionFailed(f"页面解析超过 {self.timeout:.0f} 秒，已中止，未读取") from None
        raise ExtractionFailed("页面解析两次使解析进程异常退出（内存耗尽或解析库故障），未读取")

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn, not fork: the crawl runs threads (DNS, attachment readers) that fork would copy mid-lock
            self._executor = processes.pool(self.processes, multiprocessing.get_context("spawn"))
        return self._executor

    def _discard(self, executor: ProcessPoolExecutor, kill: bool = False) -> None:
        """Stop using a broken (or hung: ``kill``) pool; the next page starts a new one.  Only the
        pool that failed is dropped — another page may already have started its successor."""
        if self._executor is executor:
            self._executor = None
        if kill:
            processes.stop(executor)
        else:
            executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers (idle at the end of a crawl; pending work is cancelled on an abort)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
