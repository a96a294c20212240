"""互动交流: is there a working 咨询建言 channel, are messages answered in time, are replies published.

The official veto 互动回应差 (国办秘函〔2019〕19号, shared/reference/indicators.md §1b) has two
legs: no effective online 咨询建言 channel (网上信访 and 纪检举报 do not count), and a valid message
of the last 12 months left unanswered for more than 3 months.  The crawler reads the channel
(column type ``messages``) and stores each message it shows (``messages``: list rows and message
pages, merged here by URL).  A message answered later than a regional deadline in working days
(a parameter; 调休 calendar) fails too, but only the 3-month leg carries ``overdue: true``, which
is what the veto in ``config/indicators.yaml`` counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from pydantic import Field

from gongkai.checks.base import HOME_NOT_READ, MAX_SAMPLES, plain, read_home, result, snippet, unless_unseen
from gongkai.checks.params import KindParams, NoParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.crawler.extract.message import ANSWERED, INVALID, PENDING, status_state, vocabulary
from gongkai.models import Result
from gongkai.workdays import add_workdays, month_end

FIELDS = ("title", "asked_date", "replied_date", "status", "state", "reply")
MAX_CHANNEL_TEXT = 20     # a channel entry is a short link text
MAX_SNAPSHOT = 500_000    # characters of a channel page's HTML searched for a form


class ReplyParams(KindParams):
    """How long a message may wait: the veto's months, and a regional deadline in working days."""

    overdue_months: int = Field(3, ge=1, le=24)      # unanswered longer than this: the veto leg
    window_months: int = Field(12, ge=1, le=60)      # messages asked within this many months before as_of
    reply_working_days: int | None = Field(None, ge=1, le=120)  # regional deadline; None: none set


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, month_end(year, month).day))


# -- the channel ---------------------------------------------------------------------------------

def _words(key: str) -> list[str]:
    return [str(w) for w in vocabulary()[key]]


def channel_kind(text: str | None) -> str | None:
    """``channel`` for a 咨询建言 link text, ``excluded`` for 信访/举报 ones, else None."""
    text = (text or "").strip()
    if not text or len(text) > MAX_CHANNEL_TEXT:
        return None
    if any(w in text for w in _words("not_channel_words")):
        return "excluded" if any(w in text for w in ("信箱", "留言", "咨询", "信访", "举报", "投诉")) else None
    return "channel" if any(w in text for w in _words("channel_words")) else None


def login_wall(text: str, shown: int) -> bool:
    """A channel page asking to log in and showing no message: what is behind it cannot be seen."""
    return not shown and any(w in text for w in _words("login_words"))


def _page_state(view: AuditView, site: SiteInfo, url: str, shown: int) -> tuple[str, str]:
    """(ok | unknown | broken, reason) of a channel page the crawler fetched."""
    page = view.page(site.site, url)
    if page is None:
        return "unknown", "渠道页面未抓取"
    if page.get("outcome") not in (None, "ok"):
        return _failed(page), f"渠道页面无法打开（{page.get('reason') or page.get('outcome')}）"
    if login_wall(view.page_text(page), shown):
        return "unknown", "渠道需登录后才能查看或留言（登录墙），无法判断是否可用"
    return "ok", "渠道可用"


def _home_links(view: AuditView, site: SiteInfo, home: dict[str, Any]) -> list[dict[str, Any]]:
    return [lk for lk in view.links(site.site) if lk["page_url"] == home["url"]]


def _link_outcome(view: AuditView, site: SiteInfo, target: str) -> tuple[str, str]:
    probes = [p for p in view.probes(site.site, kind="link") if p["url"] == target]
    if not probes:
        return "unknown", "链接未检查"
    probe = probes[-1]
    if probe.get("outcome") == "ok":
        return "ok", "链接可访问"
    return _failed(probe), probe.get("reason") or str(probe.get("outcome"))


def _failed(fetch: dict[str, Any]) -> str:
    """``broken`` for a channel that is gone (404, no such host, refused); ``unknown`` for one that
    answers an error (5xx: the form may work another time) or refuses crawlers (403/412)."""
    status = fetch.get("status") or 0
    if fetch.get("outcome") in ("broken", "soft404") and not 500 <= status < 600:
        return "broken"
    return "unknown"


def _shows_channel(view: AuditView, site: SiteInfo, page: dict[str, Any], shown: int) -> str | None:
    """What on a fetched channel page shows it is one (messages, a form, a 我要写信 link), or None:
    a page that loads but shows none of them (暂无信息, a section of 信访/访谈 links) proves nothing."""
    if shown:
        return f"公开留言{shown}条"
    html = (view.snapshot(page) or "")[:MAX_SNAPSHOT].lower()
    if "<textarea" in html:
        return "留言表单"
    for lk in view.links(site.site):
        text = (lk.get("text") or "").strip()
        if lk["page_url"] == page["url"] and _write_link(text):
            return f"写信入口“{text}”"
    return None


def _write_link(text: str) -> bool:
    return 0 < len(text) <= MAX_CHANNEL_TEXT and any(w in text for w in _words("write_words")) \
        and not any(w in text for w in _words("not_channel_words") + _words("not_consultation_words"))


def _candidate(view: AuditView, site: SiteInfo, url: str, name: str | None, found_as: str,
               shown: dict[str, int]) -> dict[str, Any]:
    """A channel candidate with its state: a fetched page must load and show it is a channel; a link
    not fetched (an off-site 12345 platform) counts when it answers."""
    page = view.page(site.site, url)
    if page is None:
        state, reason = _link_outcome(view, site, url)
    else:
        state, reason = _page_state(view, site, url, shown.get(url, 0))
        if state == "ok":
            what = _shows_channel(view, site, page, shown.get(url, 0))
            state, reason = ("ok", f"渠道可用（{what}）") if what else \
                ("unknown", "渠道页面未见留言、留言表单或写信入口，无法确认可用")
    return {"url": url, "name": name, "found_as": found_as, "state": state, "reason": reason}


def _below(view: AuditView, site: SiteInfo, section: dict[str, Any], shown: dict[str, int],
           seen: set[str]) -> list[dict[str, Any]]:
    """Channels linked from a section page (互动交流, 公众参与, 问政: the channels are one level below)."""
    out = []
    for lk in view.links(site.site):
        if lk["page_url"] == section["url"] and lk["target"] not in seen and channel_kind(lk.get("text")) == "channel":
            seen.add(lk["target"])
            out.append(_candidate(view, site, lk["target"], lk.get("text"), f"“{section['name']}”下链接", shown))
    return out


def _channels(view: AuditView, site: SiteInfo, home: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """(channel candidates with their state, excluded 信访/举报 link texts) of a site.

    A messages column that does not show itself a channel is read as a section: the channels
    linked from it are candidates too.
    """
    shown = _shown_per_page(view, site)
    found: dict[str, dict[str, Any]] = {}
    below: list[dict[str, Any]] = []
    for col in view.columns(site.site):
        if col["type"] == "messages":
            found[col["url"]] = cand = _candidate(view, site, col["url"], col["name"], "栏目", shown)
            if cand["state"] != "ok":
                below.extend(_below(view, site, cand, shown, set(found)))
    for cand in below:
        found.setdefault(cand["url"], cand)
    excluded: list[str] = []
    for lk in _home_links(view, site, home):
        kind = channel_kind(lk.get("text"))
        if kind == "excluded":
            excluded.append(f"{lk.get('text')}（{lk['target']}）")
        if kind != "channel" or lk["target"] in found:
            continue
        found[lk["target"]] = _candidate(view, site, lk["target"], lk.get("text"), "首页链接", shown)
    return list(found.values()), sorted(set(excluded))[:MAX_SAMPLES]


def _shown_per_page(view: AuditView, site: SiteInfo) -> dict[str, int]:
    shown: dict[str, int] = {}
    for row in view.messages(site.site):
        for url in (row.get("page_url"), row.get("column_url")):
            if url:
                shown[url] = shown.get(url, 0) + 1
    return shown


@register("interaction_channel", NoParams)
def run_channel(view: AuditView, site: SiteInfo, rule: Rule, params: NoParams) -> Iterator[Result]:
    home = read_home(view, site)
    if home is None:
        yield result(site, rule, site.home, "unknown", HOME_NOT_READ)
        return
    channels, excluded = _channels(view, site, home)
    ev = {"channels": channels[:MAX_SAMPLES], "excluded": excluded,
          "note": "网上信访、纪检举报渠道不计为咨询建言渠道" if excluded else None}
    working = [c for c in channels if c["state"] == "ok"]
    undecided = [c for c in channels if c["state"] == "unknown"]
    if working:
        yield result(site, rule, site.home, "pass", f"咨询建言渠道：{working[0]['name']}", **ev)
    elif undecided:
        yield result(site, rule, site.home, "unknown", f"{undecided[0]['name']}：{undecided[0]['reason']}", **ev)
    elif channels:
        yield result(site, rule, site.home, "fail",
                     f"咨询建言渠道无法使用：{channels[0]['name']}（{channels[0]['reason']}）", **ev)
    else:
        reason = "首页未发现咨询建言渠道（领导信箱、网上咨询、留言板等）"
        yield result(site, rule, site.home, "fail", reason + ("；仅有信访、举报入口" if excluded else ""), **ev)


# -- messages ------------------------------------------------------------------------------------

def merged_messages(view: AuditView, site: SiteInfo) -> list[dict[str, Any]]:
    """One record per message URL: the message page's facts first, list rows filling the gaps."""
    by_url: dict[str, dict[str, Any]] = {}
    rows = sorted(view.messages(site.site), key=lambda r: (r.get("source") != "page", r["id"]))
    for row in rows:
        key = row.get("url") or f"{row.get('page_url')}#{row.get('title')}"
        msg = by_url.setdefault(key, {"url": row.get("url") or row.get("page_url"), "sources": [],
                                      "column_url": row.get("column_url")})
        msg["sources"].append(row.get("source"))
        for name in FIELDS:
            if msg.get(name) is None and row.get(name) not in (None, ""):
                msg[name] = row[name]
    return list(by_url.values())


def _state(msg: dict[str, Any]) -> str | None:
    """answered / pending / invalid, or None when nothing shown says.

    Pending only when a page or row says so (a pending status word, an empty reply such as
    暂无回复): a reply the parser does not recognise must not read as "never answered".
    """
    state = msg.get("state") or status_state(msg.get("status"))
    if state:
        return state
    if msg.get("replied_date") or msg.get("reply"):
        return ANSWERED
    return None


def _judge_message(view: AuditView, site: SiteInfo, rule: Rule, params: ReplyParams,
                   msg: dict[str, Any]) -> Result | None:
    asked: date | None = msg.get("asked_date")
    if asked is None or asked > view.as_of:
        return None
    subject, period = msg["url"], asked.strftime("%Y-%m")
    overdue_at = add_months(asked, params.overdue_months)
    deadline = add_workdays(asked, params.reply_working_days) if params.reply_working_days else None
    ev = {"title": snippet(msg.get("title")), "asked": asked, "replied": msg.get("replied_date"),
          "reply_status": msg.get("status"), "reply": snippet(msg.get("reply")), "overdue_at": overdue_at,
          "deadline": deadline, "working_days": params.reply_working_days, "sources": msg["sources"],
          "column_url": msg.get("column_url"), "overdue": False}
    if asked < add_months(view.as_of, -params.window_months):
        return result(site, rule, subject, "not_applicable",
                      f"留言时间{asked}早于评估日前{params.window_months}个月", period, **ev)
    state = _state(msg)
    if state == INVALID:
        return result(site, rule, subject, "not_applicable", f"无效留言（{msg.get('status')}）", period, **ev)
    if state is None:
        why = ("留言页面未显示答复状态或可识别的答复" if "page" in msg["sources"]
               else "列表未显示是否答复，留言页面未抓取")
        return result(site, rule, subject, "unknown", why, period, **ev)
    # a message in progress may show a 处理时间: that is no reply date
    replied: date | None = None if state == PENDING else msg.get("replied_date")
    ev["replied"] = replied
    if state == ANSWERED and replied is None:
        return result(site, rule, subject, "unknown", f"显示“{msg.get('status') or '已答复'}”但未标注答复时间", period, **ev)
    until = replied or view.as_of
    if until > overdue_at:
        ev["overdue"] = True
        how = f"{replied}才答复" if replied else f"至{view.as_of}仍未答复"
        return result(site, rule, subject, "fail",
                      f"{asked}留言，{how}，超过{params.overdue_months}个月（{overdue_at}）", period, **ev)
    return _judge_deadline(site, rule, params, subject, period, asked, replied, deadline, view.as_of, ev)


def _judge_deadline(site: SiteInfo, rule: Rule, params: ReplyParams, subject: str, period: str, asked: date,
                    replied: date | None, deadline: date | None, as_of: date, ev: dict[str, Any]) -> Result:
    """The regional deadline in working days, when one is set."""
    if not params.reply_working_days:
        if replied:
            return result(site, rule, subject, "pass", f"{asked}留言，{replied}答复", period, **ev)
        return result(site, rule, subject, "pass", f"{asked}留言，尚未答复，未超过{params.overdue_months}个月", period, **ev)
    n = params.reply_working_days
    if deadline is None:
        if replied and (replied - asked).days <= n:   # n calendar days hold at most n working days
            return result(site, rule, subject, "pass", f"{asked}留言，{replied}答复（{n}日内）", period, **ev)
        return result(site, rule, subject, "unknown", f"{asked.year}年或次年的官方工作日历尚未公布，无法计算答复期限",
                      period, **ev)
    if replied and replied > deadline:
        return result(site, rule, subject, "fail", f"{asked}留言，{replied}才答复，超过{n}个工作日（截止{deadline}）",
                      period, **ev)
    if not replied and as_of > deadline:
        return result(site, rule, subject, "fail", f"{asked}留言，超过{n}个工作日（截止{deadline}）仍未答复",
                      period, **ev)
    how = f"{replied}答复" if replied else "尚未答复，未到期限"
    return result(site, rule, subject, "pass", f"{asked}留言，{how}（{n}个工作日期限{deadline}）", period, **ev)


@register("message_reply_timeliness", ReplyParams)
def run_replies(view: AuditView, site: SiteInfo, rule: Rule, params: ReplyParams) -> Iterator[Result]:
    messages = merged_messages(view, site)
    unseen = list(_unseen_channels(view, site, rule))
    if not messages and not unseen:
        yield result(site, rule, site.home, "not_applicable", "未读取到任何留言")
    for msg in sorted(messages, key=lambda m: m["url"] or ""):
        res = _judge_message(view, site, rule, params, msg)
        if res is not None:
            yield res
    yield from unseen


def unread_layout(view: AuditView, site: SiteInfo, col: dict[str, Any]) -> dict[str, int] | None:
    """Counts when the column's list shows items but the message reader read fewer than half of them
    as messages: a list layout it does not know, whose unread rows may hide anything."""
    items = {it["url"] for it in view.list_items(site.site, col["url"])}
    read = {m.get("url") for m in view.messages(site.site) if m.get("column_url") == col["url"]}
    if items and 2 * len(read & items or read) < len(items):
        return {"list_items": len(items), "messages_read": len(read)}
    return None


UNREAD_LAYOUT = "列表格式未识别"


def _unseen_channels(view: AuditView, site: SiteInfo, rule: Rule) -> Iterator[Result]:
    """A channel not read whole may hide an overdue message: said once per channel, as unknown."""
    for col in view.columns(site.site):
        if col["type"] != "messages":
            continue
        if counts := unread_layout(view, site, col):
            yield result(site, rule, col["url"], "unknown",
                         f"{UNREAD_LAYOUT}：列表有{counts['list_items']}条，读出留言{counts['messages_read']}条，"
                         "其余留言是否超期无法判断", column=col["name"], **counts)
            continue
        coverage = view.coverage(site.site, "messages", url=col["url"])
        if not coverage.complete:
            yield result(site, rule, col["url"], "unknown", f"未读到的留言是否超期无法判断：{coverage.reason()}",
                         column=col["name"], coverage=plain(coverage.evidence()))


# -- published replies ---------------------------------------------------------------------------

def _answered(msg: dict[str, Any]) -> bool:
    return _state(msg) == ANSWERED


@register("replies_published", NoParams)
def run_published(view: AuditView, site: SiteInfo, rule: Rule, params: NoParams) -> Iterator[Result]:
    columns = [c for c in view.columns(site.site) if c["type"] == "messages"]
    if not columns:
        yield result(site, rule, site.home, "not_applicable", "本站无留言栏目")
        return
    found = [_published(view, site, rule, col) for col in columns]
    publishing = [r for r in found if r.status == "pass"]
    for res in found:
        # a column that shows no message (a write-a-letter form) while another channel publishes the
        # replies: the site publishes them, once
        if res.status == "fail" and publishing and not res.evidence.get("messages"):
            where = publishing[0].evidence.get("column")
            yield replace(res, status="not_applicable", reason=f"本栏目不公开留言，答复在本站“{where}”栏目公开")
        else:
            yield res


def _published(view: AuditView, site: SiteInfo, rule: Rule, col: dict[str, Any]) -> Result:
    """Whether one messages column publishes replies."""
    shown = _shown_per_page(view, site)
    state, reason = _page_state(view, site, col["url"], shown.get(col["url"], 0))
    if state != "ok":
        return result(site, rule, col["url"], "unknown", reason, column=col["name"])
    mine = [m for m in merged_messages(view, site) if m.get("column_url") == col["url"]]
    answered = [m for m in mine if _answered(m)]
    ev = {"column": col["name"], "messages": len(mine), "answered": len(answered),
          "samples": [m["url"] for m in mine[:MAX_SAMPLES]]}
    if answered:
        return result(site, rule, col["url"], "pass", f"公开留言{len(mine)}条，其中已答复{len(answered)}条", **ev)
    if counts := unread_layout(view, site, col):
        return result(site, rule, col["url"], "unknown", f"{UNREAD_LAYOUT}：列表有{counts['list_items']}条，"
                      f"读出留言{counts['messages_read']}条", **ev, **counts)
    why = f"公开留言{len(mine)}条，均未公开答复" if mine else "栏目未公开任何留言和答复"
    res = result(site, rule, col["url"], "fail", why, **ev)
    return unless_unseen(res, view.coverage(site.site, "messages", url=col["url"]))
