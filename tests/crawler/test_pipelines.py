"""The store pipeline: pages are written in short batches (one transaction each), new pages
inserted, a page stored before (resume, a home retried) replaced; a batch is written when full,
when old, when the crawl is idle and when it closes, and a killed crawl loses at most the batch."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from gongkai import store as st
from gongkai.crawler.items import PageItem, ProbeItem
from gongkai.crawler.pipelines import StorePipeline
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_site

SLOW_ARTICLE = "/zwgk/zcwj/202404/t20240403_1000.html"   # the last article of trs_site's list
FAST_ARTICLES = ("/zwgk/zcwj/202406/t20240610_1003.html", "/zwgk/zcwj/202405/t20240520_1002.html",
                 "/zwgk/zcwj/202405/t20240510_1001.html")
WAIT = 120  # seconds to wait for a running crawl to reach a state (not a measurement)


def page(fp: str, title: str, **fields: object) -> PageItem:
    return PageItem({"site": "a", "url": "http://127.0.0.1:8001/", "fingerprint": fp, "method": "GET",
                     "kind": "home", "outcome": "ok", "reason": "HTTP 200", "title": title, **fields},
                    links=[{"target": f"http://127.0.0.1:8001/{title}.html", "text": title}])


def run(path: Path, *items: PageItem) -> None:
    pipeline = StorePipeline(str(path), 1)
    pipeline.open_spider()
    try:
        for item in items:
            pipeline.process_item(item)
        pipeline.flush()
    finally:
        pipeline.store.close()


def stored_titles(path: Path) -> list[str]:
    """Titles of the pages stored, read on a connection of its own (what another reader sees)."""
    with sqlite3.connect(path) as conn:
        return sorted(row[0] for row in conn.execute("SELECT title FROM pages"))


def stored_rows(path: Path, table: st.sa.Table) -> list[dict]:
    """Audit 1's rows of ``table``, read through a store opened and closed for it."""
    store = st.Store(path)
    try:
        return store.rows(table, 1)
    finally:
        store.close()


@contextmanager
def batching_pipeline(path: Path, batch_size: int = 3) -> Iterator[StorePipeline]:
    """An opened StorePipeline writing batches of ``batch_size``; its store closed afterwards."""
    pipeline = StorePipeline(str(path), 1, batch_size=batch_size)
    pipeline.open_spider()
    try:
        yield pipeline
    finally:
        pipeline.store.close()


def test_a_page_saved_twice_in_one_crawl_or_across_a_resume_is_one_row(tmp_path: Path):
    db = tmp_path / "s.sqlite"
    run(db, page("f1", "first"), page("f2", "other"), page("f1", "retried"))
    run(db, page("f2", "resumed"))  # a new pipeline (a resumed crawl) knows what the store holds
    rows = [(r["fingerprint"], r["title"]) for r in stored_rows(db, st.pages)]
    assert sorted(rows) == [("f1", "retried"), ("f2", "resumed")]
    assert sorted(r["target"].rsplit("/", 1)[1] for r in stored_rows(db, st.links)) == ["resumed.html", "retried.html"]


def test_a_batch_is_written_when_full_in_one_statement_per_table(tmp_path: Path):
    db = tmp_path / "s.sqlite"
    inserts: list[tuple[str, bool]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO"):
            inserts.append((statement.split()[2], executemany))
    with batching_pipeline(db) as pipeline:
        st.sa.event.listen(pipeline.store.engine, "before_cursor_execute", seen)
        pipeline.process_item(page("f1", "one"))
        pipeline.process_item(ProbeItem({"site": "a", "kind": "link", "url": "http://127.0.0.1:9/", "outcome": "broken"}))
        assert stored_titles(db) == [] and inserts == []   # held in the batch
        pipeline.process_item(page("f2", "two"))
        assert stored_titles(db) == ["one", "two"]
        assert sorted(inserts) == [("links", True), ("pages", True), ("probes", False)]  # one INSERT a table
        pipeline.process_item(page("f3", "three"))
        assert stored_titles(db) == ["one", "two"]
        pipeline.close_spider()   # closing writes what the batch holds before the store is read
        assert stored_titles(db) == ["one", "three", "two"]
    assert [p["url"] for p in stored_rows(db, st.probes)] == ["http://127.0.0.1:9/"]


def test_a_bad_row_loses_its_own_page_and_the_rest_of_the_batch_is_stored(tmp_path: Path):
    db = tmp_path / "s.sqlite"
    with batching_pipeline(db) as pipeline:
        pipeline.process_item(page("f1", "one"))
        pipeline.process_item(page("f2", "bad", status={"not": "a number"}))  # fails only when written
        pipeline.process_item(page("f3", "three"))
    assert stored_titles(db) == ["one", "three"]
    errors = stored_rows(db, st.errors)
    assert len(errors) == 1 and errors[0]["site"] == "a" and errors[0]["stage"] == "crawl"


# -- real crawls, with the batch bounds set for the run -----------------------------------------------

def crawl_cmd(targets: Path, out: Path, *extra: str, **bounds: float) -> list[str]:
    """``gongkai crawl`` in a subprocess, with ``crawler/settings.py`` values replaced for the run."""
    patch = "".join(f"settings.{name} = {value!r}; " for name, value in bounds.items())
    code = f"import sys; from gongkai.crawler import settings; {patch}from gongkai.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code, "crawl", str(targets), "--out", str(out), *extra]


def write_targets(path: Path, home: str) -> Path:
    path.write_text(yaml.safe_dump({
        "audit": {"name": "测试", "period": "2024Q2", "as_of": "2024-08-05"},
        "crawl": {"download_delay": 0, "download_timeout": 60, "retry_times": 0, "cloak_check": False},
        "sites": [{"id": "trs", "name": "江川市人民政府", "home": home}]}, allow_unicode=True), encoding="utf-8")
    return path


def stored(db: Path, kind: str) -> int:
    """Pages of a kind stored so far."""
    return len(stored_urls(db, f"SELECT url FROM pages WHERE kind = '{kind}'"))


def stored_urls(db: Path, query: str) -> set[str]:
    """URLs a query reads while the crawl runs (none before the schema exists)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return {row[0] for row in conn.execute(query)}
    except sqlite3.OperationalError:
        return set()


def wait_until(proc: subprocess.Popen, ready, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the crawl ended before {what}: {proc.stderr.read()[-2000:]}"
        if ready():
            return
        time.sleep(0.2)
    pytest.fail(f"not in time: {what}")


def documents(out: Path) -> set[str]:
    store = st.Store(out / "gongkai.sqlite")
    try:
        audit = store.latest_audit_id()
        assert store.audit(audit)["crawl_state"] == "finished"
        return {d["url"] for d in store.rows(st.documents, audit)}
    finally:
        store.close()


@pytest.fixture()
def slow_trs(tmp_path):
    """A TRS portal whose last article answers only when the test releases it (the crawl is surely
    busy, never idle, meanwhile), and the documents a whole crawl of it stores."""
    with SiteServer(trs_site(tmp_path / "trs")) as server:
        targets = write_targets(tmp_path / "targets.yaml", server.base_url)
        whole = subprocess.run(crawl_cmd(targets, tmp_path / "whole"), capture_output=True, text=True, timeout=240)
        assert whole.returncode == 0, whole.stderr[-3000:]
        expected = documents(tmp_path / "whole")
        assert len(expected) >= 4
        server.config = dataclasses.replace(server.config, slow={SLOW_ARTICLE: 60})
        server.release.clear()
        server.hits.clear()
        yield server, targets, expected
        server.release.set()


def held_until(server: SiteServer, cmd: list[str], ready, what: str, then) -> None:
    """Run the crawl until ``ready()``, call ``then()`` while it still runs, then release the slow
    page and let the crawl finish."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(proc, ready, what)
        then()
        server.release.set()
        assert proc.wait(timeout=WAIT) == 0, proc.stderr.read()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_batch_is_written_when_its_first_page_is_old_though_the_crawl_is_busy(slow_trs, tmp_path):
    server, targets, expected = slow_trs
    out = tmp_path / "out"
    db = out / "gongkai.sqlite"

    def slow_one_not_stored() -> None:
        assert server.base_url + SLOW_ARTICLE[1:] not in stored_urls(db, "SELECT url FROM pages")
    # the slow article is in flight: neither full nor idle, the batch is written for its age
    held_until(server, crawl_cmd(targets, out, GONGKAI_STORE_BATCH_SIZE=10_000, GONGKAI_STORE_BATCH_SECONDS=1.0),
               lambda: stored(db, "article") >= 3, "the fast articles are stored", slow_one_not_stored)
    assert documents(out) == expected


def test_a_batch_is_written_when_the_crawl_is_idle(slow_trs, tmp_path):
    server, targets, expected = slow_trs
    server.config = dataclasses.replace(server.config, slow={"/missing.html": 60})  # a link checked when idle
    out = tmp_path / "out"
    db = out / "gongkai.sqlite"

    def slow_link_not_stored() -> None:
        assert server.base_url + "missing.html" not in stored_urls(db, "SELECT url FROM probes")
    # no page left to fetch: the link checker's probes wait on a slow link, the pages are stored
    held_until(server, crawl_cmd(targets, out, GONGKAI_STORE_BATCH_SIZE=10_000, GONGKAI_STORE_BATCH_SECONDS=3600.0),
               lambda: stored(db, "article") == len(expected), "the articles are stored", slow_link_not_stored)
    assert documents(out) == expected


def test_a_batch_is_written_at_close_however_large_its_bounds(slow_trs, tmp_path):
    server, targets, expected = slow_trs
    server.release.set()
    out = tmp_path / "out"
    proc = subprocess.run(crawl_cmd(targets, out, GONGKAI_STORE_BATCH_SIZE=10_000, GONGKAI_STORE_BATCH_SECONDS=3600.0),
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert documents(out) == expected
    store = st.Store(out / "gongkai.sqlite")
    try:   # what reads the store at close saw the pages: the 404 probe and the soft 404 pass ran on them
        audit = store.latest_audit_id()
        links = {p["url"]: p["outcome"] for p in store.rows(st.probes, audit, kind="link")}
        assert links[server.base_url + "missing.html"] == "broken"
        assert store.rows(st.pages, audit, kind="not_found_probe")
    finally:
        store.close()


def test_a_killed_crawl_loses_only_its_batch_and_resume_fetches_every_document(slow_trs, tmp_path):
    server, targets, expected = slow_trs
    out = tmp_path / "out"
    db = out / "gongkai.sqlite"
    proc = subprocess.Popen(crawl_cmd(targets, out, GONGKAI_STORE_BATCH_SIZE=10_000, GONGKAI_STORE_BATCH_SECONDS=3600.0),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:   # home, lists and three articles fetched and batched; the fourth in flight
        wait_until(proc, lambda: all(server.hits[path] for path in (*FAST_ARTICLES, SLOW_ARTICLE)),
                   "the articles are fetched")
        time.sleep(1.0)   # the fetched pages reach the pipeline's batch
        assert stored(db, "home") == stored(db, "article") == 0   # all of it is still in the batch
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
    server.release.set()
    resumed = subprocess.run(crawl_cmd(targets, out, "--resume"), capture_output=True, text=True, timeout=240)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert documents(out) == expected
    assert all(server.hits[path] == 2 for path in FAST_ARTICLES)   # lost with the batch, fetched again
