"""Presentation helpers shared by the HTML and Excel writers.

Crawled strings are hostile: text is bounded, and a URL becomes a link only when it is an absolute
http(s) URL (a ``javascript:`` subject stays inert text).  Evidence has its own module
(reports/evidence.py).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from gongkai.text import visible_controls

SPACE = re.compile(r"\s")   # what str.isspace() calls a space (both use Py_UNICODE_ISSPACE)
MAX_TEXT = 300           # characters of one evidence value shown

SEVERITY_LABELS = {"critical": "严重", "high": "高", "medium": "中", "low": "低", "info": "提示", "unrated": "未定级"}
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info", "unrated")
STATUS_LABELS = {"pass": "通过", "fail": "不合格", "not_applicable": "不适用", "unknown": "无法判断"}
SOURCE_STATUS_LABELS = {"official": "官方原文", "notice": "通知/通报", "practice": "通行做法", "project": "项目设定"}
OUTCOME_LABELS = {"ok": "正常", "blocked": "被拦截", "broken": "不可用", "js_only": "需执行脚本", "error": "出错"}
SITE_KIND_LABELS = {"government": "人民政府", "department": "政府部门", "township": "乡镇（街道）"}
STAGE_LABELS = {"crawl": "抓取", "extract": "解析", "check": "检查", "report": "报告"}


def label(mapping: dict[str, str], key: str | None) -> str:
    """The Chinese label of a code, or the code itself (a dash for none)."""
    return mapping.get(key or "", key or "—")


def truncate(text: Any, limit: int = MAX_TEXT) -> str:
    """At most ``limit`` characters, with an ellipsis that says text was cut."""
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: max(limit - 1, 0)] + "…"


def safe_href(url: Any) -> str | None:
    """The URL if it may be a link target (absolute http/https, no space or invisible character), else None.

    A URL hiding a bidi override or a zero-width space is shown as inert, visibly escaped text:
    a link whose target differs from what the reader sees is exactly what an attacker wants.
    """
    if not isinstance(url, str) or len(url) > 4000:
        return None
    if not url[:6].lower().startswith(("http:", "https:")):   # most texts asked are no URL at all
        return None
    if SPACE.search(url) or visible_controls(url) != url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def severity_label(severity: str | None) -> str:
    return SEVERITY_LABELS.get(severity or "unrated", severity or "未定级")


def number(value: float | int | None) -> str:
    """A score without trailing zeros (87.5, 100); a dash for no value."""
    return "—" if value is None else f"{value:g}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
