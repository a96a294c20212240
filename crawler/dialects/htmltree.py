"""Turning hostile page text into an lxml tree and hrefs into absolute URLs.

lxml parses in linear time and never raises on broken markup, but it refuses unicode text that
carries an XML encoding declaration and raises on empty input; both happen on real portals, so
every parse goes through here.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit

import lxml.html
from lxml import etree

from .listpage import MAX_HTML

_XML_DECL = re.compile(r"^\s*<\?xml[^>]{0,200}\?>", re.IGNORECASE)
_WRAPPERS = re.compile(r"</?(?:div|span|font|center|section|article|b|i|em|strong|p)\b[^<>]{0,2000}>", re.IGNORECASE)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "vbscript:", "about:")
_WS = re.compile(r"[\s\u3000\xa0]+")


def parse_document(text: str) -> lxml.html.HtmlElement:
    """The whole page as a tree (an empty <html> for empty or unparsable input).

    libxml2 stops reading at nesting depth 2048, dropping the rest of the page; a page nested
    that deep is hostile, and is read again without its generic wrappers (div, span, font …),
    which keeps lists (ul/li, table/tr, a) intact.
    """
    text = _XML_DECL.sub("", text[:MAX_HTML], count=1)
    if not text.strip():
        return lxml.html.fromstring("<html></html>")
    tree, too_deep = _parse(text)
    if too_deep:
        tree, _ = _parse(_WRAPPERS.sub("", text))
    return tree


def _parse(text: str) -> tuple[lxml.html.HtmlElement, bool]:
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return lxml.html.fromstring("<html></html>"), False
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    return tree, too_deep


def parse_fragment(text: str) -> lxml.html.HtmlElement:
    """A markup fragment (a Hanweb record) wrapped in one <div>."""
    text = _XML_DECL.sub("", text[:MAX_HTML], count=1)
    try:
        return lxml.html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring("", create_parent="div")


def base_url(tree: lxml.html.HtmlElement, page_url: str) -> str:
    """The URL relative links resolve against: the page's <base href> if it has a valid one."""
    for base in tree.iter("base"):
        return absolute_url(base.get("href"), page_url) or page_url
    return page_url


def absolute_url(href: str | None, base: str) -> str | None:
    """``href`` resolved against ``base``; None for script/mail links, fragments, non-http and
    malformed URLs (``http://[::1`` makes urllib raise).

    ``href`` must already be unescaped (lxml attributes are); a second unescape would turn a
    query such as ``&region=`` into ``®ion=``.
    """
    if not href:
        return None
    href = _WS.sub("", href)[:2000]
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            return None
    except ValueError:
        return None
    return url.split("#", 1)[0]


def split_url(url: str) -> SplitResult | None:
    """urlsplit that answers None instead of raising on a malformed URL from a page."""
    try:
        return urlsplit(url)
    except ValueError:
        return None
