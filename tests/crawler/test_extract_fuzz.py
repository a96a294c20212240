"""Crawled pages are hostile: no input may make an extractor raise, hang or grow without bound."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.crawler.extract import extract_page
from gongkai.crawler.extract.article import extract_article
from gongkai.crawler.extract.dom import parse
from gongkai.crawler.extract.identity import footer_identity
from gongkai.crawler.extract.links import page_refs
from gongkai.crawler.extract.navigation import discover_columns
from gongkai.crawler.extract.page import meta_tags, page_links, page_title, visible_text

URL = "http://www.jc.gov.cn/zwgk/t20240510_1.html"
FRAGMENTS = ["<", ">", "</", "<a href='", "'>", "</a>", "<table><tr><td>", "</td><td>", "<p>", "</p>", "<br>",
             "索引号：", "发文字号：", "發佈日期：", "2024年5月10日", "二〇二四年五月十日", "（此件公开发布）", "此件依申请公开",
             "<style>.x{display:none}</style>", "<div class='x footer'>", "style='position:absolute;left:-9999px'",
             "<script>", "</script>", "<!--", "-->", "<?xml version='1.0' encoding='gbk'?>", "&nbsp;", "&#0;", "&#xD800;",
             "\x00", "\ud800", "\udfff", "\ufffd", "網站標識碼：bm12345678", "京ICP备05060933号", "javascript:", "http://[::1"]
html_soup = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=60).map("".join)
any_text = st.text()  # includes lone surrogates and control characters
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(html_soup, any_text))
def test_extract_article_never_raises(html: str) -> None:
    fields = extract_article(html, URL)
    assert len(fields.body_text) <= 100_000
    fields.to_json()


@FUZZ
@given(st.one_of(html_soup, any_text), st.sampled_from([URL, "", "not a url", "http://[::1/", "javascript:x"]))
def test_page_links_never_raises(html: str, url: str) -> None:
    for link in page_links(html, url):
        assert link.url.startswith(("http://", "https://"))
        assert "#" not in link.url
        assert len(link.text) <= 300


@FUZZ
@given(st.one_of(html_soup, any_text))
def test_footer_identity_never_raises(html: str) -> None:
    got = footer_identity(html)
    assert set(got) == {"site_code", "icp", "psb", "conac", "footer_text", "icp_link", "psb_link", "conac_link",
                        "sponsor", "sponsor_label", "contact", "footer_loaded_by"}
    assert len(got["footer_text"]) <= 2000
    assert all(len(v) <= 200 for v in (*got["contact"].values(), got["sponsor"], got["icp_link"]) if v)


@FUZZ
@given(st.one_of(html_soup, any_text))
def test_page_helpers_and_extract_page_never_raise(html: str) -> None:
    page_refs(parse(html), URL.replace("http:", "https:"), "article")
    page_title(html)
    meta_tags(html)
    assert len(visible_text(html)) <= 200_000
    discover_columns(html, URL)
    page = extract_page(html, URL)
    assert isinstance(page["items"], list)


def test_surrogates_nul_and_encoding_declaration_are_survived() -> None:
    html = ("<?xml version='1.0' encoding='gb2312'?><html><head><title>标题\ud800\x00一</title></head><body>"
            "<table><tr><td>发文字号：</td><td>甲发〔2024〕1号\udfff</td></tr></table></body></html>")
    fields = extract_article(html, URL)
    assert fields.doc_number == "甲发〔2024〕1号"
    assert page_title(html) == "标题 一"


def test_deep_nesting_does_not_overflow_the_stack() -> None:
    body = "各乡镇人民政府，县直各单位：现将有关事项通知如下。"
    deep = "<div>" * 200 + f"<p>{body}</p><a href='/x'>链接</a>" + "</div>" * 200
    assert visible_text(deep) == f"{body}\n链接"
    assert extract_article(deep, URL).body_text == f"{body}\n链接"
    assert [link.text for link in page_links(deep, URL)] == ["链接"]
    absurd = "<div>" * 50_000 + "<p>正文</p>" + "</div>" * 50_000  # the parser gives up; we must not crash
    visible_text(absurd)
    extract_article(absurd, URL)
    page_links(absurd, URL)
    footer_identity(absurd)


def test_script_inside_title_is_text_not_markup() -> None:
    html = "<title>通知<script>alert('x')</script></title><h1>关于<img src=x onerror=alert(1)>的通知</h1>"
    assert page_title(html) == "通知<script>alert('x')</script>"
    assert extract_article(html, URL).title == "通知<script>alert('x')</script>"


def test_extract_page_survives_a_broken_ipv6_href() -> None:
    """urljoin raises on 'http://[::1'; every link resolver on the way (list items too) must not."""
    page = extract_page("<ul>" + "<li><a href='http://[::1'>坏链接</a> 2024-05-10</li>" * 8 + "</ul>", URL)
    assert page["items"] == []
