"""The rule model: one entry of ``config/rules.yaml``.

A rule is data.  It names a check kind (code in ``checks/<kind>.py``), gives it parameters
(overridable by the site's kind and region, since deadlines differ between a 人民政府 and a
department and between provinces), the Chinese title, message template and 整改建议 shown in
reports, and the sources it rests on with how firm each one is.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gongkai.checks.view import SiteInfo

SourceStatus = Literal["official", "notice", "practice", "project"]
SITE_KINDS = ("government", "department", "township")
# How firm a source is, strongest first: reports show a rule's strongest source.
STATUS_ORDER: tuple[str, ...] = ("official", "notice", "practice", "project")


class Source(BaseModel):
    """Where a rule comes from: a document and clause, and whether the figure is official."""

    model_config = ConfigDict(extra="forbid")
    doc: str = Field(min_length=1)
    clause: str | None = None
    status: SourceStatus
    note: str | None = None

    def label(self) -> str:
        clause = f" {self.clause}" if self.clause else ""
        return f"{self.doc}{clause}（{self.status}）"


class Rule(BaseModel):
    """One rule: which kind judges, with which parameters, and how findings are worded."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", max_length=80)
    kind: str = Field(min_length=1)
    severity: Literal["high", "medium", "low"]
    veto: bool = False
    # False for rules that judge reachability itself; the others need a site that answered.
    needs_crawl: bool = True
    title: str = Field(min_length=1)
    message: str = Field(min_length=1)
    remediation: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    params_by_region: dict[str, dict[str, Any]] = Field(default_factory=dict)
    params_by_kind: dict[str, dict[str, Any]] = Field(default_factory=dict)
    source: list[Source] = Field(min_length=1)

    @field_validator("params_by_kind")
    @classmethod
    def _known_site_kinds(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for kind in value:
            if kind not in SITE_KINDS:
                raise ValueError(f"unknown site kind {kind!r} (known: {', '.join(SITE_KINDS)})")
        return value

    def params_for(self, site: SiteInfo) -> dict[str, Any]:
        """Parameters for one site: defaults, then its kind's, then its region's overrides.

        A region key applies when the site's region equals it or starts with it, so ``辽宁``
        covers ``辽宁省大连市``; longer (more specific) keys are applied last.
        """
        out = dict(self.params)
        out.update(self.params_by_kind.get(site.kind or "", {}))
        region = site.region or ""
        for key in sorted(self.params_by_region, key=len):
            if region and (region == key or region.startswith(key)):
                out.update(self.params_by_region[key])
        return out

    def strongest_status(self) -> str:
        return min((s.status for s in self.source), key=STATUS_ORDER.index)
