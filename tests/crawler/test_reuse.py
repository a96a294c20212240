"""The key an article's kept facts are found under (crawler/reuse.py): every input of the
extraction and the extractor itself, so facts are never taken for another page or extractor."""

from __future__ import annotations

import pytest

from gongkai.crawler import reuse
from gongkai.crawler.extraction import ArticleFacts, article_facts

HTML = "<html><head><title>通知</title></head><body><h1>关于做好防汛工作的通知</h1><p>正文</p></body></html>"
ARGS = {"html": HTML, "final_url": "http://a.gov.cn/t1.html", "asked_url": "http://a.gov.cn/t1.html"}


def key(**changed: object) -> str:
    args = {**ARGS, "extract": True, "messages": False, **changed}
    return reuse.facts_key(args.pop("html"), args.pop("final_url"), args.pop("asked_url"), **args)


def test_each_input_of_the_extraction_changes_the_key() -> None:
    keys = {key(), key(html=HTML + " "), key(final_url="http://a.gov.cn/t2.html"),
            key(asked_url="http://a.gov.cn/old.html"), key(extract=False), key(messages=True)}
    assert len(keys) == 6 and key() == key()


def test_another_extractor_makes_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = key()
    reuse.extractor_digest.cache_clear()
    monkeypatch.setattr(reuse, "LIBRARIES", (*reuse.LIBRARIES, "jieba"))   # a library more, or another version
    try:
        assert key() != before
    finally:
        monkeypatch.undo()
        reuse.extractor_digest.cache_clear()
    assert key() == before


def test_kept_facts_read_back_as_made() -> None:
    kept = reuse.kept_article_facts(HTML, ARGS["final_url"], ARGS["asked_url"], extract=True, messages=False)
    facts = reuse.kept_facts(kept)
    assert isinstance(facts, ArticleFacts)
    assert facts == article_facts(HTML, ARGS["final_url"], ARGS["asked_url"], extract=True, messages=False)


def test_facts_that_cannot_be_read_back_make_the_page_read_again(tmp_path) -> None:
    """A damaged row (a disk fault, a store edited by hand) costs a parse, never the page."""
    from scrapy.http import HtmlResponse

    from gongkai.store import Store, extractions

    store = Store(tmp_path / "s.sqlite")
    good = reuse.kept_article_facts(HTML, ARGS["final_url"], ARGS["asked_url"], extract=True, messages=False)
    with store.engine.begin() as conn:
        conn.execute(extractions.insert(), [{"key": "good", "facts_z": good}, {"key": "bad", "facts_z": good[:20]}])
    kept = reuse.ExtractionReuse(store.url)
    cached = HtmlResponse(ARGS["final_url"], body=HTML.encode(), encoding="utf-8", flags=["cached"])
    try:
        assert kept.kept(cached, "good") == reuse.kept_facts(good)
        assert kept.kept(cached, "bad") is None and kept.kept(cached, "absent") is None
        fresh = HtmlResponse(ARGS["final_url"], body=HTML.encode(), encoding="utf-8")
        assert kept.kept(fresh, "good") is None   # only a page that answered 304 takes kept facts
    finally:
        kept.close()
        store.close()
