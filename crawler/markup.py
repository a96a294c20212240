"""Hostile markup into lxml trees, hrefs into absolute URLs, URLs into pages or files.

The one home for what every parser of the crawler (dialects and extractors) needs.  lxml parses
in linear time and never raises on broken markup, but it refuses text with an XML encoding
declaration, lone surrogates or control characters, raises on empty input, and silently stops
at nesting depth 2048 — all of which real (or hacked) portals produce.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit

import lxml.html
from lxml import etree

from gongkai.text import date_from_url

MAX_HTML = 8_000_000  # characters of markup we are willing to parse
MAX_HREF = 2000

_XML_DECL = re.compile(r"^\s*<\?xml[^>]{0,200}\?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_WRAPPERS = re.compile(r"</?(?:div|span|font|center|section|article|b|i|em|strong|p)\b[^<>]{0,2000}>", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "vbscript:", "about:", "file:", "sms:")
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".zip",
                         ".rar", ".7z", ".ofd", ".txt", ".csv", ".jpg", ".jpeg", ".png", ".gif", ".mp4", ".mp3")


def clean_markup(text: str | None) -> str:
    """Bounded markup without an XML declaration, control characters or lone surrogates."""
    if not text:
        return ""
    return _CONTROL.sub(" ", _XML_DECL.sub("", text[:MAX_HTML], count=1))


def _empty() -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring("<html></html>")


# lxml.html picks each element's class in Python (FormElement, InputElement …) every time an element
# becomes a Python object — millions of calls per crawl; nothing here uses the form classes, so one
# class for every element, chosen in C, gives the same tree API at a fraction of the cost.
_LOOKUP = etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
                                          pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


def _parse(text: str) -> tuple[lxml.html.HtmlElement, bool]:
    parser = lxml.html.HTMLParser(huge_tree=True, no_network=True, remove_pis=True)
    parser.set_element_class_lookup(_LOOKUP)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return _empty(), False
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    return tree, too_deep


def parse_document(text: str | None) -> lxml.html.HtmlElement:
    """The whole page as a tree (an empty ``<html>`` for empty or unparsable input).

    A page nested past libxml2's depth limit is hostile; it is read again without its generic
    wrappers (div, span, font …), which keeps lists (ul/li, table/tr, a) intact.
    """
    text = clean_markup(text)
    if not text.strip():
        return _empty()
    tree, too_deep = _parse(text)
    if too_deep:
        tree, _ = _parse(_WRAPPERS.sub("", text))
    return tree


def parse_fragment(text: str) -> lxml.html.HtmlElement:
    """A markup fragment (a Hanweb record) wrapped in one ``<div>``."""
    try:
        return lxml.html.fragment_fromstring(clean_markup(text), create_parent="div")
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring("", create_parent="div")


def absolute_url(href: str | None, base: str) -> str | None:
    """``href`` resolved against ``base``, fragment dropped; None for script/mail links, bare
    fragments, non-http(s) and malformed URLs (``http://[::1`` makes urllib raise).

    ``href`` must already be unescaped (lxml attributes are); a second unescape would turn a
    query such as ``&region=`` into ``®ion=``.
    """
    href = _URL_NOISE.sub("", (href or "")[:MAX_HREF]).strip(" \x0c\u3000\xa0")
    if not href or href.startswith("#") or href.lower().replace(" ", "").startswith(_SKIP_SCHEMES):
        return None
    try:
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            return None
    except ValueError:
        return None
    return url.split("#", 1)[0]


def host_in(url: str, hosts: tuple[str, ...]) -> bool:
    """Whether ``url``'s host is one of ``hosts`` or a sub-domain of one (False if unparsable)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    return bool(host) and any(host == h or host.endswith("." + h) for h in hosts)


def base_url(tree: etree._Element, page_url: str) -> str:
    """The URL relative links resolve against: the page's ``<base href>`` if valid, else the page's."""
    for base in tree.iter("base"):
        return absolute_url(base.get("href"), page_url) or page_url
    return page_url


def split_url(url: str) -> SplitResult | None:
    """urlsplit that answers None instead of raising on a malformed URL from a page."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


_ARTICLE_PATH = re.compile(
    r"/t(?:19|20)\d{6}_\d+|/art_\d+_\d+|content_\d+|/art/(?:19|20)\d{2}/|/(?:19|20)\d{2}-?\d{2}/[^/]+\.s?html?$"
    r"|/[0-9a-f]{32}\.s?html?$|/(?:19|20)\d{4}/[0-9a-f]{16,}", re.I)


def is_article_url(url: str) -> bool:
    """URL shapes CMSs give one document (TRS t2024…, Hanweb /art/…, content_…), not a column:
    column discovery skips them, a home page with no dates is dated through them."""
    parts = split_url(url)
    return parts is not None and (date_from_url(url) is not None or bool(_ARTICLE_PATH.search(parts.path)))


def is_attachment(url: str) -> bool:
    """Whether ``url`` names a file (.pdf, .docx, .ofd …) rather than a page: files are never
    columns, and link checks ask for them with HEAD instead of downloading them."""
    parts = split_url(url)
    return bool(parts) and parts.path.lower().endswith(ATTACHMENT_EXTENSIONS)
