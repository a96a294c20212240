"""Crawl coverage on generated portals (issue 8, item 5).

One generated portal per dialect (TRS, Hanweb through dataproxy POSTs, generic), 5 paged columns
of 5 list pages each (see :mod:`tests.crawler.portalgen`), crawled with the real CLI against
loopback servers:

- every article inside the window is reached — per column, an exact set — and pagination stops
  at the window (the 6th and 7th announced pages are never fetched);
- every column's coverage fields say what the markup announced and what was listed and fetched,
  and ``coverage == "complete"`` (docs/store.md, ``columns``);
- with one list page of 政策解读 answering 500, that column is ``incomplete`` with the reason,
  the others stay complete, and the rules that need the whole column say ``unknown`` instead of
  ``fail`` (interpretation.missing for policies whose interpretation cannot be seen).

Three crawls, each of the three portals side by side: columns discovered from the navigation,
columns given in the targets file, and the cut portals.  Trees are built before any server starts.
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from gongkai import store as st
from gongkai.demo.server import SiteServer
from tests.crawler.portalgen import (
    DIALECTS,
    LACKING,
    PERIOD_START,
    Article,
    Column,
    Portal,
    absolute,
    build_portal,
    hanweb_batches,
    targets,
)

CUT = ("interpretations", 3)   # the third list page of 政策解读 answers 500
TIMEOUT = 900                  # a whole crawl of three sites, on a slow machine


@dataclass
class Crawl:
    """One CLI crawl (and check) of the three portals."""

    out: Path
    store: st.Store
    audit: int
    portals: dict[str, Portal]
    bases: dict[str, str]

    def url(self, dialect: str, path: str) -> str:
        return absolute(self.bases[dialect], path)

    def rows(self, table, dialect: str, **where):
        return self.store.rows(table, self.audit, site=self.portals[dialect].site_id, **where)

    def column_row(self, dialect: str, column: Column) -> dict:
        rows = self.rows(st.columns, dialect, type=column.type, url=self.url(dialect, column.path))
        assert len(rows) == 1, (column.type, column.path, self.rows(st.columns, dialect))
        return rows[0]

    def results(self, dialect: str, rule: str) -> dict[str, str]:
        return {r["subject"]: r["status"] for r in self.rows(st.results, dialect, rule=rule)}


def _run(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-4000:])


def _crawl(tmp: Path, portals: dict[str, Portal], given_columns: bool, check: bool) -> Crawl:
    with ExitStack() as stack:
        servers = {d: stack.enter_context(SiteServer(p.root)) for d, p in portals.items()}
        bases = {d: s.base_url for d, s in servers.items()}
        doc = targets([p.site(bases[d], given_columns=given_columns) for d, p in portals.items()])
        path = tmp / "targets.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        _run(["crawl", str(path), "--out", str(tmp / "out")])
    if check:
        _run(["check", "--out", str(tmp / "out")])
    store = st.Store(tmp / "out" / "gongkai.sqlite")
    audit = store.latest_audit_id()
    assert store.audit(audit)["crawl_state"] == "finished"   # coverage is only final for a closed crawl
    return Crawl(tmp / "out", store, audit, portals, bases)


@pytest.fixture(scope="module")
def trees(tmp_path_factory) -> dict[str, dict[str, Portal]]:
    """Every tree, written before any server starts: whole portals and portals with a cut page."""
    tmp = tmp_path_factory.mktemp("portals")
    return {"whole": {d: build_portal(tmp / "whole" / d, d) for d in DIALECTS},
            "cut": {d: build_portal(tmp / "cut" / d, d, cut=CUT) for d in DIALECTS}}


@pytest.fixture(scope="module")
def discovered(trees, tmp_path_factory) -> Crawl:
    return _crawl(tmp_path_factory.mktemp("discovered"), trees["whole"], given_columns=False, check=True)


@pytest.fixture(scope="module")
def configured(trees, tmp_path_factory) -> Crawl:
    return _crawl(tmp_path_factory.mktemp("configured"), trees["whole"], given_columns=True, check=False)


@pytest.fixture(scope="module")
def cut(trees, tmp_path_factory) -> Crawl:
    return _crawl(tmp_path_factory.mktemp("cut"), trees["cut"], given_columns=False, check=True)


# -- helpers ---------------------------------------------------------------------------------------

def _fetched_articles(crawl: Crawl, dialect: str, column: Column) -> list[str]:
    """URLs of the column's article pages stored with outcome ok (a list: duplicates show)."""
    curl = crawl.url(dialect, column.path)
    return [p["url"] for p in crawl.rows(st.pages, dialect, kind="article", column_url=curl, variant="normal")
            if p["outcome"] == "ok"]


def _explain(crawl: Crawl, dialect: str, missing: set[str], articles: list[Article]) -> list[str]:
    """Missing URLs with the list page that lists them, for a readable failure."""
    where = {crawl.url(dialect, a.path): f"page {a.page} {a.day}" for a in articles}
    return sorted(f"{where.get(u, '?')}: {u}" for u in missing)


def assert_articles_reached(crawl: Crawl, dialect: str, column: Column) -> None:
    expected = {crawl.url(dialect, a.path) for a in column.in_window}
    got = _fetched_articles(crawl, dialect, column)
    missing, extra = expected - set(got), set(got) - expected
    assert not missing, (column.type, "in-window articles not reached", _explain(crawl, dialect, missing, column.items))
    assert not extra, (column.type, "articles fetched that the column does not list in the window", sorted(extra))
    assert len(got) == len(expected), (column.type, "an article stored twice", sorted(got))
    docs = [d["url"] for d in crawl.rows(st.documents, dialect, column_url=crawl.url(dialect, column.path))]
    assert sorted(docs) == sorted(expected), (column.type, "documents rows", sorted(set(docs) ^ expected))


def _list_pages(crawl: Crawl, dialect: str, column: Column) -> list[dict]:
    return crawl.rows(st.pages, dialect, kind="list", column_url=crawl.url(dialect, column.path), variant="normal")


def _startrecord(page: dict) -> int:
    """The first record a dataproxy POST asked for (jpage puts it in the query; the body would do)."""
    params = {**parse_qs(page["request_body"] or ""), **parse_qs(urlsplit(page["url"]).query)}
    return int(params["startrecord"][0])


def assert_list_pages(crawl: Crawl, dialect: str, column: Column) -> None:
    """Exactly the list pages up to the first one wholly older than the window (or up to the cut)."""
    pages = _list_pages(crawl, dialect, column)
    last = min(column.pages_reached, column.cut_page or column.pages_reached)
    if dialect == "hanweb":
        gets = [p["url"] for p in pages if p["method"] == "GET"]
        posts = [p for p in pages if p["method"] == "POST"]
        assert gets == [crawl.url(dialect, column.path)], gets
        assert sorted(_startrecord(p) for p in posts) == hanweb_batches(column), [p["url"] for p in posts]
        for p in posts:   # the column travels in the body, the URL is every column's
            assert f"columnid={column.column_id}" in (p["request_body"] or ""), p["request_body"]
    else:
        name = {"trs": lambda n: "index.html" if n == 1 else f"index_{n - 1}.html",
                "generic": lambda n: "list.html" if n == 1 else f"list_{n}.html"}[dialect]
        folder = column.path.rsplit("/", 1)[0] + "/"
        expected = [crawl.url(dialect, column.path)] + [crawl.url(dialect, folder + name(n)) for n in range(2, last + 1)]
        assert sorted(p["url"] for p in pages) == sorted(expected), (column.type, [p["url"] for p in pages])
    assert len(pages) == last, (column.type, [(p["url"], p["request_body"]) for p in pages])
    ok = [p for p in pages if p["status"] == 200]
    assert len(ok) == column.fetched_pages, [(p["url"], p["status"]) for p in pages]


COVERAGE_FIELDS = ("announced_records", "announced_pages", "list_pages", "list_pages_failed", "items_listed",
                   "items_in_window", "articles_fetched", "articles_failed", "coverage")


def assert_coverage(crawl: Crawl, dialect: str, column: Column) -> dict:
    row = crawl.column_row(dialect, column)
    got = {k: row[k] for k in COVERAGE_FIELDS}
    assert got == column.expected(), (column.type, row.get("coverage_reason"))
    return row


# -- whole portals, columns discovered ----------------------------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_in_window_article_is_reached(discovered, dialect):
    portal = discovered.portals[dialect]
    assert len(portal.columns) == 5
    for column in portal.columns:
        assert len(column.in_window) == 14
        assert_articles_reached(discovered, dialect, column)
    articles = [p["url"] for p in discovered.rows(st.pages, dialect, kind="article")]
    window = {discovered.url(dialect, a.path) for c in portal.columns for a in c.in_window}
    assert set(articles) <= window, sorted(set(articles) - window)   # nothing older than the window


@pytest.mark.parametrize("dialect", DIALECTS)
def test_pagination_reaches_every_list_page_and_stops_at_the_window(discovered, dialect):
    for column in discovered.portals[dialect].columns:
        assert column.pages_reached == 5 and column.pages_announced == 7
        assert_list_pages(discovered, dialect, column)


def test_hanweb_dataproxy_posts_share_one_url_and_differ_by_body(discovered):
    posts = [p for p in discovered.rows(st.pages, "hanweb", kind="list") if p["method"] == "POST"]
    by_url: dict[str, set[str]] = {}
    for p in posts:
        by_url.setdefault(p["url"], set()).add(p["fingerprint"])
    portal = discovered.portals["hanweb"]
    assert len(by_url) == 4, sorted(by_url)                       # startrecord 5, 9, 13, 17
    assert all(len(fps) == len(portal.columns) for fps in by_url.values()), by_url


@pytest.mark.parametrize("dialect", DIALECTS)
def test_columns_discovered_and_complete(discovered, dialect):
    for column in discovered.portals[dialect].columns:
        row = assert_coverage(discovered, dialect, column)
        assert row["how_found"] == "discovered" and row["outcome"] == "ok"
        assert row["coverage_reason"] in (None, ""), row["coverage_reason"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_article_fields_match_the_manifest(discovered, dialect):
    portal = discovered.portals[dialect]
    docs = {d["url"]: d for d in discovered.rows(st.documents, dialect)}
    for column in portal.columns:
        for a in column.in_window:
            doc = docs[discovered.url(dialect, a.path)]
            assert (doc["title"], doc["publish_date"], doc["doc_number"]) == (a.title, a.day.isoformat(), a.number)
            assert doc["column_type"] == column.type


@pytest.mark.parametrize("dialect", DIALECTS)
def test_interpretation_rules_on_the_whole_portal(discovered, dialect):
    """The generator's pairing is what the rules see: LACKING policies fail, the others pass."""
    policies = discovered.portals[dialect].column("policy_docs")
    got = discovered.results(dialect, "interpretation.missing")
    expected = {}
    for i, p in enumerate(policies.in_window):
        assert p.day >= PERIOD_START
        expected[discovered.url(dialect, p.path)] = "fail" if i in LACKING else "pass"
        assert (p.interpretation is None) == (i in LACKING)
    assert got == expected


# -- whole portals, columns given in the targets file -----------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_configured_columns_are_complete_too(configured, dialect):
    for column in configured.portals[dialect].columns:
        assert_articles_reached(configured, dialect, column)
        assert_list_pages(configured, dialect, column)
        row = assert_coverage(configured, dialect, column)
        assert row["how_found"] == "config"


# -- one list page answers 500 ------------------------------------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_cut_page_leaves_its_column_incomplete_with_the_reason(cut, dialect):
    portal = cut.portals[dialect]
    broken = portal.column(CUT[0])
    assert broken.cut_page == CUT[1] and broken.fetched_pages == 2
    for column in portal.columns:
        assert_articles_reached(cut, dialect, column)   # what the pages before the cut list
        assert_list_pages(cut, dialect, column)
        row = assert_coverage(cut, dialect, column)
        if column is broken:
            reason = row["coverage_reason"] or ""
            assert "500" in reason and f"第{CUT[1]}页" in reason, reason
        else:
            assert row["coverage_reason"] in (None, ""), (column.type, row["coverage_reason"])


@pytest.mark.parametrize("dialect", DIALECTS)
def test_rules_needing_the_cut_column_say_unknown(cut, dialect):
    """A policy whose interpretation is not seen is ``unknown`` (it may sit on the lost page),
    not ``fail``; one whose page links its interpretation is still ``pass``."""
    portal = cut.portals[dialect]
    interps = portal.column("interpretations")
    seen = {a.path for a in interps.in_window}                 # on the pages before the cut
    expected = {}
    for p in portal.column("policy_docs").in_window:
        visible = p.interpretation is not None and (p.linked or p.interpretation in seen)
        expected[cut.url(dialect, p.path)] = "pass" if visible else "unknown"
    assert "unknown" in expected.values() and "pass" in expected.values()
    got = cut.results(dialect, "interpretation.missing")
    assert got == expected
    for r in cut.rows(st.results, dialect, rule="interpretation.missing", status="unknown"):
        assert "500" in (r["reason"] or ""), r["reason"]     # the crawler's reason, carried to the finding
    # the cut column's own rules never conclude from what was not seen: its newest items are on
    # page 1, so freshness may pass; it must not fail
    subject = cut.url(dialect, interps.path)
    for rule in ("column.stale", "column.empty"):
        assert cut.results(dialect, rule).get(subject) in ("pass", "unknown"), rule


def test_a_cap_on_pages_is_never_taken_for_the_column_s_end():
    """MAX_PAGES caps a pager's number (a broken or hostile one may say anything) and pagination
    itself: a column whose pager says 1,000 pages or more and of which one page was read, or
    which was read to the cap, nothing past the window, is incomplete, not complete."""
    from gongkai.crawler.coverage import ColumnCoverage
    from gongkai.crawler.dialects.listpage import MAX_PAGES

    read_one = ColumnCoverage("http://a.gov.cn/gzdt/", announced_pages=MAX_PAGES, list_pages=1, items_listed=20)
    [reason] = read_one.reasons(set(), set(), True, "finished")
    assert reason == f"CMS公布至少{MAX_PAGES}页，只读到1页（翻页方式未能识别）"
    to_the_window = ColumnCoverage("http://a.gov.cn/gzdt/", announced_pages=MAX_PAGES, list_pages=3, past_cutoff=True)
    assert to_the_window.reasons(set(), set(), True, "finished") == []
    # the same cap stops pagination itself: a column read to it, still inside the window, is not whole
    to_the_cap = ColumnCoverage("http://a.gov.cn/gzdt/", announced_pages=MAX_PAGES, list_pages=MAX_PAGES)
    assert to_the_cap.reasons(set(), set(), True, "finished") == [f"翻页达到{MAX_PAGES}页上限，其后列表页未读"]
    unannounced = ColumnCoverage("http://a.gov.cn/gzdt/", list_pages=MAX_PAGES)
    assert unannounced.reasons(set(), set(), True, "finished") == [f"翻页达到{MAX_PAGES}页上限，其后列表页未读"]
    below = ColumnCoverage("http://a.gov.cn/gzdt/", announced_pages=MAX_PAGES - 1, list_pages=MAX_PAGES - 1)
    assert below.reasons(set(), set(), True, "finished") == []
