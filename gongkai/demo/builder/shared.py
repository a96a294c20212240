"""What the three site generators share: the document record, file writing and common blocks."""

from __future__ import annotations

import html
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

E = html.escape


@dataclass
class Doc:
    """One article of a site: a 公文 when it has a number, else news or a release."""

    key: str
    column: str | int
    title: str
    pub: date
    written: date | None = None
    number: str | None = None
    publisher: str = ""
    validity: str | None = None        # None: no 有效性 row; "": the row is there but empty
    label_field: str | None = None     # 公开方式 row value; None: no such row
    signature: str | None = None       # 落款 organ; the written date follows it
    sig_label: str | None = None       # the line after the 落款, e.g. （此件公开发布）
    body: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)   # keys of docs linked as 相关解读/相关文件
    links: list[tuple[str, str]] = field(default_factory=list)   # extra (href, text) in the body
    attachment: str | None = None      # href of an attachment
    also_in: list[str] = field(default_factory=list)   # other columns that list it (reposts)
    list_only: bool = False            # shown on lists, no page of its own (not used for 404s)
    url: str = ""


def d(text: str) -> date:
    return date.fromisoformat(text)


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def newest_first(docs: Iterable[Doc]) -> list[Doc]:
    return sorted(docs, key=lambda x: x.pub, reverse=True)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_bytes(root: Path, rel: str, data: bytes) -> None:
    path = root / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_pages(root: Path, pages: dict[str, str]) -> None:
    for rel, text in pages.items():
        write(root, rel, text)


def write_manifest(root: Path, docs: list[Doc]) -> None:
    """``_pages.tsv``: key, URL path, publication date and title of every generated article."""
    rows = sorted(f"{x.key}\t{x.url}\t{x.pub}\t{x.title}" for x in docs)
    write(root, "/_pages.tsv", "key\turl\tpub\ttitle\n" + "\n".join(rows) + "\n")


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF (attachments must be real files of their type)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({title}) Tj ET".encode("latin-1", "replace")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def fixed_zip(book: object) -> bytes:
    """An openpyxl workbook saved with fixed times (ZIP entries and document properties), so the
    builder writes the same bytes every run."""
    import io
    import re
    import zipfile
    from datetime import datetime

    when = datetime(2024, 6, 13)
    book.properties.created = when  # type: ignore[attr-defined]
    raw = io.BytesIO()
    book.save(raw)  # type: ignore[attr-defined]
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps `modified` with the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-06-13T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6]), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def tiny_png() -> bytes:
    """A 1×1 red PNG (the 党政机关 badge image)."""
    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00\xcc\x00\x00")) + _png_chunk(b"IEND", b""))


def paragraphs(doc: Doc, indent: str = "　　") -> str:
    return "".join(f"<p>{indent}{E(p)}</p>\n" for p in doc.body)


def signature_block(doc: Doc) -> str:
    """The 落款 organ and date, then the disclosure label line when there is one."""
    if not doc.signature:
        return ""
    out = (f'<p style="text-align: right;">{E(doc.signature)}</p>\n'
           f'<p style="text-align: right;">{cn_date(doc.written) if doc.written else ""}</p>\n')
    if doc.sig_label:
        out += f"<p>{E(doc.sig_label)}</p>\n"
    return out


def related_block(doc: Doc, by_key: dict[str, Doc], heading: str) -> str:
    """The 相关解读 / 相关文件 box linking a document and its interpretation."""
    if not doc.related:
        return ""
    items = "".join(f'<li><a href="{by_key[k].url}" target="_blank">{E(by_key[k].title)}</a></li>'
                    for k in doc.related)
    return f'<div class="xgwj"><h4>{heading}</h4><ul>{items}</ul></div>\n'
