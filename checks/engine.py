"""Load the rulebook and run it over one audit: every rule's kind, for every site.

The engine knows no rule.  It reads ``config/rules.yaml`` (or another file), validates it with
line numbers in errors — each rule's ``params`` and every override block against its kind's
parameter model — asks each rule's kind for results, words each failure from the rule's Chinese
template, and replaces each site's results in the store in one transaction.  It stores the
metadata of the rules it ran with the audit, so reports need nothing but the store.  A crash
inside one kind for one site is recorded in ``errors`` and the rest goes on.
"""

from __future__ import annotations

import pickle
import string
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml
from pydantic import ValidationError

from gongkai import store as st
from gongkai import yamlfile
from gongkai.checks.registry import Kind, load_kinds
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import STATUSES, Result
from gongkai.vocab import config_path

MISSING = "—"   # shown for a template key the evidence does not have


class RulesError(Exception):
    """A rules file that cannot be used; the message is one line naming file:line:field."""


# -- loading ---------------------------------------------------------------------------------

def _rule_entries(name: str, data: Any) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesError(f"{name}:1: top level: expected a mapping with a list under 'rules'")
    return data["rules"]


def _param_blocks(rule: Rule) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(location under the rule, block) of ``params`` and of every override block."""
    yield ("params",), rule.params
    for kind, block in rule.params_by_kind.items():
        yield ("params_by_kind", kind), block
    for region, block in rule.params_by_region.items():
        yield ("params_by_region", region), block


def _param_problem(name: str, root: yaml.Node, where: tuple[Any, ...], exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = tuple(p for p in err.get("loc", ()) if p != "[key]")   # a bad dict key: name the key
    if err.get("type") == "extra_forbidden":
        message = "unknown parameter"
    else:
        message = str(err.get("msg", "")).removeprefix("Value error, ")
    return yamlfile.problem(name, root, (*where, *loc), message)


def _check_params(name: str, root: yaml.Node, index: int, rule: Rule, kind: Kind) -> None:
    """Every parameter block of a rule must fit its kind's model: a typo is never silently ignored."""
    for where, block in _param_blocks(rule):
        try:
            kind.params.model_validate(block)
        except ValidationError as exc:
            raise RulesError(_param_problem(name, root, ("rules", index, *where), exc)) from None


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Read and validate a rules file (default: the bundled ``config/rules.yaml``).

    Raises :class:`RulesError` with one line such as ``rules.yaml:12: rules[3].kind: unknown
    check kind 'x'`` for unreadable YAML, a bad field, a missing id, a duplicate id, a kind no
    module registers, or a parameter its kind does not take or of the wrong type
    (``rules.yaml:47: rules[2].params_by_region.辽宁.workingdays: unknown parameter``).
    """
    path = Path(path) if path else config_path("rules.yaml")
    name = str(path)
    try:
        data, root = yamlfile.load(path, "rules file")
    except yamlfile.YamlFileError as exc:
        raise RulesError(str(exc)) from None
    entries = _rule_entries(name, data)
    kinds = load_kinds()
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        try:
            rule = Rule.model_validate(entry)
        except ValidationError as exc:
            raise RulesError(yamlfile.validation_problem(name, root, exc, ("rules", i))) from None
        if rule.kind not in kinds:
            raise RulesError(yamlfile.problem(name, root, ("rules", i, "kind"), f"unknown check kind {rule.kind!r} "
                                                                                 f"(known: {', '.join(sorted(kinds))})"))
        if rule.id in seen:
            raise RulesError(yamlfile.problem(name, root, ("rules", i, "id"),
                                              f"duplicate rule id {rule.id!r} (first at rules[{seen[rule.id]}])"))
        _check_params(name, root, i, rule, kinds[rule.kind])
        seen[rule.id] = i
        rules.append(rule)
    return rules


def known_regions(rules: Iterable[Rule]) -> set[str]:
    """Region names any rule's ``params_by_region`` mentions (a site's region is matched by prefix)."""
    return {region for rule in rules for region in rule.params_by_region}


def format_rules_table(rules: list[Rule]) -> list[dict[str, Any]]:
    """One row per rule for ``gongkai rules``: id, kind, severity, veto, title, source status, sources."""
    return [{"id": r.id, "kind": r.kind, "severity": r.severity, "veto": r.veto, "title": r.title,
             "status": r.strongest_status(), "sources": "；".join(s.label() for s in r.source)}
            for r in rules]


# -- messages --------------------------------------------------------------------------------

class _LenientFormatter(string.Formatter):
    """str.format that shows a dash for missing keys and joins lists with 、."""

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str):
            return kwargs.get(key, MISSING)
        return args[key] if key < len(args) else MISSING

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, list | tuple):
            value = "、".join(str(v) for v in value)
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


def format_message(template: str, values: Mapping[str, Any]) -> str:
    """Fill a rule's template; a missing key shows as a dash, a broken template as itself."""
    try:
        return _LenientFormatter().vformat(template, (), values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


# -- running ---------------------------------------------------------------------------------

@dataclass
class CheckSummary:
    """What a check run did: results per rule and status, and contained crashes."""

    audit_id: int
    sites: list[str] = field(default_factory=list)
    rules: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def total(self, status: str) -> int:
        return sum(c[status] for c in self.counts.values())

    @property
    def findings(self) -> int:
        return self.total("fail")


def _row(result: Result, rule: Rule, site: SiteInfo, params: Mapping[str, Any]) -> dict[str, Any]:
    if result.status not in STATUSES:
        raise ValueError(f"status {result.status!r} is not one of {STATUSES}")
    if result.status == "fail":
        values = {**params, "site_name": site.name, "subject": result.subject, "period": result.period,
                  "reason": result.reason, **result.evidence}
        message = format_message(rule.message, values)
    else:
        message = result.reason
    return {"rule": rule.id, "subject": result.subject or site.home, "period": result.period,
            "status": result.status, "reason": result.reason, "message": message,
            "evidence_json": st.to_json(result.evidence)}


SPOOL_MEMORY = 16 * 1024 * 1024   # bytes of a site's pickled result rows kept in memory before disk


class _Spool:
    """A site's result rows, out of the way until the site's one write transaction.

    At scale one site has hundreds of thousands of results; held as dicts until written they were
    most of the check's peak memory.  Each rule's rows are pickled into a temporary file that stays
    in memory while small and moves to disk beyond ``SPOOL_MEMORY``; the store reads them back in
    batches.  Writing them as they come instead would hold the store's write lock (SQLite) for the
    whole site's checking, blocking a crawl or probe that writes to the same store meanwhile.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    @staticmethod
    @contextmanager
    def file() -> Iterator[IO[bytes]]:
        """A temporary file kept in memory up to ``SPOOL_MEMORY`` bytes."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as file:
            yield file  # type: ignore[misc]

    def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            pickle.dump(rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every row added, in order."""
        self._file.seek(0)
        while True:
            try:
                chunk = pickle.load(self._file)
            except EOFError:
                return
            yield from chunk


@dataclass
class SiteOutcome:
    """What judging one site produced, besides its result rows (spooled): counts and contained crashes."""

    site: str
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)   # (rule id, "Type: message")


def judge_site(view: AuditView, site: SiteInfo, rules: list[Rule], file: IO[bytes]) -> SiteOutcome:
    """Run every rule over one site, its result rows pickled into ``file``; nothing is written to the store."""
    kinds = load_kinds()
    answered = any(p["outcome"] == "ok" for p in view.pages(site.site))
    spool, outcome = _Spool(file), SiteOutcome(site.site)
    for rule in rules:
        kind = kinds[rule.kind]
        if rule.needs_crawl and not answered:
            # Nothing was read from the site: every content rule is undecided, never passed or failed.
            produced = [_row(Result(site=site.site, rule=rule.id, subject=site.home, status="unknown",
                                    reason="站点未能抓取到任何页面，无法检查"), rule, site, {})]
        else:
            try:
                params = kind.params_for(rule, site)
                values = params.model_dump()
                produced = [_row(r, rule, site, values) for r in kind.run(view, site, rule, params)]
            except Exception as exc:  # noqa: BLE001 - one kind crashing on one site must not stop the run
                outcome.errors.append((rule.id, f"{type(exc).__name__}: {exc}"))
                continue
        spool.add(produced)
        outcome.counts.setdefault(rule.id, Counter()).update(r["status"] for r in produced)
    return outcome


def store_site(store: st.Store, audit_id: int, outcome: SiteOutcome, file: IO[bytes], summary: CheckSummary) -> None:
    """Record a judged site: its crashes, its counts, and its results replacing the previous run's."""
    for rule_id, message in outcome.errors:
        store.record_error(audit_id, outcome.site, "check", rule_id, message)
        summary.errors.append(f"{outcome.site} {rule_id}: {message}")
    for rule_id, counts in outcome.counts.items():
        summary.counts.setdefault(rule_id, Counter()).update(counts)
    store.replace_results(audit_id, outcome.site, _Spool(file).rows())


def _run_site(store: st.Store, view: AuditView, site: SiteInfo, rules: list[Rule], summary: CheckSummary) -> None:
    with _Spool.file() as file:
        outcome = judge_site(view, site, rules, file)
        store_site(store, view.audit_id, outcome, file, summary)


def rule_meta_rows(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    """What the store keeps of each rule run: the whole rule as validated (title, severity,
    veto, remediation, sources, params), so a report reads it without the rules file."""
    return [{"rule": r.id, "meta_json": st.to_json(r.model_dump(mode="json"))} for r in rules]


def _save_rule_meta(store: st.Store, audit_id: int, rules: list[Rule], partial: bool) -> None:
    """The audit's rule metadata: the rules run; a run over some sites keeps the others' rules."""
    rows = {r["rule"]: r for r in store.rows(st.rule_meta, audit_id)} if partial else {}
    rows.update({r["rule"]: r for r in rule_meta_rows(rules)})
    store.save_rule_meta(audit_id, [{"rule": k, "meta_json": v["meta_json"]} for k, v in rows.items()])


def run_checks(store: st.Store, audit_id: int, rules_path: str | Path | None = None,
               sites: list[str] | None = None, processes: int | None = None) -> CheckSummary:
    """Run every rule over every site of an audit (or the given sites) and store the results.

    ``processes`` (default: :data:`gongkai.processes.PROCESSES`) judges a large audit's sites side by
    side in worker processes (:mod:`checks.workers`); the stored results are the same.
    """
    from gongkai.checks import workers

    rules = load_rules(rules_path)
    view = AuditView(store, audit_id)
    chosen = [s for s in view.sites() if sites is None or s.site in sites]
    audit = store.audit(audit_id) or {}
    before, crawling = audit.get("check_state"), audit.get("crawl_state") == "running"
    store.mark_audit(audit_id, check_state="running")   # a check stopped part-way leaves it so
    _save_rule_meta(store, audit_id, rules, partial=sites is not None)
    if sites is None:
        store.clear_errors(audit_id, "check")
    summary = CheckSummary(audit_id=audit_id, sites=[s.site for s in chosen], rules=len(rules))
    used = workers.processes_for(store, audit_id, len(chosen), processes)
    if used > 1:
        workers.judge_sites(store, audit_id, rules, chosen, used, summary)
    else:
        for site in chosen:
            _run_site(store, view, site, rules, summary)
            view.release(site.site)   # one site's rows in memory at a time
    if sites is not None:   # some sites judged again: the audit is as checked as it was before
        store.mark_audit(audit_id, check_state=before)
    else:
        store.finish_check(audit_id, judged_a_running_crawl=crawling)
    return summary
