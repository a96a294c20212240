"""站点无法访问: could the home page be fetched at all during the audit?

The official veto (国办秘函〔2019〕19号) needs a week of probes (≥ 20 a day, 15 s timeout, ≥ 5 %
failures); one audit cannot observe that, so this rule fails only when every home attempt failed,
and there were at least ``min_attempts`` of them spread over the audit (the crawler tries a failing
home again ``home_attempts`` times, ``home_attempt_interval`` seconds apart); its evidence lists
every attempt with its time, outcome, seconds and the crawl's timeout.  A 403/412 to a crawler is
``unknown``: the site answers, but not to us.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gongkai.checks.base import result
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result

FAILED = ("broken", "error")


def _attempts(view: AuditView, site: SiteInfo) -> list[dict[str, Any]]:
    """Every home attempt (time, outcome, seconds, timeout), or the home page fetch itself when the
    crawler wrote no probe."""
    probes = [{"url": p["url"], "at": p.get("at"), "status": p.get("status"), "outcome": p.get("outcome"),
               "reason": p.get("reason"), "attempt": p["detail"].get("attempt"),
               "seconds": p["detail"].get("seconds"), "timeout_s": p["detail"].get("timeout_s")}
              for p in view.probes(site.site, kind="home")]
    if probes:
        return probes
    home = view.home_page(site)
    if home is None:
        return []
    return [{"url": home["url"], "at": home.get("fetched_at"), "status": home.get("status"),
             "outcome": home.get("outcome") or "ok", "reason": home.get("reason")}]


@register("site_reachability")
def run(view: AuditView, site: SiteInfo, rule: Rule) -> Iterator[Result]:
    params = rule.params_for(site)
    needed = int(params.get("min_attempts", 3))
    tries = _attempts(view, site)
    outcomes = [t["outcome"] for t in tries]
    failed = sum(o in FAILED for o in outcomes)
    timeouts = sorted({t["timeout_s"] for t in tries if t.get("timeout_s") is not None})
    ev = {"probes": len(tries), "failed": failed, "min_attempts": needed,
          "timeout_s": timeouts[0] if len(timeouts) == 1 else timeouts or None,
          "tried": tries, "note": "官方否决项需连续7天每天≥20次监测，本次仅为审计期间的抓取结果"}
    if not tries:
        yield result(site, rule, site.home, "unknown", "未对首页进行探测", **ev)
    elif "ok" in outcomes:
        yield result(site, rule, site.home, "pass", f"首页可访问（{len(tries)}次探测中{failed}次失败）", **ev)
    elif failed and failed < needed:
        yield result(site, rule, site.home, "unknown",
                     f"首页{failed}次探测均失败，但少于判定所需的{needed}次分散探测（抓取是否中断？）", **ev)
    elif failed:
        last = next(t for t in reversed(tries) if t["outcome"] in FAILED)
        yield result(site, rule, site.home, "fail",
                     f"首页{failed}次分散探测均失败：{last.get('reason') or last.get('status')}", **ev)
    else:
        yield result(site, rule, site.home, "unknown", f"首页拒绝抓取或结果不明（{'、'.join(map(str, outcomes))}）", **ev)
