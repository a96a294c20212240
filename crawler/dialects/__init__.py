"""List-page parsing for the CMS dialects of Chinese government portals.

Pure functions over (decoded page text, URL): no Scrapy objects, no network.  The spider wraps
the :class:`PageRequest` they return into Scrapy requests and paginates one page at a time, so it
can stop as soon as items get older than its cutoff.

- :func:`detect` tells which CMS wrote a page ("trs", "hanweb" or "generic");
- :func:`parse_list` returns the page's items and the request for the page after it.
"""

from __future__ import annotations

from collections.abc import Callable

from . import generic, hanweb, trs
from .detection import detect
from .listpage import ListPage, PageRequest

__all__ = ["ListPage", "PageRequest", "detect", "parse_list", "DIALECTS"]

_PARSERS: dict[str, Callable[[str, str, PageRequest | None], ListPage]] = {
    "trs": trs.parse,
    "hanweb": hanweb.parse,
    "generic": generic.parse,
}
DIALECTS: tuple[str, ...] = tuple(_PARSERS)


def parse_list(html: str, url: str, request: PageRequest | None = None, dialect: str | None = None) -> ListPage:
    """The items of the list page ``html`` fetched from ``url`` and the request for the next page.

    ``request`` is how this page was fetched (a Hanweb dataproxy response needs its form to ask
    for the next records); ``dialect`` None means :func:`detect` decides.
    """
    if dialect is None:
        dialect = detect(html, url)
    if dialect not in _PARSERS:
        raise ValueError(f"unknown list dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    return _PARSERS[dialect](html or "", url, request)
