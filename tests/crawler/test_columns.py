"""Columns are (type, URL): one list given for two column types is two columns sharing one crawl."""

from __future__ import annotations

from gongkai import store as st
from gongkai.checks.view import AuditView
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_site
from tests.crawler.test_spider import run_crawl


def test_one_list_url_given_for_two_types_feeds_both(tmp_path):
    with SiteServer(trs_site(tmp_path / "trs")) as trs:
        policy = trs.base_url + "zwgk/zcwj/"
        store, audit = run_crawl(tmp_path, [{"id": "trs", "name": "江川市人民政府", "home": trs.base_url,
                                             "columns": {"policy_docs": policy, "normative_docs": policy}}])
        assert trs.hits["/zwgk/zcwj/"] == 1  # fetched once
    cols = store.rows(st.columns, audit, site="trs")
    assert sorted((c["type"], c["url"]) for c in cols) == [("normative_docs", policy), ("policy_docs", policy)]
    for col in cols:  # both carry the list's coverage: 3 pages, 4 articles, all fetched
        assert (col["coverage"], col["list_pages"], col["items_listed"], col["articles_fetched"]) == \
            ("complete", 3, 4, 4), col
        assert col["announced_pages"] == 3
    view = AuditView(store, audit)
    assert len(view.documents("trs", "policy_docs")) == len(view.documents("trs", "normative_docs")) == 4
