"""Personal data published by mistake: 身份证号 and personal mobile numbers, in pages and attachments.

《政府信息公开条例》第十五条 forbids disclosing 个人隐私 whose disclosure harms a third party; a
公示 or 名单 needs a name, not a full identity number or a private phone.  Both rules look for
what is certainly personal data, not for anything number-shaped:

- a 身份证号 is 18 characters whose check digit is right (GB 11643-1999, ISO 7064 MOD 11-2) and
  whose birth date is a real day before the crawl within a human lifetime, in a known province;
  masked numbers (3301**********1234) have no 18 digits and are never found;
- a mobile number counts only in 公示/名单 content (title or link text saying so), and not on a
  line that presents it as the office's contact (联系电话：…, 咨询电话…) nor in the footer.

Evidence shows numbers masked (身份证号 4+4, mobiles 3+4, by :mod:`gongkai.redact`, which masks
every rule's evidence): the report must not republish what it reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from pydantic import Field

from gongkai.checks.base import MAX_SAMPLES, result
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.texts import TextSource, nothing_found, sentence_at, site_texts
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.redact import ID_NUMBER, MOBILE, mask_id, mask_mobile, redact

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# 省级行政区划代码 (GB/T 2260): the first two digits of every 身份证号
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82})
MAX_AGE = 120


def check_digit(first17: str) -> str:
    """The 18th character of a 身份证号 (GB 11643-1999: ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_id_number(number: str, today: date) -> bool:
    """An unmasked 18-character 身份证号: province, real birth date within a lifetime, check digit."""
    if len(number) != 18 or not number[:17].isdigit() or int(number[:2]) not in PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not (today.year - MAX_AGE <= born.year and born <= today):
        return False
    return check_digit(number[:17]) == number[17].upper()


def _hit(source: TextSource, start: int, end: int, mask: Callable[[str], str]) -> dict[str, object]:
    """A found number's place, masked form and sentence (every number in it masked)."""
    return {**source.position(start), "number_masked": mask(source.text[start:end]),
            "snippet": redact(sentence_at(source.text, start, end))}


ID_WORDS = ("身份证号码", "身份证号", "身份证", "公民身份号码", "身份号码", "证件号码", "证件号")


class IdNumberParams(KindParams):
    """Labels that name an 18-digit number as something else (a 施工许可证编号, a 项目代码 can be
    shaped like area + date + sequence and even pass the check digit), and the words that name a
    person's 身份证号 (they win when nearer to the number)."""

    not_id_labels: list[str] = Field(default_factory=lambda: [
        "编号", "许可证", "证号", "项目代码", "信用代码", "订单号", "流水号", "账号", "帐号", "登记号", "备案号",
        "批准文号", "单号"])
    id_labels: list[str] = Field(default_factory=lambda: list(ID_WORDS))


def _cells_before(text: str, start: int) -> tuple[str, int, int]:
    """(the line up to ``start``, the column ``start`` is in (tab-separated rows), the line's start)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return before, before.count("\t"), line_start


def column_header(text: str, start: int, max_lines: int = 200) -> str:
    """The header cell above a tab-separated cell: the nearest line above whose cell in the same
    column holds no digit (sheet and table rows are stored tab-separated, the header first)."""
    _, column, line_start = _cells_before(text, start)
    line_end = text.find("\n", start)
    if "\t" not in text[line_start:line_end if line_end >= 0 else len(text)]:
        return ""   # not a table row
    end = line_start - 1
    for _ in range(max_lines):
        if end < 0:
            return ""
        begin = text.rfind("\n", 0, end) + 1
        cells = text[begin:end].split("\t")
        if column < len(cells) and cells[column].strip() and not any(c.isdigit() for c in cells[column]):
            return cells[column].strip()[:40]
        end = begin - 1
    return ""


def nearest_label(context: str, labels: list[str], wins: list[str]) -> str | None:
    """The label of ``labels`` ending nearest to the end of ``context``, unless a word of ``wins``
    ends nearer; a label inside a ``wins`` word (证号 in 身份证号) does not count."""
    masked = context
    for word in wins:
        masked = masked.replace(word, "\0" * len(word))
    at, label = max(((masked.rfind(w) + len(w), w) for w in labels if w in masked), default=(-1, None))
    won = max((context.rfind(w) + len(w) for w in wins if w in context), default=-1)
    return label if label and at > won else None


def other_number_label(source: TextSource, start: int, params: IdNumberParams) -> tuple[str, str] | None:
    """(label, where it was read) naming the number as no 身份证号: on the number's line, else in
    its column header; None for a number a person's ID label (or nothing) introduces."""
    before, _, _ = _cells_before(source.text, start)
    before = before.split("\t")[-1] if "\t" in before else before
    on_line = nearest_label(before, params.not_id_labels, params.id_labels)
    if on_line:
        return on_line, before.strip()[-20:]
    if nearest_label(before, params.id_labels, []):
        return None
    header = column_header(source.text, start)
    in_header = nearest_label(header, params.not_id_labels, params.id_labels)
    return (in_header, header) if in_header else None


@register("id_number", IdNumberParams)
def run_id(view: AuditView, site: SiteInfo, rule: Rule, params: IdNumberParams) -> Iterator[Result]:
    today = view.crawl_day
    for source in site_texts(view, site):
        if source.unreadable:
            yield result(site, rule, source.url, "unknown", f"附件未能读取：{source.unreadable}",
                         document_url=source.document_url)
            continue
        hits, other = [], []
        for m in ID_NUMBER.finditer(source.text):
            if not is_id_number(m.group(0), today):
                continue
            label = other_number_label(source, m.start(), params)
            if label:
                other.append({"offset": m.start(), "label": label[0], "context": label[1],
                              "number_masked": mask_id(m.group(0))})
            else:
                hits.append(_hit(source, m.start(), m.end(), mask_id))
        ev = {"not_id": other[:MAX_SAMPLES]} if other else {}
        if hits:
            yield result(site, rule, source.url, "fail", f"公开了{len(hits)}个未遮盖的身份证号（如{hits[0]['number_masked']}）",
                         count=len(hits), hits=hits[:MAX_SAMPLES], **ev)
        else:
            yield nothing_found(site, rule, source, "未发现未遮盖的身份证号", **ev)


class PhoneParams(KindParams):
    """Which texts are 公示/名单 content, which labels present a number as the office's contact, and
    which name an 11-digit number that is no phone (准考证号 …)."""

    list_words: list[str] = Field(default_factory=lambda: [
        "公示", "名单", "名册", "花名册", "名录", "拟录用", "拟聘用", "拟任", "获奖", "表彰", "补贴", "补助",
        "救助", "低保", "发放", "人员信息"])
    contact_labels: list[str] = Field(default_factory=lambda: [
        "联系电话", "联系方式", "联系人", "咨询电话", "监督电话", "举报电话", "投诉电话", "服务热线", "热线",
        "办公电话", "值班电话", "传真", "电话："])
    not_phone_labels: list[str] = Field(default_factory=lambda: [
        "准考证", "考号", "编号", "学号", "工号", "账号", "帐号", "卡号", "证号", "流水号"])


def _is_list(source: TextSource, words: list[str]) -> bool:
    return any(w in source.title for w in words)


def _not_personal_mobile(source: TextSource, start: int, params: PhoneParams) -> bool:
    """The number sits on a line presenting a contact (联系电话：…) or another number (准考证号…),
    or in the footer."""
    line_start = source.text.rfind("\n", 0, start) + 1
    line = source.text[line_start:start]
    for word in ID_WORDS:   # a person's 身份证号 earlier on the row is no 证号 label of this number
        line = line.replace(word, "\0" * len(word))
    if any(label in line for label in (*params.contact_labels, *params.not_phone_labels)):
        return True
    number = re.sub(r"\D", "", source.text[start:start + 20])[:11]
    return bool(number) and number in re.sub(r"\D", "", source.footer)


@register("phone_number", PhoneParams)
def run_phone(view: AuditView, site: SiteInfo, rule: Rule, params: PhoneParams) -> Iterator[Result]:
    for source in site_texts(view, site):
        if not _is_list(source, params.list_words):
            continue  # only 公示/名单 content is examined
        if source.unreadable:
            yield result(site, rule, source.url, "unknown", f"附件未能读取：{source.unreadable}",
                         document_url=source.document_url)
            continue
        hits = [_hit(source, m.start(), m.end(), mask_mobile) for m in MOBILE.finditer(source.text)
                if not _not_personal_mobile(source, m.start(), params)]
        if hits:
            yield result(site, rule, source.url, "fail", f"公示/名单内容公开了{len(hits)}个个人手机号码（如{hits[0]['number_masked']}）",
                         count=len(hits), hits=hits[:MAX_SAMPLES])
        else:
            yield nothing_found(site, rule, source, "公示/名单内容未发现个人手机号码")
