"""站点无法访问 from home probes: failures after retries, blocked answers, what was tried."""

from __future__ import annotations

from datetime import UTC, datetime

from gongkai.workdays import BEIJING

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


def _probe_at(audit, beijing: datetime, outcome: str = "ok") -> None:
    """One `gongkai probe` record at a Beijing time (stored in UTC, as the probe writes it)."""
    failed = outcome in ("broken", "error")
    audit.store.save_monitor_probe({
        "site": audit.site, "url": H, "at": beijing.astimezone(UTC).isoformat(timespec="seconds"),
        "seconds": 15.0 if failed else 0.3, "timeout_s": 15.0,
        "status": {"ok": 200, "blocked": 412}.get(outcome), "outcome": outcome,
        "reason": "超时 (timeout)" if failed else "HTTP 412" if outcome == "blocked" else "HTTP 200"})


def _monitor(audit, days: int, failures: int, per_day: int = 20, outcome: str = "ok") -> None:
    """``days`` Beijing days of monitoring up to as_of (2024-07-15), ``failures`` of them failed;
    an hour apart from 00:00 Beijing time (16:00 UTC the day before)."""
    done = 0
    for day in range(days):
        for n in range(per_day):
            _probe_at(audit, datetime(2024, 7, 15 - day, n, tzinfo=BEIJING), "broken" if done < failures else outcome)
            done += 1


def test_a_week_of_monitoring_decides_as_the_official_check_does(make_audit) -> None:
    failing = make_audit()
    _monitor(failing, days=7, failures=7)   # 7 of 140 = 5.0 %: the official threshold is reached
    failing.probe("home", H, "ok", status=200)  # the crawl itself got through: monitoring still decides
    [res] = failing.run("site.unreachable")
    assert res.status == "fail" and res.evidence["basis"].startswith("可用性监测")
    assert res.evidence["probes"] == 140 and res.evidence["failed"] == 7 and len(res.evidence["failures"]) == 7
    passing = make_audit()
    _monitor(passing, days=7, failures=6)   # 4.3 %
    assert passing.run("site.unreachable")[0].status == "pass"


def test_less_than_a_week_of_monitoring_falls_back_to_the_audit_attempts(make_audit) -> None:
    audit = make_audit()
    _monitor(audit, days=6, failures=120)
    audit.probe("home", H, "ok", status=200)
    [res] = audit.run("site.unreachable")
    assert res.status == "pass" and res.evidence["basis"].startswith("审计期间")


def test_the_week_is_of_beijing_days(make_audit) -> None:
    """The seven days up to as_of are Beijing days (the store's times are UTC): failures in the
    first hours of the day after as_of are not the week's, those in the first hours of its first
    day are."""
    after = make_audit()
    _monitor(after, days=7, failures=0)
    for hour in range(10):   # 07-16 00:00–09:00 Beijing: 07-15 UTC, the day after the week
        _probe_at(after, datetime(2024, 7, 16, hour, 30, tzinfo=BEIJING), "broken")
    [res] = after.run("site.unreachable")
    assert res.status == "pass" and res.evidence["probes"] == 140 and res.evidence["failed"] == 0
    first = make_audit()
    _monitor(first, days=7, failures=0)
    for hour in range(8):    # 07-09 00:30–07:30 Beijing: 07-08 UTC, inside the week
        _probe_at(first, datetime(2024, 7, 9, hour, 30, tzinfo=BEIJING), "broken")
    [res] = first.run("site.unreachable")
    assert res.status == "fail" and res.evidence["probes"] == 148 and res.evidence["failed"] == 8


def test_probes_refused_to_us_are_not_counted_as_answers(make_audit) -> None:
    """A week a WAF refused every probe (412) is no monitoring basis: the audit's own attempts
    decide (blocked: unknown) — never a pass for "0 of 140 failed"."""
    blocked = make_audit()
    _monitor(blocked, days=7, failures=0, outcome="blocked")
    blocked.probe("home", H, "blocked", status=412, reason="HTTP 412 (WAF)")
    [res] = blocked.run("site.unreachable")
    assert res.status == "unknown" and res.evidence["basis"].startswith("审计期间")
    mixed = make_audit()
    _monitor(mixed, days=7, failures=7)
    _monitor(mixed, days=7, failures=0, per_day=3, outcome="blocked")
    [res] = mixed.run("site.unreachable")
    assert res.status == "fail" and res.evidence["probes"] == 140 and res.evidence["not_counted"] == {"blocked": 21}


def test_probes_of_another_home_under_the_same_site_id_are_not_its_history(make_audit) -> None:
    """The site's id was probed at another home URL (the targets file changed it): that week is
    not this home's, and the audit's own attempts decide."""
    moved = make_audit()
    _monitor(moved, days=7, failures=20)
    with moved.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE monitor_probes SET url = 'http://old.dl.gov.cn/'")
    moved.probe("home", H, "ok", status=200)
    [res] = moved.run("site.unreachable")
    assert res.status == "pass" and res.evidence["basis"].startswith("审计期间")
    same = make_audit()
    _monitor(same, days=7, failures=20)
    with same.store.engine.begin() as conn:   # the same home, written otherwise
        conn.exec_driver_sql("UPDATE monitor_probes SET url = 'HTTP://www.dl.gov.cn:80/'")
    assert same.run("site.unreachable")[0].status == "fail"
