"""Coverage of a column: what the CMS announced, what was listed and fetched, and whether that is all.

A rule that needs a whole column (解读缺失, 财政月报, 栏目更新) can only judge what the crawl saw; a
column that silently lost its page 2 would turn "not seen" into "missing".  So every column keeps
a ledger while it is crawled, and at the end of the crawl says ``complete`` or ``incomplete`` with
the reasons, in Chinese, for the report.  The spider records events; this module judges them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.crawler.dialects.listpage import MAX_PAGES


@dataclass
class ColumnCoverage:
    """The ledger of one column list URL (one list may be given for several column types)."""

    url: str
    announced_records: int | None = None
    announced_pages: int | None = None
    list_pages: int = 0                       # list pages answered 2xx and parsed
    failed_pages: list[str] = field(default_factory=list)   # "列表第3页抓取失败（HTTP 500）"
    problems: list[str] = field(default_factory=list)       # other reasons the column is not whole
    items_listed: int = 0
    items_in_window: int = 0
    wanted: set[str] = field(default_factory=set)           # fingerprints of in-window articles
    pending_pages: int = 0                    # list pages asked and not answered yet
    past_cutoff: bool = False                 # pagination stopped at the look-back window on purpose
    refused: dict[str, str] = field(default_factory=dict)   # fingerprint → why a budget refused it
    list_refused: bool = False                # a budget refused a list page: the pager was understood

    # -- events from the spider ---------------------------------------------------------------------
    def asked(self) -> None:
        self.pending_pages += 1

    def answered(self) -> None:
        self.pending_pages = max(0, self.pending_pages - 1)

    def listed(self, page: Any, in_window: int) -> None:
        """A list page parsed: its items and what its pager announced (the largest announcement wins)."""
        self.list_pages += 1
        self.items_listed += len(page.items)
        self.items_in_window += in_window
        self.announced_records = _larger(self.announced_records, page.total_records)
        self.announced_pages = _larger(self.announced_pages, page.total_pages)

    def page_failed(self, number: int, reason: str) -> None:
        self.failed_pages.append(f"列表第{number + 1}页抓取失败（{reason}）")

    def problem(self, reason: str) -> None:
        if reason not in self.problems:
            self.problems.append(reason)

    def refused_by_budget(self, fp: str, reason: str, *, list_page: bool = False) -> None:
        """A page of this column the budget refused (it counts only if nothing else fetched it)."""
        self.refused.setdefault(fp, reason)
        self.list_refused = self.list_refused or list_page

    # -- the verdict ---------------------------------------------------------------------------------
    def reasons(self, ok: set[str], failed: set[str], crawl_finished: bool, close_reason: str) -> list[str]:
        """Why this column is not whole (empty when it is)."""
        out = [*self.failed_pages, *self.problems]
        out += sorted({why for fp, why in self.refused.items() if fp not in ok and fp not in failed})
        out += self._pager_shortfall()
        got_failed = len(self.wanted & failed)
        if got_failed:
            out.append(f"{got_failed}篇文章抓取失败")
        unfetched = len(self.wanted - ok - failed)
        if unfetched:
            out.append(f"{unfetched}篇期内文章未抓取")
        if self.pending_pages:
            out.append(f"{self.pending_pages}个列表页未抓取")
        if not crawl_finished:
            out.insert(0, f"抓取未完成（{close_reason}）")
        return out

    def _pager_shortfall(self) -> list[str]:
        """The CMS announced more than the lists gave, and pagination did not stop at the window."""
        if self.past_cutoff or self.failed_pages or self.list_refused:
            return []
        if self.list_pages >= MAX_PAGES:   # pagination stops at the cap (listpage.has_next): the rest is unread
            return [f"翻页达到{MAX_PAGES}页上限，其后列表页未读"]
        out = []
        pages = self.announced_pages
        if pages is not None and self.list_pages < pages:   # a pager's number is capped at MAX_PAGES: "at least"
            out.append(f"CMS公布{'至少' if pages >= MAX_PAGES else ''}{pages}页，只读到{self.list_pages}页（翻页方式未能识别）")
        records = self.announced_records
        if records is not None and self.items_listed < records and not out:
            out.append(f"CMS公布{records}条，列表只读到{self.items_listed}条")
        return out

    def row(self, ok: set[str], failed: set[str], crawl_finished: bool, close_reason: str) -> dict[str, Any]:
        """The coverage fields of the store's ``columns`` rows at this URL."""
        failed = failed - ok  # a page that failed once and was stored later is fetched
        reasons = self.reasons(ok, failed, crawl_finished, close_reason)
        return {
            "announced_records": self.announced_records, "announced_pages": self.announced_pages,
            "list_pages": self.list_pages, "list_pages_failed": len(self.failed_pages),
            "items_listed": self.items_listed, "items_in_window": self.items_in_window,
            "articles_fetched": len(self.wanted & ok), "articles_failed": len(self.wanted & failed),
            "coverage": "incomplete" if reasons else "complete",
            "coverage_reason": "；".join(reasons) or None,
        }


def _larger(old: int | None, new: int | None) -> int | None:
    if new is None:
        return old
    return new if old is None else max(old, new)
