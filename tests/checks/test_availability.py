"""站点无法访问 from home probes: failures after retries, blocked answers, what was tried."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"


def test_unreachable_after_retries(audit) -> None:
    attempts = [{"at": "2024-07-15T02:00:00", "error": "TimeoutError"}, {"at": "2024-07-15T02:01:00", "error": "TimeoutError"}]
    audit.probe("home", H, "error", reason="TCP timeout after 15 s", detail={"attempts": attempts})
    audit.probe("home", H, "broken", status=502, reason="HTTP 502", detail={"attempts": attempts})
    [res] = audit.run("site.unreachable")
    assert res.status == "fail" and res.subject == H
    assert res.evidence["probes"] == 2 and res.evidence["failed"] == 2
    assert res.evidence["tried"][0]["attempts"] == attempts


def test_reachable_if_any_probe_succeeds(make_audit) -> None:
    audit = make_audit()
    audit.probe("home", H, "error", reason="timeout")
    audit.probe("home", H, "ok", status=200)
    [res] = audit.run("site.unreachable")
    assert res.status == "pass" and res.evidence["failed"] == 1


def test_blocked_is_unknown_and_page_fallback(make_audit) -> None:
    blocked = make_audit()
    blocked.probe("home", H, "blocked", status=412, reason="HTTP 412 (WAF)")
    assert blocked.run("site.unreachable")[0].status == "unknown"
    fallback = make_audit()
    fallback.page(H, "home", title="大连市人民政府")
    assert fallback.run("site.unreachable")[0].status == "pass"
    nothing = make_audit()
    assert nothing.run("site.unreachable")[0].status == "unknown"
