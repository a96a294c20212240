"""Hanweb (大汉) lists: records inside a script, the dataproxy POST form, endpoints, responses."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

from gongkai.crawler.dialects import PageRequest, detect, parse_list
from tests.paths import CORPUS_PAGES as CORPUS

COLUMN_URL = "http://www.example.gov.cn/col/col1234/index.html"
FULL_FORM = {
    "col": "1", "appid": "1", "webid": "2", "path": "/", "columnid": "1234", "sourceContentType": "1",
    "unitid": "5678", "webname": "某某市人民政府", "permissiontype": "0",
}


def record(i: int, with_date: bool = True) -> str:
    day = (i % 28) + 1
    shown = f"<span class='bt_time'>2024-05-{day:02d}</span>" if with_date else ""
    return (f'<record><![CDATA[\n<li><a href="/art/2024/5/{day}/art_1234_{56000 + i}.html" '
            f'title="某某市关于第{i}批行政许可事项清单的公告" target="_blank">某某市关于第{i}批行政许可事项…</a>'
            f"{shown}</li>\n]]></record>")


def datastore(n: int, nextgroup: bool = True, with_date: bool = True) -> str:
    group = ('<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/'
             '&columnid=1234&unitid=5678&webname=某某市人民政府&permissiontype=0"></a>]]></nextgroup>'
             if nextgroup else "")
    records = "".join(record(i, with_date) for i in range(n))
    return f'<script type="text/xml"><datastore>{group}<recordset>{records}</recordset></datastore></script>'


JPAGE_INIT = """<script>
$(document).ready(function(){
  $('#5678').jpage({
    dataStore: dataStore, openCookies:false, perPage: 15, totalRecord: 123,
    proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3, barPosition: 'bottom', ajaxType: 'post'
  });
});
</script>"""


def column_page(body: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>通知公告 某某市人民政府</title>
<script language="javascript" src="/module/jslib/jquery/jquery.js"></script></head><body>
<div class="nav"><a href="/col/col1/index.html">首页</a><a href="/col/col1233/index.html">政务公开</a></div>
<div class="main"><div id="5678">{body}</div></div>
<div class="footer">技术支持：大汉网络 浙ICP备00000000号</div></body></html>"""


# --- the column page -------------------------------------------------------------------------

def test_records_inside_the_script_are_the_items():
    page = parse_list(column_page(datastore(45) + JPAGE_INIT), COLUMN_URL)
    assert page.dialect == "hanweb"
    assert len(page.items) == 45
    first = page.items[0]
    assert first.url == "http://www.example.gov.cn/art/2024/5/1/art_1234_56000.html"
    assert first.title == "某某市关于第0批行政许可事项清单的公告"      # title attribute: text is cut with …
    assert first.date == date(2024, 5, 1)
    assert not any("/col/" in item.url for item in page.items)    # navigation is not the list


def test_next_request_is_a_post_for_the_next_batch_with_the_nextgroup_form():
    page = parse_list(column_page(datastore(45) + JPAGE_INIT), COLUMN_URL)
    nxt = page.next_page
    assert nxt.method == "POST"
    assert nxt.url == ("http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
                       "?startrecord=46&endrecord=90&perpage=15")
    assert nxt.formdata == FULL_FORM
    assert nxt.page_number == 1
    assert "index_1.html" not in nxt.url
    assert page.total_records == 123
    assert page.total_pages == 3        # records 1-45 here, 46-90 and 91-123 by POST


def test_other_endpoint_paths_are_alternates():
    nxt = parse_list(column_page(datastore(45) + JPAGE_INIT), COLUMN_URL).next_page
    assert nxt.alternates == [
        "http://www.example.gov.cn/module/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15",
        "http://www.example.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15",
    ]


def test_form_from_the_init_script_and_endpoint_from_the_jpage_script_folder():
    init = """<script language="javascript" src="/module/jslib/jquery/jpage/jpage.js"></script>
<script>
var jpageParam = {"col":1,"appid":1,"webid":2,"path":"/","columnid":1234,"sourceContentType":1,
  "unitid":5678,"webname":"某某市人民政府","permissiontype":0};
$('#5678').jpage({dataStore: dataStore, perPage: 20, totalRecord: 200, groupSize: 2,
  ajaxParam: jpageParam});
</script>"""
    page = parse_list(column_page(datastore(40, nextgroup=False) + init), COLUMN_URL)
    nxt = page.next_page
    assert nxt.formdata == FULL_FORM
    assert nxt.url == ("http://www.example.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp"
                       "?startrecord=41&endrecord=80&perpage=20")
    assert "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=41&endrecord=80&perpage=20" \
        in nxt.alternates
    assert len(nxt.alternates) == 2


def test_record_without_a_printed_date_takes_the_url_date():
    page = parse_list(column_page(datastore(3, with_date=False) + JPAGE_INIT), COLUMN_URL)
    assert [item.date for item in page.items] == [date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)]


def test_all_records_shown_means_no_next_request():
    init = JPAGE_INIT.replace("totalRecord: 123", "totalRecord: 12")
    page = parse_list(column_page(datastore(12) + init), COLUMN_URL)
    assert len(page.items) == 12
    assert page.next_page is None
    assert page.total_pages == 1


def test_empty_column_is_empty_not_unknown():
    init = JPAGE_INIT.replace("totalRecord: 123", "totalRecord: 0")
    page = parse_list(column_page(datastore(0) + init), COLUMN_URL)
    assert page.items == []
    assert page.next_page is None
    assert page.js_only is False


def test_table_records_with_a_category_link_and_escaped_records():
    table_record = ('<record><![CDATA[<table width="100%"><tr><td><a href="/col/col77/index.html">[通知公告]</a>'
                    '<a href="/art/2023/12/30/art_1234_900.html" title="关于2024年元旦放假安排的通知">'
                    '关于2024年元旦放假安排的通知</a></td><td class="bt_time">2023-12-30</td></tr></table>]]></record>')
    escaped_record = ('<record>&lt;li&gt;&lt;a href="/art/2023/12/1/art_1234_901.html"&gt;'
                      '某某市统计局2023年11月统计月报&lt;/a&gt;&lt;span&gt;[12-01]&lt;/span&gt;&lt;/li&gt;</record>')
    store = f'<script type="text/xml"><datastore><recordset>{table_record}{escaped_record}</recordset></datastore></script>'
    page = parse_list(column_page(store + JPAGE_INIT), COLUMN_URL)
    assert [(i.title, i.url, i.date) for i in page.items] == [
        ("关于2024年元旦放假安排的通知", "http://www.example.gov.cn/art/2023/12/30/art_1234_900.html", date(2023, 12, 30)),
        ("某某市统计局2023年11月统计月报", "http://www.example.gov.cn/art/2023/12/1/art_1234_901.html", date(2023, 12, 1)),
    ]


def test_largest_datastore_is_the_main_list():
    side = ('<script type="text/xml"><datastore><recordset>'
            '<record><![CDATA[<li><a href="/art/2024/1/2/art_99_1.html">热点专题</a></li>]]></record>'
            '</recordset></datastore></script>')
    page = parse_list(column_page(side + datastore(30) + JPAGE_INIT), COLUMN_URL)
    assert len(page.items) == 30
    assert all("art_1234_" in item.url for item in page.items)


# --- the dataproxy response ------------------------------------------------------------------

def proxy_response(first: int, last: int, total: int = 123) -> str:
    records = "".join(record(i) for i in range(first, last + 1))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><totalrecord>{total}</totalrecord>'
            f"<totalpage>{-(-total // 15)}</totalpage><recordset>{records}</recordset></datastore>")


def test_dataproxy_response_gives_the_next_batch_with_the_same_form():
    first = parse_list(column_page(datastore(45) + JPAGE_INIT), COLUMN_URL).next_page
    body = proxy_response(46, 90)
    assert detect(body, first.url) == "hanweb"
    page = parse_list(body, first.url, request=first)
    assert len(page.items) == 45
    assert page.items[0].url == "http://www.example.gov.cn/art/2024/5/19/art_1234_56046.html"
    nxt = page.next_page
    assert nxt.url == ("http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
                       "?startrecord=91&endrecord=135&perpage=15")
    assert nxt.method == "POST"
    assert nxt.formdata == FULL_FORM
    assert nxt.formdata is not first.formdata          # a copy: the spider may mutate its own
    assert nxt.page_number == 2
    assert len(nxt.alternates) == 2 and all("startrecord=91&endrecord=135" in a for a in nxt.alternates)
    assert page.total_records == 123
    assert page.total_pages == 3


def test_dataproxy_last_batch_ends_the_list():
    request = PageRequest(url="http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
                              "?startrecord=91&endrecord=135&perpage=15",
                          method="POST", formdata=dict(FULL_FORM), page_number=2)
    page = parse_list(proxy_response(91, 123), request.url, request=request)
    assert len(page.items) == 33
    assert page.next_page is None


def test_response_answered_at_an_alternate_path_keeps_that_path():
    url = "http://www.example.gov.cn/module/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    request = PageRequest(url=url, method="POST", formdata=dict(FULL_FORM), page_number=1)
    nxt = parse_list(proxy_response(46, 90), url, request=request).next_page
    assert urlsplit(nxt.url).path == "/module/jpage/dataproxy.jsp"
    assert parse_qs(urlsplit(nxt.url).query) == {"startrecord": ["91"], "endrecord": ["135"], "perpage": ["15"]}
    assert "/module/jpage/dataproxy.jsp" not in "".join(nxt.alternates)


def test_response_without_known_form_cannot_ask_for_more():
    url = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    page = parse_list(proxy_response(46, 90), url)
    assert len(page.items) == 45
    assert page.next_page is None


def test_response_recognised_by_its_body():
    assert detect(proxy_response(1, 2), "http://www.example.gov.cn/some/where") == "hanweb"


# --- detection -------------------------------------------------------------------------------

def test_real_hanweb_article_page_is_detected():
    html = (CORPUS / "035_zjfgw_hanweb_article.html").read_text(encoding="utf-8")
    assert detect(html, "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html") == "hanweb"


def test_column_page_is_detected_by_its_datastore():
    assert detect(column_page(datastore(3)), COLUMN_URL) == "hanweb"


def test_links_to_other_hanweb_sites_do_not_make_a_page_hanweb():
    html = "".join(f'<a href="http://dept{i}.example.gov.cn/col/col{i}/index.html">部门{i}</a>' for i in range(10))
    assert detect(html, "http://www.example.gov.cn/") == "generic"


def test_column_without_embedded_records_asks_the_proxy_from_record_one():
    init = JPAGE_INIT + """<script>var param = {"col":1,"appid":1,"webid":2,"path":"/","columnid":1234,
"sourceContentType":1,"unitid":5678,"webname":"某某市人民政府","permissiontype":0};</script>"""
    page = parse_list(column_page('<div class="default_pgContainer"></div>' + init), COLUMN_URL)
    assert page.items == []
    assert page.js_only is False                      # we know the API: the spider asks it
    assert page.next_page.url.endswith("/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15")
    assert page.next_page.formdata == FULL_FORM


def test_hanweb_site_with_a_static_list_falls_back_to_the_markup():
    rows = "".join(f'<li><a href="/art/2024/4/{i + 1}/art_1234_{i}.html">某某局2024年第{i}期工作简报</a>'
                   f"<span>2024-04-0{i + 1}</span></li>" for i in range(3))
    page = parse_list(column_page(f'<ul class="list">{rows}</ul>'), COLUMN_URL, dialect="hanweb")
    assert page.dialect == "hanweb"
    assert [i.date for i in page.items] == [date(2024, 4, 1), date(2024, 4, 2), date(2024, 4, 3)]
    assert page.next_page is None


def test_hanweb_pages_have_no_index_n_pages():
    page = parse_list(column_page(datastore(45) + JPAGE_INIT), COLUMN_URL)
    assert all("index_" not in url for url in [page.next_page.url, *page.next_page.alternates])
