"""Make a crawled page inert: nothing in it may run, load, navigate or republish by itself.

A snapshot is opened by an evaluator or a supervisor, often on the page that was hacked.  What
could act on its own is removed: scripts, frames, plugins, ``<base>``, ``<link>`` (prefetch and
DNS prefetch are not all covered by a Content-Security-Policy), SVG animation (it can set a link to
``javascript:``), refresh and charset ``<meta>``,
event attributes, ``ping``, and ``javascript:``/``data:``/``vbscript:``/``blob:``/``file:`` URLs —
matched as a browser reads the URL, after dropping the tabs and newlines it ignores inside it and
the controls and spaces before it.  Comments and processing instructions are dropped at parse
time (never shown; they carried IE's conditional scripts and sometimes personal data).  The
caller adds a Content-Security-Policy that forbids every load, as a second wall.

Text and attribute values (URLs excepted: a link must still lead where it led) are shown with
invisible characters as ``⟨U+202E⟩`` and with 身份证号 and mobile numbers masked.

Parsed by libxml2 (as BeautifulSoup's lxml builder did) and walked in C where lxml allows:
rendering the snapshots was the largest cost of a report.  libxml2 builds at most 2,048 levels
of nesting and drops the rest of the page, the evidence included; such a page is parsed again
into a tree built through lxml's ``TreeBuilder``, which has no limit.  ``style`` text is written back raw by
libxml2 while a browser inside ``<svg>`` or ``<math>`` reads it as markup, so a ``style`` holding
``<`` is dropped (CSS needs none).  URLs keep what they lead to: the tabs and newlines a browser
drops are dropped, other controls percent-encoded as a browser sends them; libxml2's serializer
percent-encodes non-ASCII characters in links the same way.
"""

from __future__ import annotations

import re

from lxml import etree

from gongkai.redact import redact
from gongkai.text import visible_controls

REMOVED_TAGS = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                "portal", "template", "link",
                "set", "animate", "animatemotion", "animatetransform")   # SVG animation can set href to javascript:
URL_ATTRS = frozenset(("href", "src", "action", "formaction", "srcset", "xlink:href", "data", "poster",
                       "background", "codebase", "cite", "longdesc", "dynsrc", "lowsrc"))
DROPPED_ATTRS = frozenset(("ping", "srcdoc", "manifest"))   # a tracking beacon, a page in a frame, appcache
UNSAFE_URL = re.compile(r"[\x00-\x20]*(javascript|vbscript|data|blob|file):", re.IGNORECASE)
ATTRIBUTE_NAME = re.compile(r"[^\x00-\x20\x7f\"'>/=\ud800-\udfff\ufffe\uffff]+\Z")   # one name, and XML's
_URL_IGNORED = re.compile(r"[\t\n\r]")   # a browser's URL parser drops these anywhere in a URL
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_URL_ESCAPED = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")   # sent percent-encoded; XML forbids most


def parse(html: str) -> etree._Element:
    """The page as an ``<html>`` element, whatever it holds (an empty page is an empty document)."""
    data = html.replace("\x00", "\ufffd").encode("utf-8", "replace")
    root = None
    if data.strip():
        parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                                  default_doctype=False, huge_tree=True)
        try:
            root = etree.fromstring(data, parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
        if any("Excessive depth" in e.message for e in parser.error_log):
            root = _parse_deep(html)
    return root if root is not None and root.tag == "html" else etree.Element("html")


def _parse_deep(html: str) -> etree._Element | None:
    """A page nested deeper than libxml2 builds (2,048 levels: past them it drops the rest of the
    page), parsed again into a tree built through lxml's ``TreeBuilder``, which has no such limit.
    The builder refuses characters XML forbids, so those are first shown as ``⟨U+000B⟩``."""
    data = _XML_FORBIDDEN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", html).encode("utf-8", "replace")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                              default_doctype=False, target=etree.TreeBuilder())
    try:
        return etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _url(value: str) -> str:
    """A URL as a browser would request it: ignored characters dropped, other controls percent-encoded."""
    value = _URL_IGNORED.sub("", value)
    return _URL_ESCAPED.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")), value)


def unsafe_url(value: str) -> bool:
    """A URL a browser would run or load without a server: ``java\\tscript:`` is ``javascript:``."""
    return bool(UNSAFE_URL.match(_URL_IGNORED.sub("", value)))


def shown(text: str) -> str:
    """Crawled text as every output shows it: hidden characters visible, personal numbers masked."""
    return redact(visible_controls(text))


def _drop(element: etree._Element) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _kept_attribute(name: str, value: str) -> tuple[str, str] | None:
    low = name.lower()
    if not ATTRIBUTE_NAME.match(name) or low.startswith("on") or low in DROPPED_ATTRS:
        return None
    if low in URL_ATTRS:
        return None if unsafe_url(value) else (name, _url(value))
    return name, shown(value)


def _clean_attributes(element: etree._Element) -> None:
    """Drop event, tracking and unsafe-URL attributes (and any whose name holds a control character)."""
    found = element.items()
    kept = [a for a in (_kept_attribute(n, v) for n, v in found) if a is not None]
    if kept != found:
        element.attrib.clear()
        for name, value in kept:
            element.set(name, value)


def inert(html: str) -> etree._Element:
    """The page with everything that could act by itself removed and its text shown safely."""
    root = parse(html)
    for element in list(root.iter(*REMOVED_TAGS)):
        _drop(element)
    for meta in list(root.iter("meta")):
        if meta.get("http-equiv") is not None or meta.get("charset") is not None:
            _drop(meta)
    for style in list(root.iter("style")):
        if "<" in (style.text or ""):
            _drop(style)
    for element in root.iter():
        if element.attrib:
            _clean_attributes(element)
        text, tail = element.text, element.tail
        if text and (visible := shown(text)) != text:
            element.text = visible
        if tail and (visible := shown(tail)) != tail:
            element.tail = visible
    return root


def serialize(root: etree._Element) -> str:
    """HTML markup of the tree; text and attribute values escaped by libxml2's serializer."""
    return etree.tostring(root, method="html", encoding="unicode")
