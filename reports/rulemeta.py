"""What the reports need to know about each rule: title, severity, remediation and sources.

This is the one place the report stage touches the rulebook; the checks stage owns the rules
and their validating loader (``gongkai.checks.engine.load_rules``).  The check stage stores the
rules it ran with the audit, so a report reads them from the store: a rule given only to
``gongkai check --rules`` keeps its title, severity and sources.  The bundled rulebook fills in
rules an older store lacks; a ``--rules`` file given to ``report`` overrides the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.store import Store

from .errors import ReportError

UNRATED = "unrated"


@dataclass(frozen=True)
class RuleMeta:
    id: str
    title: str
    severity: str = UNRATED
    remediation: str = ""
    sources: tuple[dict[str, str], ...] = ()
    veto: bool = False

    @property
    def source_text(self) -> str:
        """文件名 + 条款 of every source, joined with '; '."""
        parts = (f"{s.get('doc', '')} {s.get('clause', '')}".strip() for s in self.sources)
        return "; ".join(p for p in parts if p)


def unknown_rule(rule_id: str) -> RuleMeta:
    """Metadata for a result whose rule is not in the rulebook (an older or newer rules file)."""
    return RuleMeta(id=rule_id, title=rule_id)


def _field(rule: Any, name: str, default: Any = None) -> Any:
    if isinstance(rule, dict):
        return rule.get(name, default)
    return getattr(rule, name, default)


def _source(entry: Any) -> dict[str, str]:
    return {key: str(_field(entry, key, "") or "") for key in ("doc", "clause", "status")}


def to_meta(rule: Any) -> RuleMeta:
    """RuleMeta from an engine Rule (pydantic) or a plain mapping of the same shape."""
    sources = _field(rule, "source", None) or []
    if isinstance(sources, dict):
        sources = [sources]
    return RuleMeta(
        id=str(_field(rule, "id")),
        title=str(_field(rule, "title", "") or _field(rule, "id")),
        severity=str(_field(rule, "severity", "") or UNRATED),
        remediation=str(_field(rule, "remediation", "") or ""),
        sources=tuple(_source(s) for s in sources),
        veto=bool(_field(rule, "veto", False)),
    )


def load_rule_meta(path: Path | None = None) -> dict[str, RuleMeta]:
    """Rule id → metadata, read with the checks engine's validating loader."""
    from gongkai.checks.engine import RulesError, load_rules

    try:
        rules = load_rules(path)
    except RulesError as exc:
        raise ReportError(str(exc)) from exc
    return {meta.id: meta for meta in map(to_meta, rules)}


def stored_rule_meta(store: Store, audit_id: int) -> dict[str, RuleMeta]:
    """Rule id → metadata of the rules the audit's check run used, as stored with its results."""
    return {rule_id: to_meta({"id": rule_id, **row}) for rule_id, row in store.rule_metadata(audit_id).items()}


class RuleBook(Mapping[str, RuleMeta]):
    """Rule metadata whose bundled part is read only when asked for a rule the rest lacks.

    Reading the bundled rulebook goes through the checks engine's validating loader, which imports
    every check kind: a report over a store that kept its rules' metadata never needs it.
    """

    def __init__(self, known: dict[str, RuleMeta], fallback: Callable[[], dict[str, RuleMeta]] | None) -> None:
        self.known, self.fallback = known, fallback

    def _all(self) -> dict[str, RuleMeta]:
        if self.fallback is not None:
            self.known = {**self.fallback(), **self.known}
            self.fallback = None
        return self.known

    def __getitem__(self, rule_id: str) -> RuleMeta:
        if rule_id in self.known:
            return self.known[rule_id]
        return self._all()[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def audit_rule_meta(store: Store, audit_id: int, path: Path | None = None) -> RuleBook:
    """The metadata a report shows: the store's over the bundled rulebook (which fills in what a
    store checked before metadata was stored lacks); a ``path`` given replaces the bundled one
    and overrides the store, as ``report --rules`` always did."""
    found = stored_rule_meta(store, audit_id)
    if path is not None:
        return RuleBook({**found, **load_rule_meta(path)}, None)
    return RuleBook(found, load_rule_meta)
