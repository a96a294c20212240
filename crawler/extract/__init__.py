"""Extraction of fields from article, 信息公开 and list pages: pure functions over (html, url).

:func:`extract_page` is what ``gongkai extract PATH_OR_URL`` prints: the article fields of the
page and, for a list page, its items.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .article import extract_article
from .content import content_block, marked_block
from .dom import parse, text_of
from .page import anchor_text

__all__ = ["extract_article", "extract_page", "is_list_page"]

MIN_LIST_ITEMS = 6        # dated item links a list page shows at least ("more than ~5")
MIN_ARTICLE_TEXT = 300    # non-link characters of a body that make a page an article
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html",
                         "/default.htm", "/index.php"})
FIELD_KEYS = ("title", "publish_date", "written_date", "doc_number", "index_number", "publisher", "validity",
              "disclosure_label")


def _article_text(html: str) -> int:
    """Characters of body text that are not link text: an article has many, a list page few.

    A body container marked by the CMS (TRS_Editor, #zoom …) makes the page an article outright.
    """
    root = parse(html)
    if marked_block(root) is not None:
        return MIN_ARTICLE_TEXT
    block = content_block(root)
    if block is None:
        return 0
    links = sum(len(anchor_text(a)) for a in block.iter("a"))
    return max(0, len(text_of(block)) - links)


def is_list_page(html: str, url: str, dated_items: int, paged: bool = False) -> bool:
    """A page whose main content is a list: enough dated items (any, when a pager shows it is one
    page of a list), no article body, not a home page."""
    if dated_items < (1 if paged else MIN_LIST_ITEMS) or urlsplit(url).path.lower() in _HOME_PATHS:
        return False
    return _article_text(html) < MIN_ARTICLE_TEXT


def _items(html: str, url: str) -> list[dict[str, Any]]:
    from gongkai.crawler.dialects import parse_list  # lazy: the dialects are a sibling package

    listing = parse_list(html, url)
    items = listing.items
    paged = listing.next_page is not None or (listing.total_pages or 0) > 1
    if not is_list_page(html, url, sum(1 for item in items if item.date), paged):
        return []
    return [{"title": item.title, "url": item.url, "date": item.date.isoformat() if item.date else None}
            for item in items]


def extract_page(html: str, url: str) -> dict[str, Any]:
    """One JSON-able dict: the article fields (dates as YYYY-MM-DD, absent → None) and list items."""
    fields = extract_article(html, url).to_json()
    out: dict[str, Any] = {key: fields[key] for key in FIELD_KEYS}
    out["items"] = _items(html, url)
    return out
