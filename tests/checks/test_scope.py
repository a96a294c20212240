"""Whose documents: loose body-name comparison, issuers, exempt categories."""

from __future__ import annotations

import pytest

from gongkai.checks.scope import exemption, issuing_body, same_body

ALL = ["repost", "decree", "minutes", "holiday", "draft", "appointment", "commendation"]


@pytest.mark.parametrize(("name", "site", "same"), [
    ("区政府办公室", "宁波市北仑区人民政府", True),
    ("北侖區人民政府辦公室", "宁波市北仑区人民政府", True),
    ("宁波市人民政府办公厅", "宁波市北仑区人民政府", False),
    ("市政府办公室", "宁波市北仑区人民政府", False),
    ("大连市人民政府办公室", "大连市人民政府门户网站", True),
    ("大连市", "大连市人民政府", True),
    ("大连市", "大连市财政局", False),
    ("市财政局", "大连市财政局", True),
    ("甘井子区财政局", "大连市财政局", False),
    ("辽宁省人民政府", "大连市人民政府", False),
    ("友谊街道", "大连市金州区友谊街道办事处", True),
    ("大连市财政局 大连市发展和改革委员会", "大连市发展和改革委员会", True),
])
def test_same_body(name: str, site: str, same: bool) -> None:
    assert same_body(name, site) is same


def test_issuing_body_and_exemption() -> None:
    assert issuing_body({"title": "国务院办公厅关于印发某方案的通知"}) == "国务院办公厅"
    assert issuing_body({"title": "关于印发某方案的通知"}) is None
    assert issuing_body({"title": "x", "publisher": "市政府办公室"}) == "市政府办公室"
    # the 发文机关 in the title wins over a 发布机构 field naming the drafting department
    assert issuing_body({"title": "大连市人民政府关于促进消费的意见", "publisher": "市商务局"}) == "大连市人民政府"
    assert exemption({"title": "關於轉發省政府文件的通知"}, ALL)[0] == "转发文件"
    assert exemption({"title": "大连市人民政府令", "doc_number": "第12号"}, ALL)[0] == "政府令（规章）"
    assert exemption({"title": "规章", "doc_number": "大连市人民政府令第12号"}, ALL)[0] == "政府令（规章）"
    assert exemption({"title": "关于2024年劳动节放假安排的通知"}, ALL)[0] == "放假通知"
    assert exemption({"title": "关于加强城市更新工作的意见"}, ALL) is None
    assert exemption({"title": "关于转发某文件的通知"}, ["holiday"]) is None
    with pytest.raises(ValueError, match="unknown exempt category"):
        exemption({"title": "x"}, ["nonsense"])
