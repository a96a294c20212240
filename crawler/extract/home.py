"""Dated items on a home page.

A home page is not one list but many blocks (要闻, 通知公告, 政策文件 …).  Every link whose own row
(its parent ``li``/``tr``/``dd``/``p``/``div``) prints a date is an item; ``[05-10]`` gets its year
from the link's URL or, failing that, from the latest full year printed on the page.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

from gongkai.crawler.markup import parse_document
from gongkai.models import ListItem
from gongkai.text import date_from_url, iter_dates, parse_date, squash, year_from_url

MAX_ITEMS = 2000
ROW_TAGS = {"li", "tr", "dd", "p", "div", "td", "span"}

def _page_year(text: str) -> int | None:
    years = [d.year for d in iter_dates(text)]
    return max(years) if years else None


def home_items(html: str, url: str) -> list[ListItem]:
    """Links of the home page whose row shows a date (bounded, deduplicated by URL)."""
    root = parse_document(html)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    page_year = _page_year(root.text_content()[:300_000])
    items: dict[str, ListItem] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        target = urldefrag(urljoin(url, href))[0]
        row = anchor.getparent()
        while row is not None and row.tag not in ROW_TAGS:
            row = row.getparent()
        if row is None or len(row.xpath(".//a")) > 3:
            continue
        text = squash(row.text_content())[:400]
        hint = year_from_url(target) or page_year
        day = parse_date(text, year_hint=hint) or date_from_url(target)
        if day and target not in items:
            title = squash(anchor.get("title") or anchor.text_content())[:500]
            items[target] = ListItem(title=title, url=target, date=day)
            if len(items) >= MAX_ITEMS:
                break
    return list(items.values())
