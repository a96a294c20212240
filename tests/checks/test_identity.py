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


COMPLETE = {"site_code": "2102000001", "icp": "辽ICP备05012345号", "psb": "辽公网安备 21020202000123号", "conac": True,
            "icp_link": "https://beian.miit.gov.cn/",
            "psb_link": "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=21020202000123",
            "conac_link": "http://bszs.conac.cn/sitename?method=show&id=0ADCC2E0BA270DA2E053012819ACECB2",
            "sponsor": "大连市人民政府办公室", "sponsor_label": "主办",
            "contact": {"phone": "0411-83632222", "email": None, "address": None, "page": None},
            "footer_text": "主办：大连市人民政府办公室 联系电话：0411-83632222 网站标识码：2102000001"}


def test_footer_complete(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", identity=COMPLETE)
    [res] = audit.run("footer.identity_incomplete")
    assert res.status == "pass" and res.evidence["missing"] == []
    assert res.evidence["elements"]["contact"]["found"] == {"phone": "0411-83632222"}
    assert res.evidence["elements"]["icp"]["link"] == "https://beian.miit.gov.cn/"


def test_footer_incomplete_lists_every_gap_in_one_finding(audit) -> None:
    identity = {**COMPLETE, "icp_link": None, "conac_link": None, "sponsor": None, "psb": None, "psb_link": None,
                "contact": {"phone": None, "email": None, "address": None, "page": None}}
    audit.page(H, "home", title="大连市人民政府", identity=identity)
    [res] = audit.run("footer.identity_incomplete")
    assert res.status == "fail"
    assert res.evidence["missing"] == ["党政机关网站标识未链接至开办者标识证书（bszs.conac.cn）", "ICP备案编号未链接至工业和信息化部备案系统（beian.miit.gov.cn）",
                                       "缺少公安机关备案号", "缺少主办单位", "缺少联系方式"]
    assert res.evidence["elements"]["icp"]["found"] == "辽ICP备05012345号"      # found, yet not linked
    assert res.evidence["elements"]["conac"]["found"] == "（有标识图片，无证书链接）"
    # 网站标识码 is there: the older rule stays silent on this footer
    assert audit.run("footer.missing_identity")[0].status == "pass"


def test_footer_contact_by_page_link_or_email_counts(make_audit) -> None:
    for contact in ({"page": "/lxwm/"}, {"email": "zfb@dl.gov.cn"}, {"address": "大连市西岗区人民路75号"}):
        audit = make_audit()
        audit.page(H, "home", title="大连市人民政府", identity={**COMPLETE, "contact": contact})
        assert audit.run("footer.identity_incomplete")[0].status == "pass", contact


def test_footer_completeness_needs_a_crawl_that_recorded_it(make_audit) -> None:
    old = make_audit()
    old.page(H, "home", title="大连市人民政府", identity={"site_code": "2102000001", "icp": "辽ICP备05012345号"})
    assert old.run("footer.identity_incomplete")[0].status == "unknown"
    down = make_audit()
    down.page(H, "home", outcome="blocked", status=403)
    assert down.run("footer.identity_incomplete")[0].status == "unknown"


def test_footer_loaded_by_script_or_frame_is_unknown_not_missing(make_audit) -> None:
    for loader in ({"how": "script", "src": "/resource/js/home_bottom.js"}, {"how": "iframe", "src": "/2016public/bottom.htm"}):
        audit = make_audit()
        audit.page(H, "home", title="北京市朝阳区人民政府", identity={
            "contact": {}, "footer_text": "", "footer_loaded_by": loader})
        for rule in ("footer.identity_incomplete", "footer.missing_identity"):
            [res] = audit.run(rule)
            assert res.status == "unknown" and loader["src"] in res.reason, rule
    # elements present in the HTML still pass, whatever the loader
    audit = make_audit()
    audit.page(H, "home", title="大连市人民政府", identity={**COMPLETE, "footer_loaded_by": loader})
    assert audit.run("footer.identity_incomplete")[0].status == "pass"


def test_missing_site_code_is_deducted_once(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", identity={**COMPLETE, "site_code": None})
    assert audit.run("footer.missing_identity")[0].status == "fail"
    [res] = audit.run("footer.identity_incomplete")
    assert res.status == "pass" and "site_code" not in res.evidence["elements"]
