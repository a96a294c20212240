"""Rows of a write-only openpyxl sheet built as lxml elements, one per row, and streamed.

openpyxl's write-only ``append`` turns every value into a WriteOnlyCell, binds and type-checks it,
then writes it through five nested ``xf.element`` contexts: over the 检查结果 sheet (a row per
result, 36k rows for a 6k-page portal) that was a third of ``gongkai report``.  Here a row is one
``<row>`` whose cells carry the style id, type and value openpyxl itself would write
(``t="inlineStr"`` text with ``xml:space="preserve"`` when it has outer blanks, ``t="n"`` numbers
as ``%.16g``, an empty ``t="n"`` cell for None), handed to the same sheet stream openpyxl opened:
the package, styles and every other part are still openpyxl's.

It uses openpyxl's write-only protocol (the sheet's writer ``xf`` coroutine and its ``_rows``
generator, which ``close`` ends); :mod:`reports.xlsxlinks` takes the hyperlinks.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Sequence
from typing import Any

from lxml.etree import fromstring
from openpyxl.cell import WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from . import xlsxlinks


def style_id(ws: WriteOnlyWorksheet, **style: Any) -> str:
    """The workbook's index of a cell style (font, fill, alignment, number_format), as ``s`` writes it."""
    probe = WriteOnlyCell(ws)
    for name, value in style.items():
        setattr(probe, name, value)
    return str(probe.style_id)


def _escape(text: str) -> str:
    """Text as XML character data; a CR is kept as a reference (a parser would read it as a newline)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


HEAD_BYTES = 1 << 16      # the sheet's layout elements, written before its rows
AFTER_DIMENSION = (b"<sheetViews", b"<sheetFormatPr", b"<cols", b"<sheetData")   # CT_Worksheet order


class RowWriter:
    """Appends rows of (value, style id, link target or None) cells to a write-only sheet.

    Create it once the sheet's layout (widths, panes, print set-up) is set: that is written first.
    Values are final: None, int, float or str (:func:`reports.workbook.cell_value`, which leaves no
    character XML forbids).  Rows are kept as markup and parsed by lxml a batch at a time: building
    each cell as an element from Python cost twice as much.
    """

    BATCH = 500

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        ws._get_writer()
        xlsxlinks.stream_links(ws)
        self.ws, self.rows = ws, 0
        self.links = ws._hyperlinks
        self.letters: list[str] = []
        self.pending: list[str] = []
        stream = self._stream()
        next(stream)
        ws._rows = self._send = stream   # the sheet's close() ends the stream, then writes its tail

    def _stream(self) -> Generator[None, None, None]:
        writer = self.ws._writer
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            try:
                while True:
                    yield
                    self._write(xf)
            except GeneratorExit:
                self._write(xf)
        writer.xf.send(None)

    def _write(self, xf: Any) -> None:
        if self.pending:
            batch = fromstring(f"<sheetData>{''.join(self.pending)}</sheetData>")
            self.pending = []
            xf.write(*batch)

    def append(self, cells: Sequence[tuple[Any, str, str | None]]) -> None:
        self.rows += 1
        r = str(self.rows)
        out = [f'<row r="{r}">']
        while len(self.letters) < len(cells):
            self.letters.append(get_column_letter(len(self.letters) + 1))
        for letter, (value, style, link) in zip(self.letters, cells, strict=False):
            ref = letter + r
            if isinstance(value, str):
                if not value:
                    out.append(f'<c r="{ref}" s="{style}" t="inlineStr"/>')
                elif value != value.strip():
                    out.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                               f"{_escape(value)}</t></is></c>")
                else:
                    out.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>')
            elif value is None:
                out.append(f'<c r="{ref}" s="{style}" t="n"/>')
            else:
                out.append(f'<c r="{ref}" s="{style}" t="n"><v>{safe_string(value)}</v></c>')
            if link:
                xlsxlinks.add(self.links, ref, link)
        out.append("</row>")
        self.pending.append("".join(out))
        if len(self.pending) >= self.BATCH:
            self._send.send(None)

    def close(self) -> None:
        """Close the sheet and give its part the ``<dimension>`` openpyxl's write-only writer leaves
        out (it is written before the rows are known): without it a reader — openpyxl's read-only
        mode among them — reads every row just to learn the sheet's size."""
        self.ws.close()
        if not self.rows:
            return
        ref = f'<dimension ref="A1:{self.letters[-1] if self.letters else "A"}{self.rows}"/>'.encode()
        path = self.ws._writer.out
        with open(path, "rb") as src:
            head = src.read(HEAD_BYTES)
            at = min((i for i in map(head.find, AFTER_DIMENSION) if i >= 0), default=-1)
            if at < 0:
                return
            with open(f"{path}.dim", "wb") as dst:
                dst.write(head[:at] + ref + head[at:])
                shutil.copyfileobj(src, dst)
        os.replace(f"{path}.dim", path)
