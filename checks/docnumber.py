"""发文字号 form: 机关代字〔YYYY〕N号 (GB/T 9704-2012 7.2.4).

Form is judged on the original characters: the year belongs in 六角括号 〔〕, not [ ] ( ) （）
【】; the year is written in full; the sequence number is present, has no leading zero and no 第.
Traditional characters are not a form error (遼政辦發〔2020〕13號 is well formed).  Other numbering
systems are not 发文字号 and are not malformed: 令 (国令第707号), 公告 (2024年第5号) and
provincial 规范性文件 统一编号 (XXGS—2017—9).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from gongkai.checks.base import result
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.scope import DocumentParams, documents_to_judge
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import simplify

_OTHER_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("令", re.compile(r"令\s*第\s*[0-9一二三四五六七八九十百〇零]+\s*号")),
    ("公告", re.compile(r"^(?:[\u4e00-\u9fff]*)(?:19|20)\d{2}\s*年\s*第\s*\d+\s*号")),
    ("统一编号", re.compile(r"^[A-Z]{2,10}\s*[—\-–－]+\s*(?:19|20)\d{2}\s*[—\-–－]+\s*\d+$")),
)
_WRONG_BRACKET = re.compile(r"[\[【(（［〖]\s*(?:\d{2}|\d{4})\s*[\]】)）］〗]")
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[〔\[【(（［〖]\d{2}[〕\]】)）］〗]"), "年份未写全（应为四位）"),
    (re.compile(r"〕号"), "缺少发文顺序号"),
    (re.compile(r"〕0\d*号"), "顺序号前加了“0”"),
    (re.compile(r"〕第\d+号"), "顺序号前加了“第”"),
)
_WELL_FORMED = re.compile(r"^[\u4e00-\u9fffA-Za-z]+〔(?:19|20)\d{2}〕[1-9]\d*号$")


def number_problems(original: str) -> tuple[str | None, list[str]]:
    """(other numbering system, problems) of a 发文字号 as written; both empty = well formed."""
    text = simplify(original)   # 號 → 号, full-width digits; brackets are kept as written
    flat = re.sub(r"\s+", "", text)
    for name, pattern in _OTHER_SYSTEMS:
        if pattern.search(flat):
            return name, []
    problems = []
    if _WRONG_BRACKET.search(original) or _WRONG_BRACKET.search(flat):
        problems.append("年份未使用六角括号〔〕")
    for pattern, problem in _PROBLEMS:
        if pattern.search(flat):
            problems.append(problem)
    if not problems and not _WELL_FORMED.match(flat):
        problems.append("不符合“机关代字〔年份〕序号号”格式")
    return None, problems


def _number(doc: dict[str, Any]) -> str:
    return (doc.get("doc_number") or "").strip()


def _evidence(doc: dict[str, Any], day: date | None) -> dict[str, Any]:
    return {"title": doc.get("title"), "url": doc["url"], "doc_number": _number(doc), "publish_date": day}


@register("docnumber_format", DocumentParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: DocumentParams) -> Iterator[Result]:
    for item in documents_to_judge(view, site, rule, params, params.columns, _evidence,
                                   ignore=lambda doc: not _number(doc)):
        if isinstance(item, Result):  # a 转发 carries the other body's number: not this body's 公文 to judge
            yield item
            continue
        url, ev, number = item.doc["url"], item.evidence, _number(item.doc)
        system, problems = number_problems(number)
        if system:
            yield result(site, rule, url, "pass", f"{system}编号，不按发文字号格式判断", **ev)
        elif problems:
            yield result(site, rule, url, "fail", "；".join(problems), problems=problems, **ev)
        else:
            yield result(site, rule, url, "pass", "发文字号格式规范", **ev)
