from datetime import date

from gongkai import store as st
from gongkai.crawler.linkcheck import DNS_REASON
from gongkai.crawler.offline import OFFLINE_REASON, guard_offline


def make_store(tmp_path, probes):
    store = st.Store(tmp_path / "s.sqlite")
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    store.upsert_site(audit, {"site": "s", "name": "某局", "home": "http://127.0.0.1:8001/", "kind": "department",
                              "region": None, "origins_json": st.to_json(["http://127.0.0.1:8001"]), "dialect": None})
    for url, status, reason in probes:
        store.save_probe(audit, {"site": "s", "kind": "link", "url": url, "method": "GET", "status": status,
                                 "outcome": "ok" if status == 200 else "broken", "reason": reason})
    return store, audit


def test_all_outside_hosts_failing_dns_is_the_auditors_network(tmp_path):
    store, audit = make_store(tmp_path, [
        ("http://www.gov.cn/", None, f"{DNS_REASON}: no results"),
        ("http://www.beian.gov.cn/", None, f"{DNS_REASON}: no results"),
        ("http://127.0.0.1:8001/missing.html", 404, "HTTP 404"),
    ])
    assert guard_offline(store, audit) == 2
    rows = {p["url"]: p for p in store.rows(st.probes, audit)}
    assert rows["http://www.gov.cn/"]["outcome"] == "unknown" and rows["http://www.gov.cn/"]["reason"] == OFFLINE_REASON
    assert rows["http://127.0.0.1:8001/missing.html"]["outcome"] == "broken"


def test_one_outside_answer_means_dns_failures_are_real(tmp_path):
    store, audit = make_store(tmp_path, [
        ("http://www.gov.cn/", 200, "HTTP 200"),
        ("http://dead.example.gov.cn/", None, f"{DNS_REASON}: no results"),
        ("http://gone.example.gov.cn/", None, f"{DNS_REASON}: no results"),
    ])
    assert guard_offline(store, audit) == 0
    assert {p["outcome"] for p in store.rows(st.probes, audit) if p["status"] is None} == {"broken"}
