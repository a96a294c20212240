"""site.tls judged from the crawler's TLS handshake rows (tls_probes), offline."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"
AT = "2024-07-15T02:00:00+00:00"


def _home(audit, status: int | None = 200, outcome: str = "ok") -> None:
    audit.page(H, "home", title="大连市人民政府", status=status, outcome=outcome)


def test_valid_certificate_far_from_expiry_passes(audit) -> None:
    _home(audit)
    audit.tls_probe("valid", "www.dl.gov.cn:443 证书链与域名验证通过", not_after="2024-10-23T02:00:00+00:00",
                    issuer="CN=GlobalSign RSA OV SSL CA 2018", names=["www.dl.gov.cn"])
    [res] = audit.run("site.tls")
    assert res.status == "pass" and res.subject == H
    assert res.evidence["days_left"] == 100 and res.evidence["names"] == ["www.dl.gov.cn"]


def test_certificate_expiring_within_the_margin_fails(audit) -> None:
    _home(audit)
    audit.tls_probe("valid", "ok", not_after="2024-07-25T02:00:00+00:00")
    [res] = audit.run("site.tls")
    assert res.status == "fail" and res.evidence["days_left"] == 10
    assert "2024-07-25" in res.reason and "不足30天" in res.reason


def test_margin_is_a_parameter(audit) -> None:
    from gongkai.checks.rules import Rule

    _home(audit)
    audit.tls_probe("valid", "ok", not_after="2024-07-25T02:00:00+00:00")
    rule = audit.rules["site.tls"]
    relaxed = Rule.model_validate({**rule.model_dump(), "params": {"expiry_days": 7}})
    assert audit.run("site.tls", relaxed)[0].status == "pass"


def test_invalid_and_missing_https_fail(make_audit) -> None:
    for outcome, reason, says in [
        ("invalid", "www.dl.gov.cn:443 证书未通过验证：self-signed certificate", "证书无效"),
        ("invalid", "www.dl.gov.cn:443 证书未通过验证：Hostname mismatch", "Hostname mismatch"),
        ("invalid", "www.dl.gov.cn:443 证书未通过验证：certificate has expired", "expired"),
        ("no_https", "www.dl.gov.cn:443 https无应答：Connection refused", "未提供https"),
    ]:
        audit = make_audit()
        _home(audit)
        audit.tls_probe(outcome, reason)
        [res] = audit.run("site.tls")
        assert res.status == "fail" and says in res.reason, (outcome, reason, res.reason)


def test_an_unreachable_site_is_not_blamed_for_missing_https(audit) -> None:
    _home(audit, status=None, outcome="broken")
    audit.tls_probe("no_https", "www.dl.gov.cn:443 https无应答：Connection refused")
    assert audit.run("site.tls")[0].status == "unknown"


def test_no_tls_check_recorded_is_unknown(make_audit) -> None:
    audit = make_audit()
    _home(audit)
    assert audit.run("site.tls")[0].status == "unknown"
    dns = make_audit()
    _home(dns)
    dns.tls_probe("unknown", "www.dl.gov.cn:443 域名无法解析")
    assert dns.run("site.tls")[0].status == "unknown"


def test_the_host_the_home_landed_on_is_judged(make_audit) -> None:
    audit = make_audit()
    audit.page(H, "home", title="大连市人民政府", final_url="https://www.dl.gov.cn/")
    audit.tls_probe("no_answer", "dl.gov.cn:443 https无应答：Connection refused", host="dl.gov.cn")
    audit.tls_probe("valid", "www.dl.gov.cn:443 证书链与域名验证通过", not_after="2024-10-23T02:00:00+00:00")
    [res] = audit.run("site.tls")
    assert res.status == "pass" and res.evidence["host"] == "www.dl.gov.cn"
    elsewhere = make_audit()
    elsewhere.page(H, "home", title="大连市人民政府", final_url="https://new.dl.gov.cn/")
    elsewhere.tls_probe("valid", "ok", not_after="2024-10-23T02:00:00+00:00")
    [res] = elsewhere.run("site.tls")
    assert res.status == "unknown" and "new.dl.gov.cn" in res.reason     # the landing was never probed


def test_nothing_answered_in_the_whole_audit_is_unknown(make_audit) -> None:
    offline = make_audit()
    _home(offline)
    offline.tls_probe("no_answer", "www.dl.gov.cn:443 https连接超时（15秒）")
    offline.store.save_tls_probe(offline.audit_id, {"site": "other", "host": "www.sy.gov.cn", "port": 443, "at": AT,
                                                    "outcome": "no_answer", "reason": "超时"})
    [res] = offline.run("site.tls")
    assert res.status == "unknown" and "审计机器" in res.reason
    online = make_audit()
    _home(online)
    online.tls_probe("no_answer", "www.dl.gov.cn:443 https无应答：Connection refused")
    online.store.save_tls_probe(online.audit_id, {"site": "other", "host": "www.sy.gov.cn", "port": 443, "at": AT,
                                                  "outcome": "valid", "reason": "ok"})
    [res] = online.run("site.tls")
    assert res.status == "fail" and "未提供https" in res.reason
