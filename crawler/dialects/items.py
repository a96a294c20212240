"""Finding the list on a page: which links are its items, their titles and their dates.

Every CMS prints a list the same way in the end: sibling rows (``<li>``, ``<tr>``, ``<div>`` …),
each holding one link and a date.  So the main list is the largest group of sibling rows whose
links carry dates; navigation, footers and friend-links carry none.  A date printed without a
year (``[05-10]``) takes its year from the item URL, else from neighbouring items, else from a
year in the page heading, and otherwise stays unknown: never from "now".

Everything here is linear in the size of the page: each row's text is read once and bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from gongkai.crawler.markup import absolute_url
from gongkai.models import ListItem
from gongkai.text import date_from_url, iter_dates, parse_date, squash, year_from_url

from .listpage import MAX_ITEMS, MAX_TITLE

ROW_TAGS = frozenset({"li", "tr", "dd", "dt"})
NON_TEXT_TAGS = frozenset({"script", "style", "noscript", "select", "option", "textarea", "template"})
SEGMENT_STOPS = frozenset({"a", "br", "hr", "li", "tr", "p", "div", "table", "ul", "ol"})
MAX_ANCHORS = 50_000        # links looked at on one page
MAX_LINKS_PER_ROW = 3       # a title link plus e.g. a category link and an attachment link
MAX_ROW_TEXT = 2000         # characters of a row read when looking for its date
MAX_DATE_CHUNK = 30         # an element holding only a date: "[2024-05-10]", "2024年05月10日"
MAX_SHORT_CHUNK = 16        # a yearless date printed by itself: "[05-10]", "(5月10日)"
MIN_UNDATED_GROUP = 5       # an undated list must have at least this many links …
MIN_UNDATED_TITLE = 8.0     # … with titles this long on average (menus have short ones)
LEAP_YEAR = 2000            # placeholder year that lets 02-29 parse; never reported

_ELLIPSES = ("…", "...", "．．．", "。。。", "..", "⋯")
_PAGER_TITLE = re.compile(
    r"^(首页|上一页|下一页|上页|下页|尾页|末页|最后一页|第一页|更多|查看更多|more|next|prev|previous|"
    r"last|first|go|跳转|确定|\d{1,5}|[<>«»‹›]+|\[?\d{1,5}\]?)$",
    re.IGNORECASE,
)
_HEADING_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_STRIP_BRACKETS = " \t\r\n[]()（）【】<>〔〕"


@dataclass
class Candidate:
    """One link that may be a list item, with the dates printed next to it."""

    title: str
    url: str
    shown: date | None = None                  # a full date printed with the link
    month_day: tuple[int, int] | None = None   # a yearless date printed with the link

    @property
    def dated(self) -> bool:
        return bool(self.shown or self.month_day or date_from_url(self.url))


def page_items(tree: HtmlElement, base: str, page_url: str) -> list[ListItem]:
    """The items of the main list of a whole page."""
    groups: dict[tuple, list[Candidate]] = {}
    for key, cand in _candidates(tree, base, page_url):
        groups.setdefault(key, []).append(cand)
    chosen = _main_group(list(groups.values()), page_url)
    return resolve_dates(chosen, heading_year(tree))


def record_items(rows: Iterable[HtmlElement], base: str, context_year: int | None = None) -> list[ListItem]:
    """One item per row, for lists whose rows are already known (Hanweb records)."""
    cands: list[Candidate] = []
    for row in rows:
        anchors = [(a, url) for a in row.iter("a") if (url := absolute_url(a.get("href"), base))]
        cand = _row_candidate(row, anchors[:MAX_LINKS_PER_ROW * 4], prefer_art=True)
        if cand:
            cands.append(cand)
        if len(cands) >= MAX_ITEMS:
            break
    return resolve_dates(cands, context_year)


def heading_year(tree: HtmlElement) -> int | None:
    """A year named in the page title or a heading ("2023年政府信息公开年报"), as a last resort."""
    for tag in ("title", "h1", "h2", "h3"):
        for el in tree.iter(tag):
            m = _HEADING_YEAR.search(squash(el.text_content())[:300])
            if m:
                return int(m.group(1))
    return None


def resolve_dates(cands: Sequence[Candidate], context_year: int | None) -> list[ListItem]:
    """ListItems with every date made whole; deduplicated by URL and bounded."""
    cands = cands[: MAX_ITEMS * 2]
    known = [_first_pass_date(c) for c in cands]
    below = _nearest_below(known)
    above: date | None = None
    for i, cand in enumerate(cands):
        if known[i] is None and cand.month_day:
            known[i] = _year_from_neighbours(above, below[i], cand.month_day, context_year)
        above = known[i] or above
    items: list[ListItem] = []
    seen: set[str] = set()
    for cand, day in zip(cands, known, strict=True):
        if cand.url in seen:
            continue
        seen.add(cand.url)
        items.append(ListItem(title=cand.title, url=cand.url, date=day))
        if len(items) >= MAX_ITEMS:
            break
    return items


# --- candidates -----------------------------------------------------------------------------

def _candidates(tree: HtmlElement, base: str, page_url: str) -> Iterable[tuple[tuple, Candidate]]:
    anchors: list[tuple[HtmlElement, str]] = []
    for a in tree.iter("a"):
        url = absolute_url(a.get("href"), base)
        if url and url != page_url:
            anchors.append((a, url))
        if len(anchors) >= MAX_ANCHORS:
            break
    counts = _ancestor_counts(a for a, _ in anchors)
    rows: dict[HtmlElement, list[tuple[HtmlElement, str]]] = {}
    for a, url in anchors:
        row = _row_of(a, counts)
        if row is None:
            cand = _segment_candidate(a, url, counts)
            if cand:
                yield _group_key(a.getparent()), cand
        else:
            rows.setdefault(row, []).append((a, url))
    for row, row_anchors in rows.items():
        if len(row_anchors) > 1 and _dates_outside(row, row_anchors) > 1:
            for a, url in row_anchors:      # a run of dated links in one cell, not one item
                cand = _segment_candidate(a, url, counts)
                if cand:
                    yield _group_key(a.getparent()), cand
            continue
        cand = _row_candidate(row, row_anchors)
        if cand:
            yield _group_key(row), cand


def _dates_outside(row: HtmlElement, anchors: list[tuple[HtmlElement, str]]) -> int:
    text = " ".join(_texts(row, {a for a, _ in anchors}))
    return sum(1 for _ in islice(iter_dates(text), 2))


def _ancestor_counts(anchors: Iterable[HtmlElement]) -> dict[HtmlElement, int]:
    """How many links each element holds (looking 6 levels up from each link)."""
    counts: dict[HtmlElement, int] = {}
    for a in anchors:
        el, depth = a.getparent(), 0
        while el is not None and depth < 6:
            counts[el] = counts.get(el, 0) + 1
            el, depth = el.getparent(), depth + 1
    return counts


def _row_of(a: HtmlElement, counts: dict[HtmlElement, int]) -> HtmlElement | None:
    """The row element a link belongs to, or None when the link shares its parent with others.

    A row is the nearest <li>/<tr>/<dd> holding few links, else the highest element (at most 3
    levels up) that holds this link alone — the ``<div class="item">`` of div-based lists.
    """
    el, depth = a.getparent(), 0
    while el is not None and depth < 4:
        if el.tag in ROW_TAGS:
            if counts.get(el, 0) <= MAX_LINKS_PER_ROW:
                return el
            break
        el, depth = el.getparent(), depth + 1
    best, el, depth = None, a.getparent(), 0
    while el is not None and depth < 3 and counts.get(el, 0) == 1 and el.tag not in ("body", "html"):
        best, el, depth = el, el.getparent(), depth + 1
    return best


def _group_key(row: HtmlElement | None) -> tuple:
    """Rows are siblings when they share a container — or containers of one kind in one parent
    (a list split into several ``<ul class="list">`` blocks by separators)."""
    if row is None:
        return (None,)
    container = row.getparent()
    if container is None:
        return (row,)
    return (container.getparent(), container.tag, container.get("class") or "", row.tag)


def _row_candidate(row: HtmlElement, anchors: list[tuple[HtmlElement, str]],
                   prefer_art: bool = False) -> Candidate | None:
    """The row's main link (longest title) with the date printed outside its links."""
    best: Candidate | None = None
    best_rank: tuple = ()
    for a, url in anchors:
        title, shown, month_day = _title_and_inner_date(a)
        if not _is_item_title(title):
            continue
        rank = (prefer_art and "/art/" in url, len(title))
        if best is None or rank > best_rank:
            best, best_rank = Candidate(title, url, shown, month_day), rank
    if best is None:
        return None
    shown, month_day = date_in(_texts(row, {a for a, _ in anchors}))
    if shown or month_day:
        best.shown, best.month_day = shown, month_day
    return best


def _segment_candidate(a: HtmlElement, url: str, counts: dict[HtmlElement, int]) -> Candidate | None:
    """A link in a flat run of links (``<a>…</a> 2024-05-10<br><a>…``): its date is the text
    between it and the next link, else between the previous link and it."""
    title, shown, month_day = _title_and_inner_date(a)
    if not _is_item_title(title):
        return None
    after_shown, after_md = date_in(_segment(a, counts, forward=True))
    if after_shown or after_md:
        shown, month_day = after_shown, after_md
    elif not (shown or month_day):
        shown, month_day = date_in(_segment(a, counts, forward=False))
    return Candidate(title, url, shown, month_day)


def _segment(a: HtmlElement, counts: dict[HtmlElement, int], forward: bool) -> list[str]:
    pieces: list[str] = []
    if forward and a.tail:
        pieces.append(a.tail)
    sib = a.getnext() if forward else a.getprevious()
    steps = 0
    while sib is not None and steps < 8:
        if not forward and sib.tail:
            pieces.append(sib.tail)
        if not isinstance(sib.tag, str) or sib.tag in NON_TEXT_TAGS:
            pass
        elif sib.tag in SEGMENT_STOPS or counts.get(sib, 0):
            break
        else:
            pieces.append(sib.text_content()[:MAX_ROW_TEXT])
        if forward and sib.tail:
            pieces.append(sib.tail)
        sib = sib.getnext() if forward else sib.getprevious()
        steps += 1
    return pieces


def _title_and_inner_date(a: HtmlElement) -> tuple[str, date | None, tuple[int, int] | None]:
    """The link's title, and a date printed inside the link in an element of its own
    (``<a><span class="title">…</span><span class="date">2024-05-10</span></a>``)."""
    shown: date | None = None
    month_day: tuple[int, int] | None = None
    date_elements: set[HtmlElement] = set()
    for el in a.iterdescendants():
        if not isinstance(el.tag, str) or len(el) or not el.text:
            continue
        text = el.text.strip()
        if len(text) > MAX_DATE_CHUNK:
            continue
        el_shown, el_md = date_in([text])
        if el_shown or el_md:
            date_elements.add(el)
            shown, month_day = shown or el_shown, month_day or el_md
        if len(date_elements) > 3:
            break
    text = squash(" ".join(_texts(a, date_elements)))[: MAX_TITLE * 2]
    return _best_title(text, squash(a.get("title"))), shown, month_day


def _best_title(text: str, attr: str) -> str:
    """Link text, or the ``title`` attribute when the text is empty or cut short with an ellipsis."""
    if attr and (not text or text.endswith(_ELLIPSES) or (len(attr) > len(text) and text in attr)):
        text = attr
    return text[:MAX_TITLE]


def _is_item_title(title: str) -> bool:
    return len(title) >= 2 and not _PAGER_TITLE.match(title.strip(_STRIP_BRACKETS + "…."))


def _texts(root: HtmlElement, excluded_roots: set[HtmlElement]) -> list[str]:
    """Text pieces under ``root`` in document order, leaving out the subtrees of
    ``excluded_roots`` and non-text elements (scripts, comments); bounded."""
    excluded: set[HtmlElement] = set()
    for ex in excluded_roots:
        if ex is not root:
            excluded.update(ex.iter())
    pieces: list[str] = []
    total = 0
    for el in root.iter():
        if el not in excluded and isinstance(el.tag, str) and el.tag not in NON_TEXT_TAGS and el.text:
            pieces.append(el.text)
            total += len(el.text)
        if el is not root and el.tail and el.getparent() not in excluded:
            pieces.append(el.tail)
            total += len(el.tail)
        if total > MAX_ROW_TEXT:
            break
    return pieces


def date_in(pieces: Sequence[str]) -> tuple[date | None, tuple[int, int] | None]:
    """A full date in the text pieces, else the (month, day) of a piece that is a yearless date
    standing alone — short forms inside running text ("1.5万次") are not dates."""
    joined = " ".join(pieces)[:MAX_ROW_TEXT]
    full = parse_date(joined)
    if full:
        return full, None
    for piece in pieces:
        chunk = piece.strip(_STRIP_BRACKETS)
        if chunk and len(chunk) <= MAX_SHORT_CHUNK:
            day = parse_date(chunk, year_hint=LEAP_YEAR)
            if day:
                return None, (day.month, day.day)
    return None, None


# --- choosing the list and completing its dates ---------------------------------------------

def _main_group(groups: list[list[Candidate]], page_url: str) -> list[Candidate]:
    """The group with most dated links; failing any, a long run of long-titled links to
    documents of this site (friend-link blocks point at other sites' home pages)."""
    best: list[Candidate] = []
    best_score = (0, 0)
    for group in groups:
        score = (sum(1 for c in group if c.dated), len(group))
        if score[0] and score > best_score:
            best, best_score = group, score
    if best:
        return best
    host = urlsplit(page_url).netloc
    for group in groups:
        own = [c for c in group if _is_own_document(c.url, host)]
        avg = sum(len(c.title) for c in group) / len(group)
        if (len(own) >= MIN_UNDATED_GROUP and len(own) * 5 >= len(group) * 4 and avg >= MIN_UNDATED_TITLE
                and len(group) > len(best)):
            best = group
    return best


def _is_own_document(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.netloc == host and not parts.path.endswith("/") and parts.path not in ("", "/index.html")


def _first_pass_date(cand: Candidate) -> date | None:
    if cand.shown:
        return cand.shown
    if cand.month_day:
        year = year_from_url(cand.url)
        return _make_date(year, cand.month_day) if year else None
    return date_from_url(cand.url)


def _nearest_below(known: list[date | None]) -> list[date | None]:
    """For each position, the nearest date known further down the list."""
    out: list[date | None] = [None] * len(known)
    nearest: date | None = None
    for i in range(len(known) - 1, -1, -1):
        out[i] = nearest
        nearest = known[i] or nearest
    return out


def _year_from_neighbours(above: date | None, below: date | None, month_day: tuple[int, int],
                          context_year: int | None) -> date | None:
    """Lists run newest first: a yearless date takes the year of the item above it (one less if
    it reads later in the year), else of the item below it (one more if it reads earlier), else
    the year the page heading names."""
    if above:
        return _make_date(above.year - 1 if month_day > (above.month, above.day) else above.year, month_day)
    if below:
        return _make_date(below.year + 1 if month_day < (below.month, below.day) else below.year, month_day)
    return _make_date(context_year, month_day)


def _make_date(year: int | None, month_day: tuple[int, int]) -> date | None:
    if not year:
        return None
    try:
        return date(year, *month_day)
    except ValueError:
        return None
