"""The Excel workbook handed over: ranking, 整改清单, findings, 较上期, site × indicator, results,
deductions, 抓取覆盖 and errors.

Every sheet opens with a title row naming the audit — and, when the crawl did not finish, the
未完成 sentence, so a sheet printed or mailed alone still says it is no conclusion — a row with the
period, as_of and the time generated (北京时间), then the header row; it prints A4 landscape, fitted
to the width, those rows repeated on every page.  URLs and snapshots are hyperlinks (in 检查结果 only
on 不合格 and 无法判断 rows; a sheet past Excel's row or link limit continues on "name (2)": :class:`Limits`), text wraps,
rates are percentages and codes are Chinese words.  Every text cell is stored as a string, never as a formula: a crawled title such as
``=HYPERLINK(...)`` stays inert text.  Invisible and control characters (which XML partly forbids)
are shown as ``⟨U+202E⟩`` (gongkai.text.visible_controls) and cells are bounded to Excel's
32 767-character limit.  The file is replaced atomically.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from lxml.etree import SerialisationError
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet
from openpyxl.worksheet.worksheet import Worksheet as OpenpyxlSheet

from gongkai.text import visible_controls

from . import atomic, evidence, present, snapshots, xlsxlinks, xlsxrows
from .cards import Card
from .compare import CHANGE_LABELS
from .coverage import COUNTS
from .dataset import AuditData, ResultRow
from .evidence import timestamp
from .export import severity_counts, unchecked_share
from .model import ReportModel

MAX_CELL = 32_000
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="9E1B1B")
TITLE_FONT = Font(bold=True, size=12)
SUBTITLE_FONT = Font(bold=True, size=10, color="555555")
INCOMPLETE_FONT = Font(bold=True, size=12, color="B00000")
LINK_FONT = Font(color="0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ROW = 3             # row 1: the audit; row 2: period, as_of, generated at (北京时间)
WIDTH_SAMPLE = 300          # rows looked at to size a column
MIN_WIDTH, MAX_WIDTH = 6, 60
PERCENT, SCORE = "0.0%", "0.##"


@dataclass(frozen=True)
class Col:
    """A column: its header and how its cells are shown (link target, number format)."""

    name: str
    kind: str = "text"          # text | url | snapshot | percent | score


def cell_value(value: Any) -> Any:
    """A value safe for a cell: numbers as numbers, booleans as 是/否, text cleaned and bounded."""
    if isinstance(value, str):   # most cells: asked first
        value = str(value)       # a str subclass (PlainUrl) as plain text
        if value.isprintable() and len(value) <= MAX_CELL:
            return value         # nothing to show or cut
        return present.truncate(visible_controls(value), MAX_CELL)
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


def sheet_subtitle(model: ReportModel) -> str:
    audit = model.data.audit
    made = timestamp(model.generated_at) or model.generated_at
    return f"检查期间：{audit['period']}　检查基准日：{audit['as_of']}　生成时间：{made}"


def _print_setup(ws: Worksheet) -> None:
    """A4 landscape, every column on the page width, titles repeated on every printed page."""
    ws.page_setup.paperSize = OpenpyxlSheet.PAPERSIZE_A4
    ws.page_setup.orientation = OpenpyxlSheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddHeader.left.text = "&A"


@dataclass(frozen=True)
class Limits:
    """Excel's documented limits per worksheet: 1,048,576 rows and 65,530 hyperlinks.

    A sheet over the link limit is "repaired" by Excel (links dropped, the user asked to trust a
    damaged file); over the row limit it does not open at all.  A sheet whose rows would cross
    either limit continues on a sheet of the same name with " (2)", " (3)" … after it, each with
    the title, subtitle and header rows: no row and no link is lost.
    """

    rows: int = 1_048_576
    links: int = 65_530


EXCEL = Limits()


class PlainUrl(str):
    """A URL shown as text, never a hyperlink: 检查结果 links only the rows someone will click
    (不合格, 无法判断); a passed page needs no click and would spend Excel's link limit."""

    __slots__ = ()


def part_name(name: str, part: int) -> str:
    """The sheet a sheet's rows continue on past a limit: 检查结果, 检查结果 (2), 检查结果 (3) …"""
    return name if part == 1 else f"{name} ({part})"


class _Styles:
    """The style id of each kind of cell in one workbook, registered once (a style per cell was
    most of the workbook's time when openpyxl hashed each cell's Font and Alignment)."""

    def __init__(self) -> None:
        self.made: dict[str, str] = {}

    def get(self, ws: Worksheet, kind: str) -> str:
        style = self.made.get(kind)
        if style is None:
            extra: dict[str, Any] = {}
            if kind == "link":
                extra["font"] = LINK_FONT
            elif kind in ("percent", "score"):
                extra["number_format"] = PERCENT if kind == "percent" else SCORE
            style = self.made[kind] = xlsxrows.style_id(ws, alignment=WRAP, **extra)
        return style


Cell = tuple[Any, str, str | None]   # (value, style id, link target or None)


class _Cells:
    """A sheet's rows as cells, each short value of a text column made once, and — for a sheet
    with a varying column — whole rows as templates around it: a sheet of results repeats its
    sites, rule titles, labels and reasons on every row (66k rows at 6k pages, 1.1M at 100k)."""

    MEMO = 4096        # cells remembered (forgotten all at once when full)
    MEMO_CHARS = 256   # the longest text remembered
    _MEMO_TYPES = frozenset({str, int, bool, type(None)})   # not float: -0.0 equals 0.0 and shows otherwise
    TEMPLATES = 1024         # rows remembered as markup around their varying cell (forgotten all at once)
    TEMPLATE_CHARS = 1024    # the longest texts of a row's other cells remembered together
    _TEMPLATE_TYPES = frozenset({str, type(None)})

    def __init__(self, ws: Worksheet, cols: Sequence[Col]) -> None:
        self.ws, self.cols, self.styles = ws, cols, _Styles()
        self.memo: dict[tuple[int, type, Any], Cell] = {}
        self.templates: dict[tuple[str | None, ...], xlsxrows.RowTemplate] = {}

    def templated(self, row: Sequence[Any], varying: int) -> tuple[xlsxrows.RowTemplate, Cell] | None:
        """The markup of ``row`` around its cell at ``varying``, made once per distinct other
        values, and that cell; None unless those are texts and blanks, together short enough."""
        others = (*row[:varying], *row[varying + 1:])
        if not self._TEMPLATE_TYPES.issuperset(map(type, others)):   # texts and blanks only: no two
            return None                                               # of them are equal yet shown apart
        made = self.templates.get(others)
        if made is None:
            if sum(len(value) for value in others if value is not None) > self.TEMPLATE_CHARS:
                return None
            if len(self.templates) >= self.TEMPLATES:
                self.templates.clear()
            made = self.templates[others] = xlsxrows.template(self.row(row), varying)
        return made, _data_cell(self.ws, self.cols[varying], row[varying], self.styles)

    def row(self, row: Sequence[Any]) -> list[Cell]:
        out = []
        memo = self.memo
        for i, (col, raw) in enumerate(zip(self.cols, row, strict=True)):
            # exact types only: a PlainUrl equals its str, True equals 1, and each is shown otherwise
            if col.kind == "text" and type(raw) in self._MEMO_TYPES and (type(raw) is not str
                                                                       or len(raw) <= self.MEMO_CHARS):
                key = (i, type(raw), raw)
                cell = memo.get(key)
                if cell is None:
                    if len(memo) >= self.MEMO:
                        memo.clear()
                    cell = memo[key] = _data_cell(self.ws, col, raw, self.styles)
                out.append(cell)
            else:
                out.append(_data_cell(self.ws, col, raw, self.styles))
        return out


def _data_cell(ws: Worksheet, col: Col, raw: Any, styles: _Styles) -> Cell:
    """(value, style id, link) of a cell: URLs and snapshots linked unless shown as :class:`PlainUrl`."""
    value = cell_value(raw)
    kind, href = "plain", None
    if col.kind == "text":   # most columns
        pass
    elif col.kind in ("url", "snapshot") and isinstance(value, str):
        if not isinstance(raw, PlainUrl):
            href = value if col.kind == "snapshot" else present.safe_href(value)
        if href:
            kind = "link"
    elif col.kind == "percent" and isinstance(value, int | float):
        kind = "percent"
    elif col.kind == "score" and isinstance(value, int | float):
        kind = "score"
    return value, styles.get(ws, kind), href


def _links(cells: Sequence[tuple[Any, str, str | None]]) -> int:
    return sum(1 for _, _, href in cells if href)


class _SheetParts:
    """Writes one logical sheet's rows, opening its next part when a row would cross a limit."""

    def __init__(self, wb: Workbook, name: str, cols: Sequence[Col], widths: Sequence[int],
                 title: Callable[[str], str], incomplete: bool, subtitle: str, limits: Limits) -> None:
        self.wb, self.name, self.cols, self.widths = wb, name, cols, widths
        self.title, self.incomplete, self.subtitle, self.limits = title, incomplete, subtitle, limits
        self.part, self.links = 0, 0
        self.rows: xlsxrows.RowWriter | None = None
        self.ws: Worksheet | None = None
        self.names: list[str] = []

    def _open(self, ws: Worksheet | None = None) -> None:
        """Start the next part: ``ws`` when the first was made already, else a new sheet."""
        self._close()
        self.part += 1
        if ws is None:   # right after the part it continues: later sheets may exist already
            ws = self.wb.create_sheet(part_name(self.name, self.part), self.wb.index(self.ws) + 1)
        self.ws = ws
        self.names.append(ws.title)
        for i, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.print_title_rows = f"1:{HEADER_ROW}"
        _print_setup(ws)
        title = self.title(ws.title)
        if self.part > 1:
            title += f"（续表，接「{part_name(self.name, self.part - 1)}」）"
        rows = self.rows = xlsxrows.RowWriter(ws)
        rows.append([(cell_value(title), xlsxrows.style_id(ws, font=INCOMPLETE_FONT if self.incomplete
                                                            else TITLE_FONT), None)])
        rows.append([(cell_value(self.subtitle), xlsxrows.style_id(ws, font=SUBTITLE_FONT), None)])
        header = xlsxrows.style_id(ws, font=HEADER_FONT, fill=HEADER_FILL,
                                   alignment=Alignment(vertical="center", wrap_text=True))
        rows.append([(col.name, header, None) for col in self.cols])
        self.links = 0

    def append(self, cells: Sequence[tuple[Any, str, str | None]]) -> None:
        self._make_room(_links(cells)).append(cells)

    def append_to(self, template: xlsxrows.RowTemplate, cell: Cell) -> None:
        """A row made from a template and its varying cell (:meth:`_Cells.templated`)."""
        self._make_room(template.links + (1 if cell[2] else 0)).append_to(template, cell)

    def _make_room(self, links: int) -> xlsxrows.RowWriter:
        """The part the next row goes to, with ``links`` links: the next part past a limit."""
        assert self.rows is not None, "the first part is opened before any row"
        if self.rows.rows >= self.limits.rows or self.links + links > self.limits.links:
            self._open()
        self.links += links
        return self.rows

    def _close(self) -> None:
        if self.ws is None or self.rows is None:
            return
        if self.rows.rows > HEADER_ROW:
            self.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(self.cols))}{self.rows.rows}"
        self.rows.close()

    def finish(self) -> list[str]:
        self._close()
        return self.names


def write_sheet(wb: Workbook, name: str, header: Sequence[Col | str], rows: Iterable[Sequence[Any]],
                title: Callable[[str], str] | None = None, incomplete: bool = False, subtitle: str = "",
                limits: Limits = EXCEL, first: Worksheet | None = None, varying: int | None = None) -> list[str]:
    """Write the title rows, the header row and data rows of sheet ``name`` (and of its
    continuation sheets past a limit, see :class:`Limits`); returns the names of the sheets written.

    Sheets are write-only: rows go to the file as they come, so a sheet of every result of a large
    audit is never held as cells.  What the file writes before its rows (column widths, panes,
    print set-up) is set first, widths from the first WIDTH_SAMPLE rows, held back until then.
    ``first``: the sheet, created earlier in its place (a new one at the end otherwise).
    ``varying``: the column whose value differs from row to row while the others repeat (检查结果's
    对象): rows are then made from markup remembered for their other values (the same cells).
    """
    cols = [c if isinstance(c, Col) else Col(c) for c in header]
    rows = iter(rows)
    first = first or wb.create_sheet(name)
    made = _Cells(first, cols)
    sample = [made.row(row) for row in islice(rows, WIDTH_SAMPLE - HEADER_ROW)]
    widths = [_display_width(c.name) for c in cols]
    for cells in sample:
        for i, (value, _, _) in enumerate(cells):
            widths[i] = max(widths[i], _display_width(value))
    parts = _SheetParts(wb, name, cols, widths, title or (lambda sheet: sheet), incomplete, subtitle, limits)
    parts._open(first)
    for cells in sample:
        parts.append(cells)
    for row in rows:
        templated = made.templated(row, varying) if varying is not None else None
        if templated is not None:
            parts.append_to(*templated)
        else:
            parts.append(made.row(row))
    return parts.finish()


def _names(model: ReportModel) -> dict[str, str]:
    return {s.site: s.name for s in model.scores}


def _ranking(model: ReportModel) -> Iterable[list[Any]]:
    data = model.data
    severities = severity_counts(data)
    for s in model.scores:
        sev = severities.get(s.site, {})
        counts = [sum(c[k] for c in s.rule_counts.values()) for k in ("unknown", "not_applicable")]
        ref = model.references.get(s.site)
        yield [s.rank, s.name, s.site, present.label(present.SITE_KIND_LABELS, s.kind), s.score,
               ref.score if ref else None, unchecked_share(s), s.deduction_score, s.bonus, s.grade, s.vetoed,
               "、".join(v.name for v in s.vetoes if v.hit), s.findings, sev.get("high", 0), sev.get("medium", 0),
               sev.get("low", 0), *counts, None if not s.interpretation else s.interpretation["rate"],
               sum(s.errors.values()), data.site_coverage(s.site).short]


RANKING_HEADER = [Col("排名"), Col("网站"), Col("标识"), Col("类型"), Col("得分", "score"), Col("参考得分（否决前）", "score"),
                  Col("未检查分值占比", "percent"), Col("扣分得分", "score"), Col("加分", "score"), Col("等级"),
                  Col("单项否决"), Col("否决指标"), Col("问题数"), Col("高"), Col("中"), Col("低"), Col("无法判断"),
                  Col("不适用"), Col("解读率", "percent"), Col("错误数"), Col("抓取覆盖")]


def _todo(model: ReportModel) -> Iterable[list[Any]]:
    """整改清单: per site in ranking order, cards in reading order (vetoes, 高, 中, 低)."""
    for s in model.scores:
        for c in model.site_cards(s.site):
            tier = "单项否决" if c.veto_hit else present.severity_label(c.severity)
            pages = "\n".join(m.row.subject for m in c.members[:50]) + (
                f"\n…共{c.count}个页面" if c.count > 50 else "")
            indicator = _indicator_text(c)
            yield [s.name, tier, c.title, c.problem, c.count, indicator, c.points,
                   c.first.row.subject, pages, snapshots.link(c.first.snapshot, ""), c.source, c.remediation]


def _indicator_text(card: Card) -> str:
    """单项否决「栏目长期未更新」未触发；扣分「栏目更新」 — what a card counts towards, in words."""
    parts = []
    if card.veto:
        parts.append(f"单项否决「{card.veto.name}」{'已触发' if card.veto_hit else '未触发'}")
    if card.charge.kind == "deduction":
        parts.append(f"扣分「{card.charge.name}」")
    return "；".join(parts) or "未计入评分"


TODO_HEADER = [Col("网站"), Col("类别"), Col("问题"), Col("说明"), Col("页面数"), Col("计入指标"), Col("扣分（封顶前）", "score"),
               Col("首个页面", "url"), Col("全部页面"), Col("存档快照", "snapshot"), Col("依据"), Col("整改建议")]


def _findings(model: ReportModel) -> Iterable[list[Any]]:
    names = _names(model)
    for f in model.findings:
        r, meta = f.row, model.data.rule(f.row.rule)
        snap = model.snapshots.get(f.id)
        yield [f.id, names.get(r.site, r.site), meta.title, present.severity_label(meta.severity), r.subject, r.period,
               r.message or meta.title, evidence.text(r.evidence), snapshots.link(snap, ""),
               present.label(CHANGE_LABELS, model.changes.get(f.id)) if model.comparison else None,
               meta.source_text, meta.remediation, r.rule]


FINDINGS_HEADER = [Col("编号"), Col("网站"), Col("问题"), Col("严重程度"), Col("对象", "url"), Col("期间"), Col("说明"),
                   Col("证据"), Col("存档快照", "snapshot"), Col("较上期"), Col("依据"), Col("整改建议"), Col("规则")]


LINKED_STATUSES = ("fail", "unknown")
RESULTS_NOTE = ("对象网址仅在“不合格”“无法判断”的行上为超链接，“通过”“不适用”的行为纯文本；"
                f"每个工作表至多 {EXCEL.links:,} 个超链接、{EXCEL.rows:,} 行，超出的行续写在"
                "「检查结果 (2)」「检查结果 (3)」……工作表")


def _in_sheet_order(results: Iterable[ResultRow]) -> Iterator[ResultRow]:
    """Results by site, rule, subject, period — each (site, rule) group sorted on its own: one sort
    of every result built a key tuple per result at once (≈ 80 MB at 100k pages)."""
    groups: dict[tuple[str, str], list[ResultRow]] = {}
    for r in results:
        groups.setdefault((r.site, r.rule), []).append(r)
    for key in sorted(groups):
        yield from sorted(groups[key], key=lambda r: (r.subject, r.period or ""))


def _results(model: ReportModel) -> Iterable[list[Any]]:
    names, data = _names(model), model.data
    for r in _in_sheet_order(data.results):
        note = r.reason if not r.message or r.message == r.reason else (
            r.message if not r.reason or r.reason in r.message else f"{r.reason}；{r.message}")
        subject = r.subject if r.status in LINKED_STATUSES else PlainUrl(r.subject)
        yield [names.get(r.site, r.site), data.rule(r.rule).title, subject, r.period,
               present.STATUS_LABELS.get(r.status, r.status), note, r.rule]


def _matrix(model: ReportModel) -> tuple[list[Col], Iterable[list[Any]]]:
    """网站 × 指标: points each indicator cost each site (未检查 where nothing was examined)."""
    indicators = [i for _, i in model.system.indicators()]
    header = [Col("网站"), Col("得分", "score"), Col("等级")] + [Col(f"{i.name}（{i.points:g}分）", "score")
                                                            for i in indicators]

    def rows() -> Iterable[list[Any]]:
        for s in model.scores:
            source = model.references.get(s.site) or s
            cells = {i.id: (i.deducted if i.checked else "未检查") for i in source.indicators}
            yield [s.name, s.score, s.grade, *(cells.get(i.id) for i in indicators)]
    return header, rows()


def _deductions(model: ReportModel) -> Iterable[list[Any]]:
    for s in model.scores:
        for i in s.indicators:
            yield [s.name, i.group, i.name, i.points, i.deducted if i.checked else None, i.findings,
                   "是" if i.checked else "未检查", present.SOURCE_STATUS_LABELS.get(i.status, i.status)]


COVERAGE_HEADER = [Col("网站"), Col("栏目"), Col("名称"), Col("地址", "url"), Col("发现方式"), Col("列表首页"),
                   Col("列表首页原因"), Col("CMS公布条数"), Col("CMS公布页数"), Col("已抓列表页"), Col("失败列表页"),
                   Col("列表条目"), Col("期内条目"), Col("已抓文章"), Col("失败文章"), Col("覆盖状态"), Col("不完整原因")]
HOW_FOUND = {"config": "配置", "discovered": "自动发现"}


def _coverage(model: ReportModel) -> Iterable[list[Any]]:
    """One row per column of every site (抓取覆盖), in site order."""
    names, data = _names(model), model.data
    for site in sorted(data.coverage):
        for c in data.coverage[site].columns:
            yield [names.get(c.site, c.site), c.label, c.name, c.url, present.label(HOW_FOUND, c.how_found),
                   present.label(present.OUTCOME_LABELS, c.outcome), c.outcome_reason,
                   *(c.counts[key] for key in COUNTS), c.state_label, c.reason]


def _changes(model: ReportModel) -> Iterable[list[Any]]:
    names = _names(model)
    comparison = model.comparison
    if comparison is None:
        return
    for site in comparison.sites:
        yield [site["name"], "得分", site["previous_score"], site["score"], site["delta"], None, None]
    for g in comparison.gone:
        yield [names.get(g["site"], g["site"]), present.label(CHANGE_LABELS, g["change"]), None, None, None,
               g["title"] or g["rule"], g["subject"]]


CHANGES_HEADER = [Col("网站"), Col("状态"), Col("上期得分", "score"), Col("本期得分", "score"), Col("变化", "score"),
                  Col("问题"), Col("对象", "url")]


def _errors(model: ReportModel) -> Iterable[list[Any]]:
    names = _names(model)
    for e in model.data.errors:
        yield [names.get(e["site"], e["site"] or "（全局）"), present.label(present.STAGE_LABELS, e["stage"]),
               e["subject"], e["message"], timestamp(e["at"] or "") or e["at"]]


@dataclass(frozen=True)
class Sheet:
    name: str
    header: Sequence[Col]
    rows: Callable[[ReportModel], Iterable[Sequence[Any]]]
    note: str = ""              # for the subtitle row
    snapshots: bool = False     # shows snapshot links: written once the snapshots are
    varying: int | None = None  # the one column that differs on most rows (see write_sheet)


def _matrix_sheet(model: ReportModel) -> Sheet:
    header, rows = _matrix(model)
    return Sheet("网站×指标", header, lambda _: rows)


def _sheets(model: ReportModel) -> list[Sheet]:
    """Every sheet, in workbook order."""
    sheets = [
        Sheet("排名", RANKING_HEADER, _ranking),
        Sheet("整改清单", TODO_HEADER, _todo, snapshots=True),
        Sheet("问题清单", FINDINGS_HEADER, _findings, snapshots=True),
        _matrix_sheet(model),
        Sheet("检查结果", [Col("网站"), Col("问题"), Col("对象", "url"), Col("期间"), Col("结果"), Col("原因"), Col("规则")],
              _results, RESULTS_NOTE, varying=2),
        Sheet("扣分明细", [Col("网站"), Col("分组"), Col("指标"), Col("分值", "score"), Col("扣分", "score"), Col("问题数"),
                       Col("已检查"), Col("分值来源")], _deductions),
        Sheet("抓取覆盖", COVERAGE_HEADER, _coverage),
        Sheet("错误", [Col("网站"), Col("阶段"), Col("对象", "url"), Col("信息"), Col("时间")], _errors),
    ]
    if model.comparison is not None:
        sheets.insert(3, Sheet("较上期", CHANGES_HEADER, _changes))
    return sheets


def write_workbook(path: Path, model: ReportModel, limits: Limits = EXCEL,
                   ready: Callable[[], None] | None = None) -> Path:
    """Build every sheet, then replace ``path`` atomically (openpyxl saves to the temporary name).

    Every sheet is made first, in its place; the sheets without snapshot links are filled first,
    then ``ready`` is called (the report's snapshots are rendered meanwhile: it waits for them),
    then the sheets with them."""
    wb = Workbook(write_only=True)
    try:
        incomplete = not model.data.state.complete
        subtitle = sheet_subtitle(model)
        sheets = [(sheet, wb.create_sheet(sheet.name)) for sheet in _sheets(model)]
        for with_snapshots in (False, True):
            if with_snapshots and ready is not None:
                ready()
            for sheet, ws in sheets:
                if sheet.snapshots == with_snapshots:
                    write_sheet(wb, sheet.name, sheet.header, sheet.rows(model),
                                lambda name: sheet_title(model.data, name), incomplete,
                                f"{subtitle}　{sheet.note}" if sheet.note else subtitle, limits, ws, sheet.varying)
        return atomic.replace(Path(path), lambda tmp: xlsxlinks.save(wb, tmp))
    except SerialisationError as exc:
        raise _os_error(exc) from exc
    finally:
        _drop_sheet_files(wb)


def _drop_sheet_files(wb: Workbook) -> None:
    """Remove the temporary files write-only sheets stream to (left behind when a save failed)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):   # the stream already failed: closing it fails again
            writer.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def _os_error(exc: SerialisationError) -> OSError:
    """Write-only sheets stream through lxml, which names an I/O failure (``IO_EFBIG``, ``IO_ENOSPC``)
    instead of raising OSError: give callers the OSError every other writer raises (a full disk
    must read as one)."""
    code = getattr(errno, str(exc).removeprefix("IO_"), errno.EIO)
    return OSError(code, os.strerror(code))
