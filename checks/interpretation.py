"""政策解读: is each policy document interpreted, in time, and linked to its interpretation?

Policy documents are those of the ``policy_docs``/``normative_docs`` columns; interpretations are
the documents of the ``interpretations`` column or whose title says 解读/一图读懂/图解/问答.  A
policy is matched to its interpretations by links first (相关解读 fields and page links, in
either direction), then by the 《title》 an interpretation names, tolerant of 关于印发…的通知
wrappers, punctuation and traditional forms.  Deadlines count official working days after the
policy's publication day (notices 000 二（五）, 002 （九）: 3个工作日).

Coverage: "no interpretation found" and "the interpretation came late" rest on what was *not*
seen (an interpretation, or an earlier one, may be listed on a page the crawl did not read), so
they are ``unknown`` unless the interpretations column and the policy's own columns (where
图解/问答 and 相关解读 often sit) were read whole.  A policy found interpreted, or interpreted in
time, passes on what was seen; 互无链接 is judged on the two pages read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import Field

from gongkai.checks.base import result, unless_unseen
from gongkai.checks.coverage import Coverage
from gongkai.checks.params import ColumnType
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.scope import ScopeParams, documents_to_judge, published
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import compact, date_from_url, simplify
from gongkai.vocab import load_config
from gongkai.workdays import add_workdays, workdays_between

INTERPRETATIONS = "interpretations"
_QUOTED = re.compile(r"《((?:[^《》]|《[^《》]*》)+)》")


class InterpretationParams(ScopeParams):
    """``working_days`` after the policy's publication day; ``policy_columns``: where policies are."""

    working_days: int = Field(3, ge=0)
    policy_columns: list[ColumnType] = ["policy_docs", "normative_docs"]


@dataclass(frozen=True)
class Interpretation:
    url: str
    title: str
    date: date | None
    urls: frozenset[str]


@dataclass(frozen=True)
class Match:
    interpretation: Interpretation
    how: str  # "link" | "title"


# -- vocabulary and title keys ----------------------------------------------------------------

def _vocab() -> dict[str, Any]:
    return load_config("interpretation.yaml")


def is_interpretation(doc: dict[str, Any]) -> bool:
    """An interpretation: in the interpretations column, or titled 解读/图解/问答 … (not a 公文)."""
    if INTERPRETATIONS in doc.get("column_types", []):
        return True
    title = re.sub(r"\s+", "", simplify(doc.get("title")))
    if not any(w in title for w in _vocab()["title_words"]):
        return False
    return not ("关于" in title and re.search(_vocab()["policy_title_ends"], title))


def title_keys(title: str | None) -> set[str]:
    """Comparable forms of a policy title: itself and the inner titles of its wrappers."""
    todo, seen = [re.sub(r"\s+", "", simplify(title))], set()
    while todo:
        text = todo.pop().strip("《》〈〉“”\"")
        if not text or text in seen:
            continue
        seen.add(text)
        for pattern in _vocab()["wrappers"]:
            m = re.search(pattern, text)
            if m:
                todo.append(m.group(1))
    minimum = int(_vocab()["min_key_chars"])
    return {k for k in (compact(t) for t in seen) if len(k) >= minimum}


def _strip_ends(text: str) -> str:
    words = sorted(_vocab()["strip_words"], key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for w in words:
            if text.startswith(w):
                text, changed = text[len(w):], True
            if text.endswith(w):
                text, changed = text[: -len(w)], True
    return text


def named_keys(title: str | None) -> set[str]:
    """The policy titles an interpretation names: its 《…》, else its title without 解读 words."""
    text = simplify(title)
    quoted = _QUOTED.findall(text)
    if quoted:
        return set().union(*(title_keys(q) for q in quoted))
    return title_keys(_strip_ends(compact(text)))


LONG_KEY = 8   # a named title this long names a policy whose compact title merely contains it


# -- matching -----------------------------------------------------------------------------------

def _doc_urls(doc: dict[str, Any]) -> frozenset[str]:
    return frozenset({doc["url"], *(a.get("url") for a in doc.get("also_in", []) if a.get("url"))})


class _SiteIndex:
    """Interpretations, links and list-item dates of one site, built once per site."""

    def __init__(self, view: AuditView, site: SiteInfo) -> None:
        self.as_of = view.as_of
        # judged as at as_of: an interpretation published after it did not exist yet
        self.interpretations = [
            Interpretation(d["url"], d.get("title") or "", published(d), _doc_urls(d))
            for d in view.documents(site.site) if is_interpretation(d) and self._by_as_of(published(d))]
        self.by_url = {u: i for i in self.interpretations for u in i.urls}
        self.keys = {i.url: named_keys(i.title) for i in self.interpretations}
        # for matching every policy against every interpretation by title (see _titled)
        self.named_by: dict[str, set[str]] = {}
        for url, keys in self.keys.items():
            for key in keys:
                self.named_by.setdefault(key, set()).add(url)
        self.by_start: dict[str, list[tuple[str, str]]] = {}   # first LONG_KEY characters -> (key, url)
        for url, keys in self.keys.items():
            for key in keys:
                if len(key) >= LONG_KEY:
                    self.by_start.setdefault(key[:LONG_KEY], []).append((key, url))
        self.own = {i.url: i for i in self.interpretations}
        self.related = {u: {r.get("url") for r in d.get("related", [])}
                        for d in view.documents(site.site) for u in _doc_urls(d)}
        self.out_links: dict[str, set[str]] = {}
        for link in view.links(site.site):
            self.out_links.setdefault(link["page_url"], set()).add(link["target"])
        self.item_dates = {it["url"]: it["date"] for it in view.list_items(site.site) if it["date"]}
        self.pointing_at: dict[str, list[Interpretation]] = {}   # a page -> the interpretations linking to it
        for i in self.interpretations:
            for target in self._targets(i.urls):
                self.pointing_at.setdefault(target, []).append(i)
        self._matches: dict[str, Match | None] = {}  # three rules ask about the same policies

    def _by_as_of(self, day: date | None) -> bool:
        return day is None or day <= self.as_of

    def _targets(self, urls: frozenset[str]) -> set[str]:
        """Everything the pages at ``urls`` link to: 相关 fields and page links."""
        return set().union(*(self.related.get(u, set()) | self.out_links.get(u, set()) for u in urls))

    def _linked(self, policy: dict[str, Any], purls: frozenset[str]) -> list[Interpretation]:
        found: dict[str, Interpretation] = {}
        for target in self._targets(purls):
            if target in self.by_url:
                found[self.by_url[target].url] = self.by_url[target]
        for url in purls:
            for interp in self.pointing_at.get(url, ()):
                found[interp.url] = interp
        words = _vocab()["title_words"]
        for rel in policy.get("related", []):
            url, text = rel.get("url"), simplify(rel.get("text"))
            if url and url not in self.by_url and url not in purls and any(w in text for w in words):
                day = self.item_dates.get(url) or date_from_url(url)
                if self._by_as_of(day):
                    found[url] = Interpretation(url, rel.get("text") or "", day, frozenset({url}))
        return list(found.values())

    def match(self, policy: dict[str, Any]) -> Match | None:
        """The earliest interpretation of a policy, by links first, then by named title."""
        if policy["url"] not in self._matches:
            self._matches[policy["url"]] = self._match(policy)
        return self._matches[policy["url"]]

    def _match(self, policy: dict[str, Any]) -> Match | None:
        purls = _doc_urls(policy)
        linked = self._linked(policy, purls)
        if linked:
            return Match(_earliest(linked), "link")
        titled = self._titled(policy, purls)
        return Match(_earliest(titled), "title") if titled else None

    def _titled(self, policy: dict[str, Any], purls: frozenset[str]) -> list[Interpretation]:
        """The interpretations naming the policy: a named title equal to one of the policy's title
        keys, or one of ``LONG_KEY`` characters or more inside its compact title.

        Both are looked up in indexes, never tried pair by pair: every policy meets every
        interpretation, and a portal of 3,500 of each made that 12 million tries per site (half of
        the whole check at 100k pages).  A long key inside the title starts at one of its
        characters with the key's first ``LONG_KEY`` characters, so each position of the title is
        one lookup."""
        pkeys, full = title_keys(policy.get("title")), compact(policy.get("title"))  # once per policy
        named = set().union(*(self.named_by.get(k, ()) for k in pkeys))
        for at in range(len(full) - LONG_KEY + 1):
            for key, url in self.by_start.get(full[at:at + LONG_KEY], ()):
                if full.startswith(key, at):
                    named.add(url)
        return [i for i in map(self.own.__getitem__, named) if i.urls.isdisjoint(purls)]


def _earliest(items: list[Interpretation]) -> Interpretation:
    return min(items, key=lambda i: (i.date is None, i.date or date.max, i.url))


def site_index(view: AuditView, site: SiteInfo) -> _SiteIndex:
    return view.memo(site.site, "interpretation", lambda: _SiteIndex(view, site))


# -- subjects -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Subject:
    doc: dict[str, Any]
    published: date
    match: Match | None
    deadline: date | None
    working_days: int
    coverage: Coverage   # of the columns where its interpretation could have been listed


def _policies(view: AuditView, site: SiteInfo, rule: Rule, params: InterpretationParams) -> list[Result | _Subject]:
    """Each policy published in the period: its subject, or the preamble's result (out of scope,
    undated) — worked out once per site for the three rules (a result names the first rule)."""
    def build() -> list[Result | _Subject]:
        index, n, out = site_index(view, site), params.working_days, []
        for item in documents_to_judge(view, site, rule, params, params.policy_columns,
                                       lambda doc, day: {"policy": doc.get("title")}, ignore=is_interpretation,
                                       undated="政策文件发布日期无法识别"):
            if isinstance(item, Result):
                out.append(item)
                continue
            doc, day = item.doc, item.day
            own = set(doc["column_types"]) & set(params.policy_columns)
            out.append(_Subject(doc, day, index.match(doc), add_workdays(day, n), n,
                                view.coverage(site.site, {INTERPRETATIONS, *own})))
        return out
    return view.memo(site.site, f"interpretation.policies/{params.model_dump_json()}", build)


def _subjects(view: AuditView, site: SiteInfo, rule: Rule, params: InterpretationParams) -> Iterator[_Subject | Result]:
    """Each policy published in the period: a ready result when out of scope, else a subject."""
    for item in _policies(view, site, rule, params):
        yield replace(item, rule=rule.id) if isinstance(item, Result) else item


def _evidence(s: _Subject) -> dict[str, Any]:
    ev: dict[str, Any] = {"policy": s.doc.get("title"), "policy_url": s.doc["url"], "policy_date": s.published,
                          "deadline": s.deadline, "working_days": s.working_days,
                          "column_types": s.doc.get("column_types", [])}
    if s.match:
        i = s.match.interpretation
        ev.update(interp=i.title, interp_url=i.url, interp_date=i.date, matched_by=s.match.how)
        if i.date:
            ev["workdays_taken"] = workdays_between(s.published, i.date)
    return ev


_NO_CALENDAR = "官方节假日安排未覆盖该年份，无法计算工作日"


Verdict = Callable[[_Subject, str, dict[str, Any]], Result]


def _each_policy(view: AuditView, site: SiteInfo, rule: Rule, params: InterpretationParams,
                 verdict: Verdict) -> Iterator[Result]:
    """The verdict of each policy in scope; the preamble's own results (out of scope, undated) as they are."""
    for s in _subjects(view, site, rule, params):
        yield s if isinstance(s, Result) else verdict(s, s.doc["url"], _evidence(s))


@register("interpretation_timeliness", InterpretationParams)
def run_late(view: AuditView, site: SiteInfo, rule: Rule, params: InterpretationParams) -> Iterator[Result]:
    def verdict(s: _Subject, url: str, ev: dict[str, Any]) -> Result:
        if s.match is None:
            return result(site, rule, url, "not_applicable", "未找到解读（见 interpretation.missing）", **ev)
        if s.match.interpretation.date is None:
            return result(site, rule, url, "unknown", "解读发布日期无法识别", **ev)
        if s.match.interpretation.date <= s.published:
            return result(site, rule, url, "pass", "解读与文件同步或提前发布", **ev)
        if s.deadline is None:
            return result(site, rule, url, "unknown", _NO_CALENDAR, **ev)
        if s.match.interpretation.date > s.deadline:   # an earlier interpretation may sit unseen
            return unless_unseen(result(site, rule, url, "fail", f"解读晚于{s.working_days}个工作日期限（{s.deadline}）",
                                        **ev), s.coverage)
        return result(site, rule, url, "pass", f"解读在{s.working_days}个工作日内发布", **ev)

    yield from _each_policy(view, site, rule, params, verdict)


@register("interpretation_presence", InterpretationParams)
def run_missing(view: AuditView, site: SiteInfo, rule: Rule, params: InterpretationParams) -> Iterator[Result]:
    def verdict(s: _Subject, url: str, ev: dict[str, Any]) -> Result:
        if s.match is not None:
            return result(site, rule, url, "pass", "已有解读", **ev)
        if s.deadline is None:
            return result(site, rule, url, "unknown", _NO_CALENDAR, **ev)
        if view.as_of <= s.deadline:
            return result(site, rule, url, "not_applicable", f"解读期限未到（截止{s.deadline}）", **ev)
        return unless_unseen(result(site, rule, url, "fail", f"期限{s.deadline}已过，未找到解读", **ev), s.coverage)

    yield from _each_policy(view, site, rule, params, verdict)


@register("interpretation_linking", InterpretationParams)
def run_unlinked(view: AuditView, site: SiteInfo, rule: Rule, params: InterpretationParams) -> Iterator[Result]:
    def verdict(s: _Subject, url: str, ev: dict[str, Any]) -> Result:
        if s.match is None:
            return result(site, rule, url, "not_applicable", "未找到解读", **ev)
        if s.match.how == "link":
            return result(site, rule, url, "pass", "文件与解读互有链接", **ev)
        return result(site, rule, url, "fail", "解读仅凭标题匹配，文件与解读页面互无链接", **ev)

    yield from _each_policy(view, site, rule, params, verdict)
