"""年度报告: the body's own report on the previous year, deadline by site kind (条例 第四十九条)."""

from __future__ import annotations

from datetime import date

H = "http://www.dl.gov.cn/"
COL = H + "xxgk/ndbg/"


def test_government_report_on_time_and_departments_ignored(make_audit) -> None:
    audit = make_audit(period="2024Q2", as_of=date(2024, 7, 15))
    audit.column("annual_reports", COL, "政府信息公开年报")
    audit.page(COL, "list", title="年报", list_items=[
        {"title": "大连市财政局2023年政府信息公开工作年度报告", "url": COL + "202401/t20240125_1.html", "date": "2024-01-25"},
        {"title": "关于转发2023年度政府信息公开工作年度报告的通知", "url": COL + "202402/t20240201_2.html", "date": "2024-02-01"},
        {"title": "大连市人民政府2023年政府信息公开工作年度报告", "url": COL + "202403/t20240329_3.html", "date": "2024-03-29"},
        {"title": "大连市人民政府2022年政府信息公开工作年度报告", "url": COL + "202303/t20230330_4.html", "date": "2023-03-30"},
    ])
    [missing] = audit.run("annual_report.missing")
    [late] = audit.run("annual_report.late")
    assert missing.status == "pass" and missing.period == "2023" and missing.subject == COL
    assert late.status == "pass" and late.subject == COL + "202403/t20240329_3.html"
    assert missing.evidence["others"][0]["title"].startswith("大连市财政局")


def test_department_deadline_is_january(make_audit) -> None:
    audit = make_audit(period="2024Q1", as_of=date(2024, 4, 10), name="大连市财政局", kind="department",
                       home="http://czj.dl.gov.cn/")
    audit.column("annual_reports", "http://czj.dl.gov.cn/ndbg/", "年报")
    audit.document("http://czj.dl.gov.cn/ndbg/202402/t20240205_1.html", "大连市财政局2023年政府信息公开工作年度报告",
                   "2024-02-05", column_type="annual_reports", column_url="http://czj.dl.gov.cn/ndbg/")
    [late] = audit.run("annual_report.late")
    assert late.status == "fail" and late.evidence["deadline"] == "2024-01-31"


def test_missing_not_yet_due_and_overdue(make_audit) -> None:
    early = make_audit(period="2024Q1", as_of=date(2024, 3, 20))
    early.column("annual_reports", COL, "年报")
    assert early.run("annual_report.missing")[0].status == "not_applicable"
    overdue = make_audit(period="2024Q2", as_of=date(2024, 7, 15))
    overdue.column("annual_reports", COL, "年报")
    overdue.page(COL, "list", title="年报", list_items=[
        {"title": "大连市人民政府2022年政府信息公开工作年度报告", "url": COL + "a.html", "date": "2023-03-30"}])
    [res] = overdue.run("annual_report.missing")
    assert res.status == "fail" and res.period == "2023"
    assert overdue.run("annual_report.late")[0].status == "not_applicable"


def test_township_deadline_is_a_parameter(make_audit) -> None:
    audit = make_audit(period="2024Q2", as_of=date(2024, 7, 1), name="大连市金州区友谊街道办事处", kind="township")
    rule = audit.rules["annual_report.late"]
    rule = rule.model_copy(update={"params_by_kind": {**rule.params_by_kind, "township": {"deadline": "02-28"}}})
    audit.document(H + "ndbg/202403/t20240315_1.html", "2023年度友谊街道政府信息公开工作年度报告", "2024-03-15",
                   column_type="annual_reports")
    [res] = audit.run("annual_report.late", rule)
    assert res.status == "fail" and res.evidence["deadline"] == "2024-02-28"


def test_no_annual_report_column_found_is_unknown_not_missing(make_audit) -> None:
    audit = make_audit(period="2024Q2", as_of=date(2024, 7, 15))
    audit.page(audit.home, "home", title="大连市人民政府")
    [res] = audit.run("annual_report.missing")
    assert res.status == "unknown" and "未发现年报栏目" in res.reason
