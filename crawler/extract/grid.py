"""Label/value tables, in either orientation, spelled out as the ``label：value`` lines they mean.

Flattened to lines, a table loses which cell belongs to which label: a header row of labels
(索取号 | 发布时间 | 发布机构 | 文件编号 | 备注) over a row of values reads as five labels followed by
five values, and the line reader paired 文件编号 with "备注".  Read as a grid instead:

- *vertical*: a row whose cells are labels is a header; the row below it holds their values,
  column by column (``colspan`` counted).  Header/value row pairs may be stacked.  A header over
  many rows is a list of documents, not one document's metadata, and is not read this way.
- *horizontal*: a label cell's value is the cell right after it ("索引号：" | "000014349/…"),
  several pairs per row allowed.

An empty value cell, or a label cell followed by another label, gives :data:`fields.EMPTY`, so
the value is None instead of whatever text comes next.  Cells that are neither (a label and its
value in one cell, a title row) are kept as their own lines.
"""

from __future__ import annotations

from lxml import etree

from .dom import tag_of, text_lines
from .fields import EMPTY, cell_label, is_known_label_line, label_of

MAX_COLSPAN = 20
MAX_ROWS = 200          # a metadata table has a handful of rows; a larger one is data
_CELLS = frozenset({"td", "th"})

Cell = tuple[str, str | None, int]   # (text, label if the cell is only a label, colspan)


def _cells(row: etree._Element) -> list[Cell]:
    out = []
    for cell in row:
        if tag_of(cell) in _CELLS:
            text = " ".join(text_lines(cell))
            try:
                span = max(1, min(int(cell.get("colspan") or 1), MAX_COLSPAN))
            except ValueError:
                span = 1
            out.append((text, cell_label(text) if text else None, span))
    return out


def _rows(table: etree._Element) -> list[list[Cell]]:
    return [_cells(row) for row in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")[:MAX_ROWS]]


def _is_header(row: list[Cell]) -> bool:
    """A row of at least two label cells, none followed by a filled cell that could be its value
    (then the row is horizontal pairs, some of them empty)."""
    labels = [k for k, (_, label, _) in enumerate(row) if label]
    beside = (row[k + 1] for k in labels if k + 1 < len(row))
    return len(labels) >= 2 and not any(text and not label for text, label, _ in beside)


def _is_value_row(row: list[Cell]) -> bool:
    return bool(row) and not any(label for _, label, _ in row) and not any(
        is_known_label_line(text) for text, _, _ in row)


def _by_column(row: list[Cell]) -> dict[int, Cell]:
    """Column position → cell, ``colspan`` expanded (a cell answers for its first column)."""
    out, column = {}, 0
    for cell in row:
        out[column] = cell
        column += cell[2]
    return out


def _value(text: str) -> str:
    return text if text and not label_of(text) and not is_known_label_line(text) else EMPTY


def _vertical(header: list[Cell], values: list[Cell]) -> list[str]:
    below = _by_column(values)
    lines = []
    for column, (_, label, _) in _by_column(header).items():
        if label:
            lines.append(f"{label}：{_value(below[column][0]) if column in below else EMPTY}")
    return lines


def _horizontal(row: list[Cell]) -> tuple[list[str], bool]:
    """The row's lines and whether any label cell was paired with its neighbour."""
    lines: list[str] = []
    paired = False
    k = 0
    while k < len(row):
        text, label, _ = row[k]
        if label:
            value = _value(row[k + 1][0]) if k + 1 < len(row) and not row[k + 1][1] else EMPTY
            lines.append(f"{label}：{value}")
            paired = True
            k += 1 if value == EMPTY else 2   # a neighbour that is no value is read on its own
            continue
        if text:
            lines.append(text)
        k += 1
    return lines, paired


def _vertical_at(rows: list[list[Cell]], i: int) -> bool:
    """Row ``i`` is a header whose values are the one row below (not a list of many rows)."""
    if not (_is_header(rows[i]) and i + 1 < len(rows) and _is_value_row(rows[i + 1])):
        return False
    return i + 2 >= len(rows) or not _is_value_row(rows[i + 2])


def table_lines(table: etree._Element) -> list[str] | None:
    """The ``label：value`` lines of a label/value table, or None for any other table.

    Only tables without nested tables are read: a layout table wrapping the page is not a grid.
    """
    if any(inner is not table for inner in table.iter("table")):
        return None
    rows = _rows(table)
    lines: list[str] = []
    read = False
    i = 0
    while i < len(rows):
        if _vertical_at(rows, i):
            lines.extend(_vertical(rows[i], rows[i + 1]))
            read = True
            i += 2
            continue
        row_lines, paired = _horizontal(rows[i])
        lines.extend(row_lines)
        read = read or paired
        i += 1
    return lines if read else None
