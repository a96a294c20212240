"""Chinese text normalisation and date parsing shared by every stage.

Crawled pages mix traditional and simplified characters, full-width digits and half a dozen date
notations.  Everything that compares text goes through :func:`simplify`; everything that reads a
date goes through :func:`parse_date`, which never guesses a year from "now": a date without a year
needs a ``year_hint`` (from the URL or the surrounding page) or it is not a date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

import opencc

MAX_TEXT = 200_000  # bound on any text we normalise: crawled content is hostile
SHORT_TEXT = 256    # titles, names, labels: simplified again and again by several checks, so remembered

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


# Full-width ASCII forms and the ideographic space: in nearly every Chinese text (，：（）), and each
# one alone makes a text fail NFKC's quick check, so Python normalises it character by character.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, several times faster on Chinese text.

    Each full-width form present is first replaced by its own NFKC form (one ``str.replace`` per
    distinct character): a character's NFKC form has the same compatibility decomposition as the
    character, so the whole text's NFKC is unchanged, and what is left usually passes the quick
    check, which returns the text without normalising it.
    """
    for ch in set(_FULL_WIDTH.findall(text)):
        text = text.replace(ch, _nfkc_char(ch))
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=256)
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def simplify(text: str | None) -> str:
    """Traditional → simplified (OpenCC) and NFKC width folding, so 發布時間 reads as 发布时间.

    Checks of *form* (the brackets of a 发文字号) must look at the original string instead.
    """
    if not text:
        return ""
    if len(text) <= SHORT_TEXT:
        return _simplify_short(text)
    return _simplify(text[:MAX_TEXT])


@lru_cache(maxsize=4096)
def _simplify_short(text: str) -> str:
    return _simplify(text)


def _simplify(text: str) -> str:
    return _converter().convert(nfkc(text).replace("\u3000", " "))


def squash(text: str | None) -> str:
    """Collapse all whitespace (including full-width and nbsp) to single spaces."""
    if not text:
        return ""
    return re.sub(r"[\s\u3000\xa0]+", " ", text[:MAX_TEXT]).strip()


def compact(text: str | None) -> str:
    """Simplified text with whitespace and punctuation removed, for fuzzy title comparison."""
    s = simplify(text)
    return re.sub(r"[\s\W_]+", "", s)


def _valid(y: int, m: int, d: int) -> date | None:
    if not (1949 <= y <= 2100):
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def cn_number(s: str) -> int | None:
    """二〇二四 → 2024, 十二 → 12, 三十一 → 31; plain digits pass through."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(ch in _CN_DIGITS for ch in s):  # digit by digit: 二〇二四
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _CN_DIGITS.get(head) if head else 1
        ones = _CN_DIGITS.get(tail) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    return None


_SEP = r"\s*[-/.年]\s*"
_SEP_MONTH = r"\s*[-/.月]\s*"  # after the month: 2024年05月10日 as well as 2024-05-10
_FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})" + _SEP + r"(\d{1,2})" + _SEP_MONTH + r"(\d{1,2})(?!\d)\s*日?")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_CN_FULL = re.compile(r"([〇○零O一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_SHORT = re.compile(r"(?<![\d-])(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?![\d-])\s*日?")


def iter_dates(text: str | None, *, year_hint: int | None = None) -> Iterator[date]:
    """Every date written in ``text``, in order of appearance.

    Recognises 2024-05-10, 2024/5/10, 2024.05.10, 2024年05月10日, 二〇二四年五月十日 and (only with a
    ``year_hint``) short forms such as 05-10 or 5月10日.
    """
    if not text:
        return
    s = nfkc(text[:MAX_TEXT])
    found: list[tuple[int, date]] = []
    spans: list[tuple[int, int]] = []
    for rx in (_FULL, _CN_FULL):
        for m in rx.finditer(s):
            parts = [cn_number(g) for g in m.groups()]
            if None in parts:
                continue
            d = _valid(*parts)  # type: ignore[arg-type]
            if d:
                found.append((m.start(), d))
                spans.append(m.span())
    if year_hint:
        for m in _SHORT.finditer(s):
            if any(a <= m.start() < b for a, b in spans):
                continue
            d = _valid(year_hint, int(m.group(1)), int(m.group(2)))
            if d:
                found.append((m.start(), d))
    for _, d in sorted(found, key=lambda t: t[0]):
        yield d


def parse_date(text: str | None, *, year_hint: int | None = None) -> date | None:
    """The first date in ``text`` (see :func:`iter_dates`), or None."""
    return next(iter_dates(text, year_hint=year_hint), None)


_URL_DATE_PATTERNS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),                    # TRS t20240510_123.html
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),            # Hanweb /art/2024/5/10/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),                    # /2024-05/10/
    re.compile(r"[/_]((?:19|20)\d{2})(\d{2})(\d{2})[/_.]"),               # /20240510/ or _20240510.
)
_URL_MONTH = (
    re.compile(r"/((?:19|20)\d{2})(\d{2})/"),                             # TRS folder /202405/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/"),                            # /2024-05/
)


def date_from_url(url: str | None) -> date | None:
    """The publication day a CMS encodes in an article URL (t20240510, /art/2024/5/10/ …)."""
    if not url:
        return None
    for rx in _URL_DATE_PATTERNS:
        m = rx.search(url)
        if m:
            d = _valid(*(int(g) for g in m.groups()))
            if d:
                return d
    return None


def year_from_url(url: str | None) -> int | None:
    """The year a URL encodes (full date, or a /202405/ month folder)."""
    d = date_from_url(url)
    if d:
        return d.year
    for rx in _URL_MONTH:
        m = rx.search(url or "")
        if m and 1 <= int(m.group(2)) <= 12:
            return int(m.group(1))
    return None


# Characters that change or hide what a reader sees without being visible themselves: controls
# (except tab and newline), format characters (bidi overrides and isolates, zero-width spaces and
# joiners, soft hyphen, BOM, tag characters), line/paragraph separators, lone surrogates (which
# cannot even be encoded as UTF-8) and the two noncharacters XML forbids.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_KEPT = "\t\n"
_NONCHARACTERS = "\ufffe\uffff"
_SCANNED_PLANES = (0, 1, 14)


@lru_cache(maxsize=1)
def _invisible() -> re.Pattern[str]:
    """One character class of every invisible code point, built from this Python's Unicode data.

    Built by category rather than from a hand-kept list so a newer Unicode's new format characters
    are covered too.  Only the planes that hold such categories are scanned (once per process,
    ≈ 0.04 s instead of 0.2 s for all 17): the BMP and plane 1 (controls, format characters,
    separators, surrogates) and plane 14 (language tags, variation selectors' plane); planes 2–3
    are ideographs, 4–13 unassigned, 15–16 private use.
    """
    chars = [chr(cp) for plane in _SCANNED_PLANES for cp in range(plane << 16, (plane + 1) << 16)
             if unicodedata.category(chr(cp)) in _INVISIBLE_CATEGORIES and chr(cp) not in _KEPT]
    chars.extend(_NONCHARACTERS)
    return re.compile("[" + "".join(re.escape(ch) for ch in chars) + "]")


def visible_controls(text: str) -> str:
    """Crawled text with every invisible or control character shown as ``⟨U+202E⟩``.

    A U+202E in a title reverses what a supervisor reads, a zero-width space hides a word from
    matching, a NUL breaks Excel: every output (HTML, workbook, JSON) shows such characters as
    visible escapes, so what was crawled is what is seen.  Idempotent; tab and newline are kept.
    """
    if not text or text.isprintable():   # fast path: every character shown is in no hidden category
        return text
    if ("\n" in text or "\t" in text) and text.replace("\n", " ").replace("\t", " ").isprintable():
        return text   # the same, for the kept tab and newline (evidence, multi-line cells)
    return _invisible().sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)
