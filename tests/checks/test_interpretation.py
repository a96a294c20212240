"""政策解读: matching by links and titles, deadlines across 调休 weekends, exempt documents."""

from __future__ import annotations

from datetime import date

from gongkai.checks.interpretation import is_interpretation, named_keys, title_keys

H = "http://www.dl.gov.cn/"


def _seed(audit) -> None:
    # 劳动节: 2024-04-28 (Sun) worked, 05-01..05-05 off → 3rd working day after 04-29 is 05-07.
    audit.document(H + "zfwj/202404/t20240429_1.html", "大连市人民政府办公室关于印发大连市促进消费若干措施的通知",
                   "2024-04-29", doc_number="大政办发〔2024〕12号",
                   related=[{"url": H + "zcjd/202405/t20240507_2.html", "text": "相关解读"}])
    audit.document(H + "zcjd/202405/t20240507_2.html", "《大连市促进消费若干措施》政策解读", "2024-05-07",
                   column_type="interpretations")
    # 05-11 (Sat) was worked: the 3rd working day after Wed 05-08 is 05-11, so Monday 05-13 is late.
    audit.document(H + "zfwj/202405/t20240508_3.html", "大连市人民政府关于加强城市更新工作的意见", "2024-05-08",
                   doc_number="大政发〔2024〕8号")
    audit.document(H + "zcjd/202405/t20240513_4.html", "一图读懂《关于加强城市更新工作的意见》", "2024-05-13",
                   column_type="interpretations")
    # Traditional characters and a 关于印发 wrapper; only the title names the policy.
    audit.document(H + "gfxwj/202406/t20240603_5.html", "大连市人民政府关于印发大连市优化营商环境条例实施办法的通知",
                   "2024-06-03", column_type="normative_docs", doc_number="大政发〔2024〕10号")
    audit.document(H + "zcjd/202406/t20240604_6.html", "《大連市優化營商環境條例實施辦法》解讀", "2024-06-04",
                   column_type="interpretations")
    # The interpretation page links back to its policy: matched by link although titles differ.
    audit.document(H + "zfwj/202406/t20240611_7.html", "大连市人民政府关于支持民营经济发展的若干政策", "2024-06-11")
    audit.document(H + "zcjd/202406/t20240612_8.html", "图解：民营经济二十条", "2024-06-12",
                   column_type="interpretations", links=[{"target": H + "zfwj/202406/t20240611_7.html", "text": "原文"}])
    # No interpretation, deadline passed.
    audit.document(H + "zfwj/202406/t20240603_9.html", "大连市人民政府关于进一步做好稳就业工作的通知", "2024-06-03")
    # No interpretation yet, not due at as_of 2024-07-02 (due 07-03).
    audit.document(H + "zfwj/202406/t20240628_10.html", "大连市人民政府关于做好防汛工作的通知", "2024-06-28")
    # Exempt and other bodies' documents.
    audit.document(H + "zfwj/202405/t20240520_11.html", "大连市人民政府关于张三等同志职务任免的通知", "2024-05-20")
    audit.document(H + "zfwj/202405/t20240521_12.html", "大连市人民政府办公室关于转发辽宁省促进消费若干措施的通知",
                   "2024-05-21")
    audit.document(H + "zfwj/202405/t20240522_13.html", "辽宁省人民政府关于推进乡村振兴的意见", "2024-05-22",
                   publisher="辽宁省人民政府")
    # Published before the period: not a subject.
    audit.document(H + "zfwj/202403/t20240301_14.html", "大连市人民政府关于春季植树的通知", "2024-03-01")


def test_interpretation_rules_judge_each_policy_of_the_period(make_audit) -> None:
    audit = make_audit(as_of=date(2024, 7, 2))
    _seed(audit)
    late = audit.by_subject("interpretation.late")
    missing = audit.by_subject("interpretation.missing")
    unlinked = audit.by_subject("interpretation.unlinked")

    p1, p2, p5, p7 = (H + u for u in ("zfwj/202404/t20240429_1.html", "zfwj/202405/t20240508_3.html",
                                       "gfxwj/202406/t20240603_5.html", "zfwj/202406/t20240611_7.html"))
    assert late[p1].status == "pass" and late[p1].evidence["deadline"] == "2024-05-07"
    assert unlinked[p1].status == "pass"
    assert late[p2].status == "fail" and late[p2].evidence["deadline"] == "2024-05-11"
    assert unlinked[p2].status == "fail" and unlinked[p2].evidence["matched_by"] == "title"
    assert missing[p5].status == "pass" and unlinked[p5].status == "fail"
    assert unlinked[p7].status == "pass" and late[p7].status == "pass"

    assert missing[H + "zfwj/202406/t20240603_9.html"].status == "fail"
    assert late[H + "zfwj/202406/t20240603_9.html"].status == "not_applicable"
    assert missing[H + "zfwj/202406/t20240628_10.html"].status == "not_applicable"
    assert "任免" in missing[H + "zfwj/202405/t20240520_11.html"].reason
    assert missing[H + "zfwj/202405/t20240520_11.html"].status == "not_applicable"
    assert "转发" in missing[H + "zfwj/202405/t20240521_12.html"].reason
    assert "非本机关" in missing[H + "zfwj/202405/t20240522_13.html"].reason
    assert H + "zfwj/202403/t20240301_14.html" not in missing
    # interpretations themselves are not policies
    assert not any("zcjd" in s for s in missing)


def test_national_day_makeup_days_count_as_working_days(make_audit) -> None:
    audit = make_audit(period="2024", as_of=date(2024, 12, 31))
    # 09-29 (Sun) worked, 10-01..10-07 off: the 3rd working day after Fri 09-27 is 10-08.
    audit.document(H + "zfwj/202409/t20240927_1.html", "大连市人民政府关于促进旅游消费的通知", "2024-09-27",
                   related=[{"url": H + "zcjd/202410/t20241008_2.html", "text": "政策解读"}])
    audit.document(H + "zcjd/202410/t20241008_2.html", "关于促进旅游消费的通知的解读", "2024-10-08",
                   column_type="interpretations")
    # 10-12 (Sat) worked: the 3rd working day after Wed 10-09 is 10-12, Monday 10-14 is late.
    audit.document(H + "zfwj/202410/t20241009_3.html", "大连市人民政府关于做好秋冬季农业生产的通知", "2024-10-09",
                   related=[{"url": H + "zcjd/202410/t20241014_4.html", "text": "解读"}])
    audit.document(H + "zcjd/202410/t20241014_4.html", "秋冬季农业生产政策问答", "2024-10-14",
                   column_type="interpretations")
    late = audit.by_subject("interpretation.late")
    assert late[H + "zfwj/202409/t20240927_1.html"].status == "pass"
    assert late[H + "zfwj/202410/t20241009_3.html"].status == "fail"
    assert late[H + "zfwj/202410/t20241009_3.html"].evidence["deadline"] == "2024-10-12"


def test_year_without_official_calendar_is_unknown(make_audit) -> None:
    audit = make_audit(period="2027Q1", as_of=date(2027, 5, 1))
    audit.document(H + "zfwj/202701/t20270111_1.html", "大连市人民政府关于做好春节期间安全生产的意见", "2027-01-11")
    audit.document(H + "zfwj/202701/t20270112_2.html", "大连市人民政府关于促进文旅融合的意见", "2027-01-12",
                   related=[{"url": H + "zcjd/202701/t20270120_3.html", "text": "解读"}])
    audit.document(H + "zcjd/202701/t20270120_3.html", "《关于促进文旅融合的意见》解读", "2027-01-20",
                   column_type="interpretations")
    missing = audit.by_subject("interpretation.missing")
    late = audit.by_subject("interpretation.late")
    assert missing[H + "zfwj/202701/t20270111_1.html"].status == "unknown"
    assert late[H + "zfwj/202701/t20270112_2.html"].status == "unknown"


def test_region_parameter_overrides_working_days(make_audit) -> None:
    audit = make_audit(region="黑龙江省哈尔滨市", name="哈尔滨市人民政府")
    rule = audit.rules["interpretation.late"].model_copy(
        update={"params_by_region": {"黑龙江": {"working_days": 5}}})
    audit.document(H + "zfwj/202405/t20240508_1.html", "哈尔滨市人民政府关于加强城市更新工作的意见", "2024-05-08",
                   related=[{"url": H + "zcjd/202405/t20240513_2.html", "text": "解读"}])
    audit.document(H + "zcjd/202405/t20240513_2.html", "解读", "2024-05-13", column_type="interpretations")
    [res] = audit.run("interpretation.late", rule)
    assert res.status == "pass" and res.evidence["working_days"] == 5


def test_classification_and_title_keys() -> None:
    assert is_interpretation({"title": "一图读懂2024年政府工作报告", "column_types": ["news"]})
    assert not is_interpretation({"title": "关于印发《政策解读工作办法》的通知", "column_types": ["policy_docs"]})
    assert is_interpretation({"title": "大连市发展改革委负责人答记者问", "column_types": []})
    keys = title_keys("大连市人民政府办公室关于印发《大连市促进消费若干措施》的通知")
    assert "大连市促进消费若干措施" in keys
    assert named_keys("一图读懂大连市促进消费若干措施") & keys


def test_an_interpretation_published_after_as_of_did_not_exist_yet(make_audit):
    audit = make_audit(as_of=date(2024, 7, 15))
    policy = audit.home + "zcwj/202406/t20240603_1.html"
    audit.document(policy, "大连市人民政府关于加强安全生产工作的意见", "2024-06-03", doc_number="大政发〔2024〕8号")
    audit.document(audit.home + "zcjd/202409/t20240901_2.html", "《大连市人民政府关于加强安全生产工作的意见》政策解读",
                   "2024-09-01", column_type="interpretations", related=[{"url": policy, "text": "原文"}])
    assert audit.by_subject("interpretation.missing")[policy].status == "fail"


def _pairwise(index, policy: dict) -> set[str]:
    """The matching rule written pair by pair, as the indexes must answer it: a named title equal
    to a title key of the policy, or one of LONG_KEY characters or more inside its compact title."""
    from gongkai.checks.interpretation import LONG_KEY
    from gongkai.text import compact

    pkeys, full, purls = title_keys(policy["title"]), compact(policy["title"]), {policy["url"]}
    return {url for url, keys in index.keys.items()
            if url not in purls and (keys & pkeys or any(len(k) >= LONG_KEY and k in full for k in keys))}


def test_title_matching_by_index_agrees_with_every_pair(make_audit) -> None:
    """Policies and interpretations whose titles share words, contain each other, repeat a long key
    at several places or in traditional form: each policy's title matches are those of the pairwise
    definition (the indexes replaced a try of every policy against every interpretation)."""
    from gongkai.checks.interpretation import site_index

    audit = make_audit(as_of=date(2024, 7, 15))
    topics = ["促进消费若干措施", "加强城市更新工作的意见", "优化营商环境条例实施办法", "支持民营经济发展",
              "进一步做好稳就业工作", "城市更新", "促进消费"]
    for n, topic in enumerate(topics):
        audit.document(f"{H}zfwj/202405/t202405{n + 10:02d}_{n}.html", f"大连市人民政府关于印发大连市{topic}的通知",
                       "2024-05-10")
        audit.document(f"{H}zfwj/202405/t202405{n + 10:02d}_{n + 50}.html", f"关于{topic}的补充通知（{topic}）",
                       "2024-05-10")
    for n, title in enumerate(["进一步落实优化营商环境条例实施办法", "优化营商环境条例实施办法配套措施",
                               "关于落实稳就业八项新措施"]):   # a long key at either end, one of exactly LONG_KEY
        audit.document(f"{H}zfwj/202405/t20240530_{n}.html", title, "2024-05-10")
    named = [f"《大连市{t}》政策解读" for t in topics] + [f"一图读懂{t}" for t in topics] + [
        "《大連市促進消費若干措施》解讀", "图解：市政府关于加强城市更新工作的意见和促进消费若干措施", "答记者问：稳就业",
        "一图读懂稳就业八项新措施"]
    for n, title in enumerate(named):
        audit.document(f"{H}zcjd/202405/t20240520_{n}.html", title, "2024-05-20", column_type="interpretations")
    view = audit.view()
    index = site_index(view, audit.site_info(view))
    policies = view.documents(audit.site, "policy_docs")
    assert len(index.interpretations) == len(named) and len(policies) == 2 * len(topics) + 3
    matched = 0
    for policy in policies:
        got = {i.url for i in index._titled(policy, frozenset({policy["url"]}))}
        assert got == _pairwise(index, policy), policy["title"]
        matched += bool(got)
    assert matched >= len(topics)   # the titles were built to match: the comparison is not of empty sets
