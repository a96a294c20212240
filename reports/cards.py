"""整改清单: findings with a stable id, ordered by what must be fixed first, identical ones grouped.

A webmaster reads a site page top to bottom and fixes in that order, so a 单项否决 must come first
and eighteen identical 暗链 findings (one hacked template) must be one card listing eighteen pages,
not eighteen printed pages.  An evaluator defending a deduction needs each card to say which
indicator it feeds and how many points it cost.  A quarter-over-quarter comparison needs an id
that does not change while the problem does not: ``finding_id`` hashes (site, rule, subject,
period) and nothing volatile.

findings.json, the HTML cards and the workbook all take their findings from :func:`findings` and
:func:`site_cards`, so the three agree on ids, evidence and order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .dataset import AuditData, ResultRow
from .indicators import IndicatorSystem
from .scoring import SiteScore, evidence_has

VOLATILE = frozenset({"at", "seconds", "fetched_at", "elapsed"})   # timing: belongs to the snapshot record
SEVERITY_TIERS = {"critical": 1, "high": 2, "medium": 3, "low": 4, "info": 5}
VETO_TIER, UNRATED_TIER = 0, 6


def finding_id(site: str, rule: str, subject: str, period: str | None) -> str:
    """``F`` + 16 hex digits of sha256(site, rule, subject, period): equal while the problem is."""
    key = "\x1f".join((site, rule, subject, period or ""))
    return "F" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _sort_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def stable(value: Any) -> Any:
    """Evidence without timing values and with lists in a canonical order.

    Two runs over an unchanged portal must write byte-identical findings.json; a probe's time or a
    crawl order that put one sample first is not part of the finding (the snapshot record keeps
    fetch times).
    """
    if isinstance(value, dict):
        return {k: stable(v) for k, v in sorted(value.items()) if k not in VOLATILE}
    if isinstance(value, list | tuple):
        return sorted((stable(v) for v in value), key=_sort_key)
    return value


@dataclass(frozen=True)
class Finding:
    """A failed result with its id and its stable evidence."""

    id: str
    row: ResultRow
    evidence: dict[str, Any]


def findings(data: AuditData) -> list[Finding]:
    """Every failed result once (a repeated rule × subject × period counts once, as in scoring)."""
    out: dict[str, Finding] = {}
    for r in data.failures:
        fid = finding_id(r.site, r.rule, r.subject, r.period)
        out.setdefault(fid, Finding(fid, r, stable(r.evidence)))
    return list(out.values())


@dataclass(frozen=True)
class Charge:
    """An indicator a finding feeds: a veto indicator, a deduction indicator, or nothing (unscored)."""

    kind: str                     # veto | deduction | unscored
    indicator: str = ""
    name: str = ""
    per_finding: float = 0.0
    cap: float = 0.0
    threshold: int = 1            # findings that trip a veto


def veto_of(system: IndicatorSystem, rule: str, column_type: str | None,
            evidence: dict[str, Any] | None = None) -> Charge | None:
    """The 单项否决 indicator a finding counts towards, if any (it may also cost points elsewhere).

    A veto that asks for evidence values (``evidence: {overdue: true}``) takes only the findings
    whose evidence has them, exactly as scoring counts them.
    """
    for v in system.veto:
        if rule in v.rules and (v.column_types is None or column_type in v.column_types) \
                and evidence_has(evidence, v.evidence):
            return Charge("veto", v.id, v.name, threshold=v.min_count)
    return None


def charge_of(system: IndicatorSystem, rule: str, column_type: str | None) -> Charge:
    """The deduction indicator a finding of ``rule`` (in a column of ``column_type``) costs points in."""
    for _, ind in system.indicators():
        for d in ind.deductions:
            if d.rule == rule and (d.column_types is None or column_type in d.column_types):
                return Charge("deduction", ind.id, ind.name, d.per_finding, ind.points)
    return Charge("unscored")


@dataclass
class Member:
    """One finding inside a card."""

    finding: Finding
    snapshot: dict[str, Any] | None = None
    change: str | None = None

    @property
    def row(self) -> ResultRow:
        return self.finding.row


@dataclass
class Card:
    """One problem on one site: a single finding, or identical findings on several pages."""

    site: str
    rule: str
    title: str
    severity: str
    tier: int
    problem: str
    charge: Charge
    members: list[Member]
    source: str
    remediation: str
    veto: Charge | None = None
    veto_hit: bool = False
    indicator_deducted: float | None = None    # what the whole indicator cost the site (or would have)
    shared_evidence: bool = True

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def points(self) -> float | None:
        """Points these findings cost before the indicator's cap (None when they cost none)."""
        if self.charge.kind != "deduction":
            return None
        return round(self.count * self.charge.per_finding, 2)

    @property
    def first(self) -> Member:
        return self.members[0]


def _without_subject(evidence: dict[str, Any]) -> dict[str, Any]:
    """Evidence minus what names the page itself: what must match for two findings to be identical."""
    return {k: v for k, v in evidence.items() if k not in ("url", "title", "page", "policy_url", "final_url")}


def _group_key(f: Finding, charge: Charge, veto: Charge | None) -> tuple[str, str, str, str]:
    r = f.row
    return (r.rule, charge.indicator, veto.indicator if veto else "", r.reason or r.message)


def _tier(severity: str, veto_hit: bool) -> int:
    return VETO_TIER if veto_hit else SEVERITY_TIERS.get(severity, UNRATED_TIER)


def _indicator_costs(score: SiteScore, reference: SiteScore | None) -> dict[str, float | None]:
    """Points each indicator cost the site; for a vetoed site, what it would have cost."""
    source = reference if (score.vetoed and reference is not None) else score
    return {i.id: i.deducted for i in source.indicators}


def site_cards(data: AuditData, system: IndicatorSystem, score: SiteScore, items: Iterable[Member],
               reference: SiteScore | None = None) -> list[Card]:
    """The site's 整改清单: vetoes, then 高/中/低; identical findings (same rule, indicator, reason) grouped."""
    hit = {v.id for v in score.vetoes if v.hit}
    costs = _indicator_costs(score, reference)
    cards: dict[tuple[str, str, str, str], Card] = {}
    for m in items:
        r = m.row
        meta = data.rule(r.rule)
        charge, veto = charge_of(system, r.rule, r.column_type), veto_of(system, r.rule, r.column_type, r.evidence)
        key = _group_key(m.finding, charge, veto)
        card = cards.get(key)
        if card is None:
            veto_hit = veto is not None and veto.indicator in hit
            cards[key] = Card(site=r.site, rule=r.rule, title=meta.title, severity=meta.severity,
                              tier=_tier(meta.severity, veto_hit), problem=r.reason or r.message or meta.title,
                              charge=charge, members=[m], source=meta.source_text, remediation=meta.remediation,
                              veto=veto, veto_hit=veto_hit, indicator_deducted=costs.get(charge.indicator))
            continue
        card.members.append(m)
        if _without_subject(m.finding.evidence) != _without_subject(card.first.finding.evidence):
            card.shared_evidence = False
    for card in cards.values():
        card.members.sort(key=lambda m: (m.row.subject, m.row.period or ""))
    return sorted(cards.values(), key=lambda c: (c.tier, -c.count, c.rule, c.problem, c.first.row.subject))
