"""Did the crawl and the check behind this report finish?  One answer for every output.

A crawl stopped by SIGTERM, a full disk or a killed process leaves a store that checks and scores
like any other — with fewer pages, so fewer findings and a better grade.  The store's ``audits``
row records ``crawl_state`` (``running`` | ``finished`` | ``interrupted``) and Scrapy's close
reason; every output (JSON, HTML, workbook) takes its 未完成 marking from :func:`audit_state`.

The check is the same: one stopped part-way leaves some sites judged by this rulebook and others
by the last one (or not at all), and a crawl resumed after a check leaves results that judged
pages it has since replaced.  ``check_state`` is ``running`` from a check's start to its end and
is cleared whenever a crawl of the audit (re)starts, so only a check that ran to its end after
the last crawl counts as done.  A store written before the column (``check_state`` null) counts
as checked when ``checked_at`` is set.

A store without ``crawl_state`` (made by tests, fixtures or a gongkai that predates the column) is
taken as finished only when ``crawled_at`` is set: that stamp is written when the spider closes,
so without it nothing says the crawl ever ended.  (Such an old store cannot tell a shutdown from a
finished crawl: its close stamp was written either way.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FINISHED = "finished"
CONCLUSION = "结果不可作为评估结论"


@dataclass(frozen=True)
class AuditState:
    """Whether the audit's crawl finished, and what the store says about it."""

    complete: bool
    crawl_state: str | None
    close_reason: str | None
    crawled_at: str | None
    why: str = ""          # Chinese, for an incomplete audit: 抓取中断：shutdown

    @property
    def banner(self) -> str:
        """The sentence every page and sheet of an incomplete audit carries ("" when complete)."""
        return "" if self.complete else f"本次评估未完成（{self.why}），{CONCLUSION}"

    def as_json(self) -> dict[str, Any]:
        return {"complete": self.complete, "crawl_state": self.crawl_state, "close_reason": self.close_reason,
                "crawled_at": self.crawled_at, "note": self.banner or None}


def _why(state: str | None, reason: str | None, crawled_at: str | None) -> str:
    """Why the crawl is not finished, in the words a supervisor reads; "" when it is."""
    if state == FINISHED or (state is None and crawled_at):
        return ""
    if state == "interrupted":
        return f"抓取中断：{reason or '原因未记录'}"
    if state == "running":
        return "抓取未结束：进程仍在运行或被强行终止"
    if state is None:
        return "未记录抓取完成"
    return f"抓取状态未知：{state}"


def _check_why(check_state: str | None, checked_at: str | None) -> str:
    """Why the audit's check is not done, in the words a supervisor reads; "" when it is."""
    if check_state == FINISHED or (check_state is None and checked_at):
        return ""
    if check_state == "running":
        return "检查未完成：进程被中断或仍在运行，部分站点的结果缺失或来自上一次检查"
    if check_state is None:
        return "抓取后尚未完成检查（gongkai check）"
    return f"检查状态未知：{check_state}"


def audit_state(audit: dict[str, Any]) -> AuditState:
    """The completeness of one ``audits`` row (missing keys read as NULL): the crawl's first."""
    state, reason, crawled_at = audit.get("crawl_state"), audit.get("crawl_close_reason"), audit.get("crawled_at")
    checking = audit.get("check_state")
    why = _why(state, reason, crawled_at) or _check_why(checking, audit.get("checked_at"))
    return AuditState(complete=not why, crawl_state=state, close_reason=reason, crawled_at=crawled_at, why=why)
