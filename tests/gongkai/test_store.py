from datetime import date

from gongkai import store as st


def test_page_bundle_is_one_transaction_and_replaces_on_resave(tmp_path):
    store = st.Store(tmp_path / "s.sqlite")
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    bundle = {"page": {"site": "s", "url": "http://h/a.html", "status": 200, "kind": "article"},
              "links": [{"target": "http://h/b.html", "text": "b", "hidden": False, "internal": True}],
              "document": {"site": "s", "url": "http://h/a.html", "title": "关于印发X的通知", "dedup_key": "k1"}}
    store.save_page(audit, bundle)
    store.save_page(audit, bundle)
    assert len(store.rows(st.pages, audit)) == 1
    assert len(store.rows(st.links, audit)) == 1
    assert len(store.rows(st.documents, audit)) == 1


def test_repost_in_another_column_is_one_document(tmp_path):
    store = st.Store(tmp_path / "s.sqlite")
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


def test_results_of_a_site_are_replaced_atomically(tmp_path):
    store = st.Store(tmp_path / "s.sqlite")
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    store.replace_results(audit, "s", [{"rule": "r", "subject": "u", "status": "fail"}])
    store.replace_results(audit, "s", [{"rule": "r", "subject": "u", "status": "pass"}])
    assert [r["status"] for r in store.rows(st.results, audit)] == ["pass"]


def test_two_sites_sharing_a_host_keep_their_own_rows(tmp_path):
    store = st.Store(tmp_path / "s.sqlite")
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    url = "http://xxgk.example.gov.cn/a.html"
    for site in ("czj", "jyj"):
        store.save_page(audit, {"page": {"site": site, "url": url, "status": 200, "kind": "article"},
                                "links": [{"target": url + "#x", "text": site, "hidden": False, "internal": True}],
                                "document": {"site": site, "url": url, "title": site}})
    assert sorted(r["site"] for r in store.rows(st.pages, audit)) == ["czj", "jyj"]
    assert sorted(r["title"] for r in store.rows(st.documents, audit)) == ["czj", "jyj"]
    assert len(store.rows(st.links, audit)) == 2


def test_snapshots_are_kept_once_per_body_and_compressed(tmp_path):
    store = st.Store(tmp_path / "s.sqlite")
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
