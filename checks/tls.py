"""site.tls: the https of the host the home lands on — missing, untrusted, for another name, or
about to expire.

The host judged is where the home ended (its final URL: http://x.gov.cn → https://www.x.gov.cn is
judged on www.x.gov.cn), not the configured one.  "Nothing answered" (timed out, refused) fails
only when some handshake of the audit reached a server: when none did, the auditor's network
(a proxy, an intranet) is the likelier cause, and the result is unknown.

Judged offline from the ``tls_probes`` row the crawler wrote (crawler/tls.py: one handshake with
Python's ``ssl`` module per home host, since Scrapy itself verifies nothing).  The expiry margin is
counted from the moment of the handshake, not from the audit's ``as_of``: a certificate is a
state of the server when it was looked at.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import Field

from gongkai.checks.base import result
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result


class TlsParams(KindParams):
    """Days before expiry from which a valid certificate already fails (renewal is due)."""

    expiry_days: int = Field(30, ge=0, le=365)


def _days_left(probe: dict) -> int | None:
    if not probe.get("not_after"):
        return None
    return (datetime.fromisoformat(probe["not_after"]) - datetime.fromisoformat(probe["at"])).days


NO_ANSWER = "no_answer"   # crawler/tls.py: nothing answered (timed out, refused)
UNREACHABLE_AUDIT = "本次审计的TLS检查均无应答（连接超时或被拒绝），审计机器可能无法直连各网站（代理或内网），无法判断"


def landing(view: AuditView, site: SiteInfo) -> tuple[str | None, dict | None]:
    """(the host the home landed on, the home page row): the host site.tls judges.  Without a
    fetched home, the configured home's host."""
    home = view.home_page(site)
    url = (home or {}).get("final_url") or (home or {}).get("url") or site.home
    return (urlsplit(url).hostname or "").rstrip(".") or None, home


@register("site_tls", TlsParams)
def run_tls(view: AuditView, site: SiteInfo, rule: Rule, params: TlsParams) -> Iterator[Result]:
    probes = view.tls_probes(site.site)
    if not probes:
        yield result(site, rule, site.home, "unknown", "爬取时未做TLS检查（已关闭或早于本检查的爬取）")
        return
    host, home = landing(view, site)
    mine = [p for p in probes if p["host"] == host]
    if not mine:
        yield result(site, rule, site.home, "unknown", f"首页落地于{host}，爬取时未对该域名做TLS检查，需重新爬取",
                     landed_host=host, probed_hosts=sorted({p["host"] for p in probes}))
        return
    probe = mine[-1]
    days = _days_left(probe)
    ev = {"host": probe["host"], "port": probe["port"], "checked_at": probe["at"], "outcome": probe["outcome"],
          "tls_reason": probe["reason"], "not_before": probe.get("not_before"), "not_after": probe.get("not_after"),
          "days_left": days, "subject": probe.get("subject"), "issuer": probe.get("issuer"),
          "names": probe.get("names"), "expiry_days": params.expiry_days}
    answered = home is not None and home.get("status") is not None
    outcome = probe["outcome"]
    if outcome in ("no_https", NO_ANSWER) and not answered:
        yield result(site, rule, site.home, "unknown", f"首页未能访问，无法判断是否提供https：{probe['reason']}", **ev)
    elif outcome == NO_ANSWER and not view.tls_reached_any:
        yield result(site, rule, site.home, "unknown", UNREACHABLE_AUDIT, **ev)
    elif outcome in ("no_https", NO_ANSWER):
        yield result(site, rule, site.home, "fail", f"首页未提供https：{probe['reason']}", **ev)
    elif outcome == "invalid":
        yield result(site, rule, site.home, "fail", f"https证书无效：{probe['reason']}", **ev)
    elif outcome != "valid":
        yield result(site, rule, site.home, "unknown", probe["reason"] or "TLS检查结果不明", **ev)
    elif days is not None and days < params.expiry_days:
        yield result(site, rule, site.home, "fail",
                     f"https证书将于{probe['not_after'][:10]}到期（检查时剩{days}天，不足{params.expiry_days}天）", **ev)
    else:
        until = f"，有效期至{probe['not_after'][:10]}" if probe.get("not_after") else ""
        yield result(site, rule, site.home, "pass", f"https证书有效{until}", **ev)
