"""Injected gambling/porn spam (黑链/挂马 SEO) in a page's title, body, footer or scripts.

Government pages name these topics to fight them (打击赌博违法犯罪, 扫黄打非), so a word alone is
never spam: spam is a dense run of spam terms away from such context words, a spam phrase
pattern, or spam anchor text linking off government domains.  Hacked sites often cloak: the
spam is served only to search-engine crawlers, or written by ``document.write(unescape(…))``;
the crawler re-fetches each home page as Baiduspider, and scripts are decoded here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from re import _parser  # the standard library's own regex parser (Python ≥ 3.11): see _gate
from typing import Any
from urllib.parse import unquote

from gongkai.checks.base import MAX_SAMPLES, result, snippet
from gongkai.checks.links import GovernmentParams, is_government
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.store import MAX_PAGE_TEXT
from gongkai.text import SHORT_TEXT, simplify
from gongkai.vocab import load_config

MAX_SCRIPT_STRINGS = 50
MAX_HITS = 5000
MAX_SCRIPT_CHARS = 20_000
_SCRIPT_STRING = re.compile(r"(?:unescape|document\.write(?:ln)?)\s*\(\s*(['\"])(.{1,"
                            + str(MAX_SCRIPT_CHARS) + r"}?)\1", re.S | re.I)
_U_ESCAPE = re.compile(r"%u([0-9a-fA-F]{4})")
_TAG = re.compile(r"<[^>]{0,500}>")


@dataclass
class Vocabulary:
    terms: list[str]
    term_rx: re.Pattern[str]
    patterns: list[re.Pattern[str]]
    gates: list[re.Pattern[str] | None]   # per pattern: a literal every match of it holds
    context: list[str]
    min_terms: int
    dense_terms: int
    span: int
    window: int


def _gate(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The longest run of plain characters the pattern requires outside any group (无码 of
    ``(高清|免费)?无码.{0,6}(…)``), compiled with the pattern's flags; None when there is none.

    A pattern that begins with an optional group or a look-behind gets no help from the regex
    engine's literal-prefix search and is tried at every character of every text; searching for
    the literal first is a scan of its own, and a text without it cannot match the pattern.
    """
    best: list[int] = []
    run: list[int] = []
    for op, arg in _parser.parse(pattern.pattern, pattern.flags):
        if op is _parser.LITERAL:
            run.append(arg)
            best = max(best, run, key=len)
        else:
            run = []
    return re.compile(re.escape("".join(map(chr, best))), pattern.flags) if best else None


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    raw = load_config("spam.yaml")
    terms = sorted({t.lower() for t in raw["terms"]}, key=len, reverse=True)
    return Vocabulary(terms=terms, term_rx=re.compile("|".join(map(re.escape, terms))),
                      patterns=[re.compile(p, re.I) for p in raw["patterns"]],
                      gates=[_gate(re.compile(p, re.I)) for p in raw["patterns"]],
                      context=list(raw["context"]), min_terms=int(raw["min_terms"]),
                      dense_terms=int(raw["dense_terms"]), span=int(raw["span"]),
                      window=int(raw["context_window"]))


@dataclass
class Verdict:
    spam: bool = False
    why: list[str] = field(default_factory=list)
    snippets: list[dict[str, str]] = field(default_factory=list)


def _near_context(text: str, start: int, end: int, voc: Vocabulary) -> bool:
    around = text[max(0, start - voc.window):end + voc.window]
    return any(w in around for w in voc.context)


def _term_hits(text: str, voc: Vocabulary) -> list[tuple[int, int, str]]:
    hits = []
    for m in voc.term_rx.finditer(text):
        hits.append((m.start(), m.end(), m.group(0)))
        if len(hits) >= MAX_HITS:
            break
    return hits


def _dense_run(hits: list[tuple[int, int, str]], span: int, need: int) -> tuple[int, int] | None:
    """The first stretch of ``span`` characters holding ``need`` distinct terms (sliding window)."""
    counts: Counter[str] = Counter()
    left = 0
    for right, (start, _, term) in enumerate(hits):
        counts[term] += 1
        while start - hits[left][0] > span:
            counts[hits[left][2]] -= 1
            if not counts[hits[left][2]]:
                del counts[hits[left][2]]
            left += 1
        if len(counts) >= need:
            return hits[left][0], max(h[1] for h in hits[left:right + 1])
    return None


def judge_text(text: str | None) -> tuple[str, str] | None:
    """(why, snippet) when a text carries spam, None when it does not."""
    if not text:
        return None
    if len(text) <= SHORT_TEXT:   # a site's footer and meta repeat on every page: judged once
        return _judge_short(text)
    return _judge(text)


@lru_cache(maxsize=1024)
def _judge_short(text: str) -> tuple[str, str] | None:
    return _judge(text)


def _judge(text: str) -> tuple[str, str] | None:
    voc = vocabulary()
    s = simplify(text).lower()
    hits = _term_hits(s, voc)
    if hits:
        dense = _dense_run(hits, voc.span, voc.dense_terms)
        if dense:
            return "垃圾词密集出现", snippet(s, dense[0], dense[1])
        free = [h for h in hits if not _near_context(s, h[0], h[1], voc)]
        run = _dense_run(free, voc.span, voc.min_terms)
        if run:
            return "多个垃圾词集中出现且无打击整治语境", snippet(s, run[0], run[1])
    for pattern, gate in zip(voc.patterns, voc.gates, strict=True):
        if gate is not None and not gate.search(s):
            continue
        for m in pattern.finditer(s):
            if not _near_context(s, m.start(), m.end(), voc):
                return f"垃圾信息短语“{m.group(0)}”", snippet(s, m.start() - 40, m.end() + 40)
    return None


def script_text(snapshot: str | None) -> str:
    """Text that scripts write into the page: unescape(…) and document.write(…) strings, decoded."""
    if not snapshot:
        return ""
    parts = []
    for i, m in enumerate(_SCRIPT_STRING.finditer(snapshot[:2_000_000])):
        if i >= MAX_SCRIPT_STRINGS:
            break
        decoded = _U_ESCAPE.sub(lambda u: chr(int(u.group(1), 16)), m.group(2))
        parts.append(_TAG.sub(" ", unquote(decoded)))
    return "\n".join(parts)


def judge_page(page: dict[str, Any], anchors: list[dict[str, Any]], site: SiteInfo,
               gov: list[str]) -> Verdict:
    """Spam verdict for a stored page: title, meta, body, footer, scripts, spam anchors off-site."""
    verdict = Verdict()
    meta = " ".join(str(v) for v in (page.get("meta") or {}).values())
    parts = {"title": page.get("title"), "meta": meta, "body": page.get("text"),
             "footer": (page.get("identity") or {}).get("footer_text"), "script": script_text(page.get("snapshot"))}
    for where, text in parts.items():
        found = judge_text(text)
        if found:
            verdict.spam = True
            verdict.why.append(f"{where}: {found[0]}")
            verdict.snippets.append({"where": where, "text": found[1]})
    voc = vocabulary()
    for link in anchors:
        anchor = simplify(link.get("text")).lower()
        if voc.term_rx.search(anchor) and not is_government(link["target"], site, gov):
            verdict.spam = True
            verdict.why.append(f"链接文字“{snippet(link.get('text'))}”指向{link['target']}")
            verdict.snippets.append({"where": "link", "text": f"{snippet(link.get('text'))} → {link['target']}"})
    verdict.snippets = verdict.snippets[:MAX_SAMPLES]
    return verdict


@register("spam_injection", GovernmentParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: GovernmentParams) -> Iterator[Result]:
    gov = [s.lower() for s in params.government_suffixes]
    anchors: dict[str, list[dict[str, Any]]] = {}
    for link in view.links(site.site):
        anchors.setdefault(link["page_url"], []).append(link)
    spider = {p["url"]: p for p in view.iter_pages(site.site, variant="baiduspider")}
    for page in view.iter_pages(site.site):   # with its text and HTML, one batch at a time
        if page.get("kind") == "not_found_probe" or page.get("outcome") not in (None, "ok"):
            continue
        url = page["url"]
        verdict = judge_page(page, anchors.get(url, []), site, gov)
        if verdict.spam:
            yield result(site, rule, url, "fail", "；".join(verdict.why), snippets=verdict.snippets)
            continue
        twin = spider.get(url)
        seen_as_spider = twin is not None and twin.get("outcome") in (None, "ok")
        if seen_as_spider:
            cloaked = judge_page(twin, [], site, gov)
            if cloaked.spam:
                yield result(site, rule, url, "fail", "向搜索引擎爬虫（Baiduspider）展示垃圾信息，普通访问不可见",
                             cloaking=True, snippets=cloaked.snippets, spider_why=cloaked.why)
                continue
        yield _nothing_found(site, rule, page, twin, seen_as_spider)


def _nothing_found(site: SiteInfo, rule: Rule, page: dict[str, Any], twin: dict[str, Any] | None,
                   seen_as_spider: bool) -> Result:
    """No spam seen: ``pass`` only on the whole text — spam injected past the stored part of a
    page cut at ``MAX_PAGE_TEXT`` cannot be ruled out — and the evidence says whether the copy
    shown to Baiduspider was read (``spider_checked``) or could not be (its outcome)."""
    about: dict[str, Any] = {"spider_checked": seen_as_spider}
    if twin is not None and not seen_as_spider:
        about["spider_outcome"] = twin.get("outcome")
    cut = [copy for copy in (page, twin if seen_as_spider else None)
           if copy is not None and len(copy.get("text") or "") >= MAX_PAGE_TEXT]
    if cut:
        read = len(cut[0].get("text") or "")
        return result(site, rule, page["url"], "unknown", f"仅读取前{read}字，其中未发现垃圾信息，其余未读取",
                      truncated=True, **about)
    return result(site, rule, page["url"], "pass", "未发现垃圾信息", **about)
