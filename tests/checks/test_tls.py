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
