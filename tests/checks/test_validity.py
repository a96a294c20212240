"""规范性文件 有效性 marking: a field or a title mark; other columns and bodies are out of scope."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"


def test_validity_marking(audit) -> None:
    col = H + "gfxwj/"
    audit.document(H + "gfxwj/202404/t20240410_1.html", "大连市城市绿化管理办法", "2024-04-10",
                   column_type="normative_docs", column_url=col, validity="有效")
    audit.document(H + "gfxwj/202404/t20240411_2.html", "大连市物业管理实施细则", "2024-04-11",
                   column_type="normative_docs", column_url=col)
    audit.document(H + "gfxwj/202404/t20240412_3.html", "【已失效】大连市旧城改造暂行办法", "2024-04-12",
                   column_type="normative_docs", column_url=col)
    audit.document(H + "zfwj/202404/t20240413_4.html", "大连市人民政府关于开展检查的通知", "2024-04-13")
    results = audit.by_subject("validity.unmarked")
    assert results[H + "gfxwj/202404/t20240410_1.html"].status == "pass"
    assert results[H + "gfxwj/202404/t20240411_2.html"].status == "fail"
    assert results[H + "gfxwj/202404/t20240412_3.html"].status == "pass"
    assert H + "zfwj/202404/t20240413_4.html" not in results


def test_a_page_listed_in_two_columns_belongs_to_both(audit):
    """Whichever column fetched it first, a normative document listed under 政策文件 too is judged."""
    gfx, zcwj = audit.home + "gfxwj/", audit.home + "zcwj/"
    audit.column("normative_docs", gfx, "规范性文件")
    audit.column("policy_docs", zcwj, "政策文件")
    url = audit.home + "zcwj/202405/t20240522_1.html"
    audit.page(gfx, "list", list_items=[{"column_url": gfx, "title": "某办法", "url": url, "date": "2024-05-22"}])
    audit.page(zcwj, "list", list_items=[{"column_url": zcwj, "title": "某办法", "url": url, "date": "2024-05-22"}])
    audit.document(url, "大连市人民政府关于印发某办法的通知", "2024-05-22", column_type="policy_docs",
                   column_url=zcwj, doc_number="大政规〔2024〕1号")
    assert audit.by_subject("validity.unmarked")[url].status == "fail"
