"""The machine-readable outputs: findings.json (a contract) and scores.json.

findings.json is a JSON array and stays one (outside tools iterate it); each finding carries
``audit_complete`` so no finding of an unfinished crawl reads as final.  scores.json says the same
at the top (``audit.complete``) with the crawl's state and close reason.  Every string is written
with invisible and control characters shown as ``⟨U+202E⟩`` (gongkai.text.visible_controls), and
every file is replaced atomically.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gongkai import __version__
from gongkai.text import visible_controls

from . import atomic
from .cards import Finding, charge_of, veto_of
from .coverage import SiteCoverage
from .dataset import AuditData
from .indicators import IndicatorSystem
from .scoring import IndicatorScore, SiteScore, VetoCheck


def finding(data: AuditData, system: IndicatorSystem, f: Finding, snapshot: dict[str, Any] | None = None,
            change: str | None = None) -> dict[str, Any]:
    """One finding as findings.json shows it: id, the result, its rule's metadata, its indicator.

    Nothing volatile: evidence is :func:`reports.cards.stable`, fetch times live in the snapshot
    record.  ``snapshot`` is present when a page behind the finding was stored, ``change`` only
    when the report compares with a previous one.
    """
    r, meta = f.row, data.rule(f.row.rule)
    charge, veto = charge_of(system, r.rule, r.column_type), veto_of(system, r.rule, r.column_type, r.evidence)
    out: dict[str, Any] = {
        "id": f.id, "site": r.site, "rule": r.rule, "subject": r.subject, "period": r.period,
        "severity": meta.severity, "title": meta.title, "message": r.message or meta.title,
        "reason": r.reason, "evidence": f.evidence, "source": meta.source_text,
        "sources": [dict(s) for s in meta.sources], "remediation": meta.remediation,
        "indicator": {"kind": charge.kind, "id": charge.indicator or None, "name": charge.name or None,
                      "per_finding": charge.per_finding if charge.kind == "deduction" else None},
        "veto": {"id": veto.indicator, "name": veto.name, "threshold": veto.threshold} if veto else None,
        "audit_complete": data.state.complete,
    }
    if snapshot is not None:
        out["snapshot"] = snapshot
    if change is not None:
        out["change"] = change
    return out


def findings(data: AuditData, system: IndicatorSystem, items: list[Finding],
             snapshots: dict[str, dict[str, Any]] | None = None,
             changes: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Every finding, sorted by site, rule, subject, period (stable across runs), one at a time."""
    snapshots, changes = snapshots or {}, changes or {}
    return (finding(data, system, f, snapshots.get(f.id), changes.get(f.id)) for f in items)


def severity_counts(data: AuditData) -> dict[str, Counter[str]]:
    """Per site: number of findings by severity."""
    out: dict[str, Counter[str]] = {}
    for r in data.failures:
        out.setdefault(r.site, Counter())[data.rule(r.rule).severity] += 1
    return out


def _veto(v: VetoCheck) -> dict[str, Any]:
    return {"id": v.id, "name": v.name, "rules": v.rules, "hit": v.hit, "warning": v.warning,
            "count": v.count, "threshold": v.min_count, "subjects": v.subjects, "source": v.source,
            "status": v.status, "verdict": v.verdict, "unknown": v.unknown}


def _deduction(i: IndicatorScore) -> dict[str, Any]:
    return {"group": i.group, "indicator": i.id, "name": i.name, "points": i.deducted, "cap": i.points,
            "findings": i.findings, "by_rule": i.by_rule, "checked": i.checked, "status": i.status}


def _summary(s: SiteScore) -> dict[str, int]:
    totals = Counter()
    for counts in s.rule_counts.values():
        totals.update(counts)
    return {"results": totals["total"], "checked": totals["total"] - totals["not_applicable"], "pass": totals["pass"], "fail": totals["fail"],
            "not_applicable": totals["not_applicable"], "unknown": totals["unknown"]}


def site_entry(s: SiteScore, severities: Counter[str], crawl: SiteCoverage,
               reference: SiteScore | None = None) -> dict[str, Any]:
    """One site of scores.json; ``coverage`` is the share of rules decided, ``crawl_coverage`` the columns.

    ``reference_score`` is what a vetoed site would have scored without its vetoes (参考, no grade).
    """
    return {
        "id": s.site, "name": s.name, "kind": s.kind, "rank": s.rank, "score": s.score, "grade": s.grade,
        "assessable": s.assessable, "vetoed": s.vetoed, "veto_rules": s.veto_rules,
        "vetoes": [_veto(v) for v in s.vetoes if v.hit or v.warning or v.undecided],
        "deduction_score": s.deduction_score, "bonus": s.bonus, "bonus_items": s.bonus_items,
        "deductions": [_deduction(i) for i in s.indicators], "unchecked_points": s.unchecked_points,
        "unchecked_share": unchecked_share(s), "reference_score": reference.score if reference else None,
        "findings": s.findings, "findings_by_severity": dict(sorted(severities.items())),
        "results": s.rule_counts, "summary": _summary(s),
        "interpretation_rate": s.interpretation, "coverage": s.coverage,
        "undecided_rules": s.undecided_rules, "unscored_rules": s.unscored_rules, "errors": s.errors,
        "provisional": s.provisional, "crawl_coverage": crawl.as_json(),
    }


def unchecked_share(s: SiteScore) -> float | None:
    """Share of the indicator points no result examined (0.4 when 办事服务 and 互动交流 were not checked)."""
    total = sum(i.points for i in s.indicators)
    return round(s.unchecked_points / total, 4) if total else None


def completeness(data: AuditData) -> dict[str, Any]:
    """How complete the audit is: the crawl's state and, over all sites, the columns crawled whole."""
    columns = [c for cov in data.coverage.values() for c in cov.columns]
    return {**data.state.as_json(), "sites": len(data.coverage),
            "sites_all_columns_complete": sum(1 for cov in data.coverage.values() if cov.complete),
            "columns": len(columns), "columns_complete": sum(1 for c in columns if c.state == "complete")}


def scores_document(data: AuditData, system: IndicatorSystem, scores: list[SiteScore],
                    generated_at: str, references: dict[str, SiteScore] | None = None) -> dict[str, Any]:
    severities = severity_counts(data)
    references = references or {}
    return {
        "audit": {"id": data.audit["id"], "name": data.audit["name"], "period": data.audit["period"],
                  "as_of": data.audit["as_of"], **data.state.as_json()},
        "completeness": completeness(data),
        "tool": {"name": "gongkai", "version": __version__},
        "generated_at": generated_at,
        "indicators": {"name": system.name, "source": system.source.text(), "total": system.total,
                       "pass_line": system.pass_line, "bonus_gate": system.bonus_gate,
                       "bonus_max": system.bonus.max},
        "sites": [site_entry(s, severities.get(s.site, Counter()), data.site_coverage(s.site), references.get(s.site))
                  for s in scores],
        "audit_errors": sum(1 for e in data.errors if not e["site"]),
    }


def visible(value: Any) -> Any:
    """``value`` with every string (keys too) passed through visible_controls, for JSON output."""
    if isinstance(value, str):
        return visible_controls(value)
    if isinstance(value, dict):
        return {visible(k): visible(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [visible(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return visible_controls(str(value))


def json_text(value: Any) -> str:
    """The text :func:`write_json` writes, as one string (for a small file written in a batch)."""
    return json.dumps(visible(value), ensure_ascii=False, indent=2) + "\n"


def write_json_list(path: Path, items: Iterable[Any]) -> Path:
    """A JSON list written item by item — the same text :func:`write_json` gives the whole list —
    so the findings of a large audit are never all built, nor copied by :func:`visible`, at once."""
    def save(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write("[")
            empty = True
            for item in items:
                fh.write("\n  " if empty else ",\n  ")
                # an encoded item has no raw newline inside its strings: each of its lines moves in by 2
                fh.write(json.dumps(visible(item), ensure_ascii=False, indent=2).replace("\n", "\n  "))
                empty = False
            fh.write("]\n" if empty else "\n]\n")
    return atomic.replace(path, save)


READ_CHUNK = 1 << 20   # characters read at a time by read_json_list


class NotAList(ValueError):
    """A JSON file whose text is not a list at all (an object, a number, nothing)."""


_BLANK = " \t\n\r"


class _ListReader:
    """The text of a JSON list file, read a chunk at a time: a window, the position in it, and
    whether the file has ended."""

    def __init__(self, fh: Any, chunk: int) -> None:
        self.fh, self.chunk = fh, chunk
        self.buf, self.pos, self.ended = "", 0, False

    def more(self) -> bool:
        """Read the next chunk (dropping what was used); False at the end of the file."""
        text = "" if self.ended else self.fh.read(self.chunk)
        if not text:
            self.ended = True
            return False
        self.buf, self.pos = self.buf[self.pos:] + text, 0
        return True

    def next_char(self) -> str:
        """The next character that is not a blank ("" at the end of the file), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _BLANK:
                self.pos += 1
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos:self.pos + 1]

    def value(self, decoder: json.JSONDecoder) -> Any:
        """The JSON value starting here.  It is taken only when a ',' or ']' follows it in the
        window, else read again with more text: a value cut by the window decodes wrong (``2.5``
        of ``2.5e10``) or not at all."""
        self.next_char()
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self.more():
                    continue
                raise
            follow = end
            while follow < len(self.buf) and self.buf[follow] in _BLANK:
                follow += 1
            if (follow < len(self.buf) and self.buf[follow] in ",]") or not self.more():
                self.pos = end
                return value


def read_json_list(path: Path, chunk: int = READ_CHUNK) -> Iterator[Any]:
    """The items of a JSON list file one at a time — what ``json.load`` gives, without holding the
    whole list: a previous quarter's findings.json of 100k pages is 68 MB of text and 270 MB as
    Python objects.  Raises ValueError (``json.JSONDecodeError`` or a plain one) where the text is
    not one JSON list (:class:`NotAList` when it does not even begin as one)."""
    decoder = json.JSONDecoder()
    with Path(path).open(encoding="utf-8") as fh:
        text = _ListReader(fh, chunk)
        if text.next_char() != "[":
            raise NotAList(f"{path}: not a JSON list")
        text.pos += 1
        if text.next_char() == "]":
            text.pos += 1
        else:
            while True:
                yield text.value(decoder)
                after = text.next_char()
                text.pos += 1
                if after == "]":
                    break
                if after != ",":
                    raise ValueError(f"{path}: expected ',' or ']' after an item of the list")
        if text.next_char():
            raise ValueError(f"{path}: extra data after the list")


def write_json(path: Path, value: Any) -> Path:
    """UTF-8 JSON, controls shown visibly, written atomically — and chunk by chunk: the findings of
    a large audit are not built as one string first (the text is what ``json.dumps`` gives)."""
    def save(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(visible(value)):
                fh.write(chunk)
            fh.write("\n")
    return atomic.replace(path, save)
