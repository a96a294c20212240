"""主动公开 within 20 working days of the document's formation (条例 第二十六条).

The clock runs from the 成文日期 (the 落款 date or the 成文日期 field; a 生成日期 is not it) to the
publication day, on the official calendar with 调休.  Old documents posted together on one day
(a back-fill or a CMS migration) say nothing about how each was first published: they make one
result for the day, not one finding per document.  So a lone late document is a finding only if
its columns were read whole: otherwise the rest of its day's batch may sit unseen, and it is
``unknown`` with the coverage reason.  A document published in time passes on its own page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import Field

from gongkai.checks.base import MAX_SAMPLES, result, unless_unseen
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.scope import DocumentParams, documents_to_judge
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result, Status
from gongkai.workdays import add_workdays, workdays_between


class PublicationParams(DocumentParams):
    """``working_days`` from formation to publication; a day with ``backfill_min_docs`` or more
    late documents is a back-fill, recorded as one result of ``backfill_status``."""

    working_days: int = Field(20, ge=0)
    backfill_min_docs: int = Field(3, ge=2)
    backfill_status: Status = "unknown"


def _evidence(doc: dict[str, Any], day: date | None, limit: int) -> dict[str, Any]:
    written = doc.get("written_date")
    deadline = add_workdays(written, limit) if written else None
    return {"title": doc.get("title"), "url": doc["url"], "column_url": doc.get("column_url"),
            "doc_number": doc.get("doc_number"),
            "written_date": written, "publish_date": day, "deadline": deadline, "working_days": limit,
            "workdays_taken": workdays_between(written, day) if written and day else None,
            "column_types": doc.get("column_types", [])}


def _unwritten(doc: dict[str, Any]) -> str | None:
    return None if doc.get("written_date") else "无成文日期"


@register("publication_timeliness", PublicationParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: PublicationParams) -> Iterator[Result]:
    limit = params.working_days
    late_by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for item in documents_to_judge(view, site, rule, params, params.columns,
                                   lambda doc, day: _evidence(doc, day, limit), before=_unwritten):
        if isinstance(item, Result):
            yield item
            continue
        day, written, ev = item.day, item.doc["written_date"], item.evidence
        deadline = ev["deadline"]
        if day <= written or (deadline and day <= deadline):
            yield result(site, rule, item.doc["url"], "pass", f"成文后{ev['workdays_taken']}个工作日内公开", **ev)
        elif deadline is None:
            yield result(site, rule, item.doc["url"], "unknown", "官方节假日安排未覆盖该年份，无法计算工作日", **ev)
        else:
            late_by_day[day].append(ev)
    yield from _late_results(view, site, rule, params, late_by_day)


def _late_results(view: AuditView, site: SiteInfo, rule: Rule, params: PublicationParams,
                  late_by_day: dict[date, list[dict[str, Any]]]) -> Iterator[Result]:
    """Late documents: one finding each, or one note per day of a bulk back-fill."""
    bulk, status = params.backfill_min_docs, params.backfill_status
    for day, evs in sorted(late_by_day.items()):
        if len(evs) < bulk:
            for ev in evs:
                late = result(site, rule, ev["url"], "fail",
                              f"成文{ev['written_date']}，{ev['publish_date']}才公开，超过{ev['working_days']}个工作日", **ev)
                yield unless_unseen(late, view.coverage(site.site, ev["column_types"]))
            continue
        columns = Counter(ev.get("column_url") for ev in evs)
        subject = next((c for c, _ in columns.most_common() if c), site.home)
        oldest = min(ev["written_date"] for ev in evs)
        yield result(site, rule, subject, status,
                     f"{day}集中发布{len(evs)}件逾期文件（最早成文{oldest}），疑为补录或迁移，不逐件计",
                     publish_date=day, backfill=True, count=len(evs), oldest_written=oldest,
                     documents=[{"url": e["url"], "title": e["title"], "written_date": e["written_date"]}
                                for e in evs[:MAX_SAMPLES * 5]])
