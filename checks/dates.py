"""Publish dates that contradict the page's other dates: possible 伪造发稿日期 (back- or forward-dating).

国办秘函〔2019〕19号 counts 弄虚作假 such as forging a 发稿日期 under 安全、泄密事故等严重问题.  A
CMS writes the day a document was put online into its URL (TRS ``t20240510_…``, Hanweb
``/art/2024/5/10/``) and into its lists; the page shows a 发布日期 typed by an editor.  When they
differ by more than ``max_days``, or the shown date lies after the crawl itself, the finding lists
every date so a reviewer can judge.  An old document re-posted says so (转载自…, 因网站改版重新发布,
原发布于…): its URL and list carry the upload day and its page the original day, which is honest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import Field

from gongkai.checks.base import result, snippet
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import date_from_url

CHINA = timedelta(hours=8)  # publish dates are Beijing days; fetched_at is UTC


class DateParams(KindParams):
    """Tolerance between dates, and the words of a re-post note."""

    max_days: int = Field(3, ge=0)
    repost_words: list[str] = Field(default_factory=lambda: [
        "转载自", "转载于", "重新发布", "重新上传", "原发布于", "原发布时间", "原发布日期", "原文发布于", "首次发布于",
        "网站改版", "系统迁移", "历史文件补录"])


def _crawl_day(page: dict[str, Any] | None, view: AuditView) -> date:
    stamp = (page or {}).get("fetched_at")
    if not stamp:
        return view.crawl_day
    return (datetime.fromisoformat(stamp) + CHINA).date()


def _list_index(view: AuditView, site: SiteInfo) -> dict[str, list[dict[str, Any]]]:
    """URL → the dates column lists show for it (home boxes excluded: they often print MM-DD only,
    their year is inferred)."""
    homes = {site.home, *(p["url"] for p in view.pages(site.site, kind="home"))}
    index: dict[str, list[dict[str, Any]]] = {}
    for it in view.list_items(site.site):
        if it["date"] and it["column_url"] not in homes:
            index.setdefault(it["url"], []).append({"list": it["column_url"], "date": it["date"]})
    return index


def _repost_note(doc: dict[str, Any], body: str, words: list[str]) -> str | None:
    text = f"{doc.get('title') or ''}\n{body}"
    for word in words:
        at = text.find(word)
        if at >= 0:
            return snippet(text, max(0, at - 30), at + 60)
    return None


def _conflicts(shown: date, url_date: date | None, listed: list[dict[str, Any]], crawled: date,
               limit: int) -> tuple[list[str], bool]:
    """Chinese descriptions of each contradiction, and whether any is explained only by a later upload."""
    out, all_later = [], True
    others = ([("URL日期", url_date)] if url_date else []) + [("列表日期", x["date"]) for x in listed]
    for label, other in others:
        gap = (shown - other).days
        if abs(gap) > limit:
            out.append(f"{label}为{other.isoformat()}（相差{abs(gap)}天）")
            all_later = all_later and other > shown
    if shown > crawled:
        out.append(f"晚于抓取日期{crawled.isoformat()}")
        all_later = False
    return out, all_later


@register("date_consistency", DateParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: DateParams) -> Iterator[Result]:
    pages = {p["url"]: p for p in view.pages(site.site)}
    lists = _list_index(view, site)
    for doc in view.documents(site.site):
        shown = doc.get("publish_date")
        if shown is None:
            continue
        crawled = _crawl_day(pages.get(doc["url"]), view)
        urls = [doc["url"], *(a.get("url") for a in doc.get("also_in") or [])]
        url_date, listed = date_from_url(doc["url"]), [x for u in urls for x in lists.get(u, [])]
        ev = {"publish_date": shown, "url_date": url_date, "list_dates": listed, "crawled": crawled,
              "max_days": params.max_days}
        found, later_upload = _conflicts(shown, url_date, listed, crawled, params.max_days)
        if not found:
            yield result(site, rule, doc["url"], "pass", "发布日期与URL、列表日期一致且不晚于抓取日期", **ev)
            continue
        note = _repost_note(doc, view.body_text(site.site, doc["url"]), params.repost_words) if later_upload else None
        if note:
            yield result(site, rule, doc["url"], "pass", "页面注明为转载或重新发布，URL和列表为上传日期", note=note, **ev)
            continue
        yield result(site, rule, doc["url"], "fail", f"页面显示发布日期{shown.isoformat()}，" + "；".join(found), conflicts=found, **ev)
