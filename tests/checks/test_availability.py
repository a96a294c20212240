"""站点无法访问 from home probes: failures after retries, blocked answers, what was tried."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"


def _attempt(n: int, seconds: float) -> dict:
    return {"attempt": n, "of": 3, "seconds": seconds, "timeout_s": 20.0, "retries": 3}


def test_unreachable_after_attempts_spread_over_the_audit(audit) -> None:
    audit.probe("home", H, "error", reason="TCP timeout after 20 s", detail=_attempt(1, 80.2))
    audit.probe("home", H, "broken", status=502, reason="HTTP 502", detail=_attempt(2, 0.4))
    audit.probe("home", H, "error", reason="TCP timeout after 20 s", detail=_attempt(3, 80.1))
    [res] = audit.run("site.unreachable")
    assert res.status == "fail" and res.subject == H
    assert res.evidence["probes"] == 3 and res.evidence["failed"] == 3
    # every attempt is listed with its number and seconds; the timeout is the crawl's, not the rule's
    assert [t["attempt"] for t in res.evidence["tried"]] == [1, 2, 3]
    assert [t["seconds"] for t in res.evidence["tried"]] == [80.2, 0.4, 80.1]
    assert res.evidence["timeout_s"] == 20.0


def test_one_failed_fetch_is_not_a_veto(audit) -> None:
    audit.probe("home", H, "error", reason="TCP timeout after 20 s", detail=_attempt(1, 80.2))
    [res] = audit.run("site.unreachable")
    assert res.status == "unknown" and "3" in res.reason


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
