"""Coverage: a verdict unseen items could overturn is `unknown` when its column was not read whole.

Each affected rule is run twice on the same site: with its column recorded `complete` (the
verdict stands) and `incomplete` (unknown, naming the column, its reason and the crawler's
counts).  What was seen still decides: a policy found interpreted, a fresh item, a release on
time pass whatever the coverage.
"""

from __future__ import annotations

from datetime import date

import pytest

from gongkai import store as st
from gongkai.checks.engine import run_checks

H = "http://www.dl.gov.cn/"
WHY = "列表第3页抓取失败（HTTP 500）"
COUNTS = {"announced_records": 60, "announced_pages": 3, "list_pages": 2, "list_pages_failed": 1,
          "items_listed": 40, "items_in_window": 12, "articles_fetched": 12, "articles_failed": 0}
STATES = ["complete", "incomplete"]


def cover(state: str) -> dict:
    """Column keyword arguments of the helper for a column read whole or not."""
    return {"coverage": state, "coverage_reason": WHY if state == "incomplete" else None, **COUNTS}


def assert_unknown_for_coverage(res, column_name: str) -> None:
    assert res.status == "unknown"
    assert res.reason == f"{column_name}栏目抓取不完整：{WHY}，结论无法判断"
    cov = res.evidence["coverage"]
    assert cov["complete"] is False and cov["reason"] == res.reason
    [bad] = [c for c in cov["columns"] if c["coverage"] == "incomplete"]
    assert (bad["name"], bad["reason"], bad["announced_records"], bad["items_listed"]) == (column_name, WHY, 60, 40)
    for count in ("announced_records", "items_listed", "articles_fetched"):   # totals over the columns
        assert cov[count] == sum(c[count] for c in cov["columns"])
    assert res.evidence["seen"]["status"] == "fail"


# -- the view's API ---------------------------------------------------------------------------------

def test_coverage_rolls_up_the_columns_of_the_types(audit) -> None:
    audit.column("interpretations", H + "zcjd/", "政策解读", **cover("complete"))
    audit.column("interpretations", H + "tjjd/", "图解政策", **cover("incomplete"))
    audit.column("news", H + "zwdt/", "政务动态", coverage="pending")
    view = audit.view()
    both = view.coverage(audit.site, "interpretations")
    assert not both.complete and both.columns == [H + "zcjd/", H + "tjjd/"]
    assert both.reasons == [f"图解政策栏目抓取不完整：{WHY}"]
    assert both.evidence()["items_listed"] == 80
    assert view.coverage(audit.site, "interpretations", H + "zcjd/").complete
    assert view.coverage(audit.site, ["news"]).reasons == ["政务动态栏目抓取不完整：抓取未结束"]
    none = view.coverage(audit.site, "fiscal_monthly")      # no such column: the rule's own case
    assert none.complete and none.columns == []


def test_one_list_for_two_types_counts_once(audit) -> None:
    audit.column("policy_docs", H + "wj/", "政策文件", **cover("incomplete"))
    audit.column("normative_docs", H + "wj/", "政策文件", **cover("incomplete"))
    cov = audit.view().coverage(audit.site, ["policy_docs", "normative_docs"])
    assert cov.columns == [H + "wj/"] and len(cov.reasons) == 1
    assert cov.evidence()["items_listed"] == 40


def test_unrecorded_coverage(make_audit) -> None:
    """No coverage on a column of an audit that records it: incomplete.  None anywhere: the audit
    was crawled before coverage was recorded and is judged as before."""
    recording = make_audit()
    recording.column("news", H + "zwdt/", "政务动态", coverage=None)
    recording.column("notices", H + "tzgg/", "通知公告")
    cov = recording.view().coverage(recording.site, "news")
    assert not cov.complete and cov.reasons == ["政务动态栏目抓取不完整：栏目覆盖情况未记录"]
    assert recording.by_subject("column.empty")[H + "zwdt/"].status == "unknown"

    legacy = make_audit()
    legacy.column("news", H + "zwdt/", "政务动态", coverage=None)
    assert legacy.view().coverage(legacy.site, "news").complete
    assert legacy.by_subject("column.empty")[H + "zwdt/"].status == "fail"


# -- 政策解读 ---------------------------------------------------------------------------------------

P_NONE, P_LATE, P_OK = (H + u for u in ("zfwj/202406/t20240603_9.html", "zfwj/202405/t20240508_3.html",
                                        "zfwj/202404/t20240429_1.html"))


def _policies(make_audit, interpretations: str, policies: str = "complete"):
    audit = make_audit(as_of=date(2024, 7, 2))
    audit.column("interpretations", H + "zcjd/", "政策解读", **cover(interpretations))
    audit.column("policy_docs", H + "zfwj/", "政府文件", **cover(policies))
    audit.document(P_NONE, "大连市人民政府关于进一步做好稳就业工作的通知", "2024-06-03", column_url=H + "zfwj/")
    audit.document(P_LATE, "大连市人民政府关于加强城市更新工作的意见", "2024-05-08", column_url=H + "zfwj/")
    audit.document(H + "zcjd/202405/t20240513_4.html", "一图读懂《关于加强城市更新工作的意见》", "2024-05-13",
                   column_type="interpretations", column_url=H + "zcjd/")
    audit.document(P_OK, "大连市人民政府关于促进消费的若干措施", "2024-04-29", column_url=H + "zfwj/",
                   related=[{"url": H + "zcjd/202404/t20240429_2.html", "text": "相关解读"}])
    audit.document(H + "zcjd/202404/t20240429_2.html", "《促进消费的若干措施》解读", "2024-04-29",
                   column_type="interpretations", column_url=H + "zcjd/")
    return audit


@pytest.mark.parametrize("state", STATES)
def test_interpretation_missing(make_audit, state) -> None:
    missing = _policies(make_audit, state).by_subject("interpretation.missing")
    assert missing[P_OK].status == "pass"                     # found: seen, stands
    if state == "complete":
        assert missing[P_NONE].status == "fail"
    else:
        assert_unknown_for_coverage(missing[P_NONE], "政策解读")


def test_interpretation_missing_when_the_policy_column_is_incomplete(make_audit) -> None:
    # 图解 and 问答 are often listed among the policies themselves
    res = _policies(make_audit, "complete", policies="incomplete").by_subject("interpretation.missing")[P_NONE]
    assert_unknown_for_coverage(res, "政府文件")


@pytest.mark.parametrize("state", STATES)
def test_interpretation_late(make_audit, state) -> None:
    audit = _policies(make_audit, state)
    late = audit.by_subject("interpretation.late")
    assert late[P_OK].status == "pass"                        # in time: seen, stands
    if state == "complete":
        assert late[P_LATE].status == "fail"
    else:                                                     # an earlier interpretation may be unseen
        assert_unknown_for_coverage(late[P_LATE], "政策解读")
    assert audit.by_subject("interpretation.unlinked")[P_LATE].status == "fail"   # two pages read


# -- 财政收支 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", STATES)
def test_fiscal_months(make_audit, state) -> None:
    col = "http://czj.dl.gov.cn/czsz/"
    audit = make_audit(period="2024Q1", as_of=date(2024, 6, 1), name="大连市财政局", kind="department",
                       home="http://czj.dl.gov.cn/")
    audit.column("fiscal_monthly", col, "财政收支", **cover(state))
    audit.page(col, "list", title="财政收支", list_items=[
        {"title": "2024年1-2月全市财政收支情况", "url": col + "a.html", "date": "2024-03-20"},
        {"title": "2024年一季度全市财政收支情况", "url": col + "b.html", "date": "2024-05-10"}])
    months = {r.period: r for r in audit.run("fiscal.monthly_disclosure")}
    assert months["2024-02"].status == "pass"
    if state == "complete":
        assert months["2024-03"].status == "fail"
    else:
        assert_unknown_for_coverage(months["2024-03"], "财政收支")
    missing = make_audit(period="2024Q1", as_of=date(2024, 6, 1), home="http://czj.dl.gov.cn/")
    missing.column("fiscal_monthly", col, "财政收支", **cover(state))
    missing.page(col, "list", title="财政收支", list_items=[])
    statuses = {r.status for r in missing.run("fiscal.monthly_disclosure")}
    assert statuses == ({"fail"} if state == "complete" else {"unknown"})


# -- 年度报告 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", STATES)
def test_annual_report_missing_and_late(make_audit, state) -> None:
    col = H + "xxgk/ndbg/"
    overdue = make_audit(period="2024Q2", as_of=date(2024, 7, 15))
    overdue.column("annual_reports", col, "政府信息公开年报", **cover(state))
    overdue.page(col, "list", title="年报", list_items=[
        {"title": "大连市人民政府2022年政府信息公开工作年度报告", "url": col + "a.html", "date": "2023-03-30"}])
    [missing] = overdue.run("annual_report.missing")
    late_site = make_audit(period="2024Q2", as_of=date(2024, 7, 15))
    late_site.column("annual_reports", col, "政府信息公开年报", **cover(state))
    late_site.page(col, "list", title="年报", list_items=[
        {"title": "大连市人民政府2023年政府信息公开工作年度报告", "url": col + "b.html", "date": "2024-04-20"}])
    [late] = late_site.run("annual_report.late")
    assert late_site.run("annual_report.missing")[0].status == "pass"
    if state == "complete":
        assert (missing.status, late.status) == ("fail", "fail")
    else:
        assert_unknown_for_coverage(missing, "政府信息公开年报")
        assert_unknown_for_coverage(late, "政府信息公开年报")


# -- 栏目更新 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", STATES)
def test_column_stale_and_empty(make_audit, state) -> None:
    audit = make_audit(as_of=date(2024, 7, 15))
    audit.column("news", H + "bmdt/", "部门动态", **cover(state))
    audit.page(H + "bmdt/", "list", title="部门动态", list_items=[
        {"title": "市财政局开展培训", "url": H + "bmdt/1.html", "date": "2024-06-20"}])
    audit.column("news", H + "zwdt/", "政务动态", **cover(state))
    audit.page(H + "zwdt/", "list", title="政务动态", list_items=[
        {"title": "市政府召开常务会议", "url": H + "zwdt/1.html", "date": "2024-07-12"}])
    audit.column("interpretations", H + "zcjd/", "政策解读", **cover(state))
    audit.page(H + "zcjd/", "list", title="政策解读", list_items=[])
    stale, empty = audit.by_subject("column.stale"), audit.by_subject("column.empty")
    assert stale[H + "zwdt/"].status == "pass" and empty[H + "zwdt/"].status == "pass"   # seen, stands
    if state == "complete":
        assert (stale[H + "bmdt/"].status, empty[H + "zcjd/"].status) == ("fail", "fail")
    else:
        assert_unknown_for_coverage(stale[H + "bmdt/"], "部门动态")
        assert_unknown_for_coverage(empty[H + "zcjd/"], "政策解读")


# -- 20个工作日 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", STATES)
def test_publication_late_alone(make_audit, state) -> None:
    """A lone late document may belong to a back-fill whose other documents sit unseen."""
    audit = make_audit(period="2024Q2", as_of=date(2024, 7, 15))
    audit.column("policy_docs", H + "zfwj/", "政府文件", **cover(state))
    late, ok = H + "zfwj/202405/t20240521_9.html", H + "zfwj/202405/t20240522_1.html"
    audit.document(late, "大连市人民政府关于迟发文件的通知", "2024-05-21", column_url=H + "zfwj/",
                   written_date="2024-03-01", doc_number="大政发〔2024〕9号")
    audit.document(ok, "大连市人民政府关于按时文件的通知", "2024-05-22", column_url=H + "zfwj/",
                   written_date="2024-05-10", doc_number="大政发〔2024〕10号")
    results = audit.by_subject("publication.late")
    assert results[ok].status == "pass"
    if state == "complete":
        assert results[late].status == "fail"
    else:
        assert_unknown_for_coverage(results[late], "政府文件")


# -- per-document rules are unaffected ----------------------------------------------------------------

def test_per_document_rules_ignore_coverage(audit) -> None:
    audit.column("normative_docs", H + "gfxwj/", "规范性文件", **cover("incomplete"))
    audit.document(H + "gfxwj/1.html", "大连市人民政府关于某事的规定", "2024-05-06", column_type="normative_docs",
                   column_url=H + "gfxwj/", doc_number="大政发[2024]3号")
    assert audit.by_subject("docnumber.malformed")[H + "gfxwj/1.html"].status == "fail"
    assert audit.by_subject("validity.unmarked")[H + "gfxwj/1.html"].status == "fail"


def test_stored_unknown_carries_the_coverage(audit) -> None:
    audit.page(audit.home, "home", title="大连市人民政府")
    audit.column("interpretations", H + "zcjd/", "政策解读", **cover("incomplete"))
    run_checks(audit.store, audit.audit_id)
    row = next(r for r in audit.store.rows(st.results, audit.audit_id) if r["rule"] == "column.empty")
    assert row["status"] == "unknown" and row["message"] == row["reason"] and WHY in row["reason"]
    evidence = st.from_json(row["evidence_json"])
    assert evidence["coverage"]["list_pages_failed"] == 1 and evidence["seen"]["status"] == "fail"
