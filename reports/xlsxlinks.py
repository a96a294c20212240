"""Hyperlinks of write-only openpyxl sheets kept as pairs of strings and written as streams.

openpyxl keeps a Hyperlink object per linked cell until its sheet closes and a Relationship per
link until the file is saved, then builds each list as one XML tree: about 2 KB a link at save
time.  The 检查结果 sheet links every result's subject, so a 100k-page audit (600k results) would
need gigabytes for its links alone.  Here a link is a (cell, URL) pair until written, and the
sheet's ``<hyperlinks>`` element and its ``.rels`` part are streamed — byte for byte what openpyxl
writes (``bench.same_outputs`` compares the workbooks cell by cell and link by link).

It reaches into three openpyxl internals (a write-only sheet's ``_hyperlinks`` and its writer's
``_rels`` and ``write_hyperlinks``); a sheet whose writer lacks them keeps openpyxl's own way.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.packaging.relationship import RelationshipList, get_rels_path
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import PKG_REL_NS, REL_NS
from openpyxl.xml.functions import Element, xmlfile

HYPERLINK = "hyperlink"
HYPERLINK_TYPE = f"{REL_NS}/{HYPERLINK}"
REL_ID = f"{{{REL_NS}}}id"


class _Links:
    """Stands in for a sheet's ``_hyperlinks`` list: what each linked cell's writer appends."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    def append(self, link: Hyperlink) -> None:
        self.pairs.append((link.ref, link.target))

    def add(self, ref: str, target: str) -> None:
        self.pairs.append((ref, target))

    def __len__(self) -> int:
        return len(self.pairs)

    def __iter__(self) -> Iterator[Hyperlink]:
        return (Hyperlink(ref=ref, target=target) for ref, target in self.pairs)


class _Rels(RelationshipList):
    """A sheet's relationships when all are external hyperlinks: (id, URL) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []

    def add(self, target: str) -> str:
        rel_id = f"rId{len(self.pairs) + 1}"
        self.pairs.append((rel_id, target))
        return rel_id

    def __len__(self) -> int:
        return len(self.pairs)

    def elements(self) -> Iterator[Any]:
        """``Relationship.to_tree()`` of each, built directly (a Serialisable per link was most of the save)."""
        for rel_id, target in self.pairs:
            yield Element("Relationship", {"Type": HYPERLINK_TYPE, "Target": target, "TargetMode": "External", "Id": rel_id})


def add(links: Any, ref: str, target: str) -> None:
    """Record a link of cell ``ref``: as a pair when the sheet streams its links, else openpyxl's way."""
    if isinstance(links, _Links):
        links.add(ref, target)
    else:
        links.append(Hyperlink(ref=ref, target=target))


def _write_hyperlinks(writer: Any, links: _Links, rels: _Rels) -> None:
    """openpyxl's ``write_hyperlinks``, one link at a time (each element as ``Hyperlink.to_tree`` makes it)."""
    if not links:
        return
    xf = writer.xf.send(True)
    with xf.element("hyperlinks"):
        for ref, target in links.pairs:
            xf.write(Element("hyperlink", {"ref": ref, REL_ID: rels.add(target)}) if target
                     else Element("hyperlink", ref=ref))
    writer.xf.send(None)


def stream_links(ws: Any) -> None:
    """Make a write-only sheet keep its links as pairs; call after its first row is appended."""
    writer = getattr(ws, "_writer", None)
    if writer is None or not hasattr(writer, "write_hyperlinks") or len(getattr(writer, "_rels", ())) \
            or not isinstance(getattr(ws, "_hyperlinks", None), list):
        return
    links, rels = _Links(), _Rels()
    for link in ws._hyperlinks:
        links.append(link)
    ws._hyperlinks, writer._rels = links, rels
    writer.write_hyperlinks = lambda: _write_hyperlinks(writer, links, rels)


class _Writer(ExcelWriter):
    """openpyxl's ExcelWriter, streaming the ``.rels`` part of a sheet whose links are pairs."""

    def write_worksheet(self, ws: Any) -> None:
        super().write_worksheet(ws)
        rels = ws._rels
        if isinstance(rels, _Rels):
            ws._rels = RelationshipList()   # nothing left for ExcelWriter to write
            if rels:
                with self._archive.open(get_rels_path(ws.path)[1:], "w") as fh, xmlfile(fh) as xf, \
                        xf.element("Relationships", xmlns=PKG_REL_NS):
                    for rel in rels.elements():
                        xf.write(rel)


ZIP_LEVEL = 1   # deflate level: the sheets' XML shrinks nearly as much as at zlib's default 6, at a third of the time


def save(wb: Workbook, path: Path) -> None:
    """``Workbook.save`` (openpyxl's ``save_workbook``) with the streaming writer."""
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=ZIP_LEVEL) as archive:
        wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        _Writer(wb, archive).write_data()
