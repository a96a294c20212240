"""Site identity: 网页标签 (meta tags), the footer's 网站标识码 and the whole footer identity
(政府网站发展指引, 国办发〔2017〕47号).

The meta-tag list per page type is the 47号 附件 网页设计规范 as recalled (indicators.md §3 marks
it UNVERIFIED), so it lives in parameters.  One result per site: inspectors judge the CMS
template, not each page, and the evidence names the missing tags with sample pages.  The footer
completeness check lists every element it looked for and what it found, so a reader sees why
“ICP备案编号未链接至工业和信息化部备案系统” was said of a footer that does show the number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

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
    loader = identity.get("footer_loaded_by")
    if not code and loader:
        yield result(site, rule, site.home, "unknown", loaded_elsewhere(loader), footer_loaded_by=loader, **ev)
    elif not code:
        yield result(site, rule, site.home, "fail", "页脚未标注网站标识码", **ev)
    elif not re.match(pattern, code, re.I):
        yield result(site, rule, site.home, "fail", f"网站标识码“{code}”格式不符", **ev)
    else:
        yield result(site, rule, site.home, "pass", f"网站标识码{code}", **ev)


def loaded_elsewhere(loader: dict[str, Any]) -> str:
    """Why a footer element cannot be judged: the footer is written by a script or a frame, whose
    content the crawl did not read (it is not in the home page's HTML)."""
    how = "脚本" if loader.get("how") == "script" else "内嵌框架（iframe）"
    return f"首页页脚由{how}（{loader.get('src')}）加载，页脚内容不在首页HTML中，未能判断"


# element → (name in findings, what its link must reach, that place's name)
FOOTER_ELEMENTS: dict[str, tuple[str, str, str]] = {
    "conac": ("党政机关网站标识", "conac_link", "开办者标识证书（bszs.conac.cn）"),
    "site_code": ("网站标识码", "", ""),
    "icp": ("ICP备案编号", "icp_link", "工业和信息化部备案系统（beian.miit.gov.cn）"),
    "psb": ("公安机关备案号", "psb_link", "全国互联网安全管理服务平台（beian.gov.cn）"),
    "sponsor": ("主办单位", "", ""),
    "contact": ("联系方式", "", ""),
}
FooterElement = Literal["conac", "site_code", "icp", "psb", "sponsor", "contact"]


class FooterCompletenessParams(KindParams):
    """Which footer elements must be there, and which must link to the register that certifies them."""

    required: list[FooterElement] = ["conac", "site_code", "icp", "psb", "sponsor", "contact"]
    linked: list[FooterElement] = ["conac", "icp", "psb"]


def _found(identity: dict[str, Any], key: str) -> Any:
    """What the footer shows for an element (None when nothing)."""
    if key == "contact":
        contact = {k: v for k, v in (identity.get("contact") or {}).items() if v}
        return contact or None
    if key == "conac":
        return identity.get("conac_link") or ("（有标识图片，无证书链接）" if identity.get("conac") else None)
    return identity.get(key) or None


def footer_elements(identity: dict[str, Any], params: FooterCompletenessParams) -> dict[str, dict[str, Any]]:
    """Per required element: its name, what was found, its link, and the problem (None when fine)."""
    out: dict[str, dict[str, Any]] = {}
    for key in params.required:
        name, link_key, register_name = FOOTER_ELEMENTS[key]
        found = _found(identity, key)
        link = identity.get(link_key) if link_key else None
        problem = None
        if found is None:
            problem = f"缺少{name}"
        elif link_key and key in params.linked and not link:
            problem = f"{name}未链接至{register_name}"
        out[key] = {"name": name, "found": found, "link": link, "problem": problem}
    return out


@register("footer_completeness", FooterCompletenessParams)
def run_footer_completeness(view: AuditView, site: SiteInfo, rule: Rule,
                            params: FooterCompletenessParams) -> Iterator[Result]:
    home = view.home_page(site)
    if home is None or home.get("outcome") not in (None, "ok"):
        yield result(site, rule, site.home, "unknown", "首页未能抓取")
        return
    identity = home.get("identity") or {}
    if "contact" not in identity:
        yield result(site, rule, site.home, "unknown", "爬取时未记录主办单位、联系方式等页脚信息（早于本检查的爬取），需重新爬取")
        return
    elements = footer_elements(identity, params)
    missing = [e["problem"] for e in elements.values() if e["problem"]]
    ev = {"elements": elements, "missing": missing, "footer_text": snippet(identity.get("footer_text"))}
    loader = identity.get("footer_loaded_by")
    if missing and loader:
        yield result(site, rule, site.home, "unknown", loaded_elsewhere(loader), footer_loaded_by=loader, **ev)
    elif missing:
        yield result(site, rule, site.home, "fail", "首页页脚：" + "；".join(missing), **ev)
    else:
        yield result(site, rule, site.home, "pass", "页脚标识齐全：" + "、".join(e["name"] for e in elements.values()), **ev)
