"""发文字号 form on the original characters; 令, 公告 and 统一编号 are other numbering systems."""

from __future__ import annotations

import pytest

from gongkai.checks.docnumber import number_problems

H = "http://www.dl.gov.cn/"


@pytest.mark.parametrize(("number", "malformed"), [
    ("大政发〔2024〕12号", False),
    ("遼政辦發〔2020〕13號", False),
    ("国办发〔2016〕19 号", False),
    ("国令第707号", False),
    ("大连市人民政府令第5号", False),
    ("2024年第5号", False),
    ("XXGS—2017—9", False),
    ("〔2024〕 号", True),
    ("侖政辦〔2015〕 號", True),
    ("大政发[2024]12号", True),
    ("大政发（2024）12号", True),
    ("大政发【2024】12号", True),
    ("大政发〔24〕12号", True),
    ("大政发〔2024〕012号", True),
    ("大政发〔2024〕第12号", True),
])
def test_number_forms(number: str, malformed: bool) -> None:
    assert bool(number_problems(number)[1]) is malformed


def test_docnumber_rule_on_documents(audit) -> None:
    audit.document(H + "zfwj/202404/t20240410_1.html", "关于印发工作要点的通知", "2024-04-10", doc_number="大政发〔2024〕 号")
    audit.document(H + "zfwj/202404/t20240411_2.html", "大连市人民政府令", "2024-04-11", doc_number="大连市人民政府令第12号")
    audit.document(H + "zfwj/202404/t20240412_3.html", "关于开展检查的通知", "2024-04-12", doc_number="大政办发[2024]3号")
    audit.document(H + "zfwj/202404/t20240413_4.html", "新闻", "2024-04-13")
    audit.document(H + "zfwj/202401/t20240105_5.html", "旧文件", "2024-01-05", doc_number="大政发[2024]1号")
    results = audit.by_subject("docnumber.malformed")
    assert results[H + "zfwj/202404/t20240410_1.html"].status == "fail"
    assert "缺少发文顺序号" in results[H + "zfwj/202404/t20240410_1.html"].reason
    assert results[H + "zfwj/202404/t20240411_2.html"].status == "pass"
    assert results[H + "zfwj/202404/t20240412_3.html"].status == "fail"
    assert H + "zfwj/202404/t20240413_4.html" not in results    # no 发文字号
    assert H + "zfwj/202401/t20240105_5.html" not in results    # published before the period


def test_a_repost_of_another_bodys_document_is_not_judged(audit):
    url = audit.home + "zcwj/zhuanfa.html"
    audit.document(url, "大连市人民政府办公室转发省财政厅关于加强预算管理的通知的通知", "2024-05-10",
                   doc_number="辽财预[2024]5号")
    assert audit.by_subject("docnumber.malformed")[url].status == "not_applicable"


def test_a_jointly_issued_document_is_the_bodys_own(audit):
    from gongkai.checks.scope import ownership

    view = audit.view()
    doc = {"title": "中共大连市委办公室 大连市人民政府办公室关于印发某方案的通知", "publisher": None}
    assert ownership(doc, audit.site_info(view)) == "own"
