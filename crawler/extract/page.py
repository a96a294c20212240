"""Page-level facts every stage may want: title, meta tags, visible text and links.

Pure functions over decoded HTML.  All results are bounded: a hostile page cannot make them
large, and nothing in them is ever evaluated.
"""

from __future__ import annotations

from lxml import etree

from gongkai.crawler.markup import absolute_url, base_url
from gongkai.models import LinkRef

from .dom import is_invisible, iter_elements, parse, squash, tag_of, text_lines
from .hidden import own_reason, still_hidden, style_rules

MAX_TITLE = 500
MAX_META = 200
MAX_META_VALUE = 2000
MAX_VISIBLE = 200_000
MAX_LINKS = 20_000
MAX_ANCHOR = 300


def page_title(html: str | etree._Element) -> str:
    """Text of the first ``<title>``, whitespace squashed ('' when there is none)."""
    root = _root(html)
    for el in iter_elements(root, frozenset({"title"})):
        return squash(el.text_content())[:MAX_TITLE]
    return ""


def meta_tags(html: str | etree._Element) -> dict[str, str]:
    """``<meta name|http-equiv|property=… content=…>`` → dict; names as written, first one wins."""
    root = _root(html)
    out: dict[str, str] = {}
    for el in iter_elements(root, frozenset({"meta"})):
        name = el.get("name") or el.get("http-equiv") or el.get("property")
        if not name or el.get("content") is None:
            continue
        name = name.strip()[:100]
        if name and name not in out:
            out[name] = squash(el.get("content"))[:MAX_META_VALUE]
            if len(out) >= MAX_META:
                break
    return out


def meta_value(meta: dict[str, str], *names: str) -> str:
    """The first non-empty meta among ``names``, compared case-insensitively."""
    lowered = {k.lower(): v for k, v in reversed(list(meta.items()))}
    for name in names:
        value = lowered.get(name.lower(), "")
        if value:
            return value
    return ""


def visible_text(html: str | etree._Element, lines: list[str] | None = None) -> str:
    """The page text a reader sees (no script/style/comments), one line per block, bounded
    (``lines``: the page's :func:`text_lines`, when the caller has them already)."""
    return "\n".join(text_lines(_root(html)) if lines is None else lines)[:MAX_VISIBLE]


def anchor_text(a: etree._Element) -> str:
    """Squashed anchor text; an image link falls back to the image's alt/title."""
    text = squash(a.text_content())
    if not text:
        for img in a.iter("img"):
            text = squash(img.get("alt") or img.get("title") or "")
            if text:
                break
    return (text or squash(a.get("title") or ""))[:MAX_ANCHOR]


def page_links(html: str | etree._Element, url: str) -> list[LinkRef]:
    """Every followable ``<a href>`` in document order, with whether CSS hides it and how."""
    root = _root(html)
    base = base_url(root, url)
    rules = style_rules(root)
    links: list[LinkRef] = []
    stack: list[tuple[etree._Element, str]] = [(root, "")]
    while stack and len(links) < MAX_LINKS:
        el, inherited = stack.pop()
        if not tag_of(el) or is_invisible(el):
            continue
        own, decl = own_reason(el, rules)
        kept = inherited if inherited and still_hidden(inherited, decl) else ""
        if tag_of(el) == "a":
            target = absolute_url(el.get("href"), base)
            if target:
                how = kept or own
                links.append(LinkRef(url=target, text=anchor_text(el), hidden=bool(how), hidden_how=how))
        passed = kept or (f"{own} on ancestor <{_describe(el)}>" if own else "")
        stack.extend((child, passed) for child in reversed(el))
    return links


def _describe(el: etree._Element) -> str:
    """``div#nav.menu``: enough to find the hiding element in the page source."""
    ident = (el.get("id") or "")[:40]
    cls = (el.get("class") or "").split()
    return tag_of(el) + (f"#{ident}" if ident else "") + (f".{cls[0][:40]}" if cls else "")


def _root(html: str | etree._Element) -> etree._Element:
    return html if isinstance(html, etree._Element) else parse(html)
