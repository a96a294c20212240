"""Attachments of articles: download PDF / DOC / DOCX / XLS / XLSX files and read their text.

Personal data and wrong wording hide in attachments (a 名单 as XLSX, a 公示 as PDF), so the
crawl downloads the files an article links — within a per-site count and a per-file size
(``GONGKAI_MAX_ATTACHMENTS_PER_SITE``, ``GONGKAI_ATTACHMENT_MAXSIZE``) — and stores one row per
file with its text or why none could be read: encrypted, scanned (no text layer), an old .doc
without antiword installed, a format we do not read (.ofd, .wps, archives), too large, or the
download failed.  Rules judge an unreadable attachment ``unknown``, never ``pass``.

Readers are well-kept libraries, each bounded: pypdf (pages), python-docx (paragraphs and
tables), openpyxl read-only (rows), xlrd (old .xls), antiword (old .doc) only when installed.
Office files are zip archives: each part's and the whole uncompressed size are checked before
opening (zip bombs: ``MAX_PART``, ``MAX_UNZIPPED``; over them the file is unknown, 文件过大，未读取),
and files are read in a small pool of their own (``READER_THREADS``), not the reactor's.
The spider calls :meth:`AttachmentFetcher.requests` after storing an article; the rest is here.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from gongkai.crawler import linkcheck
from gongkai.crawler.items import AttachmentItem, ProbeItem
from gongkai.crawler.stamp import asked_url
from gongkai.store import MAX_ATTACHMENT_TEXT, now_iso

READABLE = (".pdf", ".doc", ".docx", ".xls", ".xlsx")
MAX_PDF_PAGES = 300
MAX_SHEET_ROWS = 20_000
MAX_PART = 20_000_000         # bytes one part of an Office zip (document.xml, a sheet) may expand to
MAX_UNZIPPED = 60_000_000     # bytes a whole Office zip may expand to before we refuse to open it
READER_THREADS = 2            # files read at once (a parsed XML part takes ~20× its size in memory)
TOO_LARGE = "文件过大，未读取"
ANTIWORD_TIMEOUT = 30         # seconds
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Unreadable(Exception):
    """The file was fetched but gives no text; the message is the Chinese reason."""


@dataclass
class Text:
    """Text gathered up to the stored bound (more is not read: the rest is marked truncated)."""

    parts: list[str] = field(default_factory=list)
    size: int = 0
    truncated: bool = False

    def add(self, line: str) -> bool:
        """Append a line; False once the bound is reached (readers stop there)."""
        if self.size >= MAX_ATTACHMENT_TEXT:
            self.truncated = True
            return False
        self.parts.append(line)
        self.size += len(line) + 1
        return True

    def value(self) -> str:
        return "\n".join(self.parts)


def wanted(url: str) -> bool:
    """Whether the crawl downloads this attachment: an http(s) URL naming a file type we read."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.path.lower().endswith(READABLE)


def file_type(body: bytes, url: str) -> str:
    """pdf / docx / xlsx / doc / xls / html / other, from the bytes first and the name second."""
    ext = Path(urlsplit(url).path.lower()).suffix.lstrip(".")
    if body.startswith(b"%PDF-"):
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
        except zipfile.BadZipFile:
            return "other"
        return "docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names else "other"
    if body.startswith(OLE_MAGIC):
        return ext if ext in ("doc", "xls") else "other"
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    return "other"


def _pdf(body: bytes, out: Text) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    if reader.is_encrypted and not reader.decrypt(""):
        raise Unreadable("PDF已加密，无法读取")
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES:
            out.truncated = True
            break
        if not out.add(page.extract_text() or ""):
            break
    if not out.value().strip():
        raise Unreadable("PDF无文本层（可能为扫描件），未做文字识别")


def _check_zip(body: bytes) -> None:
    """Refuse an Office file whose parts expand beyond what a reader may hold in memory: the
    readers parse a whole XML part at once (python-docx: a 42 MB document.xml took 867 MB).  The
    sizes are the zip's own; zipfile never inflates a member past its declared size."""
    infos = zipfile.ZipFile(io.BytesIO(body)).infolist()
    big = max(infos, key=lambda info: info.file_size, default=None)
    if big is not None and big.file_size > MAX_PART:
        raise Unreadable(f"{TOO_LARGE}：{big.filename[:100]}解压后{big.file_size}字节，超过{MAX_PART}字节")
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_UNZIPPED:
        raise Unreadable(f"{TOO_LARGE}：解压后共{expanded}字节，超过{MAX_UNZIPPED}字节（疑似压缩炸弹）")


def _docx(body: bytes, out: Text) -> None:
    import docx

    _check_zip(body)
    document = docx.Document(io.BytesIO(body))
    for paragraph in document.paragraphs:
        if not out.add(paragraph.text):
            return
    for table in document.tables:
        for row in table.rows:
            if not out.add("\t".join(cell.text for cell in row.cells)):
                return


def _xlsx(body: bytes, out: Text) -> None:
    import openpyxl

    _check_zip(body)
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            out.add(f"[{sheet.title}]")
            for number, row in enumerate(sheet.iter_rows(values_only=True)):
                if number >= MAX_SHEET_ROWS:
                    out.truncated = True
                    break
                if not out.add("\t".join("" if v is None else str(v) for v in row)):
                    return
    finally:
        book.close()


def _xls(body: bytes, out: Text) -> None:
    import xlrd

    book = xlrd.open_workbook(file_contents=body, on_demand=True)
    for sheet in book.sheets():
        out.add(f"[{sheet.name}]")
        for number in range(min(sheet.nrows, MAX_SHEET_ROWS)):
            if not out.add("\t".join(str(v) for v in sheet.row_values(number))):
                return
        out.truncated = out.truncated or sheet.nrows > MAX_SHEET_ROWS


def _doc(body: bytes, out: Text) -> None:
    antiword = shutil.which("antiword")
    if not antiword:
        raise Unreadable("旧版Word文件（.doc）需要 antiword，本机未安装，未读取")
    with tempfile.NamedTemporaryFile(suffix=".doc") as fh:
        fh.write(body)
        fh.flush()
        proc = subprocess.run([antiword, "-m", "UTF-8.txt", fh.name], capture_output=True,
                              timeout=ANTIWORD_TIMEOUT, check=False)
    if proc.returncode != 0:
        raise Unreadable(f"antiword 无法读取：{proc.stderr.decode('utf-8', 'replace')[:200]}")
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        if not out.add(line):
            return


READERS: dict[str, Callable[[bytes, Text], None]] = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls,
                                                     "doc": _doc}


def extract(body: bytes, url: str) -> dict[str, Any]:
    """The attachment row's reading: file type, outcome (ok / unknown), reason, text, truncated."""
    kind = file_type(body, url)
    reader = READERS.get(kind)
    if reader is None:
        reason = "服务器返回网页而非文件" if kind == "html" else "无法识别的文件格式（非PDF/DOC/DOCX/XLS/XLSX）"
        return {"file_type": kind, "outcome": "unknown", "reason": reason, "text": ""}
    out = Text()
    try:
        reader(body, out)
    except Unreadable as exc:
        return {"file_type": kind, "outcome": "unknown", "reason": str(exc), "text": ""}
    except Exception as exc:  # noqa: BLE001 - a hostile or broken file is recorded, never fatal
        return {"file_type": kind, "outcome": "unknown", "reason": f"文件解析失败：{type(exc).__name__}: {str(exc)[:200]}",
                "text": ""}
    return {"file_type": kind, "outcome": "ok", "reason": None, "text": out.value(), "truncated": out.truncated}


_POOL: list[ThreadPool] = []


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor


def reader_pool() -> ThreadPool:
    """The attachment readers' own threads (``READER_THREADS``), not the reactor's pool: that one
    resolves DNS for the whole crawl, and ten big files read at once would both stall it and
    hold ten parsed documents in memory.  Started on first use, stopped with the reactor."""
    if not _POOL:
        pool = ThreadPool(minthreads=0, maxthreads=READER_THREADS, name="gongkai-attachments")
        pool.start()
        _reactor().addSystemEventTrigger("during", "shutdown", pool.stop)
        _POOL.append(pool)
    return _POOL[0]



class AttachmentFetcher:
    """Requests for a site's attachments within its budget, and their rows when they answer."""

    def __init__(self, max_per_site: int, maxsize: int, priority: int = 0) -> None:
        self.max_per_site, self.maxsize, self.priority = max_per_site, maxsize, priority
        self.seen: dict[str, set[str]] = {}
        self.fetched: dict[str, int] = {}

    def resume(self, site: str, stored: dict[str, str]) -> None:
        """What an interrupted crawl of the audit already stored (URL → outcome): each file once, and
        the downloaded ones count against the site's budget."""
        self.seen.setdefault(site, set()).update(stored)
        self.fetched[site] = self.fetched.get(site, 0) + sum(1 for outcome in stored.values() if outcome != "skipped")

    @classmethod
    def from_settings(cls, settings: Any) -> AttachmentFetcher:
        maxsize = settings.getint("GONGKAI_ATTACHMENT_MAXSIZE")
        limit = settings.getint("DOWNLOAD_MAXSIZE") or maxsize
        return cls(settings.getint("GONGKAI_MAX_ATTACHMENTS_PER_SITE"), min(maxsize, limit),
                   settings.getdict("GONGKAI_PRIORITIES").get("attachment", 0))

    def requests(self, site: str, document_url: str, links: Iterable[Any]) -> Iterator[Any]:
        """A GET per new attachment of an article (each file once per site) while the budget lasts.

        A file of another format, or over the budget, is recorded as ``skipped`` with the reason,
        so the report can say what was not read.  A budget of 0 turns attachments off (no rows).
        """
        if self.max_per_site <= 0:
            return
        seen = self.seen.setdefault(site, set())
        for link in links:
            url = link.url
            if url in seen or urlsplit(url).scheme not in ("http", "https"):
                continue
            seen.add(url)
            row = {"site": site, "document_url": document_url, "url": url, "link_text": (link.text or "")[:300]}
            skipped = self._skip_reason(site, url)
            if skipped:
                yield AttachmentItem({**row, "outcome": "skipped", "reason": skipped, "fetched_at": now_iso()})
                continue
            self.fetched[site] = self.fetched.get(site, 0) + 1
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                                 priority=self.priority, headers={"Referer": document_url},
                                 meta={"site": site, "role": "attachment", "attachment": row,
                                       "download_maxsize": self.maxsize})

    def _skip_reason(self, site: str, url: str) -> str | None:
        if not wanted(url):
            suffix = Path(urlsplit(url).path).suffix or "无扩展名"
            return f"附件格式（{suffix}）不在读取范围（PDF/DOC/DOCX/XLS/XLSX），未下载"
        if self.fetched.get(site, 0) >= self.max_per_site:
            return f"超过每站附件数量上限（max_attachments_per_site={self.max_per_site}），未下载"
        return None

    async def parse(self, response: Response) -> AsyncIterator[AttachmentItem | ProbeItem]:
        """The attachment's row; the file is read in a worker thread (a big PDF must not stall the
        crawl of every other site)."""
        row = dict(response.meta["attachment"])
        body = response.body or b""
        row.update(final_url=response.url, status=response.status, size=len(body), fetched_at=now_iso(),
                   content_type=response.headers.get(b"Content-Type", b"").decode("latin-1")[:200],
                   sha256=hashlib.sha256(body).hexdigest())
        outcome = linkcheck.classify_status(response.status)
        yield _link_probe(response.request, outcome, final_url=response.url, status=response.status)
        if outcome.outcome != "ok":
            row.update(outcome=outcome.outcome, reason=outcome.reason, text="")
        else:
            row.update(await maybe_deferred_to_future(threads.deferToThreadPool(_reactor(), reader_pool(), extract,
                                                                                 body, response.url)))
        yield AttachmentItem(row)

    def failed(self, failure: Failure) -> Iterator[AttachmentItem | ProbeItem]:
        request = failure.request
        out = linkcheck.classify_failure(failure)
        yield _link_probe(request, out)
        reason = out.reason
        if "响应过大" in (reason or ""):
            reason = f"附件超过大小上限（{self.maxsize}字节），未下载：{reason}"
        yield AttachmentItem({**request.meta["attachment"], "outcome": out.outcome, "reason": reason,
                              "fetched_at": now_iso()})


def _link_probe(request: scrapy.Request, out: linkcheck.Outcome, **answer: Any) -> ProbeItem:
    """A downloaded attachment is also a checked link: the link checker does not ask it again."""
    return ProbeItem({"site": request.meta["site"], "kind": "link", "url": asked_url(request), "method": "GET",
                      "outcome": out.outcome, "reason": out.reason, **answer})
