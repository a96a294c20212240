"""What every check kind shares: building a :class:`Result` with JSON-ready evidence.

Kinds yield a result for every subject they examine; evidence holds the dates, snippets and
URLs that prove it, as plain JSON (dates as ISO strings) so the store and reports need no
knowledge of Python types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from gongkai.checks.coverage import Coverage
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result, Status
from gongkai.redact import redact, redact_string

MAX_SNIPPET = 200   # characters of crawled text quoted in evidence
MAX_SAMPLES = 10    # URLs listed per evidence item
_SCALARS = frozenset({str, int, float, bool, type(None)})
_NOT_TEXT = _SCALARS - {str}   # scalars no cleaning touches


def plain(value: Any, clean: Callable[[str], str] | None = None) -> Any:
    """Evidence as JSON-able data: dates become ISO strings, tuples and sets become lists, keys
    strings; with ``clean``, every string (a date's too) passes through it — :func:`result` redacts
    each in this same walk (it runs for every result, so the items of a dict or list that are plain
    already are taken as they are, without a call each)."""
    if isinstance(value, str):
        return clean(value) if clean else value
    if type(value) in _SCALARS:   # most values: returned at once
        return value
    if isinstance(value, date | datetime):
        return clean(value.isoformat()) if clean else value.isoformat()
    if isinstance(value, dict):
        return {k if type(k) is str else str(k): v if type(v) in _NOT_TEXT else plain(v, clean)
                for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [v if type(v) in _NOT_TEXT else plain(v, clean) for v in value]
    return value


def snippet(text: str | None, start: int = 0, end: int | None = None) -> str:
    """A bounded piece of crawled text for evidence (it is data: reports escape it)."""
    if not text:
        return ""
    end = len(text) if end is None else end
    return text[max(0, start):max(0, min(end, start + MAX_SNIPPET))].strip()


def result(site: SiteInfo, rule: Rule, subject: str, status: Status, reason: str,
           period: str | None = None, /, **evidence: Any) -> Result:
    """A result of ``rule`` on ``subject``; keyword arguments are its evidence (any names).

    Reason and evidence are redacted (:mod:`gongkai.redact`): whatever a rule quotes from a
    crawled text, no report shows a 身份证号 or mobile number in full.
    """
    return Result(site=site.site, rule=rule.id, subject=subject or site.home, status=status,
                  reason=redact(reason), period=period, evidence=plain(evidence, redact_string))


HOME_NOT_READ = "首页未能抓取"


def read_home(view: AuditView, site: SiteInfo) -> dict[str, Any] | None:
    """The home page when it was fetched and answered (a rule judging the home page needs it)."""
    home = view.home_page(site)
    return home if home is not None and home.get("outcome") in (None, "ok") else None


def unless_unseen(res: Result, coverage: Coverage) -> Result:
    """A fail that unseen items could overturn, made ``unknown`` when the columns were not read whole.

    Only fails are at stake: each rule that calls this fails on absence or on the earliest copy
    seen, and passes on something seen.  The unknown keeps what was seen (``seen``: the verdict
    the data read would give) and the coverage figures, so the report can show both.
    """
    if res.status != "fail" or coverage.complete:
        return res
    evidence = {**res.evidence, "seen": {"status": res.status, "reason": res.reason},
                "coverage": plain(coverage.evidence())}
    return replace(res, status="unknown", reason=coverage.reason(), evidence=evidence)
