"""Pagination that a page shows in its markup: 下一页 links, 共N页 text, numbered page URLs.

Counts are read from the pager's own text (the element around its 下一页/尾页 links, or an
element whose class or id names a pager), never from the whole page: a title such as
"共10条措施" must not pass for a record count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from lxml.html import HtmlElement

from gongkai.crawler.markup import absolute_url
from gongkai.text import squash

from .listpage import MAX_PAGES, MAX_RECORDS, bounded_int

NEXT_WORDS = frozenset({"下一页", "下页", "下一頁", "后一页", "后页", "next", "nextpage", ">", "›", "»", ">>"})
LAST_WORDS = frozenset({"尾页", "末页", "最后一页", "最末页", "last", "lastpage"})
FIRST_WORDS = frozenset({"首页", "第一页", "first"})
PAGE_PARAMS = ("page", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "p", "pn", "pageid")
MAX_PAGER_TEXT = 1000
MAX_LINKS = 50_000

_STRIP = " \t\r\n[]()（）【】<>〔〕|·:："
_TOTAL_PAGES = re.compile(r"共\s*(\d{1,12})\s*页|/\s*(\d{1,12})\s*页|总页数\s*[:：]?\s*(\d{1,12})")
_TOTAL_RECORDS = re.compile(r"共\s*(\d{1,12})\s*(?:条|篇|项|个|份|件)|总(?:记录|条)数\s*[:：]?\s*(\d{1,12})")
_CURRENT = re.compile(r"第\s*(\d{1,12})\s*(?:/\s*\d{1,12}\s*)?页|当前\s*第?\s*(\d{1,12})\s*页|(\d{1,12})\s*/\s*\d{1,12}\s*页")
_PAGER_CLASS = re.compile(r"page|fenye|fy|pg", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?P<dir>.*/)(?P<stem>[\w-]+?)_(?P<n>\d{1,6})\.(?P<ext>s?html?|jsp|aspx?|php)$")
_PLAIN = re.compile(r"^(?P<dir>.*/)(?:(?P<stem>[\w-]+)\.(?P<ext>s?html?|jsp|aspx?|php))?$")


@dataclass
class Pager:
    """What the markup says about pagination.  ``current_index`` is 0-based when known."""

    next_url: str | None = None
    total_pages: int | None = None
    total_records: int | None = None
    current_index: int | None = None


def read_pager(tree: HtmlElement, base: str, page_url: str) -> Pager:
    """Next-page URL, totals and current page, from links and pager text."""
    words = [(a, _words(a)) for a in _short_anchors(tree)]
    pager_anchors = ([a for a, w in words if w & (NEXT_WORDS | LAST_WORDS)]
                     + [a for a, w in words if w & FIRST_WORDS])     # a nav bar has 首页 too
    pager_text = _pager_text(tree, pager_anchors)
    current = _first_int(_CURRENT, pager_text, MAX_PAGES)
    next_url = _next_link(words, base, page_url) or numbered_next(tree, base, page_url)
    return Pager(
        next_url=next_url if next_url != page_url else None,
        total_pages=_first_int(_TOTAL_PAGES, pager_text, MAX_PAGES),
        total_records=_first_int(_TOTAL_RECORDS, pager_text, MAX_RECORDS),
        current_index=current - 1 if current else None,
    )


def _short_anchors(tree: HtmlElement) -> list[HtmlElement]:
    out = []
    for i, a in enumerate(tree.iter("a")):
        if i >= MAX_LINKS:
            break
        if len(a.text_content()) <= 40:
            out.append(a)
    return out


def _words(a: HtmlElement) -> set[str]:
    """How a link names itself: its text, title attribute and image alt text, normalised."""
    words = {squash(a.text_content()).strip(_STRIP).lower(), squash(a.get("title")).strip(_STRIP).lower()}
    for img in a.iter("img"):
        words.add(squash(img.get("alt")).strip(_STRIP).lower())
        break
    words.discard("")
    return {w.replace(" ", "") for w in words}


def _next_link(words: list[tuple[HtmlElement, set[str]]], base: str, page_url: str) -> str | None:
    for a, w in words:
        named_next = bool(w & NEXT_WORDS) or (not w and "next" in (a.get("class") or "").lower())
        if named_next:
            url = absolute_url(a.get("href"), base)
            if url and url != page_url:
                return url
    return None


def _pager_text(tree: HtmlElement, pager_anchors: list[HtmlElement]) -> str:
    """Text of the element around the pager links (the first that states a count), else of
    elements named like a pager."""
    first_found = ""
    for a in pager_anchors[:6]:
        el = a.getparent()
        for _ in range(3):          # the nearest ancestor that states a count
            if el is None or el.tag in ("body", "html"):
                break
            text = el.text_content()
            if len(text) > MAX_PAGER_TEXT:
                break
            text = squash(text)
            if _TOTAL_PAGES.search(text) or _TOTAL_RECORDS.search(text) or _CURRENT.search(text):
                return text
            first_found = first_found or text
            el = el.getparent()
    if first_found:
        return first_found
    texts = []
    for el in tree.iter("div", "span", "td", "p", "ul", "nav"):
        name = (el.get("class") or "") + " " + (el.get("id") or "")
        if _PAGER_CLASS.search(name):
            text = el.text_content()
            if len(text) <= MAX_PAGER_TEXT:
                texts.append(text)
            if len(texts) >= 5:
                break
    return squash(" ".join(texts))


def _first_int(rx: re.Pattern[str], text: str, cap: int) -> int | None:
    m = rx.search(text)
    if not m:
        return None
    return bounded_int(next(g for g in m.groups() if g), cap)


def numbered_next(tree: HtmlElement, base: str, page_url: str) -> str | None:
    """The next page from links numbered like this page (``list_2.shtml``, ``?page=2``): the
    smallest number above this page's, so 0-based (index_1 after index) and 1-based (list_2
    after list) schemes both work."""
    here = urlsplit(page_url)
    suffixed: dict[int, str] = {}
    queried: dict[int, str] = {}
    for i, a in enumerate(tree.iter("a")):
        if i >= MAX_LINKS:
            break
        url = absolute_url(a.get("href"), base)
        there = urlsplit(url) if url else None
        if there is None or there.netloc != here.netloc:
            continue
        n = _same_series_number(here.path, there.path)
        if n is not None:
            suffixed.setdefault(n, url)
        elif there.path == here.path and (q := _page_param(there.query)) is not None:
            queried.setdefault(q, url)
    here_numbered = _NUMBERED.match(here.path)
    if suffixed:
        return _smallest_above(suffixed, int(here_numbered.group("n")) if here_numbered else 0)
    current = _page_param(here.query)
    if current is None:
        current = 0 if 0 in queried else 1
    return _smallest_above(queried, current)


def _smallest_above(numbers: dict[int, str], floor: int) -> str | None:
    above = [n for n in numbers if n > floor]
    return numbers[min(above)] if above else None


def _same_series_number(here_path: str, there_path: str) -> int | None:
    """N when ``there_path`` is page N of the series ``here_path`` belongs to."""
    there = _NUMBERED.match(there_path)
    if not there:
        return None
    here = _NUMBERED.match(here_path)
    if here:
        same = (there["dir"], there["stem"], there["ext"]) == (here["dir"], here["stem"], here["ext"])
    else:
        plain = _PLAIN.match(here_path)
        same = bool(plain) and there["dir"] == plain["dir"] and (
            (plain["stem"], plain["ext"]) == (there["stem"], there["ext"])
            # a directory URL: its series is index_N/list_N, never an article like t20240510_123
            or (plain["stem"] is None and not any(ch.isdigit() for ch in there["stem"])))
    return int(there["n"]) if same else None


def _page_param(query: str) -> int | None:
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.lower() in PAGE_PARAMS and value.isascii() and value.isdigit() and len(value) <= 6:
            return int(value)
    return None
