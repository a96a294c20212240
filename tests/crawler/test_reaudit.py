"""Incremental re-audit: an unchanged portal is revalidated (HTTP 304), not downloaded again."""

from __future__ import annotations

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
        for _ in range(2):
            before = dict(server.statuses)
            proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(out)],
                                  capture_output=True, text=True, timeout=240)
            assert proc.returncode == 0, proc.stderr[-2000:]
            runs.append(proc.stdout)
            statuses.append({code: n - before.get(code, 0) for code, n in server.statuses.items()})
    store = st.Store(out / "gongkai.sqlite")
    first, second = 1, 2
    pages = [p for p in store.rows(st.pages, second, variant="normal") if p["status"] == 200]
    # every page the first crawl downloaded is revalidated by the second: 304, no body sent again
    assert statuses[0].get(304, 0) == 0 and statuses[0][200] >= len(pages) > 5
    assert statuses[1].get(200, 0) == 0, statuses
    assert statuses[1][304] == statuses[0][200]
    assert all(p["revalidated"] for p in pages)
    # … and the audit sees the same portal
    assert {d["url"] for d in store.rows(st.documents, first)} == {d["url"] for d in store.rows(st.documents, second)}
    assert f"reused {len(pages)}/" in runs[1] and "HTTP 304" in runs[1]
