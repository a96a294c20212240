"""抓取覆盖: how much of each column the crawl saw, and a site's roll-up of it.

A column check over half a column reads like a verdict on all of it.  The crawler records per
column what the CMS announced, what was listed and fetched, and whether that is complete
(``docs/store.md``, table ``columns``); this module turns those rows into the one shape the
scorecard, the workbook and scores.json all show, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gongkai import store as st
from gongkai.vocab import column_label

COUNTS = st.COVERAGE_COUNTS
STATES = ("complete", "incomplete", "pending", "unrecorded")
STATE_LABELS = {"complete": "完整", "incomplete": "不完整", "pending": "待定（抓取未结束）",
                "unrecorded": "未记录"}
ROLLUP_NAMES = 5           # columns named per state in a roll-up before "等N个"
REASON_CHARS = 60          # characters of one reason in a roll-up


@dataclass(frozen=True)
class ColumnCoverage:
    """One column (site, type, url) as the crawl covered it."""

    site: str
    type: str
    name: str | None
    url: str
    how_found: str | None
    outcome: str | None
    outcome_reason: str | None
    counts: dict[str, int | None]
    state: str             # one of STATES; "unrecorded" when the store has no coverage for it
    reason: str

    @property
    def label(self) -> str:
        return column_label(self.type)

    @property
    def title(self) -> str:
        """The type's label, with the column's own navigation name when that says more."""
        name = (self.name or "").strip()
        return self.label if not name or name == self.label else f"{self.label}·{name[:40]}"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "label": self.label, "name": self.name, "url": self.url,
                "how_found": self.how_found, "outcome": self.outcome, **self.counts,
                "coverage": self.state, "coverage_label": self.state_label, "coverage_reason": self.reason or None}


def _state(value: Any) -> str:
    return value if value in ("complete", "incomplete", "pending") else "unrecorded"


def column_coverage(row: dict[str, Any]) -> ColumnCoverage:
    """A ``columns`` row as coverage (missing count columns read as unknown)."""
    return ColumnCoverage(
        site=row["site"], type=row["type"], name=row.get("name"), url=row["url"], how_found=row.get("how_found"),
        outcome=row.get("outcome"), outcome_reason=row.get("reason"),
        counts={key: row.get(key) for key in COUNTS}, state=_state(row.get("coverage")),
        reason=row.get("coverage_reason") or "")


@dataclass(frozen=True)
class SiteCoverage:
    """Every column of one site, and the roll-up a supervisor reads first."""

    site: str
    columns: tuple[ColumnCoverage, ...]

    def count(self, state: str) -> int:
        return sum(1 for c in self.columns if c.state == state)

    @property
    def complete(self) -> bool:
        """True only when there are columns and every one is complete."""
        return bool(self.columns) and self.count("complete") == len(self.columns)

    def total(self, key: str) -> int:
        """A count summed over the columns (unknown counts as 0): pages fetched for the whole site."""
        return sum(c.counts.get(key) or 0 for c in self.columns)

    @property
    def short(self) -> str:
        """"4/5 完整", for a ranking cell."""
        return f"{self.count('complete')}/{len(self.columns)} 完整" if self.columns else "未发现栏目"

    @property
    def summary(self) -> str:
        """5 个栏目中 4 个完整；不完整：政策解读（列表第3页抓取失败）."""
        total = len(self.columns)
        if not total:
            return "未发现栏目"
        done = self.count("complete")
        head = f"{total} 个栏目全部完整" if done == total else f"{total} 个栏目中 {done} 个完整"
        parts = [head] + [f"{STATE_LABELS[state]}：{self._names(state)}" for state in STATES[1:] if self.count(state)]
        return "；".join(parts)

    def _names(self, state: str) -> str:
        cols = [c for c in self.columns if c.state == state]
        shown = [c.title + (f"（{c.reason[:REASON_CHARS]}）" if c.reason else "") for c in cols[:ROLLUP_NAMES]]
        more = f"等{len(cols)}个" if len(cols) > ROLLUP_NAMES else ""
        return "、".join(shown) + more

    def as_json(self) -> dict[str, Any]:
        not_complete = [c for c in self.columns if c.state != "complete"]
        return {"columns": len(self.columns), **{state: self.count(state) for state in STATES},
                "all_complete": self.complete, "summary": self.summary,
                "incomplete_reasons": [{"type": c.type, "label": c.label, "name": c.name, "url": c.url,
                                        "coverage": c.state, "reason": c.reason or None} for c in not_complete],
                "rows": [c.as_json() for c in self.columns]}


def by_site(rows: Iterable[dict[str, Any]], sites: Iterable[str] = ()) -> dict[str, SiteCoverage]:
    """Coverage of every site named in ``sites`` or in ``rows``, columns ordered by (type, url)."""
    per_site: dict[str, list[ColumnCoverage]] = {site: [] for site in sites}
    for row in rows:
        per_site.setdefault(row["site"], []).append(column_coverage(row))
    return {site: SiteCoverage(site, tuple(sorted(cols, key=lambda c: (c.type, c.url))))
            for site, cols in per_site.items()}
