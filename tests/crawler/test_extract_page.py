"""Page-level extraction: title, meta tags, visible text and links with their CSS visibility."""

from __future__ import annotations

import time

import pytest

from gongkai.crawler.extract.page import MAX_LINKS, meta_tags, page_links, page_title, visible_text
from tests.paths import CORPUS_PAGES as CORPUS

BASE = "http://www.jc.gov.cn/zwgk/index.html"


def test_page_title_is_plain_text_of_the_first_title() -> None:
    html = "<html><head><title> 通知&lt;b&gt;公告 <script>x()</script></title></head><body><title>第二个</title></body></html>"
    assert page_title(html) == "通知<b>公告 <script>x()</script>"
    assert page_title("<html><body>无标题</body></html>") == ""


def test_meta_tags_first_wins_and_names_keep_their_case() -> None:
    html = """<head><meta name="SiteIDCode" content="3609000002"><meta name="siteidcode" content="x">
<meta name="SiteIDCode" content="later"><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta property="og:title" content="OG"><meta name="empty"></head>"""
    meta = meta_tags(html)
    assert meta["SiteIDCode"] == "3609000002"
    assert meta["siteidcode"] == "x"
    assert meta["Content-Type"] == "text/html; charset=utf-8"
    assert meta["og:title"] == "OG"
    assert "empty" not in meta


def test_meta_tags_are_bounded() -> None:
    html = "<head>" + "".join(f'<meta name="m{i}" content="{"v" * 5000}">' for i in range(1000)) + "</head>"
    meta = meta_tags(html)
    assert len(meta) == 200
    assert all(len(v) == 2000 for v in meta.values())


def test_visible_text_drops_script_style_and_comments() -> None:
    html = """<html><head><style>.a{color:red}</style><script>var secret="脚本";</script></head>
<body><!-- 注释 --><p>第一段   文字</p><noscript>请启用</noscript><div>第二段&nbsp;&nbsp;文字</div></body></html>"""
    text = visible_text(html)
    assert text == "第一段 文字\n第二段 文字"


def test_links_are_absolute_without_fragment_and_skip_non_web_schemes() -> None:
    html = """<a href="../xxgk/a.html#top">甲</a><a href=" /b.html ">乙</a><a href="javascript:void(0)">丙</a>
<a href="mailto:a@b.cn">丁</a><a href="tel:12345">戊</a><a href="#top">己</a><a>无链接</a>
<a href="https://www.gov.cn/">国务院</a><a href="http://[::1">坏链接</a><a href="b.html"><img alt="图片链接"></a>"""
    links = page_links(html, BASE)
    assert [(link.url, link.text) for link in links] == [
        ("http://www.jc.gov.cn/xxgk/a.html", "甲"),
        ("http://www.jc.gov.cn/b.html", "乙"),
        ("https://www.gov.cn/", "国务院"),
        ("http://www.jc.gov.cn/zwgk/b.html", "图片链接"),
    ]
    assert not any(link.hidden for link in links)


def test_base_href_is_honoured() -> None:
    html = '<head><base href="http://www.jc.gov.cn/xxgk/"></head><body><a href="a.html">甲</a></body>'
    assert page_links(html, BASE)[0].url == "http://www.jc.gov.cn/xxgk/a.html"


@pytest.mark.parametrize(("markup", "how"), [
    ('<a style="display:none" href="/x">x</a>', "display:none"),
    ('<div style="DISPLAY: none !important"><a href="/x">x</a></div>', "display:none on ancestor <div>"),
    ('<span style="visibility:hidden"><a href="/x">x</a></span>', "visibility:hidden on ancestor <span>"),
    ('<div style="position:absolute;left:-9999px"><a href="/x">x</a></div>', "off-screen (left:-9999px) on ancestor <div>"),
    ('<div style="position:fixed; top:-1000px"><a href="/x">x</a></div>', "off-screen (top:-1000px) on ancestor <div>"),
    ('<div style="width:0;height:0;overflow:hidden"><a href="/x">x</a></div>', "zero size with overflow:hidden on ancestor <div>"),
    ('<p style="font-size:0px"><a href="/x">x</a></p>', "font-size:0 on ancestor <p>"),
    ('<a hidden href="/x">x</a>', "hidden attribute"),
    ('<div class="seo"><a href="/x">x</a></div>', "display:none via <style> rule .seo on ancestor <div.seo>"),
    ('<div id="lk"><a href="/x">x</a></div>', "off-screen (left:-5000px) via <style> rule #lk on ancestor <div#lk>"),
])
def test_hidden_links_report_how(markup: str, how: str) -> None:
    style = "<style>.seo{display:none} #lk{position:absolute;left:-5000px}</style>"
    link = page_links(f"<html><head>{style}</head><body>{markup}</body></html>", BASE)[0]
    assert link.hidden is True
    assert link.hidden_how == how


@pytest.mark.parametrize("markup", [
    '<div style="position:relative;left:-9999px"><a href="/x">x</a></div>',  # not taken out of flow
    '<div style="position:absolute;left:-20px"><a href="/x">x</a></div>',    # only nudged
    '<div style="height:0"><a href="/x">x</a></div>',                        # overflow visible
    '<div style="visibility:hidden"><span style="visibility:visible"><a href="/x">x</a></span></div>',
    '<ul class="menu" style="font-size:0"><li style="font-size:14px"><a href="/x">x</a></li></ul>',
    '<div class="print-only"><a href="/x">x</a></div>',
])
def test_visible_links_are_not_reported_hidden(markup: str) -> None:
    style = "<style>@media print { .print-only{display:none} }</style>"
    link = page_links(f"<html><head>{style}</head><body>{markup}</body></html>", BASE)[0]
    assert (link.hidden, link.hidden_how) == (False, "")


def test_fifty_thousand_links_are_bounded_and_fast() -> None:
    html = "<html><body><ul>" + "".join(f'<li><a href="/a/{i}.html">链接{i}</a></li>' for i in range(50_000)) + "</ul></body></html>"
    started = time.monotonic()
    links = page_links(html, BASE)
    assert len(links) == MAX_LINKS
    assert links[-1].url == f"http://www.jc.gov.cn/a/{MAX_LINKS - 1}.html"
    assert time.monotonic() - started < 10


def test_anchor_text_is_squashed_and_bounded() -> None:
    link = page_links(f'<a href="/x">  很长\n\n  的\u3000文字{"字" * 1000}</a>', BASE)[0]
    assert link.text.startswith("很长 的 文字")
    assert len(link.text) == 300


def test_corpus_govcn_home_dropdown_menus_are_hidden_top_level_items_are_not() -> None:
    """048 (www.gov.cn 2018): sub-menus are <ul style="display: none;"> under visible top items."""
    html = (CORPUS / "048_govcn_portal_home_2018.html").read_text(encoding="utf-8")
    links = page_links(html, "http://www.gov.cn/")
    by_text = {(link.text, link.url): link for link in links}
    top = by_text[("国务院", "http://www.gov.cn/guowuyuan/index.htm")]
    sub = by_text[("李克强", "http://www.gov.cn/premier/index.htm")]
    assert (top.hidden, sub.hidden) == (False, True)
    assert sub.hidden_how == "display:none on ancestor <ul.sub_nav_011>"


def test_corpus_yichun_home_has_no_hidden_links() -> None:
    html = (CORPUS / "038_yichun_portal_home.html").read_text(encoding="utf-8")
    links = page_links(html, "https://www.yichun.gov.cn/")
    assert len(links) > 300
    assert not any(link.hidden for link in links)
