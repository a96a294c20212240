"""Hostile and broken input: bounded, recorded, and the rest of the audit goes on."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import yaml

from gongkai import store as st
from tests.crawler.hostile import HostileServer


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    with HostileServer() as srv:
        targets = {"audit": {"name": "恶意输入", "period": "2024Q2", "as_of": "2024-08-05"},
                   "crawl": {"download_delay": 0, "download_timeout": 3, "retry_times": 0, "max_list_pages": 5,
                             "max_page_bytes": 5_000_000},
                   "sites": [{"id": "hostile", "name": "某县人民政府", "home": srv.base_url},
                             {"id": "down", "name": "某镇人民政府", "home": "http://127.0.0.1:9/"}]}
        path = tmp / "targets.yaml"
        path.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "audit", str(path), "--out", str(tmp / "out")],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        store = st.Store(tmp / "out" / "gongkai.sqlite")
        yield store, store.latest_audit_id(), srv.base_url, tmp / "out", time.monotonic() - started


def pages(store, audit):
    return {p["url"]: p for p in store.rows(st.pages, audit, site="hostile")}


def probe(store, audit, url):
    rows = [p for p in store.rows(st.probes, audit, site="hostile", kind="link") if p["url"] == url]
    assert rows, url
    return rows[-1]


def test_big_page_and_gzip_bomb_are_bounded_not_broken_links(audited):
    store, audit, base, _, _ = audited
    for name in ("big.html", "bomb.html"):
        row = probe(store, audit, base + name)
        assert row["outcome"] == "blocked", row
    sizes = [p["size"] or 0 for p in store.rows(st.pages, audit)]
    assert max(sizes) <= 5_000_000


def test_redirect_loop_is_recorded_as_broken(audited):
    store, audit, base, _, _ = audited
    row = probe(store, audit, base + "loop-a.html")
    assert row["outcome"] == "broken" and "重定向" in row["reason"]


def test_timeout_is_broken_with_reason(audited):
    store, audit, base, _, _ = audited
    row = probe(store, audit, base + "slow.html")
    assert row["outcome"] == "broken" and "超时" in row["reason"]


def test_endless_pagination_stops_at_the_bound(audited):
    store, audit, base, _, _ = audited
    lists = [p for p in pages(store, audit).values() if p["kind"] == "list"]
    assert len(lists) == 5


def test_binary_bad_bytes_and_20000_links_do_not_break_the_crawl(audited):
    store, audit, base, _, _ = audited
    assert probe(store, audit, base + "binary.html")["outcome"] == "ok"
    assert probe(store, audit, base + "badbytes.html")["outcome"] == "ok"
    assert probe(store, audit, base + "links.html")["outcome"] == "ok"
    assert not store.rows(st.errors, audit, stage="crawl")


def test_script_in_titles_is_data_everywhere(audited):
    store, audit, base, out, _ = audited
    home = pages(store, audit)[base]
    assert home["title"] == "<script>alert('x')</script>通知"  # stored as the text it is, never run
    for html_file in (out / "scorecard").glob("*.html"):
        assert "<script>alert" not in html_file.read_text(encoding="utf-8")
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert isinstance(findings, list)


def test_unreachable_site_is_a_finding_and_the_audit_goes_on(audited):
    store, audit, _, out, _ = audited
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert any(f["site"] == "down" and f["rule"] == "site.unreachable" for f in findings)
    assert any(f["site"] == "hostile" for f in findings)
    assert (out / "report.xlsx").exists() and (out / "scorecard" / "down.html").exists()


def test_nothing_written_outside_out(audited):
    _, _, _, out, _ = audited
    assert {p.name for p in out.iterdir()} <= {"findings.json", "scores.json", "scorecard", "report.xlsx",
                                               "gongkai.sqlite", "gongkai.sqlite-wal", "gongkai.sqlite-shm"}
