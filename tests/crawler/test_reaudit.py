"""Incremental re-audit: an unchanged portal is revalidated (HTTP 304), not downloaded again, and
its articles are not parsed again: their extraction is kept (crawler/reuse.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import yaml

from gongkai import store as st
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_site


def test_a_second_crawl_of_an_unchanged_portal_downloads_almost_nothing(tmp_path):
    root = trs_site(tmp_path / "trs")
    with SiteServer(root) as server:
        targets = tmp_path / "targets.yaml"
        targets.write_text(yaml.safe_dump({
            "audit": {"name": "复查", "period": "2024Q2", "as_of": "2024-08-05"},
            "crawl": {"download_delay": 0, "retry_times": 0, "cloak_check": False},
            "sites": [{"id": "trs", "name": "江川市人民政府", "home": server.base_url}]}, allow_unicode=True),
            encoding="utf-8")
        out = tmp_path / "out"
        runs, statuses = [], []
        for crawl in range(3):
            if crawl == 2:   # a store without kept facts (an older release's): the pages are read again
                with sqlite3.connect(out / "gongkai.sqlite") as db:
                    db.execute("delete from extractions")
            before = dict(server.statuses)
            if crawl == 1:
                entries = {p: p.stat().st_mtime_ns for p in (out / "httpcache").rglob("*") if p.is_file()}
            proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(out)],
                                  capture_output=True, text=True, timeout=240)
            assert proc.returncode == 0, proc.stderr[-2000:]
            runs.append(proc.stdout)
            statuses.append({code: n - before.get(code, 0) for code, n in server.statuses.items()})
            if crawl == 1:   # a 304 leaves the kept entry as it was: nothing written again
                assert entries and {p: p.stat().st_mtime_ns for p in entries} == entries
    store = st.Store(out / "gongkai.sqlite")
    first, second, third = 1, 2, 3
    pages = [p for p in store.rows(st.pages, second, variant="normal") if p["status"] == 200]
    # every page the first crawl downloaded is revalidated by the second: 304, no body sent again
    assert statuses[0].get(304, 0) == 0 and statuses[0][200] >= len(pages) > 5
    assert statuses[1].get(200, 0) == 0, statuses
    assert statuses[1][304] == statuses[0][200]
    assert all(p["revalidated"] for p in pages)
    # … and the audit sees the same portal
    assert {d["url"] for d in store.rows(st.documents, first)} == {d["url"] for d in store.rows(st.documents, second)}
    assert f"reused {len(pages)}/" in runs[1] and "HTTP 304" in runs[1]
    # every article's extraction is kept, not parsed again — and reads as the first crawl read it
    articles = [p for p in pages if p["kind"] == "article"]
    assert len(articles) > 3 and all(p["facts_reused"] for p in articles)
    assert not any(p["facts_reused"] for p in pages if p["kind"] != "article")
    assert f"{len(articles)} articles not parsed again" in runs[1]
    assert _read(store, second) == _read(store, first)
    # without kept facts every article is read again, to the same rows
    again = [p for p in store.rows(st.pages, third, variant="normal") if p["kind"] == "article"]
    assert len(again) == len(articles) and not any(p["facts_reused"] for p in again)
    assert "0 articles not parsed again" in runs[2] and _read(store, third) == _read(store, first)


def _read(store: st.Store, audit: int) -> dict[str, list[tuple]]:
    """What the crawl read from the audit's pages: page facts, documents, links and references."""
    def rows(table, *columns: str) -> list[tuple]:   # the 404 probe's URL is drawn anew by each crawl
        return sorted(tuple(str(r[c]) for c in columns) for r in store.rows(table, audit)
                      if r.get("kind") != "not_found_probe")
    return {"pages": rows(st.pages, "url", "title", "text", "meta_json", "identity_json", "dialect"),
            "documents": rows(st.documents, *(c.name for c in st.documents.columns if c.name not in ("id", "audit_id"))),
            "links": rows(st.links, "page_url", "target", "text", "hidden", "internal"),
            "refs": rows(st.page_refs, *(c.name for c in st.page_refs.columns if c.name not in ("id", "audit_id")))}


def test_a_re_audit_judges_the_answers_of_now_never_the_copy_kept_from_the_last(tmp_path):
    """A page answering 503 now, and a server that is gone, are judged on those answers: the copy
    the HTTP cache kept from the last audit never stands in for them (Scrapy's RFC 2616 policy
    serves it for a 5xx, and its cache middleware for a download error) — else a site that is
    down would pass ``site.unreachable`` on last quarter's pages, marked as revalidated."""
    root = trs_site(tmp_path / "trs")
    targets, out = tmp_path / "targets.yaml", tmp_path / "out"

    def crawl() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(out)],
                              capture_output=True, text=True, timeout=240)

    with SiteServer(root) as server:
        targets.write_text(yaml.safe_dump({
            "audit": {"name": "复查", "period": "2024Q2", "as_of": "2024-08-05"},
            "crawl": {"download_delay": 0, "retry_times": 1, "cloak_check": False, "home_attempt_interval": 1},
            "sites": [{"id": "trs", "name": "江川市人民政府", "home": server.base_url}]}, allow_unicode=True),
            encoding="utf-8")
        assert crawl().returncode == 0
        failing = "/zwgk/zcwj/202406/t20240610_1003.html"
        server.config.status[failing] = 503
        assert crawl().returncode == 0
    gone = crawl()   # the server is stopped: every request is refused
    store = st.Store(out / "gongkai.sqlite")
    now = {p["url"]: p for p in store.rows(st.pages, 2, variant="normal")}
    page = now[server.url(failing)]
    assert page["status"] == 503 and page["outcome"] != "ok" and not page["revalidated"]
    assert sum(p["revalidated"] for p in now.values()) >= 5   # the others did answer 304
    pages = store.rows(st.pages, 3, variant="normal")
    assert pages and not any(p["revalidated"] or p["status"] == 200 or p["outcome"] == "ok" for p in pages)
    assert "reused" not in gone.stdout
    checked = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "--out", str(out)],
                             capture_output=True, text=True, timeout=240)
    assert checked.returncode == 0, checked.stderr[-2000:]
    verdict = [r for r in store.rows(st.results, 3) if r["rule"] == "site.unreachable"]
    assert [r["status"] for r in verdict] in (["fail"], ["unknown"]), verdict
