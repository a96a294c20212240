"""Links kept as pairs and streamed: the file is byte for byte what openpyxl writes itself."""

from __future__ import annotations

from pathlib import Path
from zipfile import ZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from gongkai.reports import xlsxlinks


def _book(path: Path, streamed: bool) -> dict[str, bytes]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("检查结果")
    ws.append(["标题"])
    if streamed:
        xlsxlinks.stream_links(ws)
    for n in range(50):
        cell = WriteOnlyCell(ws, value=f"http://www.dl.gov.cn/a/{n}.html")
        cell.hyperlink = cell.value
        ws.append([cell, "未发现问题"])
    ws.append(["无链接"])
    if streamed:
        xlsxlinks.save(wb, path)
    else:
        wb.save(path)
    with ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}  # core: save time


def test_streamed_links_write_the_same_file_as_openpyxl(tmp_path: Path) -> None:
    assert _book(tmp_path / "a.xlsx", streamed=True) == _book(tmp_path / "b.xlsx", streamed=False)
    ws = load_workbook(tmp_path / "a.xlsx")["检查结果"]
    assert ws["A2"].hyperlink.target == "http://www.dl.gov.cn/a/0.html"
    assert ws["A51"].hyperlink.target == "http://www.dl.gov.cn/a/49.html" and ws["B51"].hyperlink is None


def test_a_sheet_without_links_writes_no_relationships(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误")
    ws.append(["标题"])
    xlsxlinks.stream_links(ws)
    ws.append(["无"])
    xlsxlinks.save(wb, tmp_path / "c.xlsx")
    with ZipFile(tmp_path / "c.xlsx") as z:
        assert not [n for n in z.namelist() if n.endswith(".rels") and "worksheets" in n]
