"""站点无法访问: could the home page be fetched at all during the audit?

The official veto (国办秘函〔2019〕19号) needs a week of probes (≥ 20 a day, 15 s timeout, ≥ 5 %
failures); one audit cannot observe that, so this rule fails only when every home probe failed
after retries, and its evidence says exactly what was tried.  A 403/412 to a crawler is
``unknown``: the site answers, but not to us.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from gongkai.checks.base import MAX_SAMPLES, result
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result

FAILED = ("broken", "error")


class ReachabilityParams(KindParams):
    """``timeout_s``: the official probe timeout, quoted in evidence (the crawl sets its own)."""

    timeout_s: int = Field(15, gt=0)


def _attempts(view: AuditView, site: SiteInfo) -> list[dict[str, Any]]:
    """Home probes, or the home page fetch itself when the crawler wrote no probe."""
    probes = [{"url": p["url"], "at": p.get("at"), "status": p.get("status"), "outcome": p.get("outcome"),
               "reason": p.get("reason"), "attempts": p["detail"].get("attempts")}
              for p in view.probes(site.site, kind="home")]
    if probes:
        return probes
    home = view.home_page(site)
    if home is None:
        return []
    return [{"url": home["url"], "at": home.get("fetched_at"), "status": home.get("status"),
             "outcome": home.get("outcome") or "ok", "reason": home.get("reason")}]


@register("site_reachability", ReachabilityParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: ReachabilityParams) -> Iterator[Result]:
    tries = _attempts(view, site)
    outcomes = [t["outcome"] for t in tries]
    failed = sum(o in FAILED for o in outcomes)
    ev = {"probes": len(tries), "failed": failed, "timeout_s": params.timeout_s,
          "tried": tries[:MAX_SAMPLES],
          "note": "官方否决项需连续7天每天≥20次监测，本次仅为审计期间的抓取结果"}
    if not tries:
        yield result(site, rule, site.home, "unknown", "未对首页进行探测", **ev)
    elif "ok" in outcomes:
        yield result(site, rule, site.home, "pass", f"首页可访问（{len(tries)}次探测中{failed}次失败）", **ev)
    elif failed:
        last = next(t for t in reversed(tries) if t["outcome"] in FAILED)
        yield result(site, rule, site.home, "fail",
                     f"首页{failed}次探测均失败：{last.get('reason') or last.get('status')}", **ev)
    else:
        yield result(site, rule, site.home, "unknown", f"首页拒绝抓取或结果不明（{'、'.join(map(str, outcomes))}）", **ev)
