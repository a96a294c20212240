"""Hostile and broken input: bounded, recorded, and the rest of the audit goes on.

The download timeout is generous (a loaded 2-core machine may spend seconds of reactor time
parsing the 20,000-link page, during which other downloads' timers run); the timeout test
still holds because the slow page never answers while the crawl lasts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from gongkai import store as st
from tests.crawler.hostile import GatedServer, HostileServer, gated_targets

DOWNLOAD_TIMEOUT_S = 15


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    with HostileServer() as srv:
        targets = {"audit": {"name": "恶意输入", "period": "2024Q2", "as_of": "2024-08-05"},
                   "crawl": {"download_delay": 0, "download_timeout": DOWNLOAD_TIMEOUT_S, "retry_times": 0, "max_list_pages": 5,
                             "max_page_bytes": 5_000_000, "home_attempt_interval": 1},
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
        assert row["outcome"] == "blocked", (row["url"], row["method"], row["reason"])
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
                                               "gongkai.sqlite", "gongkai.sqlite-wal", "gongkai.sqlite-shm",
                                               ".gongkai.lock"}


# -- no listening port while crawling hostile sites ------------------------------------------------

def listening_sockets(pid: int) -> set[str]:
    """Inodes of the TCP sockets in LISTEN state that process ``pid`` holds open."""
    listening: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            rows = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        listening |= {row.split()[9] for row in rows if row.split()[3] == "0A"}
    held: set[str] = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:   # closed between listing and reading
            continue
        if target.startswith("socket:["):
            held.add(target[len("socket:["):-1])
    return listening & held


def test_a_crawl_listens_on_no_port_and_writes_no_remote_control_token(tmp_path):
    """Scrapy 2.19's remote-control extension (code execution over loopback) stays off."""
    if not Path(f"/proc/{os.getpid()}/net/tcp").exists():
        pytest.skip("needs Linux /proc to see a process's listening sockets")
    state = tmp_path / "state"
    with GatedServer() as srv:
        assert listening_sockets(os.getpid()), "the check must see this process's own test server"
        targets = tmp_path / "t.yaml"
        targets.write_text(yaml.safe_dump(gated_targets(srv.base_url), allow_unicode=True), encoding="utf-8")
        crawl = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(tmp_path / "out")],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "XDG_STATE_HOME": str(state)})
        try:
            assert srv.wait_reached(), "the crawl never reached the gate"
            assert crawl.poll() is None   # held at the gate: the engine and its extensions are running
            found = listening_sockets(crawl.pid)
        finally:
            srv.open_gate()
            _, err = crawl.communicate(timeout=240)
    assert found == set()
    assert crawl.returncode == 0, err[-2000:]
    assert not list(state.rglob("*"))   # no job file holding a bearer token
