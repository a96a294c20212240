"""Each component of the crawl on its own: the dupefilter, the budgets, decoding, the link checker.

The spider only routes (docs/architecture.md); these tests pin what each component does, with
Scrapy's own machinery (``get_crawler``) or a real crawl against local HTTP servers.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import FormRequest, Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from gongkai import store as st
from gongkai.crawler.dupefilter import SiteDupeFilter
from gongkai.crawler.middlewares import BinarySniffMiddleware, text_of
from gongkai.crawler.stamp import stamp
from gongkai.demo.server import SiteServer
from tests.crawler.sites import trs_article, trs_list, write_tree
from tests.crawler.test_spider import run_crawl

PROXY = "http://127.0.0.1:8001/module/web/jpage/dataproxy.jsp"


# -- the dupefilter: (site, fingerprint), drops counted -------------------------------------------------
@pytest.fixture()
def dupefilter() -> Iterator[SiteDupeFilter]:
    crawler = get_crawler(Spider)
    crawler.spider = Spider("portal")
    crawler.stats.open_spider()
    df = SiteDupeFilter.from_crawler(crawler)
    df.open()
    yield df


def page_request(df: SiteDupeFilter, url: str, site: str = "han", role: str = "list", **kw: object) -> Request:
    cls = FormRequest if "formdata" in kw else Request
    req = cls(url, meta={"site": site, "role": role}, **kw)
    stamp(req, df.crawler.request_fingerprinter)
    return req


def test_two_posts_to_one_url_are_two_pages_and_a_repeat_is_dropped_and_counted(dupefilter: SiteDupeFilter):
    column_a = page_request(dupefilter, PROXY, formdata={"col": "1", "webid": "2", "startrecord": "46"})
    column_b = page_request(dupefilter, PROXY, formdata={"col": "1", "webid": "3", "startrecord": "46"})
    assert not dupefilter.request_seen(column_a) and not dupefilter.request_seen(column_b)
    again = page_request(dupefilter, PROXY, formdata={"col": "1", "webid": "2", "startrecord": "46"})
    assert dupefilter.request_seen(again)
    dupefilter.log(again)
    assert dupefilter.crawler.stats.get_value("gongkai/dupefilter/han/list") == 1


def test_one_url_is_asked_once_per_site_and_redirect_hops_are_not_judged(dupefilter: SiteDupeFilter):
    url = "http://127.0.0.1:8001/art/2024/6/16/art_1.html"
    assert not dupefilter.request_seen(page_request(dupefilter, url, site="city", role="article"))
    assert not dupefilter.request_seen(page_request(dupefilter, url, site="county", role="article"))
    hop = page_request(dupefilter, url, site="city", role="article")
    hop.meta["redirect_urls"] = ["http://127.0.0.1:8001/old/art_1.html"]
    assert not dupefilter.request_seen(hop)  # a hop keeps the identity of the URL asked first
    assert dupefilter.request_seen(page_request(dupefilter, url + "#top", site="city", role="article"))


def test_a_resumed_crawl_does_not_ask_again_what_was_stored():
    crawler = get_crawler(Spider)
    spider = Spider("portal")
    req = Request("http://127.0.0.1:8001/a/t1.html", meta={"site": "a", "role": "article"})
    spider.ledger = {"a": {"done": {stamp(req, crawler.request_fingerprinter)}, "links": {}, "checked": set()}}
    crawler.spider = spider
    df = SiteDupeFilter.from_crawler(crawler)
    df.open()
    assert df.request_seen(req)


# -- decoding and binary sniffing -----------------------------------------------------------------------
def test_a_page_with_one_nul_is_decoded_text_and_a_pdf_is_not():
    mw = BinarySniffMiddleware()
    html = "<html><head><title>首页\x00</title></head><body>" + "正文" * 500 + "</body></html>"
    page = mw.process_response(None, HtmlResponse("http://x/", body=html.encode(), encoding="utf-8"))
    assert "首页" in text_of(page)
    pdf = mw.process_response(None, HtmlResponse("http://x/a.html", body=b"%PDF-1.4\n%\xe2\xe3\n1 0 obj",
                                                 headers={"Content-Type": "text/html"}))
    assert text_of(pdf) == ""


def test_a_charset_that_cannot_decode_the_page_falls_back_to_utf8():
    mw = BinarySniffMiddleware()
    body = "<html><body>通知公告</body></html>".encode()
    page = mw.process_response(None, HtmlResponse("http://x/", body=body, headers={"Content-Type":
                                                                                   "text/html; charset=x-nonsense"}))
    assert "通知公告" in text_of(page)


# -- budgets: per site (duplicates cost nothing) and per column -----------------------------------------
def budget_site(root: Path) -> Path:
    """Two columns listing two shared articles and one own article each; a 3-page third column."""
    shared = [("/art/s1.html", "关于开展安全生产大检查的通知", "2024-05-02"),
              ("/art/s2.html", "关于做好防汛工作的通知", "2024-05-03")]
    files = {"index.html": "<html><head><title>某县人民政府</title></head><body>首页</body></html>",
             "a/index.html": trs_list("通知公告", [*shared, ("/art/a1.html", "关于开展春季植树活动的通知", "2024-05-04")],
                                      'createPageHTML(1, 0, "index", "html");'),
             "b/index.html": trs_list("工作动态", [*shared, ("/art/b1.html", "某县召开工作会议", "2024-05-05")],
                                      'createPageHTML(1, 0, "index", "html");')}
    for path, title, day in [*shared, ("/art/a1.html", "关于开展春季植树活动的通知", "2024-05-04"),
                             ("/art/b1.html", "某县召开工作会议", "2024-05-05")]:
        files[path] = trs_article(title, day, "")
    for page in range(3):
        name = "index.html" if page == 0 else f"index_{page}.html"
        files[f"c/{name}"] = trs_list("政策文件", [(f"/art/c{page}.html", f"政策文件{page}", "2024-05-06")],
                                      f'createPageHTML(3, {page}, "index", "html");')
        files[f"art/c{page}.html"] = trs_article(f"政策文件{page}", "2024-05-06", "")
    return write_tree(root, files, {"not_found": "hard"})


def crawl_budget(tmp_path: Path, server: SiteServer, **crawl: object) -> dict[str, dict]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    base = server.base_url
    store, audit = run_crawl(tmp_path, [{"id": "x", "name": "某县人民政府", "home": base,
                                         "columns": {"notices": base + "a/", "news": base + "b/",
                                                     "policy_docs": base + "c/"}}],
                             cloak_check=False, max_links_checked_per_site=0, **crawl)
    return {row["type"]: row for row in store.rows(st.columns, audit)}


def test_duplicates_do_not_spend_the_site_budget_and_a_refusal_marks_its_column(tmp_path: Path):
    with SiteServer(budget_site(tmp_path / "site")) as server:
        # home + 5 list pages + 7 distinct articles = 13 pages; the 2 shared articles are listed twice
        columns = crawl_budget(tmp_path / "full", server, max_pages_per_site=13)
        assert {t: c["coverage"] for t, c in columns.items()} == dict.fromkeys(columns, "complete")
        assert server.hits["/art/s1.html"] == 1 and server.hits["/art/s2.html"] == 1
        short = crawl_budget(tmp_path / "short", server, max_pages_per_site=12)
    refused = [c for c in short.values() if c["coverage"] == "incomplete"]
    assert len(refused) == 1 and "站点页面预算用尽（max_pages_per_site=12）" in refused[0]["coverage_reason"]


@pytest.mark.parametrize("redirected", [False, True])
def test_the_site_budget_holds_against_a_list_page_of_many_articles(tmp_path: Path, redirected: bool):
    """Scrapy pulls a callback's outputs through the spider middlewares before scheduling them, so a
    budget judged there let a 30-article list page through whole; judged at scheduling it holds.
    The hops of a redirect are the page asked, not pages of their own: they spend nothing."""
    articles = [(f"/art/a{i}.html", f"关于开展第{i}项工作的通知", "2024-05-04") for i in range(30)]
    files = {"index.html": "<html><head><title>某县人民政府</title></head><body>首页</body></html>",
             "a/index.html": trs_list("通知公告", articles, 'createPageHTML(1, 0, "index", "html");')}
    moved = "/new" if redirected else ""
    files.update({moved + path: trs_article(title, day, "") for path, title, day in articles})
    config = {"not_found": "hard", "redirects": {path: moved + path for path, _, _ in articles} if redirected else {}}
    with SiteServer(write_tree(tmp_path / "site", files, config)) as server:
        base = server.base_url
        (tmp_path / "c").mkdir()
        store, audit = run_crawl(tmp_path / "c", [{"id": "x", "name": "某县人民政府", "home": base,
                                                   "columns": {"notices": base + "a/"}}],
                                 cloak_check=False, max_links_checked_per_site=0, max_pages_per_site=5)
        fetched = [path for path in server.hits if path.startswith(moved + "/art/")]
    assert len(fetched) == 3   # home + list page + 3 articles = the 5 pages of the budget
    pages = [p for p in store.rows(st.pages, audit) if p["kind"] != "not_found_probe"]
    assert len(pages) == 5
    (column,) = store.rows(st.columns, audit)
    assert column["coverage"] == "incomplete"
    assert "站点页面预算用尽（max_pages_per_site=5）" in column["coverage_reason"]


def test_the_list_budget_stops_a_column_and_says_so(tmp_path: Path):
    with SiteServer(budget_site(tmp_path / "site")) as server:
        columns = crawl_budget(tmp_path / "c", server, max_list_pages=2)
        assert "/c/index_2.html" not in server.hits
    policy = columns["policy_docs"]
    assert policy["coverage"] == "incomplete" and policy["list_pages"] == 2
    assert policy["coverage_reason"] == "翻页达到上限（max_list_pages=2）"


# -- the link checker: a server that drops HEAD is asked with GET -----------------------------------------
class DropsHead(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.close_connection = True  # no answer at all: the connection just closes

    def do_GET(self) -> None:  # noqa: N802
        body = "<html><title>外部页面</title><body>ok</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_link_whose_server_drops_head_is_confirmed_with_get(tmp_path: Path):
    outside = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DropsHead)
    threading.Thread(target=outside.serve_forever, daemon=True).start()
    target = f"http://127.0.0.1:{outside.server_address[1]}/page.html"
    try:
        root = write_tree(tmp_path / "site", {"index.html": f'<html><body><a href="{target}">外部链接</a></body></html>'},
                          {"not_found": "hard"})
        with SiteServer(root) as server:
            store, audit = run_crawl(tmp_path, [{"id": "x", "name": "某县", "home": server.base_url}],
                                     cloak_check=False)
    finally:
        outside.shutdown()
    probes = [(p["method"], p["outcome"]) for p in store.rows(st.probes, audit, kind="link") if p["url"] == target]
    assert probes == [("GET", "ok")]


def test_links_the_link_budget_leaves_unprobed_are_counted_and_said(tmp_path: Path):
    """Five outside-the-crawl links from the home page, a budget of two probes: the other three are
    stored as unchecked, and link.broken says so instead of passing on the two it saw."""
    from gongkai.checks.engine import run_checks

    links = "".join(f'<a href="/x{i}.html">链接{i}</a>' for i in range(5))
    files = {"index.html": f"<html><head><title>某县人民政府</title></head><body>首页{links}</body></html>",
             **{f"x{i}.html": f"<html><head><title>页面{i}</title></head><body>内容{i}</body></html>" for i in range(5)}}
    with SiteServer(write_tree(tmp_path / "site", files, {"not_found": "hard"})) as server:
        (tmp_path / "c").mkdir()
        store, audit = run_crawl(tmp_path / "c", [{"id": "x", "name": "某县人民政府", "home": server.base_url}],
                                 cloak_check=False, max_links_checked_per_site=2)
        probed = [p for p in store.rows(st.probes, audit, kind="link") if "/x" in p["url"]]
    (site,) = store.rows(st.sites, audit)
    assert len(probed) == 2 and site["links_unchecked"] == 3
    run_checks(store, audit, processes=1)
    unchecked = [r for r in store.rows(st.results, audit, rule="link.broken") if r["status"] == "unknown"]
    assert len(unchecked) == 1 and "另有3个链接超过每站链接检查上限" in unchecked[0]["reason"]
