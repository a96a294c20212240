"""Rows of a write-only openpyxl sheet written as markup straight to the sheet's part.

openpyxl's write-only ``append`` turns every value into a WriteOnlyCell, binds and type-checks it,
then writes it through five nested ``xf.element`` contexts: over the 检查结果 sheet (a row per
result, 66k rows for a 6k-page portal) that was a third of ``gongkai report``; parsing our own
markup back into lxml elements for ``xf.write`` was still the largest single cost after that.
Here a row is one ``<row>`` whose cells carry the style id, type and value openpyxl itself would
write (``t="inlineStr"`` text with ``xml:space="preserve"`` when it has outer blanks, ``t="n"``
numbers as ``%.16g``, an empty ``t="n"`` cell for None), appended as UTF-8 to a side file.  The
sheet's own stream gets ``<sheetData>`` holding only a marker; :meth:`RowWriter.close` copies the
part once, putting the ``<dimension>`` openpyxl leaves out in its head and the rows at the marker.
The package, styles and every other part of the sheet are still openpyxl's.

Nothing parses the rows any more, so nothing would notice a character XML forbids: values come
from :func:`reports.workbook.cell_value`, which leaves none, and each distinct text is searched for
one when its markup is made (a ``ValueError``, never a workbook Excel refuses to open).

It uses openpyxl's write-only protocol (the sheet's writer ``xf`` coroutine and its ``_rows``
generator, which ``close`` ends); :mod:`reports.xlsxlinks` takes the hyperlinks.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from lxml.etree import Comment
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


def _text_cell(value: str) -> str:
    """A text cell's markup after its style: the type, and the value as openpyxl writes it (outer
    blanks kept by ``xml:space``)."""
    if not value:
        return ' t="inlineStr"/>'
    bad = NOT_XML.search(value)
    if bad:
        raise ValueError(f"cell text holds U+{ord(bad.group()):04X}, which XML forbids")
    if value[0].isspace() or value[-1].isspace():
        return f' t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'
    return f' t="inlineStr"><is><t>{_escape(value)}</t></is></c>'


@dataclass(frozen=True)
class RowTemplate:
    """A row's markup around its varying cell (:func:`template`)."""

    pieces: tuple[str, ...]                # joined by the row's number
    at: int                                # the piece the varying cell's style and value begin
    letter: str                            # the varying cell's column
    before: tuple[tuple[str, str], ...]    # (column, target) of the cells before it that link …
    after: tuple[tuple[str, str], ...]     # … and of those after it
    links: int                             # how many those are


def _cell_body(value: Any) -> str:
    """A cell's markup after its style: the type and value as openpyxl writes them."""
    if isinstance(value, str):
        return _text_cell(value)
    if value is None:
        return ' t="n"/>'
    return f' t="n"><v>{safe_string(value)}</v></c>'


def template(cells: Sequence[tuple[Any, str, str | None]], varying: int) -> RowTemplate:
    """A row's markup with every cell made but the one at ``varying`` (whatever is there is
    ignored): :meth:`RowWriter.append_to` then writes rows that differ only there without making
    each of their cells again (a sheet of results repeats all but the subject on most rows)."""
    letters = [get_column_letter(i) for i in range(1, len(cells) + 1)]
    # a row's markup is its pieces joined by its number: <row r="|"><c r="A|" s=…>…</c><c r="B|" …</row>
    pieces = ['<row r="']
    after = '">'
    for i, (letter, (value, style, _)) in enumerate(zip(letters, cells, strict=True)):
        pieces.append(f'{after}<c r="{letter}')
        after = "" if i == varying else f'" s="{style}"{_cell_body(value)}'
    pieces.append(f"{after}</row>")
    links = [(letter, link) for letter, (_, _, link) in zip(letters, cells, strict=True)]
    links_before = tuple((letter, link) for letter, link in links[:varying] if link)
    links_after = tuple((letter, link) for letter, link in links[varying + 1:] if link)
    return RowTemplate(tuple(pieces), varying + 2, letters[varying], links_before, links_after,
                       len(links_before) + len(links_after))


HEAD_BYTES = 1 << 16      # the sheet's part up to its rows: layout elements and the marker
AFTER_DIMENSION = (b"<sheetViews", b"<sheetFormatPr", b"<cols", b"<sheetData")   # CT_Worksheet order
ROWS_MARKER = "gongkai-rows"   # a comment in the empty <sheetData>, replaced by the rows
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class RowWriter:
    """Appends rows of (value, style id, link target or None) cells to a write-only sheet.

    Create it once the sheet's layout (widths, panes, print set-up) is set: that is written first.
    Values are final: None, int, float or str (:func:`reports.workbook.cell_value`, which leaves no
    character XML forbids).  Rows are kept as markup and written to the side file a batch at a time.
    """

    BATCH = 500
    KNOWN = 4096        # text cells remembered as markup: a sheet repeats its sites, rules and reasons on every row
    KNOWN_CHARS = 256   # the longest text remembered

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        ws._get_writer()
        xlsxlinks.stream_links(ws)
        self.ws, self.rows = ws, 0
        self.links = ws._hyperlinks
        self.letters: list[str] = []
        self.pending: list[str] = []
        self.known: dict[str, str] = {}
        self.side: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        stream = self._stream()
        next(stream)
        ws._rows = stream   # the sheet's close() ends the stream, then writes its tail

    def _stream(self) -> Generator[None, None, None]:
        """The sheet's ``<sheetData>``: only the marker; it ends when the sheet is closed."""
        writer = self.ws._writer
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            xf.write(Comment(ROWS_MARKER))
            try:
                while True:
                    yield
            except GeneratorExit:
                self._write()
        writer.xf.send(None)

    def _write(self) -> None:
        if self.pending:
            chunk = "".join(self.pending)
            self.pending = []
            self.side.write(chunk.encode("utf-8"))

    def _letters(self, count: int) -> list[str]:
        while len(self.letters) < count:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters

    def _body(self, value: Any) -> str:
        """A cell's markup after its style, texts remembered (see KNOWN)."""
        if not isinstance(value, str):
            return _cell_body(value)
        body = self.known.get(value)
        if body is None:
            body = _text_cell(value)
            if len(value) <= self.KNOWN_CHARS:   # a long text (evidence) seldom repeats
                if len(self.known) >= self.KNOWN:
                    self.known.clear()
                self.known[value] = body
        return body

    def append(self, cells: Sequence[tuple[Any, str, str | None]]) -> None:
        """One row; a cell that cannot be written (``ValueError``) leaves nothing of its row."""
        r = str(self.rows + 1)
        out = [f'<row r="{r}">']
        links = []
        for letter, (value, style, link) in zip(self._letters(len(cells)), cells, strict=False):
            out.append(f'<c r="{letter}{r}" s="{style}"{self._body(value)}')
            if link:
                links.append((letter + r, link))
        out.append("</row>")
        self._add("".join(out), links)

    def _add(self, markup: str, links: Sequence[tuple[str, str]]) -> None:
        self.rows += 1
        for ref, link in links:
            xlsxlinks.add(self.links, ref, link)
        self.pending.append(markup)
        if len(self.pending) >= self.BATCH:
            self._write()

    def append_to(self, template: RowTemplate, cell: tuple[Any, str, str | None]) -> None:
        """One row: ``template`` with ``cell`` in its varying place (see :func:`template`); the
        markup :meth:`append` writes for the same cells."""
        value, style, link = cell
        r = str(self.rows + 1)
        self._letters(len(template.pieces) - 2)   # the sheet's width, for its <dimension>
        pieces = list(template.pieces)
        pieces[template.at] = f'" s="{style}"{_cell_body(value)}{pieces[template.at]}'   # not remembered: it varies
        links = [(letter + r, target) for letter, target in template.before]   # in column order, as append() adds them
        if link:
            links.append((template.letter + r, link))
        links.extend((letter + r, target) for letter, target in template.after)
        self._add(r.join(pieces), links)

    def close(self) -> None:
        """Close the sheet, then copy its part once: the ``<dimension>`` openpyxl's write-only writer
        leaves out (it is written before the rows are known; without it a reader — openpyxl's
        read-only mode among them — reads every row just to learn the sheet's size) goes into its
        head, and the rows from the side file replace the marker."""
        self.ws.close()
        marker = f"<!--{ROWS_MARKER}-->".encode()
        path = self.ws._writer.out
        with self.side, open(path, "rb") as src:
            head = src.read(HEAD_BYTES)
            at, rows_at = head.find(b"<sheetData"), head.find(marker)
            if at < 0 or rows_at < 0:
                raise ValueError(f"{path}: the sheet's rows marker is not in its first {HEAD_BYTES} bytes")
            if self.rows:
                at = min(i for i in map(head.find, AFTER_DIMENSION) if i >= 0)
                dimension = f'<dimension ref="A1:{self.letters[-1] if self.letters else "A"}{self.rows}"/>'.encode()
            else:
                dimension = b""
            with open(f"{path}.rows", "wb") as dst:
                dst.write(head[:at] + dimension + head[at:rows_at])
                self.side.seek(0)
                shutil.copyfileobj(self.side, dst)
                dst.write(head[rows_at + len(marker):])
                shutil.copyfileobj(src, dst)
        os.replace(f"{path}.rows", path)
