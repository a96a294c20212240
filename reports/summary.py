"""Audit-wide figures for the index and the 通报: counts, 合格率, vetoes by kind, top problems, charts.

A 政府办公厅 reading a hundred sites wants the totals first and the sites second; the 通报 page
forwards the same totals.  One function computes them so the two pages never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .export import unchecked_share
from .model import ReportModel

BINS = tuple(range(0, 100, 10))        # score histogram: [0,10) … [90,100]
TOP = 10
HEAT_LEVELS = 5                        # colour steps of the heat map


@dataclass
class Summary:
    sites: int
    passed: int
    failed: int
    vetoed: int
    unassessable: int
    provisional: int
    findings: int
    veto_kinds: list[tuple[str, int]]
    top_problems: list[dict[str, Any]]
    histogram: list[dict[str, Any]]
    unchecked: float | None
    heat_columns: list[dict[str, Any]] = field(default_factory=list)
    heat_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def graded(self) -> int:
        return self.passed + self.failed

    @property
    def pass_rate(self) -> float | None:
        """合格 among the sites that got 合格 or 不合格 (无法评估 and 未完成 are not in the denominator)."""
        return self.passed / self.graded if self.graded else None


def _top_problems(model: ReportModel) -> list[dict[str, Any]]:
    findings: Counter[str] = Counter()
    sites: dict[str, set[str]] = {}
    for f in model.findings:
        findings[f.row.rule] += 1
        sites.setdefault(f.row.rule, set()).add(f.row.site)
    ranked = sorted(findings, key=lambda r: (-len(sites[r]), -findings[r], r))[:TOP]
    return [{"rule": r, "title": model.data.rule(r).title, "sites": len(sites[r]), "findings": findings[r]}
            for r in ranked]


def _histogram(model: ReportModel) -> list[dict[str, Any]]:
    counts = Counter(min(int(s.score // 10) * 10, 90) for s in model.scores if s.score is not None)
    return [{"label": f"{b}–{b + 10}" if b < 90 else "90–100", "count": counts.get(b, 0)} for b in BINS]


def _heat(model: ReportModel) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Site × indicator: share of each indicator's points lost (a vetoed site: its reference deductions)."""
    columns = [{"id": i.id, "name": i.name, "points": i.points} for _, i in model.system.indicators()]
    rows = []
    for s in model.scores:
        source = model.references.get(s.site) or s
        cells = []
        for i in source.indicators:
            if not i.checked:
                cells.append({"text": "未检查", "level": "na"})
                continue
            lost = i.deducted if i.deducted is not None else 0.0
            level = min(HEAT_LEVELS - 1, round(HEAT_LEVELS * lost / i.points)) if lost else 0
            cells.append({"text": f"-{lost:g}" if lost else "0", "level": level})
        rows.append({"score": s, "cells": cells})
    return columns, rows


def summarize(model: ReportModel) -> Summary:
    grades = model.system.grades
    scores = model.scores
    shares = [u for u in (unchecked_share(s) for s in scores) if u is not None]
    vetoes = Counter(v.name for s in scores for v in s.vetoes if v.hit)
    columns, rows = _heat(model)
    return Summary(
        sites=len(scores), passed=sum(1 for s in scores if s.grade == grades.passed),
        failed=sum(1 for s in scores if s.grade == grades.fail), vetoed=sum(1 for s in scores if s.vetoed),
        unassessable=sum(1 for s in scores if s.grade == grades.unassessable),
        provisional=sum(1 for s in scores if s.provisional), findings=len(model.findings),
        veto_kinds=sorted(vetoes.items(), key=lambda kv: (-kv[1], kv[0])), top_problems=_top_problems(model),
        histogram=_histogram(model), unchecked=round(sum(shares) / len(shares), 4) if shares else None,
        heat_columns=columns, heat_rows=rows)
