"""The bundled demo portal: its targets file, and the site trees behaving as DEFECTS.md says."""

from __future__ import annotations

import re
import socket
import ssl
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from gongkai.demo.portal import DEMO_SITES, SITES_DIR, DemoPortal
from gongkai.targets import load_targets
from gongkai.workdays import add_workdays

BAIDUSPIDER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
# Internal link targets that are broken on purpose (DEFECTS.md, link.broken / unknown).
PLANTED = {
    "jiangchuan": {"/ztzl/yshj/index.html": 404, "/zxft/index.html": 500, "/hdjl/": 412,
                   "/zwgk/zcwj/202403/t20240315_1000099.html": 404},
    "qingsong": {"/jgsz/index.shtml": "soft404", "/loop-a.html": 302},
}


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET",
        data: bytes | None = None) -> tuple[int, bytes]:
    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None
    req = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        opener = urllib.request.build_opener(Stay, urllib.request.HTTPSHandler(context=CLIENT.get("tls")))
        with opener.open(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


CLIENT: dict[str, ssl.SSLContext] = {}   # trusts the running portal's demo CA (its https site)


@pytest.fixture(scope="module")
def portal():
    with DemoPortal() as running:
        CLIENT["tls"] = running.client_context()
        yield running
        CLIENT.clear()


def test_targets_file_validates(portal: DemoPortal, tmp_path: Path) -> None:
    path = portal.write_targets(tmp_path / "demo" / "targets.yaml")
    targets = load_targets(path)
    assert targets.audit.name == "演示：2024年第二季度政务公开第三方评估"
    assert targets.audit.period == "2024Q2" and str(targets.audit.as_of) == "2024-08-05"
    assert targets.crawl.download_delay == 0 and targets.crawl.download_timeout == 5
    assert targets.crawl.concurrent_requests_per_domain == 8 and targets.crawl.retry_times == 1
    assert [s.id for s in targets.sites] == [s.id for s in DEMO_SITES]
    assert [s.kind for s in targets.sites] == ["government", "department", "township", "department"]
    with_columns = [s for s in targets.sites if s.columns]
    assert len(with_columns) == 1 and with_columns[0].id == "jiangchuan"
    assert len({s.home for s in targets.sites}) == 4
    for column_url in with_columns[0].columns.values():
        assert with_columns[0].owns(column_url)
        assert get(column_url)[0] == 200


def test_homes_answer_and_the_unreachable_one_refuses(portal: DemoPortal) -> None:
    assert portal.base_urls == [portal.homes[s.id] for s in DEMO_SITES if s.tree]
    for site_id, home in portal.homes.items():
        if site_id == "jiangchuan-zrzyj":
            parts = urlsplit(home)
            with pytest.raises(OSError):
                socket.create_connection((parts.hostname, parts.port), timeout=2).close()
        else:
            assert get(home)[0] == 200


def test_targets_need_a_started_portal() -> None:
    with pytest.raises(RuntimeError):
        DemoPortal().targets()


def _hrefs(html: str) -> list[str]:
    """Anchors a browser shows: not the Hanweb ``nextgroup`` link hidden inside a ``<script>``."""
    visible = re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I)
    return re.findall(r'<a\s[^>]*href="([^"#]+)"', visible)


def _crawl(home: str, decode: str) -> dict[str, int | str]:
    """Every internal link reachable from the home (breadth first) → its status or ``soft404``."""
    seen: dict[str, int | str] = {}
    queue = [(home, home)]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(home))
    while queue and len(seen) < 400:
        url, referer = queue.pop(0)
        if url in seen:
            continue
        status, body = get(url, headers={"Referer": referer})
        soft = status == 200 and "您访问的页面不存在" in body.decode(decode, "replace")
        seen[url] = "soft404" if soft else status
        if seen[url] != 200 or not url.endswith(("/", ".html", ".shtml")):
            continue
        for href in _hrefs(body.decode(decode)):
            target = urljoin(url, href)
            if target.startswith(origin) and target not in seen:
                queue.append((target, url))
    return seen


@pytest.mark.parametrize(("site_id", "charset"), [("jiangchuan", "utf-8"), ("jiangchuan-czj", "gbk"),
                                                  ("qingsong", "utf-8")])
def test_only_planted_internal_links_are_broken(portal: DemoPortal, site_id: str, charset: str) -> None:
    home = portal.homes[site_id]
    statuses = _crawl(home, charset)
    assert len(statuses) > 15
    odd = {urlsplit(u).path: s for u, s in statuses.items() if s not in (200, 301)}
    assert odd == PLANTED.get(site_id, {})


def test_trs_pagers_announce_the_pages_that_exist(portal: DemoPortal) -> None:
    home = portal.homes["jiangchuan"]
    expected = {"xwzx/gzdt/": 'createPageHTML(3, 0, "index", "html")',
                "zwgk/tzgg/": "createPageHTML('page_div', 2, 0, 'index', 'html', 12)",
                "zwgk/zcwj/": "var countPage = 2"}
    for column, call in expected.items():
        status, body = get(home + column)
        assert status == 200 and call in body.decode("utf-8")
        pages = 3 if column == "xwzx/gzdt/" else 2
        assert get(f"{home}{column}index_{pages - 1}.html")[0] == 200
        assert get(f"{home}{column}index_{pages}.html")[0] == 404


def test_hanweb_column_embeds_the_first_records_and_dataproxy_serves_the_rest(portal: DemoPortal) -> None:
    home = portal.homes["jiangchuan-czj"]
    status, body = get(home + "col/col1234/index.html")
    page = body.decode("gbk")
    assert status == 200 and 'charset=gb2312' in page
    embedded = re.findall(r"<record><!\[CDATA\[\s*(.*?)\s*\]\]></record>", page, re.S)
    records = (SITES_DIR / "hanweb_dept/col/col1234/_records.html").read_text(encoding="utf-8").split("\n")
    assert embedded == records[:10]
    assert "totalRecord: 27" in page and "columnid=1234" in page and "unitid=45678" in page
    form = b"col=1&appid=1&webid=2&path=%2F&columnid=1234&sourceContentType=1&unitid=45678&permissiontype=0"
    fetched = []
    for start in (11, 21):
        status, xml = get(f"{home}module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 9}&perpage=10",
                          method="POST", data=form)
        assert status == 200 and b"<totalrecord>27</totalrecord>" in xml
        fetched += re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml.decode("utf-8"), re.S)
    assert embedded + fetched == records[:27]
    assert get(home + "col/col1234/index_1.html")[0] == 404


def test_town_home_is_cloaked_for_baiduspider(portal: DemoPortal) -> None:
    home = portal.homes["qingsong"]
    _, normal = get(home)
    _, spider = get(home, headers={"User-Agent": BAIDUSPIDER})
    assert "<title>江川市青松镇人民政府</title>" in normal.decode("utf-8")
    assert "百家乐" in spider.decode("utf-8").split("</title>")[0]


def test_town_soft_404_and_trs_hard_404(portal: DemoPortal) -> None:
    status, body = get(portal.homes["qingsong"] + "no/such/page.shtml")
    assert status == 200 and "您访问的页面不存在" in body.decode("utf-8")
    status, body = get(portal.homes["jiangchuan"] + "no/such/page.html")
    assert status == 404 and "您访问的页面不存在" in body.decode("utf-8")


def test_trs_attachment_refuses_head_but_serves_get(portal: DemoPortal) -> None:
    url = portal.homes["jiangchuan"] + "files/202404/W020240430512345678901.pdf"
    assert get(url, method="HEAD")[0] == 405
    status, body = get(url)
    assert status == 200 and body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")


def test_every_listed_article_is_served(portal: DemoPortal) -> None:
    trees = {s.tree: s.id for s in DEMO_SITES if s.tree}
    for tree, site_id in trees.items():
        rows = (SITES_DIR / tree / "_pages.tsv").read_text(encoding="utf-8").splitlines()[1:]
        assert rows
        for row in rows:
            _key, path, _pub, title = row.split("\t")
            status, body = get(portal.homes[site_id] + path.lstrip("/"))
            assert status == 200, path
            assert title.encode("gbk" if tree == "hanweb_dept" else "utf-8") in body


def _pages(tree: str) -> dict[str, tuple[str, date, str]]:
    rows = (SITES_DIR / tree / "_pages.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {k: (path, date.fromisoformat(pub), title) for k, path, pub, title in (r.split("\t") for r in rows)}


def test_interpretation_dates_sit_where_defects_md_says() -> None:
    """p1/j1 just inside and p2/j2 just outside 3 working days across 劳动节 (with 调休)."""
    trs, czj = _pages("trs_city"), _pages("hanweb_dept")
    pub = {k: v[1] for k, v in trs.items()}
    assert pub["p2"] == date(2024, 4, 28) and add_workdays(pub["p2"], 3) == date(2024, 5, 6) < pub["j2"]
    assert pub["p1"] == date(2024, 4, 30) and add_workdays(pub["p1"], 3) == pub["j1"] == date(2024, 5, 8)
    for policy, interp in (("n1", "j3"), ("n2", "j4"), ("p4", "j_p4")):
        assert pub[interp] <= add_workdays(pub[policy], 3)
    for policy, interp in (("q1", "jd1"), ("q2", "jd2")):
        assert czj[interp][1] <= add_workdays(czj[policy][1], 3)


def test_fiscal_months_as_planted() -> None:
    czj = [title for _, _, title in _pages("hanweb_dept").values() if title.startswith("2024年")]
    assert not any("1-5月" in t and "财政收支" in t for t in czj)
    assert any("1-5月" in t and "固定资产投资" in t for t in czj)
    trs = {title for _, _, title in _pages("trs_city").values()}
    assert {"2024年1-4月江川市财政预算执行情况", "2024年1-5月江川市财政预算执行情况",
            "2024年上半年江川市财政预算执行情况"} <= trs


def test_gbk_site_sources_are_pure_gbk() -> None:
    """No character of the GBK site needs a numeric reference: real pages are plain GBK bytes."""
    for path in (SITES_DIR / "hanweb_dept").rglob("*.html"):
        path.read_text(encoding="utf-8").encode("gbk")


def test_the_https_site_speaks_tls_with_a_demo_ca_certificate_and_http_too(portal: DemoPortal) -> None:
    from gongkai.crawler.tls import probe

    home = portal.homes["jiangchuan"]
    assert home.startswith("https://") and get(home)[0] == 200
    port = urlsplit(home).port
    assert get(f"http://127.0.0.1:{port}/files/202407/W020240726400123456789.pdf")[0] == 200   # in clear too
    assert probe("127.0.0.1", port, cafile=str(portal.ca.cafile), timeout=5)["outcome"] == "valid"
    assert portal.targets()["crawl"]["tls_cafile"] == str(portal.ca.cafile)
