"""What the spider yields: one typed item per fact, each with one pipeline method.

The rows inside are the store's own rows (``gongkai/store.py`` names their columns); the item
types say what to do with them, so a new kind of fact cannot be silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Response

Row = dict[str, Any]


@dataclass
class FetchedPage:
    """A response the spider has routed, before its page row is built (``crawler/rows.py``).

    The spider decides what the page is (``kind``), how it answered (``outcome``: a routing fact it
    needed anyway) and what it listed or contained; the row pipeline measures and parses the rest.
    ``root`` is the page's parsed tree when the spider parsed it already, ``facts`` what the row
    needs of it when the spider had it read in an extraction worker (parsed once either way).
    """

    site: str
    kind: str
    response: Response
    html: str
    outcome: str
    reason: str
    root: Any = None
    facts: Any = None                                # its PageFacts, when read already (crawler/extraction.py)
    fields: Row = field(default_factory=dict)       # column_type, column_url, dialect, variant, reason …
    list_items: list[Row] = field(default_factory=list)
    document: Row | None = None
    keep_links: bool = True                          # a 404 probe's or a cloaked copy's links are not the site's
    as_link_probe: bool = True                       # the page is also a checked link target
    probes: list[Row] = field(default_factory=list)  # more probes of this answer (a home attempt), completed
                                                     # with the page's identity and answer
    extraction: tuple[str, bytes] | None = None      # an article's facts as kept for the next audit (crawler/reuse.py)


@dataclass
class PageItem:
    """A fetched (or failed) page with what it links and lists, its document, and its probes (the
    page as a checked link target): one transaction."""

    page: Row
    links: list[Row] = field(default_factory=list)
    list_items: list[Row] = field(default_factory=list)
    document: Row | None = None
    probes: list[Row] = field(default_factory=list)
    refs: list[Row] = field(default_factory=list)   # page_refs rows: body citations, insecure loads
    extraction: tuple[str, bytes] | None = None     # (key, facts) kept for the next audit (crawler/reuse.py)


@dataclass(frozen=True)
class ProbeItem:
    """A check of a URL: a crawled page as a link target, a home attempt, a link check, a 404 probe."""

    row: Row


@dataclass(frozen=True)
class TlsItem:
    """How the TLS handshake with a site's home host went (a ``tls_probes`` row)."""

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
class AttachmentItem:
    """A file linked from an article: downloaded and read (or why not), a row of ``attachments``."""

    row: Row


@dataclass(frozen=True)
class MessagesItem:
    """The messages (留言/来信) a page of a 咨询建言 channel shows: its list rows or its own message."""

    site: str
    page: Row          # column_url, page_url, page_fp, source (list | page)
    rows: list[Row]
