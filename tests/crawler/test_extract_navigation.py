"""discover_columns: classify navigation links by the config/columns.yaml vocabulary."""

from __future__ import annotations

from gongkai.crawler.extract.navigation import classify, discover_columns
from gongkai.crawler.markup import is_article_url
from tests.paths import CORPUS_PAGES as CORPUS

BASE = "http://www.jc.gov.cn/"


def test_corpus_yichun_home_columns() -> None:
    html = (CORPUS / "038_yichun_portal_home.html").read_text(encoding="utf-8")
    got = {t: (text, url) for t, text, url in discover_columns(html, "https://www.yichun.gov.cn/")}
    assert got["interpretations"] == ("政策解读", "https://www.yichun.gov.cn/ycsrmzf/zcjdfa/list.shtml")
    assert got["notices"][1] == "https://www.yichun.gov.cn/ycsrmzf/zfgg/list.shtml"
    assert got["annual_reports"][0] == "政府信息公开年度报告"
    assert "personnel" not in got  # 市退役军人事务局 contains 人事 but is not a column


def test_corpus_shanxi_article_navigation() -> None:
    html = (CORPUS / "034_shanxi_trs_article.html").read_text(encoding="utf-8")
    got = {t: url for t, _, url in discover_columns(html, "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml")}
    assert got["notices"] == "http://www.shanxi.gov.cn/zw/tzgg/"
    assert got["personnel"] == "http://www.shanxi.gov.cn/zw/rsxx/"
    assert got["plans"] == "http://www.shanxi.gov.cn/zw/ghjh/"


def test_traditional_text_long_titles_and_article_links() -> None:
    html = """<div class="nav"><a href="/tzgg/">通知公告</a><a href="/zcjd/">政策解讀</a></div>
<div class="news"><a href="/xw/202405/t20240510_1.html">关于做好2024年通知公告发布工作的通知</a>
<a href="/art/2024/5/10/art_1_2.html">通知</a><a href="/zfxxgk/">政府信息公开年报</a></div>"""
    got = discover_columns(html, BASE)
    assert got == [("notices", "通知公告", "http://www.jc.gov.cn/tzgg/"),
                   ("interpretations", "政策解讀", "http://www.jc.gov.cn/zcjd/"),
                   ("annual_reports", "政府信息公开年报", "http://www.jc.gov.cn/zfxxgk/")]


def test_one_url_per_type_prefers_exact_then_nav() -> None:
    html = """<div class="main"><a href="/a/">最新通知</a><a href="/b/">通知公告</a></div>
<ul class="menu"><li><a href="/c/">通知公告</a></li></ul>"""
    assert discover_columns(html, BASE) == [("notices", "通知公告", "http://www.jc.gov.cn/c/")]


def test_classify_prefers_the_longest_word() -> None:
    assert classify("规范性文件")[0] == "normative_docs"
    assert classify("政策文件")[0] == "policy_docs"
    assert classify("更多>>") is None
    assert classify("战略规划和区域发展") is None


def test_article_urls() -> None:
    assert is_article_url("http://x.gov.cn/zw/202405/t20240510_123.html")
    assert is_article_url("http://x.gov.cn/art/2024/5/10/art_12_345.html")
    assert is_article_url("http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm")
    assert not is_article_url("http://x.gov.cn/col/col1599528/index.html")
    assert not is_article_url("http://x.gov.cn/zw/tzgg/")


def test_article_url_shapes_of_other_cms():
    assert is_article_url("http://www.wanzai.gov.cn/wzxrmzf/tjgb/201705/9c059bf058ef4db8b3c8f920e22186fe.shtml")
    assert is_article_url("http://www.yichun.gov.cn/ycsrmzf/tjgb/202305/36796cdc82d04268913f2884cf2fe579.shtml")
    assert not is_article_url("http://[::1")


def test_every_consultation_channel_is_a_column_and_xinfang_none() -> None:
    """咨询建言 channels (type `messages`, `multiple`) are each kept; 网上信访 and 纪委书记信箱 never count."""
    from gongkai.crawler.extract.navigation import discover_columns

    html = """<div class="nav"><a href="/ldxx/">书记信箱</a><a href="/wszx/">网上咨询</a><a href="/xf/">网上信访</a>
    <a href="/jw/">纪委书记信箱</a><a href="/bsfw/">办事指南</a><a href="/xwdt/">工作动态</a><a href="/dt2/">政务动态</a></div>"""
    found = discover_columns(html, "http://www.jc.gov.cn/")
    assert [(t, u.rsplit("/", 2)[-2]) for t, _, u in found] == [
        ("news", "xwdt"), ("messages", "ldxx"), ("messages", "wszx"), ("services", "bsfw")]
