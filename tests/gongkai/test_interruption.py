"""Interrupted, killed and offline audits: never a grade they did not earn, always one line and a non-zero exit.

A real ``gongkai audit`` runs in a subprocess against a local portal whose article pages answer
slowly, so the crawl is surely in flight when the signal arrives; no timing is tight.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from gongkai import store as st
from gongkai.demo.portal import closed_port
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_site

SLOW_ARTICLE = "/zwgk/zcwj/202404/t20240403_1000.html"
START_TIMEOUT = 120  # seconds to wait for the crawl to store its first pages (not a measurement)


def write_targets(path: Path, sites: list[dict], **crawl: object) -> Path:
    targets = {"audit": {"name": "测试", "period": "2024Q2", "as_of": "2024-08-05"},
               "crawl": {"download_delay": 0, "download_timeout": 60, "retry_times": 0, "cloak_check": False,
                         **crawl},
               "sites": sites}
    path.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
    return path


def audit_cmd(targets: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "gongkai.cli", "audit", str(targets), "--out", str(out), *extra]


def stored_kinds(db: Path) -> set[str]:
    """Kinds of pages stored so far, read without touching the schema the running crawl is creating."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return {row[0] for row in conn.execute("SELECT DISTINCT kind FROM pages")}
    except sqlite3.OperationalError:  # not created yet
        return set()


def wait_for_pages(out: Path, proc: subprocess.Popen) -> None:
    """Until the running crawl has stored its home page and a list page."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the audit ended before it could be interrupted"
        if {"home", "list"} <= stored_kinds(out / "gongkai.sqlite"):
            return
        time.sleep(0.2)
    pytest.fail("the crawl stored no list page in time")


@pytest.fixture()
def slow_portal(tmp_path):
    with SiteServer(trs_site(tmp_path / "trs")) as server:
        server.config = dataclasses.replace(server.config, slow={SLOW_ARTICLE: 30})
        targets = write_targets(tmp_path / "targets.yaml", [{"id": "trs", "name": "江川市人民政府",
                                                             "home": server.base_url}])
        yield server, targets


def interrupt(cmd: list[str], out: Path, server: SiteServer, *signals: int) -> subprocess.CompletedProcess:
    """Run ``cmd``, send ``signals`` once it stored pages, then let the slow page answer (a graceful
    stop waits for requests in flight)."""
    server.release.clear()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_pages(out, proc)
        for sig in signals:
            proc.send_signal(sig)
            time.sleep(0.3)
        server.release.set()
        stdout, stderr = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def crawl_state(out: Path) -> dict:
    store = st.Store(out / "gongkai.sqlite")
    try:
        return store.audit(store.latest_audit_id())
    finally:
        store.close()


def verdicts(out: Path) -> set[tuple[str, str, str]]:
    store = st.Store(out / "gongkai.sqlite")
    try:
        return {(r["rule"], r["subject"], r["status"]) for r in store.rows(st.results, store.latest_audit_id())}
    finally:
        store.close()


def assert_refused(proc: subprocess.CompletedProcess, out: Path) -> None:
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("gongkai:")]
    assert len(lines) == 1 and "did not finish" in lines[0] and "--resume" in lines[0], proc.stderr
    for name in ("findings.json", "scores.json", "report.xlsx"):
        assert not (out / name).exists(), name  # nothing graded
    store = st.Store(out / "gongkai.sqlite")
    try:
        assert not store.rows(st.results, store.latest_audit_id())
    finally:
        store.close()


def gongkai(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=240)


def assert_unfinished(proc: subprocess.CompletedProcess, why: str) -> None:
    """Exit 3 and one line naming why the audit is unfinished."""
    assert proc.returncode == 3, proc.stderr[-3000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("gongkai:")]
    assert len(lines) == 1 and "unfinished" in lines[0] and why in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


def complete(out: Path) -> bool:
    return json.loads((out / "scores.json").read_text(encoding="utf-8"))["audit"]["complete"]


def test_a_stopped_audit_exits_3_grades_nothing_and_resumes_to_the_same_findings(slow_portal, tmp_path):
    """cron must not take the outputs of an unfinished crawl, nor a check that judged pages a resumed
    crawl has since replaced, for a grade: ``check`` and ``report`` exit 3, every output says 未完成.
    (Ctrl-C stops the crawl the same way: the next tests send SIGINT once and twice.)"""
    server, targets = slow_portal
    out = tmp_path / "out"
    proc = interrupt(audit_cmd(targets, out), out, server, signal.SIGTERM)
    assert_refused(proc, out)
    audit = crawl_state(out)
    assert audit["crawl_state"] == "interrupted" and audit["crawl_close_reason"] == "shutdown"
    assert_unfinished(gongkai("check", "--out", out), "抓取中断：shutdown")
    assert_unfinished(gongkai("report", "--out", out), "抓取中断：shutdown")
    assert not complete(out)

    server.config = dataclasses.replace(server.config, slow={})
    resumed = subprocess.run(audit_cmd(targets, out, "--resume"), capture_output=True, text=True, timeout=240)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert crawl_state(out)["crawl_state"] == "finished"
    assert complete(out)
    # the pages may change under the results: checked again, or unfinished
    crawled = gongkai("crawl", targets, "--out", out, "--resume")
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert_unfinished(gongkai("report", "--out", out), "抓取后尚未完成检查")
    assert gongkai("check", "--out", out).returncode == 0

    whole = tmp_path / "whole"
    fresh = subprocess.run(audit_cmd(targets, whole), capture_output=True, text=True, timeout=240)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert verdicts(out) == verdicts(whole)


def test_sigint_twice_still_ends_cleanly(slow_portal, tmp_path):
    server, targets = slow_portal
    out = tmp_path / "out"
    proc = interrupt(audit_cmd(targets, out), out, server, signal.SIGINT, signal.SIGINT)
    assert_refused(proc, out)
    assert crawl_state(out)["crawl_state"] in ("interrupted", "running")


def test_resume_adds_sites_new_to_the_targets_file_and_refuses_a_new_period(slow_portal, tmp_path):
    server, targets = slow_portal
    out = tmp_path / "out"
    assert_refused(interrupt(audit_cmd(targets, out), out, server, signal.SIGINT), out)   # Ctrl-C once
    assert crawl_state(out)["crawl_close_reason"] == "shutdown"
    server.config = dataclasses.replace(server.config, slow={})
    data = yaml.safe_load(targets.read_text(encoding="utf-8"))
    data["sites"].append({"id": "trs2", "name": "江川市人民政府办公室", "home": server.base_url + "xwdt/"})
    data["audit"]["period"] = "2024Q3"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused = subprocess.run(audit_cmd(changed, out, "--resume"), capture_output=True, text=True, timeout=240)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "period" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1

    data["audit"]["period"] = "2024Q2"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    resumed = subprocess.run(audit_cmd(changed, out, "--resume"), capture_output=True, text=True, timeout=240)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    sites = {rule_site[0] for rule_site in _result_sites(out)}
    assert sites == {"trs", "trs2"}


def _result_sites(out: Path) -> set[tuple[str]]:
    store = st.Store(out / "gongkai.sqlite")
    try:
        return {(r["site"],) for r in store.rows(st.results, store.latest_audit_id())}
    finally:
        store.close()


def test_nothing_answers_exit_4_and_no_site_is_vetoed(tmp_path):
    sites = [{"id": f"s{n}", "name": f"测试{n}市人民政府", "home": f"http://127.0.0.1:{closed_port()}/"}
             for n in range(2)]
    targets = write_targets(tmp_path / "targets.yaml", sites, download_timeout=5, home_attempts=2,
                            home_attempt_interval=0.5)
    out = tmp_path / "out"
    proc = subprocess.run(audit_cmd(targets, out), capture_output=True, text=True, timeout=240)
    assert proc.returncode == 4, proc.stderr[-3000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("gongkai:")]
    assert len(lines) == 1 and "network" in lines[0] and "Traceback" not in proc.stderr
    assert not (out / "scores.json").exists()
    store = st.Store(out / "gongkai.sqlite")
    try:
        attempts = [p for p in store.rows(st.probes, store.latest_audit_id(), kind="home")]
    finally:
        store.close()
    assert sorted(st.from_json(p["detail_json"])["attempt"] for p in attempts) == [1, 1, 2, 2]
