"""Failures are classified by their exception class (and wrapped causes), not by their message."""

from __future__ import annotations

import pytest
from OpenSSL.SSL import Error as SSLError
from scrapy import exceptions
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from gongkai.crawler.linkcheck import DNS_REASON, TLS_REASON, classify_failure


def failure_of(exc: BaseException) -> Failure:
    try:
        raise exc
    except BaseException:  # noqa: BLE001 - building a Failure from a real raise
        return Failure()


@pytest.mark.parametrize(("exc", "outcome", "starts"), [
    (exceptions.CannotResolveHostError("www.example.gov.cn"), "broken", DNS_REASON),
    (net_error.DNSLookupError("www.example.gov.cn"), "broken", DNS_REASON),
    (exceptions.DownloadConnectionRefusedError("refused"), "broken", "连接被拒绝"),
    (net_error.ConnectionRefusedError(), "broken", "连接被拒绝"),
    (exceptions.DownloadTimeoutError("took longer than 20 seconds"), "broken", "请求超时"),
    (net_error.TCPTimedOutError(), "broken", "请求超时"),
    (exceptions.DownloadCancelledError("Cancelling download: 50000000 > 10000000"), "blocked", "响应过大"),
    (exceptions.IgnoreRequest("Ignored response <200 http://x/bomb.html> because its body (1043656 B compressed, "
                              "2031616 B decompressed so far) exceeded DOWNLOAD_MAXSIZE (2000000 B) during "
                              "decompression."), "blocked", "响应过大"),
    (exceptions.IgnoreRequest("max redirections reached"), "broken", "重定向循环"),
    (exceptions.IgnoreRequest("Forbidden by robots.txt"), "blocked", "robots.txt"),
    (ResponseNeverReceived([failure_of(SSLError([("SSL routines", "", "unsafe legacy renegotiation disabled")]))]),
     "blocked", TLS_REASON),
])
def test_failure_classes_map_to_outcomes_and_reasons(exc, outcome, starts):
    out = classify_failure(failure_of(exc))
    assert out.outcome == outcome and out.reason.startswith(starts), out


def test_a_timeout_word_in_another_error_is_not_a_timeout():
    out = classify_failure(failure_of(ValueError("Timeout settings are odd; SSL handshake mentioned")))
    assert out == out.__class__("broken", "ValueError: Timeout settings are odd; SSL handshake mentioned")


def test_a_wrapped_cause_is_classified():
    try:
        try:
            raise net_error.DNSLookupError("gone.example.gov.cn")
        except net_error.DNSLookupError as inner:
            raise exceptions.DownloadFailedError("download failed") from inner
    except exceptions.DownloadFailedError:
        out = classify_failure(Failure())
    assert out.outcome == "broken" and out.reason.startswith(DNS_REASON)
