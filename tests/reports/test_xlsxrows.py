"""Rows written as markup (reports/xlsxrows.py) read back as openpyxl's own writer would have them:
text with outer blanks (xml:space), markup characters, a CR, empty text, None and numbers — also
after the writer's memory of repeated cells has been cleared."""

from __future__ import annotations

from pathlib import Path
from zipfile import ZipFile

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.xml.constants import SHEET_MAIN_NS

from gongkai.reports import xlsxrows

VALUES = ["plain", "  lead", "trail ", "\u3000全角空格", "a\rb", "<b>&amp;</b>", "", None, 3, 2.5, "重复的原因"]
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _rows() -> list[list[object]]:
    """Every value in column A, in turn; column B unique per row, so the memory fills and is cleared."""
    return [[VALUES[i % len(VALUES)], f"第{i}行"] for i in range(xlsxrows.RowWriter.KNOWN + 3 * len(VALUES))]


def _ours(path: Path) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    writer = xlsxrows.RowWriter(ws)
    style = xlsxrows.style_id(ws)
    for row in _rows():
        writer.append([(value, style, None) for value in row])
    writer.close()
    wb.save(path)
    return path


def _openpyxls(path: Path) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    for row in _rows():
        ws.append(row)
    wb.save(path)
    return path


def _values(path: Path) -> list[tuple[object, ...]]:
    wb = load_workbook(path, read_only=True)
    values = list(wb["s"].iter_rows(values_only=True))
    wb.close()
    return values


def test_rows_read_back_as_openpyxls_own(tmp_path: Path) -> None:
    ours, theirs = _ours(tmp_path / "ours.xlsx"), _openpyxls(tmp_path / "theirs.xlsx")
    assert _values(ours) == _values(theirs)
    assert len(_values(ours)) == len(_rows()) and _values(ours)[1][0] == "  lead"
    with ZipFile(ours) as z:
        texts = etree.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(f"{{{SHEET_MAIN_NS}}}t")
        kept = {t.text for t in texts if t.get(f"{{{XML_NS}}}space") == "preserve"}
    assert kept == {"  lead", "trail ", "\u3000全角空格"}    # what a reader would otherwise trim
