"""The bundled sample portal: three loopback sites plus one that never answers.

``gongkai demo`` starts a :class:`DemoPortal`, writes its targets file with the real ports and
audits it.  The audit date and period are fixed (2024Q2 as of 2024-08-05) so the demo's findings
are the same whatever day it runs.  What each site gets wrong, page by page, is listed in
``sites/DEFECTS.md``.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gongkai.demo.certs import TestCA
from gongkai.demo.server import SiteServer

SITES_DIR = Path(__file__).resolve().parent / "sites"
AUDIT = {"name": "演示：2024年第二季度政务公开第三方评估", "period": "2024Q2", "as_of": "2024-08-05"}
CRAWL = {"download_delay": 0, "concurrent_requests_per_domain": 8, "download_timeout": 5, "retry_times": 1,
         "home_attempt_interval": 1,
         # the footers link the real 备案 systems and the 党政机关 certificate: never contacted by the demo
         "link_skip_hosts": ["beian.miit.gov.cn", "beian.gov.cn", "conac.cn"]}


@dataclass(frozen=True)
class DemoSite:
    """One site of the demo: its tree under ``sites/`` and its targets entry."""

    id: str
    name: str
    kind: str
    tree: str | None                     # None: no server, the home is a closed port
    columns: dict[str, str] = field(default_factory=dict)   # type → path; empty: discovered
    region: str | None = None            # the rulebook has no 云南 overrides: national defaults apply
    tls: bool = False                    # served over https, certificate of a throwaway demo CA


DEMO_SITES = (
    DemoSite("jiangchuan", "江川市人民政府", "government", "trs_city", tls=True, columns={
        "news": "/xwzx/gzdt/", "notices": "/zwgk/tzgg/", "policy_docs": "/zwgk/zcwj/",
        "interpretations": "/zwgk/zcjd/", "normative_docs": "/zwgk/gfxwj/", "fiscal_monthly": "/zwgk/czyjs/",
        "annual_reports": "/zwgk/ndbg/", "personnel": "/zwgk/rsxx/", "plans": "/zwgk/ghjh/"}),
    DemoSite("jiangchuan-czj", "江川市财政局", "department", "hanweb_dept"),
    DemoSite("qingsong", "江川市青松镇人民政府", "township", "generic_town"),
    DemoSite("jiangchuan-zrzyj", "江川市自然资源局", "department", None),
)


DEMO_CERT_DAYS = 397   # a fresh, well-formed certificate: site.tls passes on the https site


def closed_port(host: str = "127.0.0.1") -> int:
    """A loopback port nothing listens on: bind one, note it, close it (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


SPREAD_HOSTS = "127.0.0.{}"   # with ``spread``: the n-th site's own loopback address (Linux routes 127/8 to lo)
SPREAD_FROM = 20


class DemoPortal:
    """Start every demo site on a free loopback port; a context manager.

    With ``spread`` each site listens on its own loopback address (127.0.0.20, .21 …) instead of
    sharing ``host``: sites on different hosts, which a distributed audit crawls in separate jobs
    (sites sharing a host share its politeness, so they are one job)."""

    def __init__(self, sites_dir: Path = SITES_DIR, host: str = "127.0.0.1", *, spread: bool = False) -> None:
        self.sites_dir = Path(sites_dir)
        self.host = host
        self.spread = spread
        self.servers: dict[str, SiteServer] = {}
        self.homes: dict[str, str] = {}
        self.ca: TestCA | None = None   # trusted by the demo's crawl only (crawl: tls_cafile)
        self._certs: Path | None = None

    def start(self) -> DemoPortal:
        try:
            for n, site in enumerate(DEMO_SITES):
                host = SPREAD_HOSTS.format(SPREAD_FROM + n) if self.spread else self.host
                if site.tree is None:
                    self.homes[site.id] = f"http://{host}:{closed_port(host)}/"
                    continue
                tls = self._server_tls(host) if site.tls else None
                server = SiteServer(self.sites_dir / site.tree, host=host, tls=tls).start()
                self.servers[site.id] = server
                self.homes[site.id] = server.base_url
        except BaseException:
            self.stop()
            raise
        return self

    def _server_tls(self, host: str) -> ssl.SSLContext:
        """A server context with a certificate for the site's loopback host, from the demo CA."""
        if self.ca is None:
            self._certs = Path(tempfile.mkdtemp(prefix="gongkai-demo-ca-"))
            self.ca = TestCA(self._certs)
        return self.ca.issue([host], days=DEMO_CERT_DAYS).server_context()

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts the demo CA (for tests fetching the https site)."""
        if self.ca is None:
            raise RuntimeError("DemoPortal is not started")
        return ssl.create_default_context(cafile=str(self.ca.cafile))

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()
        if self._certs is not None:
            shutil.rmtree(self._certs, ignore_errors=True)
            self._certs, self.ca = None, None

    def __enter__(self) -> DemoPortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_urls(self) -> list[str]:
        """Base URLs of the served sites (the unreachable one has none worth printing)."""
        return [server.base_url for server in self.servers.values()]

    def targets(self) -> dict[str, Any]:
        """The targets document (contract of ``gongkai.targets``) for the running sites."""
        if not self.homes:
            raise RuntimeError("DemoPortal is not started")
        sites = []
        for site in DEMO_SITES:
            home = self.homes[site.id]
            entry: dict[str, Any] = {"id": site.id, "name": site.name, "home": home, "kind": site.kind}
            if site.region:
                entry["region"] = site.region
            if site.columns:
                entry["columns"] = {ctype: home + path.lstrip("/") for ctype, path in site.columns.items()}
            sites.append(entry)
        crawl = dict(CRAWL)
        if self.ca is not None:
            crawl["tls_cafile"] = str(self.ca.cafile)
        return {"audit": dict(AUDIT), "crawl": crawl, "sites": sites}

    def write_targets(self, path: Path) -> Path:
        """Write the targets file (UTF-8 YAML) and return its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(self.targets(), allow_unicode=True, sort_keys=False, width=200)
        path.write_text("# 演示门户的评估目标：由 gongkai demo 生成，端口每次不同。\n" + text, encoding="utf-8")
        return path
