"""A full disk mid-crawl: one line naming the store, exit 1, the store consistent and resumable.

Runs on a real tmpfs of a few hundred KB mounted for the test (skipped, with the reason, where
mounting is not permitted).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gongkai import store as st
from gongkai.demo.server import SiteServer
from tests.crawler.sites import hanweb_site

FS_BYTES = 8_000_000


@pytest.fixture()
def small_fs(tmp_path: Path):
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={FS_BYTES}", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def schema_bytes(where: Path) -> int:
    """The size of an empty store: the schema grows with the product, the test's margin should not."""
    where.mkdir()
    st.Store(where / "gongkai.sqlite").close()
    return sum(f.stat().st_size for f in where.iterdir())


def crawl(targets: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=300)


def test_disk_full_mid_crawl_stops_with_one_line_and_resumes(tmp_path: Path, small_fs: Path):
    root = hanweb_site(tmp_path / "hanweb", total=60)
    filler = small_fs / "filler.bin"
    with SiteServer(root) as server:
        targets = tmp_path / "targets.yaml"
        targets.write_text(yaml.safe_dump({
            "audit": {"name": "测试", "period": "2024Q2", "as_of": "2024-08-05"},
            "crawl": {"download_delay": 0, "download_timeout": 30, "retry_times": 0, "cloak_check": False},
            "sites": [{"id": "han", "name": "江川市财政局", "home": server.base_url}]}, allow_unicode=True),
            encoding="utf-8")
        out = small_fs / "out"
        # leave room for the schema (twice: the WAL holds a copy while it is written) and a few pages only
        filler.write_bytes(b"\0" * (FS_BYTES - 2 * schema_bytes(tmp_path / "schema") - 450_000))
        proc = crawl(targets, out)
        assert proc.returncode == 1, (proc.returncode, proc.stderr[-3000:])
        assert "Traceback" not in proc.stderr
        lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("gongkai:")]
        assert len(lines) == 1 and "gongkai.sqlite" in lines[0] and "--resume" in lines[0], proc.stderr

        filler.unlink()
        store = st.Store(out / "gongkai.sqlite")  # consistent: opens, and holds what was committed
        try:
            audit = store.latest_audit_id()
            assert store.audit(audit)["crawl_state"] != "finished"
        finally:
            store.close()
        resumed = crawl(targets, out, "--resume")
        assert resumed.returncode == 0, resumed.stderr[-3000:]
    store = st.Store(out / "gongkai.sqlite")
    try:
        assert store.audit(audit)["crawl_state"] == "finished"
        assert len(store.rows(st.documents, audit, site="han")) == 60
    finally:
        store.close()
