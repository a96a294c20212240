"""HTML scorecards: the index (totals, charts, ranking), one self-contained page per site, the 通报.

A site page reads in the order a webmaster works: the 整改清单 (reports/cards.py) first, then what
could not be decided and why, then coverage, then the method — the supervisor's verdict and the
evaluator's defence on one page that prints on A4 and reads on a phone.

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

from . import atomic, evidence, present, snapshots
from .compare import CHANGE_LABELS
from .dataset import AuditData
from .errors import ReportError
from .evidence import timestamp
from .export import severity_counts, unchecked_share
from .indicators import IndicatorSystem
from .model import ReportModel
from .scoring import SiteScore
from .summary import summarize

TEMPLATES = Path(__file__).parent / "templates"
INDEX = "index.html"
TONGBAO = "tongbao.html"


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
                       stage=lambda v: present.label(present.STAGE_LABELS, v),
                       change=lambda v: present.label(CHANGE_LABELS, v), snapshot=snapshots.link,
                       evidence_fields=evidence.fields, css_string=css_string, page_name=page_name,
                       beijing=lambda v: timestamp(v or "") or v)
    return env


def css_string(value: Any) -> Markup:
    """A quoted CSS string with every character but ASCII letters and digits as a CSS escape.

    The print header (site name, period) goes into ``@page`` rules; a name holding a quote, a
    backslash or ``</style>`` must not end the string, the rule or the style element.
    """
    text = visible_controls("" if value is None else str(value))[:200]
    return Markup('"' + "".join(ch if ch.isascii() and ch.isalnum() else f"\\{ord(ch):06x}" for ch in text) + '"')


def page_name(site: str) -> str:
    """File name of a site's page; a site called "index" must not overwrite the index."""
    return f"{site}.site.html" if f"{site}.html" in (INDEX, TONGBAO) else f"{site}.html"


def site_page_path(directory: Path, site: str) -> Path:
    """The site page's path, refusing any id that would land outside the scorecard directory."""
    base = directory.resolve()
    path = (base / page_name(site)).resolve()
    if path.parent != base:
        raise ReportError(f"site id {site!r} would write outside {base}")
    return path


@dataclass
class _Context:
    model: ReportModel

    @property
    def data(self) -> AuditData:
        return self.model.data

    @property
    def system(self) -> IndicatorSystem:
        return self.model.system

    def common(self) -> dict[str, Any]:
        return {"audit": self.data.audit, "state": self.data.state, "system": self.system,
                "generated_at": self.model.generated_at, "compared": self.model.comparison}

    def severities(self) -> list[str]:
        seen = {self.data.rule(f.row.rule).severity for f in self.model.findings}
        order = [s for s in present.SEVERITY_ORDER if s in seen or s in ("high", "medium", "low")]
        return order + sorted(seen - set(order))


def _index_rows(ctx: _Context) -> list[dict[str, Any]]:
    by_severity = severity_counts(ctx.data)
    rows = []
    for s in ctx.model.scores:
        rows.append({
            "score": s, "page": page_name(s.site), "grade_class": grade_class(ctx.system, s),
            "veto_names": [v.name for v in s.vetoes if v.hit], "severities": by_severity.get(s.site, Counter()),
            "unknown": sum(c["unknown"] for c in s.rule_counts.values()), "errors": sum(s.errors.values()),
            "crawl": ctx.data.site_coverage(s.site), "reference": ctx.model.references.get(s.site),
            "cards": len(ctx.model.site_cards(s.site)), "unchecked": unchecked_share(s),
            "change": ctx.model.comparison.site(s.site) if ctx.model.comparison else None})
    return rows


def grade_class(system: IndicatorSystem, score: SiteScore) -> str:
    if score.provisional:
        return "grade-incomplete"
    if score.vetoed:
        return "grade-fail"
    if not score.assessable:
        return "grade-unassessable"
    return "grade-pass" if score.grade == system.grades.passed else "grade-fail"


def _site_rules(ctx: _Context, score: SiteScore) -> list[dict[str, Any]]:
    return [{"id": rule, "title": ctx.data.rule(rule).title, "counts": counts,
             "checked": counts["total"] - counts["not_applicable"], "unscored": rule in score.unscored_rules}
            for rule, counts in score.rule_counts.items()]


def _veto_docs(system: IndicatorSystem) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Each veto indicator's document as a footnote number plus its clause: a long title is printed once."""
    docs: list[str] = []
    per_veto = {}
    for v in system.veto:
        if v.source.doc not in docs:
            docs.append(v.source.doc)
        per_veto[v.id] = (docs.index(v.source.doc) + 1, v.source.clause)
    return per_veto, docs


def render_index(ctx: _Context, env: jinja2.Environment) -> str:
    audit = ctx.data.audit
    return env.get_template("index.html").render(
        **ctx.common(), running=f"{audit['name']} · {audit['period']}", rows=_index_rows(ctx),
        severities=ctx.severities(), summary=summarize(ctx.model),
        audit_errors=[e for e in ctx.data.errors if not e["site"]])


def render_tongbao(ctx: _Context, env: jinja2.Environment) -> str:
    """通报: one printed page an office can forward — totals, vetoed sites, top problems, dates."""
    audit, rows = ctx.data.audit, _index_rows(ctx)
    scored = sorted((r for r in rows if r["score"].score is not None), key=lambda r: (r["score"].score, r["score"].site))
    return env.get_template("tongbao.html").render(
        **ctx.common(), running=f"通报 · {audit['name']} · {audit['period']}", summary=summarize(ctx.model),
        vetoed=[r for r in rows if r["score"].vetoed], lowest=scored[:5],
        generated_beijing=timestamp(ctx.model.generated_at) or ctx.model.generated_at)


def render_site(ctx: _Context, env: jinja2.Environment, score: SiteScore) -> str:
    site = next((s for s in ctx.data.sites if s["site"] == score.site), {"site": score.site, "kind": None, "home": ""})
    veto_refs, veto_docs = _veto_docs(ctx.system)
    comparison = ctx.model.comparison
    cards = ctx.model.site_cards(score.site)
    audit = ctx.data.audit
    return env.get_template("site.html").render(
        **ctx.common(), running=f"{score.name} · {audit['name']} · {audit['period']}", score=score, site=site, grade_class=grade_class(ctx.system, score),
        hit_vetoes=[v for v in score.vetoes if v.hit], rules=_site_rules(ctx, score),
        cards=cards, findings_total=sum(c.count for c in cards), reference=ctx.model.references.get(score.site),
        unknowns=ctx.model.unknowns(score.site), crawl=ctx.data.site_coverage(score.site),
        veto_refs=veto_refs, veto_docs=veto_docs, unchecked=unchecked_share(score),
        gone=comparison.for_site(score.site) if comparison else [],
        site_change=comparison.site(score.site) if comparison else None,
        errors=[e for e in ctx.data.errors if e["site"] == score.site])


def write_scorecards(directory: Path, model: ReportModel) -> tuple[Path, dict[str, Path]]:
    """Write index.html and one page per site; return the index path and the site pages."""
    directory.mkdir(parents=True, exist_ok=True)
    env, ctx = _environment(), _Context(model)
    pages = {}
    for score in model.scores:
        path = site_page_path(directory, score.site)
        pages[score.site] = atomic.write_text(path, render_site(ctx, env, score))
    atomic.write_text(directory / TONGBAO, render_tongbao(ctx, env))
    index = atomic.write_text(directory / INDEX, render_index(ctx, env))
    return index, pages
