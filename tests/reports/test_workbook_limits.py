"""Every sheet of report.xlsx stays within Excel's limits (65,530 hyperlinks, 1,048,576 rows):
检查结果 links only the rows someone clicks, and rows past a limit continue on "检查结果 (2)" ….

The model is built without crawling: one site's results, enough of them findings and 无法判断 to
pass the link limit of one sheet."""

from __future__ import annotations

import re
from pathlib import Path
from zipfile import ZipFile

from lxml import etree
from openpyxl import load_workbook
from openpyxl.xml.constants import SHEET_MAIN_NS

from gongkai.reports.dataset import AuditData, ResultRow
from gongkai.reports.indicators import load_indicators
from gongkai.reports.model import ReportModel
from gongkai.reports.workbook import EXCEL, HEADER_ROW, Limits, write_workbook

AUDIT = {"id": 1, "name": "大检查", "period": "2024Q2", "as_of": "2024-06-30", "crawled_at": None,
         "checked_at": None, "crawl_state": "finished", "crawl_close_reason": "finished"}
def _status(n: int) -> str:
    """Mostly findings and 无法判断 (linked); every 100th a pass and every 100th+50 不适用 (plain text)."""
    return {0: "pass", 50: "not_applicable"}.get(n % 100, "fail" if n % 2 else "unknown")


def _model(results: int) -> ReportModel:
    rows = [ResultRow(site="big", rule="link.broken", subject=f"http://www.big.gov.cn/a/{n:06d}.html", period=None,
                      status=_status(n), reason="", message="", evidence={})
            for n in range(results)]
    data = AuditData(audit=AUDIT, sites=[{"site": "big", "name": "大网站"}], results=rows, columns=[], errors=[])
    return ReportModel(data=data, system=load_indicators(None), scores=[], generated_at="2024-07-01T02:00:00+00:00")


def _sheet_links(path: Path) -> list[int]:
    """Hyperlinks per sheet, in workbook order, counted in the file as Excel reads it."""
    with ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                       key=lambda n: int(re.findall(r"\d+", n)[0]))
        return [z.read(n).count(b"<hyperlink ") for n in names]


def _subjects(path: Path, sheet: int) -> list[str]:
    """Column C of the data rows of the ``sheet``-th sheet (1-based), read straight from its XML: openpyxl
    reads a sheet of 66k rows three times slower than this test may take."""
    with ZipFile(path) as z, z.open(f"xl/worksheets/sheet{sheet}.xml") as fh:
        cells = etree.iterparse(fh, tag=f"{{{SHEET_MAIN_NS}}}c")
        out = [el.findtext(f"{{{SHEET_MAIN_NS}}}is/{{{SHEET_MAIN_NS}}}t") for _, el in cells
               if el.get("r", "").startswith("C")]
    return out[1:]       # below the header


def test_results_past_the_link_limit_continue_on_a_second_sheet(tmp_path: Path) -> None:
    model = _model(67_000)      # 65,660 findings and 无法判断: more links than one sheet may hold
    path = write_workbook(tmp_path / "report.xlsx", model)
    wb = load_workbook(path, read_only=True)
    names = wb.sheetnames
    assert [n for n in names if n.startswith("检查结果")] == ["检查结果", "检查结果 (2)"]
    second = list(wb["检查结果 (2)"].iter_rows(values_only=True))
    wb.close()
    assert "检查结果 (2)" in second[0][0] and "续表，接「检查结果」" in second[0][0]
    links = dict(zip(names, _sheet_links(path), strict=True))
    assert max(links.values()) <= EXCEL.links and links["检查结果"] == EXCEL.links
    assert links["检查结果"] + links["检查结果 (2)"] == 65_660        # every finding and 无法判断 linked
    first, rest = (_subjects(path, names.index(n) + 1) for n in ("检查结果", "检查结果 (2)"))
    assert [row[2] for row in second[HEADER_ROW:]] == rest
    assert sorted(first + rest) == sorted(r.subject for r in model.data.results)   # every result, once


def test_rows_and_links_split_by_the_limits_given(tmp_path: Path) -> None:
    model = _model(100)         # 60 linked rows, 40 plain
    path = write_workbook(tmp_path / "report.xlsx", model, Limits(rows=HEADER_ROW + 20, links=15))
    wb = load_workbook(path)
    parts = [ws for ws in wb.worksheets if ws.title.startswith("检查结果")]
    assert [ws.title for ws in parts] == ["检查结果"] + [f"检查结果 ({n})" for n in range(2, len(parts) + 1)]
    seen = []
    for ws in parts:
        assert ws.max_row <= HEADER_ROW + 20 and ws.freeze_panes == "A4" and ws["A3"].value == "网站"
        assert ws.auto_filter.ref == f"A3:G{ws.max_row}"
        rows = list(ws.iter_rows(min_row=HEADER_ROW + 1))
        linked = [r[2] for r in rows if r[2].hyperlink]
        assert len(linked) <= 15
        for r in rows:
            status = r[4].value
            assert bool(r[2].hyperlink) == (status in ("不合格", "无法判断")), (ws.title, r[2].coordinate, status)
            if r[2].hyperlink:
                assert r[2].hyperlink.target == r[2].value and r[2].font.u == "single"
        seen += [r[2].value for r in rows]
    assert sorted(seen) == sorted(r.subject for r in model.data.results)


def test_sheets_keep_their_order_when_those_with_snapshots_are_written_last(tmp_path: Path) -> None:
    """整改清单 and 问题清单 are filled once the snapshots are written (``ready``), after the sheets
    made after them: each sheet, and each of its continuation parts, is still in its place — and
    nothing reads the snapshots before ``ready``."""
    import pytest

    from gongkai.reports.cards import findings
    from gongkai.reports.snapshots import SnapshotSet

    model = _model(100)
    model.findings = findings(model.data)
    with pytest.raises(RuntimeError, match="before they were written"):
        model.members("big")
    order: list[str] = []

    def ready() -> None:
        order.append("ready")
        model.rendered = SnapshotSet({}, {})

    path = write_workbook(tmp_path / "report.xlsx", model, Limits(rows=HEADER_ROW + 20, links=15), ready=ready)
    names = load_workbook(path, read_only=True).sheetnames
    bases = [re.sub(r" \(\d+\)$", "", n) for n in names]
    assert list(dict.fromkeys(bases)) == ["排名", "整改清单", "问题清单", "网站×指标", "检查结果", "扣分明细", "抓取覆盖", "错误"]
    for base in dict.fromkeys(bases):
        parts = [n for n, b in zip(names, bases, strict=True) if b == base]
        at = names.index(base)
        assert names[at:at + len(parts)] == [base] + [f"{base} ({n})" for n in range(2, len(parts) + 1)]
    assert "问题清单 (3)" in names and "检查结果 (3)" in names and order == ["ready"]
