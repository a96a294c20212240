"""办事服务: does the site offer a service entry, and do its 办事指南 show the required elements.

The official veto 服务不实用 (国办秘函〔2019〕19号, shared/reference/indicators.md §1b) has two
legs: no 办事服务 at all, and 办事指南 lacking key element classes.  Many portals hand 办事服务 to
the province's 政务服务网: a link there is a service entry, and the guides behind it are off-site
(checked as links by ``link.broken``, never judged here).  The elements, their synonyms (法律依据 for
设定依据) and the platform's host words are data: ``config/service_guide.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from gongkai.checks.base import HOME_NOT_READ, MAX_SAMPLES, read_home, result, snippet, unless_unseen
from gongkai.checks.params import KindParams, NoParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.crawler.extract.fold import fold
from gongkai.crawler.markup import is_article_url
from gongkai.models import Result
from gongkai.vocab import load_config

MAX_GUIDE_TEXT = 100_000   # characters of a guide page read for its element labels
MAX_ENTRY_TEXT = 20        # a service entry is a short link text
MAX_ENTRY_WORD_TEXT = 8    # a navigation entry (政务服务, 网上办事大厅); a headline naming 便民服务 is longer


@lru_cache(maxsize=1)
def guide_config() -> dict[str, Any]:
    """``config/service_guide.yaml``."""
    return load_config("service_guide.yaml")


def _known_element(value: str) -> str:
    known = guide_config()["elements"]
    if value not in known:
        raise ValueError(f"unknown guide element {value!r} (config/service_guide.yaml: {', '.join(known)})")
    return value


def _default_elements() -> list[str]:
    return [name for name, spec in guide_config()["elements"].items() if spec.get("required")]


class GuideParams(KindParams):
    """Which elements (keys of config/service_guide.yaml) every 办事指南 must show."""

    elements: list[Annotated[str, AfterValidator(_known_element)]] = Field(default_factory=_default_elements)


# -- the service entry ---------------------------------------------------------------------------

def platform_host(target: str) -> bool:
    """A host of a 政务服务网: a gov.cn host with ``zwfw`` in a label (www.zjzwfw.gov.cn,
    gjzwfw.www.gov.cn, zwfw-new.hunan.gov.cn), one of the platform labels, or a known platform host."""
    host = (urlsplit(target).hostname or "").lower().rstrip(".")
    conf = guide_config()
    labels = host.split(".")
    if host.endswith(".gov.cn") and any("zwfw" in label for label in labels):
        return True
    if any(label in conf["platform_hosts"] for label in labels):
        return True
    return any(host == h or host.endswith("." + h) for h in conf["platform_domains"])


def service_link(target: str, text: str | None, internal: bool) -> bool:
    """A 办事服务 entry: a 政务服务网 host, a text naming the platform or its app (any host), or a
    short service word (a navigation entry, not a headline) on a link inside the site or to a gov.cn
    host that is not an article (a commercial 办事大厅 or a news item is not one)."""
    if platform_host(target):
        return True
    conf = guide_config()
    text = (text or "").strip()
    if not text or len(text) > MAX_ENTRY_TEXT:
        return False
    if any(w in text for w in conf["platform_words"]):
        return True
    host = (urlsplit(target).hostname or "").lower()
    return ((internal or host.endswith(".gov.cn")) and len(text) <= MAX_ENTRY_WORD_TEXT
            and not is_article_url(target) and any(w in text for w in conf["entry_words"]))


def links_platform(view: AuditView, site: SiteInfo, url: str) -> bool:
    """Whether the page at ``url`` links to a 政务服务网 (host or platform name): such a services
    column is an entry even when it lists nothing itself."""
    words = guide_config()["platform_words"]
    return any(lk["page_url"] == url and (platform_host(lk["target"]) or any(w in (lk.get("text") or "") for w in words))
               for lk in view.links(site.site))


def column_content(view: AuditView, site: SiteInfo, url: str) -> str | None:
    """What a services column offers (items, pages, a platform link), or None when it shows nothing."""
    items = view.list_items(site.site, url)
    if items:
        return f"列出{len(items)}条事项"
    pages = [p for p in view.pages(site.site, kind="article") if p.get("column_url") == url]
    if pages:
        return f"{len(pages)}个办事页面"
    return "链接至政务服务网" if links_platform(view, site, url) else None


def _entries(view: AuditView, site: SiteInfo, home: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(service columns on the site with what they offer, home links to a 政务服务网 or to a service page)."""
    columns = [{"url": c["url"], "name": c["name"], "outcome": c.get("outcome"), "reason": c.get("reason"),
                "content": column_content(view, site, c["url"])}
               for c in view.columns(site.site) if c["type"] == "services"]
    links = [{"url": lk["target"], "name": lk.get("text"), "internal": bool(lk.get("internal"))}
             for lk in view.links(site.site)
             if lk["page_url"] == home["url"] and service_link(lk["target"], lk.get("text"), bool(lk.get("internal")))]
    unique = [lk for lk in {lk["url"]: lk for lk in links}.values()
              if lk["url"] not in {c["url"] for c in columns}]   # a column's own nav link is no entry by itself
    return columns, unique[:MAX_SAMPLES]


@register("service_entry", NoParams)
def run_entry(view: AuditView, site: SiteInfo, rule: Rule, params: NoParams) -> Iterator[Result]:
    home = read_home(view, site)
    if home is None:
        yield result(site, rule, site.home, "unknown", HOME_NOT_READ)
        return
    columns, platforms = _entries(view, site, home)
    ev = {"columns": columns, "platform_links": platforms, "veto_leg": True}
    # a column never fetched (``pending``: the page budget refused it) shows nothing either way
    readable = [c for c in columns if c["outcome"] in (None, "ok")]
    working = [c for c in readable if c["content"]]
    if working:
        yield result(site, rule, site.home, "pass", f"办事服务栏目：{working[0]['name']}", **ev)
    elif platforms:
        yield result(site, rule, site.home, "pass",
                     f"首页办事服务入口：{platforms[0]['name'] or platforms[0]['url']}（站外办事指南不在此评判）", **ev)
    elif readable and len(readable) < len(columns):   # the entry may be the services column nobody read
        unread = next(c for c in columns if c not in readable)
        yield result(site, rule, site.home, "unknown", f"办事服务栏目“{readable[0]['name']}”无事项，"
                     f"另一办事服务栏目“{unread['name']}”无法打开（{unread['reason'] or unread['outcome']}）", **ev)
    elif readable:
        res = result(site, rule, site.home, "fail", f"办事服务栏目“{readable[0]['name']}”无任何事项或政务服务网链接", **ev)
        yield unless_unseen(res, view.coverage(site.site, "services", url=readable[0]["url"]))
    elif columns:
        yield result(site, rule, site.home, "unknown",
                     f"办事服务栏目无法打开（{columns[0]['reason'] or columns[0]['outcome']}）", **ev)
    else:
        yield result(site, rule, site.home, "fail", "首页未发现办事服务栏目或政务服务网链接", **ev)


# -- 办事指南 elements -------------------------------------------------------------------------------

MARKER = r"(?:[■□●○◆◇▪•·\-*]\s*)?(?:[（(]?(?:[一二三四五六七八九十]{1,3}|\d{1,2}(?:\.\d{1,2})*)[)）、.．]?\s*)?"
MAX_LABEL_SUFFIX = 8       # characters after a label before its colon (申请材料目录：, 设定依据及法律依据：)


def _spaced(label: str) -> str:
    """A label's pattern that also matches it letter-spaced (事 项 名 称)."""
    return r"\s*".join(map(re.escape, label))


@lru_cache(maxsize=1)
def _element_rx() -> dict[str, re.Pattern[str]]:
    """Element → a line that starts with one of its labels, as a label: after a 一、/1.1/■/【 marker,
    maybe letter-spaced, maybe with a short suffix (申请材料目录, 办理流程图) before its colon."""
    out = {}
    for name, spec in guide_config()["elements"].items():
        alternation = "|".join(map(_spaced, sorted(spec["labels"], key=len, reverse=True)))
        out[name] = re.compile(rf"^\s*{MARKER}[【\[]?\s*({alternation})"
                               rf"(?:\s*[】\]]\s*|[^\s:：。，,；;]{{0,{MAX_LABEL_SUFFIX}}}?)(?:[:：]|$|\s)")
    return out


def guide_lines(page: dict[str, Any], text: str | None = None) -> list[str]:
    """The lines of a page (or of ``text``, an attachment) that are its own: whole lines of the site
    footer (联系电话 on every page) are left out, a table cell that happens to occur in it is not."""
    footer = fold(str((page.get("identity") or {}).get("footer_text") or ""))
    source = page.get("text") if text is None else text
    lines = [fold(line.strip()) for line in (source or "")[:MAX_GUIDE_TEXT].split("\n")]
    return [line for line in lines if line and not _footer_line(line, footer)]


def _footer_line(line: str, footer: str) -> bool:
    """A footer line: the footer itself, or a piece of it that is a whole ``label：value`` statement
    (联系电话：0411-…) or long; a short cell that merely occurs in the footer (联系电话) is the page's."""
    if not footer or line not in footer:
        return False
    return line == footer.strip() or len(line) > MAX_ENTRY_TEXT or bool(re.search(r"[:：]\s*\S", line))


def elements_found(lines: list[str]) -> dict[str, str]:
    """Element → the label it is printed under (the first line that starts with one of its labels)."""
    found: dict[str, str] = {}
    for line in lines:
        for name, rx in _element_rx().items():
            if name not in found and (m := rx.match(line)):
                found[name] = re.sub(r"\s+", "", m.group(1))
    return found


def is_guide(page: dict[str, Any], found: dict[str, str]) -> bool:
    """A 办事指南: element labels, never a title alone (a news item on a 指南 is no guide)."""
    title = page.get("title") or ""
    conf = guide_config()
    titled = any(w in title for w in conf["guide_title_words"])
    return len(found) >= int(conf["min_labels"]) or (titled and len(found) >= int(conf["min_labels_titled"]))


def _guide_pages(view: AuditView, site: SiteInfo) -> list[dict[str, Any]]:
    """The service column's pages that answered, with their visible text."""
    return [{**p, "text": view.page_text(p)} for p in view.pages(site.site, kind="article")
            if p.get("column_type") == "services" and p.get("outcome") in (None, "ok")]


def _attachments(view: AuditView, site: SiteInfo) -> dict[str, list[dict[str, Any]]]:
    """Article URL → the attachments it links (downloaded rows, else what the document lists)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for att in view.attachments(site.site):
        out.setdefault(att.get("document_url") or "", []).append(att)
    for doc in view.documents(site.site, "services"):
        if doc["url"] not in out and doc.get("attachments"):
            out[doc["url"]] = [{"url": a.get("url"), "outcome": None, "text": None} for a in doc["attachments"]]
    return out


def _read_guide(page: dict[str, Any], files: list[dict[str, Any]]) -> tuple[dict[str, str], str | None, str | None]:
    """(elements found, attachment URL read for them, why the guide cannot be read)."""
    found = elements_found(guide_lines(page))
    if is_guide(page, found) or not files:
        return found, None, None
    title = page.get("title") or ""
    if not any(w in title for w in guide_config()["guide_title_words"]):
        return found, None, None
    for att in files:
        if att.get("text"):
            att_found = elements_found(guide_lines(page, att["text"]))
            if is_guide(page, att_found):
                return att_found, att.get("url"), None
    return found, None, "办事指南以附件发布，附件未能读取（" + "、".join(
        str(a.get("reason") or a.get("outcome") or "未下载") for a in files[:MAX_SAMPLES]) + "）"


def _official(element: str) -> bool:
    """Whether a missing element counts toward the 服务不实用 veto (official/notice requirement)."""
    return guide_config()["elements"][element].get("status") in ("official", "notice")


@register("service_guide_elements", GuideParams)
def run_guides(view: AuditView, site: SiteInfo, rule: Rule, params: GuideParams) -> Iterator[Result]:
    columns = [c for c in view.columns(site.site) if c["type"] == "services"]
    if not columns:
        yield result(site, rule, site.home, "not_applicable", "本站无办事服务栏目（办事指南在站外的，仅作链接检查）")
        return
    labels = {name: spec["label"] for name, spec in guide_config()["elements"].items()}
    titles = {d["url"]: d.get("title") for d in view.documents(site.site, "services")}
    files = _attachments(view, site)
    judged = 0
    for page in sorted(_guide_pages(view, site), key=lambda p: p["url"]):
        found, read_from, unread = _read_guide(page, files.get(page["url"], []))
        title = snippet(titles.get(page["url"]) or page.get("title"))
        if unread:
            judged += 1
            yield result(site, rule, page["url"], "unknown", unread, title=title)
            continue
        if not is_guide(page, found):
            continue
        judged += 1
        missing = [e for e in params.elements if e not in found]
        shown = [labels[k] if v == labels[k] else f"{labels[k]}（{v}）" for k, v in found.items()]
        ev = {"title": title, "found": shown, "missing": [labels[e] for e in missing],
              "required": [labels[e] for e in params.elements], "attachment": read_from,
              "veto_leg": any(_official(e) for e in missing)}
        if missing:
            yield result(site, rule, page["url"], "fail", "办事指南缺少要素：" + "、".join(labels[e] for e in missing), **ev)
        else:
            yield result(site, rule, page["url"], "pass", f"办事指南要素齐全（{len(params.elements)}项）", **ev)
    if not judged:
        yield _no_guide(view, site, rule, columns)


def _no_guide(view: AuditView, site: SiteInfo, rule: Rule, columns: list[dict[str, Any]]) -> Result:
    """No guide seen: ``not_applicable`` when the services columns were read whole, else ``unknown``
    — a guide may sit on a list page or behind a column the crawl did not read, and the 服务不实用
    veto must not read "not tripped" on what was never seen."""
    unread = [c for c in columns if c.get("outcome") not in (None, "ok")]
    coverage = view.coverage(site.site, "services")
    if unread or not coverage.complete:
        why = (f"办事服务栏目无法打开（{unread[0].get('reason') or unread[0].get('outcome')}）" if unread
               else coverage.reason())
        return result(site, rule, columns[0]["url"], "unknown", f"未读到本站办事指南：{why}",
                      column=columns[0]["name"], coverage=coverage.evidence())
    return result(site, rule, columns[0]["url"], "not_applicable",
                  "办事服务栏目中未发现本站发布的办事指南（指南在站外平台的，仅作链接检查）", column=columns[0]["name"])
