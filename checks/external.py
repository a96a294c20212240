"""link.external_unsafe: what an article's body links to, and what an https page loads in clear.

Three defects, one result per page examined (every article, and every https page that loads
something over plain http):

- a body link to a **non-government** host (parameter ``commercial``; worded 非政府网站: a host
  off the list need not be a business): neither government (*.gov.cn, .政务), nor a public
  body's domain (edu.cn, org.cn …), nor a listed site (``config/domains.yaml``: state and party
  media, 12371.cn, xuexi.cn …, + the rule's ``allowed_domains``); only links the author wrote in
  the body count (``page_refs`` role ``body``), never navigation, 友情链接 or the footer; an
  article whose body block was not found (role ``no_body``) is ``unknown`` unless it fails otherwise;
- a body link to a non-government host that **no longer resolves** (the crawler's link probe
  failed in DNS): an expired domain anyone may register and fill;
- a **plain-http download** (an attachment linked over http) on a page served over https, and
  **mixed content** (scripts, images, frames, styles loaded over http by an https page; none
  when the page's CSP meta says ``upgrade-insecure-requests``).  On an
  http-only site every link is plain http; that is said once, by ``site.tls``
  (``http_downloads_on_http_pages`` makes each page say it too).

An audit crawled before body links were recorded is ``unknown``, not a clean pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from gongkai.checks.base import MAX_SAMPLES, result, snippet
from gongkai.checks.links import GovernmentParams, is_government
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import DNS_REASON, Result
from gongkai.vocab import load_config

DOWNLOAD_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".zip", ".rar", ".7z",
                       ".ppt", ".pptx", ".txt", ".csv", ".apk", ".exe")


class ExternalParams(GovernmentParams):
    """Extra non-commercial domains, which defects to look for, and whether an http page's
    http downloads count (by default only an https page's do: site.tls covers http-only sites)."""

    allowed_domains: list[str] = []
    commercial: bool = True
    expired: bool = True
    http_downloads: bool = True
    mixed_content: bool = True
    http_downloads_on_http_pages: bool = False


@cache
def _domains() -> tuple[str, ...]:
    raw = load_config("domains.yaml")
    return tuple(str(d).lower() for d in (*raw.get("public_suffixes", []), *raw.get("trusted_domains", [])))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def _is_download(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(DOWNLOAD_EXTENSIONS)


def _own_host(url: str, site: SiteInfo) -> bool:
    """Same host as the site (another scheme or port of it is still the site, not a third party)."""
    hosts = {_host(o) for o in site.origins} | {_host(site.home)}
    return _host(url) in hosts


def _dns_failures(view: AuditView, site: SiteInfo) -> dict[str, str]:
    return {p["url"]: p["reason"] for p in view.probes(site.site, kind="link")
            if p.get("outcome") == "broken" and (p.get("reason") or "").startswith(DNS_REASON)}


def _downloads(page: dict[str, Any], body: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Attachments of the page's document and body links naming a file, once each."""
    doc = docs.get(page["url"]) or {}
    found = {a["url"]: a.get("text") for a in doc.get("attachments", []) if a.get("url")}
    for ref in body:
        if _is_download(ref["target"]):
            found.setdefault(ref["target"], ref.get("text"))
    return [{"target": url, "text": snippet(text)} for url, text in found.items()]


def _judge(page: dict[str, Any], refs: dict[str, list[dict[str, Any]]], docs: dict[str, dict[str, Any]],
           site: SiteInfo, params: ExternalParams, dead: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The page's findings by defect (empty lists when clean)."""
    suffixes = [s.lower() for s in (*params.government_suffixes, *_domains(), *params.allowed_domains)]
    body = refs.get("body", [])
    outside = [r for r in body if urlsplit(r["target"]).scheme in ("http", "https") and not _own_host(r["target"], site)
               and not is_government(r["target"], site, suffixes)]
    expired = [{"target": r["target"], "host": _host(r["target"]), "text": snippet(r.get("text")),
                "reason": dead[r["target"]]} for r in outside if r["target"] in dead]
    gone = {e["target"] for e in expired}
    commercial = [{"target": r["target"], "host": _host(r["target"]), "text": snippet(r.get("text"))}
                  for r in outside if r["target"] not in gone]
    https = (page.get("final_url") or page["url"]).lower().startswith("https://")
    downloads = [d for d in _downloads(page, body, docs) if d["target"].lower().startswith("http://")]
    return {"commercial": commercial if params.commercial else [],
            "expired": expired if params.expired else [],
            "http_downloads": downloads if params.http_downloads and (https or params.http_downloads_on_http_pages) else [],
            "mixed_content": [{"target": r["target"], "tag": r.get("text")} for r in refs.get("insecure", [])]
            if params.mixed_content else []}


WORDS = {"commercial": "正文链接指向非政府网站", "expired": "正文链接指向已失效域名",
         "http_downloads": "附件经http明文下载", "mixed_content": "https页面加载http资源"}


def _summary(found: dict[str, list[dict[str, Any]]]) -> str:
    parts = []
    for key, items in found.items():
        if items:
            hosts = sorted({i.get("host") or _host(i["target"]) for i in items})
            parts.append(f"{WORDS[key]}{len(items)}处（{'、'.join(hosts[:5])}）")
    return "；".join(parts)


@register("external_links", ExternalParams)
def run_external(view: AuditView, site: SiteInfo, rule: Rule, params: ExternalParams) -> Iterator[Result]:
    pages = [p for p in view.pages(site.site) if p.get("outcome") in (None, "ok")]
    if not view.records_page_refs(site.site) and any(p["kind"] == "article" for p in pages):
        yield result(site, rule, site.home, "unknown", "爬取时未记录正文链接（早于本检查的爬取），需重新爬取")
        return
    refs: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for ref in view.page_refs(site.site):
        refs[ref["page_fp"]][ref["role"]].append(ref)
    docs = {d["url"]: d for d in view.documents(site.site)}
    dead = _dns_failures(view, site)
    for page in sorted(pages, key=lambda p: p["url"]):
        mine = refs.get(page["fingerprint"], {})
        if page["kind"] != "article" and not mine.get("insecure"):
            continue
        found = _judge(page, mine, docs, site, params, dead)
        ev = {key: items[:MAX_SAMPLES] for key, items in found.items()} | {
            "counts": {key: len(items) for key, items in found.items()}, "body_links": len(mine.get("body", []))}
        if any(found.values()):
            yield result(site, rule, page["url"], "fail", _summary(found), **ev)
        elif mine.get("no_body"):
            yield result(site, rule, page["url"], "unknown", "未找到正文区域，无法判断正文外链", **ev)
        else:
            yield result(site, rule, page["url"], "pass", "正文外链、附件下载与页面资源均无安全问题", **ev)
