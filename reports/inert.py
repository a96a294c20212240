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

Parsed by lxml (libxml2, as BeautifulSoup's lxml builder did) and walked in C where lxml allows:
rendering the snapshots was the largest cost of a report.
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
ATTRIBUTE_NAME = re.compile(r"[^\x00-\x20\x7f\"'>/=]+\Z")   # what a browser reads as one attribute name
_URL_IGNORED = re.compile(r"[\t\n\r]")   # a browser's URL parser drops these anywhere in a URL

_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                           default_doctype=False)


def parse(html: str) -> etree._Element:
    """The page as an ``<html>`` element, whatever it holds (an empty page is an empty document)."""
    data = html.replace("\x00", "\ufffd").encode("utf-8", "replace")
    try:
        root = etree.fromstring(data, _PARSER) if data.strip() else None
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    return root if root is not None and root.tag == "html" else etree.Element("html")


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
        return None if unsafe_url(value) else (name, value)
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
