"""Parse hostile HTML into an lxml tree and read it back as visible text lines.

Every extractor goes through :func:`parse` so that a page which is empty, truncated, full of
lone surrogates or NUL bytes, or carries an XML encoding declaration still yields a tree
(possibly an empty one) instead of an exception.  :func:`text_lines` turns a subtree into the
lines a reader sees: block elements and table cells break lines, inline elements do not, and
script/style/comments never appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from gongkai.crawler.markup import parse_document

MAX_LINES = 20_000

_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link",
                        "iframe", "object", "embed", "select", "option", "textarea", "svg"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "br", "center", "dd", "div",
                    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                    "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre",
                    "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_SPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")


def parse(html: str | None) -> etree._Element:
    """An lxml HTML tree for any input (see :func:`gongkai.crawler.markup.parse_document`)."""
    return parse_document(html)


def is_ancestor(ancestor: etree._Element, el: etree._Element) -> bool:
    """Whether ``el`` lies inside ``ancestor`` (identity, not equality: lxml elements compare by node)."""
    return any(node is ancestor for node in el.iterancestors())


def tag_of(el: etree._Element) -> str:
    """Lower-case tag name; '' for comments and processing instructions."""
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def squash(text: str | None) -> str:
    """Whitespace (including full-width space, nbsp and zero-width) collapsed to one space."""
    return _SPACE.sub(" ", text or "").strip()


def is_invisible(el: etree._Element) -> bool:
    """Elements whose text a reader never sees (script, style, head …)."""
    return tag_of(el) in _INVISIBLE or el.get("type", "").lower() == "hidden"


def _walk(top: etree._Element, out: list[str]) -> None:
    """Depth-first text collection without recursion (nesting depth is attacker-controlled)."""
    stack: list[tuple[etree._Element, bool]] = [(top, False)]
    while stack:
        el, closing = stack.pop()
        tag = tag_of(el)
        if closing:
            if tag in _BLOCK:
                out.append("\n")
            if el.tail and el is not top:
                out.append(el.tail)
            continue
        if not tag or is_invisible(el):
            if el.tail and el is not top:
                out.append(el.tail)
            continue
        if tag in _BLOCK:
            out.append("\n")
        if el.text:
            out.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))


def text_lines(el: etree._Element | None, limit: int = MAX_LINES) -> list[str]:
    """The visible, non-empty lines of ``el`` as a reader would see them."""
    if el is None:
        return []
    out: list[str] = []
    _walk(el, out)
    lines = (squash(line) for line in "".join(out).split("\n"))
    return [line for line in lines if line][:limit]


def text_of(el: etree._Element | None) -> str:
    """Visible text of ``el`` on one line."""
    return " ".join(text_lines(el))


def iter_elements(root: etree._Element, tags: frozenset[str] | None = None) -> Iterator[etree._Element]:
    """Elements (no comments) below ``root`` and ``root`` itself, optionally only those with a tag
    in ``tags`` (lower case: libxml2's HTML parser lowers every tag name).  lxml filters in C, so
    the elements a caller does not want never become Python objects — most of a page's are not."""
    if tags is None:
        return root.iter(etree.Element)
    return root.iter(*tags) if tags else iter(())   # iter() of no tag would yield every node
