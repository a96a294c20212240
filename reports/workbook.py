"""The Excel workbook: ranking, findings, all results, deductions, 抓取覆盖 and errors.

Every sheet opens with a title row naming the audit — and, when the crawl did not finish, the
未完成 sentence, so a sheet printed or mailed alone still says it is no conclusion — then the
header row.  Every text cell is stored as a string, never as a formula: a crawled title such as
``=HYPERLINK(...)`` stays inert text.  Invisible and control characters (which XML partly forbids)
are shown as ``⟨U+202E⟩`` (gongkai.text.visible_controls) and cells are bounded to Excel's
32 767-character limit.  The file is replaced atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.text import visible_controls

from . import atomic, present
from .coverage import COUNTS
from .dataset import AuditData
from .export import severity_counts
from .scoring import SiteScore

MAX_CELL = 32_000
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="9E1B1B")
TITLE_FONT = Font(bold=True, size=12)
INCOMPLETE_FONT = Font(bold=True, size=12, color="B00000")
HEADER_ROW = 2             # row 1 is the title row
WIDTH_SAMPLE = 300          # rows looked at to size a column
MIN_WIDTH, MAX_WIDTH = 6, 60


def cell_value(value: Any) -> Any:
    """A value safe for a cell: numbers as numbers, booleans as 是/否, text cleaned and bounded."""
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return present.truncate(visible_controls(str(value)), MAX_CELL)


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value).split("\n", 1)[0]
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def sheet_title(data: AuditData, sheet: str) -> str:
    """Row 1 of every sheet: the audit, and the 未完成 sentence when the crawl did not finish."""
    audit = data.audit
    head = f"{audit['name']}（检查期间 {audit['period']}，基准日 {audit['as_of']}）— {sheet}"
    return head if data.state.complete else f"【未完成】{data.state.banner} — {head}"


def _write_title(ws: Worksheet, title: str, incomplete: bool) -> None:
    cell = ws.cell(row=1, column=1, value=cell_value(title))
    cell.data_type = "s"
    cell.font = INCOMPLETE_FONT if incomplete else TITLE_FONT
    ws.print_title_rows = f"1:{HEADER_ROW}"


def write_sheet(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "",
                incomplete: bool = False) -> None:
    """Write the title row, the header row and data rows; text cells are forced to string type."""
    _write_title(ws, title or ws.title, incomplete)
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    widths = [_display_width(h) for h in header]
    for n, row in enumerate(rows, start=HEADER_ROW + 1):
        for col, raw in enumerate(row, start=1):
            value = cell_value(raw)
            cell = ws.cell(row=n, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if n <= WIDTH_SAMPLE:
                widths[col - 1] = max(widths[col - 1], _display_width(value))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if ws.max_row > HEADER_ROW:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(header))}{ws.max_row}"


def _ranking(data: AuditData, scores: list[SiteScore]) -> Iterable[list[Any]]:
    severities = severity_counts(data)
    for s in scores:
        sev = severities.get(s.site, {})
        counts = [sum(c[k] for c in s.rule_counts.values()) for k in ("unknown", "not_applicable")]
        yield [s.rank, s.name, s.site, s.kind, s.score, s.deduction_score, s.bonus, s.grade, s.vetoed,
               "、".join(v.name for v in s.vetoes if v.hit), s.findings, sev.get("high", 0), sev.get("medium", 0),
               sev.get("low", 0), *counts, None if not s.interpretation else s.interpretation["rate"],
               sum(s.errors.values()), data.site_coverage(s.site).short]


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


COVERAGE_HEADER = ["网站", "栏目", "类型", "名称", "地址", "发现方式", "列表首页", "列表首页原因", "CMS公布条数",
                   "CMS公布页数", "已抓列表页", "失败列表页", "列表条目", "期内条目", "已抓文章", "失败文章",
                   "覆盖状态", "不完整原因"]


def _coverage(data: AuditData) -> Iterable[list[Any]]:
    """One row per column of every site (抓取覆盖), in site order."""
    for site in sorted(data.coverage):
        for c in data.coverage[site].columns:
            yield [c.site, c.label, c.type, c.name, c.url, c.how_found, c.outcome, c.outcome_reason,
                   *(c.counts[key] for key in COUNTS), c.state_label, c.reason]


def _errors(data: AuditData) -> Iterable[list[Any]]:
    for e in data.errors:
        yield [e["site"], e["stage"], e["subject"], e["message"], e["at"]]


def _sheets(data: AuditData, scores: list[SiteScore]) -> list[tuple[str, list[str], Iterable[Sequence[Any]]]]:
    """(name, header, rows) of every sheet, in workbook order."""
    return [
        ("排名", ["排名", "网站", "标识", "类型", "得分", "扣分得分", "加分", "等级", "单项否决", "否决指标", "问题数",
                "高", "中", "低", "无法判断", "不适用", "解读率", "错误数", "抓取覆盖"], _ranking(data, scores)),
        ("问题清单", ["网站", "规则", "问题", "严重程度", "对象", "期间", "说明", "证据", "依据", "整改建议"],
         _findings(data)),
        ("检查结果", ["网站", "规则", "问题", "对象", "期间", "结果", "原因", "说明"], _results(data)),
        ("扣分明细", ["网站", "名称", "分组", "指标", "分值", "扣分", "问题数", "已检查", "分值来源"], _deductions(scores)),
        ("抓取覆盖", COVERAGE_HEADER, _coverage(data)),
        ("错误", ["网站", "阶段", "对象", "信息", "时间"], _errors(data)),
    ]


SHEETS = ("排名", "问题清单", "检查结果", "扣分明细", "抓取覆盖", "错误")


def write_workbook(path: Path, data: AuditData, scores: list[SiteScore]) -> Path:
    """Build every sheet, then replace ``path`` atomically (openpyxl saves to the temporary name)."""
    wb = Workbook()
    wb.remove(wb.active)
    incomplete = not data.state.complete
    for name, header, rows in _sheets(data, scores):
        write_sheet(wb.create_sheet(name), header, rows, sheet_title(data, name), incomplete)
    return atomic.replace(Path(path), wb.save)
