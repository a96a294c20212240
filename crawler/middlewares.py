"""Downloader middlewares of the crawl: components, not logic in the spider."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response, TextResponse

from gongkai.crawler.sniff import is_binary


class BinarySniffMiddleware:
    """A body that is not text — a PDF or Word file served as text/html — reaches callbacks as a
    plain ``Response``, never decoded or parsed as HTML; one NUL in a real page keeps it text.

    Runs after decompression (its order is below HttpCompressionMiddleware's 590), so it sniffs
    the bytes as the server meant them.
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> BinarySniffMiddleware:
        return cls()

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        if isinstance(response, TextResponse):
            content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
            if is_binary(response.body, content_type):
                return Response(response.url, status=response.status, headers=response.headers,
                                body=response.body, flags=response.flags, request=response.request,
                                certificate=response.certificate, ip_address=response.ip_address,
                                protocol=response.protocol)
        return response
