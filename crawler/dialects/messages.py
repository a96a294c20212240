"""Rows of a message list (留言选登, 领导信箱): title, question date, reply date and state per row.

Two layouts cover the portals seen:

- a table whose header names its columns (标题 | 留言时间 | 回复时间 | 状态, in any order and
  wording of ``config/interaction.yaml``): each row below is read by column;
- rows without a header (``<li>`` runs, Hanweb ``<record>`` fragments, TRS lists): a row with a
  link and a date is a message; its first date is the question's, a second date the reply's, and a
  cell or span saying 已回复/未回复/办理中 its state — all read outside the title link, text piece
  by text piece.

Only list pages of a ``messages`` column are read this way (the spider asks); the rows complement
the message pages themselves, which carry the same facts when they are fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from gongkai.crawler.extract.dom import text_lines
from gongkai.crawler.extract.message import (
    MAX_STATUS,
    Message,
    field_of_label,
    judge,
    status_state,
    vocabulary,
)
from gongkai.crawler.markup import absolute_url, base_url, parse_document, parse_fragment
from gongkai.text import iter_dates, squash

from .hanweb import _main_datastore, _records
from .listpage import MAX_ITEMS, MAX_TITLE

MAX_CELLS = 12            # a message row has a handful of cells
MAX_ROW_TEXT = 1000       # characters of a row read for dates and state


def message_rows(html: str, url: str, dialect: str | None = None) -> list[Message]:
    """The messages a list page shows (at most :data:`MAX_ITEMS`)."""
    tree = parse_document(html)
    base = base_url(tree, url)
    rows = list(_header_tables(tree, base))
    if not rows and dialect == "hanweb":
        rows = _hanweb_rows(html, tree, base)
    if not rows:
        rows = list(_plain_rows(tree, base))
    return _unique(rows)[:MAX_ITEMS]


def _hanweb_rows(html: str, tree: etree._Element, base: str) -> list[Message]:
    """Hanweb records (column page datastore or dataproxy answer), read by the page's table header
    when it prints one (the header stays in the page, the rows come in the records)."""
    store = _main_datastore(html)
    records = store.records if store else _records(html)
    header = next((h for row in tree.iter("tr") if (h := _header(_cells(row)))), None)
    out: list[Message] = []
    for record in records:
        frag = parse_fragment(f"<table>{record}</table>" if "<tr" in record.lower() else record)
        cells = [c for row in frag.iter("tr") for c in [_cells(row)] if c]
        if header and cells:
            out.extend(m for c in cells if (m := _by_column(c, header, base)))
        else:
            out.extend(_plain_rows(frag, base))
    return out


def _unique(rows: Iterable[Message]) -> list[Message]:
    seen: dict[str, Message] = {}
    for row in rows:
        seen.setdefault(row.url or "", row)
    return list(seen.values())


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")][:MAX_CELLS]


def _cell_text(cell: etree._Element) -> str:
    return squash(" ".join(text_lines(cell)))[:MAX_ROW_TEXT]


def _header(cells: list[etree._Element]) -> dict[int, str] | None:
    """Column index → field when the cells are a message list header (a question date among them)."""
    fields = {i: f for i, c in enumerate(cells) if (f := field_of_label(_cell_text(c)))}
    if "asked" in fields.values() and len(fields) >= 2:
        return fields
    return None


def _header_tables(tree: etree._Element, base: str) -> Iterator[Message]:
    for table in tree.iter("table"):
        header: dict[int, str] | None = None
        for row in table.iter("tr"):
            cells = _cells(row)
            if header is None:
                header = _header(cells)
                continue
            msg = _by_column(cells, header, base)
            if msg:
                yield msg


def _title_link(el: etree._Element, base: str) -> tuple[etree._Element | None, str | None, str]:
    """(the first link with a URL, its absolute URL, its title)."""
    for a in el.iter("a"):
        url = absolute_url(a.get("href"), base)
        if url:
            return a, url, squash(a.get("title") or a.text_content())[:MAX_TITLE]
    return None, None, ""


def _link(el: etree._Element, base: str) -> tuple[str | None, str]:
    _, url, title = _title_link(el, base)
    return url, title

def _by_column(cells: list[etree._Element], header: dict[int, str], base: str) -> Message | None:
    values = {field: _cell_text(cells[i]) for i, field in header.items() if i < len(cells)}
    title_cell = next((cells[i] for i, f in header.items() if f == "title" and i < len(cells)), None)
    url, title = _link(title_cell if title_cell is not None else cells[0], base) if cells else (None, "")
    if not url:
        row = cells[0].getparent() if cells else None
        url, title = _link(row, base) if row is not None else (None, "")
    asked = next(iter_dates(values.get("asked")), None)
    if url is None or asked is None:
        return None
    return judge(Message(url=url, title=(title or values.get("title") or "")[:MAX_TITLE] or None, asked=asked,
                         replied=next(iter_dates(values.get("replied")), None),
                         status=(values.get("status") or "")[:MAX_STATUS] or None),
                 handled=next(iter_dates(values.get("handled")), None))


def _plain_rows(tree: etree._Element, base: str) -> Iterator[Message]:
    """Header-less rows: a link, a question date, maybe a reply date and a state word.

    Dates and the state are read outside the title link (a title may hold a date, a digit, or a
    word like 处理中 of 垃圾处理中转站), one text piece at a time (inline pieces are not glued:
    ``2024-06-01</span><span>2024-06-05``).
    """
    for row in tree.iter("li", "tr"):
        if row.find(".//li") is not None or row.find(".//tr") is not None:
            continue  # only innermost rows
        link, url, title = _title_link(row, base)
        if link is None or not url:
            continue
        pieces = _pieces(row, link)
        dates = list(iter_dates(" ".join(pieces)[:MAX_ROW_TEXT]))
        if not dates:
            continue
        yield judge(Message(url=url, title=title, asked=dates[0], replied=dates[1] if len(dates) > 1 else None,
                            status=_status(pieces)))


def _pieces(row: etree._Element, link: etree._Element) -> list[str]:
    """The row's text nodes outside the title link, each on its own."""
    out: list[str] = []
    for node in row.xpath(".//text()"):
        el = node.getparent()   # the element whose text (or tail) the node is
        if el is None:
            continue
        inside = link in el.iterancestors() or (el is link and not node.is_tail)
        if not inside and (text := squash(str(node))):
            out.append(text)
    return out


def _status(pieces: list[str]) -> str | None:
    """A state word: a piece that is exactly one (``已回复``, ``【办理中】``) first, else a short piece
    containing one."""
    words = {w for ws in vocabulary()["status"].values() for w in ws}
    short = [p for p in pieces if len(p) <= 12 and status_state(p)]
    exact = [p for p in short if p.strip("[]【】()（） ") in words]
    found = exact or short
    return found[0][:MAX_STATUS] if found else None
