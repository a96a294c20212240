"""Read one page for `gongkai extract`: a local file or a single URL, decoded like Scrapy does.

Decoding goes through w3lib (Scrapy's own): HTTP header charset, BOM, ``<meta charset>``, then
sniffing — so GBK declared as gb2312 reads correctly (gb2312 is decoded as its superset gb18030).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from w3lib.encoding import html_to_unicode

MAX_BYTES = 10_000_000
TIMEOUT_S = 20


class FetchError(Exception):
    """The page cannot be read; the message names the file or URL."""


def decode(body: bytes, content_type: str | None = None) -> str:
    _, text = html_to_unicode(content_type, body)
    return text


def read_page(location: str) -> tuple[str, str]:
    """(decoded HTML, URL to resolve links against) for a file path or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        req = urllib.request.Request(location, headers={"User-Agent": "Mozilla/5.0 gongkai/0.1"})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:  # noqa: S310 - http(s) only
                body = resp.read(MAX_BYTES + 1)
                ctype = resp.headers.get("Content-Type")
                final = resp.geturl()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise FetchError(f"{location}: cannot fetch: {getattr(exc, 'reason', exc)}") from None
        if len(body) > MAX_BYTES:
            raise FetchError(f"{location}: larger than {MAX_BYTES} bytes")
        return decode(body, ctype), final
    path = Path(location)
    try:
        body = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise FetchError(f"{location}: cannot read: {exc.strerror or exc}") from None
    if len(body) > MAX_BYTES:
        raise FetchError(f"{location}: larger than {MAX_BYTES} bytes")
    return decode(body), path.resolve().as_uri()
