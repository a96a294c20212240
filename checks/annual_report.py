"""政府信息公开工作年度报告: the body's own report on the previous year, published by its deadline.

条例 第四十九条: departments publish by 31 January, governments (their 主管部门) by 31 March; a
township's deadline is a parameter.  The report judged covers the year before the period's year
(result period = that year).  Reports of other bodies (a portal's 年报 column lists its
departments' reports) and 转发 do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import field_validator

from gongkai.checks.base import MAX_SAMPLES, result, unless_unseen
from gongkai.checks.params import ColumnType, KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.scope import same_body
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import cn_number, date_from_url, simplify

_YEAR = re.compile(r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年")
UNREADABLE = ("blocked", "js_only", "error", "broken")


class ReportParams(KindParams):
    """``columns``: where reports are listed; ``deadline``: MM-DD of the year after the one covered."""

    columns: list[ColumnType] = ["annual_reports"]
    deadline: str = "03-31"

    @field_validator("deadline")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            date.fromisoformat(f"2024-{value}")   # a leap year: 02-29 is a day
        except ValueError:
            raise ValueError(f"not a MM-DD day: {value!r}") from None
        return value


@dataclass(frozen=True)
class Report:
    title: str
    url: str
    date: date | None
    own: bool
    body: str


def report_year(title: str) -> tuple[int, str] | None:
    """(year covered, body named in it) for a 政府信息公开工作年度报告 title, else None."""
    t = re.sub(r"\s+", "", simplify(title))
    if "转发" in t or not re.search(r"年度报告|年报", t) or not re.search(r"信息公开|政务公开", t):
        return None
    m = _YEAR.search(t)
    if not m:
        return None
    year = cn_number(m.group(1))
    if not year:
        return None
    body = t[:m.start()].removesuffix("的")
    if not body:   # 2023年度大连市财政局政府信息公开工作年度报告: the body follows the year
        after = re.match(r"^度?(.*?)(?:政府信息公开|政务公开|信息公开)", t[m.end():])
        body = after.group(1) if after else ""
    return year, body


def _reports(view: AuditView, site: SiteInfo, year: int) -> list[Report]:
    found: dict[str, Report] = {}
    candidates = [(d.get("title"), d["url"], d.get("publish_date"), d.get("publisher"))
                  for d in view.documents(site.site)]
    candidates += [(it["title"], it["url"], it["date"], None) for it in view.list_items(site.site)]
    for title, url, day, publisher in candidates:
        parsed = report_year(title or "")
        if not parsed or parsed[0] != year:
            continue
        body = parsed[1] or (publisher or "")
        own = not body or same_body(body, site.name)
        day = day or date_from_url(url)
        if url not in found or (day and not found[url].date):
            found[url] = Report(title or "", url, day, own, body)
    return list(found.values())


def _context(view: AuditView, site: SiteInfo, params: ReportParams) -> dict[str, Any]:
    year = view.period.start.year - 1
    month, day = (int(x) for x in params.deadline.split("-"))
    columns = [c for c in view.columns(site.site) if c["type"] in params.columns]
    reports = _reports(view, site, year)
    own = sorted((r for r in reports if r.own), key=lambda r: (r.date is None, r.date or date.max))
    return {"year": year, "deadline": date(year + 1, month, day), "columns": columns, "own": own,
            "others": [{"title": r.title, "url": r.url} for r in reports if not r.own][:MAX_SAMPLES],
            "subject": columns[0]["url"] if columns else site.home,
            "coverage": view.coverage(site.site, params.columns)}


def _evidence(ctx: dict[str, Any], report: Report | None) -> dict[str, Any]:
    ev = {"year": ctx["year"], "deadline": ctx["deadline"], "others": ctx["others"],
          "columns": [c["url"] for c in ctx["columns"]]}
    if report:
        ev.update(report=report.title, report_url=report.url, report_date=report.date)
    return ev


@register("annual_report_presence", ReportParams)
def run_missing(view: AuditView, site: SiteInfo, rule: Rule, params: ReportParams) -> Iterator[Result]:
    """Missing rests on nothing found: unless the report columns were read whole it is ``unknown``."""
    ctx = _context(view, site, params)
    period, subject = str(ctx["year"]), ctx["subject"]
    report = ctx["own"][0] if ctx["own"] else None
    ev = _evidence(ctx, report)
    if report:
        yield result(site, rule, subject, "pass", f"已公开{ctx['year']}年度报告", period, **ev)
    elif view.as_of <= ctx["deadline"]:
        yield result(site, rule, subject, "not_applicable", f"年报尚未到期（截止{ctx['deadline']}）", period, **ev)
    elif not ctx["columns"]:
        # nothing was read where reports live (often under 信息公开目录, which discovery missed)
        yield result(site, rule, subject, "unknown", "未发现年报栏目，无法判断（可在 targets 中配置 annual_reports 栏目）",
                     period, **ev)
    elif all(c.get("outcome") in UNREADABLE for c in ctx["columns"]):
        yield result(site, rule, subject, "unknown", "年报栏目无法读取", period, **ev)
    else:
        yield unless_unseen(result(site, rule, subject, "fail", f"截至{view.as_of}未找到本机关{ctx['year']}年度报告",
                                   period, **ev), ctx["coverage"])


@register("annual_report_timeliness", ReportParams)
def run_late(view: AuditView, site: SiteInfo, rule: Rule, params: ReportParams) -> Iterator[Result]:
    """Late rests on the earliest copy seen: an earlier one may sit unseen in a column not read whole."""
    ctx = _context(view, site, params)
    period = str(ctx["year"])
    report = ctx["own"][0] if ctx["own"] else None
    ev = _evidence(ctx, report)
    if report is None:
        yield result(site, rule, ctx["subject"], "not_applicable", "未找到年报（见 annual_report.missing）", period, **ev)
    elif report.date is None:
        yield result(site, rule, report.url, "unknown", "年报发布日期无法识别", period, **ev)
    elif report.date > ctx["deadline"]:
        yield unless_unseen(result(site, rule, report.url, "fail", f"年报{report.date}发布，晚于{ctx['deadline']}",
                                   period, **ev), ctx["coverage"])
    else:
        yield result(site, rule, report.url, "pass", f"年报{report.date}发布", period, **ev)
