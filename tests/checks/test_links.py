"""Broken links (one result per target, linking pages listed) and hidden links (暗链)."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"


def test_broken_links(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[
        {"target": H + "old/zt2019/", "text": "2019专题"}, {"target": H + "zwdt/", "text": "政务动态"}])
    audit.page(H + "zwdt/202407/t20240710_1.html", "article", title="新闻", links=[
        {"target": H + "old/zt2019/", "text": "专题回顾"}, {"target": "http://www.ln.gov.cn/missing.html", "text": "省政府"}])
    audit.probe("link", H + "old/zt2019/", "broken", status=404, reason="HTTP 404")
    audit.probe("link", H + "zwdt/", "ok", status=200)
    audit.probe("link", "http://www.ln.gov.cn/missing.html", "soft404", status=200, reason="matches not-found page")
    audit.probe("link", "http://www.mee.gov.cn/", "blocked", status=403)
    results = audit.by_subject("link.broken")
    broken = results[H + "old/zt2019/"]
    assert broken.status == "fail" and broken.evidence["from_home"] is True
    assert broken.evidence["linked_from_count"] == 2 and broken.evidence["linked_from"][0]["page"] == H
    assert results["http://www.ln.gov.cn/missing.html"].status == "fail"
    assert results[H + "zwdt/"].status == "pass"
    assert results["http://www.mee.gov.cn/"].status == "unknown"


def test_hidden_links(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[
        {"target": "http://www.ln.gov.cn/", "text": "辽宁省人民政府", "hidden": True, "hidden_how": "display:none"},
        {"target": "http://www.people.com.cn/", "text": "人民网", "hidden": True, "hidden_how": "display:none"},
        {"target": H + "zwdt/", "text": "政务动态"}])
    audit.page(H + "zwdt/202407/t20240710_1.html", "article", title="新闻", links=[
        {"target": "http://www.bet365-vip.com/", "text": "百家乐", "hidden": True, "hidden_how": "position:absolute;left:-9999px"},
        {"target": "http://www.dl.gov.cn/zwdt/", "text": "返回"}])
    audit.page(H + "zwdt/202407/t20240711_2.html", "article", title="新闻", links=[{"target": H, "text": "首页"}])
    results = audit.by_subject("content.hidden_link")
    assert results[H].status == "pass" and results[H].evidence["hidden"] == 2
    bad = results[H + "zwdt/202407/t20240710_1.html"]
    assert bad.status == "fail" and bad.evidence["hosts"] == ["www.bet365-vip.com"]
    assert results[H + "zwdt/202407/t20240711_2.html"].status == "pass"


def test_a_dead_url_no_page_links_to_is_not_a_broken_link(audit):
    audit.page(audit.home, "home", links=[{"target": audit.home + "a.html"}])
    audit.probe("link", audit.home + "a.html", "broken", status=404)
    audit.probe("link", audit.home + "configured-column/", "broken", status=404)
    results = audit.by_subject("link.broken")
    assert results[audit.home + "a.html"].status == "fail"
    assert results[audit.home + "configured-column/"].status == "not_applicable"
