"""TRS WCM list pages: items, pager calls (pages, not items), countPage, definitions, bounds."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.crawler.dialects import PageRequest, detect, parse_list
from gongkai.crawler.dialects.listpage import MAX_PAGES
from tests.paths import CORPUS_PAGES as CORPUS

ORDOS_URL = "http://www.ordos.gov.cn/egb/xxgk/xxgknb/"
LIST_URL = "http://www.example.gov.cn/xxgk/tzgg/index.html"

PAGER_DEFINITION = """
<script>
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;");
  else document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
  if(nCurrIndex < _nPageCount-1)
    document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex+1) + "." + _sPageExt + "\\">下一页</a>");
}
</script>
"""


def trs_list(pager_script: str, n_items: int = 20, month: str = "202405") -> str:
    rows = "\n".join(
        f'<li><a href="./{month}/t{month}{(i % 28) + 1:02d}_{5000 + i}.html" target="_blank" '
        f'title="关于做好第{i}批政务公开工作的通知">关于做好第{i}批政务公开工作的通知</a>'
        f"<span>{month[:4]}-{month[4:]}-{(i % 28) + 1:02d}</span></li>"
        for i in range(n_items)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告_某某市人民政府</title>
<meta name="ColumnName" content="通知公告"></head><body>
<div class="nav"><a href="../../">首页</a><a href="../../zwgk/">政务公开</a><a href="../../hdjl/">互动交流</a></div>
<div class="list"><ul class="list-ul">{rows}</ul></div>
<div class="page">{PAGER_DEFINITION}<script>{pager_script}</script></div>
<div class="footer"><a href="http://www.gov.cn/">中国政府网</a> 网站标识码：1500000001 京ICP备12345678号</div>
</body></html>"""


# --- the real page -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ordos_html() -> str:
    return (CORPUS / "037_ordos_egb_trs_nianbao_list.html").read_text(encoding="utf-8")


def test_real_ordos_list_is_detected_as_trs(ordos_html):
    assert detect(ordos_html, ORDOS_URL) == "trs"


def test_real_ordos_list_items_come_from_the_list_table_only(ordos_html):
    page = parse_list(ordos_html, ORDOS_URL)
    assert page.dialect == "trs"
    assert len(page.items) == 10
    first = page.items[0]
    assert first.title == "鄂尔多斯市2019年政府信息公开工作年度报告"
    assert first.url == ORDOS_URL + "202009/t20200903_2748784.html"
    assert first.date == date(2020, 9, 3)
    assert all("/t20" in item.url for item in page.items)


def test_real_ordos_list_prefers_the_printed_date_over_the_url_date(ordos_html):
    # the row printed 2018-03-26 while the URL says t20181102: the list shows the publish date
    item = next(i for i in parse_list(ordos_html, ORDOS_URL).items if i.url.endswith("t20181102_2290635.html"))
    assert item.date == date(2018, 3, 26)


def test_real_ordos_count_page_pager_gives_index_1_next(ordos_html):
    page = parse_list(ordos_html, ORDOS_URL)
    assert page.total_pages == 2
    assert page.next_page == PageRequest(url=ORDOS_URL + "index_1.html", page_number=1)


def test_real_ordos_last_page_has_no_next(ordos_html):
    last = ordos_html.replace("var currentPage = 0;", "var currentPage = 1;")
    page = parse_list(last, ORDOS_URL + "index_1.html")
    assert page.total_pages == 2
    assert page.next_page is None


def test_real_shanxi_article_pager_call_with_definition_announces_one_page():
    html = (CORPUS / "034_shanxi_trs_article.html").read_text(encoding="utf-8")
    url = "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"
    assert detect(html, url) == "trs"
    page = parse_list(html, url)
    # createPageHTML(1,0,"t20190918_693227","shtml"): one page; the definition's own
    # `_sPageName + "_" + i` and the later `var countPage = 1` change nothing
    assert page.total_pages == 1
    assert page.next_page is None


# --- createPageHTML: pages, not items --------------------------------------------------------

def test_first_argument_counts_pages_not_items():
    page = parse_list(trs_list('createPageHTML(3, 0, "index", "html");', n_items=20), LIST_URL)
    assert len(page.items) == 20
    assert page.total_pages == 3          # not 20, and not 20 items / some page size
    assert page.next_page == PageRequest(url="http://www.example.gov.cn/xxgk/tzgg/index_1.html", page_number=1)


def test_middle_page_points_to_the_following_index_file():
    page = parse_list(trs_list('createPageHTML(5, 2, "index", "html");'),
                      "http://www.example.gov.cn/xxgk/tzgg/index_2.html")
    assert page.next_page.url == "http://www.example.gov.cn/xxgk/tzgg/index_3.html"
    assert page.next_page.page_number == 3
    assert page.next_page.method == "GET" and page.next_page.formdata is None


def test_last_page_of_classic_call_has_no_next():
    page = parse_list(trs_list('createPageHTML(5, 4, "index", "html");'),
                      "http://www.example.gov.cn/xxgk/tzgg/index_4.html")
    assert page.total_pages == 5
    assert page.next_page is None


def test_folder_url_and_shtml_extension():
    page = parse_list(trs_list("createPageHTML(2, 0, 'index', 'shtml');"), "http://www.example.gov.cn/zwgk/zcwj/")
    assert page.next_page.url == "http://www.example.gov.cn/zwgk/zcwj/index_1.shtml"


def test_six_argument_call_reads_count_current_and_total_records():
    page = parse_list(trs_list("createPageHTML('page_div', 7, 1, 'list', 'shtml', 132);"),
                      "http://www.example.gov.cn/zwgk/tzgg/list.shtml")
    assert page.total_pages == 7
    assert page.total_records == 132
    # the newer call numbers pages from 1: the page after list.shtml is list_2.shtml
    assert page.next_page == PageRequest(url="http://www.example.gov.cn/zwgk/tzgg/list_2.shtml", page_number=1)


def test_six_argument_call_on_its_last_page():
    page = parse_list(trs_list("createPageHTML('page_div',7, 7,'list','shtml',132);"),
                      "http://www.example.gov.cn/zwgk/tzgg/list_7.shtml")
    assert page.next_page is None


def test_six_argument_call_counted_from_zero_follows_its_own_numbering():
    # some portals write the 6-argument call with a 0-based current page: index, index_1, index_2
    first = parse_list(trs_list("createPageHTML('page_div', 3, 0, 'index', 'html', 12);"),
                       "http://www.example.gov.cn/zwgk/tzgg/index.html")
    assert first.next_page == PageRequest(url="http://www.example.gov.cn/zwgk/tzgg/index_1.html", page_number=1)
    second = parse_list(trs_list("createPageHTML('page_div', 3, 1, 'index', 'html', 12);"),
                        "http://www.example.gov.cn/zwgk/tzgg/index_1.html", request=first.next_page)
    assert second.next_page.url == "http://www.example.gov.cn/zwgk/tzgg/index_2.html"
    last = parse_list(trs_list("createPageHTML('page_div', 3, 2, 'index', 'html', 12);"),
                      "http://www.example.gov.cn/zwgk/tzgg/index_2.html", request=second.next_page)
    assert last.next_page is None


def test_six_argument_call_counted_from_one_on_a_followed_page():
    second = parse_list(trs_list("createPageHTML('page_div', 3, 2, 'list', 'shtml', 30);"),
                        "http://www.example.gov.cn/zwgk/tzgg/list_2.shtml",
                        request=PageRequest(url="http://www.example.gov.cn/zwgk/tzgg/list_2.shtml", page_number=1))
    assert second.next_page.url == "http://www.example.gov.cn/zwgk/tzgg/list_3.shtml"


def test_call_with_variable_arguments_is_resolved():
    script = 'var countPage = 4;//共多少页\nvar currentPage = 1;\ncreatePageHTML(countPage, currentPage, "index", "html");'
    page = parse_list(trs_list(script), "http://www.example.gov.cn/xxgk/tzgg/index_1.html")
    assert page.total_pages == 4
    assert page.next_page.url == "http://www.example.gov.cn/xxgk/tzgg/index_2.html"


def test_definition_alone_is_not_a_pager_call():
    # definition present, no call: nothing says there is a second page
    page = parse_list(trs_list(""), LIST_URL)
    assert page.total_pages is None
    assert page.next_page is None


def test_list_call_wins_over_an_article_pager_call():
    script = ('createPageHTML(1, 0, "t20240510_123456", "html");\n'
              'createPageHTML(6, 0, "index", "html");')
    page = parse_list(trs_list(script), LIST_URL)
    assert page.total_pages == 6
    assert page.next_page.url.endswith("/xxgk/tzgg/index_1.html")


def test_count_page_variables_without_a_call():
    script = """var currentPage = 0;//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = 12//共多少页
if(countPage>1&&currentPage!=(countPage-1))
  document.write("<a href=\\"index"+"_" + nextPage + "."+"html\\">下一页</a>");"""
    page = parse_list(trs_list(script), "http://www.example.gov.cn/xxgk/tzgg/")
    assert page.total_pages == 12
    assert page.next_page.url == "http://www.example.gov.cn/xxgk/tzgg/index_1.html"


# --- hostile pager numbers -------------------------------------------------------------------

def test_absurd_page_count_is_capped():
    page = parse_list(trs_list('createPageHTML(99999999, 0, "index", "html");'), LIST_URL)
    assert page.total_pages == MAX_PAGES
    assert page.next_page.url.endswith("index_1.html")


def test_absurd_count_page_variable_is_capped_and_ends():
    script = "var currentPage = 999;\nvar countPage = 99999999999999//共多少页"
    page = parse_list(trs_list(script), "http://www.example.gov.cn/xxgk/tzgg/index_999.html")
    assert page.total_pages == MAX_PAGES
    assert page.next_page is None       # index 1000 would exceed the cap


def test_garbage_arguments_are_ignored():
    page = parse_list(trs_list('createPageHTML(alert(1), "x", 0);'), LIST_URL)
    assert page.total_pages is None
    assert page.next_page is None


# --- items: urls, dates, titles --------------------------------------------------------------

def test_relative_urls_and_bracketed_dates_take_year_from_the_url():
    html = """<html><body><div class="xxgk_list"><ul>
<li><a href="../../xxgk/202312/t20231228_88.html">某某县2023年第四季度财政预算执行情况</a><span>[12-29]</span></li>
<li><a href="../../xxgk/202401/t20240104_91.html">某某县关于开展安全生产大检查的通知</a><span>[01-05]</span></li>
<li><a href="./202405/t20240510_123456.html" title="某某县人民政府办公室关于印发某某县政务公开工作要点的通知">某某县人民政府办公室关于印发某某县政务公开…</a><span>[05-10]</span></li>
</ul></div>
<script>createPageHTML(1, 0, "index", "html");</script></body></html>"""
    url = "http://www.example.gov.cn/bm/czj/tzgg/index.html"
    page = parse_list(html, url)
    assert page.dialect == "trs"
    by_url = {item.url: item for item in page.items}
    # printed day with the URL's year (the URL's own day may differ from the one printed)
    assert by_url["http://www.example.gov.cn/bm/xxgk/202312/t20231228_88.html"].date == date(2023, 12, 29)
    assert by_url["http://www.example.gov.cn/bm/xxgk/202401/t20240104_91.html"].date == date(2024, 1, 5)
    truncated = by_url["http://www.example.gov.cn/bm/czj/tzgg/202405/t20240510_123456.html"]
    assert truncated.date == date(2024, 5, 10)
    assert truncated.title == "某某县人民政府办公室关于印发某某县政务公开工作要点的通知"


def test_detection_markers():
    assert detect('<div class="TRS_Editor"><p>正文</p></div><script>var countPage = 3</script>', LIST_URL) == "trs"
    assert detect('<a href="./202405/t20240510_1.html">a</a><a href="./202405/t20240511_2.html">b</a>'
                  '<a href="./202405/t20240512_3.html">c</a>', LIST_URL) == "trs"
    assert detect("<html><body><p>政务公开</p></body></html>", LIST_URL) == "generic"
