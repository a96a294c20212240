"""Sites judged in worker processes store exactly what one process stores, in the same order."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from gongkai import processes as proc
from gongkai import store as st
from gongkai.checks import workers
from gongkai.checks.engine import run_checks
from gongkai.checks.registry import register
from gongkai.cli import EXIT_INTERNAL
from gongkai.vocab import config_path

SITES = [("dalian", "http://www.dl.gov.cn/", "大连市人民政府"), ("anshan", "http://www.anshan.gov.cn/", "鞍山市人民政府"),
         ("fushun", "http://www.fushun.gov.cn/", "抚顺市人民政府")]


def _portal(audit) -> None:  # noqa: ANN001 - the AuditBuilder fixture
    """Three sites whose pages fail, pass and cannot be judged on several rules each."""
    for n, (site, home, name) in enumerate(SITES):
        if n:
            audit.add_site(site, home, name)
        audit.column("interpretations", home + "zcjd/", "政策解读")
        audit.page(home, "home", title=name, identity={"site_code": f"210{n}000001"},
                   text="根据《中华人民共合国预算法》，认真布署。联系电话 13812345678")
        for i in range(3 + n):
            audit.page(home + f"zwgk/202407/t2024071{i}_{i}.html", "article", title=f"{name}通知{i}",
                       text=f"第{i}篇，身份证号 33010619900307123{n}，立即然后落实。")


def _stored(audit) -> list[tuple]:  # noqa: ANN001
    """Every result in the store's order (the order reports read them in), ids aside."""
    return [(r["site"], r["rule"], r["subject"], r["period"], r["status"], r["reason"], r["message"], r["evidence_json"])
            for r in audit.store.rows(st.results, audit.audit_id)]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_store_what_one_process_stores(audit, monkeypatch, method: str) -> None:
    _portal(audit)
    alone = run_checks(audit.store, audit.audit_id, processes=1)
    expected = _stored(audit)
    monkeypatch.setattr(workers, "POOL_AFTER", 0)
    monkeypatch.setattr(workers.proc, "start_method", lambda: multiprocessing.get_context(method))
    side_by_side = run_checks(audit.store, audit.audit_id, processes=2)
    assert _stored(audit) == expected
    assert {r[0] for r in expected} == {s for s, _, _ in SITES} and len(expected) > 60
    assert {r[4] for r in expected} >= {"pass", "fail", "unknown"}
    assert side_by_side.counts == alone.counts and side_by_side.sites == alone.sites == sorted(s for s, _, _ in SITES)


@register("test_workers_crash")
def _crash_on_anshan(view, site, rule, params) -> Iterator:  # noqa: ANN001
    if site.site == "anshan":
        raise RuntimeError("boom on anshan")
    yield from ()


def test_a_crash_in_a_worker_is_recorded_like_one_in_process(audit, monkeypatch, tmp_path: Path) -> None:
    _portal(audit)
    rules = yaml.safe_load(config_path("rules.yaml").read_text(encoding="utf-8"))["rules"]
    crash = {"id": "test.crash", "kind": "test_workers_crash", "severity": "low", "title": "崩溃", "message": "崩溃",
             "source": [{"doc": "国办秘函〔2019〕19号", "status": "official"}]}
    custom = tmp_path / "rules.yaml"
    custom.write_text(yaml.safe_dump({"rules": [*rules, crash]}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(workers, "POOL_AFTER", 0)
    monkeypatch.setattr(workers.proc, "start_method", lambda: multiprocessing.get_context("fork"))  # the kind lives here
    summary = run_checks(audit.store, audit.audit_id, custom, processes=3)
    assert summary.errors == ["anshan test.crash: RuntimeError: boom on anshan"]
    errors = audit.store.rows(st.errors, audit.audit_id)
    assert [(e["site"], e["stage"], e["subject"], e["message"]) for e in errors] == [
        ("anshan", "check", "test.crash", "RuntimeError: boom on anshan")]
    assert {r[0] for r in _stored(audit)} == {"dalian", "anshan", "fushun"}   # the site's other rules stored


def test_only_a_large_audit_of_several_sites_uses_workers(audit, monkeypatch) -> None:
    _portal(audit)
    pages = audit.store.count(st.pages, audit.audit_id)
    monkeypatch.setattr(workers, "POOL_AFTER", pages + 1)
    assert workers.processes_for(audit.store, audit.audit_id, 3, 4) == 1          # too small
    monkeypatch.setattr(workers, "POOL_AFTER", pages)
    assert workers.processes_for(audit.store, audit.audit_id, 3, 4) == 3          # never more than the sites
    assert workers.processes_for(audit.store, audit.audit_id, 3, 2) == 2
    assert workers.processes_for(audit.store, audit.audit_id, 1, 4) == 1          # one site: nothing to share
    assert workers.processes_for(audit.store, audit.audit_id, 3, 1) == 1          # --processes 1
    assert workers.processes_for(audit.store, audit.audit_id, 3, None) == min(proc.PROCESSES, 3)


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def _parallel_check(audit, tmp_path: Path) -> tuple[subprocess.Popen[str], list[int], Path]:
    """`gongkai check` over two sites of 1,000 pages each (past POOL_AFTER: two workers), once both run."""
    for n, (site, home, name) in enumerate(SITES[:2]):
        if n:
            audit.add_site(site, home, name)
        audit.page(home, "home", title=name, text="首页")
        for i in range(1000):
            audit.page(home + f"zwgk/202407/t20240715_{i}.html", "article", title=f"{name}通知{i}",
                       text=f"第{i}篇，身份证号 330106199003071236，立即然后落实。" * 20)
    assert audit.store.count(st.pages, audit.audit_id) >= workers.POOL_AFTER
    spool = tmp_path / "spool"
    spool.mkdir()
    check = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "check", "--store", str(tmp_path / "audit.sqlite"),
                              "--processes", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "TMPDIR": str(spool)}, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(_children(check.pid)) < 2 and check.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    busy = _children(check.pid)
    assert len(busy) >= 2, "the workers never started"
    return check, busy, spool


def _all_gone(busy: list[int], spool: Path) -> None:
    deadline = time.monotonic() + 60
    while any(_alive(p) for p in busy) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in busy)
    assert list(spool.iterdir()) == []   # the spool of judged sites is gone too


def test_ctrl_c_stops_a_parallel_check_at_once_with_one_line_and_nothing_left(audit, tmp_path: Path) -> None:
    check, busy, spool = _parallel_check(audit, tmp_path)
    os.killpg(check.pid, signal.SIGINT)   # as a terminal does: the whole process group
    out, err = check.communicate(timeout=120)
    assert check.returncode == 130, (out, err)
    assert err.strip().splitlines() == ["gongkai: interrupted; what was collected is in the store"]
    _all_gone(busy, spool)


def test_a_worker_killed_from_outside_ends_the_check_with_one_line(audit, tmp_path: Path) -> None:
    """The out-of-memory killer takes a worker: the check stops with one line and a failure exit, not a traceback."""
    check, busy, spool = _parallel_check(audit, tmp_path)
    os.kill(busy[0], signal.SIGKILL)
    out, err = check.communicate(timeout=120)
    assert check.returncode == EXIT_INTERNAL, (out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("gongkai: error: a check or report worker process died"), err
    _all_gone(busy, spool)
