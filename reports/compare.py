"""季度对比: this audit's findings against a previous report's, by finding id.

A finding is 新增 (``new``) or 仍存在 (``persisting``).  A previous finding that is gone is
已整改 (``fixed``) only when this audit examined the same subject again (same site, rule, subject
and period, hence the same id) and it passed; a page the crawl did not reach this time, or a
check that could not decide, proves nothing — that finding is 无法确认 (``unconfirmed``).
The previous report is read only through its findings.json and scores.json (the contract), so any
earlier gongkai output directory can be compared with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import outputs
from .cards import Finding, finding_id
from .dataset import AuditData
from .errors import ReportError
from .export import NotAList, read_json_list
from .scoring import SiteScore

CHANGE_LABELS = {"new": "新增", "persisting": "仍存在", "fixed": "已整改", "unconfirmed": "无法确认"}


def _read(path: Path) -> Any:
    """A small JSON file of the previous report (scores.json), None when it has none."""
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot be read as JSON ({exc})") from None


SHOWN = ("site", "rule", "title", "subject", "period", "severity")   # of a previous finding, in changes.json


def _previous_findings(path: Path) -> dict[str, dict[str, Any]]:
    """The previous findings by id, each with only what a comparison shows of it — read one by one:
    a previous quarter's findings.json of 100k pages would take 270 MB as a whole."""
    if not path.is_file():
        raise ReportError(f"{path}: no such file (--compare needs a previous gongkai output directory)")
    before = {}
    try:
        for entry in read_json_list(path):
            if isinstance(entry, dict):
                before[_previous_id(entry)] = {key: entry.get(key) for key in SHOWN}
    except NotAList:
        raise ReportError(f"{path}: not a JSON list of findings") from None
    except (OSError, ValueError) as exc:   # a JSONDecodeError, a UnicodeDecodeError too
        raise ReportError(f"{path}: cannot be read as JSON ({exc})") from None
    return before


def _previous_id(entry: dict[str, Any]) -> str:
    """A previous finding's id; findings.json written before ids existed gets one computed alike."""
    if isinstance(entry.get("id"), str):
        return entry["id"]
    return finding_id(str(entry.get("site", "")), str(entry.get("rule", "")), str(entry.get("subject", "")),
                      entry.get("period"))


@dataclass
class Comparison:
    """The outcome of comparing two audits; ``document`` is changes.json."""

    compared_with: dict[str, Any]
    change: dict[str, str]                     # current finding id → new | persisting
    gone: list[dict[str, Any]]                 # previous findings absent now, each with its state
    sites: list[dict[str, Any]] = field(default_factory=list)
    audit_complete: bool = True

    def ids(self, state: str) -> list[str]:
        if state in ("new", "persisting"):
            return sorted(i for i, s in self.change.items() if s == state)
        return sorted(g["id"] for g in self.gone if g["change"] == state)

    def document(self) -> dict[str, Any]:
        return {"compared_with": self.compared_with, "audit_complete": self.audit_complete,
                **{state: self.ids(state) for state in ("new", "persisting", "fixed", "unconfirmed")},
                "gone": self.gone, "sites": self.sites}

    def for_site(self, site: str) -> list[dict[str, Any]]:
        return [g for g in self.gone if g["site"] == site]

    def site(self, site: str) -> dict[str, Any] | None:
        return next((s for s in self.sites if s["id"] == site), None)


def _score_changes(previous: dict[str, Any] | None, scores: list[SiteScore]) -> list[dict[str, Any]]:
    before = {s.get("id"): s for s in (previous or {}).get("sites", []) if isinstance(s, dict)}
    out = []
    for s in sorted(scores, key=lambda s: s.site):
        old = before.get(s.site) or {}
        prev_score = old.get("score")
        delta = round(s.score - prev_score, 2) if isinstance(prev_score, int | float) and s.score is not None else None
        out.append({"id": s.site, "name": s.name, "score": s.score, "previous_score": prev_score, "delta": delta,
                    "grade": s.grade, "previous_grade": old.get("grade")})
    return out


def compare(previous_dir: Path, current: list[Finding], data: AuditData, scores: list[SiteScore]) -> Comparison:
    """Mark every current finding and every vanished previous one (see the module docstring)."""
    previous_dir = Path(previous_dir)
    before = _previous_findings(previous_dir / outputs.FINDINGS)
    prev_scores = _read(previous_dir / outputs.SCORES)
    passed = {finding_id(r.site, r.rule, r.subject, r.period) for r in data.results if r.status == "pass"}
    now = {f.id for f in current}
    gone = []
    for fid in sorted(set(before) - now):
        state = "fixed" if fid in passed else "unconfirmed"
        gone.append({"id": fid, "change": state, **before[fid]})
    audit = (prev_scores or {}).get("audit") or {}
    return Comparison(
        compared_with={"path": str(previous_dir), "name": audit.get("name"), "period": audit.get("period"),
                       "as_of": audit.get("as_of")},
        change={f.id: ("persisting" if f.id in before else "new") for f in current},
        gone=gone, sites=_score_changes(prev_scores, scores), audit_complete=data.state.complete)
