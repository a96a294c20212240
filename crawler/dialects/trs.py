"""TRS WCM lists: ``index.html``, then ``index_1.html``, ``index_2.html`` … in the same folder.

TRS writes no page links into the HTML; a script call draws them, and its arguments are the
only trustworthy page count:

- ``createPageHTML(pageCount, currentIndex0, "index", "html")`` — the classic call; the first
  argument counts *pages*, not items, and the index is 0-based (page k > 0 is ``index_k.html``);
- ``createPageHTML('page_div', pageCount, current1, 'list', 'shtml', totalRecords)`` — newer
  templates (gov.cn style); the current page is 1-based and page p > 1 is ``list_p.shtml``;
- ``var countPage = N`` / ``var currentPage = K`` (0-based) with a hand-written pager.

Pages often also carry the function's own *definition* and an article pager
(``createPageHTML(1,0,"t20190918_693227","shtml")``); definitions are skipped, and a call whose
page name matches this page's file wins over others.  Arguments may be variables
(``createPageHTML(countPage, currentPage, …)``), resolved from ``var`` assignments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from gongkai.crawler.markup import base_url, parse_document

from .generic import next_from_pager
from .items import page_items
from .jsrender import loads_list_by_script
from .listpage import MAX_PAGES, MAX_RECORDS, ListPage, PageRequest, bounded_int, has_next
from .paging import read_pager

MAX_CALLS = 10          # pager calls examined on one page
MAX_ARGS_TEXT = 400     # characters of an argument list
_CALL = re.compile(r"createPageHTML\s*\(")
_DEFINITION_BEFORE = re.compile(r"function\s*$")
_STRING = re.compile(r"""^\s*(["'])(.{0,200}?)\1\s*$""")
_NUMBER = re.compile(r"^\s*(\d{1,15})\s*$")
_IDENT = re.compile(r"^\s*([A-Za-z_$][\w$]{0,60})\s*$")
_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*(\d{1,15})")
_CURRENT_PAGE = re.compile(r"\bvar\s+currentPage\s*=\s*(\d{1,15})")
_SCRIPT_NAME = re.compile(r"""["']([A-Za-z][\w-]{0,40}?)(?:_["']|["']\s*\+\s*["']_["'])""")
_SCRIPT_EXT = re.compile(r"""["']\.?(s?html?)["']""")
_ASSIGNED = r"""\s*=\s*(\d{1,15}|"[^"]{0,200}"|'[^']{0,200}')"""
_FILE = re.compile(r"/(?P<stem>[\w-]+?)(?:_(?P<n>\d{1,6}))?\.(?P<ext>s?html?)$")


@dataclass
class TrsPager:
    """A TRS pager call: page count, this page's 0-based index and the file naming."""

    count: int
    current: int
    name: str
    ext: str
    first_suffix: int = 1          # the suffix of the second page: index_1 (classic) or list_2 (newer)
    total_records: int | None = None

    def url_of(self, index: int, page_url: str) -> str:
        """The URL of the page with 0-based ``index``, in this page's folder."""
        if index == 0:
            return urljoin(page_url, f"{self.name}.{self.ext}")
        return urljoin(page_url, f"{self.name}_{index - 1 + self.first_suffix}.{self.ext}")


def parse(html: str, url: str, request: PageRequest | None = None) -> ListPage:
    tree = parse_document(html)
    base = base_url(tree, url)
    items = page_items(tree, base, url)
    pager = read_pager(tree, base, url)
    trs = pager_of(html, url, request.page_number if request else None)
    if trs is None:
        next_page = next_from_pager(pager, request)
        total_pages, total_records = pager.total_pages, pager.total_records
    else:
        following = trs.current + 1
        next_page = None
        if has_next(following, trs.count):
            next_page = PageRequest(url=trs.url_of(following, url), page_number=following)
        total_pages, total_records = trs.count, trs.total_records or pager.total_records
    return ListPage(
        dialect="trs",
        items=items,
        next_page=next_page,
        total_pages=total_pages,
        total_records=total_records,
        js_only=not items and next_page is None and loads_list_by_script(tree),
    )


def pager_of(html: str, url: str, page_number: int | None = None) -> TrsPager | None:
    """The list pager this page announces, from a createPageHTML call or countPage variables.

    ``page_number`` is the 0-based index of this page in its list when the crawl knows it (the
    page it followed to get here), which tells the numbering of a 6-argument call apart.
    """
    stem, ext, _ = _file_of(url)
    calls = list(_calls(html, url, page_number))
    for call in calls:
        if call.name == stem:
            return call
    if calls:
        return calls[0]
    return _count_page(html, url)


def _calls(html: str, url: str, page_number: int | None = None):
    variables: dict[str, int | str | None] = {}
    for n, m in enumerate(_CALL.finditer(html)):
        if n >= MAX_CALLS:
            break
        if _DEFINITION_BEFORE.search(html[max(0, m.start() - 20):m.start()]):
            continue
        end = html.find(")", m.end(), m.end() + MAX_ARGS_TEXT)
        if end < 0:
            continue
        args = [_value(arg, html, variables) for arg in html[m.end():end].split(",")]
        call = _interpret(args, url, page_number)
        if call is not None:
            yield call


def _value(arg: str, html: str, variables: dict[str, int | str | None]) -> int | str | None:
    """A literal argument, or a variable's value from its ``var x = …`` assignment."""
    if m := _NUMBER.match(arg):
        return bounded_int(m.group(1), MAX_RECORDS)
    if m := _STRING.match(arg):
        return m.group(2)
    if m := _IDENT.match(arg):
        name = m.group(1)
        if name not in variables:
            assigned = re.search(r"\bvar\s+" + re.escape(name) + _ASSIGNED, html)
            variables[name] = _value(assigned.group(1), "", variables) if assigned else None
        return variables[name]
    return None


def _interpret(args: list[int | str | None], url: str, page_number: int | None = None) -> TrsPager | None:
    stem, ext, suffix = _file_of(url)
    if len(args) >= 5 and isinstance(args[0], str):       # ('page_div', count, current, name, ext[, total])
        count, current, name, page_ext = args[1:5]
        total = args[5] if len(args) > 5 else None
        if isinstance(count, int) and isinstance(current, int):
            base = _numbering_base(current, suffix, page_number)
            return TrsPager(min(count, MAX_PAGES), max(current - base, 0), _name(name, stem), _name(page_ext, ext),
                            first_suffix=2 if base else 1, total_records=total if isinstance(total, int) else None)
        return None
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], int):   # (count, current0, name, ext)
        name = args[2] if len(args) > 2 else None
        page_ext = args[3] if len(args) > 3 else None
        return TrsPager(min(args[0], MAX_PAGES), args[1], _name(name, stem), _name(page_ext, ext))
    return None


def _numbering_base(current: int, suffix: int, page_number: int | None) -> int:
    """Whether a 6-argument call counts pages from 1 (list, list_2, …) or from 0 (index, index_1, …).

    Both exist on real portals.  The first page (no file suffix) says it: current 1 or 0.  A later
    page says it when the crawl knows its index; otherwise the 1-based form, the commoner one.
    """
    if suffix == 0 and current in (0, 1):
        return current
    if page_number is not None and current - page_number in (0, 1):
        return current - page_number
    return 1


def _name(value: int | str | None, default: str) -> str:
    """A file name part from the page (``index``, ``shtml``), kept only if it is a plain word."""
    if isinstance(value, str) and re.fullmatch(r"[\w-]{1,60}", value):
        return value
    return default


def _count_page(html: str, url: str) -> TrsPager | None:
    """The hand-written pager: ``var currentPage = 0; var countPage = 2``; file naming from the
    strings its script concatenates (``"index"+"_"`` … ``"."+"html"``), else from the URL."""
    m = _COUNT_PAGE.search(html)
    if not m:
        return None
    count = bounded_int(m.group(1), MAX_PAGES) or 0
    stem, ext, suffix = _file_of(url)
    window_start = max(0, m.start() - 1500)
    window = html[window_start:m.end() + 4000]
    current_m = _CURRENT_PAGE.search(window)
    current = bounded_int(current_m.group(1), MAX_PAGES) if current_m else suffix
    name_m = _SCRIPT_NAME.search(window, m.start() - window_start)
    ext_m = _SCRIPT_EXT.search(window, m.start() - window_start)
    return TrsPager(count, current or 0, name_m.group(1) if name_m else stem, ext_m.group(1) if ext_m else ext)


def _file_of(url: str) -> tuple[str, str, int]:
    """(stem, extension, page suffix) of a list URL; a folder URL is ``index.html``, page 0."""
    m = _FILE.search(urlsplit(url).path)
    if not m:
        return "index", "html", 0
    return m.group("stem"), m.group("ext"), int(m.group("n") or 0)
