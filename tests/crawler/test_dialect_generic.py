"""Generic lists: the main list by shape, 下一页 pagination, dates in every form, hostile pages."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.crawler.dialects import PageRequest, detect, parse_list
from gongkai.crawler.dialects.listpage import MAX_ITEMS, MAX_TITLE

URL = "http://www.example.gov.cn/zwgk/tzgg/list.shtml"

CHROME_TOP = """<div class="header"><a href="/">网站首页</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a>
<a href="/hdjl/">互动交流</a><a href="javascript:void(0)" onclick="addFavorite()">加入收藏</a>
<a href="mailto:webmaster@example.gov.cn">联系我们</a></div>
<div class="side"><h3>热点专题</h3><ul><li><a href="/ztzl/yshj/">优化营商环境</a></li>
<li><a href="/ztzl/xczx/">乡村振兴</a></li><li><a href="/ztzl/wmcj/">文明创建</a></li></ul></div>"""
CHROME_BOTTOM = """<div class="yqlj"><span>友情链接：</span><a href="http://www.gov.cn/">中国政府网</a>
<a href="http://www.beijing.gov.cn/">北京市人民政府</a><a href="http://www.tj.gov.cn/">天津市人民政府</a></div>
<div class="footer"><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> 主办：某某市人民政府办公室
网站标识码：1100000001 京ICP备05000000号 京公网安备11010502000001号</div>"""


def page(body: str, title: str = "通知公告") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_某某市人民政府</title></head>'
            f"<body>{CHROME_TOP}<div class='main'><h2>{title}</h2>{body}</div>{CHROME_BOTTOM}</body></html>")


def ul_list(dates: list[str], prefix: str = "/zwgk/tzgg/") -> str:
    rows = "".join(
        f'<li><a href="{prefix}{i + 100}.shtml" target="_blank">某某市关于开展第{i}次安全生产检查的通知</a>'
        f"<span class='date'>{d}</span></li>"
        for i, d in enumerate(dates)
    )
    return f'<ul class="news_list">{rows}</ul>'


# --- which links are the list ----------------------------------------------------------------

def test_main_list_excludes_navigation_footer_and_friend_links():
    result = parse_list(page(ul_list(["2024-05-10", "2024-05-09", "2024-05-08"])), URL)
    assert result.dialect == "generic"
    assert [i.url for i in result.items] == [
        "http://www.example.gov.cn/zwgk/tzgg/100.shtml",
        "http://www.example.gov.cn/zwgk/tzgg/101.shtml",
        "http://www.example.gov.cn/zwgk/tzgg/102.shtml",
    ]
    assert result.items[0].title == "某某市关于开展第0次安全生产检查的通知"
    assert result.items[0].date == date(2024, 5, 10)


def test_table_rows_with_a_date_cell():
    rows = "".join(
        f'<tr><td class="xh">{i + 1}</td><td><a href="./202404/t2024041{i}_7{i}.html" title="某某区人民政府关于第{i}号公告">'
        f'某某区人民政府关于第{i}号公告</a></td><td>某某区政府办</td><td align="center">2024年04月1{i}日</td></tr>'
        for i in range(4)
    )
    table = f'<table class="zfxxgk"><tr><th>序号</th><th>标题</th><th>发布机构</th><th>日期</th></tr>{rows}</table>'
    result = parse_list(page(table), "http://www.example.gov.cn/xxgk/gsgg/")
    assert [(i.title, i.date) for i in result.items] == [
        (f"某某区人民政府关于第{i}号公告", date(2024, 4, 10 + i)) for i in range(4)
    ]


def test_row_with_title_and_download_link_yields_the_title():
    rows = "".join(
        f'<tr><td><a href="/zwgk/zcwj/{i}.html">某某市人民政府关于印发第{i}号规划的通知</a></td>'
        f'<td><a href="/zwgk/zcwj/{i}.pdf">下载</a></td><td>2024/3/{i + 1}</td></tr>'
        for i in range(3)
    )
    result = parse_list(page(f"<table>{rows}</table>"), URL)
    assert [i.url.rsplit("/", 1)[1] for i in result.items] == ["0.html", "1.html", "2.html"]
    assert [i.date for i in result.items] == [date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)]


def test_flat_run_of_links_separated_by_br():
    body = ('<td class="list"><a href="/a/1.html">某某镇召开防汛工作部署会议</a> 2024.06.03<br>'
            '<a href="/a/2.html">某某镇开展森林防火宣传活动</a> 2024.06.01<br>'
            '<a href="/a/3.html">某某镇举办农村实用技术培训班</a> 2024.05.28<br></td>')
    result = parse_list(page(f"<table><tr>{body}</tr></table>"), URL)
    assert [(i.url[-6:], i.date) for i in result.items] == [
        ("1.html", date(2024, 6, 3)), ("2.html", date(2024, 6, 1)), ("3.html", date(2024, 5, 28))]


def test_date_inside_the_link_is_not_part_of_the_title():
    rows = "".join(f'<li><a href="/xw/{i}.html"><span class="tit">某某县召开第{i}次常务会议</span>'
                   f'<span class="time">2024-02-0{i + 1}</span></a></li>' for i in range(3))
    result = parse_list(page(f"<ul>{rows}</ul>"), URL)
    assert [(i.title, i.date) for i in result.items] == [
        (f"某某县召开第{i}次常务会议", date(2024, 2, i + 1)) for i in range(3)]


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shown", ["2024-05-10", "2024/5/10", "2024.05.10", "2024年05月10日", "2024年5月10日",
                                   "[2024-05-10]", "发布时间：2024-05-10 09:30"])
def test_full_date_forms(shown):
    result = parse_list(page(ul_list([shown, "2024-05-01"])), URL)
    assert result.items[0].date == date(2024, 5, 10)


def test_bracketed_month_day_takes_year_from_neighbouring_items():
    result = parse_list(page(ul_list(["2024-01-03", "[01-02]", "(12-30)", "[12-29]"])), URL)
    assert [i.date for i in result.items] == [date(2024, 1, 3), date(2024, 1, 2), date(2023, 12, 30),
                                              date(2023, 12, 29)]


def test_month_day_before_any_full_date_uses_the_item_below():
    result = parse_list(page(ul_list(["[01-02]", "[12-31]", "2023-12-30"])), URL)
    assert [i.date for i in result.items] == [date(2024, 1, 2), date(2023, 12, 31), date(2023, 12, 30)]


def test_month_day_takes_year_from_the_url_first():
    result = parse_list(page(ul_list(["[05-10]", "[05-09]"], prefix="/art/2022/5/10/art_")), URL)
    assert [i.date for i in result.items] == [date(2022, 5, 10), date(2022, 5, 9)]


def test_month_day_takes_year_from_the_heading_when_nothing_else_says():
    result = parse_list(page(ul_list(["[03-10]", "[02-09]"]), title="2021年政务动态"), URL)
    assert [i.date for i in result.items] == [date(2021, 3, 10), date(2021, 2, 9)]


def test_month_day_without_any_year_stays_unknown():
    result = parse_list(page(ul_list(["[03-10]", "[02-09]"])), URL)
    assert len(result.items) == 2
    assert [i.date for i in result.items] == [None, None]      # never the current year


# --- titles and links ------------------------------------------------------------------------

def test_title_attribute_replaces_truncated_text_and_titles_are_bounded():
    long_title = "某" * 900
    rows = ('<li><a href="/a/1.html" title="某某市人民政府办公室关于进一步加强政务公开工作的实施意见">'
            '某某市人民政府办公室关于进一步加强政务...</a><span>2024-05-10</span></li>'
            f'<li><a href="/a/2.html">\n\t  {long_title}  \n</a><span>2024-05-09</span></li>'
            '<li><a href="/a/1.html">重复链接的另一处标题</a><span>2024-05-10</span></li>'
            '<li><a href="javascript:openWin(3)">脚本链接条目标题</a><span>2024-05-08</span></li>')
    result = parse_list(page(f"<ul>{rows}</ul>"), URL)
    assert [i.url for i in result.items] == ["http://www.example.gov.cn/a/1.html", "http://www.example.gov.cn/a/2.html"]
    assert result.items[0].title == "某某市人民政府办公室关于进一步加强政务公开工作的实施意见"
    assert result.items[1].title == "某" * MAX_TITLE


# --- pagination ------------------------------------------------------------------------------

def test_next_page_link_and_page_count():
    pager = ('<div class="pagination">共5页 共98条 当前第1页 <a href="list.shtml">首页</a> <span>上一页</span> '
             '<a href="list_2.shtml">下一页</a> <a href="list_5.shtml">尾页</a></div>')
    result = parse_list(page(ul_list(["2024-05-10", "2024-05-09"]) + pager), URL)
    assert result.next_page == PageRequest(url="http://www.example.gov.cn/zwgk/tzgg/list_2.shtml", page_number=1)
    assert result.total_pages == 5
    assert result.total_records == 98


def test_page_count_is_read_from_the_pager_not_from_titles():
    body = ul_list(["2024-05-10"]).replace("第0次安全生产检查的通知", "关于印发促进消费共10条措施的通知")
    result = parse_list(page(body), URL)
    assert result.total_records is None


def test_last_page_has_no_next():
    pager = ('<div class="page">共5页 <a href="list_4.shtml">上一页</a> <a href="javascript:void(0)">下一页</a>'
             ' <a href="list_5.shtml">尾页</a></div>')
    request = PageRequest(url="http://www.example.gov.cn/zwgk/tzgg/list_5.shtml", page_number=4)
    result = parse_list(page(ul_list(["2023-01-10"]) + pager), request.url, request=request)
    assert result.next_page is None


def test_next_link_beyond_the_announced_count_is_not_followed():
    pager = '<div class="page">共3页 <a href="list_4.shtml">下一页</a></div>'
    request = PageRequest(url="http://www.example.gov.cn/zwgk/tzgg/list_3.shtml", page_number=2)
    assert parse_list(page(ul_list(["2023-01-10"]) + pager), request.url, request=request).next_page is None


def test_numbered_page_links_without_a_next_link():
    pager = '<div class="page"><span>1</span> <a href="list_2.shtml">2</a> <a href="list_3.shtml">3</a></div>'
    result = parse_list(page(ul_list(["2024-05-10"]) + pager), URL)
    assert result.next_page.url == "http://www.example.gov.cn/zwgk/tzgg/list_2.shtml"
    on_two = parse_list(page(ul_list(["2024-05-01"]) + pager.replace('<span>1</span>', '<a href="list.shtml">1</a>')),
                        "http://www.example.gov.cn/zwgk/tzgg/list_2.shtml")
    assert on_two.next_page.url == "http://www.example.gov.cn/zwgk/tzgg/list_3.shtml"


def test_query_page_parameter():
    pager = ('<div class="page"><a href="?page=1">1</a> <a href="?page=2">2</a> <a href="?page=3">3</a>'
             ' 共3页</div>')
    url = "http://www.example.gov.cn/news/list.jsp"
    assert parse_list(page(ul_list(["2024-05-10"]) + pager), url).next_page.url == url + "?page=2"
    second = parse_list(page(ul_list(["2024-05-10"]) + pager), url + "?page=2",
                        request=PageRequest(url=url + "?page=2", page_number=1))
    assert second.next_page == PageRequest(url=url + "?page=3", page_number=2)


def test_article_links_in_a_folder_are_not_page_numbers():
    body = ul_list(["2024-05-10", "2024-05-09"], prefix="./t20240510_")
    assert parse_list(page(body), "http://www.example.gov.cn/zwgk/tzgg/").next_page is None


# --- js-only lists ---------------------------------------------------------------------------

def test_list_loaded_by_script_is_js_only():
    body = """<ul id="newsList"></ul><div id="pageBar"></div>
<script>$.ajax({url: '/api/content/list', type: 'post', data: {channelId: 1201, pageNo: 1},
  success: function(res){ render(res.data); }});</script>"""
    result = parse_list(page(body), URL)
    assert result.items == []
    assert result.js_only is True


def test_page_without_a_list_or_loader_is_not_js_only():
    result = parse_list(page("<p>暂无信息</p>"), URL)
    assert result.items == [] and result.js_only is False


# --- detection and dispatch ------------------------------------------------------------------

def test_plain_list_is_generic_and_dialect_can_be_forced():
    html = page(ul_list(["2024-05-10"]))
    assert detect(html, URL) == "generic"
    assert parse_list(html, URL, dialect="trs").dialect == "trs"
    with pytest.raises(ValueError):
        parse_list(html, URL, dialect="dedecms")


def test_xml_declaration_and_empty_input_do_not_break_parsing():
    xhtml = '<?xml version="1.0" encoding="gb2312"?>' + page(ul_list(["2024-05-10"]))
    assert len(parse_list(xhtml, URL).items) == 1
    assert parse_list("", URL).items == []


# --- hostile pages ---------------------------------------------------------------------------

def test_twenty_thousand_links_parse_quickly_and_items_are_bounded():
    rows = "".join(f'<li><a href="/a/{i}.html">第{i}条信息公开目录条目标题</a><span>2024-05-10</span></li>'
                   for i in range(20_000))
    start = time.perf_counter()
    result = parse_list(page(f"<ul>{rows}</ul>"), URL)
    assert time.perf_counter() - start < 10
    assert len(result.items) == MAX_ITEMS


def test_megabytes_of_text_and_deep_nesting_do_not_hang():
    blob = "政务公开" * 500_000 + "<div>" * 5000 + "<a href='/x.html'>深层链接条目</a>" + "</div>" * 5000
    start = time.perf_counter()
    result = parse_list(page(blob + ul_list(["2024-05-10"])), URL)
    assert time.perf_counter() - start < 10
    assert result.items[0].date == date(2024, 5, 10)


def test_page_scripts_that_load_nothing_do_not_make_an_empty_column_unknown():
    body = """<p>暂无信息</p><script>$(window).load(function(){ $('#visit').text('1'); });
var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js?abc";</script>"""
    assert parse_list(page(body), URL).js_only is False


def test_counts_come_from_the_pager_even_when_the_nav_has_a_home_link():
    nav = '<div class="menu"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> 共建共享 2019年以来共10条措施</div>'
    pager = '<div class="fenye">共4页 <a href="list_2.shtml">下一页</a> <a href="list_4.shtml">末页</a></div>'
    result = parse_list(page(nav + ul_list(["2024-05-10"]) + pager), URL)
    assert result.total_pages == 4
    assert result.total_records is None
    assert result.next_page.url.endswith("/zwgk/tzgg/list_2.shtml")


MARKUP = st.sampled_from([
    "<a href='http://[::1'>坏链接</a>", "<a href=''>", "<base href='http://[x'>", "<li>", "</li>", "<tr><td>",
    "<a href='/a/1.html'>标题", "2024-05-10", "[05-10]", "共3页", "下一页", "<a href='list_2.shtml'>下一页</a>",
    "createPageHTML(", "createPageHTML('page_div',", "var countPage = ", "<datastore>", "<record><![CDATA[",
    "]]></record>", "<nextgroup>", "dataproxy.jsp?startrecord=", "$('#1').jpage({perPage:", "columnid", "{", "}",
    "<?xml version='1.0'?>", "<script>", "</script>", "<!--", "-->", "\x00", "年", "99999999999999999999",
])


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.one_of(MARKUP, st.text(max_size=30)), max_size=40),
       dialect=st.sampled_from(["trs", "hanweb", "generic", None]),
       url=st.sampled_from([URL, "http://www.example.gov.cn/col/col1/index.html",
                            "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=x&endrecord=9"]))
def test_parse_list_never_raises_and_respects_bounds(parts, dialect, url):
    result = parse_list("".join(parts), url, dialect=dialect)
    assert result.dialect in ("trs", "hanweb", "generic")
    assert len(result.items) <= MAX_ITEMS
    assert all(item.url.startswith("http") and len(item.title) <= MAX_TITLE for item in result.items)
    if result.next_page is not None:
        assert result.next_page.url.startswith("http")
        assert result.next_page.page_number is not None and result.next_page.page_number < 1000
