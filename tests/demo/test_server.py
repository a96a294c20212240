"""The loopback site server, exercised over real HTTP with urllib and raw sockets."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gongkai.demo.server import SiteServer

SITE_YAML = """
charset: gbk
header_charset: false
not_found: hard
redirects: {"/old/": "/new/"}
redirect_loop: ["/loop-a.html", "/loop-b.html"]
status: {"/broken.html": 500}
head_refused: ["/files/"]
blocked: {"/protected/": 412}
referer_required: ["/attachments/"]
slow: {"/slow.html": 0.3}
user_agent:
  Baiduspider: {"/index.html": "_spider_index.html"}
hanweb_dataproxy: true
hanweb_dataproxy_paths: ["/module/web/jpage/dataproxy.jsp"]
"""

RECORDS = [f'<li><a href="/art/2024/5/{i}/art_1234_{i}.html">第{i}条</a><span>2024-05-{i:02d}</span></li>'
           for i in range(1, 24)]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, method: str = "GET", data: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request, without following redirects or raising."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with OPENER.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def raw(server: SiteServer, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def put(root: Path, rel: str, content: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    put(root, "_site.yaml", SITE_YAML)
    put(root, "index.html", '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                            '<title>江川市财政局</title></head><body><a href="{{BASE}}col/col1234/index.html">财政收支</a>'
                            "<p>镕</p></body></html>")
    put(root, "_spider_index.html", "<html><title>澳门新葡京_百家乐</title></html>")
    put(root, "_404.html", "<html><body>对不起，您访问的页面不存在！</body></html>")
    put(root, "col/col1234/index.html", "<html><body>财政收支</body></html>")
    put(root, "col/col1234/_records.html", "\n".join(RECORDS) + "\n")
    put(root, "new/index.html", "<html><body>新栏目</body></html>")
    put(root, "slow.html", "<html><body>慢</body></html>")
    put(root, "files/a.pdf", b"%PDF-1.4 demo")
    put(root, "attachments/b.docx", b"PK\x03\x04demo")
    put(root, "data/t.xls", b"\xd0\xcf\x11\xe0demo")
    put(root, "data/t.xlsx", b"PK\x03\x04demo")
    put(root, "data/t.doc", b"\xd0\xcf\x11\xe0demo")
    put(root, "data/s.css", "body{}")
    put(root, "data/s.js", "var a = '江川';")
    put(root, "data/feed.xml", "<rss><title>江川</title></rss>")
    put(root, "data/p.shtml", "<p>江川</p>")
    put(root, "data/logo.png", b"\x89PNG\r\n\x1a\n")
    put(root, "_private/secret.html", "secret")
    (root.parent / "outside.txt").write_text("outside", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(site_root: Path):
    with SiteServer(site_root) as srv:
        yield srv


def test_base_url_and_port(server: SiteServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/"
    assert server.port > 0
    assert server.url("/a/b.html") == server.base_url + "a/b.html"


def test_gbk_bytes_without_header_charset_and_base_substitution(server: SiteServer) -> None:
    status, headers, body = fetch(server.base_url)
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    assert "江川市财政局" in text and "镕" in text and "charset=gb2312" in text
    assert f'href="{server.base_url}col/col1234/index.html"' in text
    assert "{{BASE}}" not in text


def test_header_charset_named_or_custom(tmp_path: Path) -> None:
    put(tmp_path / "a", "index.html", "<p>江川</p>")
    put(tmp_path / "b", "_site.yaml", "charset: gbk\nheader_charset: gb2312\n")
    put(tmp_path / "b", "index.html", "<p>江川</p>")
    with SiteServer(tmp_path / "a") as utf8, SiteServer(tmp_path / "b") as gbk:
        _, headers, body = fetch(utf8.base_url)
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert body.decode("utf-8") == "<p>江川</p>"
        _, headers, body = fetch(gbk.base_url)
        assert headers["Content-Type"] == "text/html; charset=gb2312"
        assert body == "<p>江川</p>".encode("gbk")


@pytest.mark.parametrize(("path", "ctype"), [
    ("/files/a.pdf", "application/pdf"),
    ("/data/t.xls", "application/vnd.ms-excel"),
    ("/data/t.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("/data/t.doc", "application/msword"),
    ("/data/s.css", "text/css; charset=utf-8"),
    ("/data/s.js", "application/javascript; charset=utf-8"),
    ("/data/feed.xml", "text/xml; charset=utf-8"),
    ("/data/p.shtml", "text/html"),
    ("/data/logo.png", "image/png"),
])
def test_content_types(server: SiteServer, path: str, ctype: str) -> None:
    status, headers, _ = fetch(server.url(path))
    assert (status, headers["Content-Type"]) == (200, ctype)


def test_non_html_text_stays_utf8_on_a_gbk_site(server: SiteServer) -> None:
    _, _, body = fetch(server.url("/data/s.js"))
    assert body.decode("utf-8") == "var a = '江川';"


def test_directory_index_and_trailing_slash_redirect(server: SiteServer) -> None:
    status, _, body = fetch(server.url("/col/col1234/"))
    assert status == 200 and "财政收支" in body.decode("gbk")
    status, headers, _ = fetch(server.url("/col/col1234"))
    assert status == 301 and headers["Location"] == server.url("/col/col1234/")
    status, _, _ = fetch(server.url("/new/index.html/"))
    assert status == 404


def test_hard_404_serves_the_not_found_page(server: SiteServer) -> None:
    status, _, body = fetch(server.url("/nowhere/index.html"))
    assert status == 404
    assert "您访问的页面不存在" in body.decode("gbk")


def test_soft_404_answers_200(tmp_path: Path) -> None:
    put(tmp_path, "_site.yaml", "not_found: soft\n")
    put(tmp_path, "_404.html", "<p>页面不存在</p>")
    put(tmp_path, "index.html", "<p>首页</p>")
    with SiteServer(tmp_path) as srv:
        status, _, body = fetch(srv.url("/jgsz/index.shtml"))
        assert status == 200 and body.decode("utf-8") == "<p>页面不存在</p>"
        status, _, body = fetch(srv.url("/_site.yaml"))
        assert status == 200 and "not_found" not in body.decode("utf-8")


def test_soft_404_without_a_page_still_says_not_found(tmp_path: Path) -> None:
    put(tmp_path, "_site.yaml", "not_found: soft\n")
    with SiteServer(tmp_path) as srv:
        status, _, body = fetch(srv.url("/x.html"))
        assert status == 200 and "页面不存在" in body.decode("utf-8")


@pytest.mark.parametrize("path", ["/_site.yaml", "/_404.html", "/_spider_index.html",
                                  "/col/col1234/_records.html", "/_private/secret.html"])
def test_underscore_files_are_never_served(server: SiteServer, path: str) -> None:
    status, _, body = fetch(server.url(path))
    assert status == 404
    assert b"secret" not in body and b"hanweb_dataproxy" not in body


@pytest.mark.parametrize("target", [b"/../outside.txt", b"/%2e%2e/outside.txt", b"/col/../../outside.txt"])
def test_path_traversal_is_refused(server: SiteServer, target: bytes) -> None:
    answer = raw(server, b"GET " + target + b" HTTP/1.0\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 400")
    assert b"outside" not in answer.split(b"\r\n\r\n", 1)[1]


def test_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "site"
    put(root, "index.html", "<p>首页</p>")
    (tmp_path / "secret.txt").write_text("top secret", encoding="utf-8")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    with SiteServer(root) as srv:
        status, _, body = fetch(srv.url("/link.txt"))
        assert status == 404 and b"top secret" not in body


def test_redirect_and_redirect_loop(server: SiteServer) -> None:
    status, headers, _ = fetch(server.url("/old/"))
    assert status == 301 and headers["Location"] == server.url("/new/")
    status, headers, _ = fetch(server.url("/loop-a.html"))
    assert status == 302 and headers["Location"] == server.url("/loop-b.html")
    status, headers, _ = fetch(server.url("/loop-b.html"))
    assert status == 302 and headers["Location"] == server.url("/loop-a.html")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server.url("/loop-a.html"), timeout=10)
    assert "redirect" in str(err.value).lower()


def test_configured_status(server: SiteServer) -> None:
    status, _, body = fetch(server.url("/broken.html"))
    assert status == 500 and b"500" in body


def test_head_refused_on_prefix_but_get_works(server: SiteServer) -> None:
    status, headers, _ = fetch(server.url("/files/a.pdf"), method="HEAD")
    assert status == 405 and "GET" in headers["Allow"]
    status, _, body = fetch(server.url("/files/a.pdf"))
    assert status == 200 and body == b"%PDF-1.4 demo"


def test_head_elsewhere_has_headers_and_no_body(server: SiteServer) -> None:
    answer = raw(server, b"HEAD /new/index.html HTTP/1.0\r\nHost: x\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    length = int(next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1])
    assert length == len("<html><body>新栏目</body></html>".encode("gbk"))
    assert body == b""


def test_blocked_prefix_answers_a_challenge(server: SiteServer) -> None:
    status, headers, body = fetch(server.url("/protected/list.html"))
    assert status == 412
    assert b"$_ts" in body and "Set-Cookie" in headers


def test_referer_required(server: SiteServer) -> None:
    assert fetch(server.url("/attachments/b.docx"))[0] == 403
    status, headers, body = fetch(server.url("/attachments/b.docx"), headers={"Referer": server.base_url})
    assert status == 200 and body == b"PK\x03\x04demo"
    assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_user_agent_cloaking(server: SiteServer) -> None:
    spider = {"User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"}
    _, _, body = fetch(server.url("/index.html"), headers=spider)
    assert "百家乐" in body.decode("gbk")
    _, _, body = fetch(server.base_url, headers=spider)
    assert "百家乐" in body.decode("gbk")
    _, _, body = fetch(server.base_url, headers={"User-Agent": "Mozilla/5.0 Chrome/124"})
    assert "百家乐" not in body.decode("gbk")


def test_slow_path_waits(server: SiteServer) -> None:
    started = time.monotonic()
    assert fetch(server.url("/slow.html"))[0] == 200
    assert time.monotonic() - started >= 0.3


# -- Hanweb dataproxy.jsp ----------------------------------------------------------------------

FORM = (b"col=1&appid=1&webid=2&path=%2F&columnid=1234&sourceContentType=1&unitid=5678"
        b"&webname=%E6%B1%9F%E5%B7%9D&permissiontype=0")


def proxy(server: SiteServer, query: str, data: bytes | None = FORM,
          path: str = "/module/web/jpage/dataproxy.jsp") -> tuple[int, dict[str, str], bytes]:
    return fetch(server.url(path) + query, method="POST" if data is not None else "GET", data=data,
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})


def test_dataproxy_pages_records(server: SiteServer) -> None:
    status, headers, body = proxy(server, "?startrecord=11&endrecord=20&perpage=10")
    assert status == 200 and headers["Content-Type"].startswith("text/xml")
    text = body.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<totalrecord>23</totalrecord>" in text and "<totalpage>3</totalpage>" in text
    assert text.count("<record><![CDATA[") == 10
    assert RECORDS[10] in text and RECORDS[19] in text
    assert RECORDS[9] not in text and RECORDS[20] not in text


def test_dataproxy_last_page_is_clipped_and_perpage_sets_totalpage(server: SiteServer) -> None:
    _, _, body = proxy(server, "?startrecord=16&endrecord=30&perpage=5")
    text = body.decode("utf-8")
    assert text.count("<record>") == 8 and RECORDS[-1] in text
    assert "<totalpage>5</totalpage>" in text


def test_dataproxy_reads_columnid_from_the_query_too(server: SiteServer) -> None:
    status, _, body = proxy(server, "?startrecord=1&endrecord=3&perpage=3&columnid=1234", data=b"")
    assert status == 200 and body.decode("utf-8").count("<record>") == 3


@pytest.mark.parametrize(("query", "data"), [
    ("?startrecord=1&endrecord=10&perpage=10", None),                 # GET
    ("?startrecord=1&endrecord=10&perpage=10", b"col=1&appid=1"),     # no columnid
    ("?startrecord=1&endrecord=10&perpage=10", b"columnid=9999"),     # unknown column
    ("?startrecord=1&endrecord=10&perpage=10", b"columnid=../1234"),  # hostile column id
])
def test_dataproxy_errors(server: SiteServer, query: str, data: bytes | None) -> None:
    status, _, body = proxy(server, query, data)
    assert status == 400 and b"<datastore>" not in body


def test_dataproxy_only_at_configured_paths(server: SiteServer) -> None:
    for path in ("/module/jpage/dataproxy.jsp", "/module/jslib/jquery/jpage/dataproxy.jsp"):
        assert proxy(server, "?startrecord=1&endrecord=10&perpage=10", path=path)[0] == 404


def test_dataproxy_all_paths_by_default(tmp_path: Path) -> None:
    put(tmp_path, "_site.yaml", "hanweb_dataproxy: true\n")
    put(tmp_path, "col/col7/_records.html", "<li>a</li>\n<li>b</li>\n")
    with SiteServer(tmp_path) as srv:
        for path in ("/module/web/jpage/dataproxy.jsp", "/module/jpage/dataproxy.jsp",
                     "/module/jslib/jquery/jpage/dataproxy.jsp"):
            status, _, body = proxy(srv, "?startrecord=2&endrecord=2&perpage=1", b"columnid=7", path=path)
            assert status == 200 and b"<record><![CDATA[<li>b</li>]]></record>" in body


def test_every_answer_says_the_connection_closes(server: SiteServer) -> None:
    """HTTP/1.0, one request per connection: a client must not keep it for a POST that would fail."""
    assert fetch(server.base_url)[1]["Connection"] == "close"
    assert proxy(server, "?startrecord=1&endrecord=2&perpage=2")[1]["Connection"] == "close"


def test_dataproxy_status_fails_one_batch_of_one_column(tmp_path: Path) -> None:
    put(tmp_path, "_site.yaml", "hanweb_dataproxy: true\n"
                                'hanweb_dataproxy_status: {"columnid=7&startrecord=3": 500}\n')
    put(tmp_path, "col/col7/_records.html", "".join(f"<li>{i}</li>\n" for i in range(1, 7)))
    put(tmp_path, "col/col8/_records.html", "".join(f"<li>{i}</li>\n" for i in range(1, 7)))
    with SiteServer(tmp_path) as srv:
        query = "?startrecord=3&endrecord=4&perpage=2"
        status, _, body = proxy(srv, query, b"col=1&columnid=7&unitid=5")
        assert status == 500 and b"<datastore>" not in body
        assert proxy(srv, query, b"col=1&columnid=8&unitid=5")[0] == 200            # another column
        assert proxy(srv, "?startrecord=5&endrecord=6&perpage=2", b"columnid=7")[0] == 200   # another batch
        assert proxy(srv, "?startrecord=3&endrecord=4&perpage=2&columnid=7", b"")[0] == 500  # query alone


def test_dataproxy_status_keys_are_validated(tmp_path: Path) -> None:
    put(tmp_path, "_site.yaml", "hanweb_dataproxy: true\nhanweb_dataproxy_status: {\"nonsense\": 500}\n")
    with pytest.raises(ValueError, match="hanweb_dataproxy_status"):
        SiteServer(tmp_path)


def test_index_n_does_not_exist_on_hanweb(server: SiteServer) -> None:
    assert fetch(server.url("/col/col1234/index_1.html"))[0] == 404


# -- bookkeeping and robustness -----------------------------------------------------------------

def test_hits_count_paths_without_query(site_root: Path) -> None:
    with SiteServer(site_root) as srv:
        fetch(srv.url("/new/index.html"))
        fetch(srv.url("/new/index.html?x=1"))
        fetch(srv.url("/missing.html"))
        proxy(srv, "?startrecord=1&endrecord=10&perpage=10")
        assert srv.hits["/new/index.html"] == 2
        assert srv.hits["/missing.html"] == 1
        assert srv.hits["/module/web/jpage/dataproxy.jsp"] == 1
        assert "/index.html" not in srv.hits


def test_broken_clients_do_not_kill_the_server(server: SiteServer) -> None:
    for junk in (b"\x16\x03\x01\x02\x00garbage\r\n\r\n", b"GET", b"POST /x HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n",
                 b"GET /new/index.html HTTP/1.1\r\n"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(junk)
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(5)
            with contextlib.suppress(TimeoutError, ConnectionError):
                sock.recv(100)
    # a client that disconnects in the middle of a slow answer
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /slow.html HTTP/1.0\r\n\r\n")
    time.sleep(0.4)
    assert fetch(server.url("/new/index.html"))[0] == 200


def test_concurrent_requests(server: SiteServer) -> None:
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(fetch(server.url("/slow.html"))[0])) for _ in range(6)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 6
    assert time.monotonic() - started < 1.5   # threaded: six 0.3 s answers overlap


def test_stop_frees_the_port(tmp_path: Path) -> None:
    put(tmp_path, "index.html", "<p>x</p>")
    srv = SiteServer(tmp_path).start()
    port = srv.port
    srv.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_bad_site_yaml_is_an_error(tmp_path: Path) -> None:
    put(tmp_path, "_site.yaml", "redirect: {'/a': '/b'}\n")
    with pytest.raises(ValueError, match="unknown keys"):
        SiteServer(tmp_path)
    put(tmp_path, "_site.yaml", "not_found: maybe\n")
    with pytest.raises(ValueError, match="not_found"):
        SiteServer(tmp_path)
    put(tmp_path, "_site.yaml", "charset: klingon\n")
    with pytest.raises(LookupError):
        SiteServer(tmp_path)
    with pytest.raises(FileNotFoundError):
        SiteServer(tmp_path / "nope")
