"""The lines the label reader reads: the page with the layouts flattening would garble spelled out.

:func:`fields.read_fields` reads lines, and a line loses three facts of the markup, so a copy of
the tree is rewritten first (the page's own tree stays as it is, for the body and the links):

- a label/value table becomes its ``label：value`` lines (:mod:`grid`), in either orientation;
- an empty value slot — an empty ``<span>``/``<dd>``/cell right after a label — is marked
  :data:`fields.EMPTY`, so the label does not take the next line (a title, an organisation) as
  its value;
- a block hidden by CSS ends with an EMPTY line: a label at its end never takes its value from
  the visible page that follows (a CMS hides the metadata block it left unfilled).
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from .dom import iter_elements, tag_of, text_lines
from .fields import EMPTY, label_of
from .fold import fold
from .grid import table_lines
from .hidden import StyleRules, own_reason, style_rules

# Elements that hold a value next to its label; an empty one is an empty slot.
_SLOTS = frozenset({"span", "em", "i", "b", "strong", "font", "label", "u", "ins", "var", "dd", "td", "th"})
_ENDS_WITH_COLON = re.compile(r"[:：]\s*$")
_BLOCKS = frozenset({"div", "section", "article", "aside", "ul", "ol", "dl", "li", "p", "table", "tbody", "form",
                     "fieldset"})
MAX_SLOT_LABEL = 30  # text before an empty slot longer than this is a sentence, not a label
MAX_LABEL_CHILDREN = 3  # an element with more children before a slot is a block, not its label


def field_lines(root: etree._Element) -> list[str]:
    """The lines of ``root`` as :func:`dom.text_lines` reads them, metadata layouts made explicit."""
    tree = copy.deepcopy(root)
    _spell_out_tables(tree)
    _mark_empty_slots(tree)
    _close_hidden_blocks(tree)
    return text_lines(tree)


def _spell_out_tables(tree: etree._Element) -> None:
    """Replace every label/value table by a ``<div>`` of its lines (attributes kept for CSS)."""
    for table in list(iter_elements(tree, frozenset({"table"}))):
        lines = table_lines(table)
        parent = table.getparent()
        if lines is None or parent is None:
            continue
        div = etree.Element("div", {k: v for k, v in table.attrib.items() if k in ("style", "class", "id", "hidden")})
        for line in lines:
            etree.SubElement(div, "p").text = line
        div.tail = table.tail
        parent.replace(table, div)


def _text_before(el: etree._Element) -> str:
    """The text printed right before ``el`` within its parent (a label, if ``el`` is its slot)."""
    prev = el.getprevious()
    while prev is not None and not tag_of(prev):   # comments
        if (prev.tail or "").strip():
            return prev.tail or ""
        prev = prev.getprevious()
    if prev is None:
        parent = el.getparent()
        return (parent.text or "") if parent is not None else ""
    if (prev.tail or "").strip():
        return prev.tail or ""
    return " ".join(text_lines(prev)) if len(prev) <= MAX_LABEL_CHILDREN else ""


def _is_slot_label(text: str) -> bool:
    """"文号：", "文号", or a line of pairs ending in one ("来源：某局 文号：") before the slot."""
    text = text.strip()
    if not text or len(text) > MAX_SLOT_LABEL:
        return False
    if label_of(text) is not None:
        return True
    return bool(_ENDS_WITH_COLON.search(text)) and label_of(fold(text).rsplit(" ", 1)[-1]) is not None


def _mark_empty_slots(tree: etree._Element) -> None:
    """Fill each empty value holder that follows a label with EMPTY (the page shows no value)."""
    for el in list(iter_elements(tree, _SLOTS)):
        if len(el) == 0 and not (el.text or "").strip() and _is_slot_label(_text_before(el)):
            el.text = EMPTY


def _close_hidden_blocks(tree: etree._Element) -> None:
    """End each hidden block with an EMPTY line (inline hidden spans are left alone: ending
    them would cut the line they stand in)."""
    rules = style_rules(tree)
    for el in list(iter_elements(tree, _BLOCKS)):
        if _may_be_hidden(el, rules) and own_reason(el, rules)[0]:
            etree.SubElement(el, "p").text = EMPTY


def _may_be_hidden(el: etree._Element, rules: StyleRules) -> bool:
    """Cheap pre-check: only an element with a style, a hidden attribute, or a class/id/tag that
    some ``<style>`` rule names can be hidden."""
    if el.get("style") or el.get("hidden") is not None or tag_of(el) in rules.by_tag:
        return True
    return bool(el.get("id") in rules.by_id or set((el.get("class") or "").split()) & rules.by_class.keys())
