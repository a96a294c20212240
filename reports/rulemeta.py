"""What the reports need to know about each rule: title, severity, remediation and sources.

This is the one place the report stage touches the rulebook.  The checks stage owns the rules
(``gongkai.checks.engine.load_rules``); when that module is not installed the rules YAML is read
directly with the few fields a report shows, so reports can be written from a store alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gongkai.vocab import config_path

from .errors import ReportError

MAX_RULES_BYTES = 2_000_000
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


def _read_rules_yaml(path: Path | None) -> list[Any]:
    path = path or config_path("rules.yaml")
    if not path.is_file():
        return []
    raw = path.read_bytes()
    if len(raw) > MAX_RULES_BYTES:
        raise ReportError(f"{path}: file too large ({len(raw)} bytes)")
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ReportError(f"{path}: unreadable rules file: {str(exc).splitlines()[0]}") from exc
    if isinstance(data, dict):
        data = data.get("rules", [])
    if not isinstance(data, list) or not all(isinstance(r, dict) and "id" in r for r in data):
        raise ReportError(f"{path}: expected a list of rules, each with an id")
    return data


def load_rule_meta(path: Path | None = None) -> dict[str, RuleMeta]:
    """Rule id → metadata, through the checks engine when it is installed."""
    try:
        from gongkai.checks.engine import RulesError, load_rules
    except ModuleNotFoundError as exc:
        if exc.name not in ("gongkai.checks.engine", "gongkai.checks"):
            raise
        rules = _read_rules_yaml(path)
    else:
        try:
            rules = load_rules(path)
        except RulesError as exc:
            raise ReportError(str(exc)) from exc
    return {meta.id: meta for meta in map(to_meta, rules)}
