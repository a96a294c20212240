"""Everything one report shows, computed once: scores, findings with ids, snapshots, comparison.

The HTML, the workbook and the JSON files are views of this one object, so a card's id, its
snapshot, its 新增/仍存在 mark and its order are the same in all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import cards
from .cards import Card, Finding, Member
from .compare import Comparison
from .dataset import AuditData
from .indicators import IndicatorSystem
from .scoring import SiteScore
from .snapshots import SnapshotSet


@dataclass
class ReportModel:
    data: AuditData
    system: IndicatorSystem
    scores: list[SiteScore]
    generated_at: str
    references: dict[str, SiteScore] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    comparison: Comparison | None = None
    rendered: SnapshotSet | None = None   # set once the snapshots are written: see snapshots

    @property
    def snapshots(self) -> dict[str, dict[str, Any]]:
        """Per finding id its snapshot record.  The snapshots are written while the first sheets of
        the workbook are: reading them before they are done is a bug, and raises instead of
        showing every finding without its snapshot (``cards`` would even remember that)."""
        if self.rendered is None:
            raise RuntimeError("the report's snapshots were read before they were written")
        return self.rendered.by_finding

    @property
    def changes(self) -> dict[str, str]:
        return self.comparison.change if self.comparison else {}

    def members(self, site: str) -> list[Member]:
        return [Member(f, self.snapshots.get(f.id), self.changes.get(f.id)) for f in self.findings
                if f.row.site == site]

    @cached_property
    def cards(self) -> dict[str, list[Card]]:
        """整改清单 per site, in reading order."""
        return {s.site: cards.site_cards(self.data, self.system, s, self.members(s.site), self.references.get(s.site))
                for s in self.scores}

    def site_cards(self, site: str) -> list[Card]:
        return self.cards.get(site, [])

    def unknowns(self, site: str) -> list[dict[str, Any]]:
        """无法判断 results of a site grouped by rule and reason, with how many subjects each."""
        groups: dict[tuple[str, str], list[str]] = {}
        for r in self.data.results:
            if r.site == site and r.status == "unknown":
                groups.setdefault((r.rule, r.reason or "未说明原因"), []).append(r.subject)
        return [{"rule": rule, "title": self.data.rule(rule).title, "reason": reason, "subjects": sorted(subjects)}
                for (rule, reason), subjects in sorted(groups.items())]


def priority(model_findings: list[Finding], system: IndicatorSystem, data: AuditData) -> list[Finding]:
    """Findings in the order snapshots are kept under a budget: vetoes first, then by severity."""
    def key(f: Finding) -> tuple[int, str]:
        veto = cards.veto_of(system, f.row.rule, f.row.column_type, f.row.evidence)
        tier = cards.VETO_TIER if veto is not None else \
            cards.SEVERITY_TIERS.get(data.rule(f.row.rule).severity, cards.UNRATED_TIER)
        return tier, f.id
    return sorted(model_findings, key=key)
