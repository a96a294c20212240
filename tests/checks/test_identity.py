"""网页标签 per page type (one result per site) and the footer's 网站标识码."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"
SITE_META = {"SiteName": "大连市人民政府", "SiteDomain": "www.dl.gov.cn", "SiteIDCode": "2102000001"}
COLUMN_META = {"ColumnName": "政务动态", "ColumnType": "政务动态"}


def test_meta_missing(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", meta=SITE_META)
    audit.page(H + "zwdt/", "list", title="政务动态", meta={**SITE_META, **COLUMN_META})
    audit.page(H + "zwdt/202407/t20240710_1.html", "article", title="新闻",
               meta={**SITE_META, **COLUMN_META, "ArticleTitle": "新闻", "PubDate": "2024-07-10 09:00"})
    audit.page(H + "zwdt/202407/t20240711_2.html", "article", title="新闻",
               meta={"sitename": "大连市人民政府", "SiteDomain": "www.dl.gov.cn", "SiteIDCode": "",
                     **COLUMN_META, "ArticleTitle": "新闻", "PubDate": "2024-07-11", "ContentSource": "市政府办公室"})
    [res] = audit.run("meta.missing")
    assert res.status == "fail" and res.subject == H
    assert res.evidence["missing_tags"] == ["ContentSource", "SiteIDCode"]
    assert res.evidence["missing"]["SiteIDCode"] == {"of": 4, "missing": 1,
                                                     "samples": [H + "zwdt/202407/t20240711_2.html"]}


def test_meta_complete(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", meta=SITE_META)
    audit.page(H + "zwdt/", "list", title="政务动态", meta={**SITE_META, **COLUMN_META})
    audit.page(H + "404probe", "not_found_probe", title="页面不存在")
    [res] = audit.run("meta.missing")
    assert res.status == "pass" and res.evidence["pages_checked"] == 2


def test_footer_identity(make_audit) -> None:
    ok = make_audit()
    ok.page(H, "home", title="大连市人民政府", identity={
        "site_code": "2102000001", "icp": "辽ICP备05012345号", "psb": "辽公网安备 21020202000123号", "conac": True,
        "footer_text": "主办：大连市人民政府办公室 网站标识码：2102000001 辽ICP备05012345号"})
    assert ok.run("footer.missing_identity")[0].status == "pass"
    missing = make_audit()
    missing.page(H, "home", title="大连市人民政府", identity={"icp": "辽ICP备05012345号", "footer_text": "主办：大连市人民政府办公室"})
    [res] = missing.run("footer.missing_identity")
    assert res.status == "fail" and res.evidence["also_missing"] == ["公安机关备案标识", "党政机关网站标识"]
    bad = make_audit()
    bad.page(H, "home", title="大连市人民政府", identity={"site_code": "21020001"})
    assert bad.run("footer.missing_identity")[0].status == "fail"
    down = make_audit()
    down.page(H, "home", outcome="blocked", status=403)
    assert down.run("footer.missing_identity")[0].status == "unknown"
