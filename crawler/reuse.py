"""Incremental re-audits keep what the crawl read from an unchanged article: no second parse.

A page that answers 304 Not Modified is the cached body again (``crawler/httpcache.py``); reading
it again would give the same facts, at half the crawl's cost per page.  So each article's facts
(:class:`ArticleFacts`: fields, text, links, footer identity, message) are kept in the store under
a key of every input of :func:`article_facts` and of the extractor itself (its code, vocabularies,
the versions of Python, libxml2 and the libraries it calls), and an article answering 304 takes
them from there.  Facts made by another extractor, or for another body or URL, are never taken:
their key differs.  An audit whose store has no facts for a page (a store of an older release,
an HTTP cache shared by several output directories' stores), or facts it cannot read back, reads
the page as before.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import pickle
import sys
import zlib
from pathlib import Path
from typing import Any

from lxml import etree
from scrapy.http import Response

from gongkai import store as st
from gongkai.crawler.extraction import ArticleFacts, article_facts

logger = logging.getLogger(__name__)


LIBRARIES = ("lxml", "OpenCC", "dateparser", "w3lib", "Scrapy")   # whose answers the extractor reads


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "-"


@functools.lru_cache(maxsize=1)
def extractor_digest() -> str:
    """A digest of everything an article's facts depend on besides the page: the crawler's and the
    shared core's code, the bundled vocabularies, the versions of Python, libxml2 and the libraries
    it calls (a parser's or converter's fix changes what a page reads as).  Facts kept by
    another extractor (an upgrade, a patched rule of extraction) are never taken for this one's."""
    import gongkai
    from gongkai import config
    from gongkai import crawler as crawler_package

    libraries = " ".join(f"{name}={_version(name)}" for name in LIBRARIES)
    digest = hashlib.sha256(f"{sys.version} {etree.LIBXML_VERSION} {libraries}".encode())
    files = [*Path(gongkai.__file__).parent.glob("*.py"), *Path(crawler_package.__file__).parent.rglob("*.py"),
             *Path(config.__file__).parent.glob("*.yaml")]
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def facts_key(html: str, final_url: str, asked_url: str, *, extract: bool, messages: bool) -> str:
    """What an article's facts are kept under: every input of :func:`article_facts`, and the extractor."""
    digest = hashlib.sha256(html.encode("utf-8", "surrogatepass"))
    digest.update(f"\0{final_url}\0{asked_url}\0{extract}\0{messages}\0{extractor_digest()}".encode())
    return digest.hexdigest()


def kept_article_facts(html: str, final_url: str, asked_url: str, *, extract: bool, messages: bool) -> bytes:
    """:func:`article_facts` as they are kept (compressed pickle, made in the worker): the crawl
    decodes them with :func:`kept_facts` and stores them for the next audit."""
    facts = article_facts(html, final_url, asked_url, extract=extract, messages=messages)
    return zlib.compress(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL), 1)


def kept_facts(kept: bytes) -> ArticleFacts:
    """Facts kept by :func:`kept_article_facts` (the crawl's own store: written by this extractor)."""
    facts = pickle.loads(zlib.decompress(kept))  # noqa: S301 - our own rows, keyed by this extractor's digest
    if not isinstance(facts, ArticleFacts):
        raise TypeError(f"kept facts are a {type(facts).__name__}, not ArticleFacts")
    return facts


class ExtractionReuse:
    """Where the spider finds an unchanged article's facts (and whether it keeps new ones): on
    when the HTTP cache is (a 304 needs it) and the crawl writes to a store."""

    def __init__(self, store_url: str | None) -> None:
        self._store_url, self._store = store_url, None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionReuse:
        s = crawler.settings
        on = s.getbool("HTTPCACHE_ENABLED") and bool(s.get("HTTPCACHE_DIR")) and bool(s.get("GONGKAI_STORE"))
        return cls(s.get("GONGKAI_STORE") if on else None)

    @property
    def enabled(self) -> bool:
        return self._store_url is not None

    def kept(self, response: Response, key: str) -> ArticleFacts | None:
        """The facts kept for an article that answered 304 (its cached body), else None."""
        if not self.enabled or "cached" not in response.flags:
            return None
        if self._store is None:
            self._store = st.Store(self._store_url)
        kept = self._store.extraction(key)
        if kept is None:
            return None
        try:
            return kept_facts(kept)
        except Exception as exc:  # noqa: BLE001 - a damaged row costs a parse, never the page
            logger.warning("kept facts of %s unreadable (%s): the page is read again", response.url, exc)
            return None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
