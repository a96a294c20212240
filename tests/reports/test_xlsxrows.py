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


def test_a_character_xml_forbids_is_refused_not_written(tmp_path: Path) -> None:
    """cell_value shows such characters as ⟨U+0001⟩; a value that reached the writer raw is a bug,
    refused at once (Excel would refuse the whole file) — also when it repeats a remembered one."""
    import pytest

    ws = Workbook(write_only=True).create_sheet("s")
    writer = xlsxrows.RowWriter(ws)
    style = xlsxrows.style_id(ws)
    writer.append([("fine", style, None)])
    for bad in ("a\x01b", "lone \ud800 surrogate", "\uffff"):
        with pytest.raises(ValueError, match="XML forbids"):
            writer.append([(bad, style, None)])
        with pytest.raises(ValueError, match="XML forbids"):   # not remembered as written
            writer.append([(bad, style, None)])
    writer.close()
    assert writer.rows == 1


def _sheet_xml(path: Path) -> bytes:
    with ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml") + z.read("xl/worksheets/_rels/sheet1.xml.rels")


def test_rows_made_from_a_template_are_the_rows_appended(tmp_path: Path) -> None:
    """Whichever cell varies (first, inside, last), a row made from a template and that cell is the
    markup of the same row appended, links of the other cells and of the varying one included."""
    import pytest

    rows = [[(VALUES[(i + j) % len(VALUES)], "0", f"http://x.gov.cn/{i}/{j}" if (i * j + j) % 3 == 0 else None)
             for j in range(3)] for i in range(40)]   # rows with one, two and three links
    for varying in range(3):
        written = {}
        for how in ("append", "template"):
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("s")
            writer = xlsxrows.RowWriter(ws)
            style = xlsxrows.style_id(ws)
            for row in rows:
                cells = [(value, style, link) for value, _, link in row]
                if how == "append":
                    writer.append(cells)
                else:
                    writer.append_to(xlsxrows.template(cells, varying), cells[varying])
            if how == "template":   # a character XML forbids in the varying cell: refused, nothing written
                with pytest.raises(ValueError, match="XML forbids"):
                    writer.append_to(xlsxrows.template(cells, varying), ("a\x01b", style, "http://x.gov.cn/"))
            writer.close()
            wb.save(tmp_path / f"{how}{varying}.xlsx")
            written[how] = _sheet_xml(tmp_path / f"{how}{varying}.xlsx")
        assert written["template"] == written["append"] and b"<hyperlink " in written["append"]
