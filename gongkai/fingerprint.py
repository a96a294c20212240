"""A page's identity: Scrapy's request fingerprint (method + canonical URL + body).

Two Hanweb ``dataproxy.jsp`` POSTs share a URL and differ in their form body (the column), so the
URL alone cannot say "already asked", "already stored" or "same page".  The crawler asks its
crawler's fingerprinter; rows written without a request (tests, ``gongkai extract``) use this
function, which is Scrapy's default fingerprinter.
"""

from __future__ import annotations


def request_fingerprint(url: str, method: str = "GET", body: bytes | str = b"") -> str:
    """Hex fingerprint of the request ``method url`` with ``body``, as Scrapy computes it.

    Scrapy (and Twisted with it) is imported on the first call, not with this module: the store
    imports it for its writes, and ``gongkai check`` / ``report``, which write no page, would
    otherwise spend a third of a second of every start importing a crawler they never run.
    """
    from scrapy import Request
    from scrapy.utils.request import fingerprint

    return fingerprint(Request(url, method=method, body=body)).hex()
