"""Rows of a write-only openpyxl sheet built as lxml elements, one per row, and streamed.

openpyxl's write-only ``append`` turns every value into a WriteOnlyCell, binds and type-checks it,
then writes it through five nested ``xf.element`` contexts: over the 检查结果 sheet (a row per
result, 36k rows for a 6k-page portal) that was a third of ``gongkai report``.  Here a row is one
``<row>`` element whose cells carry the style id, type and value openpyxl itself would write
(``t="inlineStr"`` text with ``xml:space="preserve"`` when it has outer blanks, ``t="n"`` numbers
as ``%.16g``, an empty ``t="n"`` cell for None), handed to the same sheet stream openpyxl opened:
the package, styles and every other part are still openpyxl's.

It uses openpyxl's write-only protocol (the sheet's writer ``xf`` coroutine and its ``_rows``
generator, which ``close`` ends); :mod:`reports.xlsxlinks` takes the hyperlinks.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

from lxml.etree import Element, SubElement, _Element
from openpyxl.cell import WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.xml.functions import XML_NS

from . import xlsxlinks

PRESERVE = {f"{{{XML_NS}}}space": "preserve"}
NO_ATTRS: dict[str, str] = {}


def style_id(ws: WriteOnlyWorksheet, **style: Any) -> str:
    """The workbook's index of a cell style (font, fill, alignment, number_format), as ``s`` writes it."""
    probe = WriteOnlyCell(ws)
    for name, value in style.items():
        setattr(probe, name, value)
    return str(probe.style_id)


class RowWriter:
    """Appends rows of (value, style id, link target or None) cells to a write-only sheet.

    Create it once the sheet's layout (widths, panes, print set-up) is set: that is written first.
    Values are final: None, int, float or str (:func:`reports.workbook.cell_value`).
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        ws._get_writer()
        xlsxlinks.stream_links(ws)
        self.ws, self.rows = ws, 0
        self.links = ws._hyperlinks
        self.letters: list[str] = []
        stream = self._stream()
        next(stream)
        ws._rows = self._send = stream   # the sheet's close() ends the stream, then writes its tail

    def _stream(self) -> Generator[None, _Element, None]:
        writer = self.ws._writer
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            try:
                while True:
                    xf.write((yield))
            except GeneratorExit:
                pass
        writer.xf.send(None)

    def _letter(self, col: int) -> str:
        while len(self.letters) <= col:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters[col]

    def append(self, cells: Sequence[tuple[Any, str, str | None]]) -> None:
        self.rows += 1
        r = str(self.rows)
        row = Element("row", r=r)
        for col, (value, style, link) in enumerate(cells):
            ref = self._letter(col) + r
            if isinstance(value, str):
                c = SubElement(row, "c", r=ref, s=style, t="inlineStr")
                if value:
                    SubElement(SubElement(c, "is"), "t", PRESERVE if value != value.strip() else NO_ATTRS).text = value
            else:
                c = SubElement(row, "c", r=ref, s=style, t="n")
                if value is not None:
                    SubElement(c, "v").text = safe_string(value)
            if link:
                xlsxlinks.add(self.links, ref, link)
        self._send.send(row)
