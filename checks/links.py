"""Links: broken targets (链接不可用) and hidden links to non-government domains (暗链).

Broken: one result per distinct target the crawler probed (404/410/5xx, connection failure, or a
soft 404 — HTTP 200 with the site's learnt not-found page); a crawler-blocked answer (403/412) is
``unknown``.  Evidence lists the pages that link to the target, home page first, since inspectors
weigh home-page links separately.  Hidden: links hidden by CSS pointing outside government
domains are the classic SEO 黑链; hidden *.gov.cn menus and 友情链接 drop-downs are normal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from gongkai.checks.base import MAX_SAMPLES, result, snippet
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.targets import origin

GOV_SUFFIXES = ["gov.cn", "政务", "xn--zfr164b"]


class GovernmentParams(KindParams):
    """Host suffixes that are government sites (a link there is never spam or a 暗链)."""

    government_suffixes: list[str] = GOV_SUFFIXES


class HiddenParams(GovernmentParams):
    """Besides government hosts, domains a hidden link may point to (official media, 备案 sites)."""

    allowed_domains: list[str] = []


def _linking_pages(view: AuditView, site: SiteInfo) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in view.links(site.site):
        out[link["target"]].append({"page": link["page_url"], "text": snippet(link.get("text"))})
    return out


UNCHECKED_SUBJECT = "max_links_checked_per_site"   # the site-level result naming the links left unprobed


@register("link_availability")
def run_broken(view: AuditView, site: SiteInfo, rule: Rule, params: KindParams) -> Iterator[Result]:
    latest: dict[str, dict[str, Any]] = {}
    for probe in view.probes(site.site, kind="link"):
        latest[probe["url"]] = probe          # probes come in insertion order: keep the last
    sources = _linking_pages(view, site)
    for url, probe in latest.items():
        # the home first, then by URL: samples must not depend on the order pages were crawled in
        pages = sorted(sources.get(url, []), key=lambda p: (p["page"] != site.home, p["page"], p["text"] or ""))
        ev = {"status": probe.get("status"), "method": probe.get("method"), "outcome": probe.get("outcome"),
              "reason": probe.get("reason"), "final_url": probe.get("final_url"),
              "from_home": any(p["page"] == site.home for p in pages),
              "linked_from": pages[:MAX_SAMPLES], "linked_from_count": len(pages)}
        outcome = probe.get("outcome")
        if not pages and outcome in ("broken", "soft404"):
            # a configured column or a page reached by redirect: no page of the site links to it
            yield result(site, rule, url, "not_applicable", "未被任何已抓取页面引用（非页面链接）", **ev)
        elif outcome in ("broken", "soft404"):
            what = "疑似软404（返回站点“页面不存在”页）" if outcome == "soft404" else (probe.get("reason") or f"HTTP {probe.get('status')}")
            yield result(site, rule, url, "fail", f"链接不可用：{what}", **ev)
        elif outcome == "ok":
            yield result(site, rule, url, "pass", "链接可用", **ev)
        elif outcome == "blocked":
            yield result(site, rule, url, "unknown", f"目标拒绝抓取（{probe.get('status')}）", **ev)
        else:
            yield result(site, rule, url, "unknown", probe.get("reason") or "探测结果不明", **ev)
    if site.links_unchecked:   # a broken one may be among them: the passes above are not the site's whole
        yield result(site, rule, f"{site.home}#{UNCHECKED_SUBJECT}", "unknown",
                     f"另有{site.links_unchecked}个链接超过每站链接检查上限（{UNCHECKED_SUBJECT}）未检查",
                     unchecked=site.links_unchecked)


def is_government(url: str, site: SiteInfo, suffixes: list[str]) -> bool:
    """A government target: a *.gov.cn / .政务 host (or an allowed domain), or the site itself."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if any(host == s or host.endswith("." + s) for s in suffixes):
        return True
    try:
        return origin(url) in site.origins
    except ValueError:
        return False


@register("hidden_links", HiddenParams)
def run_hidden(view: AuditView, site: SiteInfo, rule: Rule, params: HiddenParams) -> Iterator[Result]:
    suffixes = [s.lower() for s in (*params.government_suffixes, *params.allowed_domains)]
    by_page: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in view.links(site.site):
        by_page[link["page_url"]].append(link)
    for page, links in by_page.items():
        hidden = [lk for lk in links if lk.get("hidden")]
        web = [lk for lk in hidden if urlsplit(lk["target"]).scheme in ("http", "https")]
        bad = [lk for lk in web if not is_government(lk["target"], site, suffixes)]
        ev = {"hidden": len(hidden),
              "links": [{"target": lk["target"], "text": snippet(lk.get("text")), "how": lk.get("hidden_how")}
                        for lk in (bad or hidden)[:MAX_SAMPLES]]}
        if bad:
            hosts = sorted({urlsplit(lk["target"]).hostname or "" for lk in bad})
            yield result(site, rule, page, "fail", f"{len(bad)}个隐藏链接指向非政府域名：{'、'.join(hosts[:5])}",
                         hosts=hosts, **ev)
        elif hidden:
            yield result(site, rule, page, "pass", "隐藏链接均指向政府网站（如折叠菜单）", **ev)
        else:
            yield result(site, rule, page, "pass", "无隐藏链接", **ev)
