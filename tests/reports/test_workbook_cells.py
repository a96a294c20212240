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
    shown = [made.row([raw, URL, 1, ""])[0][0] for raw in (True, 1, 1.0, False, 0, 0.0, -0.0)]
    assert shown == ["是", 1, 1.0, "否", 0, 0.0, -0.0] and [type(v) for v in shown] == [str, int, float, str, int,
                                                                                     float, float]
    assert str(shown[-1]) == "-0.0" and str(shown[-2]) == "0.0"   # equal, yet written "-0" and "0"
    linked, plain = made.row(["", URL, 1, ""])[1], made.row(["", wb.PlainUrl(URL), 1, ""])[1]
    assert linked[2] == URL and plain[2] is None and linked[1] != plain[1]
    assert made.row([LONG, URL, 1, ""])[0][0] == LONG   # a long text (evidence) seldom repeats: not remembered
    assert not any(key[2] == LONG for key in made.memo)


def test_a_sheet_written_from_templates_is_the_sheet_written_cell_by_cell(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """write_sheet with a varying column: the same parts, rows, cells and links, also for rows whose
    other values cannot be remembered (a list, texts longer than TEMPLATE_CHARS together) and past
    the row and link limits of a part."""
    from zipfile import ZipFile

    rows = []
    for i in range(wb._Cells.TEMPLATES * 2 + 300):    # more distinct rows than templates: forgotten, made again
        url = f"{URL}?p={i}"
        first = TEXTS[i % len(TEXTS)] if i % 4 == 0 else ("重复" if i % 3 else None)   # True, 1, 1.0 …: cell by cell
        rows.append([first, wb.PlainUrl(url) if i % 3 else url, None if i % 5 else str(i % 7),
                     ["a", "b"] if i % 50 == 0 else LONG * 5 if i % 60 == 0 else f"第{i % 1500}类"])
    limits = wb.Limits(rows=wb.HEADER_ROW + 400, links=200)
    templated_rows, cleared = [0], [0]
    real_templated = wb._Cells.templated

    def counted(self, row, varying):  # noqa: ANN001, ANN202 - templated's signature
        full = len(self.templates) >= self.TEMPLATES
        made = real_templated(self, row, varying)
        templated_rows[0] += made is not None
        cleared[0] += full and len(self.templates) == 1
        return made

    monkeypatch.setattr(wb._Cells, "templated", counted)
    parts = {}
    for varying in (None, 1):
        book = Workbook(write_only=True)
        parts[varying] = wb.write_sheet(book, "检查结果", COLS, rows, limits=limits, varying=varying)
        book.save(tmp_path / f"{varying}.xlsx")
    assert parts[None] == parts[1] and len(parts[1]) > 2
    assert templated_rows[0] > len(rows) // 2 and cleared[0] >= 1   # most rows made from templates, forgotten at times
    with ZipFile(tmp_path / "None.xlsx") as plain, ZipFile(tmp_path / "1.xlsx") as templated:
        names = [n for n in plain.namelist() if n.startswith("xl/worksheets/")]
        assert names == [n for n in templated.namelist() if n.startswith("xl/worksheets/")]
        for name in names:
            assert plain.read(name) == templated.read(name), name
