"""Body links and plain-http sub-resources (page_refs) of real-shaped pages."""

from __future__ import annotations

from gongkai.crawler.extract.dom import parse
from gongkai.crawler.extract.links import body_links, insecure_resources, page_refs
from tests.paths import CORPUS_PAGES as CORPUS

PAGE = """<html><head><link rel="stylesheet" href="http://cdn.example.com/base.css">
<link rel="canonical" href="http://www.dl.gov.cn/a.html"><script src="http://s17.cnzz.com/stat.php"></script>
<script src="https://www.dl.gov.cn/js/ok.js"></script></head><body>
<div class="nav"><a href="/">首页</a><a href="https://www.taobao.com/">友情链接：淘宝</a></div>
<div class="TRS_Editor"><p>根据工作安排，现将有关事项通知如下，详见<a href="https://www.example-shop.com/x">活动页面</a>。</p>
<p>附件：<a href="http://www.dl.gov.cn/files/a.pdf">方案.pdf</a></p><p><img src="http://img.example.com/p.jpg"></p>
<iframe src="http://video.example.com/v"></iframe></div>
<div class="footer"><a href="https://beian.miit.gov.cn/">辽ICP备05012345号</a></div></body></html>"""


def test_body_links_are_the_body_only() -> None:
    root = parse(PAGE)
    got = [(r.url, r.text) for r in body_links(root, "https://www.dl.gov.cn/zwgk/t1.html")]
    assert got == [("https://www.example-shop.com/x", "活动页面"), ("http://www.dl.gov.cn/files/a.pdf", "方案.pdf")]


def test_insecure_resources_are_what_loads_in_clear() -> None:
    root = parse(PAGE)
    got = [(r.url, r.text) for r in insecure_resources(root, "https://www.dl.gov.cn/zwgk/t1.html")]
    assert got == [("http://cdn.example.com/base.css", "link"), ("http://s17.cnzz.com/stat.php", "script"),
                   ("http://img.example.com/p.jpg", "img"), ("http://video.example.com/v", "iframe")]


def test_page_refs_rows_by_kind_and_scheme() -> None:
    root = parse(PAGE)
    https_article = page_refs(root, "https://www.dl.gov.cn/zwgk/t1.html", "article")
    assert {r["role"] for r in https_article} == {"body", "insecure"}
    assert {r["role"] for r in page_refs(root, "http://www.dl.gov.cn/zwgk/t1.html", "article")} == {"body"}
    assert page_refs(root, "http://www.dl.gov.cn/", "home") == []


def test_corpus_article_body_links_leave_out_navigation() -> None:
    html = (CORPUS / "035_zjfgw_hanweb_article.html").read_text(encoding="utf-8", errors="replace")
    root = parse(html)
    links = body_links(root, "https://fzggw.zj.gov.cn/art/2024/1/1/art_1.html")
    assert not any("beian" in r.url or "conac" in r.url for r in links)
    assert len(links) < 30


def test_csp_upgrade_insecure_requests_means_no_mixed_content() -> None:
    upgraded = PAGE.replace("<head>", '<head><meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests">')
    rows = page_refs(parse(upgraded), "https://www.dl.gov.cn/zwgk/t1.html", "article")
    assert {r["role"] for r in rows} == {"body"}


def test_an_article_without_a_body_block_says_so() -> None:
    bare = '<html><body><a href="https://www.example-shop.com/x">活动</a></body></html>'
    rows = page_refs(parse(bare), "http://www.dl.gov.cn/zwgk/t1.html", "article")
    assert rows == [{"role": "no_body", "target": "http://www.dl.gov.cn/zwgk/t1.html", "text": "未找到正文区域"}]
    assert "no_body" not in {r["role"] for r in page_refs(parse(PAGE), "http://www.dl.gov.cn/zwgk/t1.html", "article")}
