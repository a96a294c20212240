"""Tell the audit machine's lost network apart from the sites' broken links.

Evaluators often run inside government intranets.  If not one link to another site answered
and several different outside hosts failed to resolve, the auditor's own DNS is the likely cause:
those links are recorded as ``unknown`` (with that reason), not as hundreds of broken links.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from gongkai import store as st
from gongkai.crawler.linkcheck import DNS_REASON
from gongkai.targets import origin

MIN_FAILED_HOSTS = 2
OFFLINE_REASON = "审计机器可能无法访问外网（所有站外域名均解析失败），无法判断"


def _external(url: str, origins: set[str]) -> bool:
    try:
        return origin(url) not in origins
    except ValueError:
        return False


def guard_offline(store: Any, audit_id: int) -> int:
    """Reclassify external DNS failures as unknown when no external host answered; returns how many."""
    origins = {o for site in store.rows(st.sites, audit_id) for o in st.from_json(site["origins_json"], [])}
    external = [p for p in store.rows(st.probes, audit_id, kind="link") if _external(p["url"], origins)]
    if any(p["status"] is not None for p in external):
        return 0
    failed = [p for p in external if (p["reason"] or "").startswith(DNS_REASON)]
    if len({urlsplit(p["url"]).hostname for p in failed}) < MIN_FAILED_HOSTS:
        return 0
    for probe in failed:
        store.update_rows(st.probes, audit_id, {"outcome": "unknown", "reason": OFFLINE_REASON}, id=probe["id"])
    return len(failed)


def nothing_answered(store: Any, audit_id: int) -> bool:
    """True when no site and no outside host gave any HTTP answer during the whole audit.

    Then the auditor's own network is down (or every target is wrong): grading would veto every
    site for 站点无法访问, so the audit must stop instead.
    """
    return not (store.any_answer(st.pages, audit_id) or store.any_answer(st.probes, audit_id))
