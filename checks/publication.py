"""主动公开 within 20 working days of the document's formation (条例 第二十六条).

The clock runs from the 成文日期 (the 落款 date or the 成文日期 field; a 生成日期 is not it) to the
publication day, on the official calendar with 调休.  Old documents posted together on one day
(a back-fill or a CMS migration) say nothing about how each was first published: they make one
result for the day, not one finding per document.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from gongkai.checks.base import MAX_SAMPLES, result
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.scope import out_of_scope, period_documents
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.workdays import add_workdays, workdays_between


def _evidence(doc: dict[str, Any], day: date, deadline: date | None, limit: int) -> dict[str, Any]:
    written = doc.get("written_date")
    return {"title": doc.get("title"), "url": doc["url"], "column_url": doc.get("column_url"),
            "doc_number": doc.get("doc_number"),
            "written_date": written, "publish_date": day, "deadline": deadline, "working_days": limit,
            "workdays_taken": workdays_between(written, day) if written else None}


@register("publication_timeliness")
def run(view: AuditView, site: SiteInfo, rule: Rule) -> Iterator[Result]:
    params = rule.params_for(site)
    limit = int(params.get("working_days", 20))
    late_by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for doc, day in period_documents(view, site, params.get("columns")):
        url, written = doc["url"], doc.get("written_date")
        if day is None:
            yield result(site, rule, url, "unknown", "发布日期无法识别", title=doc.get("title"))
            continue
        if written is None:
            yield result(site, rule, url, "not_applicable", "无成文日期", title=doc.get("title"), publish_date=day)
            continue
        skip = out_of_scope(doc, site, params)
        deadline = add_workdays(written, limit)
        ev = _evidence(doc, day, deadline, limit)
        if skip:
            yield result(site, rule, url, "not_applicable", skip, **ev)
        elif day <= written or (deadline and day <= deadline):
            yield result(site, rule, url, "pass", f"成文后{ev['workdays_taken']}个工作日内公开", **ev)
        elif deadline is None:
            yield result(site, rule, url, "unknown", "官方节假日安排未覆盖该年份，无法计算工作日", **ev)
        else:
            late_by_day[day].append(ev)
    yield from _late_results(site, rule, params, late_by_day)


def _late_results(site: SiteInfo, rule: Rule, params: dict[str, Any],
                  late_by_day: dict[date, list[dict[str, Any]]]) -> Iterator[Result]:
    """Late documents: one finding each, or one note per day of a bulk back-fill."""
    bulk = int(params.get("backfill_min_docs", 3))
    status = params.get("backfill_status", "unknown")
    for day, evs in sorted(late_by_day.items()):
        if len(evs) < bulk:
            for ev in evs:
                yield result(site, rule, ev["url"], "fail",
                             f"成文{ev['written_date']}，{ev['publish_date']}才公开，超过{ev['working_days']}个工作日", **ev)
            continue
        columns = Counter(ev.get("column_url") for ev in evs)
        subject = next((c for c, _ in columns.most_common() if c), site.home)
        oldest = min(ev["written_date"] for ev in evs)
        yield result(site, rule, subject, status,
                     f"{day}集中发布{len(evs)}件逾期文件（最早成文{oldest}），疑为补录或迁移，不逐件计",
                     publish_date=day, backfill=True, count=len(evs), oldest_written=oldest,
                     documents=[{"url": e["url"], "title": e["title"], "written_date": e["written_date"]}
                                for e in evs[:MAX_SAMPLES * 5]])
