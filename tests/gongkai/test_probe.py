"""`gongkai probe`: one timed request per site home, kept in the store's monitoring history."""

from __future__ import annotations

import subprocess
import sys

import yaml

from gongkai import store as st
from gongkai.demo.portal import closed_port
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_site


def test_probe_runs_beside_an_audit_holding_the_directory(tmp_path):
    from gongkai import lock

    out = tmp_path / "out"
    out.mkdir()
    targets = tmp_path / "targets.yaml"
    targets.write_text(yaml.safe_dump({"audit": {"name": "监测", "period": "2024Q2"}, "sites": [
        {"id": "down", "name": "江川市财政局", "home": f"http://127.0.0.1:{closed_port()}/"}]}, allow_unicode=True),
        encoding="utf-8")
    held = lock.acquire(out)  # as a running audit holds it
    try:
        proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "probe", str(targets), "--out", str(out)],
                              capture_output=True, text=True, timeout=120)
    finally:
        held.release()
    assert proc.returncode == 0, proc.stderr[-2000:]
    store = st.Store(out / "gongkai.sqlite")
    assert [p["outcome"] for p in store.monitor_history("down", "0", "9")] == ["broken"]


def test_probe_records_one_timed_request_per_home(tmp_path):
    with SiteServer(trs_site(tmp_path / "trs")) as server:
        dead = f"http://127.0.0.1:{closed_port()}/"
        targets = tmp_path / "targets.yaml"
        targets.write_text(yaml.safe_dump({
            "audit": {"name": "监测", "period": "2024Q2"},
            "sites": [{"id": "up", "name": "江川市人民政府", "home": server.base_url},
                      {"id": "down", "name": "江川市财政局", "home": dead}]}, allow_unicode=True), encoding="utf-8")
        for _ in range(2):
            proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "probe", str(targets), "--out",
                                   str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, proc.stderr[-2000:]
        assert server.hits["/"] == 2  # one request per run, no retries
    store = st.Store(tmp_path / "out" / "gongkai.sqlite")
    up = store.monitor_history("up", "0", "9")
    down = store.monitor_history("down", "0", "9")
    assert [p["outcome"] for p in up] == ["ok", "ok"] and [p["status"] for p in up] == [200, 200]
    assert [p["outcome"] for p in down] == ["broken", "broken"] and down[0]["status"] is None
    assert {p["timeout_s"] for p in up + down} == {15.0}  # the official timeout
    assert all(p["seconds"] is not None and p["at"] for p in up + down)
    assert store.latest_audit_id() is None  # monitoring is not an audit
