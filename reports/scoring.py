"""Scores from results: 单项否决, 扣分 with per-indicator caps, 加分, grade and rank.

Generic over the indicator system (reports/indicators.py); the arithmetic follows the 指标说明 of
国办秘函〔2019〕19号: a veto makes a site 不合格 with no further scoring, yet every veto found is
reported; deductions start from the total and are capped per indicator; 加分 counts only above the
bonus gate.  A site whose checks mostly could not decide is graded 无法评估 instead of being
handed a perfect score by the absence of findings; so is a site with a veto that its undecided
results could trip (3 stale columns found, 4 more unreadable, 5 trip it; or a one-finding veto none
of whose results could be decided): 合格 might hide a 否决.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from gongkai.models import STATUSES

from .indicators import Deduction, IndicatorSystem, VetoIndicator


class Outcome(Protocol):
    """The fields of a result that scoring reads (reports.dataset.ResultRow has them)."""

    site: str
    rule: str
    subject: str
    period: str | None
    status: str
    column_type: str | None


@dataclass
class VetoCheck:
    """One veto indicator evaluated on one site (hit or not, with its count)."""

    id: str
    name: str
    rules: list[str]
    count: int
    min_count: int
    hit: bool
    warning: bool
    subjects: list[str]
    source: str
    status: str
    examined: int = 0        # results of these rules in scope (any status but not_applicable)
    unknown: int = 0         # of which undecided: a veto "not hit" may hide behind them
    note: str = ""

    @property
    def undecided(self) -> bool:
        """Not tripped by what was decided, but the undecided results may hide what trips it: the site
        can be graded neither 合格 nor 不合格 on it.

        A counting veto (栏目不更新: 5 columns) is undecided when the findings plus the undecided
        results reach its count — 3 stale columns and 4 unreadable ones may be 5.  A veto tripped
        by one finding is undecided when none of its results could be decided (the home page's
        freshness, every page blocked): one unreadable attachment among thousands of pages read
        leaves 严重表述错误 decided on what was read, and says so on its row."""
        if self.hit or not self.examined:
            return False
        if self.min_count > 1:
            return self.count + self.unknown >= self.min_count
        return self.unknown == self.examined

    @property
    def verdict(self) -> str:
        """否决 / 无法判断 / 预警 / 未触发 / 未检查, as a supervisor reads the row."""
        if self.hit:
            return "否决"
        if self.undecided:
            return "无法判断"
        if self.warning:
            return "预警"
        if not self.examined:
            return "未检查"
        return "无法判断" if self.unknown == self.examined else "未触发"


@dataclass
class IndicatorScore:
    group: str
    id: str
    name: str
    points: float
    status: str
    findings: int
    by_rule: dict[str, int]
    checked: bool
    deducted: float | None       # None when the site is not scored (veto, 无法评估)
    note: str = ""


@dataclass
class SiteScore:
    site: str
    name: str
    kind: str | None
    grade: str
    assessable: bool
    vetoed: bool
    veto_rules: list[str]
    vetoes: list[VetoCheck]
    deduction_score: float | None
    bonus: float
    bonus_items: list[str]
    score: float | None
    indicators: list[IndicatorScore]
    rule_counts: dict[str, dict[str, int]]
    coverage: float | None
    undecided_rules: list[str]
    unscored_rules: list[str]
    interpretation: dict[str, Any] | None
    rank: int | None = None
    errors: dict[str, int] = field(default_factory=dict)
    provisional: bool = False    # the crawl did not finish: score as counted so far, no grade, no rank

    @property
    def findings(self) -> int:
        return sum(c["fail"] for c in self.rule_counts.values())

    @property
    def unchecked_points(self) -> float:
        """Points of indicators no result examined: a score of 100 says nothing about them."""
        return sum(i.points for i in self.indicators if not i.checked)


# -- pieces ------------------------------------------------------------------------------------

def _matches(result: Outcome, rules: Iterable[str], column_types: list[str] | None) -> bool:
    return result.rule in rules and (column_types is None or result.column_type in column_types)


def evidence_has(evidence: dict[str, Any] | None, wanted: dict[str, Any] | None) -> bool:
    """Whether evidence has the values a veto asks for (any evidence when it asks none); the one
    test both scoring and the 整改清单 (reports/cards.py) apply."""
    if not wanted:
        return True
    evidence = evidence or {}
    return all(evidence.get(key) == value for key, value in wanted.items())


def _evidence_matches(result: Outcome, wanted: dict[str, Any] | None) -> bool:
    return evidence_has(getattr(result, "evidence", None), wanted)


def _distinct_failures(results: Sequence[Outcome], rules: Iterable[str],
                       column_types: list[str] | None, evidence: dict[str, Any] | None = None) -> list[Outcome]:
    seen: dict[tuple[str, str, str], Outcome] = {}
    for r in results:
        if r.status == "fail" and _matches(r, rules, column_types) and _evidence_matches(r, evidence):
            seen.setdefault((r.rule, r.subject, r.period or ""), r)
    return list(seen.values())


def rule_counts(results: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    """Per rule: how many subjects passed, failed, were not applicable or undecided."""
    pairs = Counter((r.rule, r.status) for r in results)   # counted in C: a site has one result a page and rule
    out: dict[str, dict[str, int]] = {}
    for (rule, status), n in pairs.items():
        counts = out.setdefault(rule, {s: 0 for s in (*STATUSES, "total")})
        counts[status] += n
        counts["total"] += n
    return dict(sorted(out.items()))


def check_veto(veto: VetoIndicator, results: Sequence[Outcome]) -> VetoCheck:
    results = [r for r in results if r.rule in veto.rules]   # one pass; the rest reads only these
    fails = _distinct_failures(results, veto.rules, veto.column_types, veto.evidence)
    count = len(fails)
    in_scope = [r for r in results if r.status != "not_applicable" and _matches(r, veto.rules, veto.column_types)]
    return VetoCheck(
        id=veto.id, name=veto.name, rules=list(veto.rules), count=count, min_count=veto.min_count,
        hit=count >= veto.min_count, warning=veto.warn_at is not None and veto.warn_at <= count < veto.min_count,
        subjects=sorted({f.subject for f in fails}), source=veto.source.text(), status=veto.source.status,
        examined=len(in_scope), unknown=sum(1 for r in in_scope if r.status == "unknown"), note=veto.note)


def _deduction_findings(entry: Deduction, results: Sequence[Outcome]) -> int:
    return len(_distinct_failures(results, [entry.rule], entry.column_types))


def _examined(entry: Deduction, results: Sequence[Outcome]) -> bool:
    return any(r.status in ("pass", "fail") and _matches(r, [entry.rule], entry.column_types) for r in results)


def _by_rule(results: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    """A site's results per rule, each list in the results' order: every deduction reads one rule's."""
    grouped: dict[str, list[Outcome]] = {}
    for r in results:
        grouped.setdefault(r.rule, []).append(r)
    return grouped


def score_indicators(system: IndicatorSystem, results: Sequence[Outcome], scored: bool) -> list[IndicatorScore]:
    out = []
    of_rule = _by_rule(results)
    for group, ind in system.indicators():
        by_rule: Counter[str] = Counter()
        raw = 0.0
        for entry in ind.deductions:
            n = _deduction_findings(entry, of_rule.get(entry.rule, []))
            by_rule[entry.rule] += n
            raw += n * entry.per_finding
        out.append(IndicatorScore(
            group=group.name, id=ind.id, name=ind.name, points=ind.points, status=ind.status,
            findings=sum(by_rule.values()), by_rule=dict(by_rule),
            checked=any(_examined(e, of_rule.get(e.rule, [])) for e in ind.deductions),
            deducted=round(min(raw, ind.points), 2) if scored else None, note=ind.note))
    return out


def coverage(results: Sequence[Outcome]) -> tuple[float | None, list[str], int]:
    """Share of examined rules that decided something; the undecided rules; decided count."""
    examined = {r.rule for r in results if r.status in ("pass", "fail", "unknown")}
    decided = {r.rule for r in results if r.status in ("pass", "fail")}
    if not examined:
        return None, [], 0
    return len(decided) / len(examined), sorted(examined - decided), len(decided)


def interpretation_rate(rule: str | None, results: Sequence[Outcome]) -> dict[str, Any] | None:
    """解读率: policies with an interpretation / policies whose interpretation is due."""
    if not rule:
        return None
    passed = sum(1 for r in results if r.rule == rule and r.status == "pass")
    due = passed + sum(1 for r in results if r.rule == rule and r.status == "fail")
    if not due:
        return None
    return {"interpreted": passed, "due": due, "rate": round(passed / due, 4)}


def earned_bonus(system: IndicatorSystem, site: str, results: Sequence[Outcome]) -> list[tuple[str, float]]:
    """Bonus items a site earned: a supervisor's award, or all decided results of its rules pass."""
    earned = []
    for item in system.bonus.items:
        if site in item.sites:
            earned.append((item.name, item.points))
            continue
        if not item.rules:
            continue
        decided = [r for r in results if r.rule in item.rules and r.status in ("pass", "fail")]
        covered = {r.rule for r in decided} == set(item.rules)
        if covered and all(r.status == "pass" for r in decided):
            earned.append((item.name, item.points))
    return earned


def _unscored_rules(system: IndicatorSystem, results: Sequence[Outcome]) -> list[str]:
    mapped = {rule for v in system.veto for rule in v.rules}
    mapped |= {d.rule for _, ind in system.indicators() for d in ind.deductions}
    return sorted({r.rule for r in results if r.status == "fail" and r.rule not in mapped})


# -- a site --------------------------------------------------------------------------------------

def score_site(system: IndicatorSystem, site: dict[str, Any], results: Sequence[Outcome]) -> SiteScore:
    of_rule = _by_rule(results)   # each veto reads its rules' results, not the site's every one
    vetoes = [check_veto(v, [r for rule in dict.fromkeys(v.rules) for r in of_rule.get(rule, ())])
              for v in system.veto]
    hits = [v for v in vetoes if v.hit]
    share, undecided, decided = coverage(results)
    rules_ok = decided >= system.assessable.min_decided_rules
    # a veto the undecided results could trip leaves no grade to give: 合格 might hide a 否决
    assessable = (rules_ok and (share is not None and share >= system.assessable.min_rule_coverage)
                  and not any(v.undecided for v in vetoes))
    scored = assessable and not hits
    indicators = score_indicators(system, results, scored)
    deduction_score = bonus = score = None
    bonus_items: list[str] = []
    if scored:
        deduction_score = round(system.total - sum(i.deducted or 0 for i in indicators), 2)
        earned = earned_bonus(system, site["site"], results)
        bonus_items = [name for name, _ in earned]
        gated = deduction_score > system.bonus_gate
        bonus = round(min(system.bonus.max, sum(p for _, p in earned)), 2) if gated else 0.0
        score = round(deduction_score + bonus, 2)
    if hits:
        grade = system.grades.fail
    elif not assessable:
        grade = system.grades.unassessable
    else:
        grade = system.grades.passed if (deduction_score or 0) >= system.pass_line else system.grades.fail
    return SiteScore(
        site=site["site"], name=site.get("name") or site["site"], kind=site.get("kind"), grade=grade,
        assessable=assessable, vetoed=bool(hits), veto_rules=sorted({r for v in hits for r in v.rules}),
        vetoes=vetoes, deduction_score=deduction_score, bonus=bonus or 0.0, bonus_items=bonus_items,
        score=score, indicators=indicators, rule_counts=rule_counts(results),
        coverage=None if share is None else round(share, 4), undecided_rules=undecided,
        unscored_rules=_unscored_rules(system, results),
        interpretation=interpretation_rate(system.interpretation_rate_rule, results))


# -- all sites -------------------------------------------------------------------------------------

def rank(scores: list[SiteScore]) -> list[SiteScore]:
    """Competition ranking (1, 1, 3) of scored sites; vetoed and 无法评估 sites follow, unranked.

    Returns the sites in report order: ranked by score, then vetoed, then unassessable, each by id.
    """
    ranked = sorted((s for s in scores if s.score is not None), key=lambda s: (-s.score, s.site))
    previous, position = None, 0
    for n, s in enumerate(ranked, start=1):
        if s.score != previous:
            previous, position = s.score, n
        s.rank = position
    vetoed = sorted((s for s in scores if s.score is None and s.vetoed), key=lambda s: s.site)
    rest = sorted((s for s in scores if s.score is None and not s.vetoed), key=lambda s: s.site)
    for s in (*vetoed, *rest):
        s.rank = None
    return [*ranked, *vetoed, *rest]


def mark_provisional(system: IndicatorSystem, scores: list[SiteScore]) -> None:
    """An unfinished crawl grades nobody: fewer pages mean fewer findings, so a 合格 would lie.

    The numbers stay (they are what was seen, labelled 暂计), the grade becomes 未完成 and no
    site is ranked.
    """
    for s in scores:
        s.grade, s.rank, s.provisional = system.grades.incomplete, None, True


def score_audit(system: IndicatorSystem, sites: list[dict[str, Any]], results: Sequence[Outcome],
                complete: bool = True) -> list[SiteScore]:
    """Score and rank every site of an audit; ``complete=False`` when its crawl did not finish."""
    per_site: dict[str, list[Outcome]] = {s["site"]: [] for s in sites}
    for r in results:
        per_site.setdefault(r.site, []).append(r)
    known = {s["site"]: s for s in sites}
    scores = rank([score_site(system, known.get(site, {"site": site}), rows) for site, rows in per_site.items()])
    if not complete:
        mark_provisional(system, scores)
    return scores


def reference_scores(system: IndicatorSystem, sites: list[dict[str, Any]], results: Sequence[Outcome],
                     vetoed: Iterable[str]) -> dict[str, SiteScore]:
    """For each vetoed site, the score it would have had without its vetoes (参考得分).

    A veto ends the scoring (指标说明), yet a supervisor comparing sites and a webmaster fixing the
    rest both ask how far the site is from passing otherwise; the answer is labelled 参考, never a grade.
    """
    wanted = set(vetoed)
    if not wanted:
        return {}
    unvetoed = system.model_copy(update={"veto": []})
    known = {s["site"]: s for s in sites}
    out = {}
    for site in sorted(wanted):
        rows = [r for r in results if r.site == site]
        out[site] = score_site(unvetoed, known.get(site, {"site": site}), rows)
    return out
