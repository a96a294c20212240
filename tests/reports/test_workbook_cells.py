"""A sheet's cells made once per distinct value (reports/workbook.py ``_Cells``) are the cells made
afresh: values equal as Python values but shown differently (True and 1 and 1.0, a URL as text and
as a link) never share a cell, and the memory may be cleared at any row."""

from __future__ import annotations

from openpyxl import Workbook

from gongkai.reports import workbook as wb

COLS = [wb.Col("文字"), wb.Col("对象", "url"), wb.Col("得分", "score"), wb.Col("文字二")]
LONG = "长" * (wb._Cells.MEMO_CHARS + 1)
TEXTS = [True, 1, 1.0, False, 0, None, "1", "是", "a\u202eb", LONG, LONG + "x", "  lead", "重复"]
URL = "http://www.example.gov.cn/a.html"


def _rows() -> list[list[object]]:
    rows = []
    for i in range(wb._Cells.MEMO * 2 + 50):   # the memory fills and is cleared twice
        url = wb.PlainUrl(URL) if i % 2 else URL
        rows.append([TEXTS[i % len(TEXTS)], url, [1, 1.5, True, None][i % 4], f"第{i}行"])
    return rows


def test_remembered_cells_are_the_cells_made_afresh() -> None:
    ws = Workbook(write_only=True).create_sheet("s")
    made = wb._Cells(ws, COLS)
    for row in _rows():
        fresh = [wb._data_cell(ws, col, raw, made.styles) for col, raw in zip(COLS, row, strict=True)]
        got = made.row(row)
        assert got == fresh and [type(c[0]) for c in got] == [type(c[0]) for c in fresh]
    assert len(made.memo) <= wb._Cells.MEMO


def test_equal_values_shown_differently_keep_their_own_cells() -> None:
    ws = Workbook(write_only=True).create_sheet("s")
    made = wb._Cells(ws, COLS)
    shown = [made.row([raw, URL, 1, ""])[0][0] for raw in (True, 1, 1.0, False, 0)]
    assert shown == ["是", 1, 1.0, "否", 0] and [type(v) for v in shown] == [str, int, float, str, int]
    linked, plain = made.row(["", URL, 1, ""])[1], made.row(["", wb.PlainUrl(URL), 1, ""])[1]
    assert linked[2] == URL and plain[2] is None and linked[1] != plain[1]
    assert made.row([LONG, URL, 1, ""])[0][0] == LONG   # a long text (evidence) seldom repeats: not remembered
    assert not any(key[2] == LONG for key in made.memo)
