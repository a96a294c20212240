"""The crawler end to end: `gongkai crawl` against real local HTTP servers, then the store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gongkai import store as st
from gongkai.demo.portal import closed_port
from gongkai.demo.server import SiteServer
from tests.crawler.sites import hanweb_site, trs_site


def run_crawl(tmp_path: Path, sites: list[dict], **crawl: object) -> tuple[st.Store, int]:
    targets = {"audit": {"name": "测试", "period": "2024Q2", "as_of": "2024-08-05"},
               "crawl": {"download_delay": 0, "download_timeout": 5, "retry_times": 0, **crawl},
               "sites": sites}
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(path), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    store = st.Store(tmp_path / "out" / "gongkai.sqlite")
    return store, store.latest_audit_id()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    with SiteServer(trs_site(tmp / "trs")) as trs, SiteServer(hanweb_site(tmp / "hanweb")) as han:
        store, audit = run_crawl(tmp, [
            {"id": "trs", "name": "江川市人民政府", "home": trs.base_url},
            {"id": "han", "name": "江川市财政局", "home": han.base_url},
        ])
        yield store, audit, trs, han


def by_url(rows):
    return {r["url"]: r for r in rows}


def test_trs_pagination_follows_page_count(crawled):
    store, audit, trs, _ = crawled
    pages = by_url(store.rows(st.pages, audit, site="trs"))
    for name in ("index.html", "index_1.html", "index_2.html"):
        url = trs.base_url + "zwgk/zcwj/" + ("" if name == "index.html" else name)
        assert url in pages, sorted(pages)
    assert trs.hits.get("/zwgk/zcwj/index_3.html", 0) == 0


def test_trs_articles_become_documents_with_fields(crawled):
    store, audit, trs, _ = crawled
    docs = by_url(store.rows(st.documents, audit, site="trs"))
    url = trs.base_url + "zwgk/zcwj/202404/t20240403_1000.html"
    doc = docs[url]
    assert doc["title"] == "江川市人民政府关于调整城乡居民医保政策的通知"
    assert doc["publish_date"] == "2024-04-03"
    assert doc["doc_number"] == "江政发〔2024〕3号"
    assert doc["column_type"] == "policy_docs"
    items = store.rows(st.list_items, audit, site="trs", column_url=trs.base_url + "zwgk/zcwj/")
    assert len(items) == 4 and all(i["date"] for i in items)


def test_discovered_columns_and_redirect(crawled):
    store, audit, trs, _ = crawled
    cols = {c["type"]: c for c in store.rows(st.columns, audit, site="trs")}
    assert cols["policy_docs"]["how_found"] == "discovered"
    assert "notices" not in cols  # its 通知公告 link leads to another site
    assert cols["news"]["url"] == trs.base_url + "old-news/"
    news_page = by_url(store.rows(st.pages, audit, site="trs"))[trs.base_url + "old-news/"]
    assert news_page["final_url"] == trs.base_url + "xwdt/" and news_page["status"] == 200


def test_links_broken_refused_and_404(crawled):
    store, audit, trs, _ = crawled
    probes = {p["url"]: p for p in store.rows(st.probes, audit, site="trs", kind="link")}
    assert probes[trs.base_url + "missing.html"]["outcome"] == "broken"
    assert probes[trs.base_url + "missing.html"]["status"] == 404
    assert probes["http://127.0.0.1:9/"]["outcome"] == "broken"
    links = store.rows(st.links, audit, site="trs")
    external = [lk for lk in links if lk["target"] == "http://127.0.0.1:9/"]
    assert external and not external[0]["internal"]


def test_hanweb_gbk_and_dataproxy_pagination(crawled):
    store, audit, _, han = crawled
    items = store.rows(st.list_items, audit, site="han")
    assert len({i["url"] for i in items}) == 50
    assert any(i["title"] == "财政局工作动态第0号" for i in items)
    assert han.hits.get("/module/web/jpage/dataproxy.jsp", 0) >= 1
    docs = store.rows(st.documents, audit, site="han")
    assert docs and all(d["title"].startswith("财政局工作动态") for d in docs)
    home = by_url(store.rows(st.pages, audit, site="han"))[han.base_url]
    assert home["title"] == "江川市财政局"


def test_soft_404_learnt_from_the_site(crawled):
    store, audit, _, han = crawled
    probes = store.rows(st.probes, audit, site="han", kind="not_found")
    assert probes and probes[0]["status"] == 200
    links = {p["url"]: p for p in store.rows(st.probes, audit, site="han", kind="link")}
    gone = links[han.base_url + "art/2019/1/1/art_1_1.html"]
    assert (gone["status"], gone["outcome"]) == (200, "soft404")


def test_head_refused_is_confirmed_with_get_and_412_is_blocked_not_broken(crawled):
    store, audit, _, han = crawled
    rows = store.rows(st.probes, audit, site="han", kind="link")
    pdf = [p for p in rows if p["url"] == han.base_url + "files/report.pdf"]
    assert [(p["method"], p["outcome"]) for p in pdf] == [("GET", "ok")]
    blocked = [p for p in rows if p["url"] == han.base_url + "protected/data.html"]
    assert blocked[0]["outcome"] == "blocked" and blocked[0]["status"] == 412


def test_site_state_recorded(crawled):
    store, audit, _, _ = crawled
    sites = {s["site"]: s for s in store.rows(st.sites, audit)}
    assert sites["trs"]["dialect"] == "trs"
    assert sites["han"]["dialect"] == "hanweb"
    home_probe = store.rows(st.probes, audit, site="trs", kind="home")
    assert home_probe[0]["outcome"] == "ok"


def test_resume_completes_an_interrupted_crawl_without_refetching(tmp_path):
    with SiteServer(trs_site(tmp_path / "trs")) as trs:
        site = [{"id": "trs", "name": "江川市人民政府", "home": trs.base_url,
                 "columns": {"policy_docs": trs.base_url + "zwgk/zcwj/"}}]
        store, audit = run_crawl(tmp_path, site, max_pages_per_site=4)  # cut short, like a crash
        first = {d["url"] for d in store.rows(st.documents, audit)}
        assert 0 < len(first) < 4
        hits_before = dict(trs.hits)
        targets = tmp_path / "targets.yaml"
        proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out",
                               str(tmp_path / "out"), "--resume"], capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, proc.stderr[-2000:]
        yaml_targets = yaml.safe_load(targets.read_text(encoding="utf-8"))
        assert yaml_targets["crawl"]["max_pages_per_site"] == 4
    assert store.latest_audit_id() == audit
    # the second run used the same budget but skipped what was stored, so it got further
    second = {d["url"] for d in store.rows(st.documents, audit)}
    assert first < second
    for url in first:
        path = url.removeprefix(trs.base_url.rstrip("/"))
        assert trs.hits[path] == hits_before[path]


def test_home_redirect_to_another_origin_moves_the_site_there(tmp_path):
    port = closed_port()
    landed = f"http://localhost:{port}/"
    root = trs_site(tmp_path / "trs")
    (root / "_site.yaml").write_text(yaml.safe_dump({"redirects": {"/entry.html": landed}}), encoding="utf-8")
    with SiteServer(root, port=port) as trs:
        store, audit = run_crawl(tmp_path, [{"id": "trs", "name": "江川市人民政府", "home": trs.base_url + "entry.html"}])
    docs = store.rows(st.documents, audit, site="trs")
    assert len(docs) >= 4 and all(d["url"].startswith(landed) for d in docs)
    origins = st.from_json(store.rows(st.sites, audit)[0]["origins_json"])
    assert f"http://localhost:{port}" in origins


def test_script_redirect_stub_home_leads_to_the_real_home(tmp_path):
    root = trs_site(tmp_path / "trs")
    (root / "index.html").rename(root / "portal.html")
    (root / "index.html").write_text('<html><head><title>引导页跳转</title></head><body>'
                                     '<SCRIPT language=javascript> location.href="/portal.html";</SCRIPT></body></html>',
                                     encoding="utf-8")
    with SiteServer(root) as trs:
        store, audit = run_crawl(tmp_path, [{"id": "trs", "name": "江川市人民政府", "home": trs.base_url}])
    pages = by_url(store.rows(st.pages, audit, site="trs", variant="normal"))
    assert pages[trs.base_url]["kind"] == "other" and "脚本跳转" in pages[trs.base_url]["reason"]
    assert pages[trs.base_url + "portal.html"]["kind"] == "home"
    assert len(store.rows(st.documents, audit, site="trs")) >= 4
