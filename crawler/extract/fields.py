"""Label:value pairs of 信息公开 metadata, whatever the layout that carries them.

Real sites put 索引号/发文字号/发布日期 … in 2-, 4- or 6-cell table rows, in ``<li>``/``<span>``
runs on one line, with the label and value in one cell or in two, with "：" or ":" or no colon
at all, in simplified or traditional characters.  All of these read the same once the page is
seen as *lines* (see :func:`dom.text_lines`): a label is a known word followed by a colon at
the start of a line or after a space; its value runs to the next label on that line, or — when
nothing follows the colon — is the next line, unless that line is itself a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .fold import fold

# Field → labels, most trusted first.  Spaces inside labels ("索 引 号", "标　　题") are allowed.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("信息名称", "文件名称", "文件标题", "标题", "题名"),
    "index_number": ("索引号", "信息索引", "索取号"),
    "doc_number": ("发文字号", "文号", "发文编号", "文件编号"),
    "publisher": ("发布机构", "发文机关", "发文机构", "发文单位", "发布单位", "制发机关", "信息来源", "来源",
                  "责任部门", "责任单位"),
    "publish_date": ("发布日期", "发布时间", "公开日期", "发文日期", "时间", "日期"),
    "written_date": ("成文日期", "成文时间"),
    "validity": ("有效性", "时效性", "效力状态", "有效状态"),
    "disclosure_label": ("公开方式", "公开属性", "信息公开选项", "公开形式", "公开类型"),
}
# Labels that belong to no field but end the value of the label before them.
OTHER_LABELS: tuple[str, ...] = (
    "主题分类", "主题词", "生成日期", "公开时限", "公开范围", "分类", "信息类别", "信息分类", "内容概述", "摘要",
    "访问量", "浏览次数", "浏览量", "阅读次数", "点击数", "点击率", "作者", "编辑", "责任编辑", "字号", "字体", "打印",
    "体裁分类", "组配分类", "服务对象", "关键词", "所属主题", "公文种类", "实施日期", "生效日期", "废止日期",
    "失效日期", "截止日期", "有效期", "统一编号", "登记号", "所属机构", "发布人", "审核人", "文种",
)
MAX_VALUE = 300
MAX_NEXT_LINE_VALUE = 150  # a longer next line is body text, not a metadata value

_LABEL_FIELD: dict[str, str] = {}
for _field, _labels in FIELD_LABELS.items():
    for _label in _labels:
        _LABEL_FIELD[_label] = _field


def _label_pattern(labels: Iterable[str]) -> str:
    spaced = (r"\s*".join(map(re.escape, label)) for label in sorted(labels, key=len, reverse=True))
    return "|".join(spaced)


_ALL = _label_pattern([*_LABEL_FIELD, *OTHER_LABELS])
_BOUNDARY = r"(?:^|(?<=[\s|｜/、,;>》】\])）(]))"
_LABEL_COLON = re.compile(_BOUNDARY + r"(" + _ALL + r")\s*:")
_LABEL_ONLY = re.compile(r"^(" + _ALL + r")\s*:?$")
_GENERIC_LABEL = re.compile(r"^[^\s:\d]{1,8}\s*:")
_ORG_END = re.compile(r"(院|部|厅|局|委|会|府|室|处|办|队|所|站|中心|公司|集团|银行|政府|[省市县区镇乡]|社|台|报|网|署|总局)$")
_DOC_NUMBER_END = re.compile(r"[号號]$")


def _canonical(label_text: str) -> str:
    return re.sub(r"\s+", "", label_text)


def _is_label_line(line: str) -> bool:
    folded = fold(line)
    return bool(_LABEL_COLON.match(folded) or _LABEL_ONLY.match(folded) or _GENERIC_LABEL.match(folded))


def is_known_label_line(line: str) -> bool:
    """A line that starts with one of the known metadata labels (来源：…, 作者：, 访问量：12)."""
    folded = fold(line)
    return bool(_LABEL_COLON.match(folded) or _LABEL_ONLY.match(folded))


def _is_value_line(lines: list[str], i: int) -> bool:
    """Whether line ``i`` can be the value of a label that ended the line before it."""
    return i < len(lines) and len(lines[i]) <= MAX_NEXT_LINE_VALUE and not _is_label_line(lines[i])


def _pairs_in_line(lines: list[str], i: int) -> list[tuple[str, str]]:
    """(label, value) pairs on line ``i``; a bare trailing label takes the next line as value."""
    line = lines[i]
    folded = fold(line)
    only = _LABEL_ONLY.match(folded)
    if only:
        spans = [(only.start(1), only.end(1), len(line))]
    else:
        found = list(_LABEL_COLON.finditer(folded))
        spans = [(m.start(1), m.end(), found[k + 1].start(1) if k + 1 < len(found) else len(line))
                 for k, m in enumerate(found)]
    pairs: list[tuple[str, str]] = []
    for start, value_start, end in spans:
        label = _canonical(folded[start:value_start].rstrip(": "))
        value = line[value_start:end].strip(" :：\u3000\xa0")
        if not value and end == len(line) and _is_value_line(lines, i + 1):
            value = lines[i + 1].strip()
        pairs.append((label, value[:MAX_VALUE]))
    return pairs


def read_fields(lines: list[str]) -> dict[str, list[str]]:
    """Field → candidate values, ordered by label trust, then by position on the page."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for i, line in enumerate(lines):
        if len(line) > 2000:
            continue
        for label, value in _pairs_in_line(lines, i):
            field = _LABEL_FIELD.get(label)
            if field and value:
                rank = FIELD_LABELS[field].index(label)
                found.setdefault(field, []).append((rank, i, value))
    return {field: [v for _, _, v in sorted(items)] for field, items in found.items()}


def first_token(value: str) -> str:
    """The value up to the first space: fields such as 索引号 or 有效性 never contain one."""
    return value.split()[0] if value.split() else ""


_VALIDITY_WORD = re.compile(r"有效|失效|废止|廢止|修改|修订|修訂|暂行|暫行|试行|試行|现行|現行|期满|期滿|宣布|继续|繼續|[至到]\s*\d{4}")
MAX_VALIDITY = 40


def validity(value: str) -> str:
    """A 有效性 value: a short status (有效, 失效, 已废止, 有效期至2027年…), else nothing.

    An empty 有效性 cell makes the line reader take the next line (often the document title) as
    its value; a status vocabulary keeps that from being read as the document's validity.
    """
    token = first_token(value)
    return token if len(token) <= MAX_VALIDITY and _VALIDITY_WORD.search(token) else ""


def organisation(value: str) -> str:
    """An issuing body, without the UI words that follow it on the same line (下载 收藏 …).

    Joint issuers are kept ("国务院办公厅 中央军委办公厅"): every space-separated part after the first
    must itself end like an organisation.
    """
    parts = value.split()
    if not parts:
        return ""
    kept = [parts[0]]
    for part in parts[1:]:
        if not _ORG_END.search(part):
            break
        kept.append(part)
    return " ".join(kept)


def doc_number(value: str) -> str:
    """A 发文字号 as written; trailing words after a complete number (…号) are dropped."""
    head = first_token(value)
    return head if _DOC_NUMBER_END.search(head) else value.strip()
