"""站点无法访问: could the home page be opened, judged as the official check judges it where we can.

The official veto (国办秘函〔2019〕19号) rests on a week of probes: at least 20 a day, a 15 s
timeout, a failure share of 5 % or more.  When ``gongkai probe`` (run from cron) recorded such a
week up to the audit's as_of — Beijing days, each with enough probes that answered or failed (one
refused to us, ``blocked``, is not counted) — that history decides, and the evidence is its log.  Otherwise the
audit's own attempts decide: the crawler tries a failing home again ``home_attempts`` times,
``home_attempt_interval`` seconds apart, and the rule fails only when at least ``min_attempts``
of them all failed; the evidence lists every attempt (time, outcome, seconds, the crawl's
timeout) and says which basis was used.  A 403/412 to a crawler is ``unknown``: the site answers,
but not to us.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field

from gongkai.checks.base import MAX_SAMPLES, result
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.targets import origin
from gongkai.workdays import BEIJING, beijing_day

FAILED = ("broken", "error")
JUDGED = ("ok", *FAILED)   # a probe answered or failed; "blocked" (refused to us) and "unknown" say neither
OTHER_HOME = "other_home"  # a probe of another home URL under the same site id: not this home's history
AUDIT_BASIS = "审计期间分散探测（未达到官方一周监测口径）"
MONITOR_BASIS = "可用性监测记录（gongkai probe）"


class ReachabilityParams(KindParams):
    """The official monitoring figures, and how many spread attempts one audit needs instead."""

    min_attempts: int = Field(3, ge=1, le=10)          # failed home attempts in one audit before a fail
    monitor_days: int = Field(7, ge=1, le=31)          # days of monitoring the official check needs …
    monitor_per_day: int = Field(20, ge=1, le=1440)    # … each with at least this many probes
    monitor_failure_share: float = Field(0.05, gt=0, le=1)  # failures at or above this share fail


@register("site_reachability", ReachabilityParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: ReachabilityParams) -> Iterator[Result]:
    week = _monitoring(view, site, params)
    if week is not None:
        yield _judge_monitoring(site, rule, params, week)
    else:
        yield _judge_attempts(site, rule, params, _attempts(view, site))


# -- the official basis: a week of monitoring --------------------------------------------------------

@dataclass(frozen=True)
class _Week:
    """The monitoring of the week up to as_of: the probes that could be judged, and the others."""

    probes: list[dict[str, Any]]     # answered (ok) or failed: what the failure share is of
    not_judged: Counter[str]         # outcome → probes refused to us (blocked) or of unknown result


def _monitoring(view: AuditView, site: SiteInfo, params: ReachabilityParams) -> _Week | None:
    """The monitoring probes of the ``monitor_days`` Beijing days up to as_of, if each of those days
    has enough probes that could be judged: a probe the site refused to answer (a WAF's 412) says
    nothing about whether people can open it, and one of another home URL is another site's, so
    neither fails nor passes nor counts."""
    first = datetime.combine(view.as_of - timedelta(days=params.monitor_days - 1), time(), BEIJING)
    after = datetime.combine(view.as_of + timedelta(days=1), time(), BEIJING)
    probes = view.monitor_history(site.site, first.astimezone(UTC), after.astimezone(UTC))
    # of this home: the site id may have had another home (a targets file changed)
    probes = [p if _same_home(p["url"], site.home) else {**p, "outcome": OTHER_HOME} for p in probes]
    judged = [p for p in probes if p["outcome"] in JUDGED]
    per_day = Counter(beijing_day(p["at"]) for p in judged)
    enough = sum(n >= params.monitor_per_day for n in per_day.values())
    if enough < params.monitor_days:
        return None
    return _Week(judged, Counter(p["outcome"] for p in probes if p["outcome"] not in JUDGED))


def _same_home(url: str, home: str) -> bool:
    """The same URL but for the letters' case of scheme and host and an explicit default port."""
    a, b = urlsplit(url), urlsplit(home)
    return origin(url) == origin(home) and (a.path or "/", a.query) == (b.path or "/", b.query)


def _judge_monitoring(site: SiteInfo, rule: Rule, params: ReachabilityParams, week: _Week) -> Result:
    probes = week.probes
    failed = [p for p in probes if p["outcome"] in FAILED]
    share = len(failed) / len(probes)
    ev = {"basis": MONITOR_BASIS, "probes": len(probes), "failed": len(failed), "failure_share": round(share, 4),
          "threshold": params.monitor_failure_share, "days": params.monitor_days, "days_in": "北京时间",
          "not_counted": dict(sorted(week.not_judged.items())),
          "timeout_s": sorted({p["timeout_s"] for p in probes if p["timeout_s"] is not None}),
          "failures": [{k: p[k] for k in ("at", "outcome", "status", "seconds", "reason")} for p in failed]}
    if share >= params.monitor_failure_share:
        return result(site, rule, site.home, "fail",
                      f"一周监测{len(probes)}次中{len(failed)}次无法访问（{share:.1%}，达到{params.monitor_failure_share:.0%}）",
                      **ev)
    return result(site, rule, site.home, "pass",
                  f"一周监测{len(probes)}次中{len(failed)}次无法访问（{share:.1%}，低于{params.monitor_failure_share:.0%}）", **ev)


# -- without monitoring: the audit's own attempts, spread over the crawl --------------------------------

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


def _judge_attempts(site: SiteInfo, rule: Rule, params: ReachabilityParams, tries: list[dict[str, Any]]) -> Result:
    outcomes = [t["outcome"] for t in tries]
    failed = sum(o in FAILED for o in outcomes)
    needed = params.min_attempts
    timeouts = sorted({t["timeout_s"] for t in tries if t.get("timeout_s") is not None})
    ev = {"basis": AUDIT_BASIS, "probes": len(tries), "failed": failed, "min_attempts": needed,
          "timeout_s": timeouts[0] if len(timeouts) == 1 else timeouts or None, "tried": tries[:MAX_SAMPLES],
          "note": f"官方否决项需连续7天每天≥20次监测（可用 gongkai probe 定时记录），本次依据：{AUDIT_BASIS}"}
    if not tries:
        return result(site, rule, site.home, "unknown", "未对首页进行探测", **ev)
    if "ok" in outcomes:
        return result(site, rule, site.home, "pass", f"首页可访问（{len(tries)}次探测中{failed}次失败）", **ev)
    if failed and failed < needed:
        return result(site, rule, site.home, "unknown",
                      f"首页{failed}次探测均失败，但少于判定所需的{needed}次分散探测（抓取是否中断？）", **ev)
    if failed:
        last = next(t for t in reversed(tries) if t["outcome"] in FAILED)
        return result(site, rule, site.home, "fail",
                      f"首页{failed}次分散探测均失败：{last.get('reason') or last.get('status')}", **ev)
    return result(site, rule, site.home, "unknown", f"首页拒绝抓取或结果不明（{'、'.join(map(str, outcomes))}）", **ev)
