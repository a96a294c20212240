"""Downloader middlewares of the crawl: components, not logic in the spider."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response, TextResponse

from gongkai.crawler.sniff import is_binary

FALLBACK_ENCODING = "utf-8"  # when a page's declared charset cannot decode it at all


class BinarySniffMiddleware:
    """Decoding and binary detection, once, before any callback sees a body.

    A body that is not text — a PDF or Word file served as text/html — reaches callbacks as a
    plain ``Response``, never decoded or parsed as HTML; one NUL in a real page keeps it text.
    A text body is decoded here (Scrapy caches the result); a page whose declared charset cannot
    decode it is read as UTF-8 with replacement characters instead of failing in a callback.

    Runs after decompression (its order is below HttpCompressionMiddleware's 590), so it sniffs
    the bytes as the server meant them.
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> BinarySniffMiddleware:
        return cls()

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, TextResponse):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if is_binary(response.body, content_type):
            return Response(response.url, status=response.status, headers=response.headers,
                            body=response.body, flags=response.flags, request=response.request,
                            certificate=response.certificate, ip_address=response.ip_address,
                            protocol=response.protocol)
        try:
            response.text  # noqa: B018 - decoded once here, cached on the response for every reader
        except (UnicodeDecodeError, LookupError):
            return response.replace(encoding=FALLBACK_ENCODING)
        return response


def text_of(response: Response) -> str:
    """The decoded HTML of a response, or '' for a binary body (see ``BinarySniffMiddleware``)."""
    return response.text if isinstance(response, TextResponse) else ""
