"""Publish dates that contradict the page's other dates: possible 伪造发稿日期 (back- or forward-dating).

国办秘函〔2019〕19号 counts 弄虚作假 such as forging a 发稿日期 under 安全、泄密事故等严重问题.  A
CMS writes the day a document was put online into its URL (TRS ``t20240510_…``, Hanweb
``/art/2024/5/10/``) and into its lists; the page shows a 发布日期 typed by an editor.  When they
differ by more than ``max_days``, or the shown date lies after the crawl itself, the finding lists
every date so a reviewer can judge.  An old document re-posted says so (转载自…, 因网站改版重新发布,
原发布于…): its URL and list carry the upload day and its page the original day, which is honest.

Only a date the page displays as its publication is compared: a publish date the extractor took
from the URL or the metadata (the page shows none) would be compared with itself, and a
发文日期/成文日期 is not the day of upload — both are ``not_applicable``.  A list date equal to
the document's 成文日期 is that column of a 信息公开目录 row (成文日期 first), not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import Field

from gongkai.checks.base import result, snippet
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import date_from_url
from gongkai.workdays import beijing_day


class DateParams(KindParams):
    """Tolerance between dates, the words of a re-post note, and the labels of page dates that
    are not the day of publication online (a 发文日期 or 成文日期 precedes the upload by days)."""

    max_days: int = Field(3, ge=0)
    not_publish_labels: list[str] = Field(default_factory=lambda: [
        "发文日期", "发文时间", "成文日期", "成文时间", "印发日期", "生成日期", "签发日期"])
    repost_words: list[str] = Field(default_factory=lambda: [
        "转载自", "转载于", "重新发布", "重新上传", "原发布于", "原发布时间", "原发布日期", "原文发布于", "首次发布于",
        "网站改版", "系统迁移", "历史文件补录"])


def _crawl_day(page: dict[str, Any] | None, view: AuditView) -> date:
    stamp = (page or {}).get("fetched_at")
    if not stamp:
        return view.crawl_day
    return beijing_day(stamp)   # publish dates are Beijing days; fetched_at is UTC


def _list_index(view: AuditView, site: SiteInfo) -> dict[str, list[dict[str, Any]]]:
    """URL → the dates column lists show for it (home boxes excluded: they often print MM-DD only,
    their year is inferred)."""
    homes = {site.home, *(p["url"] for p in view.pages(site.site, kind="home"))}
    index: dict[str, list[dict[str, Any]]] = {}
    for it in view.list_items(site.site):
        if it["date"] and it["column_url"] not in homes:
            index.setdefault(it["url"], []).append({"list": it["column_url"], "date": it["date"]})
    return index


_ANY_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


def _date_pattern(day: date) -> re.Pattern[str]:
    """The ways a page prints ``day``: 2024-05-10, 2024/5/10, 2024.05.10, 2024年5月10日."""
    return re.compile(rf"(?<!\d){day.year}\s*[-/.年]\s*0?{day.month}\s*[-/.月]\s*0?{day.day}(?!\d)")


def shown_as(text: str, day: date, not_publish: list[str]) -> str:
    """How the page displays its publish date: ``publish`` (on a line that is not only a 发文/成文
    date), ``other`` (only as a 发文日期/成文日期 …), ``none`` (not at all: the date came from the
    URL or the page's metadata, and comparing it with the URL would compare it with itself)."""
    seen_other = False
    for m in _date_pattern(day).finditer(text or ""):
        line = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        label = max(((line.rfind(w), w) for w in not_publish if w in line), default=(-1, None))
        between = line[label[0]:] if label[1] else ""
        if label[1] and not _ANY_DATE.search(between):
            seen_other = True
            continue
        return "publish"
    return "other" if seen_other else "none"


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


def _shown_how(view: AuditView, site: SiteInfo, not_publish: list[str]) -> dict[str, str]:
    """How each dated document's page displays its publish date (``shown_as``), in one pass over
    the site's page texts (the view holds pages without their text)."""
    dated = {d["url"]: d["publish_date"] for d in view.documents(site.site) if d.get("publish_date")}
    return {p["url"]: shown_as(p.get("text") or "", dated[p["url"]], not_publish)
            for p in view.iter_page_texts(site.site) if p["url"] in dated}


@register("date_consistency", DateParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: DateParams) -> Iterator[Result]:
    pages = {p["url"]: p for p in view.pages(site.site)}
    lists = _list_index(view, site)
    shown_how = _shown_how(view, site, params.not_publish_labels)
    for doc in view.documents(site.site):
        shown = doc.get("publish_date")
        if shown is None:
            continue
        page = pages.get(doc["url"])
        how = shown_how.get(doc["url"], "none")
        if how != "publish":
            why = ("页面显示的日期为发文日期或成文日期，不是上网发布日期，不作比对" if how == "other"
                   else "页面未显示发布日期（发布日期取自URL或页面元数据），无从比对")
            yield result(site, rule, doc["url"], "not_applicable", why, publish_date=shown, shown_as=how)
            continue
        crawled = _crawl_day(page, view)
        urls = [doc["url"], *(a.get("url") for a in doc.get("also_in") or [])]
        url_date = date_from_url(doc["url"])
        written = doc.get("written_date")
        # a list row's first date may be its 成文日期 column (信息公开目录): that one is no publish date
        listed = [x for u in urls for x in lists.get(u, []) if not (written and x["date"] == written != shown)]
        ev = {"publish_date": shown, "url_date": url_date, "list_dates": listed, "crawled": crawled,
              "max_days": params.max_days}
        found, later_upload = _conflicts(shown, url_date, listed, crawled, params.max_days)
        if not found and url_date is None and not listed:   # only "not after the crawl" could be asked
            yield result(site, rule, doc["url"], "not_applicable",
                         "URL无日期、列表中未见该文，无可比对的日期（发布日期不晚于抓取日期）", **ev)
            continue
        if not found:
            yield result(site, rule, doc["url"], "pass", "发布日期与URL、列表日期一致且不晚于抓取日期", **ev)
            continue
        note = _repost_note(doc, view.body_text(site.site, doc["url"]), params.repost_words) if later_upload else None
        if note:
            yield result(site, rule, doc["url"], "pass", "页面注明为转载或重新发布，URL和列表为上传日期", note=note, **ev)
            continue
        yield result(site, rule, doc["url"], "fail", f"页面显示发布日期{shown.isoformat()}，" + "；".join(found), conflicts=found, **ev)
