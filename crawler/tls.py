"""The TLS of each site's home host, checked once per crawl with Python's ``ssl`` module.

Scrapy does not verify certificates (it must crawl sites whose certificates are broken), so
whether a portal's https is sound is asked here, once per host and port: does https answer at
all (the home's own port when the home is https, else 443), does the chain verify against the
system's trust store (plus ``GONGKAI_TLS_CAFILE``), does the name match, and when does the leaf
expire.  An unverifiable certificate is fetched a second time without verification so its
dates, subject and issuer can be shown.  The result is a ``tls_probes`` row; ``site.tls`` judges
it offline (the expiry margin is the rule's parameter, not the crawler's).

The configured home is probed while the crawl starts; where the home ends up is known only once
it was fetched (http://x.gov.cn → https://www.x.gov.cn), so when the crawl closes
:func:`probe_landings` also shakes hands with the host the home landed on, and ``site.tls``
judges that one.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from gongkai.store import to_json

HTTPS_PORT = 443
CONCURRENCY = 4       # handshakes at once (threads of the reactor's pool: DNS shares it)
MAX_FIELD = 300
# Nothing answered at all (timed out, refused, unreachable): the site may lack https, or the
# auditor's network may not reach anyone directly (a proxy, an intranet) — site.tls tells them
# apart by whether any handshake of the audit reached a server.  ``no_https`` means a server
# answered, but not with TLS (plain http on the port, a failed handshake).
NO_ANSWER = "no_answer"
PLAIN_HTTP = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE"})  # OpenSSL's words for it


def target(home: str, https_port: int = HTTPS_PORT) -> tuple[str, int]:
    """Host and port to shake hands with: the home's own when it is https, else ``https_port``."""
    parts = urlsplit(home)
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme == "https":
        return host, parts.port or HTTPS_PORT
    return host, https_port


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _describe(der: bytes | None) -> dict[str, Any]:
    """Dates, subject, issuer and alternative names of a DER certificate (empty if unreadable)."""
    if not der:
        return {}
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return {}
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [*san.get_values_for_type(x509.DNSName), *(str(ip) for ip in san.get_values_for_type(x509.IPAddress))]
    except x509.ExtensionNotFound:
        pass
    return {"not_before": _iso(cert.not_valid_before_utc), "not_after": _iso(cert.not_valid_after_utc),
            "subject": cert.subject.rfc4514_string()[:MAX_FIELD], "issuer": cert.issuer.rfc4514_string()[:MAX_FIELD],
            "names_json": to_json(names[:50])}


def _context(cafile: str | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    if cafile:
        ctx.load_verify_locations(cafile)
    return ctx


def _handshake(host: str, port: int, ctx: ssl.SSLContext, timeout: float) -> bytes | None:
    """Shake hands and return the peer's certificate (DER); raises what the handshake raised."""
    with socket.create_connection((host, port), timeout=timeout) as raw, \
            ctx.wrap_socket(raw, server_hostname=host) as tls:
        return tls.getpeercert(binary_form=True)


def _unverified(host: str, port: int, timeout: float) -> bytes | None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        return _handshake(host, port, ctx, timeout)
    except (OSError, ssl.SSLError):
        return None


def probe(host: str, port: int, *, cafile: str | None = None, timeout: float = 15.0) -> dict[str, Any]:
    """One ``tls_probes`` row (without audit and site): outcome valid / invalid / no_https / unknown."""
    row: dict[str, Any] = {"host": host, "port": port, "at": _iso(datetime.now(UTC))}
    where = f"{host}:{port}"
    try:
        der = _handshake(host, port, _context(cafile), timeout)
    except ssl.SSLCertVerificationError as exc:
        reason = exc.verify_message or str(exc)
        return {**row, "outcome": "invalid", "reason": f"{where} 证书未通过验证：{reason}"[:MAX_FIELD * 2],
                **_describe(_unverified(host, port, timeout))}
    except socket.gaierror as exc:
        return {**row, "outcome": "unknown", "reason": f"{where} 域名无法解析：{exc}"[:MAX_FIELD]}
    except ssl.SSLError as exc:
        said = "端口以明文http应答" if exc.reason in PLAIN_HTTP else (exc.reason or str(exc))
        return {**row, "outcome": "no_https", "reason": f"{where} 未能建立TLS连接：{said}"[:MAX_FIELD]}
    except TimeoutError:
        return {**row, "outcome": NO_ANSWER, "reason": f"{where} https连接超时（{timeout:g}秒）"}
    except OSError as exc:
        return {**row, "outcome": NO_ANSWER, "reason": f"{where} https无应答：{exc.strerror or exc}"[:MAX_FIELD]}
    return {**row, "outcome": "valid", "reason": f"{where} 证书链与域名验证通过", **_describe(der)}


def _safe_probe(host: str, port: int, cafile: str | None, timeout: float) -> dict[str, Any]:
    try:
        return probe(host, port, cafile=cafile, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - a bad CA file or an odd host must not end the crawl
        return {"host": host, "port": port, "at": _iso(datetime.now(UTC)), "outcome": "unknown",
                "reason": f"TLS检查出错：{type(exc).__name__}: {exc}"[:MAX_FIELD]}


async def probe_homes(homes: Iterable[tuple[str, str]], *, cafile: str | None, timeout: float,
                      https_port: int = HTTPS_PORT) -> list[dict[str, Any]]:
    """``tls_probes`` rows for (site id, home URL) pairs: one handshake per host and port, in
    threads of the reactor's pool (a handshake blocks), at most ``CONCURRENCY`` at once."""
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import defer, threads

    by_target: dict[tuple[str, int], list[str]] = {}
    for site, home in homes:
        host, port = target(home, https_port)
        if host:
            by_target.setdefault((host, port), []).append(site)
    semaphore = defer.DeferredSemaphore(CONCURRENCY)
    calls = [semaphore.run(threads.deferToThread, _safe_probe, host, port, cafile, timeout)
             for host, port in by_target]
    found = await maybe_deferred_to_future(defer.gatherResults(calls, consumeErrors=True))
    return [{"site": site, **row} for sites, row in zip(by_target.values(), found, strict=True)
            for site in sites]


def landing_targets(store: Any, audit_id: int, sites: Iterable[str], https_port: int = HTTPS_PORT) -> list[tuple[str, str, int]]:
    """(site, host, port) of each site's home landing (the ``home`` page's final URL) that no
    ``tls_probes`` row of the site covers yet."""
    from gongkai import store as st

    out = []
    for site in sites:
        homes = store.rows(st.pages, audit_id, site=site, kind="home")
        landed = next((p["final_url"] or p["url"] for p in homes if p["variant"] == "normal"), None)
        if not landed:
            continue
        host, port = target(landed, https_port)
        done = {(r["host"], r["port"]) for r in store.rows(st.tls_probes, audit_id, site=site)}
        if host and (host, port) not in done:
            out.append((site, host, port))
    return out


def probe_landings(store: Any, audit_id: int, sites: Iterable[str], settings: dict[str, Any] | None) -> int:
    """Shake hands with the hosts the homes landed on (when not probed already) and store the
    rows; returns how many.  Blocking, at most ``CONCURRENCY`` at once: it runs when the crawl closes."""
    from concurrent.futures import ThreadPoolExecutor

    if not settings or not settings.get("check"):
        return 0
    todo = landing_targets(store, audit_id, sites, settings.get("port") or HTTPS_PORT)
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        rows = list(pool.map(lambda t: _safe_probe(t[1], t[2], settings.get("cafile"), settings["timeout"]), todo))
    for (site, _, _), row in zip(todo, rows, strict=True):
        store.save_tls_probe(audit_id, {"site": site, **row})
    return len(rows)
