"""One audit read back from the store, in the shape every report writer needs.

The report stage reads only what earlier stages wrote (audits, sites, results, columns, errors),
so a report can be rebuilt from an old store with a new indicators file.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from gongkai import store as st
from gongkai.models import STATUSES

from .auditstate import AuditState, audit_state
from .coverage import SiteCoverage, by_site
from .errors import ReportError
from .rulemeta import RuleMeta, unknown_rule

AUDIT_KEYS = ("id", "name", "period", "as_of", "crawled_at", "checked_at", "crawl_state", "crawl_close_reason",
              "check_state")


class ResultRow(NamedTuple):
    """A result as the reports see it: evidence decoded, the column type resolved.

    Only a finding (``fail``) keeps its evidence: no report shows the evidence of a pass, an
    unknown or a not-applicable result, and a large audit has hundreds of thousands of them.
    A named tuple: as immutable as a frozen dataclass, made in a third of its time (a report
    makes one per result).
    """

    site: str
    rule: str
    subject: str
    period: str | None
    status: str
    reason: str
    message: str
    evidence: dict[str, Any]
    column_type: str | None = None


@dataclass
class AuditData:
    audit: dict[str, Any]
    sites: list[dict[str, Any]]
    results: list[ResultRow]
    columns: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    rules: Mapping[str, RuleMeta] = field(default_factory=dict)

    def rule(self, rule_id: str) -> RuleMeta:
        return self.rules.get(rule_id) or unknown_rule(rule_id)

    @property
    def state(self) -> AuditState:
        """Whether the crawl finished: every output marks an unfinished audit from this."""
        return audit_state(self.audit)

    @cached_property
    def coverage(self) -> dict[str, SiteCoverage]:
        """抓取覆盖 per site (every known site, with or without columns)."""
        return by_site(self.columns, (s["site"] for s in self.sites))

    def site_coverage(self, site: str) -> SiteCoverage:
        return self.coverage.get(site) or SiteCoverage(site, ())

    @property
    def failures(self) -> list[ResultRow]:
        """Findings: the failed results, sorted by site, rule, subject (the findings.json order)."""
        fails = [r for r in self.results if r.status == "fail"]
        return sorted(fails, key=lambda r: (r.site, r.rule, r.subject, r.period or ""))


def decode_evidence(text: str | None) -> dict[str, Any]:
    """Evidence as an object; malformed JSON is kept as text rather than lost or raised."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"raw": text}
    return value if isinstance(value, dict) else {"value": value}


NO_EVIDENCE: dict[str, Any] = {}   # shared by every non-finding: read, never written
RESULT_FIELDS = ("site", "rule", "subject", "period", "status", "reason", "message", "evidence_json")


def _result(row: tuple[Any, ...], column_types: dict[tuple[str, str], str]) -> ResultRow:
    """One stored result (a tuple of RESULT_FIELDS); repeated words (site, rule, subject URL,
    status, reason) shared, not copied per row."""
    site, rule, subject, period, status, reason, message, text = row
    if status not in STATUSES:
        status = "unknown"
    # the column type is all a report reads of a non-finding's evidence; decode only when it is there
    evidence = decode_evidence(text) if status == "fail" or (text and '"column_type"' in text) else NO_EVIDENCE
    declared = evidence.get("column_type")
    intern = sys.intern
    return ResultRow(intern(site), intern(rule), intern(subject), intern(period) if period else period,
                     intern(status), intern(reason or ""), intern(message or ""),
                     evidence if status == "fail" else NO_EVIDENCE,
                     declared if isinstance(declared, str) and declared else column_types.get((site, subject)))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a million result rows are read: none is in a cycle, yet
    each collection walked every row kept so far again (≈ 0.4 s of a 100k-page report's 12 s of reading)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_audit(store: st.Store, audit_id: int, rules: Mapping[str, RuleMeta]) -> AuditData:
    audit = store.audit(audit_id)
    if audit is None:
        raise ReportError(f"{store.url}: no audit {audit_id}")
    columns = store.rows(st.columns, audit_id)
    column_types = {(c["site"], c["url"]): c["type"] for c in columns}
    with _collector_paused():
        rows = store.stream_tuples(st.results, audit_id, RESULT_FIELDS)
        results = [_result(row, column_types) for row in rows]
    return AuditData(
        audit={k: audit.get(k) for k in AUDIT_KEYS},
        sites=sorted(store.rows(st.sites, audit_id), key=lambda s: s["site"]),
        results=results, columns=columns, errors=store.rows(st.errors, audit_id), rules=rules)
