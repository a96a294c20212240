"""Site identity: 网页标签 (meta tags) and the footer's 网站标识码 (政府网站发展指引, 国办发〔2017〕47号).

The meta-tag list per page type is the 47号 附件 网页设计规范 as recalled (indicators.md §3 marks
it UNVERIFIED), so it lives in parameters.  One result per site: inspectors judge the CMS
template, not each page, and the evidence names the missing tags with sample pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import Field, field_validator

from gongkai.checks.base import MAX_SAMPLES, result, snippet
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result

PAGE_KINDS = ("home", "list", "article")


class MetaParams(KindParams):
    """Tags each page kind must carry, and the share of pages that may lack a tag."""

    all_pages: list[str] = ["SiteName", "SiteDomain", "SiteIDCode"]
    column_pages: list[str] = ["ColumnName", "ColumnType"]
    article_pages: list[str] = ["ArticleTitle", "PubDate", "ContentSource"]
    max_missing_share: float = Field(0.0, ge=0.0, le=1.0)


class FooterParams(KindParams):
    """The form of a 网站标识码 (a regular expression, matched ignoring case)."""

    site_code_pattern: str = r"^(?:\d{10}|bm\d{8})$"

    @field_validator("site_code_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


def required_tags(kind: str, params: MetaParams) -> list[str]:
    """Tags a page of this kind must carry: all pages, + column pages, + articles."""
    tags = list(params.all_pages)
    if kind in ("list", "article"):
        tags += params.column_pages
    if kind == "article":
        tags += params.article_pages
    return tags


def _present(meta: dict[str, Any]) -> set[str]:
    return {str(k).lower() for k, v in meta.items() if str(v or "").strip()}


@register("meta_tags", MetaParams)
def run_meta(view: AuditView, site: SiteInfo, rule: Rule, params: MetaParams) -> Iterator[Result]:
    pages = [p for p in view.pages(site.site) if p.get("kind") in PAGE_KINDS and p.get("outcome") in (None, "ok")]
    if not pages:
        yield result(site, rule, site.home, "unknown", "没有可检查的页面")
        return
    tally: dict[str, dict[str, Any]] = {}
    for page in sorted(pages, key=lambda p: p["url"]):  # samples independent of crawl order
        present = _present(page.get("meta") or {})
        for tag in required_tags(page["kind"], params):
            entry = tally.setdefault(tag, {"of": 0, "missing": 0, "samples": []})
            entry["of"] += 1
            if tag.lower() not in present:
                entry["missing"] += 1
                if len(entry["samples"]) < MAX_SAMPLES:
                    entry["samples"].append(page["url"])
    share = params.max_missing_share
    missing = {tag: e for tag, e in tally.items() if e["missing"] and e["missing"] / e["of"] > share}
    ev = {"pages_checked": len(pages), "missing": missing, "missing_tags": sorted(missing)}
    if missing:
        yield result(site, rule, site.home, "fail",
                     "缺少网页标签：" + "、".join(f"{t}（{e['missing']}/{e['of']}页）" for t, e in missing.items()), **ev)
    else:
        yield result(site, rule, site.home, "pass", f"{len(pages)}个页面网页标签齐全", **ev)


@register("footer_identity", FooterParams)
def run_footer(view: AuditView, site: SiteInfo, rule: Rule, params: FooterParams) -> Iterator[Result]:
    home = view.home_page(site)
    if home is None or home.get("outcome") not in (None, "ok"):
        yield result(site, rule, site.home, "unknown", "首页未能抓取")
        return
    identity = home.get("identity") or {}
    code = str(identity.get("site_code") or "").strip()
    meta_code = str((home.get("meta") or {}).get("SiteIDCode") or "").strip()
    ev = {"site_code": code or None, "icp": identity.get("icp"), "psb": identity.get("psb"),
          "conac": identity.get("conac"), "meta_site_id_code": meta_code or None,
          "footer_text": snippet(identity.get("footer_text")),
          "also_missing": [name for key, name in (("icp", "ICP备案编号"), ("psb", "公安机关备案标识"),
                                                  ("conac", "党政机关网站标识")) if not identity.get(key)]}
    if meta_code and code and meta_code != code:
        ev["note"] = f"页脚标识码{code}与SiteIDCode标签{meta_code}不一致"
    pattern = params.site_code_pattern
    if not code:
        yield result(site, rule, site.home, "fail", "页脚未标注网站标识码", **ev)
    elif not re.match(pattern, code, re.I):
        yield result(site, rule, site.home, "fail", f"网站标识码“{code}”格式不符", **ev)
    else:
        yield result(site, rule, site.home, "pass", f"网站标识码{code}", **ev)
