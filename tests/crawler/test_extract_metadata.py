"""Metadata layouts real government pages use and the old line reader misread (issue: 16 provinces).

Each fixture in fixtures/metadata/ is a whole page as a TRS / Hanweb / generic CMS prints it; the
expected values below are what a reader sees on that page, every article field asserted exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gongkai.crawler.extract import extract_page
from gongkai.crawler.extract.article import extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
URL = "http://www.example.gov.cn/zwgk/a.html"
NONE: dict[str, Any] = {"title": None, "publish_date": None, "written_date": None, "doc_number": None,
                        "index_number": None, "publisher": None, "validity": None, "disclosure_label": None}

PAGES: dict[str, dict[str, Any]] = {
    # 索取号 | 发布时间 | 发布机构 | 文件编号 | 备注 over its values, then a second header/value pair of rows;
    # the 文号 used to come out as "备注".
    "trs_header_row_table.html": {
        "title": "某某市人民政府关于印发某某市城市更新实施办法的通知", "publish_date": "2024-06-05",
        "written_date": "2024-05-28", "doc_number": "某府〔2024〕12号", "index_number": "11440100MB2C92351X/2024-00315",
        "publisher": "某某市人民政府", "validity": "有效", "disclosure_label": "主动公开"},
    # <th> labels with colons and &nbsp; inside, values in nested spans, a colspan=2 column; the 文件字号
    # column holds an organisation name, which is no 文号.
    "hanweb_header_row_org_in_number_slot.html": {
        "title": "关于2024年第一季度全区安全生产形势的通报", "publish_date": "2024-04-12", "written_date": "2024-04-10",
        "doc_number": None, "index_number": "001008003015/2024-00041", "publisher": "某某区应急管理局"},
    # Six-cell rows of synonym labels (信息索引号, 文件字号, 时 效 性, 发布单位, 成文时间, 公开日期, 文件名称); the
    # malformed number keeps its square brackets for checks/docnumber to flag.
    "synonym_label_rows_malformed_number.html": {
        "title": "某某县人民政府关于调整城乡居民基本养老保险基础养老金标准的通知", "publish_date": "2024-03-01",
        "written_date": "2024-02-26", "doc_number": "某府发[2024]3号", "index_number": "MB1234567-2024-0007",
        "publisher": "某某县人民政府", "validity": "有效"},
    # A display:none block with empty <span> slots for 发布机构 and 文号; the next visible text is an
    # organisation name, which used to become the 文号.
    "hidden_block_empty_slots.html": {
        "title": "2024年5月某区居民消费价格运行情况", "index_number": "007482532/2024-00186"},
    # The hidden list ends with an empty 发布机构：; the visible organisation line after it is not its value.
    "hidden_list_label_at_end.html": {
        "title": "关于公布2024年度区级财政专项资金分配结果的公示", "publish_date": "2024-06-18",
        "index_number": "007482532/2024-00207"},
    # A hidden table whose 文号 cell is empty, followed by the visible 来源 organisation.
    "hidden_table_empty_number_cell.html": {
        "title": "某某镇2024年防汛应急演练顺利开展", "publish_date": "2024-06-20",
        "index_number": "11330782002579521N/2024-017"},
    # "来源：广州市某区统计局发布日期：2024-06-05" in one text node, and 信息来源/发布时间/浏览次数 glued likewise.
    "inline_glued_pairs.html": {
        "title": "2024年1-5月某区规模以上工业生产情况", "publish_date": "2024-06-05", "publisher": "广州市某区统计局"},
    # A Word paste with its own <html><head><meta charset="gb2312"><title>, 份号, 紧急程度, a five-issuer
    # 红头 in a layout table; the 文号 stands alone under it (another one is quoted in the first sentence).
    "word_paste_red_header.html": {
        "title": "关于进一步做好2024年城乡低保提标工作的通知", "publish_date": "2024-06-21",
        "written_date": "2024-06-18", "doc_number": "某民发〔2024〕27号", "publisher": "市民政局"},
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_fixture_page_fields(name: str) -> None:
    got = extract_page((FIXTURES / name).read_text(encoding="utf-8"), URL)
    assert {key: got[key] for key in NONE} == {**NONE, **PAGES[name]}


def test_every_fixture_page_is_asserted() -> None:
    assert {p.name for p in FIXTURES.glob("*.html")} == set(PAGES)


def page(body: str, title: str = "某某市人民政府") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>{body}
<div class="footer">主办：某某市人民政府办公室</div></body></html>"""


BODY = '<div class="TRS_Editor"><p>各有关单位：现将有关事项通知如下，请认真贯彻执行。</p></div>'


def test_header_row_with_values_in_nested_markup_and_an_empty_number_cell() -> None:
    body = """<table><tr><th>索引号</th><th>发文字号</th><th>发布机构</th><th>发布日期</th></tr>
<tr><td><p><span>&nbsp;A01/2024-0009&nbsp;</span></p></td><td>&nbsp;</td><td><a href="/jg/">某某市财政局</a></td>
<td><span>2024年06月05日</span></td></tr></table>""" + BODY
    got = extract_article(page(body), URL)
    assert (got.index_number, got.doc_number, got.publisher, got.publish_date.isoformat()) == (
        "A01/2024-0009", None, "某某市财政局", "2024-06-05")


def test_header_row_over_a_list_of_documents_is_not_one_documents_metadata() -> None:
    rows = "".join(f"<tr><td>某府发〔2024〕{n}号</td><td>某某市人民政府</td><td>2024-0{n}-01</td></tr>" for n in (1, 2, 3))
    body = f"<table><tr><th>文号</th><th>发布机构</th><th>发布日期</th></tr>{rows}</table>"
    got = extract_article(page(body, title="政策文件库"), URL)
    assert (got.doc_number, got.publisher, got.publish_date) == (None, None, None)


def test_header_and_value_rows_stacked_with_uneven_widths() -> None:
    body = """<table><tr><td>索取号</td><td>成文日期</td><td>发布日期</td></tr>
<tr><td>GZ0001-2024-00012</td><td>2024-05-30</td><td>2024-06-03</td></tr>
<tr><td>发布机构</td><td colspan="2">文件编号</td></tr>
<tr><td>广州市某区人民政府办公室</td><td colspan="2">某区府办函〔2024〕15号</td></tr></table>""" + BODY
    got = extract_article(page(body), URL)
    assert got.index_number == "GZ0001-2024-00012"
    assert (got.written_date.isoformat(), got.publish_date.isoformat()) == ("2024-05-30", "2024-06-03")
    assert (got.publisher, got.doc_number) == ("广州市某区人民政府办公室", "某区府办函〔2024〕15号")


@pytest.mark.parametrize(("label", "value", "field", "want"), [
    ("索取号", "000014349/2024-00012", "index_number", "000014349/2024-00012"),
    ("索引号", "000014349/2024-00012", "index_number", "000014349/2024-00012"),
    ("信息索引号", "000014349/2024-00012", "index_number", "000014349/2024-00012"),
    ("文号", "某府发〔2024〕3号", "doc_number", "某府发〔2024〕3号"),
    ("发文字号", "某府发〔2024〕3号", "doc_number", "某府发〔2024〕3号"),
    ("文件编号", "某府发〔2024〕3号", "doc_number", "某府发〔2024〕3号"),
    ("文件字号", "某府发〔2024〕3号", "doc_number", "某府发〔2024〕3号"),
    ("发布机构", "某某市统计局", "publisher", "某某市统计局"),
    ("发文机关", "某某市统计局", "publisher", "某某市统计局"),
    ("发布单位", "某某市统计局", "publisher", "某某市统计局"),
    ("来源", "某某市统计局", "publisher", "某某市统计局"),
    ("信息来源", "某某市统计局", "publisher", "某某市统计局"),
    ("发布日期", "2024-06-05", "publish_date", "2024-06-05"),
    ("发布时间", "2024-06-05 10:00", "publish_date", "2024-06-05"),
    ("公开日期", "2024年6月5日", "publish_date", "2024-06-05"),
    ("成文日期", "2024-05-30", "written_date", "2024-05-30"),
    ("成文时间", "2024年5月30日", "written_date", "2024-05-30"),
    ("有效性", "有效", "validity", "有效"),
    ("时效性", "已废止", "validity", "已废止"),
])
@pytest.mark.parametrize("layout", ["horizontal", "vertical", "inline"])
def test_synonym_labels_in_every_layout(label: str, value: str, field: str, want: str, layout: str) -> None:
    cells = {"horizontal": f"<table><tr><td>{label}：</td><td>{value}</td><td>主题分类：</td><td>综合政务</td></tr></table>",
             "vertical": f"<table><tr><th>{label}</th><th>备注</th></tr><tr><td>{value}</td><td></td></tr></table>",
             "inline": f"<div class='info'>{label}：{value}浏览次数：35</div>"}
    got = extract_page(page(cells[layout] + BODY), URL)
    assert got[field] == want


def test_generation_date_is_not_a_synonym_of_the_written_date() -> None:
    body = "<table><tr><th>生成日期</th><th>发布日期</th></tr><tr><td>2024-06-04</td><td>2024-06-05</td></tr></table>"
    got = extract_article(page(body + BODY), URL)
    assert (got.written_date, got.publish_date.isoformat()) == (None, "2024-06-05")


@pytest.mark.parametrize("value", ["某某市人民政府办公室", "备注", "2024-06-05", "无", "见附件"])
def test_a_number_slot_holding_no_number_is_empty(value: str) -> None:
    body = f"<table><tr><td>发文字号：</td><td>{value}</td><td>发布日期：</td><td>2024-06-05</td></tr></table>"
    assert extract_article(page(body + BODY), URL).doc_number is None


@pytest.mark.parametrize("number", ["某府发[2024]3号", "某府发（2024）3号", "某府发2024年3号", "某府发〔24〕3号",
                                    "某府发〔2024〕03号", "某府发〔2024〕第3号", "某府发〔2024〕号", "某政办發〔2024〕3號",
                                    "国务院令第707号", "2024年第5号"])
def test_malformed_but_plausible_numbers_are_kept_as_written(number: str) -> None:
    body = f"<table><tr><td>文号：</td><td>{number}</td></tr></table>"
    assert extract_article(page(body + BODY), URL).doc_number == number


def test_an_organisation_in_the_number_cell_leaves_room_for_the_red_header_number() -> None:
    body = """<table><tr><td>文号：</td><td>某某市人民政府办公室</td></tr></table>
<div class="TRS_Editor"><p>某某市人民政府办公室文件</p><p>某府办发〔2024〕8号</p><p>关于做好防汛工作的通知</p>
<p>各区人民政府：现将有关事项通知如下。</p></div>"""
    assert extract_article(page(body), URL).doc_number == "某府办发〔2024〕8号"


def test_empty_slots_outside_tables() -> None:
    body = """<dl class="meta"><dt>发布机构：</dt><dd></dd><dt>发文字号：</dt><dd></dd></dl>
<div class="dept">某某市人民政府办公室</div>
<p class="line"><span>来源：</span><span></span> <span>某某日报社</span></p>""" + BODY
    got = extract_article(page(body), URL)
    assert (got.publisher, got.doc_number) == ("某某日报社", None)


def test_a_value_on_the_next_line_stops_at_the_next_label() -> None:
    body = "<div>来源：</div><div>广州市某区统计局发布日期：2024-06-05</div>" + BODY
    assert extract_article(page(body), URL).publisher == "广州市某区统计局"


@pytest.mark.parametrize(("text", "publisher", "day"), [
    ("来源：广州市某区统计局发布日期：2024-06-05", "广州市某区统计局", "2024-06-05"),
    ("發佈機構：廣州市某區統計局發佈時間：2024年06月05日", "廣州市某區統計局", "2024-06-05"),
    ("发布日期：2024-06-05来源：广州市某区统计局作者：张三", "广州市某区统计局", "2024-06-05"),
])
def test_one_text_node_with_several_pairs_is_split_at_each_label(text: str, publisher: str, day: str) -> None:
    got = extract_article(page(f"<div class='info'>{text}</div>" + BODY), URL)
    assert (got.publisher, got.publish_date.isoformat()) == (publisher, day)


def _document(*lines: str) -> str:
    return page('<div class="TRS_Editor">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>")


def test_number_under_the_red_header_in_year_form() -> None:
    html = _document("某某县人民政府办公室文件", "某县政办发2024年12号", "关于某某的通知", "各乡镇人民政府：现将有关事项通知如下。")
    assert extract_article(html, URL).doc_number == "某县政办发2024年12号"


@pytest.mark.parametrize("lines", [
    ("某某市人民政府文件", "某府文〔2024〕5号　签发人：张三", "关于某某的请示", "市政府：现将有关事项请示如下。"),
    ("关于某某的通知", "各区人民政府：", "某府发〔2024〕3号", "现将有关事项通知如下。"),
    ("关于某某的通知", "根据某府发〔2024〕3号文件精神，现将有关事项通知如下。"),
])
def test_number_not_standing_alone_in_the_header_is_not_the_documents(lines: tuple[str, ...]) -> None:
    assert extract_article(_document(*lines), URL).doc_number is None
