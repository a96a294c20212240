"""What a resumed crawl takes as done: only articles whose files the store can list."""

from datetime import date

from gongkai import store as st
from gongkai.fingerprint import request_fingerprint
from gongkai.stages import resume_ledger


def _article(store: st.Store, audit: int, url: str, files: str, key: str) -> None:
    store.save_page(audit, {"page": {"site": "s", "url": url, "status": 200, "kind": "article", "outcome": "ok"},
                            "document": {"site": "s", "url": url, "title": "关于X的通知", "dedup_key": key,
                                         "attachments_json": files}})


def test_reposts_and_unreadable_file_lists_are_fetched_again(tmp_path):
    store = st.Store(tmp_path / "s.sqlite")
    audit = store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    first, repost = "http://h/c1/1.html", "http://h/c2/1.html"
    _article(store, audit, first, st.to_json([{"url": "http://h/f/P1.pdf", "text": "P1"}]), "same")
    _article(store, audit, repost, st.to_json([{"url": "http://h/f/P2.xlsx", "text": "P2"}]), "same")  # a repost
    _article(store, audit, "http://h/c1/2.html", "not json", "k2")
    _article(store, audit, "http://h/c1/3.html", st.to_json(["http://h/f/x.pdf"]), "k3")
    _article(store, audit, "http://h/c1/4.html", st.to_json([]), "k4")
    ledger = resume_ledger(store, audit)["s"]
    assert [doc for doc, _ in ledger["attachments_pending"]] == [first]
    done = {request_fingerprint(u, "GET") for u in (first, "http://h/c1/4.html")}
    assert ledger["done"] == done   # the repost and the two unreadable lists are fetched again
