"""Lists of sites on no CMS we recognise: the main list by shape, pages by their 下一页 links.

The main list is the largest group of sibling rows with dates (see :mod:`.items`); the next page
is the 下一页 link, or failing one the next of the numbered page links (``list_2.shtml``,
``index_1.html``, ``?page=2``) the pager shows.
"""

from __future__ import annotations

from gongkai.crawler.markup import base_url, parse_document

from .items import page_items
from .jsrender import loads_list_by_script
from .listpage import ListPage, PageRequest, has_next
from .paging import Pager, read_pager


def parse(html: str, url: str, request: PageRequest | None = None) -> ListPage:
    tree = parse_document(html)
    base = base_url(tree, url)
    items = page_items(tree, base, url)
    pager = read_pager(tree, base, url)
    next_page = next_from_pager(pager, request)
    return ListPage(
        dialect="generic",
        items=items,
        next_page=next_page,
        total_pages=pager.total_pages,
        total_records=pager.total_records,
        js_only=not items and next_page is None and loads_list_by_script(tree),
    )


def next_from_pager(pager: Pager, request: PageRequest | None) -> PageRequest | None:
    """The next page's request, numbered one past this page and within the announced total."""
    current = _current_index(pager, request)
    if pager.next_url and has_next(current + 1, pager.total_pages):
        return PageRequest(url=pager.next_url, page_number=current + 1)
    return None


def _current_index(pager: Pager, request: PageRequest | None) -> int:
    if request is not None and request.page_number is not None:
        return request.page_number
    return pager.current_index or 0
