"""按月公开财政收支: months read from titles, deadlines, not-yet-due months."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.checks.fiscal import FiscalParams, covered_months, months_named

H = "http://czj.dl.gov.cn/"
COL = H + "czsz/"
PARAMS = FiscalParams()


@pytest.mark.parametrize(("title", "expected"), [
    ("2024年4月全市财政收支情况", (4, 4)),
    ("4月份全市财政收支情况", (4, 4)),
    ("2024年1-4月全市一般公共预算执行情况", (1, 4)),
    ("2024年1—4月财政收支情况", (1, 4)),
    ("1-2月财政收支情况", (1, 2)),
    ("2024年一季度财政收支情况", (1, 3)),
    ("2024年上半年财政预算执行情况", (1, 6)),
    ("2024年前三季度财政收支情况", (1, 9)),
    ("2023年全年财政收支情况", (1, 12)),
    ("十二月份财政收支情况", (12, 12)),
    ("财政收支情况分析", (None, None)),
])
def test_months_named(title: str, expected: tuple) -> None:
    assert months_named(title) == expected


def test_covered_months_title_rules() -> None:
    assert covered_months("2024年1-2月全市财政收支情况", None, PARAMS) == ((2024, 2), (2024, 1))
    assert covered_months("2024年1-3月全市固定资产投资情况", date(2024, 4, 20), PARAMS) == ()
    assert covered_months("2024年1-3月全市固定资产投资和财政收支情况", date(2024, 4, 20), PARAMS) == ()
    assert covered_months("12月份财政收支情况", date(2024, 1, 20), PARAMS) == ((2023, 12),)
    assert covered_months("財政收支情況（1-5月）", date(2024, 6, 20), PARAMS) == ((2024, 5),)


def _site(make_audit, as_of: date, period: str = "2024Q1"):
    audit = make_audit(period=period, as_of=as_of, name="大连市财政局", kind="department", home=H)
    audit.column("fiscal_monthly", COL, "财政收支")
    return audit


def test_monthly_disclosure_by_month(make_audit) -> None:
    audit = _site(make_audit, date(2024, 5, 15))
    audit.page(COL, "list", title="财政收支", list_items=[
        {"title": "2024年1-2月全市财政收支情况", "url": H + "czsz/202403/t20240320_1.html", "date": "2024-03-20"},
        {"title": "2024年一季度全市财政收支情况", "url": H + "czsz/202405/t20240510_2.html", "date": "2024-05-10"},
        {"title": "2024年1-3月全市固定资产投资情况", "url": H + "czsz/202404/t20240415_3.html", "date": "2024-04-15"},
    ])
    results = {r.period: r for r in audit.run("fiscal.monthly_disclosure")}
    assert results["2024-01"].status == "pass"      # the combined 1-2月 release covers January
    assert results["2024-02"].status == "pass"
    assert results["2024-03"].status == "fail"      # 一季度 published 05-10, due 04-30
    assert results["2024-03"].evidence["release_date"] == "2024-05-10"
    assert all(r.subject == COL for r in results.values())


def test_month_not_yet_due_and_missing(make_audit) -> None:
    audit = _site(make_audit, date(2024, 4, 15))
    audit.page(COL, "list", title="财政收支", list_items=[
        {"title": "2024年1-2月全市财政收支情况", "url": H + "czsz/202403/t20240320_1.html", "date": "2024-03-20"},
    ])
    results = {r.period: r for r in audit.run("fiscal.monthly_disclosure")}
    assert results["2024-03"].status == "not_applicable"
    audit2 = _site(make_audit, date(2024, 6, 1))
    audit2.page(COL, "list", title="财政收支", list_items=[])
    results2 = {r.period: r for r in audit2.run("fiscal.monthly_disclosure")}
    assert [results2[m].status for m in ("2024-01", "2024-02", "2024-03")] == ["fail", "fail", "fail"]


def test_documents_in_fiscal_column_count_and_blocked_column_is_unknown(make_audit) -> None:
    audit = _site(make_audit, date(2024, 6, 1))
    audit.document(H + "czsz/202404/t20240425_9.html", "2024年3月份全市财政收支情况", "2024-04-25",
                   column_type="fiscal_monthly", column_url=COL)
    results = {r.period: r for r in audit.run("fiscal.monthly_disclosure")}
    assert results["2024-03"].status == "pass"
    blocked = make_audit(period="2024Q1", as_of=date(2024, 6, 1), home=H)
    blocked.column("fiscal_monthly", COL, "财政收支", outcome="blocked")
    assert {r.status for r in blocked.run("fiscal.monthly_disclosure")} == {"unknown"}


def test_site_without_fiscal_column_is_not_applicable(audit) -> None:
    [res] = audit.run("fiscal.monthly_disclosure")
    assert res.status == "not_applicable"
