"""Page rows: what a routed response becomes in the store, built in an item pipeline.

The spider yields a ``FetchedPage`` (the response, what it is, how it answered, what it listed);
``PageRowPipeline`` — placed before the store pipeline — measures and parses it into a
``PageItem``: the page row (identity, status, type, size, sha256, title, visible text, meta tags,
footer identity, the HTML for its snapshot), its links (hidden ones flagged, internal or not),
its references (an article's body links, what an https page loads over http) and the page as a
checked link target.  Each page is parsed at most once: the spider hands over
the tree it parsed for routing or extraction.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy.http import Response

from gongkai.crawler.extraction import page_facts
from gongkai.crawler.items import FetchedPage, PageItem, Row
from gongkai.crawler.markup import parse_document
from gongkai.crawler.stamp import asked_url, identity
from gongkai.store import now_iso, to_json

MAX_CONTENT_TYPE = 200  # characters of a Content-Type header kept



class PageRowPipeline:
    """FetchedPage → PageItem; every other item passes through untouched."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> PageRowPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        return page_item(item, self._owner(item.site))

    def _owner(self, site: str) -> Any:
        """Whether a URL belongs to the site (its origins, and where its home redirected to)."""
        state = getattr(self.crawler.spider, "sites", {}).get(site)
        return state.owns if state is not None else (lambda url: False)


def page_item(fetched: FetchedPage, owns: Any) -> PageItem:
    """The page row, links and link probe of one fetched page."""
    response = fetched.response
    page = page_row(fetched)
    links: list[Row] = []
    refs: list[Row] = []
    if fetched.html:
        facts = fetched.facts or page_facts(parse_document(fetched.html) if fetched.root is None else fetched.root,
                                            response.url, fetched.kind, fetched.keep_links)
        page.update(title=facts.title, text=facts.text, snapshot=fetched.html, meta_json=to_json(facts.meta),
                    identity_json=to_json(facts.identity))
        if fetched.keep_links:
            links = [{"target": ref.url, "text": ref.text, "hidden": ref.hidden, "hidden_how": ref.hidden_how,
                      "internal": owns(ref.url)} for ref in facts.links]
            refs = facts.refs
    page.update(fetched.fields)
    answer = {"final_url": response.url, "status": response.status}
    probes = [link_probe(page, **answer)] if fetched.as_link_probe else []
    probes += [{**link_probe(page, **answer), **extra} for extra in fetched.probes]
    return PageItem(page, links, fetched.list_items, fetched.document, probes, refs, fetched.extraction)


def page_row(fetched: FetchedPage) -> Row:
    """The measured part of a page row: identity, answer, type, size, digest."""
    response: Response = fetched.response
    request = response.request
    body = response.body or b""
    return {
        "site": fetched.site, "url": asked_url(request) if request else response.url,
        **(identity(request) if request else {}),
        "final_url": response.url, "status": response.status,
        "content_type": response.headers.get(b"Content-Type", b"").decode("latin-1")[:MAX_CONTENT_TYPE],
        "encoding": getattr(response, "encoding", None), "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(), "fetched_at": now_iso(), "kind": fetched.kind,
        "revalidated": "cached" in response.flags, "outcome": fetched.outcome, "reason": fetched.reason,
    }


def link_probe(page: Row, **answer: Any) -> Row:
    """A crawled (or failed) page is also a checked link target."""
    return {"site": page["site"], "kind": "link", "url": page["url"], "method": page.get("method"),
            "fingerprint": page.get("fingerprint"), "outcome": page["outcome"], "reason": page["reason"], **answer}
