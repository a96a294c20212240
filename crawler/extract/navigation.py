"""Find a portal's columns (通知公告, 政策文件, 政策解读 …) among its navigation links.

Real portals name the same column many ways, so link texts are matched against the vocabulary
of ``config/columns.yaml`` after OpenCC simplification, an exact or edge match of the longest word
deciding the type.  Texts as long as an article title, and links that point at articles, are not columns.
Each type keeps one URL: the best-matching text, preferring links inside nav/menu blocks; a type
marked ``multiple`` (咨询建言 channels: each is judged) keeps one per URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from gongkai.crawler.markup import is_article_url, is_attachment  # files and documents are never columns
from gongkai.text import simplify
from gongkai.vocab import column_excludes, column_multiple, column_types

from .dom import iter_elements, parse, tag_of
from .page import absolute_url, anchor_text, base_url

MAX_COLUMN_TEXT = 12
MAX_SEVERAL = 5     # columns kept of a type marked `multiple` (咨询建言 channels: 领导信箱, 网上咨询 …)
MIN_INNER_WORD = 4  # shorter vocabulary words only count at the start or end of a text
_NAV_MARK = re.compile(r"nav|menu|lanmu|column|channel|daohang|dh|sub|left|side|tab|xxgk|gkml", re.I)

@dataclass(order=True)
class _Candidate:
    score: tuple[int, ...]
    column_type: str
    text: str
    url: str


def _in_nav(el: etree._Element) -> bool:
    node = el.getparent()
    depth = 0
    while node is not None and depth < 8:
        if tag_of(node) == "nav":
            return True
        marks = f"{node.get('id') or ''} {node.get('class') or ''}"[:300]
        if _NAV_MARK.search(marks):
            return True
        node, depth = node.getparent(), depth + 1
    return False


def _match(word: str, plain: str) -> tuple[int, int, int] | None:
    """(exact, at an end, length) when ``word`` names the column in ``plain``, else None.

    A short word in the middle of a text says nothing: 人事 inside 市退役军人事务局, 规划 inside
    战略规划和区域发展.  It must stand at the start or end unless it is four characters or more.
    """
    if word not in plain:
        return None
    affix = plain.startswith(word) or plain.endswith(word)
    if not affix and len(word) < MIN_INNER_WORD:
        return None
    return (int(word == plain), int(affix), len(word))


def classify(text: str, vocabulary: dict[str, list[str]] | None = None) -> tuple[str, tuple[int, int, int]] | None:
    """(column type, match strength) for a navigation text, or None when no word names a column."""
    plain = re.sub(r"[\s\W_]+", "", simplify(text))
    if not plain or len(plain) > MAX_COLUMN_TEXT:
        return None
    best: tuple[str, tuple[int, int, int]] | None = None
    excludes = column_excludes()
    for column_type, words in (vocabulary or column_types()).items():
        if any(word in plain for word in excludes.get(column_type, ())):
            continue  # 网上信访, 纪委书记信箱: not a 咨询建言 channel whatever else the text says
        for word in words:
            strength = _match(word, plain)
            if strength and (best is None or strength > best[1]):
                best = (column_type, strength)
    return best


def discover_columns(html: str, url: str) -> list[tuple[str, str, str]]:
    """(column_type, anchor_text, absolute_url) for each column type the page links to."""
    root = parse(html)
    base = base_url(root, url)
    vocabulary = column_types()
    several = column_multiple()
    best: dict[tuple[str, str], _Candidate] = {}
    for position, a in enumerate(iter_elements(root, frozenset({"a"}))):
        target = absolute_url(a.get("href"), base)
        text = anchor_text(a)
        if not target or is_article_url(target) or is_attachment(target):
            continue
        found = classify(text, vocabulary)
        if not found:
            continue
        column_type, strength = found
        score = (*strength, int(_in_nav(a)), -position)
        candidate = _Candidate(score, column_type, text, target)
        key = (column_type, target if column_type in several else "")
        if key not in best or candidate > best[key]:
            best[key] = candidate
    order = list(vocabulary)
    ranked = sorted(best.values(), key=lambda c: (order.index(c.column_type), tuple(-n for n in c.score)))
    kept: dict[str, int] = {}
    out = []
    for c in ranked:  # a type marked `multiple` keeps its best MAX_SEVERAL links, the others one
        kept[c.column_type] = kept.get(c.column_type, 0) + 1
        if kept[c.column_type] <= MAX_SEVERAL:
            out.append((c.column_type, c.text, c.url))
    return out
