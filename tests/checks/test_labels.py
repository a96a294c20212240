"""公开属性 labels: read from their slot only; conflicts; cutoff; documents without 发文字号."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"


def test_label_presence_and_conflict(audit) -> None:
    audit.document(H + "zfwj/202404/t20240410_1.html", "大连市人民政府关于印发大连市数字经济发展规划的通知",
                   "2024-04-10", written_date="2024-04-03", doc_number="大政发〔2024〕5号",
                   label="（此件公开发布）", label_slot="signature")
    audit.document(H + "zfwj/202404/t20240411_2.html", "大连市人民政府关于调整最低工资标准的通知", "2024-04-11",
                   written_date="2024-04-08", doc_number="大政发〔2024〕6号")
    # The body quotes 此件依申请公开; nothing in the slot.
    audit.document(H + "zfwj/202404/t20240412_3.html", "大连市人民政府办公室关于规范公文公开属性标注的通知",
                   "2024-04-12", written_date="2024-04-09", doc_number="大政办发〔2024〕7号",
                   body_text="各地区印发的公文要明确标注“此件公开发布”“此件依申请公开”。", label="此件依申请公开",
                   label_slot=None)
    audit.document(H + "zfwj/202404/t20240415_4.html", "大连市人民政府办公室关于印发某项工作方案的通知",
                   "2024-04-15", written_date="2024-04-12", doc_number="大政办发〔2024〕8号",
                   label="依申请公开", label_slot="field")
    audit.document(H + "zfwj/202404/t20240416_5.html", "大连市人民政府关于表扬见义勇为人员的决定", "2024-04-16",
                   label="公开方式：主动公开", label_slot="field")
    audit.document(H + "zfwj/202404/t20240417_6.html", "大连市人民政府关于历史文件的通知", "2024-04-17",
                   written_date="2016-05-04", doc_number="大政发〔2016〕30号")
    missing = audit.by_subject("label.disclosure_attribute_missing")
    conflict = audit.by_subject("label.disclosure_attribute_conflict")
    assert missing[H + "zfwj/202404/t20240410_1.html"].status == "pass"
    assert missing[H + "zfwj/202404/t20240411_2.html"].status == "fail"
    assert missing[H + "zfwj/202404/t20240412_3.html"].status == "fail"
    assert conflict[H + "zfwj/202404/t20240412_3.html"].status == "not_applicable"
    assert conflict[H + "zfwj/202404/t20240415_4.html"].status == "fail"
    assert missing[H + "zfwj/202404/t20240415_4.html"].status == "pass"
    assert missing[H + "zfwj/202404/t20240416_5.html"].status == "not_applicable"   # no 发文字号
    assert conflict[H + "zfwj/202404/t20240416_5.html"].status == "pass"
    assert missing[H + "zfwj/202404/t20240417_6.html"].status == "not_applicable"   # 成文 before cutoff


def test_traditional_label_counts(make_audit) -> None:
    audit = make_audit(name="辽宁省人民政府", region="辽宁省")
    audit.document(H + "zfwj/202405/t20240518_1.html", "遼寧省人民政府辦公廳關於印發實施方案的通知", "2024-05-18",
                   written_date="2024-05-18", doc_number="遼政辦發〔2024〕13號", label="（此件公開發布）",
                   label_slot="signature")
    [res] = audit.run("label.disclosure_attribute_missing")
    assert res.status == "pass"
