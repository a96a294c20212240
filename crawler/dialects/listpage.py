"""What a dialect parser returns: the items of one list page and how to fetch the page after it.

Kept apart from the dialect modules so that each of them (and the spider) imports the same
definitions without a cycle through the package ``__init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.models import ListItem

MAX_ITEMS = 2000        # items kept from one page: a list page never honestly holds more
MAX_PAGES = 1000        # pager numbers above this are treated as this (hostile or broken pagers)
MAX_TITLE = 500         # characters kept of an item title


@dataclass
class PageRequest:
    """How to fetch one list page; the spider turns it into a Scrapy Request."""

    url: str
    method: str = "GET"
    formdata: dict[str, str] | None = None
    alternates: list[str] = field(default_factory=list)
    page_number: int | None = None


@dataclass
class ListPage:
    """One parsed list page.  ``next_page`` is only the page right after this one."""

    dialect: str
    items: list[ListItem]
    next_page: PageRequest | None
    total_pages: int | None = None
    total_records: int | None = None
    js_only: bool = False


MAX_RECORDS = 10_000_000  # cap on an announced record count


def bounded_int(digits: str | None, cap: int = MAX_PAGES) -> int | None:
    """A number written by a pager as an int, capped so 99999999 pages cannot drive a crawl."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) > len(str(cap)):
        return cap
    return min(int(digits), cap)


def has_next(next_index: int, total_pages: int | None) -> bool:
    """Whether a page with 0-based ``next_index`` may exist, given what the pager announced."""
    if next_index >= MAX_PAGES:
        return False
    return total_pages is None or next_index < total_pages
