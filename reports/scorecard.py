"""HTML scorecards: an index ranking the sites and one self-contained page per site.

jinja2 with autoescape on for every template: titles, messages and URLs come from crawled pages
and are hostile.  Only absolute http(s) URLs become links; long values are truncated; every value
printed passes ``finalize`` (gongkai.text.visible_controls), so a bidi override or a zero-width
space is shown as ``⟨U+202E⟩`` rather than silently reordering or hiding what a supervisor reads.
An unfinished crawl puts a 未完成 banner on every page (base.html).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from gongkai.text import visible_controls

from . import atomic, present
from .dataset import AuditData
from .errors import ReportError
from .export import severity_counts
from .indicators import IndicatorSystem
from .scoring import SiteScore

TEMPLATES = Path(__file__).parent / "templates"
INDEX = "index.html"


def finalize(value: Any) -> Any:
    """Every ``{{ … }}`` output with invisible characters made visible, before autoescape.

    Markup (a macro's or ``join``'s already-escaped output) is treated too: the escapes contain no
    HTML-special character, so the markup stays valid and nothing printed escapes the filter.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Markup):
        return Markup(visible_controls(str(value)))
    return visible_controls(str(value))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, finalize=finalize,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(href=present.safe_href, trunc=present.truncate, num=present.number,
                       pct=present.percent, severity=present.severity_label,
                       source_status=lambda v: present.label(present.SOURCE_STATUS_LABELS, v),
                       outcome=lambda v: present.label(present.OUTCOME_LABELS, v),
                       site_kind=lambda v: present.label(present.SITE_KIND_LABELS, v),
                       stage=lambda v: present.label(present.STAGE_LABELS, v))
    return env


def page_name(site: str) -> str:
    """File name of a site's page; a site called "index" must not overwrite the index."""
    return "index.site.html" if f"{site}.html" == INDEX else f"{site}.html"


def site_page_path(directory: Path, site: str) -> Path:
    """The site page's path, refusing any id that would land outside the scorecard directory."""
    base = directory.resolve()
    path = (base / page_name(site)).resolve()
    if path.parent != base:
        raise ReportError(f"site id {site!r} would write outside {base}")
    return path


@dataclass
class _Context:
    data: AuditData
    system: IndicatorSystem
    scores: list[SiteScore]
    generated_at: str

    def common(self) -> dict[str, Any]:
        return {"audit": self.data.audit, "state": self.data.state, "system": self.system,
                "generated_at": self.generated_at}

    def severities(self) -> list[str]:
        seen = {self.data.rule(r.rule).severity for r in self.data.failures}
        order = [s for s in present.SEVERITY_ORDER if s in seen or s in ("high", "medium", "low")]
        return order + sorted(seen - set(order))


def _index_rows(ctx: _Context) -> list[dict[str, Any]]:
    by_severity = severity_counts(ctx.data)
    rows = []
    for s in ctx.scores:
        rows.append({
            "score": s, "page": page_name(s.site), "grade_class": grade_class(ctx.system, s),
            "veto_names": [v.name for v in s.vetoes if v.hit], "severities": by_severity.get(s.site, Counter()),
            "unknown": sum(c["unknown"] for c in s.rule_counts.values()), "errors": sum(s.errors.values()),
            "crawl": ctx.data.site_coverage(s.site)})
    return rows


def grade_class(system: IndicatorSystem, score: SiteScore) -> str:
    if score.provisional:
        return "grade-incomplete"
    if score.vetoed:
        return "grade-fail"
    if not score.assessable:
        return "grade-unassessable"
    return "grade-pass" if score.grade == system.grades.passed else "grade-fail"


def _site_findings(ctx: _Context, site: str) -> list[dict[str, Any]]:
    out = []
    for r in ctx.data.failures:
        if r.site != site:
            continue
        meta = ctx.data.rule(r.rule)
        out.append({"rule": r.rule, "title": meta.title, "severity": meta.severity,
                    "message": r.message or meta.title, "subject": r.subject, "period": r.period,
                    "evidence": present.evidence_lines(r.evidence), "source": meta.source_text,
                    "remediation": meta.remediation})
    return out


def _site_rules(ctx: _Context, score: SiteScore) -> list[dict[str, Any]]:
    return [{"id": rule, "title": ctx.data.rule(rule).title, "counts": counts,
             "checked": counts["total"] - counts["not_applicable"], "unscored": rule in score.unscored_rules}
            for rule, counts in score.rule_counts.items()]


def render_index(ctx: _Context, env: jinja2.Environment) -> str:
    return env.get_template("index.html").render(
        **ctx.common(), rows=_index_rows(ctx), severities=ctx.severities(),
        audit_errors=[e for e in ctx.data.errors if not e["site"]])


def render_site(ctx: _Context, env: jinja2.Environment, score: SiteScore) -> str:
    site = next((s for s in ctx.data.sites if s["site"] == score.site), {"site": score.site, "kind": None, "home": ""})
    return env.get_template("site.html").render(
        **ctx.common(), score=score, site=site, grade_class=grade_class(ctx.system, score),
        hit_vetoes=[v for v in score.vetoes if v.hit], rules=_site_rules(ctx, score),
        findings=_site_findings(ctx, score.site), crawl=ctx.data.site_coverage(score.site),
        errors=[e for e in ctx.data.errors if e["site"] == score.site])


def write_scorecards(directory: Path, data: AuditData, system: IndicatorSystem, scores: list[SiteScore],
                     generated_at: str) -> tuple[Path, dict[str, Path]]:
    """Write index.html and one page per site; return the index path and the site pages."""
    directory.mkdir(parents=True, exist_ok=True)
    env, ctx = _environment(), _Context(data, system, scores, generated_at)
    pages = {}
    for score in scores:
        path = site_page_path(directory, score.site)
        pages[score.site] = atomic.write_text(path, render_site(ctx, env, score))
    index = atomic.write_text(directory / INDEX, render_index(ctx, env))
    return index, pages
