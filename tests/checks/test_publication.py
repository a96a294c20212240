"""20 working days from 成文日期 to publication (条例 第二十六条), 调休 and bulk back-fills."""

from __future__ import annotations

from datetime import date

H = "http://www.dl.gov.cn/"


def test_deadline_across_national_day(make_audit) -> None:
    audit = make_audit(period="2024Q4", as_of=date(2024, 12, 31))
    # 20 working days after 2024-09-20 is 10-23 (09-29 and 10-12 worked, 10-01..10-07 off).
    audit.document(H + "zfwj/202410/t20241023_1.html", "大连市人民政府关于秋季防火的通知", "2024-10-23",
                   written_date="2024-09-20", doc_number="大政发〔2024〕30号")
    audit.document(H + "zfwj/202410/t20241024_2.html", "大连市人民政府关于冬季供暖的通知", "2024-10-24",
                   written_date="2024-09-20", doc_number="大政发〔2024〕31号")
    audit.document(H + "zfwj/202410/t20241025_3.html", "大连市人民政府工作动态", "2024-10-25")
    results = audit.by_subject("publication.late")
    assert results[H + "zfwj/202410/t20241023_1.html"].status == "pass"
    late = results[H + "zfwj/202410/t20241024_2.html"]
    assert late.status == "fail" and late.evidence["deadline"] == "2024-10-23"
    assert results[H + "zfwj/202410/t20241025_3.html"].status == "not_applicable"


def test_bulk_backfill_is_one_result(audit) -> None:
    for i in range(6):
        audit.document(H + f"zfwj/202405/t20240520_{i}.html", f"大连市人民政府关于第{i}项工作的通知", "2024-05-20",
                       written_date=f"2019-0{i + 1}-10", doc_number=f"大政发〔2019〕{i + 1}号")
    audit.document(H + "zfwj/202405/t20240521_9.html", "大连市人民政府关于迟发文件的通知", "2024-05-21",
                   written_date="2024-03-01", doc_number="大政发〔2024〕9号")
    results = audit.run("publication.late")
    backfill = [r for r in results if r.evidence.get("backfill")]
    assert len(backfill) == 1 and backfill[0].status == "unknown" and backfill[0].evidence["count"] == 6
    assert backfill[0].subject == H + "policy_docs/"
    fails = [r for r in results if r.status == "fail"]
    assert [r.subject for r in fails] == [H + "zfwj/202405/t20240521_9.html"]


def test_unknown_calendar_year(make_audit) -> None:
    audit = make_audit(period="2027Q1", as_of=date(2027, 6, 1))
    audit.document(H + "zfwj/202703/t20270301_1.html", "大连市人民政府关于春耕的通知", "2027-03-01",
                   written_date="2027-01-04", doc_number="大政发〔2027〕1号")
    [res] = audit.run("publication.late")
    assert res.status == "unknown"
