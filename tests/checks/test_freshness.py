"""Freshness at as_of: column windows by type, archives, blank columns, the home page (veto)."""

from __future__ import annotations

from datetime import date

from gongkai.checks.freshness import window_start

H = "http://www.dl.gov.cn/"
AS_OF = date(2024, 7, 15)


def test_window_start() -> None:
    assert window_start(AS_OF, "14d") == date(2024, 7, 1)
    assert window_start(AS_OF, "6m") == date(2024, 1, 15)
    assert window_start(date(2024, 8, 31), "6m") == date(2024, 2, 29)
    assert window_start(AS_OF, "1y") == date(2023, 7, 15)


def _columns(audit) -> None:
    audit.column("news", H + "zwdt/", "政务动态")
    audit.page(H + "zwdt/", "list", title="政务动态", list_items=[
        {"title": "市政府召开常务会议", "url": H + "zwdt/202407/t20240712_1.html", "date": "2024-07-12"},
        {"title": "明日预告", "url": H + "zwdt/202407/t20240720_2.html", "date": "2024-07-20"}])
    audit.column("news", H + "bmdt/", "部门动态")
    audit.page(H + "bmdt/", "list", title="部门动态", list_items=[
        {"title": "市财政局开展培训", "url": H + "bmdt/202406/t20240620_1.html", "date": "2024-06-20"},
        {"title": "会议未来安排", "url": H + "bmdt/202408/t20240801_2.html", "date": "2024-08-01"}])
    audit.column("notices", H + "tzgg/", "通知公告")
    # the list prints no dates, but the article page does
    audit.page(H + "tzgg/", "list", title="通知公告", list_items=[
        {"title": "关于招聘的公告", "url": H + "tzgg/a1.html", "date": None}])
    audit.document(H + "tzgg/a1.html", "关于招聘的公告", "2024-03-02", column_type="notices", column_url=H + "tzgg/")
    audit.column("policy_docs", H + "zfwj/", "政府文件")
    audit.page(H + "zfwj/", "list", title="政府文件", list_items=[
        {"title": "关于某事的通知", "url": H + "zfwj/b1.html", "date": None}])
    audit.column("policy_docs", H + "zfwj/2021/", "2021年")
    audit.page(H + "zfwj/2021/", "list", title="2021年", list_items=[
        {"title": "旧文件", "url": H + "zfwj/2021/c1.html", "date": "2021-05-01"}])
    audit.column("interpretations", H + "zcjd/", "政策解读")
    audit.page(H + "zcjd/", "list", title="政策解读", list_items=[])
    audit.column("personnel", H + "rsxx/", "人事信息", outcome="js_only")
    audit.column("budgets", H + "yjs/", "预决算")
    audit.page(H + "yjs/", "list", title="预决算", list_items=[
        {"title": "2024年部门预算", "url": H + "yjs/d1.html", "date": "2024-02-01"}])


def test_column_stale(audit) -> None:
    _columns(audit)
    results = audit.by_subject("column.stale")
    assert results[H + "zwdt/"].status == "pass"
    stale = results[H + "bmdt/"]
    assert stale.status == "fail" and stale.evidence["newest_date"] == "2024-06-20"   # 08-01 ignored
    assert results[H + "tzgg/"].status == "pass"            # date from the article page
    assert results[H + "zfwj/"].status == "fail"            # undated everywhere → not updated
    assert results[H + "zfwj/2021/"].status == "not_applicable"
    assert results[H + "zcjd/"].status == "not_applicable"  # blank: see column.empty
    assert results[H + "rsxx/"].status == "unknown"
    assert results[H + "yjs/"].status == "not_applicable"


def test_column_empty(audit) -> None:
    _columns(audit)
    results = audit.by_subject("column.empty")
    assert results[H + "zcjd/"].status == "fail"
    assert results[H + "rsxx/"].status == "unknown"         # js_only is not blank
    assert results[H + "zwdt/"].status == "pass"


def _home(audit, items, links=None) -> None:
    audit.page(H, "home", title="大连市人民政府", list_items=[{**it, "column_url": H} for it in items], links=links)


def test_homepage_stale_and_fresh(make_audit) -> None:
    stale = make_audit(as_of=AS_OF)
    _home(stale, [{"title": "要闻一", "url": H + "zwdt/202406/t20240625_1.html", "date": "2024-06-25"},
                  {"title": "预告", "url": H + "zwdt/202407/t20240730_2.html", "date": "2024-07-30"}])
    [res] = stale.run("site.homepage_stale")
    assert res.status == "fail" and res.subject == H and res.evidence["newest_date"] == "2024-06-25"
    assert stale.rules["site.homepage_stale"].veto

    fresh = make_audit(as_of=AS_OF)
    # The home page prints no dates; the linked article's page does.
    _home(fresh, [{"title": "要闻一", "url": H + "zwdt/x1.html", "date": None}],
          links=[{"target": H + "zwdt/x1.html", "text": "要闻一"}])
    fresh.document(H + "zwdt/x1.html", "要闻一", "2024-07-10", column_type="news", column_url=H + "zwdt/")
    [res] = fresh.run("site.homepage_stale")
    assert res.status == "pass"


def test_homepage_undated_and_unfetched(make_audit) -> None:
    undated = make_audit(as_of=AS_OF)
    _home(undated, [{"title": "要闻一", "url": H + "zwdt/x1.html", "date": None}])
    assert undated.run("site.homepage_stale")[0].status == "fail"
    down = make_audit(as_of=AS_OF)
    down.page(H, "home", outcome="error", status=None)
    assert down.run("site.homepage_stale")[0].status == "unknown"


def test_items_all_after_as_of_are_unknown_not_undated(make_audit) -> None:
    audit = make_audit(as_of=date(2024, 7, 2))
    audit.column("news", H + "zwdt/", "政务动态")
    audit.page(H + "zwdt/", "list", title="政务动态", list_items=[
        {"title": "后来的新闻", "url": H + "zwdt/202407/t20240712_1.html", "date": "2024-07-12"}])
    [res] = audit.run("column.stale")
    assert res.status == "unknown"


def test_a_column_whose_list_was_never_fetched_is_not_empty(audit):
    url = audit.home + "ghjh/"
    audit.column("plans", url, "规划计划", outcome="pending")
    assert audit.by_subject("column.empty")[url].status == "unknown"


def test_a_list_read_empty_while_the_cms_announced_items_is_not_a_blank_column(audit):
    """The CMS said 120 items and the list gave none: column.stale cannot call it blank
    (not_applicable, which the veto skips); it cannot say either way."""
    url = audit.home + "tzgg/"
    audit.column("notices", url, "通知公告", coverage="incomplete", coverage_reason="CMS公布120条，只读到0条")
    res = audit.by_subject("column.stale")[url]
    assert res.status == "unknown" and "CMS公布120条" in res.reason
