"""The store's writes and reads, on SQLite and — when the test services run — on PostgreSQL."""

from datetime import date

import pytest
import sqlalchemy as sa

from gongkai import store as st
from tests.gongkai.services import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """Where a test's store lives: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield tmp_path / "s.sqlite"
        return
    with fresh_database() as url:
        yield url


def test_page_bundle_is_one_transaction_and_replaces_on_resave(target):
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    bundle = {"page": {"site": "s", "url": "http://h/a.html", "status": 200, "kind": "article"},
              "links": [{"target": "http://h/b.html", "text": "b", "hidden": False, "internal": True}],
              "document": {"site": "s", "url": "http://h/a.html", "title": "关于印发X的通知", "dedup_key": "k1"}}
    store.save_page(audit, bundle)
    store.save_page(audit, bundle)
    assert len(store.rows(st.pages, audit)) == 1
    assert len(store.rows(st.links, audit)) == 1
    assert len(store.rows(st.documents, audit)) == 1


def test_repost_in_another_column_is_one_document(target):
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    for url, column in (("http://h/zcwj/1.html", "policy_docs"), ("http://h/tzgg/1.html", "notices")):
        store.save_page(audit, {"page": {"site": "s", "url": url, "status": 200, "kind": "article"},
                                "document": {"site": "s", "url": url, "title": "t", "column_type": column,
                                             "dedup_key": "same"}})
    docs = store.rows(st.documents, audit)
    assert len(docs) == 1
    assert st.from_json(docs[0]["also_in_json"])[0]["column_type"] == "notices"


def test_store_uses_wal_and_reopens(tmp_path):
    path = tmp_path / "s.sqlite"
    store = st.Store(path)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {"x": 1})
    store.close()
    again = st.Store(path)
    assert again.latest_audit_id() == audit
    with again.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_results_of_a_site_are_replaced_atomically(target):
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    store.replace_results(audit, "s", [{"rule": "r", "subject": "u", "status": "fail"}])
    store.replace_results(audit, "s", [{"rule": "r", "subject": "u", "status": "pass"}])
    assert [r["status"] for r in store.rows(st.results, audit)] == ["pass"]


def test_results_come_as_a_stream_in_batches_and_a_broken_stream_changes_nothing(target, monkeypatch):
    monkeypatch.setattr(st, "RESULT_BATCH", 3)
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    store.replace_results(audit, "s", ({"rule": "r", "subject": f"u{i}", "status": "pass"} for i in range(7)))
    assert [r["subject"] for r in store.rows(st.results, audit)] == [f"u{i}" for i in range(7)]

    def broken():
        yield from ({"rule": "r", "subject": f"v{i}", "status": "fail"} for i in range(5))
        raise RuntimeError("the check stopped")

    with pytest.raises(RuntimeError):
        store.replace_results(audit, "s", broken())
    assert [r["subject"] for r in store.rows(st.results, audit)] == [f"u{i}" for i in range(7)]


def test_two_sites_sharing_a_host_keep_their_own_rows(target):
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    url = "http://xxgk.example.gov.cn/a.html"
    for site in ("czj", "jyj"):
        store.save_page(audit, {"page": {"site": site, "url": url, "status": 200, "kind": "article"},
                                "links": [{"target": url + "#x", "text": site, "hidden": False, "internal": True}],
                                "document": {"site": site, "url": url, "title": site}})
    assert sorted(r["site"] for r in store.rows(st.pages, audit)) == ["czj", "jyj"]
    assert sorted(r["title"] for r in store.rows(st.documents, audit)) == ["czj", "jyj"]
    assert len(store.rows(st.links, audit)) == 2


def test_snapshots_are_kept_once_per_body_and_compressed(target):
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    html = "<html><body>" + "<p>江川市人民政府办公室关于做好防汛工作的通知</p>" * 500 + "</body></html>"
    for n in range(3):  # one template body behind three URLs
        store.save_page(audit, {"page": {"site": "s", "url": f"http://x.gov.cn/{n}.html", "status": 200,
                                         "kind": "article", "sha256": "ab" * 32, "snapshot": html}})
    store.save_page(audit, {"page": {"site": "s", "url": "http://x.gov.cn/other.html", "status": 200,
                                     "kind": "article", "snapshot": "<html>另一页</html>"}})
    with store.engine.connect() as conn:
        rows = conn.execute(st.snapshots.select()).all()
    assert len(rows) == 2
    assert len(next(r.html_z for r in rows if r.sha256 == "ab" * 32)) < len(html.encode()) / 10
    assert store.snapshot("ab" * 32) == html
    other = next(p for p in store.rows(st.pages, audit) if p["url"].endswith("other.html"))
    assert store.snapshot(other["sha256"]) == "<html>另一页</html>"  # keyed by its text's hash when none was given
    assert store.snapshot(None) is None and store.snapshot("0" * 64) is None
    # many at once (a report's snapshot files): those kept, by sha256; unknown, empty and repeated asked for nothing
    both = store.snapshots(["ab" * 32, "0" * 64, "", other["sha256"], "ab" * 32])
    assert both == {"ab" * 32: html, other["sha256"]: "<html>另一页</html>"}
    assert store.snapshots([]) == {} and store.snapshots(["0" * 64]) == {}


def test_nul_of_a_hostile_page_is_stored_as_every_output_shows_it(target):
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    store.save_page(audit, {"page": {"site": "s", "url": "http://h/a.html", "status": 200, "kind": "article",
                                     "title": "通知\x00", "text": "正文\x00x"},
                            "links": [{"target": "http://h/b.html", "text": "b\x00", "hidden": True, "internal": False}]})
    page = store.rows(st.pages, audit)[0]
    shown = {"sqlite": "\x00", "postgresql": st.NUL_SHOWN}[store.engine.dialect.name]
    assert page["title"] == f"通知{shown}" and page["text"] == f"正文{shown}x"
    link = store.rows(st.links, audit)[0]
    assert link["text"] == f"b{shown}" and link["hidden"] is True and link["internal"] is False
    store.close()


def test_site_crawl_state_and_worker_are_recorded(target):
    store = st.Store(target)
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    store.upsert_site(audit, {"site": "s", "name": "n", "home": "http://h/"})
    assert store.rows(st.sites, audit)[0]["crawl_state"] is None
    store.set_site_crawl(audit, "s", crawl_state="finished", crawl_close_reason="finished", worker="m1/w1")
    row = store.rows(st.sites, audit)[0]
    assert (row["crawl_state"], row["crawl_close_reason"], row["worker"]) == ("finished", "finished", "m1/w1")
    assert [r["site"] for r in store.stream(st.sites, audit, ["site"])] == ["s"]
    store.close()


def test_a_store_from_before_the_site_crawl_columns_gets_them(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    st.Store(path).close()
    with sqlite3.connect(path) as conn:  # the sites table as gongkai wrote it before
        conn.execute("DROP TABLE sites")
        conn.execute("CREATE TABLE sites (audit_id INTEGER NOT NULL, site TEXT NOT NULL, name TEXT, home TEXT, "
                     "kind TEXT, region TEXT, origins_json TEXT, dialect TEXT, PRIMARY KEY (audit_id, site))")
        conn.execute("INSERT INTO sites (audit_id, site, name) VALUES (1, 's', 'old')")
    store = st.Store(path)
    row = store.rows(st.sites, 1)[0]
    assert row["name"] == "old" and row["crawl_state"] is None and row["worker"] is None
    store.close()


def _bundle(n: int, url: str, key: str | None, column: str, doc_url: str | None = None) -> dict:
    html = f"<html><body>{'模板' if n % 2 else url}</body></html>"   # odd pages share one template body
    return {"page": {"site": "s", "url": url, "fingerprint": f"fp{n}", "status": 200, "kind": "article",
                     "snapshot": html, "title": f"t{n}"},
            "links": [{"target": url + "#top", "text": str(n), "hidden": False, "internal": True}],
            "probes": [{"site": "s", "kind": "link", "url": url, "status": 200, "outcome": "ok"}],
            "document": {"site": "s", "url": doc_url or url, "title": f"d{n}", "column_type": column,
                         "dedup_key": key}}


# a copy stored before; reposts of it and of each other inside the batch; a page re-crawled under
# another fingerprint that replaces a document at its URL; a document without a dedup key
_EARLIER = [_bundle(0, "http://h/zcwj/0.html", "k0", "policy_docs")]
_BATCH = [_bundle(1, "http://h/tzgg/0.html", "k0", "notices"),
          _bundle(2, "http://h/zcwj/1.html", "k1", "policy_docs"),
          _bundle(3, "http://h/tzgg/1.html", "k1", "notices"),
          _bundle(4, "http://h/xxgk/1.html", "k1", "xxgk"),
          _bundle(5, "http://h/tzgg/1.html?x", "k1", "notices", doc_url="http://h/tzgg/1.html"),
          _bundle(6, "http://h/zcwj/2.html", "k2", "policy_docs", doc_url="http://h/zcwj/1.html"),
          _bundle(7, "http://h/xxgk/2.html", "k1", "xxgk"),
          _bundle(8, "http://h/other.html", None, "other")]


def _contents(store: st.Store, audit: int) -> dict:
    """Every row the crawl writes, without ids and times."""
    def rows(table, *skip):
        return sorted(sorted((k, str(v)) for k, v in r.items() if k not in ("id", "at", "audit_id", *skip))
                      for r in store.rows(table, audit))
    with store.engine.connect() as conn:
        bodies = sorted(tuple(r) for r in conn.execute(sa.select(st.snapshots.c.sha256, st.snapshots.c.html_z)))
    return {"pages": rows(st.pages), "links": rows(st.links), "probes": rows(st.probes),
            "documents": rows(st.documents), "snapshots": bodies}


def test_a_batch_stores_what_its_pages_stored_one_at_a_time_would(target):
    one_by_one = st.Store(target)
    audit = one_by_one.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    for bundle in _EARLIER + _BATCH:
        one_by_one.save_page(audit, bundle)
    expected = _contents(one_by_one, audit)
    docs = {d["url"]: d for d in one_by_one.rows(st.documents, audit)}
    assert [e["column_type"] for e in st.from_json(docs["http://h/zcwj/0.html"]["also_in_json"])] == ["notices"]
    # k1's first copy was replaced at its URL by a k2 document: its reposts went with it, and the
    # next k1 document is a first copy again
    assert sorted(docs) == ["http://h/other.html", "http://h/xxgk/2.html", "http://h/zcwj/0.html",
                            "http://h/zcwj/1.html"]
    assert (docs["http://h/zcwj/1.html"]["dedup_key"], docs["http://h/zcwj/1.html"]["also_in_json"]) == ("k2", None)
    audit_b = one_by_one.create_audit("b", "2024Q2", date(2024, 8, 5), {})
    one_by_one.save_page(audit_b, _EARLIER[0])
    batch = st.PageBatch(audit_b)
    for bundle in _BATCH:
        batch.add_page(bundle, fresh=True)
    one_by_one.write_batch(batch)
    assert _contents(one_by_one, audit_b) == expected
    assert len(expected["snapshots"]) == 1 + 1 + 4   # page 0's, the template, and pages 2, 4, 6, 8
    one_by_one.close()


def test_a_batch_holds_a_page_once(tmp_path):
    batch = st.PageBatch(1)
    batch.add_page(_BATCH[0])
    with pytest.raises(ValueError, match="in the batch already"):
        batch.add_page(_BATCH[0])
    with pytest.raises(ValueError, match="unknown pages fields"):
        batch.add_page({"page": {"site": "s", "url": "http://h/x", "no_such_column": 1}})
    assert len(batch) == 1 and batch.holds(("s", "fp1", "normal"))
