"""Classify the outcome of fetching a URL: ok, broken, blocked — or unknown.

Blocked is not broken: anti-bot challenges (瑞数 412), 403 to crawlers or to HEAD, Referer-checked
attachments and TLS that OpenSSL 3 refuses say nothing about whether a citizen can open the page,
so they are recorded as ``blocked`` (the checks turn that into ``unknown``), never as broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twisted.internet import error as net_error
from twisted.python.failure import Failure

BROKEN_STATUSES = frozenset({404, 410}) | frozenset(range(500, 600))
BLOCKED_STATUSES = frozenset({401, 403, 412, 418, 429, 451, 521})
HEAD_REFUSED = frozenset({400, 403, 404, 405, 406, 412, 500, 501, 503})
_CHALLENGE = re.compile(r"\$_ts\s*=|\bFSSBBIl1UgzbN7N\b|_\$[a-z]{2}\s*\(|challenge-platform|__jsl_clearance|"
                        r"\bwzws_cid\b|\bacw_sc__v2\b|yunsuo_session", re.IGNORECASE)


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
    if 200 <= status < 400 and _CHALLENGE.search(body_head[:20000]):
        return Outcome("blocked", f"HTTP {status}: 反爬虫挑战页（需执行脚本）")
    if status >= 400:
        return Outcome("broken", f"HTTP {status}")
    return Outcome("ok", f"HTTP {status}")


DNS_REASON = "域名无法解析 (DNS)"


def classify_failure(failure: Failure) -> Outcome:
    """Outcome of a request that produced no response (DNS, refused, timeout, TLS, loop …).

    Scrapy ≥ 2.14 raises its own exception types (CannotResolveHostError …); older code paths
    raise Twisted's.  Both are recognised.
    """
    exc = failure.value
    name = type(exc).__name__
    text = str(exc)[:300]
    low = text.lower()
    if failure.check(net_error.DNSLookupError) or name == "CannotResolveHostError":
        return Outcome("broken", f"{DNS_REASON}: {text}")
    if failure.check(net_error.ConnectionRefusedError) or name == "DownloadConnectionRefusedError":
        return Outcome("broken", "连接被拒绝 (connection refused)")
    if failure.check(net_error.TimeoutError, net_error.TCPTimedOutError) or "Timeout" in name:
        return Outcome("broken", f"请求超时 ({name})")
    if "SSL" in name or "TLS" in name or "ssl" in low or "handshake" in low or "certificate" in low:
        return Outcome("blocked", f"TLS 握手失败（可能为旧版加密，浏览器或可访问）: {text}")
    if "redirect" in low:
        return Outcome("broken", f"重定向循环或过多: {text}")
    if name == "DownloadCancelledError" or "maxsize" in low or "exceeds" in low or "Cancelled" in name:
        return Outcome("blocked", f"响应过大，已按上限中止: {text}")
    return Outcome("broken", f"{name}: {text}")
