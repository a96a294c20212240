"""The indicator system as validated data (config/indicators.yaml).

Scoring is generic: which rule is a veto, how many findings trip it, how many points a finding
costs and where each indicator is capped all live in the YAML, so a supervisor can adopt another
indicator table (or correct a point value once the official text is read) without code.
A bad file is one line naming the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongkai import yamlfile
from gongkai.vocab import config_path

SourceStatus = Literal["official", "notice", "practice", "project"]


class IndicatorsError(Exception):
    """An indicators file that cannot be used; the message is the one line shown to the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    doc: str
    clause: str = ""
    status: SourceStatus

    def text(self) -> str:
        return f"{self.doc} {self.clause}".strip()


class Grades(_Strict):
    passed: str = Field("合格", alias="pass")
    fail: str = "不合格"
    unassessable: str = "无法评估"
    incomplete: str = "未完成"      # the crawl did not finish: no grade is a conclusion


class Assessable(_Strict):
    """When a site's results are too undecided to score (the scorecard says 无法评估)."""

    min_decided_rules: int = Field(1, ge=0)
    min_rule_coverage: float = Field(0.5, ge=0, le=1)


class VetoIndicator(_Strict):
    """A 单项否决 item: tripped when at least ``min_count`` matching findings exist."""

    id: str
    name: str
    rules: list[str] = Field(min_length=1)
    column_types: list[str] | None = None
    # only failures whose evidence has these values count (reply_late: overdue=true is the veto leg)
    evidence: dict[str, str | int | float | bool] | None = None
    min_count: int = Field(1, ge=1)
    warn_at: int | None = Field(None, ge=1)
    note: str = ""
    source: Source

    @model_validator(mode="after")
    def _warn_below_veto(self) -> VetoIndicator:
        if self.warn_at is not None and self.warn_at >= self.min_count:
            raise ValueError(f"warn_at ({self.warn_at}) must be below min_count ({self.min_count})")
        return self


class Deduction(_Strict):
    """Points one finding of ``rule`` costs (optionally only for some column types)."""

    rule: str
    per_finding: float = Field(gt=0)
    column_types: list[str] | None = None


class Indicator(_Strict):
    id: str
    name: str
    points: float = Field(gt=0)
    status: SourceStatus
    note: str = ""
    deductions: list[Deduction] = Field(default_factory=list)


class Group(_Strict):
    name: str
    status: SourceStatus
    indicators: list[Indicator] = Field(min_length=1)

    @property
    def points(self) -> float:
        return sum(i.points for i in self.indicators)


class BonusItem(_Strict):
    id: str
    name: str
    points: float = Field(gt=0)
    rules: list[str] = Field(default_factory=list)
    sites: list[str] = Field(default_factory=list)


class Bonus(_Strict):
    max: float = Field(30, ge=0)
    status: SourceStatus = "project"
    items: list[BonusItem] = Field(default_factory=list)


class IndicatorSystem(_Strict):
    name: str
    source: Source
    total: float = Field(100, gt=0)
    pass_line: float = Field(60, ge=0)
    bonus_gate: float = Field(80, ge=0)
    grades: Grades = Field(default_factory=Grades)
    assessable: Assessable = Field(default_factory=Assessable)
    interpretation_rate_rule: str | None = None
    veto: list[VetoIndicator] = Field(default_factory=list)
    groups: list[Group] = Field(min_length=1)
    bonus: Bonus = Field(default_factory=Bonus)

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorSystem:
        points = sum(g.points for g in self.groups)
        if abs(points - self.total) > 1e-9:
            raise ValueError(f"indicator points add up to {points:g}, not total {self.total:g}")
        ids = [i.id for g in self.groups for i in g.indicators] + [v.id for v in self.veto]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate indicator id {dupes[0]!r}")
        _check_no_double_deduction([d for g in self.groups for i in g.indicators for d in i.deductions])
        return self

    def indicators(self) -> list[tuple[Group, Indicator]]:
        return [(g, i) for g in self.groups for i in g.indicators]


def _check_no_double_deduction(deductions: list[Deduction]) -> None:
    """One finding must cost points in one place only: overlapping entries are an error."""
    for n, first in enumerate(deductions):
        for second in deductions[n + 1:]:
            if first.rule != second.rule:
                continue
            if first.column_types is None or second.column_types is None or \
                    set(first.column_types) & set(second.column_types):
                raise ValueError(f"rule {first.rule!r} is deducted twice for the same column types")


def default_indicators_path() -> Path:
    return config_path("indicators.yaml")


def load_indicators(path: str | Path | None = None) -> IndicatorSystem:
    """Read and validate an indicators file; raise IndicatorsError with one readable line."""
    path = Path(path) if path else default_indicators_path()
    try:
        return yamlfile.load_model(path, "indicators file", IndicatorSystem,
                                   "a mapping with name, source, veto and groups")
    except yamlfile.YamlFileError as exc:
        raise IndicatorsError(str(exc)) from None


def rule_references(system: IndicatorSystem) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every rule id the file names, with where it stands (for the error's file:line: field)."""
    if system.interpretation_rate_rule:
        yield ("interpretation_rate_rule",), system.interpretation_rate_rule
    for v, veto in enumerate(system.veto):
        yield from ((("veto", v, "rules", n), rule) for n, rule in enumerate(veto.rules))
    for g, group in enumerate(system.groups):
        for i, indicator in enumerate(group.indicators):
            yield from ((("groups", g, "indicators", i, "deductions", d, "rule"), deduction.rule)
                        for d, deduction in enumerate(indicator.deductions))
    for b, item in enumerate(system.bonus.items):
        yield from ((("bonus", "items", b, "rules", n), rule) for n, rule in enumerate(item.rules))


def check_rule_ids(system: IndicatorSystem, path: str | Path | None, known: Callable[[str], bool]) -> None:
    """A rule id no rulebook knows is a typo, not a rule left unchecked: ``link.brokenX`` would score
    链接可用性 as 未检查 and raise every site's score without a word.  One line, file:line: field."""
    for loc, rule in rule_references(system):
        if not known(rule):
            where = Path(path) if path else default_indicators_path()
            _, root = yamlfile.load(where, "indicators file")
            raise IndicatorsError(yamlfile.problem(str(where), root, loc,
                                                   f"unknown rule {rule!r} (in neither the audit's rules nor the "
                                                   "bundled rulebook)"))
