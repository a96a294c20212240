"""Whether a column was read whole, as the crawler recorded it, rolled up for the rules that need it.

A verdict resting on absence ("no interpretation found", "no release for May", "nothing newer
than March") or on the earliest copy seen ("the interpretation came late") can be overturned by
items the crawl did not see.  Rules that give such verdicts ask the view for the coverage of the
columns involved and say ``unknown`` with its reason when a column was not read whole; a verdict
resting on something seen (an interpretation found, a fresh item) stands either way.

Per column the store says ``complete``, ``incomplete`` (with a Chinese reason) or ``pending``
(the crawl never closed: incomplete).  NULL means nothing was recorded: in an audit whose crawler
records coverage that column is incomplete ("栏目覆盖情况未记录"); an audit with no coverage
recorded on any column was crawled before coverage existed and is judged as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongkai import store as st
from gongkai.vocab import column_label

COUNTS = st.COVERAGE_COUNTS
UNRECORDED = "栏目覆盖情况未记录"
PENDING = "抓取未结束"
NO_REASON = "原因未记录"
MAX_NAME = 40   # characters of a crawled column name quoted in a reason


@dataclass(frozen=True)
class ColumnCoverage:
    """One column's coverage as recorded: state, reason and the crawler's counts."""

    url: str
    type: str
    name: str
    state: str | None          # complete | incomplete | pending | None (not recorded)
    complete: bool
    reason: str | None
    counts: dict[str, int | None]

    def sentence(self) -> str:
        """``政策解读栏目抓取不完整：列表第3页抓取失败（HTTP 500）``."""
        return f"{self.name.removesuffix('栏目')}栏目抓取不完整：{self.reason or NO_REASON}"

    def evidence(self) -> dict[str, Any]:
        return {"url": self.url, "type": self.type, "name": self.name, "coverage": self.state,
                "reason": self.reason, **self.counts}


def column_coverage(row: dict[str, Any], audit_records: bool) -> ColumnCoverage:
    """A stored column row read as coverage (``audit_records``: the audit's crawler records it)."""
    state, reason = row.get("coverage"), row.get("coverage_reason")
    if state is None:
        complete, reason = not audit_records, (UNRECORDED if audit_records else None)
    elif state == "pending":
        complete, reason = False, reason or PENDING
    else:
        complete = state == "complete"
    name = str(row.get("name") or column_label(row["type"])).strip()[:MAX_NAME]
    return ColumnCoverage(url=row["url"], type=row["type"], name=name, state=state, complete=complete,
                          reason=None if complete else reason, counts={k: row.get(k) for k in COUNTS})


def _total(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class Coverage:
    """The coverage of every column of some types on one site (none at all: trivially complete)."""

    parts: tuple[ColumnCoverage, ...] = ()

    @property
    def complete(self) -> bool:
        return all(p.complete for p in self.parts)

    @property
    def columns(self) -> list[str]:
        """URLs of the columns rolled up (one URL given for two types appears once)."""
        return list(dict.fromkeys(p.url for p in self.parts))

    @property
    def reasons(self) -> list[str]:
        """One sentence per column not read whole, naming it."""
        return list(dict.fromkeys(p.sentence() for p in self.parts if not p.complete))

    def reason(self) -> str:
        """The reason of an ``unknown``: which columns were not read whole and why."""
        return "；".join(self.reasons) + "，结论无法判断"

    def evidence(self) -> dict[str, Any]:
        """Totals of the crawler's counts, the reason, and each column's own figures."""
        lists = {p.url: p for p in self.parts}.values()   # two types sharing one list count it once
        totals = {k: _total([p.counts[k] for p in lists]) for k in COUNTS}
        return {"complete": self.complete, "reason": None if self.complete else self.reason(), **totals,
                "columns": [p.evidence() for p in self.parts]}
