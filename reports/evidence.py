"""Evidence as a reader sees it: Chinese labels, dates, quoted snippets, links — never raw JSON.

Checks write evidence as JSON with English keys (``docs/outputs.md`` lists them per rule).  A
webmaster cannot act on ``label_slot: signature`` and an evaluator cannot defend ``outcome: ok`` on
a failing card, so every key gets a Chinese label here (one home for the vocabulary), codes become
words, empty values and internal codes are dropped, timestamps are shown in 北京时间, text the
finding is about is quoted and marked, and URLs become links only through ``present.safe_href``.

The output is plain data (:class:`Field`); the HTML template and the workbook render it, so both
show the same words.  They render the evidence as the check wrote it, probe times included (an
appeal about availability turns on them); findings.json holds the stable form (reports.cards.stable).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gongkai.workdays import BEIJING

from . import present

MAX_FIELDS = 14          # fields shown per level
MAX_ENTRIES = 8          # entries of a list shown

LABELS: dict[str, str] = {
    # documents and pages
    "title": "标题", "url": "页面", "doc_number": "发文字号", "publish_date": "发布日期", "written_date": "成文日期",
    "label": "公开属性标注", "label_slot": "标注位置", "validity": "有效性", "problems": "问题",
    "policy": "政策文件", "policy_url": "政策文件页面", "policy_date": "政策发布日期",
    "interp": "解读", "interp_url": "解读页面", "interp_date": "解读发布日期", "matched_by": "匹配方式",
    "deadline": "期限", "working_days": "时限（工作日）", "workdays_taken": "实际用时（工作日）",
    "report": "年度报告", "report_url": "年度报告页面", "report_date": "年度报告发布日期", "year": "年度",
    "others": "其他年度报告", "release": "公开信息", "release_url": "公开信息页面", "release_date": "公开日期",
    "month": "月份", "documents": "文件", "count": "数量", "oldest_written": "最早成文日期", "backfill": "疑为集中补录",
    # columns and freshness
    "column": "栏目", "column_url": "栏目地址", "columns": "检查的栏目", "items": "栏目条目数",
    "as_of": "检查基准日", "cutoff": "截止日期", "window_text": "更新时限", "newest_date": "最新信息日期",
    "newest_title": "最新信息", "newest_url": "最新信息页面", "home_items": "首页信息条数",
    "linked_articles": "首页链接文章数",
    # links and availability
    "status": "HTTP 状态", "method": "请求方法", "reason": "原因", "final_url": "最终地址", "from_home": "首页链接",
    "linked_from": "引用页面", "linked_from_count": "引用页面数", "page": "页面", "text": "文字", "target": "指向",
    "probes": "探测次数", "failed": "失败次数", "min_attempts": "最少探测次数", "timeout_s": "超时（秒）",
    "tried": "探测记录", "attempt": "次序", "at": "时间", "seconds": "用时（秒）", "fetched_at": "抓取时间", "outcome": "结果", "note": "说明",
    # content safety
    "hosts": "外部域名", "hidden": "隐藏链接数", "links": "链接", "how": "隐藏方式", "snippets": "可疑内容",
    "where": "位置", "spider_checked": "已用搜索引擎身份复查",
    # wording, personal data and dates (content.severe_error, content.typo, privacy.*, date.inconsistent)
    "hits": "命中", "snippet": "原句", "wrong": "错误写法", "correct": "正确写法", "source": "词典出处",
    "offset": "字符位置", "document_url": "所在文章", "dictionary": "词典", "version": "词典版本",
    "number_masked": "号码（已遮盖）", "url_date": "URL日期", "list_dates": "列表日期", "list": "列表",
    "date": "日期", "crawled": "抓取日期", "max_days": "容差（天）", "conflicts": "矛盾",
    # identity and meta tags
    "site_code": "网站标识码", "icp": "ICP备案号", "psb": "公安机关备案号", "conac": "党政机关网站标识",
    "meta_site_id_code": "网页标签中的标识码", "footer_text": "页脚文字", "also_missing": "另缺",
    "pages_checked": "检查页面数", "missing": "缺失情况", "missing_tags": "缺失标签", "of": "检查页数",
    "samples": "示例页面", "attempts": "访问次数", "pages": "页面", "raw": "原始记录", "value": "值",
    "elements": "页脚各项", "name": "名称", "found": "所见内容", "link": "链接", "problem": "问题",
    # external links and TLS
    "commercial": "指向非政府网站的正文链接", "expired": "指向失效域名的正文链接", "http_downloads": "http明文下载的附件",
    "mixed_content": "https页面加载的http资源", "counts": "各类数量", "body_links": "正文链接数", "host": "域名",
    "tag": "加载元素", "port": "端口", "checked_at": "检查时间", "tls_reason": "TLS检查结果", "not_before": "证书生效",
    "not_after": "证书到期", "days_left": "剩余天数", "subject": "证书主体", "issuer": "签发机构", "names": "证书所含域名",
    "expiry_days": "到期预警（天）",
    # 互动交流 and 办事服务
    "asked": "留言时间", "replied": "答复时间", "reply_status": "办理状态", "reply": "答复内容",
    "overdue_at": "满3个月之日", "overdue": "超过3个月未答复（否决项）", "sources": "读取自",
    "channels": "咨询建言渠道", "excluded": "不计入的入口（信访、举报）", "found_as": "发现方式", "state": "可用情况",
    "platform_links": "办事服务入口链接", "internal": "站内链接",
    "required": "应有要素", "messages": "留言条数", "answered": "已答复条数",
}
# keys that only repeat what the card already says, or are internal codes
HIDDEN = frozenset({"column_type", "column_types", "window"})
# values that are the offending text itself: quoted and marked
MARKED = frozenset({"text", "doc_number", "label", "hosts", "wrong", "number_masked"})
QUOTED = frozenset({"title", "policy", "interp", "newest_title", "report", "release", "footer_text", "column",
                    "snippet"})
VALUE_LABELS: dict[str, dict[str, str]] = {
    "label_slot": {"field": "元数据字段", "signature": "落款处"},
    "matched_by": {"link": "页面间链接", "title": "仅标题相似"},
    "where": {"body": "正文", "footer": "页脚", "link": "链接文字", "title": "标题", "meta": "网页标签",
              "page": "页面", "attachment": "附件"},
    "outcome": {**present.OUTCOME_LABELS, "soft404": "软404（内容为错误页）", "unknown": "无法判断",
                "valid": "证书有效", "invalid": "证书无效", "no_https": "未提供https", "no_answer": "https无应答"},
    "state": {"ok": "可用", "broken": "不可用", "unknown": "无法判断"},
    "sources": {"page": "留言页面", "list": "留言列表"},
}


@dataclass(frozen=True)
class Segment:
    """A piece of a value: text, optionally a link target, quoted or marked as offending."""

    text: str
    href: str | None = None
    mark: bool = False
    quote: bool = False


@dataclass(frozen=True)
class Field:
    """One labelled line of evidence; ``entries`` holds sub-fields of a list of records."""

    label: str
    segments: tuple[Segment, ...] = ()
    entries: tuple[tuple[Field, ...], ...] = ()
    more: str = ""


def label_of(key: str) -> str:
    return LABELS.get(key, key)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def timestamp(value: str) -> str | None:
    """An ISO timestamp as 北京时间 (``2024-07-01 10:00:00（北京时间）``); None for anything else."""
    if len(value) < 19 or value[10] != "T":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S（北京时间）")


def _scalar(key: str, value: Any) -> Segment:
    if isinstance(value, bool):
        return Segment("是" if value else "否")
    text = str(value)
    mapped = VALUE_LABELS.get(key, {}).get(text)
    if mapped:
        return Segment(mapped)
    href = present.safe_href(text)
    if href:
        return Segment(present.truncate(text, 200), href=href)
    when = timestamp(text)
    if when:
        return Segment(when)
    return Segment(present.truncate(text), mark=key in MARKED, quote=key in QUOTED or key in MARKED)


def _entry(key: str, value: Any) -> tuple[Field, ...]:
    """A record inside a list (one probe, one hidden link) as its own short list of fields."""
    if isinstance(value, dict):
        return tuple(fields(value))
    return (Field("", (_scalar(key, value),)),)


def _field(key: str, value: Any) -> Field | None:
    if key in HIDDEN or is_empty(value) or (key == "outcome" and value == "ok"):
        return None
    label = label_of(key)
    if isinstance(value, dict):
        return Field(label, entries=tuple(_named(value)))
    if isinstance(value, list):
        shown = value[:MAX_ENTRIES]
        more = f"共{len(value)}项，仅列前{MAX_ENTRIES}项" if len(value) > MAX_ENTRIES else ""
        if all(not isinstance(v, dict | list) for v in shown):
            return Field(label, tuple(_scalar(key, v) for v in shown), more=more)
        return Field(label, entries=tuple(_entry(key, v) for v in shown), more=more)
    return Field(label, (_scalar(key, value),))


def _named(mapping: dict[str, Any]) -> Iterable[tuple[Field, ...]]:
    """A mapping of names to records (meta.missing: tag → counts): one entry per name."""
    for name, value in list(mapping.items())[:MAX_FIELDS]:
        inner = fields(value) if isinstance(value, dict) else [f for f in [_field("value", value)] if f]
        yield (Field("名称", (Segment(present.truncate(name, 60)),)), *inner)


def fields(evidence: dict[str, Any]) -> list[Field]:
    """Labelled, bounded evidence fields in the order the check wrote them; empty ones dropped."""
    out = [f for f in (_field(str(k), v) for k, v in evidence.items()) if f]
    if len(out) > MAX_FIELDS:
        out = out[:MAX_FIELDS] + [Field("…", (Segment(f"另有{len(out) - MAX_FIELDS}项证据未列出"),))]
    return out


def _segments_text(segments: Iterable[Segment]) -> str:
    return "；".join(f"“{s.text}”" if s.quote else s.text for s in segments)


def field_text(f: Field, indent: str = "") -> str:
    """One field as plain text lines (for a spreadsheet cell)."""
    head = f"{indent}{f.label}：" if f.label else indent
    lines = [head + _segments_text(f.segments) + (f"（{f.more}）" if f.more else "")]
    for entry in f.entries:
        lines.append(indent + "  · " + "，".join(field_text(sub).strip() for sub in entry))
    return "\n".join(lines)


def text(evidence: dict[str, Any]) -> str:
    """All evidence as plain text, Chinese labels, one field a line."""
    return "\n".join(field_text(f) for f in fields(evidence))
