"""Label/value tables read as grids, in either orientation (crawler/extract/grid.py)."""

from __future__ import annotations

from lxml import etree

from gongkai.crawler.extract.dom import parse
from gongkai.crawler.extract.fields import EMPTY
from gongkai.crawler.extract.grid import table_lines


def _table(markup: str) -> etree._Element:
    return next(parse(f"<html><body>{markup}</body></html>").iter("table"))


def test_header_row_pairs_each_label_with_the_cell_below() -> None:
    table = _table("""<table><tr><td>索取号</td><td>发布时间</td><td>发布机构</td><td>文件编号</td><td>备注</td></tr>
<tr><td>A-2024-1</td><td>2024-06-05</td><td>某局</td><td>某发〔2024〕1号</td><td></td></tr></table>""")
    assert table_lines(table) == ["索取号：A-2024-1", "发布时间：2024-06-05", "发布机构：某局", "文件编号：某发〔2024〕1号",
                                  f"备注：{EMPTY}"]


def test_stacked_header_rows_and_colspan_keep_their_columns() -> None:
    table = _table("""<table><tr><th>索引号：</th><th colspan="2">标题：</th><th>文号：</th></tr>
<tr><td>A1</td><td colspan="2">某通知</td><td>某发〔2024〕2号</td></tr>
<tr><th>发布日期</th><th>有效性</th><th>成文日期</th><th>公开方式</th></tr>
<tr><td>2024-06-05</td><td>有效</td><td></td><td>主动公开</td></tr></table>""")
    assert table_lines(table) == ["索引号：A1", "标题：某通知", "文号：某发〔2024〕2号", "发布日期：2024-06-05", "有效性：有效",
                                  f"成文日期：{EMPTY}", "公开方式：主动公开"]


def test_label_cells_pair_with_their_right_neighbour() -> None:
    table = _table("""<table><tr><td>索引号：</td><td>A1</td><td>文号：</td><td></td><td>发布机构：</td><td>某局</td></tr>
<tr><td>有效性：</td><td>发布日期：2024-06-05</td></tr><tr><td colspan="2">关于某某的通知</td></tr></table>""")
    assert table_lines(table) == ["索引号：A1", f"文号：{EMPTY}", "发布机构：某局", f"有效性：{EMPTY}", "发布日期：2024-06-05",
                                  "关于某某的通知"]


def test_a_header_over_many_rows_is_a_list_not_one_documents_metadata() -> None:
    rows = "".join(f"<tr><td>某发〔2024〕{n}号</td><td>2024-06-0{n}</td></tr>" for n in (1, 2, 3))
    lines = table_lines(_table(f"<table><tr><th>文号</th><th>发布日期</th></tr>{rows}</table>"))
    assert lines is not None
    assert "文号：某发〔2024〕1号" not in lines
    assert f"文号：{EMPTY}" in lines


def test_tables_without_labels_and_layout_tables_are_left_to_the_line_reader() -> None:
    assert table_lines(_table("<table><tr><td>序号</td><td>名称</td></tr><tr><td>1</td><td>某某</td></tr></table>")) is None
    outer = _table("<table><tr><td>文号：</td><td><table><tr><td>某发〔2024〕1号</td></tr></table></td></tr></table>")
    assert table_lines(outer) is None


def test_a_row_of_pairs_with_empty_values_is_not_a_header_over_the_next_row() -> None:
    table = _table("""<table><tr><td>索引号：</td><td>A1</td><td>文号：</td><td></td><td>发布机构：</td><td></td></tr>
<tr><td colspan="6">关于某某的通知</td></tr></table>""")
    assert table_lines(table) == ["索引号：A1", f"文号：{EMPTY}", f"发布机构：{EMPTY}", "关于某某的通知"]


def test_a_header_may_name_columns_outside_the_vocabulary_when_they_read_as_labels() -> None:
    table = _table("""<table><tr><td>索取号：</td><td>名称：</td><td>发布时间：</td></tr>
<tr><td>A-2024-1</td><td>关于某某的通知</td><td>2024-06-05</td></tr></table>""")
    assert table_lines(table) == ["索取号：A-2024-1", "名称：关于某某的通知", "发布时间：2024-06-05"]
