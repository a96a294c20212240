"""The store pipeline: new pages are inserted, a page stored before (resume, a home retried) replaced."""

from __future__ import annotations

from pathlib import Path

from gongkai import store as st
from gongkai.crawler.items import PageItem
from gongkai.crawler.pipelines import StorePipeline


def page(fp: str, title: str) -> PageItem:
    return PageItem({"site": "a", "url": "http://127.0.0.1:8001/", "fingerprint": fp, "method": "GET",
                     "kind": "home", "outcome": "ok", "reason": "HTTP 200", "title": title},
                    links=[{"target": f"http://127.0.0.1:8001/{title}.html", "text": title}])


def run(path: Path, *items: PageItem) -> None:
    pipeline = StorePipeline(str(path), 1)
    pipeline.open_spider()
    try:
        for item in items:
            pipeline.process_item(item)
    finally:
        pipeline.store.close()


def test_a_page_saved_twice_in_one_crawl_or_across_a_resume_is_one_row(tmp_path: Path):
    db = tmp_path / "s.sqlite"
    run(db, page("f1", "first"), page("f2", "other"), page("f1", "retried"))
    run(db, page("f2", "resumed"))  # a new pipeline (a resumed crawl) knows what the store holds
    store = st.Store(db)
    try:
        rows = [(r["fingerprint"], r["title"]) for r in store.rows(st.pages, 1)]
        assert sorted(rows) == [("f1", "retried"), ("f2", "resumed")]
        assert sorted(r["target"].rsplit("/", 1)[1] for r in store.rows(st.links, 1)) == ["resumed.html",
                                                                                         "retried.html"]
    finally:
        store.close()
