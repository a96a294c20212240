"""The report stage: one audit of the store → findings.json, scores.json, scorecards, workbook."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.store import Store, now_iso

from .dataset import AuditData, load_audit
from .errors import ReportError
from .export import findings, scores_document, write_json
from .indicators import load_indicators
from .rulemeta import load_rule_meta
from .scorecard import write_scorecards
from .scoring import SiteScore, score_audit
from .workbook import write_workbook

SITE_ID = re.compile(r"^[a-z0-9_-]+$")


@dataclass(frozen=True)
class ReportPaths:
    out_dir: Path
    findings: Path
    scores: Path
    scorecard: Path
    workbook: Path
    site_pages: dict[str, Path] = field(default_factory=dict)


def _check_site_ids(data: AuditData) -> None:
    """Site ids are validated upstream; checked again because they become file names."""
    for site in {s["site"] for s in data.sites} | {r.site for r in data.results}:
        if not SITE_ID.match(site or ""):
            raise ReportError(f"site id {site!r} is not [a-z0-9_-]+")


def _attach_errors(data: AuditData, scores: list[SiteScore]) -> None:
    per_site: dict[str, Counter[str]] = {}
    for e in data.errors:
        if e["site"]:
            per_site.setdefault(e["site"], Counter())[e["stage"] or "unknown"] += 1
    for s in scores:
        s.errors = dict(sorted(per_site.get(s.site, Counter()).items()))


def write_reports(store: Store, audit_id: int, out_dir: Path, indicators_path: Path | None = None,
                  rules_path: Path | None = None) -> ReportPaths:
    """Score one audit and write every report file under ``out_dir``."""
    system = load_indicators(indicators_path)
    data = load_audit(store, audit_id, load_rule_meta(rules_path))
    _check_site_ids(data)
    scores = score_audit(system, data.sites, data.results, complete=data.state.complete)
    _attach_errors(data, scores)
    generated_at = now_iso()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    index, pages = write_scorecards(out_dir / "scorecard", data, system, scores, generated_at)
    return ReportPaths(
        out_dir=out_dir,
        findings=write_json(out_dir / "findings.json", findings(data)),
        scores=write_json(out_dir / "scores.json", scores_document(data, system, scores, generated_at)),
        scorecard=index,
        workbook=write_workbook(out_dir / "report.xlsx", data, scores),
        site_pages=pages,
    )
