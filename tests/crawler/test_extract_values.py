"""Plausibility of metadata values: a value must be what its field holds, else the field is None."""

from __future__ import annotations

import pytest

from gongkai.crawler.extract.values import doc_number, index_number, is_doc_number, publisher, validity


@pytest.mark.parametrize("text", [
    "国发〔2019〕5号", "遼政辦發〔2020〕13號", "某府发[2024]3号", "某府发（2024）3号", "某府发(2024)3号",
    "某府发【2024】3号", "某府发［2024］3号", "某府发〔24〕3号", "某府发〔2024〕03号", "某府发〔2024〕第3号",
    "某府发〔2024〕号", "某府发2024年3号", "某府发2024第3号", "某府发2024-3号", "某府发 〔2024〕 3 号", "教思政厅函〔2024〕10号", "国务院令第707号",
    "某某市人民政府公告2024年第5号", "2024年第5号", "LNGS—2017—9", "某府发〔２０２４〕３号",
])
def test_numbers_even_malformed_ones_are_numbers(text: str) -> None:
    assert is_doc_number(text)


@pytest.mark.parametrize("text", [
    "备注", "某某市人民政府办公室", "广州市某区统计局", "2024-06-05", "2024年6月5日", "无", "〔2024〕3号",
    "3号", "某府发〔2024〕3号文件精神", "根据某府发〔2024〕3号，", "000014349/2019-00007", "某某市第3号", "东风路20081号", "",
    "某府发〔2024〕3号" + "某" * 40,
])
def test_labels_organisations_dates_and_sentences_are_not_numbers(text: str) -> None:
    assert not is_doc_number(text)


@pytest.mark.parametrize(("value", "want"), [
    ("某府发〔2024〕3号 下载", "某府发〔2024〕3号"),
    ("某府发 〔2024〕 3号 备注：无", "某府发 〔2024〕 3号"),
    ("某某市人民政府办公室", ""),
    ("备注", ""),
])
def test_doc_number_keeps_the_number_as_written_and_drops_what_follows(value: str, want: str) -> None:
    assert doc_number(value) == want


@pytest.mark.parametrize(("value", "want"), [
    ("000014349/2019-00007", "000014349/2019-00007"), ("360A12-07-2024-0008-1", "360A12-07-2024-0008-1"),
    ("014742224A/2023-0043406 主题分类", "014742224A/2023-0043406"),
    ("某某市人民政府", ""), ("备注", ""), ("ABCD", ""), ("2024", "2024"),
])
def test_index_numbers_are_codes(value: str, want: str) -> None:
    assert index_number(value) == want


@pytest.mark.parametrize(("value", "want"), [
    ("国务院办公厅", "国务院办公厅"), ("新华社", "新华社"), ("国务院办公厅 中央军委办公厅", "国务院办公厅 中央军委办公厅"),
    ("山西日报 打印 收藏", "山西日报"), ("2024-06-05", ""), ("2024年6月5日 10:00", ""), ("发布日期：", ""),
    ("备注", ""), ("某府发〔2024〕3号", ""), ("无", ""), ("", ""),
])
def test_publishers_are_bodies_not_dates_labels_or_numbers(value: str, want: str) -> None:
    assert publisher(value) == want


@pytest.mark.parametrize(("value", "want"), [("有效", "有效"), ("已废止", "已废止"), ("关于印发某某办法的通知", "")])
def test_validity_is_a_status(value: str, want: str) -> None:
    assert validity(value) == want
