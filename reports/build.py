"""The report stage: one audit of the store → findings.json, scores.json, snapshots, scorecards, workbook."""

from __future__ import annotations

import contextlib
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gongkai import processes as proc
from gongkai.store import Store, now_iso

from . import atomic, outputs
from .cards import findings as finding_list
from .compare import compare
from .dataset import AuditData, load_audit
from .errors import ReportError
from .export import findings, scores_document, write_json, write_json_list
from .indicators import check_rule_ids, load_indicators
from .model import ReportModel, priority
from .rulemeta import audit_rule_meta, load_rule_meta
from .scorecard import write_scorecards
from .scoring import SiteScore, reference_scores, score_audit
from .snapshots import DEFAULT_BUDGET, Rendering, rendering
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
    changes: Path | None = None


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


@functools.cache
def _bundled_rule_ids() -> frozenset[str]:
    """The bundled rulebook's rule ids (read only for a rule in neither the store nor ``--rules``)."""
    return frozenset(load_rule_meta())


def score_model(store: Store, audit_id: int, indicators_path: Path | None = None, rules_path: Path | None = None,
                compare_with: Path | None = None) -> ReportModel:
    """Score the audit, give findings ids, compare with a previous report: the model without its snapshots."""
    system = load_indicators(indicators_path)
    data = load_audit(store, audit_id, audit_rule_meta(store, audit_id, rules_path))
    check_rule_ids(system, indicators_path, lambda rule: rule in data.rules or rule in _bundled_rule_ids())
    _check_site_ids(data)
    scores = score_audit(system, data.sites, data.results, complete=data.state.complete)
    _attach_errors(data, scores)
    items = finding_list(data)
    return ReportModel(
        data=data, system=system, scores=scores, generated_at=now_iso(),
        references=reference_scores(system, data.sites, data.results, [s.site for s in scores if s.vetoed]),
        findings=items, comparison=compare(compare_with, items, data, scores) if compare_with else None)


def _rendering(model: ReportModel, store: Store, out_dir: Path, files: atomic.Batch, budget: int,
               processes: int | None) -> contextlib.AbstractContextManager[Rendering]:
    return rendering(out_dir, store, model.data.audit["id"], priority(model.findings, model.system, model.data),
                     model.data.state, files, budget, proc.PROCESSES if processes is None else processes)


def build_model(store: Store, audit_id: int, out_dir: Path, snapshot_files: atomic.Batch,
                indicators_path: Path | None = None, rules_path: Path | None = None,
                compare_with: Path | None = None, snapshot_budget: int = DEFAULT_BUDGET,
                processes: int | None = None) -> ReportModel:
    """:func:`score_model`, then its snapshots written (through ``snapshot_files``, which the caller commits)."""
    model = score_model(store, audit_id, indicators_path, rules_path, compare_with)
    with _rendering(model, store, out_dir, snapshot_files, snapshot_budget, processes) as pending:
        model.rendered = pending.finish()
    return model


FORK_AFTER = 200   # findings from which the files other than the workbook are written in a forked process


@dataclass(frozen=True)
class _Files:
    """The report's files other than the workbook (and the snapshots)."""

    scorecard: Path
    site_pages: dict[str, Path]
    findings: Path
    scores: Path
    changes: Path | None


def _write_files(model: ReportModel, out_dir: Path) -> _Files:
    """The scorecards, changes.json, findings.json and scores.json of a model whose snapshots are written."""
    index, pages = write_scorecards(out_dir / outputs.SCORECARD, model)
    changes = None
    if model.comparison is not None:
        changes = write_json(out_dir / outputs.CHANGES, model.comparison.document())
    return _Files(
        scorecard=index, site_pages=pages, changes=changes,
        findings=write_json_list(out_dir / outputs.FINDINGS,
                                 findings(model.data, model.system, model.findings, model.snapshots, model.changes)),
        scores=write_json(out_dir / outputs.SCORES, scores_document(
            model.data, model.system, model.scores, model.generated_at, model.references)))


def _write_files_held(model: ReportModel, out_dir: Path) -> tuple[_Files, atomic.Renames]:
    """:func:`_write_files` with every rename held back (the fork's part: the report renames them
    once its workbook and snapshots are in place, so a failed report replaces none of them)."""
    with atomic.held() as renames:
        files = _write_files(model, out_dir)
    return files, list(renames)


def _fork_files(model: ReportModel, out_dir: Path) -> proc.Forked[tuple[_Files, atomic.Renames]] | None:
    """The files other than the workbook, being written in a forked process; None when no process
    can be had (a memory or process limit): they are then written here after the workbook."""
    try:
        return proc.Forked(lambda: _write_files_held(model, out_dir))
    except OSError:
        return None


def _files_from(alongside: proc.Forked[tuple[_Files, atomic.Renames]], model: ReportModel, out_dir: Path,
                held: atomic.Renames) -> _Files:
    """The fork's files, their renames added to ``held`` — or written here when the fork failed:
    killed (out of memory), or with an error that did not survive the way back; a real one (a
    full disk) is met again here and raised as the report's own."""
    try:
        files, renames = alongside.result()
    except Exception:  # noqa: BLE001 - whatever it was, writing here says it truly or succeeds
        atomic.remove_temporaries(out_dir, alongside.pid)
        return _write_files(model, out_dir)
    held.extend(renames)
    return files


def write_reports(store: Store, audit_id: int, out_dir: Path, indicators_path: Path | None = None,
                  rules_path: Path | None = None, compare_with: Path | None = None,
                  snapshot_budget: int = DEFAULT_BUDGET, processes: int | None = None) -> ReportPaths:
    """Score one audit and write every report file under ``out_dir``.

    The snapshots are rendered (in up to ``processes`` worker processes, default one per core)
    while the workbook's sheets that show none are written, and are in place before the
    scorecards that link them.  With more than one process, a report of ``FORK_AFTER`` findings
    or more then writes its scorecards and JSON files in a forked process while the workbook's
    last sheets are written and it is compressed (:class:`gongkai.processes.Forked`).  Every file
    — the snapshots and their index, the workbook, the scorecards, the JSON files — is written
    under its temporary name and all are renamed together once the last is written: a report
    that fails replaces none of them, so the outputs never mix two runs."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = score_model(store, audit_id, indicators_path, rules_path, compare_with)
    processes = proc.PROCESSES if processes is None else processes
    alongside: proc.Forked[tuple[_Files, atomic.Renames]] | None = None
    snapshot_files, renames = atomic.Batch(), []
    try:
        with atomic.held() as renames:
            with _rendering(model, store, out_dir, snapshot_files, snapshot_budget, processes) as pending:
                def snapshots_written() -> None:
                    nonlocal alongside
                    model.rendered = pending.finish()
                    if processes > 1 and len(model.findings) >= FORK_AFTER and proc.can_fork():
                        alongside = _fork_files(model, out_dir)
                workbook = write_workbook(out_dir / outputs.WORKBOOK, model, ready=snapshots_written)
            files = (_files_from(alongside, model, out_dir, renames) if alongside is not None
                     else _write_files(model, out_dir))
        atomic.rename_all([*snapshot_files.hand_over(), *renames])   # the snapshots before the pages linking them
    except BaseException:
        snapshot_files.abort()
        for tmp, _ in renames:     # written, never renamed: the old outputs stay whole
            tmp.unlink(missing_ok=True)
        if alongside is not None:   # killed, maybe mid-write: what it had written goes too
            alongside.abort()
            atomic.remove_temporaries(out_dir, alongside.pid)
        raise
    return ReportPaths(out_dir=out_dir, findings=files.findings, scores=files.scores, scorecard=files.scorecard,
                       workbook=workbook, site_pages=files.site_pages, changes=files.changes)
