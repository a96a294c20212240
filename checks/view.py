"""A read-only view of one audit in the store, as check kinds see it.

Check kinds never speak SQL and never write: they read sites, pages, links, columns, list items,
documents and probes through this view (JSON columns decoded, ISO dates parsed) and yield results.

The engine checks one site at a time and calls :meth:`AuditView.release` after each, so the view
holds one site's rows, never the whole audit's.  Rows are read and decoded once per site: a list
the view returns is shared by every rule that asks, and must not be changed by its reader.
Pages are held without their visible text and documents without their body text; rules that read
every text stream it (:meth:`AuditView.iter_pages`, :meth:`AuditView.iter_page_texts`), the latter
kept for the site's later passes when the texts are few enough.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar

from gongkai import store as st
from gongkai.checks.coverage import Coverage, column_coverage
from gongkai.workdays import Period, beijing_day, parse_period

T = TypeVar("T")
# page columns a check reads; ``text`` (visible text, up to 200k characters a page) only by streaming
PAGE_COLUMNS = tuple(c.name for c in st.pages.columns if c.name != "text")


@dataclass(frozen=True)
class SiteInfo:
    site: str
    name: str
    home: str
    kind: str
    region: str | None
    dialect: str | None
    origins: tuple[str, ...]
    links_unchecked: int | None = None   # link targets over the crawl's link budget (never probed)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _decoded_page(row: dict[str, Any], identities: dict[str, Any] | None = None) -> dict[str, Any]:
    """A page row with ``meta`` and ``identity`` decoded, and without their JSON text (no rule reads it).

    ``identities`` (raw JSON → decoded) lets the pages of a site held together share one decoding
    of a footer identity: nearly every page of a site has the same one.
    """
    page = {k: v for k, v in row.items() if k not in ("meta_json", "identity_json")}
    page["meta"] = st.from_json(row["meta_json"], {})
    raw = row["identity_json"]
    if identities is None:
        page["identity"] = st.from_json(raw, {})
    else:
        if raw not in identities:
            identities[raw] = st.from_json(raw, {})
        page["identity"] = identities[raw]
    return page


def _memo_key(site: str, name: str) -> tuple[Any, ...]:
    """The cache key of a per-site memo: apart from the table names of ``_rows``, released with the site."""
    return (f"memo:{name}", (("site", site),))


# characters of one site's page texts kept between the rules that read them all (about 32 MB)
TEXT_BUDGET = 16_000_000
_TOO_MANY = "too many"   # a site whose page texts exceed TEXT_BUDGET: streamed on every pass


# no kind reads a document's body text (the page's ``text`` is what spam reads): not held per site
DOCUMENT_COLUMNS = tuple(c.name for c in st.documents.columns if c.name != "body_text")


class AuditView:
    """Everything one audit collected, read-only, cached per query."""

    def __init__(self, store: st.Store, audit_id: int) -> None:
        row = store.audit(audit_id)
        if row is None:
            raise LookupError(f"no audit {audit_id} in {store.url}")
        self._store, self.audit_id, self._row = store, audit_id, row
        self._cache: dict[tuple[Any, ...], Any] = {}

    # -- audit ---------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._row["name"]

    @cached_property
    def period(self) -> Period:
        return parse_period(self._row["period"])

    @cached_property
    def as_of(self) -> date:
        return date.fromisoformat(self._row["as_of"])

    @cached_property
    def crawl_day(self) -> date:
        """The Beijing day the crawl ended (or began, or the audit's as_of): nothing published is
        later (the store's times are UTC: a crawl ending at 20:00 UTC ended the next Beijing day)."""
        stamp = self._row.get("crawled_at") or self._row.get("started_at")
        return beijing_day(stamp) if stamp else self.as_of

    @cached_property
    def targets(self) -> dict[str, Any]:
        return st.from_json(self._row["targets_json"], {})

    def _rows(self, table: Any, **where: Any) -> list[dict[str, Any]]:
        key = (table.name, tuple(sorted(where.items())))
        if key not in self._cache:
            self._cache[key] = self._store.rows(table, self.audit_id, **where)
        return self._cache[key]

    def memo(self, site: str, name: str, make: Callable[[], T]) -> T:
        """``make()`` once per site, kept until the site is released (a check's per-site index)."""
        key = _memo_key(site, name)
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def release(self, site: str) -> None:
        """Forget everything read for ``site``: the engine is done with it."""
        self._cache = {k: v for k, v in self._cache.items() if ("site", site) not in k[1]}

    # -- sites ---------------------------------------------------------------------------------
    def sites(self) -> list[SiteInfo]:
        return [SiteInfo(site=r["site"], name=r["name"], home=r["home"], kind=r["kind"], region=r["region"],
                         dialect=r["dialect"], origins=tuple(st.from_json(r["origins_json"], [])),
                         links_unchecked=r.get("links_unchecked"))
                for r in self._rows(st.sites)]

    # -- crawl data ------------------------------------------------------------------------------
    def _all_pages(self, site: str) -> list[dict[str, Any]]:
        def read() -> list[dict[str, Any]]:
            identities: dict[str, Any] = {}
            return [_decoded_page(r, identities)
                    for r in self._store.stream(st.pages, self.audit_id, PAGE_COLUMNS, site=site)]
        return self.memo(site, "pages", read)

    def pages(self, site: str, kind: str | None = None, variant: str = "normal") -> list[dict[str, Any]]:
        """Pages of a site, without their visible text; ``meta`` and ``identity`` decoded from JSON."""
        return self.memo(site, f"pages/{kind}/{variant}", lambda: [
            p for p in self._all_pages(site) if p["variant"] == variant and (not kind or p["kind"] == kind)])

    def iter_pages(self, site: str, variant: str = "normal") -> Iterator[dict[str, Any]]:
        """Pages of a site *with* their visible text (``text``) and HTML (``snapshot``, None when
        not kept): :meth:`iter_page_texts`, each page with its HTML read beside it in batches
        (the HTML is never kept)."""
        html = self._store.stream_with_html(st.pages, self.audit_id, ("id",), site=site, variant=variant)
        for page, row in zip(self.iter_page_texts(site, variant), html, strict=True):
            if page["id"] != row["id"]:
                raise RuntimeError(f"pages of {site} changed while read (page {page['id']}, HTML of {row['id']})")
            page["snapshot"] = row["snapshot"]   # a dict of its own: iter_page_texts makes one per page
            yield page

    def iter_page_texts(self, site: str, variant: str = "normal") -> Iterator[dict[str, Any]]:
        """Pages of a site with their visible text (``text``) but not their HTML (rules reading
        every page's words: content, privacy, dates), in the order of :meth:`pages`.

        Five rules read every text of a site.  The first pass reads them from the store in batches
        and keeps them when the site's texts come to at most ``TEXT_BUDGET`` characters; later
        passes add them to the pages held without text instead of reading and decoding every page
        again.  A larger site is read from the store on every pass, so memory stays bounded.
        """
        texts = self._cache.get(_memo_key(site, f"texts/{variant}"))
        held = self.pages(site, variant=variant)
        if isinstance(texts, dict) and len(texts) == len(held) and all(p["id"] in texts for p in held):
            for page in held:
                yield {**page, "text": texts[page["id"]]}
            return
        kept: dict[int, str | None] | None = {} if texts is None else None
        size = 0
        for r in self._store.stream(st.pages, self.audit_id, (*PAGE_COLUMNS, "text"), site=site, variant=variant):
            page = _decoded_page(r)
            if kept is not None:
                size += len(page["text"] or "")
                if size <= TEXT_BUDGET:
                    kept[page["id"]] = page["text"]
                else:
                    kept = None
            yield page
        # a pass read to the end: its texts (or that they are too many to keep) serve the later passes
        self._cache[_memo_key(site, f"texts/{variant}")] = kept if kept is not None else _TOO_MANY

    def page_text(self, page: dict[str, Any] | None) -> str:
        """One page's visible text, read when a rule needs it (the view holds pages without it)."""
        if not page:
            return ""
        if page.get("text") is not None:
            return str(page["text"])
        rows = list(self._store.stream(st.pages, self.audit_id, ("text",), id=page["id"]))
        return str(rows[0]["text"] or "") if rows else ""

    def page(self, site: str, url: str, variant: str = "normal") -> dict[str, Any] | None:
        return next((p for p in self.pages(site, variant=variant) if p["url"] == url or p["final_url"] == url), None)

    def home_page(self, site: SiteInfo) -> dict[str, Any] | None:
        # the page the site's home ends on (after a 引导页 script redirect), else the home URL's page
        return next(iter(self.pages(site.site, kind="home")), None) or self.page(site.site, site.home)

    def links(self, site: str) -> list[dict[str, Any]]:
        return self._rows(st.links, site=site)

    def columns(self, site: str) -> list[dict[str, Any]]:
        return self._rows(st.columns, site=site)

    @cached_property
    def records_coverage(self) -> bool:
        """True when the audit's crawler recorded coverage on any column (see checks/coverage.py)."""
        return any(c["coverage"] is not None for c in self._rows(st.columns))

    def coverage(self, site: str, column_types: str | Iterable[str], url: str | None = None) -> Coverage:
        """Whether every column of these types (or the one at ``url``) was read whole.

        A rule whose verdict could be overturned by unseen items asks this before failing; a site
        with no column of the types gets an empty, complete coverage (the rule's own
        "no such column" case decides).
        """
        types = {column_types} if isinstance(column_types, str) else set(column_types)
        return Coverage(tuple(column_coverage(c, self.records_coverage) for c in self.columns(site)
                              if c["type"] in types and (url is None or c["url"] == url)))

    def list_items(self, site: str, column_url: str | None = None) -> list[dict[str, Any]]:
        rows = self.memo(site, "list_items", lambda: [{**r, "date": _date(r["date"])}
                                                      for r in self._rows(st.list_items, site=site)])
        return rows if column_url is None else [r for r in rows if r["column_url"] == column_url]

    def listed_in(self, site: str) -> dict[str, set[str]]:
        """URL → types of every column whose list shows it (whichever column fetched it first;
        a list URL given for two column types counts for both)."""
        def read() -> dict[str, set[str]]:
            types: dict[str, set[str]] = {}
            for c in self.columns(site):
                types.setdefault(c["url"], set()).add(c["type"])
            listed: dict[str, set[str]] = {}
            for item in self._rows(st.list_items, site=site):
                if item["column_url"] in types:
                    listed.setdefault(item["url"], set()).update(types[item["column_url"]])
            return listed
        return self.memo(site, "listed_in", read)

    def documents(self, site: str, column_type: str | None = None) -> list[dict[str, Any]]:
        """Documents of a site (a repost counts once; ``also_in`` lists its other columns, and
        ``column_types`` every column that lists it under any of its URLs)."""
        docs = self.memo(site, "documents", lambda: self._decoded_documents(site))
        if not column_type:
            return docs
        return self.memo(site, f"documents/{column_type}", lambda: [d for d in docs if column_type in d["column_types"]])

    def body_text(self, site: str, url: str) -> str:
        """A document's body text, read when a rule needs it (the view holds documents without it)."""
        rows = self._store.rows(st.documents, self.audit_id, site=site, url=url)
        return (rows[0]["body_text"] or "") if rows else ""

    def _decoded_documents(self, site: str) -> list[dict[str, Any]]:
        out = []
        listed = self.listed_in(site)
        for r in self._store.stream(st.documents, self.audit_id, DOCUMENT_COLUMNS, site=site):
            also = st.from_json(r["also_in_json"], [])
            types = {r["column_type"], *(a.get("column_type") for a in also), *listed.get(r["url"], ()),
                     *(t for a in also for t in listed.get(a.get("url"), ()))}
            out.append({**r, "publish_date": _date(r["publish_date"]), "written_date": _date(r["written_date"]),
                        "related": st.from_json(r["related_json"], []),
                        "attachments": st.from_json(r["attachments_json"], []), "also_in": also,
                        "column_types": sorted(t for t in types if t)})
        return out

    def page_refs(self, site: str, role: str | None = None) -> list[dict[str, Any]]:
        """Body links of articles (``body``) and plain-http loads of https pages (``insecure``)."""
        return [r for r in self._rows(st.page_refs, site=site) if not role or r["role"] == role]

    def records_page_refs(self, site: str) -> bool:
        """True when the crawler recorded body links for this site (a crawl from before did not).

        A site whose articles cite nothing has no ``page_refs`` rows either; the crawler that
        writes them also records the footer's ``contact`` in ``identity_json`` (one release), so
        that key on any page tells the two apart.
        """
        return bool(self.page_refs(site)) or any("contact" in p["identity"] for p in self.pages(site))

    def tls_probes(self, site: str) -> list[dict[str, Any]]:
        """TLS handshakes with the site's home host, oldest first; ``names`` decoded."""
        return [{**r, "names": st.from_json(r["names_json"], [])} for r in self._rows(st.tls_probes, site=site)]

    @cached_property
    def tls_reached_any(self) -> bool:
        """Whether any TLS handshake of the audit reached a server (an answer, valid or not): when
        none did, "nothing answered" says more about the auditor's network than about the sites."""
        return any(r["outcome"] in ("valid", "invalid", "no_https") for r in self._rows(st.tls_probes))

    def messages(self, site: str) -> list[dict[str, Any]]:
        """留言/来信 rows of a site (one per page that shows the message: list row or message page)."""
        return [{**r, "asked_date": _date(r["asked_date"]), "replied_date": _date(r["replied_date"])}
                for r in self._rows(st.messages, site=site)]

    def probes(self, site: str, kind: str | None = None) -> list[dict[str, Any]]:
        rows = self._rows(st.probes, site=site)
        rows = [r for r in rows if not kind or r["kind"] == kind]
        return [{**r, "detail": st.from_json(r["detail_json"], {})} for r in rows]

    def attachments(self, site: str) -> list[dict[str, Any]]:
        """Attachments downloaded from a site's articles, with their extracted text or why not read."""
        return self._rows(st.attachments, site=site)

    def snapshot(self, page: dict[str, Any]) -> str | None:
        """The HTML of a stored page as it was fetched (kept once per body, compressed)."""
        return self._store.snapshot(page.get("sha256"))

    def monitor_history(self, site: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """`gongkai probe` records of a site's home from ``since`` up to (not including) ``until``."""
        return self._store.monitor_history(site, since.isoformat(), until.isoformat())

    def errors(self, site: str | None = None) -> list[dict[str, Any]]:
        rows = self._rows(st.errors)
        return [r for r in rows if site is None or r["site"] == site]
