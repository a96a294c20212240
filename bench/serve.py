"""Serve a generated portal on loopback: nginx for the static tree, Python for Hanweb's POSTs.

Python's threaded server answers a few hundred pages a second on this machine, which would make
the server, not the crawler, the thing measured; nginx serves the static files far faster.
Hanweb's ``dataproxy.jsp`` POSTs need a program, so nginx passes that path to one
``gongkai.demo.server.SiteServer`` per Hanweb site (the handler the tests use).  Without nginx
every site is served by ``SiteServer`` and :attr:`Portal.server` says so.

Each site listens on its own loopback address (``127.0.0.2``, ``127.0.0.3`` … — Linux routes
all of 127/8 to ``lo``) or, with ``one_host``, on ``127.0.0.1`` with one port per site.  Every
request is logged with its time (``$msec``) so a run's rate and coverage are read from what
the server saw, the same way for every crawler.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from gongkai.demo.server import DATAPROXY_PATHS, SiteServer

LOG_FORMAT = "$msec $server_addr:$server_port $request_method $status \"$request_uri\" \"$http_user_agent\""
PORT = 18080
PORT_TRIES = 100   # further ports tried when benchmarks run side by side


@dataclass(frozen=True)
class Hit:
    """One logged request."""

    at: float
    host: str
    method: str
    status: int
    uri: str
    agent: str


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class Portal:
    """Every site folder under ``root`` served on loopback; a context manager."""

    def __init__(self, root: Path, sites: int, *, one_host: bool = False, use_nginx: bool = True) -> None:
        self.root = root
        self.sites = sites
        self.one_host = one_host
        self.nginx = shutil.which("nginx") if use_nginx else None
        self.server = "nginx" if self.nginx else (
            "gongkai.demo.server: nginx not used (" + ("--no-nginx" if shutil.which("nginx") else "not installed")
            + "), so the server may be what is measured")
        self.homes: list[str] = []
        self._stack = ExitStack()
        self._port: int | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="gongkai-serve-"))
        self.log = self._tmp / "access.log"
        self._servers: list[SiteServer] = []
        self._proc: subprocess.Popen[bytes] | None = None
        self._fallback_hits: list[Hit] = []   # without nginx: paths and times only (status taken as 200)

    def _address(self, i: int) -> tuple[str, int]:
        if self.one_host:
            return "127.0.0.1", free_port("127.0.0.1")
        if self._port is None:
            self._port = self._shared_port()
        return f"127.0.0.{2 + i}", self._port

    def _shared_port(self) -> int:
        """The first port from PORT on that every site's address can bind: a benchmark running
        alongside keeps its own (each is measured on its own server, never on the other's)."""
        for port in range(PORT, PORT + PORT_TRIES):
            try:
                for i in range(self.sites):
                    with socket.socket() as sock:
                        sock.bind((f"127.0.0.{2 + i}", port))
            except OSError:
                continue
            return port
        raise RuntimeError(f"ports {PORT}–{PORT + PORT_TRIES - 1} are all in use on 127.0.0.2–{1 + self.sites}")

    def __enter__(self) -> Portal:
        try:
            blocks = []
            for i in range(self.sites):
                host, port = self._address(i)
                folder = (self.root / f"site{i}").resolve()
                self.homes.append(f"http://{host}:{port}/")
                if not self.nginx:
                    server = SiteServer(folder, host=host, port=port)
                    server.count = self._recorder(f"{host}:{port}")  # type: ignore[method-assign]
                    self._servers.append(server.start())
                    continue
                blocks.append(self._server_block(host, port, folder))
            if self.nginx:
                self._start_nginx(blocks)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _server_block(self, host: str, port: int, folder: Path) -> str:
        proxy = ""
        if (folder / "_site.yaml").is_file():   # a Hanweb site: its POSTs go to a SiteServer
            backend = SiteServer(folder, host="127.0.0.1").start()
            self._servers.append(backend)
            proxy = "".join(f"location = {path} {{ proxy_pass http://127.0.0.1:{backend.port}; }}\n"
                            for path in DATAPROXY_PATHS)
        return f"server {{ listen {host}:{port}; root {folder}; index index.html;\n{proxy}}}\n"

    def _start_nginx(self, blocks: list[str]) -> None:
        conf = self._tmp / "nginx.conf"
        conf.write_text(f"""worker_processes 2; daemon off; pid {self._tmp}/nginx.pid; error_log {self._tmp}/error.log;
user root;
events {{ worker_connections 4096; }}
http {{
  include /etc/nginx/mime.types; default_type application/octet-stream; charset utf-8;
  log_format bench '{LOG_FORMAT}';
  access_log {self.log} bench;
  sendfile on; keepalive_requests 100000; keepalive_timeout 60;
  client_body_temp_path {self._tmp}/body; proxy_temp_path {self._tmp}/proxy;
  fastcgi_temp_path {self._tmp}/fcgi; uwsgi_temp_path {self._tmp}/uwsgi; scgi_temp_path {self._tmp}/scgi;
{''.join(blocks)}}}
""")
        self._proc = subprocess.Popen([self.nginx or "nginx", "-c", str(conf), "-p", str(self._tmp)],
                                      stderr=subprocess.PIPE)
        for _ in range(100):
            if self._proc.poll() is not None:
                raise RuntimeError(f"nginx failed: {self._proc.stderr.read().decode() if self._proc.stderr else ''}")
            try:
                host, port = self.homes[-1].split("/")[2].split(":")
                socket.create_connection((host, int(port)), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
            self._proc = None
        for server in self._servers:
            server.stop()
        self._servers.clear()
        shutil.rmtree(self._tmp, ignore_errors=True)

    # -- the request log ---------------------------------------------------------------------------
    def _recorder(self, host: str):  # noqa: ANN202 - a bound replacement for SiteServer.count
        def count(path: str) -> None:
            self._fallback_hits.append(Hit(time.time(), host, "?", 200, path, ""))
        return count

    def mark(self) -> int:
        """Where the log ends now: pass it to :meth:`hits` to read one run's requests."""
        if not self.nginx:
            return len(self._fallback_hits)
        return self.log.stat().st_size if self.log.exists() else 0

    def hits(self, since: int) -> list[Hit]:
        """Requests logged after ``mark()`` returned ``since``."""
        if not self.nginx:
            return self._fallback_hits[since:]
        with self.log.open("rb") as fh:
            fh.seek(since)
            lines = fh.read().decode("utf-8", "replace").splitlines()
        out = []
        for line in lines:
            try:
                head, uri, _sp, agent, _end = line.split('"', 4)
                at, host, method, status = head.split()
            except ValueError:
                continue
            out.append(Hit(float(at), host, method, int(status), uri, agent))
        return out
