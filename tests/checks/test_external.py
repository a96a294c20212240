"""link.external_unsafe: body links to commercial or expired domains, http downloads, mixed content."""

from __future__ import annotations

from gongkai.models import DNS_REASON

H = "http://www.dl.gov.cn/"
S = "https://www.dl.gov.cn/"
ART = S + "zwgk/202406/t20240610_1.html"


CRAWLED = {"contact": {}}  # identity as this crawler records it (it records body links too)


def _article(audit, url: str = ART, refs=None, attachments=None) -> None:
    audit.page(S, "home", title="大连市人民政府", identity=CRAWLED)
    audit.document(url, "关于印发大连市营商环境优化方案的通知", "2024-06-10", refs=refs or [],
                   attachments=attachments or [])


def test_body_link_to_a_commercial_site_fails(audit) -> None:
    _article(audit, refs=[{"role": "body", "target": "https://www.example-shop.com/promo", "text": "点击购买"},
                          {"role": "body", "target": "http://www.ln.gov.cn/zwgk/", "text": "辽宁省人民政府"},
                          {"role": "body", "target": "http://www.people.com.cn/n1/2024/0610/c1.html", "text": "人民网报道"},
                          {"role": "body", "target": "https://www.dlut.edu.cn/", "text": "大连理工大学"},
                          {"role": "body", "target": S + "zwgk/other.html", "text": "本站"}])
    [res] = audit.run("link.external_unsafe")
    assert res.status == "fail" and res.subject == ART
    assert [c["host"] for c in res.evidence["commercial"]] == ["www.example-shop.com"]
    assert res.evidence["commercial"][0]["text"] == "点击购买" and "www.example-shop.com" in res.reason


def test_government_media_and_public_bodies_in_the_body_pass(audit) -> None:
    _article(audit, refs=[{"role": "body", "target": "http://www.ln.gov.cn/zwgk/", "text": "辽宁省人民政府"},
                          {"role": "body", "target": "http://www.xinhuanet.com/politics/2024-06/10/c_1.htm", "text": "新华网"},
                          {"role": "body", "target": "http://教育部.政务/", "text": "教育部"},
                          {"role": "body", "target": S + "files/a.pdf", "text": "附件"}])
    [res] = audit.run("link.external_unsafe")
    assert res.status == "pass" and res.evidence["body_links"] == 4


def test_navigation_links_to_commercial_sites_are_not_body_links(audit) -> None:
    # a 友情链接 or a share button is in `links`, not in the body's page_refs
    audit.page(S, "home", title="大连市人民政府", identity=CRAWLED)
    audit.document(ART, "通知", "2024-06-10", refs=[], links=[{"target": "https://www.weibo.com/share", "text": "分享到微博"}])
    assert audit.by_subject("link.external_unsafe")[ART].status == "pass"


def test_body_link_to_a_domain_that_no_longer_resolves_is_expired(audit) -> None:
    dead = "http://www.dl-zhaoshang.com/"
    _article(audit, refs=[{"role": "body", "target": dead, "text": "大连招商网"},
                          {"role": "body", "target": "http://old.dl.gov.cn/", "text": "旧版网站"}])
    audit.probe("link", dead, "broken", reason=f"{DNS_REASON}: no results")
    audit.probe("link", "http://old.dl.gov.cn/", "broken", reason=f"{DNS_REASON}: no results")
    [res] = audit.run("link.external_unsafe")
    assert res.status == "fail" and res.evidence["commercial"] == []
    assert [e["host"] for e in res.evidence["expired"]] == ["www.dl-zhaoshang.com"]   # the .gov.cn one is link.broken's


def test_plain_http_download_on_an_https_page(audit) -> None:
    _article(audit, attachments=[{"url": "http://www.dl.gov.cn/files/fangan.pdf", "text": "方案.pdf"},
                                 {"url": S + "files/ok.docx", "text": "附表.docx"}],
             refs=[{"role": "body", "target": "http://www.dl.gov.cn/files/biao.xls", "text": "统计表"}])
    [res] = audit.run("link.external_unsafe")
    assert res.status == "fail"
    assert sorted(d["target"] for d in res.evidence["http_downloads"]) == [
        "http://www.dl.gov.cn/files/biao.xls", "http://www.dl.gov.cn/files/fangan.pdf"]


def test_http_download_on_an_http_only_site_is_left_to_site_tls(audit) -> None:
    _article(audit, url=H + "zwgk/202406/t20240610_2.html",
             attachments=[{"url": H + "files/fangan.pdf", "text": "方案.pdf"}])
    [res] = audit.run("link.external_unsafe")
    assert res.status == "pass" and res.evidence["counts"]["http_downloads"] == 0


def test_mixed_content_on_an_https_page(audit) -> None:
    audit.page(S, "home", title="大连市人民政府", final_url=S, identity=CRAWLED,
               refs=[{"role": "insecure", "target": "http://cdn.example.com/jquery.js", "text": "script"},
                     {"role": "insecure", "target": "http://www.dl.gov.cn/images/banner.jpg", "text": "img"}])
    audit.document(ART, "通知", "2024-06-10", refs=[{"role": "body", "target": S + "zwgk/", "text": "政务公开"}])
    results = audit.by_subject("link.external_unsafe")
    home = results[S]
    assert set(results) == {S, ART}
    assert home.status == "fail" and [m["tag"] for m in home.evidence["mixed_content"]] == ["script", "img"]
    assert results[ART].status == "pass"


def test_a_crawl_that_recorded_no_body_links_is_unknown(audit) -> None:
    audit.page(S, "home", title="大连市人民政府", identity={"site_code": "2102000001"})   # an older crawler's row
    audit.document(ART, "通知", "2024-06-10")
    [res] = audit.run("link.external_unsafe")
    assert res.status == "unknown"


def test_party_media_and_public_organisations_are_not_flagged(audit) -> None:
    _article(audit, refs=[{"role": "body", "target": f"http://{host}/", "text": name} for host, name in (
        ("www.12371.cn", "共产党员网"), ("www.xuexi.cn", "学习强国"), ("www.chinacourt.org", "中国法院网"),
        ("www.women.org.cn", "全国妇联"), ("www.ccyl.org.cn", "共青团中央"))])
    [res] = audit.run("link.external_unsafe")
    assert res.status == "pass" and res.evidence["body_links"] == 5


def test_unlisted_host_is_worded_non_government_not_commercial(audit) -> None:
    _article(audit, refs=[{"role": "body", "target": "https://www.example-shop.com/promo", "text": "活动"}])
    [res] = audit.run("link.external_unsafe")
    assert res.status == "fail" and "非政府网站" in res.reason and "商业" not in res.reason


def test_article_whose_body_was_not_found_is_unknown(audit) -> None:
    _article(audit, refs=[{"role": "no_body", "target": ART, "text": "未找到正文区域"}])
    [res] = audit.run("link.external_unsafe")
    assert res.status == "unknown" and "正文" in res.reason
