"""Did the crawl behind this report finish?  One answer for every output.

A crawl stopped by SIGTERM, a full disk or a killed process leaves a store that checks and scores
like any other — with fewer pages, so fewer findings and a better grade.  The store's ``audits``
row records ``crawl_state`` (``running`` | ``finished`` | ``interrupted``) and Scrapy's close
reason; every output (JSON, HTML, workbook) takes its 未完成 marking from :func:`audit_state`.

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


def audit_state(audit: dict[str, Any]) -> AuditState:
    """The completeness of one ``audits`` row (missing keys read as NULL)."""
    state, reason, crawled_at = audit.get("crawl_state"), audit.get("crawl_close_reason"), audit.get("crawled_at")
    why = _why(state, reason, crawled_at)
    return AuditState(complete=not why, crawl_state=state, close_reason=reason, crawled_at=crawled_at, why=why)
