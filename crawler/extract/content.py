"""Which element holds the document body.

Government CMSs mark their body with a handful of well-known containers (TRS ``TRS_Editor``,
the 国办 ``UCAP-CONTENT`` cell, the Jiangxi platform's ``<ucapcontent>`` tag, the ubiquitous
``#zoom``).  When none is present the block with the most paragraph text wins, paragraph text
that is mostly link text not counting (menus and link lists are not bodies).
"""

from __future__ import annotations

import copy
from collections import Counter

from lxml import etree

from .dom import iter_elements, tag_of, text_of

_MARKER_IDS = ("ucap-content", "zoom", "zoomcon", "fontzoom", "ivs_content", "artibody")
_MARKER_CLASSES = ("trs_editor", "trs_ueditor", "view trs_editor")
_MARKER_TAGS = frozenset({"ucapcontent"})
_TEXT_TAGS = frozenset({"p", "div", "td", "span", "section", "font", "li"})
MIN_MARKED_TEXT = 20
MIN_PARAGRAPH = 10
MAX_SCORED = 20_000  # text elements scored; a hostile page can hold millions


def marked_block(root: etree._Element) -> etree._Element | None:
    """The body container a CMS marks as such (TRS_Editor, UCAP-CONTENT, #zoom …), if any."""
    best: tuple[int, etree._Element] | None = None
    for el in iter_elements(root):
        rank = _marker_rank(el)
        if rank is not None and len(text_of(el)) >= MIN_MARKED_TEXT and (best is None or rank < best[0]):
            best = (rank, el)
    return best[1] if best else None


def _marker_rank(el: etree._Element) -> int | None:
    if tag_of(el) in _MARKER_TAGS:
        return 0
    ident = (el.get("id") or "").lower()
    if ident in _MARKER_IDS:
        return 1 + _MARKER_IDS.index(ident)
    classes = (el.get("class") or "").lower().split()
    if any(c in _MARKER_CLASSES for c in classes):
        return 20
    return None


def _own_text(el: etree._Element) -> int:
    """Length of the text written directly in ``el`` (not in child elements)."""
    parts = [el.text or ""] + [child.tail or "" for child in el]
    return len("".join(parts).strip())


def _link_text(el: etree._Element) -> int:
    return sum(len((a.text_content() or "").strip()) for a in el.iter("a"))


def _densest(root: etree._Element) -> etree._Element | None:
    scores: Counter[etree._Element] = Counter()
    for n, el in enumerate(iter_elements(root, _TEXT_TAGS)):
        if n >= MAX_SCORED:
            break
        length = _own_text(el) if tag_of(el) != "p" else len((el.text_content() or "").strip())
        if length < MIN_PARAGRAPH or _link_text(el) * 2 > length:
            continue
        parent = el.getparent() if tag_of(el) == "p" else el
        if parent is None:
            continue
        scores[parent] += length
        grand = parent.getparent()
        if grand is not None:
            scores[grand] += length // 2
    return scores.most_common(1)[0][0] if scores else None


def content_block(root: etree._Element) -> etree._Element | None:
    """The element holding the document body, or None for a page without one."""
    marked = marked_block(root)
    return marked if marked is not None else _densest(root)


def without_tables(el: etree._Element) -> etree._Element:
    """A copy of ``el`` without nested data tables (a 落款 is never a cell of one)."""
    clone = copy.deepcopy(el)
    for table in list(clone.iter("table")):
        if table is not clone and table.getparent() is not None and _is_data_table(table):
            table.drop_tree()
    return clone


def _is_data_table(table: etree._Element) -> bool:
    """A grid of values (several filled cells in a row), not a layout table wrapping the text."""
    for row in table.iter("tr"):
        filled = [cell for cell in row if tag_of(cell) in ("td", "th") and text_of(cell)]
        if len(filled) >= 2:
            return True
    return False
