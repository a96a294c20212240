"""按月公开财政收支: is each month of the period's 财政收支/预算执行 release out by its deadline?

Notice 000 一（一）1 asks the finance department's site to publish 财政收支情况 monthly; no national
deadline was found (indicators.md §6), so the deadline is a project parameter: the end of the
following month.  A release covers the last month it names (cumulative 1-4月 → April; 一季度 →
March; 上半年 → June; 前三季度 → September; 全年 → December); the customary combined 1-2月
release covers January too, and January is then due with February.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field

from gongkai.checks.base import result, unless_unseen
from gongkai.checks.params import ColumnType, KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import cn_number, date_from_url, simplify
from gongkai.workdays import month_end

_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_RANGE = re.compile(_NUM + r"月?\s*[-—–~～至到]+\s*" + _NUM + r"月")
_SINGLE = re.compile(r"(?<![\d\-—–~～至到])" + _NUM + r"月份?(?!\d{1,2}日)")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_SPANS: tuple[tuple[str, int], ...] = (
    (r"前三季度|1-3季度|一至三季度", 9), (r"上半年", 6), (r"下半年|全年|1-12月", 12),
    (r"第?[一1]季度", 3), (r"第?[二2]季度", 6), (r"第?[三3]季度", 9), (r"第?[四4]季度", 12),
)


class FiscalParams(KindParams):
    """Where releases are listed, which titles are releases, and the deadline's lag in months."""

    columns: list[ColumnType] = ["fiscal_monthly"]
    title_words: list[str] = ["财政收支", "预算执行"]
    exclude_words: list[str] = ["固定资产投资"]
    lag_months: int = Field(1, ge=0, le=12)
    jan_feb_combined: bool = True


@dataclass(frozen=True)
class Release:
    title: str
    url: str
    date: date | None
    months: tuple[tuple[int, int], ...]


def _month(token: str) -> int | None:
    value = cn_number(token)
    return value if value and 1 <= value <= 12 else None


def months_named(title: str) -> tuple[int | None, int | None]:
    """(first month, last month) a release title covers; (None, None) if it names none."""
    t = re.sub(r"\s+", "", simplify(title))
    for pattern, month in _SPANS:
        if re.search(pattern, t):
            return (1, month)
    m = _RANGE.search(t)
    if m:
        a, b = _month(m.group(1)), _month(m.group(2))
        if a and b and a <= b:
            return (a, b)
    m = _SINGLE.search(t)
    if m and _month(m.group(1)):
        return (_month(m.group(1)), _month(m.group(1)))
    return (None, None)


def covered_months(title: str, published: date | None, params: FiscalParams) -> tuple[tuple[int, int], ...]:
    """(year, month) pairs a 财政收支/预算执行 release discloses; () for other titles."""
    t = re.sub(r"\s+", "", simplify(title))
    if not any(w in t for w in params.title_words):
        return ()
    if any(w in t for w in params.exclude_words):
        return ()
    first, last = months_named(t)
    if last is None:
        return ()
    year_match = _YEAR.search(t)
    if year_match:
        year = int(year_match.group(1))
    elif published:
        year = published.year if last < published.month else published.year - 1
    else:
        return ()
    months = [(year, last)]
    if (first, last) == (1, 2):
        months.append((year, 1))
    return tuple(months)


def due_date(year: int, month: int, params: FiscalParams) -> date:
    """Deadline of a month's figures: end of the month ``lag_months`` later (January with February)."""
    if month == 1 and params.jan_feb_combined:
        month = 2
    index = year * 12 + (month - 1) + params.lag_months
    return month_end(index // 12, index % 12 + 1)


def _releases(view: AuditView, site: SiteInfo, column_urls: set[str], types: set[str],
              params: FiscalParams) -> list[Release]:
    seen: dict[str, Release] = {}
    candidates = [(it["title"], it["url"], it["date"]) for it in view.list_items(site.site)
                  if it["column_url"] in column_urls]
    candidates += [(d.get("title"), d["url"], d.get("publish_date")) for d in view.documents(site.site)
                   if types & set(d["column_types"])]
    for title, url, day in candidates:
        day = day or date_from_url(url)
        months = covered_months(title or "", day, params)
        if months and (url not in seen or (day and not seen[url].date)):
            seen[url] = Release(title or "", url, day, months)
    return list(seen.values())


@register("fiscal_monthly", FiscalParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: FiscalParams) -> Iterator[Result]:
    """One result per month of the period.  A month found on time passes on what was seen; a
    month missing, or found only late (an earlier release may sit unseen), needs the columns
    read whole, else it is ``unknown`` with the coverage reason."""
    types = set(params.columns)
    columns = [c for c in view.columns(site.site) if c["type"] in types]
    if not columns:
        yield result(site, rule, site.home, "not_applicable", "站点无财政收支栏目")
        return
    subject = columns[0]["url"]
    releases = _releases(view, site, {c["url"] for c in columns}, types, params)
    readable = any(c.get("outcome") in (None, "ok") for c in columns)
    coverage = view.coverage(site.site, types)
    for year, month in view.period.months:
        label = f"{year}-{month:02d}"
        due = due_date(year, month, params)
        found = [r for r in releases if (year, month) in r.months]
        dated = sorted((r for r in found if r.date), key=lambda r: r.date or date.max)
        ev: dict[str, Any] = {"month": label, "deadline": due, "as_of": view.as_of,
                              "columns": [c["url"] for c in columns]}
        if dated:
            first = dated[0]
            ev.update(release=first.title, release_url=first.url, release_date=first.date)
            if first.date and first.date <= due:
                yield result(site, rule, subject, "pass", f"{label}数据于{first.date}公开", label, **ev)
            else:
                yield unless_unseen(result(site, rule, subject, "fail", f"{label}数据于{first.date}公开，晚于{due}",
                                           label, **ev), coverage)
        elif found:
            ev.update(release=found[0].title, release_url=found[0].url)
            yield result(site, rule, subject, "unknown", "找到该月数据但发布日期无法识别", label, **ev)
        elif view.as_of <= due:
            yield result(site, rule, subject, "not_applicable", f"{label}数据尚未到期（截止{due}）", label, **ev)
        elif not readable:
            yield result(site, rule, subject, "unknown", "财政收支栏目无法读取", label, **ev)
        else:
            yield unless_unseen(result(site, rule, subject, "fail", f"截至{view.as_of}未找到{label}财政收支数据",
                                       label, **ev), coverage)
