"""Freshness at ``as_of``: stale columns, blank columns, a home page not updated.

Windows follow 国办秘函〔2019〕19号 (动态/要闻 2 weeks; 通知公告/政策文件 6 months; home page
2 weeks, a veto) and project choices for the other column types.  Items dated after ``as_of`` are
ignored; an item is undated only if neither the list nor its article page shows a date, and an
undated item counts as not updated (2015 普查评分表).  Year archives and closed 专题 are not
expected to be updated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from gongkai.checks.base import result, unless_unseen
from gongkai.checks.params import ColumnType, KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.services import links_platform
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import date_from_url, simplify
from gongkai.workdays import month_end

_WINDOW = re.compile(r"^\s*(\d+)\s*([dmy]?)\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
UNREADABLE = ("blocked", "js_only", "error", "broken", "pending")  # pending: list never fetched (budget)


def _window(spec: str) -> str:
    if not _WINDOW.match(spec):
        raise ValueError(f"not a window (e.g. 14d, 6m, 1y): {spec!r}")
    return spec.strip()


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# How long a column may go without news: 14d, 6m, 1y (a bare number is days).
Window = Annotated[str, BeforeValidator(_text), AfterValidator(_window)]


class StaleParams(KindParams):
    """``windows``: per column type, how recent its newest item must be (types absent are not
    judged); ``archive_words``: words in a column name marking an archive not expected to change."""

    windows: dict[ColumnType, Window] = {}
    archive_words: list[str] = []


class HomeParams(KindParams):
    """``window``: how recent the home page's newest item must be."""

    window: Window = "14d"


def window_start(as_of: date, spec: Any) -> date:
    """The oldest date still fresh for a window such as ``14d``, ``6m``, ``1y`` (or days)."""
    m = _WINDOW.match(str(spec))
    if not m:
        raise ValueError(f"not a window (e.g. 14d, 6m, 1y): {spec!r}")
    n, unit = int(m.group(1)), m.group(2) or "d"
    if unit == "d":
        return as_of - timedelta(days=n)
    months = n * (12 if unit == "y" else 1)
    index = as_of.year * 12 + as_of.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(as_of.day, month_end(year, month).day))


def window_label(spec: Any) -> str:
    """14d → 14天, 6m → 6个月, 1y → 1年 (for messages)."""
    m = _WINDOW.match(str(spec))
    if not m:
        return str(spec)
    return m.group(1) + {"d": "天", "": "天", "m": "个月", "y": "年"}[m.group(2)]


def _dated(view: AuditView, site: SiteInfo) -> dict[str, date]:
    """Article URL → publication day known from its page (documents); built once per site."""
    def build() -> dict[str, date]:
        out: dict[str, date] = {}
        for doc in view.documents(site.site):
            if doc.get("publish_date"):
                for url in (doc["url"], *(a.get("url") for a in doc.get("also_in", []))):
                    if url:
                        out[url] = doc["publish_date"]
        return out
    return view.memo(site.site, "freshness.dated", build)


def _items(view: AuditView, site: SiteInfo, list_urls: set[str]) -> list[dict[str, Any]]:
    """Items shown on the given list pages, plus documents filed under them, with their dates."""
    page_dates = _dated(view, site)
    items: dict[str, dict[str, Any]] = {}
    for it in view.list_items(site.site):
        if it["column_url"] in list_urls:
            day = it["date"] or page_dates.get(it["url"]) or date_from_url(it["url"])
            items[it["url"] or f"#{len(items)}"] = {"title": it["title"], "url": it["url"], "date": day}
    for doc in view.documents(site.site):
        homes = {doc.get("column_url"), *(a.get("column_url") for a in doc.get("also_in", []))}
        if homes & list_urls and doc["url"] not in items:
            items[doc["url"]] = {"title": doc.get("title"), "url": doc["url"],
                                 "date": doc.get("publish_date") or date_from_url(doc["url"])}
    return list(items.values())


def newest(items: Iterable[dict[str, Any]], as_of: date) -> dict[str, Any] | None:
    """The newest item dated on or before ``as_of``."""
    dated = [it for it in items if it["date"] and it["date"] <= as_of]
    return max(dated, key=lambda it: it["date"]) if dated else None


def _archive_reason(column: dict[str, Any], as_of: date, words: list[str]) -> str | None:
    name = simplify(column.get("name"))
    years = [int(y) for y in _YEAR.findall(name)]
    if years and max(years) < as_of.year:
        return f"往年归档或已结束专题（{column.get('name')}）"
    hit = next((w for w in words if w in name), None)
    return f"归档栏目（{hit}）" if hit else None


@register("column_freshness", StaleParams)
def run_stale(view: AuditView, site: SiteInfo, rule: Rule, params: StaleParams) -> Iterator[Result]:
    """Stale rests on the newest item *seen*: unless the column was read whole it is ``unknown``
    (the newest item may be on a list page that failed); a fresh item seen passes either way."""
    windows = params.windows
    for column in view.columns(site.site):
        url, ctype = column["url"], column["type"]
        ev: dict[str, Any] = {"column": column.get("name"), "column_type": ctype, "as_of": view.as_of}
        if ctype not in windows:
            yield result(site, rule, url, "not_applicable", f"栏目类型{ctype}无更新周期要求", **ev)
            continue
        cutoff = window_start(view.as_of, windows[ctype])
        ev.update(window=windows[ctype], window_text=window_label(windows[ctype]), cutoff=cutoff)
        archive = _archive_reason(column, view.as_of, params.archive_words)
        if archive:
            yield result(site, rule, url, "not_applicable", archive, **ev)
            continue
        if column.get("outcome") in UNREADABLE:
            yield result(site, rule, url, "unknown", f"栏目无法读取（{column.get('outcome')}）", **ev)
            continue
        items = _items(view, site, {url})
        top = newest(items, view.as_of)
        ev["items"] = len(items)
        coverage = view.coverage(site.site, ctype, url)
        if not items and not coverage.complete:   # an announced list that gave nothing: not seen empty
            yield result(site, rule, url, "unknown", coverage.reason(), coverage=coverage.evidence(), **ev)
        elif not items:
            yield result(site, rule, url, "not_applicable", "空白栏目（见 column.empty）", **ev)
        elif top is None and all(it["date"] for it in items):
            yield result(site, rule, url, "unknown", f"栏目信息均晚于评估基准日{view.as_of}", **ev)
        elif top is None:
            yield unless_unseen(result(site, rule, url, "fail", "栏目信息均未注明发布日期，视为不更新", **ev), coverage)
        else:
            ev.update(newest_date=top["date"], newest_title=top["title"], newest_url=top["url"])
            if top["date"] < cutoff:
                yield unless_unseen(result(site, rule, url, "fail", f"最新信息{top['date']}，早于{cutoff}", **ev),
                                    coverage)
            else:
                yield result(site, rule, url, "pass", f"最新信息{top['date']}", **ev)


class EmptyParams(KindParams):
    """Column types judged by their own rules, never as 空白栏目 (see service.* and interaction.*).

    A 办事服务 column is exempt only when it links to the province's 政务服务网 (an entry, not an
    empty column); one that shows nothing and links nowhere is a 空白栏目 like any other.
    """

    exempt_types: list[ColumnType] = []


@register("column_emptiness", EmptyParams)
def run_empty(view: AuditView, site: SiteInfo, rule: Rule, params: EmptyParams) -> Iterator[Result]:
    """Empty rests on nothing seen: unless the column was read whole it is ``unknown``."""
    for column in view.columns(site.site):
        url = column["url"]
        ev = {"column": column.get("name"), "column_type": column["type"], "outcome": column.get("outcome")}
        if column["type"] in params.exempt_types and (column["type"] != "services" or links_platform(view, site, url)):
            yield result(site, rule, url, "not_applicable", "该类栏目由专门规则判断（办事服务、互动交流）", **ev)
            continue
        if column.get("outcome") in UNREADABLE:
            yield result(site, rule, url, "unknown", f"栏目无法读取（{column.get('outcome')}）", **ev)
            continue
        items = _items(view, site, {url})
        if items:
            yield result(site, rule, url, "pass", f"栏目有{len(items)}条信息", items=len(items), **ev)
        else:
            coverage = view.coverage(site.site, column["type"], url)
            yield unless_unseen(result(site, rule, url, "fail", "栏目无任何信息（空白栏目）", items=0, **ev), coverage)


@register("homepage_freshness", HomeParams)
def run_home(view: AuditView, site: SiteInfo, rule: Rule, params: HomeParams) -> Iterator[Result]:
    home = view.home_page(site)
    window = params.window
    cutoff = window_start(view.as_of, window)
    ev: dict[str, Any] = {"as_of": view.as_of, "cutoff": cutoff, "window": window, "window_text": window_label(window)}
    if home is None or home.get("outcome") not in (None, "ok"):
        yield result(site, rule, site.home, "unknown", "首页未能抓取", **ev)
        return
    home_urls = {site.home, home["url"], home.get("final_url") or home["url"]}
    shown = _items(view, site, home_urls)
    page_dates = _dated(view, site)
    linked = [{"title": lk.get("text"), "url": lk["target"], "date": page_dates.get(lk["target"])}
              for lk in view.links(site.site) if lk["page_url"] in home_urls]
    top = newest(shown + linked, view.as_of)
    ev.update(home_items=len(shown), linked_articles=sum(1 for it in linked if it["date"]))
    if top is None:
        if shown and all(it["date"] for it in shown):
            yield result(site, rule, site.home, "unknown", f"首页信息均晚于评估基准日{view.as_of}", **ev)
        elif shown:
            yield result(site, rule, site.home, "fail", "首页信息均未注明发布日期，视为不更新", **ev)
        else:
            yield result(site, rule, site.home, "unknown", "首页未识别出任何信息条目", **ev)
        return
    ev.update(newest_date=top["date"], newest_title=top["title"], newest_url=top["url"])
    if top["date"] < cutoff:
        yield result(site, rule, site.home, "fail", f"首页最新信息{top['date']}，早于{cutoff}", **ev)
    else:
        yield result(site, rule, site.home, "pass", f"首页最新信息{top['date']}", **ev)
