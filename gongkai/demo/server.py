"""A loopback HTTP server that plays one government site from a static tree.

The demo portal and the crawler's tests both need real HTTP with the habits of real portals:
GBK bytes, soft 404 pages, redirects, anti-bot 412 challenges, attachments that refuse HEAD or
want a Referer, pages cloaked for search-engine spiders and Hanweb's ``dataproxy.jsp`` POST
pagination.  Each habit is switched on per site by ``<root>/_site.yaml``, so one small server
serves every dialect and the site trees stay plain files.

``_site.yaml`` keys (all optional):

``charset``
    ``utf-8`` (default) or e.g. ``gbk``: HTML sources are stored UTF-8 in the repository and
    encoded to this charset on the way out (real Hanweb sites send GBK declared as gb2312).
``header_charset``
    ``true`` (default): the Content-Type header names ``charset``; ``false``: no charset in the
    header (the page's ``<meta charset>`` must be read); a string: that name is sent instead.
``not_found``
    ``hard`` (default): a missing path answers 404 with ``_404.html``; ``soft``: 200 with it.
``redirects``
    ``{"/old/": "/new/"}``: exact paths answered with 301 to the target.
``redirect_loop``
    ``["/loop-a.html", "/loop-b.html"]``: each answers 302 to the next, the last to the first.
``status``
    ``{"/x.html": 500}``: exact paths answered with that status and a short error page.
``head_refused``
    ``["/files/"]``: HEAD on these path prefixes answers 405; GET works.
``blocked``
    ``{"/protected/": 412}``: path prefix → status with a 瑞数-like JavaScript challenge page.
``referer_required``
    ``["/attachments/"]``: path prefixes answered 403 unless the request carries a Referer.
``slow``
    ``{"/slow.html": 5}``: seconds to wait before answering (bounded by ``MAX_SLOW_SECONDS``), or
    until a test sets the server's ``release`` event (a request surely in flight, ended at will).
``user_agent``
    ``{"Baiduspider": {"/index.html": "_spider_index.html"}}``: when the User-Agent contains the
    key (case-insensitive), the path is answered with another file of the tree (cloaking).
``hanweb_dataproxy``
    ``true``: POST to the dataproxy paths answers Hanweb's XML ``<datastore>`` with records
    ``startrecord..endrecord`` (1-based, inclusive) of ``col/col{columnid}/_records.html``, one
    ``<li>`` record per line.  GET, a missing ``columnid`` or an unknown column answer 400.
``hanweb_dataproxy_paths``
    Which of ``DATAPROXY_PATHS`` exist (default: all); the others are missing like any path.
``hanweb_dataproxy_status``
    ``{"columnid=1235&startrecord=9": 500}``: a dataproxy POST whose parameters (query and form
    body together) include every ``name=value`` of a key is answered with that status and a
    short error page — one failing batch of one column, while the same URL serves the others.
``validators``
    ``true`` (default): files are answered with an ``ETag`` and a matching ``If-None-Match``
    gets 304 Not Modified, as nginx does for static files; ``false``: no validators.

Every answer is HTTP/1.0 with ``Connection: close`` (one request per connection, said so: a
client that kept the connection would lose its next request, silently retried for a GET but not
for a dataproxy POST).  In every served text ``{{BASE}}`` becomes the server's own base URL, for absolute self links,
``{{HTTP_BASE}}`` the same in plain http and ``{{LOCALHOST_BASE}}`` the same under the name
``localhost`` (another origin: the demo plays an outside site with it, contacting nothing real).  A server given a TLS context (``tls=``) speaks https
and plain http on one port (it looks at each connection's first byte: a TLS ClientHello starts
with 0x16), so an https site can also show a link to itself in clear.
Files and folders whose name starts with ``_`` are never served by path.  Every request is
counted in ``hits`` (by path, query excluded) so tests can assert what a crawler fetched.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import math
import mimetypes
import socket
import ssl
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

import yaml

DATAPROXY_PATHS = (
    "/module/web/jpage/dataproxy.jsp",
    "/module/jpage/dataproxy.jsp",
    "/module/jslib/jquery/jpage/dataproxy.jsp",
)
MAX_SLOW_SECONDS = 30.0
MAX_BODY_BYTES = 64_000
MAX_RECORDS_PER_REQUEST = 500
SITE_KEYS = frozenset({
    "charset", "header_charset", "not_found", "redirects", "redirect_loop", "status",
    "head_refused", "blocked", "referer_required", "slow", "user_agent", "hanweb_dataproxy",
    "hanweb_dataproxy_paths", "hanweb_dataproxy_status", "validators",
})
TEXT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".jsp": "text/html",
    ".xml": "text/xml", ".js": "application/javascript", ".css": "text/css", ".txt": "text/plain",
}
BINARY_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".ico": "image/x-icon", ".svg": "image/svg+xml",
}
CHALLENGE_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="ZmxhZ3MtMTY4OTkwMTIzNDU2Nzg5MA" r='m'>
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=41022;$_ts.cd="qrcvrrAlEaGqcpqr";</script>
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.js" r='m'></script>
</head><body></body></html>
"""
ERROR_PAGE = "<html><head><title>{code} {reason}</title></head><body><h1>{code} {reason}</h1></body></html>\n"


@dataclass(frozen=True)
class SiteConfig:
    """The validated ``_site.yaml`` of one site tree."""

    charset: str = "utf-8"
    header_charset: bool | str = True
    not_found: str = "hard"
    redirects: dict[str, str] = field(default_factory=dict)
    redirect_loop: tuple[str, ...] = ()
    status: dict[str, int] = field(default_factory=dict)
    head_refused: tuple[str, ...] = ()
    blocked: dict[str, int] = field(default_factory=dict)
    referer_required: tuple[str, ...] = ()
    slow: dict[str, float] = field(default_factory=dict)
    user_agent: dict[str, dict[str, str]] = field(default_factory=dict)
    hanweb_dataproxy: bool = False
    hanweb_dataproxy_paths: tuple[str, ...] = DATAPROXY_PATHS
    hanweb_dataproxy_status: dict[str, int] = field(default_factory=dict)
    validators: bool = True

    @classmethod
    def load(cls, root: Path) -> SiteConfig:
        """Read ``root/_site.yaml``; unknown keys are an error (a typo would silently do nothing)."""
        path = root / "_site.yaml"
        if not path.is_file():
            return cls()
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = set(data) - SITE_KEYS
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        if data.get("not_found", "hard") not in ("hard", "soft"):
            raise ValueError(f"{path}: not_found must be hard or soft")
        codecs.lookup(data.get("charset", "utf-8"))  # LookupError for an unknown charset
        for key in data.get("hanweb_dataproxy_status") or {}:
            if not parse_qsl(str(key)):
                raise ValueError(f"{path}: hanweb_dataproxy_status key {key!r} is not name=value&…")
        for key in ("redirect_loop", "head_refused", "referer_required", "hanweb_dataproxy_paths"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


@dataclass
class Answer:
    """What the handler sends: status, headers and body bytes."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class SiteServer:
    """Serve one site tree on loopback; a context manager.

    >>> with SiteServer(Path("gongkai/demo/sites/trs_city")) as server:   # doctest: +SKIP
    ...     urllib.request.urlopen(server.base_url)
    """

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"site tree not found: {self.root}")
        self.config = SiteConfig.load(self.root)
        self.hits: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()   # answers sent, by status (304: not modified)
        self.release = threading.Event()          # ends every ``slow`` wait at once when set
        self._lock = threading.Lock()
        self._httpd = _Httpd((host, port), _Handler)
        self._httpd.site = self
        self._httpd.tls = tls
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return self.http_base_url.replace("http://", "https://", 1) if self._httpd.tls else self.http_base_url

    @property
    def http_base_url(self) -> str:
        """The base URL in plain http (the same as ``base_url`` unless the server speaks TLS)."""
        host = self._httpd.server_address[0]
        return f"http://{host}:{self.port}/"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base_url + path.lstrip("/")

    def start(self) -> SiteServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"site:{self.root.name}",
                                            kwargs={"poll_interval": 0.1}, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1

    # -- answering ---------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        """The full answer to one request: the site's habits first, then the file."""
        parts = urlsplit(target)
        path = unquote(parts.path or "/")
        self.count(path)
        if not path.startswith("/") or ".." in path.split("/") or "\x00" in path:
            return self._error(400)
        cfg = self.config
        if path in cfg.slow:
            self.release.wait(min(float(cfg.slow[path]), MAX_SLOW_SECONDS))
        if cfg.hanweb_dataproxy and path in cfg.hanweb_dataproxy_paths:
            return self._dataproxy(method, parts.query, headers, body)
        special = self._special(method, path, headers)
        if special is not None:
            return special
        return self._conditional(self._file(path, headers.get("User-Agent") or ""), headers)

    def _conditional(self, answer: Answer, headers: Any) -> Answer:
        """A file answer carries an ``ETag`` (a hash of its bytes), as nginx's static files do;
        a request whose ``If-None-Match`` names it gets 304 and no body."""
        if answer.status != 200 or not self.config.validators:
            return answer
        tag = '"' + hashlib.sha1(answer.body).hexdigest()[:16] + '"'
        if tag in (headers.get("If-None-Match") or ""):
            return Answer(304, b"", {"ETag": tag})
        return Answer(answer.status, answer.body, {**answer.headers, "ETag": tag})

    def _special(self, method: str, path: str, headers: Any) -> Answer | None:
        cfg = self.config
        if path in cfg.redirects:
            return Answer(301, headers={"Location": self._absolute(cfg.redirects[path])})
        if path in cfg.redirect_loop:
            loop = cfg.redirect_loop
            nxt = loop[(loop.index(path) + 1) % len(loop)]
            return Answer(302, headers={"Location": self._absolute(nxt)})
        if path in cfg.status:
            return self._error(int(cfg.status[path]))
        for prefix, code in cfg.blocked.items():
            if path.startswith(prefix):
                return Answer(int(code), CHALLENGE_PAGE.encode("utf-8"),
                              {"Content-Type": "text/html; charset=utf-8",
                               "Set-Cookie": "FSSBBIl1UgzbN7NO=5k8Kx3Lz; Path=/; HttpOnly"})
        if method == "HEAD" and any(path.startswith(p) for p in cfg.head_refused):
            return Answer(405, ERROR_PAGE.format(code=405, reason="Method Not Allowed").encode(),
                          {"Content-Type": "text/html", "Allow": "GET, POST"})
        if not headers.get("Referer") and any(path.startswith(p) for p in cfg.referer_required):
            return self._error(403)
        return None

    def _file(self, path: str, user_agent: str) -> Answer:
        cloaked = self._cloaked(path, user_agent)
        if cloaked is not None:
            return self._serve(cloaked)
        if any(part.startswith("_") for part in path.split("/")):
            return self._not_found()
        local = self._local(path)
        if local is None:
            return self._not_found()
        if local.is_file() and path.endswith("/"):
            return self._not_found()
        if local.is_dir():
            if not path.endswith("/"):
                return Answer(301, headers={"Location": self._absolute(path + "/")})
            local = local / "index.html"
            if not local.is_file():
                return self._not_found()
        return self._serve(local)

    def _cloaked(self, path: str, user_agent: str) -> Path | None:
        agent = user_agent.lower()
        for needle, pages in self.config.user_agent.items():
            if needle.lower() in agent:
                alias = pages.get(path) or (pages.get(path + "index.html") if path.endswith("/") else None)
                if alias:
                    return self._local("/" + alias.lstrip("/"))
        return None

    def _local(self, path: str) -> Path | None:
        """The file or folder a URL path names, never outside the root (symlinks included)."""
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate != self.root and not candidate.is_relative_to(self.root):
            return None
        return candidate if candidate.exists() else None

    def _serve(self, local: Path, status: int = 200) -> Answer:
        suffix = local.suffix.lower()
        if suffix in TEXT_TYPES:
            return Answer(status, self._encode_text(local.read_text(encoding="utf-8"), suffix),
                          {"Content-Type": self._text_type(TEXT_TYPES[suffix], suffix)})
        ctype = BINARY_TYPES.get(suffix) or mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        return Answer(status, local.read_bytes(), {"Content-Type": ctype})

    def _encode_text(self, text: str, suffix: str) -> bytes:
        text = (text.replace("{{BASE}}", self.base_url).replace("{{HTTP_BASE}}", self.http_base_url)
                .replace("{{LOCALHOST_BASE}}", self.base_url.replace(self._httpd.server_address[0], "localhost", 1)))
        charset = self.config.charset if TEXT_TYPES[suffix] == "text/html" else "utf-8"
        return text.encode(charset, errors="xmlcharrefreplace")

    def _text_type(self, ctype: str, suffix: str) -> str:
        if ctype != "text/html":
            return f"{ctype}; charset=utf-8"
        declared = self.config.header_charset
        if declared is False:
            return ctype
        name = declared if isinstance(declared, str) else self.config.charset
        return f"{ctype}; charset={name}"

    def _not_found(self) -> Answer:
        status = 200 if self.config.not_found == "soft" else 404
        page = self.root / "_404.html"
        if page.is_file():
            return self._serve(page, status)
        return self._error(status if status == 404 else 200, "页面不存在")

    def _error(self, code: int, reason: str | None = None) -> Answer:
        text = reason or BaseHTTPRequestHandler.responses.get(code, ("Error",))[0]
        body = ERROR_PAGE.format(code=code, reason=html.escape(text)).encode("utf-8")
        return Answer(code, body, {"Content-Type": "text/html; charset=utf-8"})

    def _absolute(self, path: str) -> str:
        return path if "://" in path else self.base_url + path.lstrip("/")

    # -- Hanweb dataproxy.jsp ------------------------------------------------------------------

    def _dataproxy(self, method: str, query: str, headers: Any, body: bytes) -> Answer:
        if method != "POST":
            return self._error(400, "请求方式错误")
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        ctype = headers.get("Content-Type") or ""
        if "json" not in ctype:
            params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
        for condition, code in self.config.hanweb_dataproxy_status.items():
            if all(params.get(k) == v for k, v in parse_qsl(condition)):
                return self._error(int(code))
        column = params.get("columnid", "")
        records = self._records(column) if column.isdigit() else None
        if records is None:
            return self._error(400, "参数错误")
        per_page = _int(params.get("perpage"), 15, 1, MAX_RECORDS_PER_REQUEST)
        start = _int(params.get("startrecord"), 1, 1, 10**9)
        end = _int(params.get("endrecord"), start + per_page - 1, 0, 10**9)
        end = min(end, start + MAX_RECORDS_PER_REQUEST - 1)
        xml = datastore_xml(records, start, end, per_page).replace("{{BASE}}", self.base_url)
        return Answer(200, xml.encode("utf-8"), {"Content-Type": "text/xml;charset=UTF-8"})

    def _records(self, column: str) -> list[str] | None:
        path = self.root / "col" / f"col{column}" / "_records.html"
        if not path.is_file():
            return None
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def datastore_xml(records: list[str], start: int, end: int, per_page: int) -> str:
    """Hanweb's answer: totals plus records ``start..end`` (1-based, inclusive) as CDATA."""
    total = len(records)
    chosen = records[start - 1:end] if start >= 1 else []
    rows = "".join(f"<record><![CDATA[{r.replace(']]>', ']]&gt;')}]]></record>\n" for r in chosen)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f"<totalrecord>{total}</totalrecord>\n<totalpage>{math.ceil(total / per_page)}</totalpage>\n"
            f"<recordset>\n{rows}</recordset>\n</datastore>\n")


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


class _Httpd(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: SiteServer
    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Answer in TLS when the client opens with a TLS record, else in plain http."""
        if self.tls is not None:
            request.settimeout(_Handler.timeout)
            try:
                if request.recv(1, socket.MSG_PEEK) == b"\x16":
                    wrapped = self.tls.wrap_socket(request, server_side=True)
                    try:
                        super().finish_request(wrapped, client_address)
                    finally:
                        self.shutdown_request(wrapped)
                    return
            except (OSError, ssl.SSLError):
                return  # a failed handshake is the client's verdict on our certificate
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A broken client is its own problem: no traceback on stderr, the server keeps serving."""


class _Handler(BaseHTTPRequestHandler):
    server: _Httpd
    server_version = "Apache"
    sys_version = ""
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Silent: tests and the demo must not print a line per request."""

    def do_GET(self) -> None:
        self._respond("GET")

    def do_HEAD(self) -> None:
        self._respond("HEAD")

    def do_POST(self) -> None:
        self._respond("POST")

    def _respond(self, method: str) -> None:
        try:
            body = self._read_body()
            if body is None:
                self._send(Answer(413, b"request body too large"), method)
                return
            answer = self.server.site.answer(method, self.path, self.headers, body)
        except (ConnectionError, TimeoutError):
            return
        except Exception:  # a bug in one answer must not take the site down: answer 500
            answer = Answer(500, b"internal error", {"Content-Type": "text/plain"})
        self._send(answer, method)

    def _read_body(self) -> bytes | None:
        length = _int(self.headers.get("Content-Length"), 0, 0, 10**12)
        if length > MAX_BODY_BYTES:
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, answer: Answer, method: str) -> None:
        with self.server.site._lock:
            self.server.site.statuses[answer.status] += 1
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            # HTTP/1.0: one request per connection, and said so.  Without the header Twisted keeps
            # the connection for the next request, which the close then fails; GET is retried
            # silently, a dataproxy POST is not.
            self.send_header("Connection", "close")
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(answer.body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
