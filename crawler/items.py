"""What the spider yields: one typed item per fact, each with one pipeline method.

The rows inside are the store's own rows (``gongkai/store.py`` names their columns); the item
types say what to do with them, so a new kind of fact cannot be silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass
class PageItem:
    """A fetched (or failed) page with what it links and lists, and its document: one transaction."""

    page: Row
    links: list[Row] = field(default_factory=list)
    list_items: list[Row] = field(default_factory=list)
    document: Row | None = None


@dataclass(frozen=True)
class ProbeItem:
    """A check of a URL: a crawled page as a link target, a home attempt, a link check, a 404 probe."""

    row: Row


@dataclass(frozen=True)
class ColumnItem:
    """A column found (configured or discovered) before its list is fetched."""

    row: Row


@dataclass(frozen=True)
class ColumnOutcomeItem:
    """How the first list page of every column at ``url`` answered."""

    site: str
    url: str
    outcome: str
    reason: str | None


@dataclass(frozen=True)
class DialectItem:
    """The CMS a site shows itself to be (TRS, Hanweb, generic)."""

    site: str
    dialect: str


@dataclass(frozen=True)
class OriginsItem:
    """Where a site turned out to live (its home redirected to another origin)."""

    site: str
    origins: list[str]


@dataclass(frozen=True)
class CrawlErrorItem:
    """A failure contained to one page (an extractor that crashed), recorded as the site's error."""

    site: str
    stage: str
    subject: str
    message: str


@dataclass(frozen=True)
class MessagesItem:
    """The messages (留言/来信) a page of a 咨询建言 channel shows: its list rows or its own message."""

    site: str
    page: Row          # column_url, page_url, page_fp, source (list | page)
    rows: list[Row]
