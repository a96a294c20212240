"""Attachments end to end: `gongkai crawl` downloads an article's files from a real local server,
reads DOCX / XLSX / PDF text, records what it could not read and why, then the rules see the text."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from gongkai import store as st
from gongkai.crawler.attachments import extract, file_type
from gongkai.demo.builder.shared import tiny_pdf
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_article, trs_list, write_tree
from tests.crawler.test_spider import run_crawl

ID_VALID = "330106199003071236"
ID_BAD = "330106199003071235"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于2024年公益性岗位拟聘用人员的公示")
    document.add_paragraph("请各单位认真贯切执行。")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("姓名", "身份证号", "手机"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("张三", "3301**********1236", "13912345678"), strict=True):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["序号", "姓名", "身份证号码", "备注"])
    sheet.append([1, "李四", ID_VALID, "拟录用"])
    sheet.append([2, "王五", ID_BAD, "校验位错误的号码"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = {
    "/files/gongshi.docx": docx_bytes(),
    "/files/mingdan.xlsx": xlsx_bytes(),
    "/files/rules.pdf": tiny_pdf(f"Register ID {ID_VALID} kept on file"),
    "/files/scan.pdf": tiny_pdf(""),
    "/files/old.doc": OLE,
    "/files/big.pdf": tiny_pdf("x") + b"%" + b"0" * 60_000,
    "/files/over-budget.xlsx": xlsx_bytes(),
}
LINKS = [("/files/gongshi.docx", "拟聘用人员公示.docx"), ("/files/gone.xlsx", "已删除.xlsx"), ("/files/mingdan.xlsx", "拟录用人员名单.xlsx"),
         ("/files/rules.pdf", "办法.pdf"), ("/files/scan.pdf", "扫描件.pdf"), ("/files/old.doc", "旧版.doc"),
         ("/files/big.pdf", "大文件.pdf"), ("/files/bianzhi.ofd", "版式文件.ofd"),
         ("/files/over-budget.xlsx", "第二批名单.xlsx")]


def attachment_site(root: Path) -> Path:
    extra = "".join(f'<p>附件：<a href="{href}">{text}</a></p>' for href, text in LINKS)
    article = trs_article("关于2024年公益性岗位拟聘用人员的公示", "2024-06-10", "江人社〔2024〕3号", extra=extra)
    write_tree(root, {
        "index.html": trs_list("江川市人力资源和社会保障局", [("/zwgk/zcwj/", "政策文件", "")], "")
        .replace('<div class="nav"><a href="/">首页</a></div>', '<div class="nav"><a href="/">首页</a>'
                 '<a href="/zwgk/zcwj/">政策文件</a></div>'),
        "zwgk/zcwj/index.html": trs_list("政策文件", [("./202406/t20240610_1.html", "关于2024年公益性岗位拟聘用人员的公示",
                                                       "2024-06-10")], 'createPageHTML(1, 0, "index", "html");'),
        "zwgk/zcwj/202406/t20240610_1.html": article,
    }, {"not_found": "hard", "referer_required": ["/files/"]})
    for rel, data in FILES.items():
        (root / rel.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / rel.lstrip("/")).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attachments")
    with SiteServer(attachment_site(tmp / "site")) as server:
        store, audit = run_crawl(tmp, [{"id": "rsj", "name": "江川市人力资源和社会保障局", "home": server.base_url}],
                                 max_attachments_per_site=7, max_attachment_bytes=50_000)
        rows = {r["url"].removeprefix(server.base_url.rstrip("/")): r for r in store.rows(st.attachments, audit)}
        yield tmp, store, audit, server, rows


def test_files_are_read_and_failures_recorded(crawled):
    _, _, _, server, rows = crawled
    doc_url = server.base_url + "zwgk/zcwj/202406/t20240610_1.html"
    docx_row = rows["/files/gongshi.docx"]
    assert docx_row["outcome"] == "ok" and docx_row["file_type"] == "docx"   # sent a Referer: 403 without
    assert "认真贯切执行" in docx_row["text"] and "张三\t3301**********1236\t13912345678" in docx_row["text"]
    assert docx_row["document_url"] == doc_url and docx_row["link_text"] == "拟聘用人员公示.docx"
    assert docx_row["status"] == 200 and docx_row["size"] == len(FILES["/files/gongshi.docx"])
    assert ID_VALID in rows["/files/mingdan.xlsx"]["text"] and "[名单]" in rows["/files/mingdan.xlsx"]["text"]
    assert ID_VALID in rows["/files/rules.pdf"]["text"]
    assert rows["/files/scan.pdf"]["outcome"] == "unknown" and "扫描件" in rows["/files/scan.pdf"]["reason"]
    assert rows["/files/old.doc"]["outcome"] == "unknown" and "antiword" in rows["/files/old.doc"]["reason"]
    big = rows["/files/big.pdf"]
    assert big["outcome"] == "blocked" and "大小上限" in big["reason"] and not big["text"]
    assert rows["/files/bianzhi.ofd"]["outcome"] == "skipped" and ".ofd" in rows["/files/bianzhi.ofd"]["reason"]
    assert rows["/files/gone.xlsx"]["outcome"] == "broken" and rows["/files/gone.xlsx"]["status"] == 404
    assert rows["/files/over-budget.xlsx"]["outcome"] == "skipped"
    assert "max_attachments_per_site=7" in rows["/files/over-budget.xlsx"]["reason"]
    # a downloaded file is its own link probe (one GET, no HEAD); a skipped one is only link-checked
    assert server.hits["/files/over-budget.xlsx"] == 1 and server.hits["/files/gongshi.docx"] == 1


def test_rules_see_attachment_text(crawled):
    tmp, store, audit, server, _ = crawled
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "--out", str(tmp / "out")],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = {(r["rule"], r["subject"].removeprefix(server.base_url.rstrip("/"))): r
               for r in store.rows(st.results, audit)}
    assert results[("privacy.id_number", "/files/mingdan.xlsx")]["status"] == "fail"
    assert results[("privacy.id_number", "/files/rules.pdf")]["status"] == "fail"
    assert results[("privacy.id_number", "/files/gongshi.docx")]["status"] == "pass"      # masked
    assert results[("privacy.phone_number", "/files/gongshi.docx")]["status"] == "fail"
    assert results[("content.typo", "/files/gongshi.docx")]["status"] == "fail"
    assert results[("privacy.id_number", "/files/scan.pdf")]["status"] == "unknown"


def test_file_type_and_extract_bounds():
    assert file_type(FILES["/files/gongshi.docx"], "http://x/a.bin") == "docx"
    assert file_type(FILES["/files/mingdan.xlsx"], "http://x/a.docx") == "xlsx"    # the bytes decide
    assert file_type(OLE, "http://x/a.xls") == "xls" and file_type(b"<html><body>404", "http://x/a.pdf") == "html"
    page = extract(b"<!DOCTYPE html><html>login</html>", "http://x/a.pdf")
    assert page["outcome"] == "unknown" and "网页" in page["reason"]
    broken = extract(b"%PDF-1.4 garbage", "http://x/a.pdf")
    assert broken["outcome"] == "unknown" and broken["reason"]


def test_an_office_part_too_large_to_parse_is_not_read():
    """A 25 MB document.xml zipped into a small DOCX: refused from the zip's sizes, before parsing."""
    import zipfile

    from gongkai.crawler.attachments import MAX_PART, MAX_UNZIPPED

    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data += b"<!--" + b" " * 25_000_000 + b"-->"
            bomb.writestr(info.filename, data)
    body = out.getvalue()
    assert len(body) < 200_000 and MAX_PART <= 20_000_000 and MAX_UNZIPPED <= 100_000_000
    got = extract(body, "http://x/gongshi.docx")
    assert got["outcome"] == "unknown" and got["reason"].startswith("文件过大，未读取") and "document.xml" in got["reason"]
    assert extract(docx_bytes(), "http://x/gongshi.docx")["outcome"] == "ok"


def test_budget_and_formats_decide_what_is_requested():
    from gongkai.crawler.attachments import AttachmentFetcher
    from gongkai.crawler.items import AttachmentItem
    from gongkai.models import LinkRef

    links = [LinkRef("http://x/a.pdf", "a"), LinkRef("http://x/a.pdf", "again"), LinkRef("http://x/b.ofd", "b"),
             LinkRef("mailto:x@y", "mail"), LinkRef("http://x/c.xlsx", "c")]
    assert list(AttachmentFetcher(0, 1000).requests("s", "http://x/doc.html", links)) == []   # off
    out = list(AttachmentFetcher(1, 1000).requests("s", "http://x/doc.html", links))
    assert [type(o).__name__ for o in out] == ["Request", "AttachmentItem", "AttachmentItem"]
    request, ofd, over = out
    assert request.headers[b"Referer"] == b"http://x/doc.html" and request.meta["download_maxsize"] == 1000
    assert isinstance(ofd, AttachmentItem) and "(.ofd)" in ofd.row["reason"].replace("（", "(").replace("）", ")")
    assert over.row["url"] == "http://x/c.xlsx" and "max_attachments_per_site=1" in over.row["reason"]


def test_a_resumed_crawl_fetches_the_files_of_articles_stored_before_the_stop(tmp_path):
    """The interrupted run stored the article but not yet its files; the resumed run does not fetch
    the article again, so it must fetch those files (and only those: the others stay as stored)."""
    with SiteServer(attachment_site(tmp_path / "site")) as server:
        store, audit = run_crawl(tmp_path, [{"id": "rsj", "name": "江川市人力资源和社会保障局", "home": server.base_url}],
                                 max_attachments_per_site=7, max_attachment_bytes=50_000)
        before = {r["url"]: r["outcome"] for r in store.rows(st.attachments, audit)}
        lost = [server.base_url + "files/gongshi.docx", server.base_url + "files/mingdan.xlsx"]
        with store.engine.begin() as conn:   # as if the stop came between the article and these two files
            conn.execute(st.attachments.delete().where(st.attachments.c.url.in_(lost)))
        hits = dict(server.hits)
        proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(tmp_path / "targets.yaml"), "--out",
                               str(tmp_path / "out"), "--resume"], capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, proc.stderr[-2000:]
        after = {r["url"]: r["outcome"] for r in store.rows(st.attachments, audit)}
        assert after == before and len(after) == len(LINKS) + 1   # + the article template's missing-attachment.pdf
        assert server.hits["/files/gongshi.docx"] == hits["/files/gongshi.docx"] + 1
        assert server.hits["/files/mingdan.xlsx"] == hits["/files/mingdan.xlsx"] + 1
        assert server.hits["/files/rules.pdf"] == hits["/files/rules.pdf"]    # stored: not fetched again
        assert server.hits["/zwgk/zcwj/202406/t20240610_1.html"] == hits["/zwgk/zcwj/202406/t20240610_1.html"]
