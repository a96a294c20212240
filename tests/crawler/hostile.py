"""A local HTTP server that misbehaves the way hacked or broken portals do, for hostile-input tests."""

from __future__ import annotations

import threading
import time
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BIG_BYTES = 50 * 1024 * 1024
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
                block = b"<p>" + b"x" * 65530 + b"</p>"
                for _ in range(BIG_BYTES // len(block)):
                    self.wfile.write(block)
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
            elif path == "/slow.html":
                time.sleep(6)
                self._send(200, b"<html>late</html>")
            else:
                self._send(404, b"<html><title>404</title></html>")
        except (BrokenPipeError, ConnectionResetError):
            return


class HostileServer:
    """Context manager running HostileHandler on a free loopback port."""

    def __enter__(self) -> HostileServer:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
