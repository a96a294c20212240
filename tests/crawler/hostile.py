"""A local HTTP server that misbehaves the way hacked or broken portals do, for hostile-input tests.

Nothing here depends on how fast the machine is: every costly body (the gzip bomb, the big
page's block) is built before the server accepts its first connection, so no download timeout
can run while a fixture is still being computed, and the slow page does not answer at all until
the server stops, so it times out whatever timeout the crawl uses.
"""

from __future__ import annotations

import threading
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BIG_BYTES = 50 * 1024 * 1024
BIG_BLOCK = b"<p>" + b"x" * 65530 + b"</p>"
SLOW_LIMIT_S = 600   # the slow page's answer, if the server is still up by then (never, in a test)
SCRIPT_TITLE = "<script>alert('x')</script>通知"


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """~1 GB of zeros in about 1 MB of gzip."""
    chunk = b"\0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    parts = [comp.compress(chunk) for _ in range(1024)]
    parts.append(comp.flush())
    return b"".join(parts)


def _home() -> str:
    links = "".join(f'<a href="/{p}">{p}</a>' for p in (
        "big.html", "bomb.html", "binary.html", "badbytes.html", "links.html", "loop-a.html", "slow.html"))
    return (f"<html><head><meta charset='utf-8'><title>{SCRIPT_TITLE.replace('<', '&lt;')}</title></head>"
            f"<body><div class='nav'><a href='/list/'>工作动态</a></div>{links}</body></html>")


def _list_page(page: int) -> str:
    """A list that never ends: every page links to the next, items never get older."""
    items = "".join(f"<li><a href='/list/a{page}_{i}.html'>动态{page}-{i}</a><span>2024-05-{(i % 28) + 1:02d}</span></li>"
                    for i in range(10))
    return (f"<html><head><meta charset='utf-8'><title>工作动态</title></head><body><ul>{items}</ul>"
            f"<a href='/list/?page={page + 1}'>下一页</a></body></html>")


class HostileHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        path = url.path
        try:
            if path in ("/", "/index.html"):
                self._send(200, _home().encode())
            elif path == "/list/":
                page = int(parse_qs(url.query).get("page", ["1"])[0])
                self._send(200, _list_page(page).encode())
            elif path.startswith("/list/a"):
                self._send(200, f"<html><head><title>{SCRIPT_TITLE}</title></head><body><h1>{SCRIPT_TITLE}</h1>"
                                f"<p>发布日期：2024-05-10</p></body></html>".encode())
            elif path == "/big.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(BIG_BYTES))
                self.end_headers()
                for _ in range(BIG_BYTES // len(BIG_BLOCK)):
                    self.wfile.write(BIG_BLOCK)
            elif path == "/bomb.html":
                self._send(200, gzip_bomb(), Content_Encoding="gzip")
            elif path == "/binary.html":
                self._send(200, bytes(range(256)) * 200, "text/html")
            elif path == "/badbytes.html":
                self._send(200, "<html><head><title>乱码".encode() + b"\xff\xfe\xc3\x28" + "页面</title></head></html>".encode())
            elif path == "/links.html":
                links = "".join(f'<a href="/x/{i}.html">链接{i}</a>' for i in range(20000))
                self._send(200, f"<html><body>{links}</body></html>".encode())
            elif path in ("/loop-a.html", "/loop-b.html"):
                target = "/loop-b.html" if path == "/loop-a.html" else "/loop-a.html"
                self._send(302, b"", Location=target)
            elif path == "/slow.html":  # answers only when the server stops: a timeout on any machine
                self.server.stopping.wait(SLOW_LIMIT_S)  # type: ignore[attr-defined]
                self._send(200, b"<html>late</html>")
            else:
                self._send(404, b"<html><title>404</title></html>")
        except (BrokenPipeError, ConnectionResetError):
            return


class HostileServer:
    """Context manager running HostileHandler on a free loopback port."""

    def __enter__(self) -> HostileServer:
        gzip_bomb()  # seconds of CPU on a slow machine: paid now, before any request can time out
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
        self.httpd.daemon_threads = True
        self.httpd.stopping = threading.Event()  # type: ignore[attr-defined]
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.stopping.set()  # type: ignore[attr-defined]
        self.httpd.shutdown()
        self.httpd.server_close()


# -- a portal that holds the crawl at a gate, for tests that look at a crawl while it runs -----------

GATE_LIMIT_S = 600   # the gate opens by itself after this, so a failed test never hangs the server


def _gated_home() -> str:
    return ("<html><head><meta charset='utf-8'><title>某县人民政府</title></head><body>"
            "<div class='nav'><a href='/news/'>工作动态</a></div>"
            "<a href='/gate.html'>政务公开</a><a href='/about.html'>机构概况</a></body></html>")


class GatedHandler(BaseHTTPRequestHandler):
    """A small portal whose /gate.html answers only when the test opens the gate."""

    def log_message(self, *args: object) -> None:
        return

    def _send(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        server = self.server
        try:
            if self.path in ("/", "/index.html"):
                self._send(200, _gated_home())
            elif self.path == "/gate.html":
                server.reached.set()  # type: ignore[attr-defined]
                server.opened.wait(GATE_LIMIT_S)  # type: ignore[attr-defined]
                self._send(200, "<html><head><title>政务公开</title></head><body><p>门后</p></body></html>")
            elif self.path in ("/about.html", "/news/"):
                self._send(200, f"<html><head><title>{self.path}</title></head><body><p>正文</p></body></html>")
            else:
                self._send(404, "<html><head><title>404</title></head><body>页面不存在</body></html>")
        except (BrokenPipeError, ConnectionResetError):
            return


class GatedServer:
    """Context manager: a portal whose crawl stops at /gate.html until ``open_gate()``.

    ``wait_reached()`` returns once a crawler is waiting at the gate: from then until the gate
    opens the crawl is running, whatever the speed of the machine, so a test can look at the
    crawling process (its lock, its sockets) or change its world (fill its disk) without sleeps.
    """

    def __enter__(self) -> GatedServer:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), GatedHandler)
        self.httpd.daemon_threads = True
        self.httpd.reached = threading.Event()  # type: ignore[attr-defined]
        self.httpd.opened = threading.Event()  # type: ignore[attr-defined]
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def wait_reached(self, limit_s: float = 240) -> bool:
        """True once a request waits at the gate (False only if none came within ``limit_s``)."""
        return self.httpd.reached.wait(limit_s)  # type: ignore[attr-defined]

    def open_gate(self) -> None:
        self.httpd.opened.set()  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        self.open_gate()
        self.httpd.shutdown()
        self.httpd.server_close()


def gated_targets(base_url: str, **crawl: object) -> dict:
    """A targets file (as data) auditing one GatedServer portal; the timeout outlasts any test step."""
    return {"audit": {"name": "门控", "period": "2024Q2", "as_of": "2024-08-05"},
            "crawl": {"download_delay": 0, "download_timeout": 600, "retry_times": 0, "cloak_check": False, **crawl},
            "sites": [{"id": "gated", "name": "某县人民政府", "home": base_url}]}
