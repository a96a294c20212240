"""A request's identity, stamped in its meta where it survives redirects and retries.

A page is its request fingerprint (Scrapy's: method + canonical URL + body), never its URL alone:
two Hanweb ``dataproxy.jsp`` POSTs share one URL and differ in the column their form names.  The
spider stamps each request it routes; the dupefilter, the page budget, the row pipeline and the
store all read the same stamp, and all take a redirect's hop for the request first asked.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.utils.request import fingerprint

MAX_STORED_BODY = 2000  # characters of a POST body kept with the page row (which column it asked)


def stamp(request: Request, fingerprinter: Any) -> str:
    """Record the request's fingerprint, method and body in its meta; return the fingerprint."""
    fp = fingerprinter.fingerprint(request).hex()
    body = request.body.decode("utf-8", "replace")[:MAX_STORED_BODY] if request.body else None
    request.meta.update(fingerprint=fp, method=request.method, request_body=body)
    return fp


def identity(request: Request) -> dict[str, Any]:
    """The page row's identity fields (a request made elsewhere, e.g. in a test, gets Scrapy's
    default fingerprint)."""
    meta = request.meta
    if "fingerprint" not in meta:
        return {"fingerprint": fingerprint(request).hex(), "method": request.method, "request_body": None}
    return {"fingerprint": meta["fingerprint"], "method": meta["method"], "request_body": meta.get("request_body")}


def redirect_hop(request: Request) -> bool:
    """A hop of a request already admitted (Scrapy's redirect middleware built it): the same page,
    neither a new one to filter as a duplicate nor one more to spend a budget on."""
    return bool(request.meta.get("redirect_urls"))


def asked_url(request: Request) -> str:
    """The URL we asked for, before redirects (Scrapy's redirect middleware keeps the chain in meta)."""
    chain = request.meta.get("redirect_urls") or []
    return chain[0] if chain else request.url
