"""The Excel workbook: ranking, findings, all results, deductions, columns and errors.

Every text cell is stored as a string, never as a formula: a crawled title such as
``=HYPERLINK(...)`` stays inert text.  Characters XML forbids are dropped and cells are bounded
to Excel's 32 767-character limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import present
from .dataset import AuditData
from .export import severity_counts
from .scoring import SiteScore

MAX_CELL = 32_000
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="9E1B1B")
WIDTH_SAMPLE = 300          # rows looked at to size a column
MIN_WIDTH, MAX_WIDTH = 6, 60


def cell_value(value: Any) -> Any:
    """A value safe for a cell: numbers as numbers, booleans as 是/否, text cleaned and bounded."""
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return present.truncate(text, MAX_CELL)


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value).split("\n", 1)[0]
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_sheet(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header row and data rows; text cells are forced to string type."""
    ws.append(list(header))
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    widths = [_display_width(h) for h in header]
    for n, row in enumerate(rows, start=2):
        for col, raw in enumerate(row, start=1):
            value = cell_value(raw)
            cell = ws.cell(row=n, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if n <= WIDTH_SAMPLE:
                widths[col - 1] = max(widths[col - 1], _display_width(value))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _ranking(data: AuditData, scores: list[SiteScore]) -> Iterable[list[Any]]:
    severities = severity_counts(data)
    for s in scores:
        sev = severities.get(s.site, {})
        counts = [sum(c[k] for c in s.rule_counts.values()) for k in ("unknown", "not_applicable")]
        yield [s.rank, s.name, s.site, s.kind, s.score, s.deduction_score, s.bonus, s.grade, s.vetoed,
               "、".join(v.name for v in s.vetoes if v.hit), s.findings, sev.get("high", 0), sev.get("medium", 0),
               sev.get("low", 0), *counts, None if not s.interpretation else s.interpretation["rate"],
               sum(s.errors.values())]


def _findings(data: AuditData) -> Iterable[list[Any]]:
    for r in data.failures:
        meta = data.rule(r.rule)
        yield [r.site, r.rule, meta.title, present.severity_label(meta.severity), r.subject, r.period,
               r.message or meta.title, present.evidence_text(r.evidence), meta.source_text, meta.remediation]


def _results(data: AuditData) -> Iterable[list[Any]]:
    for r in sorted(data.results, key=lambda r: (r.site, r.rule, r.subject, r.period or "")):
        yield [r.site, r.rule, data.rule(r.rule).title, r.subject, r.period,
               present.STATUS_LABELS.get(r.status, r.status), r.reason, r.message]


def _deductions(scores: list[SiteScore]) -> Iterable[list[Any]]:
    for s in scores:
        for i in s.indicators:
            yield [s.site, s.name, i.group, i.name, i.points, i.deducted if i.checked else None, i.findings,
                   "是" if i.checked else "未检查", present.SOURCE_STATUS_LABELS.get(i.status, i.status)]


def _columns(data: AuditData) -> Iterable[list[Any]]:
    for c in sorted(data.columns, key=lambda c: (c["site"], c["type"], c["url"])):
        yield [c["site"], c["type"], c["name"], c["url"], c["how_found"], c["outcome"], c["reason"]]


def _errors(data: AuditData) -> Iterable[list[Any]]:
    for e in data.errors:
        yield [e["site"], e["stage"], e["subject"], e["message"], e["at"]]


SHEETS = ("排名", "问题清单", "检查结果", "扣分明细", "栏目", "错误")


def write_workbook(path: Path, data: AuditData, scores: list[SiteScore]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    write_sheet(wb.create_sheet("排名"), ["排名", "网站", "标识", "类型", "得分", "扣分得分", "加分", "等级",
                                        "单项否决", "否决指标", "问题数", "高", "中", "低", "无法判断", "不适用",
                                        "解读率", "错误数"], _ranking(data, scores))
    write_sheet(wb.create_sheet("问题清单"), ["网站", "规则", "问题", "严重程度", "对象", "期间", "说明", "证据",
                                          "依据", "整改建议"], _findings(data))
    write_sheet(wb.create_sheet("检查结果"), ["网站", "规则", "问题", "对象", "期间", "结果", "原因", "说明"],
                _results(data))
    write_sheet(wb.create_sheet("扣分明细"), ["网站", "名称", "分组", "指标", "分值", "扣分", "问题数", "已检查",
                                          "分值来源"], _deductions(scores))
    write_sheet(wb.create_sheet("栏目"), ["网站", "类型", "名称", "地址", "发现方式", "抓取结果", "原因"], _columns(data))
    write_sheet(wb.create_sheet("错误"), ["网站", "阶段", "对象", "信息", "时间"], _errors(data))
    wb.save(path)
    return path
