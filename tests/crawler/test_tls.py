"""The crawl-time TLS check (crawler/tls.py) against real loopback servers, and what a crawl stores.

Certificates come from a throwaway CA (gongkai.demo.certs); the CA is trusted only through the
``cafile`` argument (``crawl: tls_cafile``), never by the system.  No internet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gongkai import store as st
from gongkai.crawler.tls import probe, target
from gongkai.demo.certs import TestCA, self_signed
from gongkai.demo.portal import closed_port
from gongkai.demo.server import SiteServer
from tests.crawler.sites import FOOTER, META, trs_article, trs_list, write_tree
from tests.crawler.test_spider import run_crawl


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return write_tree(tmp_path_factory.mktemp("tree"), {"index.html": "<html><body>首页</body></html>"})


def _days_left(row: dict) -> int:
    return (datetime.fromisoformat(row["not_after"]) - datetime.now(UTC)).days


def test_trusted_certificate_is_valid_with_its_dates(ca, tree) -> None:
    for days in (10, 100):
        with SiteServer(tree, tls=ca.issue(["127.0.0.1"], days=days).server_context()) as server:
            row = probe("127.0.0.1", server.port, cafile=str(ca.cafile), timeout=5)
        assert row["outcome"] == "valid", row
        assert _days_left(row) in (days - 1, days)
        assert "127.0.0.1" in st.from_json(row["names_json"]) and "gongkai demo CA" in row["issuer"]


@pytest.mark.parametrize(("issue", "words"), [
    ("self_signed", "self-signed certificate"),
    ("wrong_name", "mismatch"),
    ("expired", "certificate has expired"),
    ("untrusted_ca", "unable to get local issuer certificate"),
])
def test_unverifiable_certificates_are_invalid_and_still_described(ca, tree, tmp_path, issue, words) -> None:
    issued = {"self_signed": lambda: self_signed(tmp_path, ["127.0.0.1"]),
              "wrong_name": lambda: ca.issue(["www.jiangchuan.gov.cn"]),
              "expired": lambda: ca.issue(["127.0.0.1"], days=-1),
              "untrusted_ca": lambda: ca.issue(["127.0.0.1"])}[issue]()
    cafile = None if issue == "untrusted_ca" else str(ca.cafile)
    with SiteServer(tree, tls=issued.server_context()) as server:
        row = probe("127.0.0.1", server.port, cafile=cafile, timeout=5)
    assert row["outcome"] == "invalid" and words in row["reason"], row
    assert row["not_after"] and row["subject"]           # read again without verification, for the evidence


def test_no_https_plain_http_port_and_closed_port(tree) -> None:
    with SiteServer(tree) as server:                     # answers, but in clear
        plain = probe("127.0.0.1", server.port, timeout=5)
    assert plain["outcome"] == "no_https" and "明文" in plain["reason"]
    refused = probe("127.0.0.1", closed_port(), timeout=5)
    assert refused["outcome"] == "no_answer" and "无应答" in refused["reason"]


def test_target_is_the_https_home_or_port_443_of_an_http_home() -> None:
    assert target("https://www.dl.gov.cn:8443/index.html") == ("www.dl.gov.cn", 8443)
    assert target("https://www.dl.gov.cn/") == ("www.dl.gov.cn", 443)
    assert target("http://www.dl.gov.cn:8080/") == ("www.dl.gov.cn", 443)


def https_site(root: Path) -> Path:
    """An https portal: its home loads a script in clear, an article cites a shop and an http download."""
    body = ('<p>活动详情见<a href="https://www.example-shop.invalid/promo">商城活动页</a>。</p>'
            '<p>附件：<a href="{{HTTP_BASE}}files/fangan.pdf">实施方案.pdf</a></p>')
    files = {
        "index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>江川市人民政府</title>{META}
<script src="{{{{HTTP_BASE}}}}js/stat.js"></script></head><body><div class="nav"><a href="/">首页</a>
<a href="/zwgk/zcwj/">政策文件</a></div>{FOOTER}</body></html>""",
        "zwgk/zcwj/index.html": trs_list("政策文件", [("./202406/t20240610_1.html", "江川市优化营商环境实施方案", "2024-06-10")],
                                       'createPageHTML(1, 0, "index", "html");'),
        "zwgk/zcwj/202406/t20240610_1.html": trs_article("江川市优化营商环境实施方案", "2024-06-10", "江政发〔2024〕9号",
                                                         extra=body),
        "files/fangan.pdf": "%PDF-1.4 demo",
        "js/stat.js": "var x = 1;",
    }
    return write_tree(root, files)


def _site_tls(store: st.Store, audit: int, site: str = "jc") -> str:
    """The bundled site.tls rule run over the crawled store (the check stage, offline)."""
    from gongkai.checks.engine import load_rules
    from gongkai.checks.registry import get_kind
    from gongkai.checks.view import AuditView

    rule = next(r for r in load_rules() if r.id == "site.tls")
    view = AuditView(store, audit)
    [res] = get_kind(rule.kind)(view, next(s for s in view.sites() if s.site == site), rule)
    return res.status


@pytest.mark.parametrize(("days", "verdict"), [(100, "pass"), (10, "fail")])
def test_crawl_stores_tls_probe_and_page_refs(tmp_path, ca, days, verdict) -> None:
    issued = ca.issue(["127.0.0.1"], days=days)
    with SiteServer(https_site(tmp_path / "site"), tls=issued.server_context()) as server:
        store, audit = run_crawl(tmp_path, [{"id": "jc", "name": "江川市人民政府", "home": server.base_url}],
                                 tls_cafile=str(ca.cafile))
        assert server.base_url.startswith("https://")
    [tls] = store.rows(st.tls_probes, audit, site="jc")
    assert (tls["host"], tls["port"], tls["outcome"]) == ("127.0.0.1", server.port, "valid")
    assert _site_tls(store, audit) == verdict          # expiring within 30 days fails
    refs = {(r["role"], r["target"]) for r in store.rows(st.page_refs, audit, site="jc")}
    assert ("insecure", server.http_base_url + "js/stat.js") in refs
    assert ("body", "https://www.example-shop.invalid/promo") in refs
    assert ("body", server.http_base_url + "files/fangan.pdf") in refs


def test_crawl_of_an_http_only_site_and_of_a_self_signed_one_fail_site_tls(tmp_path) -> None:
    with SiteServer(https_site(tmp_path / "plain")) as plain, \
            SiteServer(https_site(tmp_path / "self"), tls=self_signed(tmp_path / "ss", ["127.0.0.1"]).server_context()) as own:
        store, audit = run_crawl(tmp_path, [{"id": "plain", "name": "江川市人民政府", "home": plain.base_url},
                                            {"id": "own", "name": "江川市财政局", "home": own.base_url}])
    rows = {r["site"]: r for r in store.rows(st.tls_probes, audit)}
    assert rows["plain"]["port"] == 443 and rows["plain"]["outcome"] == "no_answer"      # port 443 refused
    assert rows["own"]["outcome"] == "invalid" and "self-signed" in rows["own"]["reason"]
    assert _site_tls(store, audit, "plain") == _site_tls(store, audit, "own") == "fail"


def test_site_tls_judges_the_host_the_home_landed_on(tmp_path, ca) -> None:
    """http://127.0.0.1:A/ answers 301 to https://localhost:B/: the configured host has no https
    (port 443 refused), the landing has a valid certificate — the site passes on its landing."""
    with SiteServer(https_site(tmp_path / "site"), tls=ca.issue(["localhost"]).server_context()) as landed:
        target_url = landed.base_url.replace("127.0.0.1", "localhost")
        entry = write_tree(tmp_path / "entry", {"index.html": "<html><body>旧首页</body></html>"})
        (entry / "_site.yaml").write_text(f'redirects: {{"/": "{target_url}"}}\n', encoding="utf-8")
        with SiteServer(entry) as old:
            store, audit = run_crawl(tmp_path, [{"id": "jc", "name": "江川市人民政府", "home": old.base_url}],
                                     tls_cafile=str(ca.cafile))
    rows = {(r["host"], r["port"]): r["outcome"] for r in store.rows(st.tls_probes, audit, site="jc")}
    assert rows == {("127.0.0.1", 443): "no_answer", ("localhost", landed.port): "valid"}
    assert _site_tls(store, audit) == "pass"
