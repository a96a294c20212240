"""Binary or text: declared type, magic bytes and the share of control bytes — never one NUL."""

from __future__ import annotations

from pathlib import Path

from gongkai import store as st
from gongkai.crawler.sniff import is_binary
from gongkai.demo.server import SiteServer
from tests.crawler.sites import FOOTER, META, write_tree
from tests.crawler.test_spider import run_crawl

HOME = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>江川市人民政府</title>" + META + "</head><body>"
        "<div class='nav'><a href='/zwgk/zcwj/'>政策文件</a><a href='/xwdt/'>工作动态</a></div>" + FOOTER + "</body></html>")


def test_one_nul_in_a_page_head_is_still_text():
    page = ("<html><head><title>首页\x00</title></head><body>" + "正文" * 2000 + "</body></html>").encode()
    assert not is_binary(page, "text/html; charset=utf-8")


def test_signatures_and_types_are_binary_even_when_served_as_html():
    assert is_binary(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "text/html")
    assert is_binary(b"PK\x03\x04\x14\x00\x06\x00", "text/html")                 # .docx / .xlsx
    assert is_binary(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "text/html")   # .doc / .xls
    assert is_binary(b"<html>", "application/pdf")


def test_mostly_control_bytes_is_binary_but_utf16_text_is_not():
    assert is_binary(bytes(range(32)) * 64, "text/html")
    assert not is_binary("<html>政务公开</html>".encode("utf-16"), "text/html")


def test_a_home_page_with_a_stray_nul_keeps_its_columns(tmp_path: Path):
    root = write_tree(tmp_path / "site", {
        "index.html": HOME.replace("<body>", "<body>\x00", 1),
        "zwgk/zcwj/index.html": "<html><body><ul><li><a href='a.html'>通知</a></li></ul></body></html>",
        "xwdt/index.html": "<html><body><ul><li><a href='b.html'>动态</a></li></ul></body></html>",
    })
    with SiteServer(root) as server:
        store, audit = run_crawl(tmp_path, [{"id": "nul", "name": "江川市人民政府", "home": server.base_url}])
    home = next(p for p in store.rows(st.pages, audit, kind="home"))
    assert home["title"] == "江川市人民政府"
    assert {c["type"] for c in store.rows(st.columns, audit)} == {"policy_docs", "news"}


def test_the_downloader_middleware_turns_binary_into_a_plain_response():
    from scrapy.http import HtmlResponse, Request, Response

    from gongkai.crawler.middlewares import BinarySniffMiddleware

    mw = BinarySniffMiddleware()
    req = Request("http://x.gov.cn/a.html")
    pdf = HtmlResponse(req.url, body=b"%PDF-1.7\n1 0 obj", headers={"Content-Type": "text/html"}, request=req)
    page = HtmlResponse(req.url, body="<html><title>首页\x00</title></html>".encode(), encoding="utf-8", request=req)
    out = mw.process_response(req, pdf)
    assert type(out) is Response and out.body == pdf.body
    assert mw.process_response(req, page) is page
