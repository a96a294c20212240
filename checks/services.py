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

from gongkai.checks.base import HOME_NOT_READ, MAX_SAMPLES, read_home, result, snippet
from gongkai.checks.params import KindParams, NoParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.crawler.extract.fold import fold
from gongkai.models import Result
from gongkai.vocab import load_config

MAX_GUIDE_TEXT = 100_000   # characters of a guide page read for its element labels
MAX_ENTRY_TEXT = 20        # a service entry is a short link text


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

def service_link(target: str, text: str | None, internal: bool) -> bool:
    """A 办事服务 entry: a host naming the 政务服务网, a text naming it (any host), or a service word
    on a link inside the site or to a gov.cn host (a commercial 办事大厅 is not one)."""
    host = (urlsplit(target).hostname or "").lower()
    conf = guide_config()
    if any(label in conf["platform_hosts"] for label in host.split(".")):
        return True
    text = (text or "").strip()
    if not text or len(text) > MAX_ENTRY_TEXT:
        return False
    if any(w in text for w in conf["platform_words"]):
        return True
    return (internal or host.endswith(".gov.cn")) and any(w in text for w in conf["entry_words"])


def _entries(view: AuditView, site: SiteInfo, home: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(service columns on the site, home links to a 政务服务网 or to a service page)."""
    columns = [{"url": c["url"], "name": c["name"], "outcome": c.get("outcome"), "reason": c.get("reason")}
               for c in view.columns(site.site) if c["type"] == "services"]
    links = [{"url": lk["target"], "name": lk.get("text"), "internal": bool(lk.get("internal"))}
             for lk in view.links(site.site)
             if lk["page_url"] == home["url"] and service_link(lk["target"], lk.get("text"), bool(lk.get("internal")))]
    unique = list({lk["url"]: lk for lk in links}.values())
    return columns, unique[:MAX_SAMPLES]


@register("service_entry", NoParams)
def run_entry(view: AuditView, site: SiteInfo, rule: Rule, params: NoParams) -> Iterator[Result]:
    home = read_home(view, site)
    if home is None:
        yield result(site, rule, site.home, "unknown", HOME_NOT_READ)
        return
    columns, platforms = _entries(view, site, home)
    ev = {"columns": columns, "platform_links": platforms}
    working = [c for c in columns if c["outcome"] in (None, "ok", "pending")]
    if working:
        yield result(site, rule, site.home, "pass", f"办事服务栏目：{working[0]['name']}", **ev)
    elif platforms:
        yield result(site, rule, site.home, "pass",
                     f"首页办事服务入口：{platforms[0]['name'] or platforms[0]['url']}（站外办事指南不在此评判）", **ev)
    elif columns:
        yield result(site, rule, site.home, "unknown",
                     f"办事服务栏目无法打开（{columns[0]['reason'] or columns[0]['outcome']}）", **ev)
    else:
        yield result(site, rule, site.home, "fail", "首页未发现办事服务栏目或政务服务网链接", **ev)


# -- 办事指南 elements -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _element_rx() -> dict[str, re.Pattern[str]]:
    """Element → a line that starts with one of its labels (after a 一、/1./【 marker), as a label."""
    out = {}
    for name, spec in guide_config()["elements"].items():
        alternation = "|".join(map(re.escape, sorted(spec["labels"], key=len, reverse=True)))
        out[name] = re.compile(rf"^\s*(?:[（(]?[一二三四五六七八九十\d]{{1,3}}[)）、.．]\s*)?[【\[]?({alternation})"
                               rf"\s*(?:[】\]]\s*)?(?:[:：]|$|\s)")
    return out


def guide_lines(page: dict[str, Any]) -> list[str]:
    """The lines of a page that are its own: the site footer (联系电话 on every page) is left out."""
    footer = str((page.get("identity") or {}).get("footer_text") or "")
    lines = [fold(line.strip()) for line in (page.get("text") or "")[:MAX_GUIDE_TEXT].split("\n")]
    return [line for line in lines if line and not (footer and line in footer)]


def elements_found(lines: list[str]) -> dict[str, str]:
    """Element → the label it is printed under (the first line that starts with one of its labels)."""
    found: dict[str, str] = {}
    for line in lines:
        for name, rx in _element_rx().items():
            if name not in found and (m := rx.match(line)):
                found[name] = m.group(1)
    return found


def is_guide(page: dict[str, Any], found: dict[str, str]) -> bool:
    title = page.get("title") or ""
    conf = guide_config()
    return any(w in title for w in conf["guide_title_words"]) or len(found) >= int(conf["min_labels"])


def _guide_pages(view: AuditView, site: SiteInfo) -> list[dict[str, Any]]:
    return [p for p in view.pages(site.site, kind="article")
            if p.get("column_type") == "services" and p.get("outcome") in (None, "ok")]


@register("service_guide_elements", GuideParams)
def run_guides(view: AuditView, site: SiteInfo, rule: Rule, params: GuideParams) -> Iterator[Result]:
    columns = [c for c in view.columns(site.site) if c["type"] == "services"]
    if not columns:
        yield result(site, rule, site.home, "not_applicable", "本站无办事服务栏目（办事指南在站外的，仅作链接检查）")
        return
    labels = {name: spec["label"] for name, spec in guide_config()["elements"].items()}
    titles = {d["url"]: d.get("title") for d in view.documents(site.site, "services")}
    judged = 0
    for page in sorted(_guide_pages(view, site), key=lambda p: p["url"]):
        found = elements_found(guide_lines(page))
        if not is_guide(page, found):
            continue
        judged += 1
        missing = [labels[e] for e in params.elements if e not in found]
        shown = [labels[k] if v == labels[k] else f"{labels[k]}（{v}）" for k, v in found.items()]
        ev = {"title": snippet(titles.get(page["url"]) or page.get("title")), "found": shown,
              "missing": missing, "required": [labels[e] for e in params.elements]}
        if missing:
            yield result(site, rule, page["url"], "fail", "办事指南缺少要素：" + "、".join(missing), **ev)
        else:
            yield result(site, rule, page["url"], "pass", f"办事指南要素齐全（{len(params.elements)}项）", **ev)
    if not judged:
        yield result(site, rule, columns[0]["url"], "not_applicable",
                     "办事服务栏目中未发现本站发布的办事指南（指南在站外平台的，仅作链接检查）", column=columns[0]["name"])
