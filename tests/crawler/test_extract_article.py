"""extract_article over the metadata layouts real 信息公开 pages use, and its traps."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.crawler.extract.article import extract_article, strip_site_suffix

URL = "http://www.ln.gov.cn/zwgkx/zfwj/szfwj/202005/t20200518_3851234.html"


def page(head: str = "", body: str = "", title: str = "辽宁省人民政府") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body><div class="header"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>{body}
<div class="footer">主办：辽宁省人民政府办公厅 网站标识码：2100000024</div></body></html>"""


DOCUMENT = """<div class="TRS_Editor">
<p style="text-align:center">辽宁省人民政府办公厅关于加强行政规范性文件管理的通知</p>
<p style="text-align:center">辽政办发〔2020〕13号</p>
<p>各市人民政府，省政府各厅委、各直属机构：</p>
<p>为进一步加强行政规范性文件管理，经省政府同意，现就有关事项通知如下。各地区要严格执行，确保落实到位。</p>
<p style="text-align:right">辽宁省人民政府办公厅</p>
<p style="text-align:right">2020年5月10日</p>
<p>（此件公开发布）</p></div>"""


def test_four_cell_table_with_full_width_colons() -> None:
    body = """<table class="xxgk">
<tr><td>索 引 号：</td><td>11210000MB0123456X/2020-00123</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发文机关：</td><td>辽宁省人民政府办公厅</td><td>成文日期：</td><td>2020年05月10日</td></tr>
<tr><td>标　　题：</td><td colspan="3">辽宁省人民政府办公厅关于加强行政规范性文件管理的通知</td></tr>
<tr><td>发文字号：</td><td>辽政办发〔2020〕13号</td><td>发布日期：</td><td>2020年05月18日</td></tr>
<tr><td>有 效 性：</td><td>有效</td><td>公开方式：</td><td>主动公开</td></tr></table>""" + DOCUMENT
    got = extract_article(page(body=body), URL)
    assert got.title == "辽宁省人民政府办公厅关于加强行政规范性文件管理的通知"
    assert got.index_number == "11210000MB0123456X/2020-00123"
    assert got.publisher == "辽宁省人民政府办公厅"
    assert got.written_date == date(2020, 5, 10)
    assert got.publish_date == date(2020, 5, 18)
    assert got.doc_number == "辽政办发〔2020〕13号"
    assert got.validity == "有效"
    assert (got.disclosure_label, got.label_slot) == ("主动公开", "field")


def test_six_cell_rows_with_half_width_colons_and_nbsp() -> None:
    body = """<table>
<tr><th>索引号:</th><td>&nbsp;000014349/2021-00042&nbsp;</td><th>发布机构:</th><td>某某市人民政府</td>
<th>发文日期:</th><td>2021-03-02</td></tr>
<tr><th>文号:</th><td>某政发〔2021〕7号</td><th>时效性:</th><td>废止</td><th>公开属性:</th><td>依申请公开</td></tr>
</table><div id="zoom"><p>正文内容正文内容正文内容正文内容正文内容正文内容。</p></div>"""
    got = extract_article(page(body=body), URL)
    assert got.index_number == "000014349/2021-00042"
    assert got.publisher == "某某市人民政府"
    assert got.publish_date == date(2021, 3, 2)
    assert got.doc_number == "某政发〔2021〕7号"
    assert got.validity == "废止"
    assert got.disclosure_label == "依申请公开"


def test_label_and_value_in_one_cell_and_colonless_label_cells() -> None:
    body = """<table><tr><td>索引号：A01/2022-0001</td><td>发布时间：2022-06-01</td></tr>
<tr><td>发文字号</td><td>甲办发〔2022〕3号</td></tr>
<tr><td>信息来源</td><td>甲县人民政府办公室</td></tr></table>"""
    got = extract_article(page(body=body), URL)
    assert got.index_number == "A01/2022-0001"
    assert got.publish_date == date(2022, 6, 1)
    assert got.doc_number == "甲办发〔2022〕3号"
    assert got.publisher == "甲县人民政府办公室"


def test_li_and_span_sequences_on_one_line() -> None:
    body = """<ul class="info"><li><span>发布时间：2019-09-18 06:23</span>
<span>来源：</span><span>山西日报</span> <a href="javascript:print()">打印</a></li></ul>
<div class="article"><h1>山西品牌丝路行正式启动</h1><p>跨越千山万水，行程近两万公里，山西品牌丝路行首次登陆巴西。</p></div>"""
    got = extract_article(page(body=body, title="山西品牌丝路行正式启动 - 山西省人民政府门户网站"), URL)
    assert got.publish_date == date(2019, 9, 18)
    assert got.publisher == "山西日报"
    assert got.title == "山西品牌丝路行正式启动"


def test_attribute_text_is_not_read_as_a_field() -> None:
    body = """<span alt="时间：2017-11-08 20:26"><i>时间：</i>2019-09-18 06:23</span>"""
    assert extract_article(page(body=body), "http://x.gov.cn/a.html").publish_date == date(2019, 9, 18)


def test_traditional_labels_keep_the_original_document_number() -> None:
    body = """<table><tr><td>發文字號：</td><td>遼政辦發〔2020〕13號</td><td>發佈日期：</td><td>2020年05月18日</td></tr>
<tr><td>發文機關：</td><td>遼寧省人民政府辦公廳</td><td>公開方式：</td><td>主動公開</td></tr></table>"""
    got = extract_article(page(body=body), URL)
    assert got.doc_number == "遼政辦發〔2020〕13號"
    assert got.publisher == "遼寧省人民政府辦公廳"
    assert got.publish_date == date(2020, 5, 18)
    assert got.disclosure_label == "主动公开"


def test_document_itself_gives_number_line_signature_date_and_note() -> None:
    got = extract_article(page(body=DOCUMENT), URL)
    assert got.doc_number == "辽政办发〔2020〕13号"
    assert got.written_date == date(2020, 5, 10)
    assert (got.disclosure_label, got.label_slot) == ("此件公开发布", "signature")
    assert got.publish_date == date(2020, 5, 18)  # only the URL says when it was published
    assert "现就有关事项通知如下" in got.body_text


def test_traditional_note_and_chinese_numeral_date_in_signature() -> None:
    doc = DOCUMENT.replace("2020年5月10日", "二〇二〇年五月十日").replace("（此件公开发布）", "（此件公開發布）")
    got = extract_article(page(body=doc), URL)
    assert got.written_date == date(2020, 5, 10)
    assert got.disclosure_label == "此件公开发布"


@pytest.mark.parametrize(("note", "label"), [("（此件主动公开）", "此件主动公开"), ("(此件依申请公开)", "此件依申请公开"),
                                             ("此件不予公开", "此件不予公开")])
def test_signature_note_variants(note: str, label: str) -> None:
    got = extract_article(page(body=DOCUMENT.replace("（此件公开发布）", note)), URL)
    assert (got.disclosure_label, got.label_slot) == (label, "signature")


def test_body_sentence_quoting_a_note_is_not_a_label() -> None:
    doc = DOCUMENT.replace("<p>（此件公开发布）</p>", "").replace(
        "各地区要严格执行", "对标注“此件依申请公开”的文件，各地区要严格执行")
    doc = doc.replace("<p>各市人民政府", "<p>（此件依申请公开）的标注办法见附件。</p><p>各市人民政府")
    got = extract_article(page(body=doc), URL)
    assert got.disclosure_label is None
    assert got.label_slot is None


def test_generation_date_is_not_a_written_date() -> None:
    body = """<table><tr><td>信息名称：</td><td>关于举办活动的通知</td></tr>
<tr><td>生成日期：</td><td>2024-06-04</td></tr></table><div class="TRS_Editor"><p>通知正文内容，通知正文内容。</p></div>"""
    got = extract_article(page(body=body), "http://x.gov.cn/a.html")
    assert got.written_date is None
    assert got.title == "关于举办活动的通知"


def test_meta_tags_and_url_are_fallbacks() -> None:
    head = '<meta name="ArticleTitle" content="元标题"><meta name="PubDate" content="2023-08-16 10:33:59">'
    got = extract_article(page(head=head, body="<p>正文。</p>"), URL)
    assert got.title == "元标题"
    assert got.publish_date == date(2023, 8, 16)
    assert extract_article(page(body="<p>正文。</p>"), URL).publish_date == date(2020, 5, 18)
    assert extract_article(page(body="<p>正文。</p>"), "http://x.gov.cn/a.html").publish_date is None


def test_visible_date_beats_meta_pubdate() -> None:
    head = '<meta name="PubDate" content="2022-04-24 10:00:43">'
    body = '<div>来源：<br>访问量：199<br>发布日期：2017-05-15 10:49:00</div><div id="zoom"><p>统计公报正文。</p></div>'
    got = extract_article(page(head=head, body=body), "http://x.gov.cn/a.html")
    assert got.publish_date == date(2017, 5, 15)
    assert got.publisher is None  # 来源 is empty; 访问量 is not its value


def test_related_block_links_but_not_navigation_links_of_the_same_name() -> None:
    body = """<ul class="nav"><li><a href="/zcjd/">政策解读</a></li></ul>
<div id="zoom"><p>正文内容，正文内容。</p></div>
<div class="xgjd"><h3>相关解读：</h3><ul><li><a href="/zcjd/202005/t20200520_1.html">一图读懂通知</a></li></ul></div>
<div class="share"><a href="/print">打印</a></div>"""
    got = extract_article(page(body=body), URL)
    assert [(r.text, r.url) for r in got.related] == [("一图读懂通知", "http://www.ln.gov.cn/zcjd/202005/t20200520_1.html")]


def test_empty_related_block_takes_no_links_from_around_it() -> None:
    body = """<div class="content"><div id="zoom"><p>正文内容，正文内容。</p></div>
<div class="fj"><p>附件：</p></div><div class="rel"><h3><span>关联稿件：</span></h3><ul></ul></div>
<a href="/prev.html">上一篇：某某</a></div>"""
    got = extract_article(page(body=body), URL)
    assert got.related == []
    assert got.attachments == []


def test_attachments_by_extension_and_by_block() -> None:
    body = """<div id="zoom"><p>正文。</p><p>附件：1.<a href="./W0200518.docx">实施细则</a></p>
<p><a href="/download?id=5">不带扩展名的附件</a></p><a href="file.OFD">版式文件</a></div>
<div class="attach"><span>相关附件</span><a href="/download?id=9">表格</a></div>"""
    got = extract_article(page(body=body), URL)
    urls = [a.url for a in got.attachments]
    assert "http://www.ln.gov.cn/zwgkx/zfwj/szfwj/202005/W0200518.docx" in urls
    assert "http://www.ln.gov.cn/zwgkx/zfwj/szfwj/202005/file.OFD" in urls
    assert "http://www.ln.gov.cn/download?id=9" in urls
    assert "http://www.ln.gov.cn/download?id=5" not in urls


@pytest.mark.parametrize(("title", "want"), [
    ("万载县2022年统计公报 _ 万载县人民政府", "万载县2022年统计公报"),
    ("宜春市2022年统计公报_中国宜春", "宜春市2022年统计公报"),
    ("关于开展检查的通知-XX市人民政府", "关于开展检查的通知"),
    ("1-10月德清县固定资产投资结构趋稳趋优", "1-10月德清县固定资产投资结构趋稳趋优"),
    ("山西要闻 - 山西省人民政府门户网站", "山西要闻"),
])
def test_site_suffix_is_stripped_from_page_titles(title: str, want: str) -> None:
    assert strip_site_suffix(title) == want


def test_title_falls_back_to_heading_when_page_title_is_the_site_name() -> None:
    body = '<div class="article"><h2>关于做好防汛工作的通知</h2><div id="zoom"><p>各乡镇：现将有关事项通知如下。</p></div></div>'
    assert extract_article(page(body=body, title="某某县人民政府"), URL).title == "关于做好防汛工作的通知"


def test_markup_inside_fields_is_plain_text() -> None:
    body = """<table><tr><td>标题：</td><td>关于<b>加强</b>管理的通知&lt;script&gt;alert(1)&lt;/script&gt;</td></tr></table>
<script>document.title="被改写"</script>"""
    got = extract_article(page(body=body), URL)
    assert got.title == "关于加强管理的通知<script>alert(1)</script>"
    assert "被改写" not in got.body_text


def test_body_text_is_bounded() -> None:
    body = '<div id="zoom">' + "<p>" + "很长的正文。" * 40_000 + "</p></div>"
    assert len(extract_article(page(body=body), URL).body_text) == 100_000


def test_empty_validity_cell_is_absent_not_the_next_line():
    html = """<html><body><table>
<tr><td>发文字号：</td><td>江政办规〔2024〕1号</td></tr>
<tr><td>有 效 性：</td><td colspan="3"></td></tr></table>
<h1>江川市人民政府办公室关于印发江川市公共租赁住房管理实施细则的通知</h1><p>正文。</p></body></html>"""
    assert extract_article(html, "http://x.gov.cn/a.html").validity is None


def test_validity_values_are_statuses():
    for value in ("有效", "失效", "已废止", "有效期至2027年12月31日"):
        html = f"<html><body><table><tr><td>有效性：</td><td>{value}</td></tr></table><h1>某通知</h1></body></html>"
        assert extract_article(html, "http://x.gov.cn/a.html").validity == value


def test_a_site_banner_heading_is_not_the_title_of_a_document_it_issued() -> None:
    # a 公文 title begins with its issuer's name, which is also the site's banner <h1>
    page = """<html><head><meta charset="utf-8">
<title>江川市青松镇人民政府关于印发《青松镇优化营商环境实施方案》的通知-江川市青松镇人民政府</title></head>
<body><div class="header"><h1>江川市青松镇人民政府</h1></div>
<div class="article"><h2 class="art-title">江川市青松镇人民政府关于印发《青松镇优化营商环境实施方案》的通知</h2>
<div class="content"><p>各村（社区）：</p><p>现将《青松镇优化营商环境实施方案》印发给你们，请认真贯彻执行。</p></div></div>
</body></html>"""
    fields = extract_article(page, "http://qs.example.gov.cn/zwgk/202405/t20240510_1.html")
    assert fields.title == "江川市青松镇人民政府关于印发《青松镇优化营商环境实施方案》的通知"


def test_a_heading_carrying_the_whole_title_is_still_taken() -> None:
    page = """<html><head><title>关于做好防汛工作的通知_江川市人民政府</title></head>
<body><h1>江川市人民政府办公室关于做好防汛工作的通知</h1><p>正文。</p></body></html>"""
    assert extract_article(page, "http://x.gov.cn/a.html").title == "江川市人民政府办公室关于做好防汛工作的通知"
