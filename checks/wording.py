"""Wrong wording from a dictionary anyone can read: 严重表述错误 and 错别字.

Both rules run one kind over a different dictionary of ``config/`` (``severe_errors.yaml``,
``typos.yaml``): each entry is a correct form with its source and the wrong variants seen in the
wild.  Only listed variants are found, as exact strings — never a fuzzy guess — so every finding
can show the sentence, where it is (page or attachment + character offset) and the entry that
fired.  Two guards keep correct text silent:

- a variant inside a correct form of the dictionary, or inside an entry's ``allow`` phrase, is
  the correct name quoted in a longer one (习近平新时代中国特色社会主义 + 思想…), not an error;
- a variant that begins a correct or allowed form and is followed (after any further letters of
  that form) by an ellipsis is that form in a title the page shortened (…社会主义…, …社会主义思…);
- with ``word_boundary``, a variant that a word of its sentence straddles (jieba segmentation)
  is two words side by side (发布|署名 holds 布署), not the wrong word.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gongkai.checks.base import MAX_SAMPLES, result
from gongkai.checks.params import KindParams
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule, Source
from gongkai.checks.texts import TextSource, nothing_found, sentence_at, site_texts
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.vocab import load_config

_SPACES = re.compile(r"[\s\u3000\xa0\u200b]+")
_ELLIPSIS = re.compile(r"…|⋯|\.{2,}|。{3}|．{2,}")   # a title shortened by the page
SENTENCE_WINDOW = 60  # characters either side of a hit given to the segmenter


class Entry(BaseModel):
    """A correct form, where it comes from, and its wrong variants."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    correct: str = Field(min_length=1)
    wrong: list[str] = Field(min_length=1)
    source: Source
    allow: list[str] = Field(default_factory=list)   # longer correct phrases that hold a variant
    word_boundary: bool = False
    note: str | None = None

    @field_validator("wrong")
    @classmethod
    def _no_whitespace(cls, value: list[str]) -> list[str]:
        if any(not w.strip() or _SPACES.search(w) for w in value):
            raise ValueError("a wrong variant must be non-empty and hold no whitespace")
        return value


class Dictionary(BaseModel):
    """A versioned wording dictionary of ``config/``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    version: str
    entries: list[Entry] = Field(min_length=1)


@dataclass(frozen=True)
class Hit:
    """A wrong variant found in a text."""

    start: int          # character offset in the text as stored
    end: int
    variant: str
    entry: Entry
    snippet: str

    def evidence(self, source: TextSource) -> dict[str, Any]:
        return {**source.position(self.start), "snippet": self.snippet, "wrong": self.variant,
                "correct": self.entry.correct, "source": self.entry.source.label(),
                **({"note": self.entry.note} if self.entry.note else {})}


@lru_cache(maxsize=8)
def load_dictionary(name: str) -> Dictionary:
    """A dictionary file of ``config/``, each entry completed with the file's ``defaults``."""
    raw = load_config(name)
    defaults = raw.get("defaults") or {}
    entries = [{**defaults, **entry} for entry in raw["entries"]]
    dictionary = Dictionary(name=name, version=str(raw["version"]), entries=entries)
    correct = {e.correct for e in dictionary.entries}
    clash = sorted({w for e in dictionary.entries for w in e.wrong} & correct)
    if clash:
        raise ValueError(f"{name}: variants that are also correct forms: {clash}")
    return dictionary


@dataclass(frozen=True)
class Matcher:
    """The compiled form of a dictionary: one pattern of variants, one of correct phrases."""

    variants: re.Pattern[str]
    correct: re.Pattern[str]
    by_variant: dict[str, Entry]
    longer: dict[str, tuple[str, ...]]   # variant → correct/allow phrases it begins (a cut-off title)


def _alternation(words: set[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=8)
def matcher(name: str) -> Matcher:
    dictionary = load_dictionary(name)
    by_variant = {w: e for e in dictionary.entries for w in e.wrong}
    correct = {e.correct for e in dictionary.entries} | {a for e in dictionary.entries for a in e.allow}
    longer = {w: tuple(c for c in correct if len(c) > len(w) and c.startswith(w)) for w in by_variant}
    return Matcher(_alternation(set(by_variant)), _alternation(correct), by_variant,
                   {w: forms for w, forms in longer.items() if forms})


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """A jieba tokenizer of our own (the global one is shared with whoever imports jieba)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for name in ("severe_errors.yaml", "typos.yaml"):
        for entry in load_dictionary(name).entries:
            tokenizer.add_word(entry.correct)
    return tokenizer


class _Offsets:
    """Maps an offset in the compact text (whitespace removed) back to the text as stored.

    Built from the whitespace runs only (few per text), and only for a text with a hit: most
    texts have none, and a per-character map of every text was most of this rule's time.
    """

    def __init__(self, text: str) -> None:
        self._at: list[int] = []      # compact offset of the first kept character after each run
        self._shift: list[int] = []   # whitespace characters removed up to and including that run
        removed = 0
        for run in _SPACES.finditer(text):
            removed += run.end() - run.start()
            self._at.append(run.end() - removed)
            self._shift.append(removed)

    def original(self, index: int) -> int:
        """The stored offset of the kept character at compact ``index``."""
        i = bisect.bisect_right(self._at, index) - 1
        return index + (self._shift[i] if i >= 0 else 0)


def _compact(text: str) -> str:
    """The text without whitespace (a variant broken by a line end or a full-width space is found)."""
    return _SPACES.sub("", text)


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether a correct phrase contains [start, end): spans come from one finditer, so they do not
    overlap and only the last one starting at or before ``start`` can."""
    idx = bisect.bisect_right(spans, (start, float("inf"))) - 1
    return idx >= 0 and spans[idx][1] >= end


def _straddled(compact: str, start: int, end: int) -> bool:
    """Whether a dictionary word of the surrounding text crosses the hit's edges (jieba, without its
    HMM guesses of new words: a typo is exactly such an unknown "word")."""
    left = max(0, start - SENTENCE_WINDOW)
    window = compact[left:end + SENTENCE_WINDOW]
    a, b = start - left, end - left
    return any(s < a < e or s < b < e for _, s, e in _segmenter().tokenize(window, HMM=False))


def _truncated(compact: str, start: int, end: int, forms: tuple[str, ...]) -> bool:
    """Whether the variant at [start, end) is a correct longer form cut off by an ellipsis
    (“学习习近平新时代中国特色社会主义…”, “…社会主义思…”): a shortened title, not an error."""
    for form in forms:
        at, tail = end, form[end - start:]
        while at < len(compact) and tail and compact[at] == tail[0]:
            at, tail = at + 1, tail[1:]
        if _ELLIPSIS.match(compact, at):
            return True
    return False


def find(text: str, name: str) -> list[Hit]:
    """Wrong variants of dictionary ``name`` in ``text`` (exact, guarded), in order."""
    if not text:
        return []
    m = matcher(name)
    compact = _compact(text)
    hits = []
    masks: list[tuple[int, int]] | None = None
    where: _Offsets | None = None
    for found in m.variants.finditer(compact):
        if masks is None:
            masks = [x.span() for x in m.correct.finditer(compact)]
        start, end = found.span()
        entry = m.by_variant[found.group(0)]
        forms = m.longer.get(found.group(0), ())
        if (_covered(masks, start, end) or (forms and _truncated(compact, start, end, forms))
                or (entry.word_boundary and _straddled(compact, start, end))):
            continue
        if where is None:
            where = _Offsets(text)
        o_start, o_end = where.original(start), where.original(end - 1) + 1
        hits.append(Hit(o_start, o_end, found.group(0), entry, sentence_at(text, o_start, o_end)))
    return hits


class WordingParams(KindParams):
    """Which dictionary of ``config/`` the rule reads."""

    dictionary: str = Field("typos.yaml", pattern=r"^[a-z_]+\.yaml$")

    @field_validator("dictionary")
    @classmethod
    def _loads(cls, value: str) -> str:
        load_dictionary(value)
        return value


def _reason(hits: list[Hit]) -> str:
    shown = "；".join(f"“{h.variant}”应为“{h.entry.correct}”" for h in hits[:3])
    more = f"等{len(hits)}处" if len(hits) > 3 else ""
    return shown + more


def _owners(found: list[tuple[TextSource, list[Hit]]]) -> dict[tuple[str, str], list[str]]:
    """Each distinct error (variant + sentence) → the URLs of the texts holding it, in crawl order:
    a typo in the site's template is one error, not one per page."""
    where: dict[tuple[str, str], list[str]] = {}
    for source, hits in found:
        for hit in hits:
            urls = where.setdefault((hit.variant, hit.snippet), [])
            if source.url not in urls:
                urls.append(source.url)
    return where


@register("wording", WordingParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: WordingParams) -> Iterator[Result]:
    """One result per text; an error repeated on several texts (a template's sentence) is
    reported once, on the first text holding it, with the others listed (``also_on``)."""
    dictionary = load_dictionary(params.dictionary)
    about = {"dictionary": dictionary.name, "version": dictionary.version}
    found: list[tuple[TextSource, list[Hit]]] = []
    for source in site_texts(view, site):
        if source.unreadable:
            yield result(site, rule, source.url, "unknown", f"附件未能读取：{source.unreadable}",
                         document_url=source.document_url, **about)
            continue
        hits = find(source.text, params.dictionary)
        if not hits:
            yield nothing_found(site, rule, source, f"未发现{dictionary.name}所列错误表述", **about)
        found.append((source, hits))
    where = _owners(found)
    for source, hits in found:
        own = [h for h in hits if where[(h.variant, h.snippet)][0] == source.url]
        if not own:
            continue   # every error here is reported on the text that showed it first
        shown = []
        for hit in own:
            others = where[(hit.variant, hit.snippet)][1:]
            shown.append({**hit.evidence(source), **({"also_on": others[:MAX_SAMPLES], "also_count": len(others)}
                                                     if others else {})})
        yield result(site, rule, source.url, "fail", _reason(own) + _elsewhere(own, where), count=len(own),
                     hits=shown[:MAX_SAMPLES], **about)


def _elsewhere(own: list[Hit], where: dict[tuple[str, str], list[str]]) -> str:
    pages = max(len(where[(h.variant, h.snippet)]) for h in own)
    return f"（同一处还见于其他{pages - 1}个页面或附件，计为一处）" if pages > 1 else ""
