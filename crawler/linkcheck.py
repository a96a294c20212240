"""Classify the outcome of fetching a URL: ok, broken, blocked — or unknown.

Blocked is not broken: anti-bot challenges (瑞数 412), 403 to crawlers or to HEAD, Referer-checked
attachments and TLS that OpenSSL 3 refuses say nothing about whether a citizen can open the page,
so they are recorded as ``blocked`` (the checks turn that into ``unknown``), never as broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from OpenSSL.SSL import Error as SSLError
from scrapy import exceptions
from twisted.internet import error as net_error
from twisted.python.failure import Failure

from gongkai import models

BROKEN_STATUSES = frozenset({404, 410}) | frozenset(range(500, 600))
BLOCKED_STATUSES = frozenset({401, 403, 412, 418, 429, 451, 521})
HEAD_REFUSED = frozenset({400, 403, 404, 405, 406, 412, 500, 501, 503})
_CHALLENGE = re.compile(r"\$_ts\s*=|\bFSSBBIl1UgzbN7N\b|_\$[a-z]{2}\s*\(|challenge-platform|__jsl_clearance|"
                        r"\bwzws_cid\b|\bacw_sc__v2\b|yunsuo_session", re.IGNORECASE)


CHALLENGE_SNIFF = 20_000  # characters of a body searched for an anti-bot challenge script


@dataclass(frozen=True)
class Outcome:
    outcome: str   # ok | broken | blocked
    reason: str


def classify_status(status: int, body_head: str = "") -> Outcome:
    """Outcome of an HTTP answer (after redirects)."""
    if status in BLOCKED_STATUSES:
        return Outcome("blocked", f"HTTP {status}: 拒绝爬虫或需要验证（反爬/访问控制），无法判断是否可用")
    if status in BROKEN_STATUSES:
        return Outcome("broken", f"HTTP {status}")
    if 200 <= status < 400 and _CHALLENGE.search(body_head[:CHALLENGE_SNIFF]):
        return Outcome("blocked", f"HTTP {status}: 反爬虫挑战页（需执行脚本）")
    if status >= 400:
        return Outcome("broken", f"HTTP {status}")
    return Outcome("ok", f"HTTP {status}")


DNS_REASON = models.DNS_REASON  # the wording is a contract with the checks: its home is gongkai.models
TLS_REASON = "TLS 握手失败（可能为旧版加密，浏览器或可访问）"

# Exception classes (and, where one class means several things, a word of its message) → outcome
# and Chinese reason.  Scrapy ≥ 2.14 raises its own download errors; Twisted's appear on other
# code paths.  The first entry the failure matches wins.
FAILURE_CLASSES: tuple[tuple[tuple[type[BaseException], ...], str, str, str], ...] = (
    ((exceptions.CannotResolveHostError, net_error.DNSLookupError), "", "broken", DNS_REASON + ": {text}"),
    ((exceptions.DownloadConnectionRefusedError, net_error.ConnectionRefusedError), "", "broken",
     "连接被拒绝 (connection refused)"),
    ((exceptions.DownloadTimeoutError, net_error.TimeoutError, net_error.TCPTimedOutError), "", "broken",
     "请求超时 ({name})"),
    ((exceptions.DownloadCancelledError,), "", "blocked", "响应过大，已按上限中止: {text}"),
    ((SSLError,), "", "blocked", TLS_REASON + ": {text}"),
    ((exceptions.IgnoreRequest,), "download_maxsize", "blocked", "响应过大，已按上限中止: {text}"),  # gzip bomb
    ((exceptions.IgnoreRequest,), "redirect", "broken", "重定向循环或过多: {text}"),
    ((exceptions.IgnoreRequest,), "robots", "blocked", "robots.txt 禁止抓取: {text}"),
)


def classify_failure(failure: Failure) -> Outcome:
    """Outcome of a request that produced no response (DNS, refused, timeout, TLS, loop …).

    Judged by the exception's class (``failure.check``), then by the classes of the failures a
    ``ResponseNeverReceived`` / ``DownloadFailedError`` wraps (a TLS alert arrives that way).
    """
    for inner in (failure, *_wrapped(failure.value)):
        name, text = type(inner.value).__name__, str(inner.value)[:300]
        for classes, word, outcome, reason in FAILURE_CLASSES:
            if inner.check(*classes) and word in text.lower():
                return Outcome(outcome, reason.format(name=name, text=text))
    return Outcome("broken", f"{type(failure.value).__name__}: {str(failure.value)[:300]}")


def _wrapped(exc: BaseException) -> list[Failure]:
    """The failures inside a wrapper exception (Twisted's ``reasons``, or the ``__cause__`` chain)."""
    inner = [r for r in getattr(exc, "reasons", None) or [] if isinstance(r, Failure)]
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        inner.append(Failure(cause))
    return inner
