"""The one place that speaks SQL.

SQLAlchemy Core over SQLite by default (WAL, one writer, a transaction per short batch of crawled
pages — ``PageBatch``, bounded by the crawl's settings — so a crash loses at most that batch, which
a resumed crawl fetches again); any SQLAlchemy URL (PostgreSQL) works the same way.  One run of
``gongkai crawl`` is one audit id; ``check`` and ``report`` read an audit back without crawling.
"""

from __future__ import annotations

import errno
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from gongkai.fingerprint import request_fingerprint

SCHEMA_VERSION = 2
MAX_SNAPSHOT = 2_000_000   # characters of HTML kept per page
MAX_PAGE_TEXT = 200_000    # characters of visible text kept per page
MAX_ATTACHMENT_TEXT = 200_000  # characters of an attachment's extracted text kept
RESULT_BATCH = 2_000         # result rows per insert: a site's results are written in batches

meta = sa.MetaData()

# a column's coverage counts (the crawler writes them, checks and reports read them by these names)
COVERAGE_COUNTS = ("announced_records", "announced_pages", "list_pages", "list_pages_failed", "items_listed",
                   "items_in_window", "articles_fetched", "articles_failed")

schema_info = sa.Table("schema_info", meta, sa.Column("version", sa.Integer, nullable=False))

audits = sa.Table(
    "audits", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text), sa.Column("period", sa.Text), sa.Column("as_of", sa.Text),
    sa.Column("targets_json", sa.Text), sa.Column("started_at", sa.Text),
    sa.Column("crawled_at", sa.Text), sa.Column("checked_at", sa.Text),
    sa.Column("crawl_state", sa.Text),          # running | finished | interrupted
    sa.Column("crawl_close_reason", sa.Text),   # Scrapy's close reason (finished, shutdown, …) or ours
    sa.Column("check_state", sa.Text),          # running | finished (null: not checked since the crawl last ran)
)

sites = sa.Table(
    "sites", meta,
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("name", sa.Text), sa.Column("home", sa.Text), sa.Column("kind", sa.Text),
    sa.Column("region", sa.Text), sa.Column("origins_json", sa.Text),
    sa.Column("dialect", sa.Text),
    # a distributed audit crawls each site (or group of sites sharing a host) in its own job:
    sa.Column("crawl_state", sa.Text),          # queued | running | finished | interrupted (null: one-process crawl)
    sa.Column("crawl_close_reason", sa.Text),   # Scrapy's close reason of the site's job, or why the job was lost
    sa.Column("worker", sa.Text),               # host/worker name that ran the site's job
    sa.Column("links_unchecked", sa.Integer),   # link targets the link budget left unprobed (null: not recorded)
    sa.PrimaryKeyConstraint("audit_id", "site"),
)

pages = sa.Table(
    "pages", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False), sa.Column("variant", sa.Text, nullable=False, default="normal"),
    sa.Column("fingerprint", sa.Text, nullable=False),  # Scrapy request fingerprint (method + URL + body)
    sa.Column("method", sa.Text, nullable=False, default="GET"),
    sa.Column("request_body", sa.Text),       # form body of a POST (Hanweb dataproxy: which column)
    sa.Column("final_url", sa.Text), sa.Column("status", sa.Integer), sa.Column("content_type", sa.Text),
    sa.Column("encoding", sa.Text), sa.Column("size", sa.Integer), sa.Column("sha256", sa.Text),
    sa.Column("fetched_at", sa.Text), sa.Column("dialect", sa.Text),
    sa.Column("revalidated", sa.Boolean, default=False),  # unchanged since the last audit (HTTP 304): body reused
    sa.Column("facts_reused", sa.Boolean, default=False),  # … and an article's extraction with it (no parse)
    sa.Column("kind", sa.Text),               # home | list | article | not_found_probe | other
    sa.Column("column_type", sa.Text), sa.Column("column_url", sa.Text),
    sa.Column("title", sa.Text), sa.Column("text", sa.Text),   # the HTML itself: `snapshots`, by sha256
    sa.Column("meta_json", sa.Text),          # <meta name=…> tags
    sa.Column("identity_json", sa.Text),      # footer identity: 网站标识码, ICP, 公安备案, 党政机关标识
    sa.Column("outcome", sa.Text),            # ok | broken | blocked | error
    sa.Column("reason", sa.Text),
    sa.UniqueConstraint("audit_id", "site", "fingerprint", "variant"),
)
sa.Index("ix_pages_url", pages.c.audit_id, pages.c.site, pages.c.url)

links = sa.Table(
    "links", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("page_url", sa.Text, nullable=False), sa.Column("page_fp", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("text", sa.Text), sa.Column("hidden", sa.Boolean, default=False),
    sa.Column("hidden_how", sa.Text), sa.Column("internal", sa.Boolean, default=True),
)
sa.Index("ix_links_target", links.c.audit_id, links.c.target)
sa.Index("ix_links_page", links.c.audit_id, links.c.site, links.c.page_fp)

# Links an article's body cites (role ``body``) and plain-http sub-resources of an https page
# (role ``insecure``, tag = the element that loads it): what link.external_unsafe judges, kept
# apart from ``links`` (every anchor of every page) so navigation is never mistaken for a citation.
page_refs = sa.Table(
    "page_refs", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("page_url", sa.Text, nullable=False), sa.Column("page_fp", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),     # body | no_body | insecure
    sa.Column("target", sa.Text, nullable=False), sa.Column("text", sa.Text),
)
sa.Index("ix_page_refs_page", page_refs.c.audit_id, page_refs.c.site, page_refs.c.page_fp)

columns = sa.Table(
    "columns", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False), sa.Column("name", sa.Text),
    sa.Column("url", sa.Text, nullable=False), sa.Column("how_found", sa.Text),
    sa.Column("outcome", sa.Text), sa.Column("reason", sa.Text),
    # coverage: what the CMS announced, what was listed and fetched, and whether that is all of it
    *(sa.Column(name, sa.Integer) for name in COVERAGE_COUNTS),
    sa.Column("coverage", sa.Text),           # complete | incomplete | pending (crawl not closed)
    sa.Column("coverage_reason", sa.Text),    # why incomplete, in Chinese, for the report
    sa.UniqueConstraint("audit_id", "site", "type", "url"),
)

list_items = sa.Table(
    "list_items", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("column_url", sa.Text, nullable=False), sa.Column("page_url", sa.Text),
    sa.Column("page_fp", sa.Text),
    sa.Column("title", sa.Text), sa.Column("url", sa.Text), sa.Column("date", sa.Text),
)
sa.Index("ix_list_items_page", list_items.c.audit_id, list_items.c.site, list_items.c.page_fp)

documents = sa.Table(
    "documents", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("column_type", sa.Text), sa.Column("column_url", sa.Text),
    sa.Column("also_in_json", sa.Text),       # other columns/URLs where the same document appears
    sa.Column("title", sa.Text), sa.Column("publish_date", sa.Text), sa.Column("written_date", sa.Text),
    sa.Column("doc_number", sa.Text), sa.Column("index_number", sa.Text), sa.Column("publisher", sa.Text),
    sa.Column("validity", sa.Text), sa.Column("label", sa.Text), sa.Column("label_slot", sa.Text),
    sa.Column("related_json", sa.Text), sa.Column("attachments_json", sa.Text),
    sa.Column("body_text", sa.Text), sa.Column("dedup_key", sa.Text),
    sa.UniqueConstraint("audit_id", "site", "url"),
)

probes = sa.Table(
    "probes", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),   # home | link | not_found
    sa.Column("url", sa.Text, nullable=False), sa.Column("method", sa.Text),
    sa.Column("fingerprint", sa.Text),        # of the probing request (None for a URL probed by HEAD→GET)
    sa.Column("final_url", sa.Text), sa.Column("status", sa.Integer),
    sa.Column("outcome", sa.Text),                # ok | broken | soft404 | blocked | unknown
    sa.Column("reason", sa.Text), sa.Column("detail_json", sa.Text), sa.Column("at", sa.Text),
)
sa.Index("ix_probes_url", probes.c.audit_id, probes.c.url)
sa.Index("ix_documents_dedup", documents.c.audit_id, documents.c.site, documents.c.dedup_key)

results = sa.Table(
    "results", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("rule", sa.Text, nullable=False), sa.Column("subject", sa.Text, nullable=False),
    sa.Column("period", sa.Text), sa.Column("status", sa.Text, nullable=False),
    sa.Column("reason", sa.Text), sa.Column("message", sa.Text), sa.Column("evidence_json", sa.Text),
)

# The decoded HTML of each distinct body, compressed, once per sha256 of the bytes as fetched:
# a template page repeated on thousands of URLs, or a portal re-audited unchanged, is kept once.
snapshots = sa.Table(
    "snapshots", meta,
    sa.Column("sha256", sa.Text, primary_key=True),
    sa.Column("html_z", sa.LargeBinary, nullable=False),   # zlib-compressed UTF-8
)

# what the crawl read from an article (crawler/extraction.py ArticleFacts, pickled, zlib-compressed),
# by a key of its HTML, URLs, what was asked of it and the extractor's code: a later audit whose
# page answered 304 Not Modified takes it from here instead of parsing the page again
extractions = sa.Table(
    "extractions", meta,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("facts_z", sa.LargeBinary, nullable=False),
)

# availability monitoring (`gongkai probe`, run from cron): one timed request per site home, kept
# across audits — the official 站点无法访问 check is a week of such probes, not one crawl
monitor_probes = sa.Table(
    "monitor_probes", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("site", sa.Text, nullable=False), sa.Column("url", sa.Text, nullable=False),
    sa.Column("at", sa.Text, nullable=False),   # UTC ISO time the request was sent
    sa.Column("seconds", sa.Float), sa.Column("timeout_s", sa.Float), sa.Column("status", sa.Integer),
    sa.Column("outcome", sa.Text, nullable=False),  # ok | broken | blocked | unknown
    sa.Column("reason", sa.Text),
)
sa.Index("ix_monitor_site_at", monitor_probes.c.site, monitor_probes.c.at)

# TLS of each site's home host, checked once per crawl with Python's ssl module (Scrapy does not
# verify certificates): whether https answers, whether the chain and name verify, and the dates.
tls_probes = sa.Table(
    "tls_probes", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("host", sa.Text, nullable=False), sa.Column("port", sa.Integer, nullable=False),
    sa.Column("at", sa.Text, nullable=False),       # UTC ISO time of the handshake
    sa.Column("outcome", sa.Text, nullable=False),  # valid | invalid | no_https | unknown
    sa.Column("reason", sa.Text),                   # Chinese, with the TLS library's words
    sa.Column("not_before", sa.Text), sa.Column("not_after", sa.Text),   # UTC ISO, of the leaf
    sa.Column("subject", sa.Text), sa.Column("issuer", sa.Text),
    sa.Column("names_json", sa.Text),               # subjectAltName DNS names and IPs
)

# The rules a check run used (the whole rule as validated, JSON), so `report` needs only the store.
rule_meta = sa.Table(
    "rule_meta", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("rule", sa.Text, nullable=False),
    sa.Column("meta_json", sa.Text, nullable=False),
    sa.UniqueConstraint("audit_id", "rule"),
)

errors = sa.Table(
    "errors", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text),
    sa.Column("stage", sa.Text), sa.Column("subject", sa.Text), sa.Column("message", sa.Text),
    sa.Column("at", sa.Text),
)

# Files linked from articles (PDF, DOC/DOCX, XLS/XLSX), downloaded within per-site bounds and read
# to text so content and privacy rules see them; one row per (site, file URL), the first document
# linking it.  Written by crawler/attachments.py through the pipeline; read by checks.
attachments = sa.Table(
    "attachments", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("document_url", sa.Text),       # the article that links it
    sa.Column("url", sa.Text, nullable=False), sa.Column("link_text", sa.Text),
    sa.Column("final_url", sa.Text), sa.Column("status", sa.Integer),
    sa.Column("content_type", sa.Text), sa.Column("size", sa.Integer), sa.Column("sha256", sa.Text),
    sa.Column("file_type", sa.Text),          # pdf | docx | doc | xlsx | xls | other (from the bytes)
    sa.Column("outcome", sa.Text),            # ok | unknown (fetched, not readable) | broken | blocked | error | skipped
    sa.Column("reason", sa.Text),             # Chinese: why not read (encrypted, scanned, too large …)
    sa.Column("text", sa.Text),               # extracted text, bounded (MAX_ATTACHMENT_TEXT)
    sa.Column("truncated", sa.Boolean, default=False),
    sa.Column("fetched_at", sa.Text),
    sa.UniqueConstraint("audit_id", "site", "url"),
)


# 留言/来信 read from a 咨询建言 channel (crawler/extract/message.py): one row per message per page that
# shows it (a list row and the message's own page are two rows; checks merge them by url).
messages = sa.Table(
    "messages", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("audit_id", sa.Integer, nullable=False), sa.Column("site", sa.Text, nullable=False),
    sa.Column("column_url", sa.Text), sa.Column("page_url", sa.Text), sa.Column("page_fp", sa.Text),
    sa.Column("source", sa.Text),             # list (a row of the channel's list) | page (the message page)
    sa.Column("url", sa.Text), sa.Column("title", sa.Text),
    sa.Column("asked_date", sa.Text), sa.Column("replied_date", sa.Text),
    sa.Column("status", sa.Text),             # the status text as printed (已回复, 办理中 …)
    sa.Column("state", sa.Text),              # answered | pending | invalid | null (not shown)
    sa.Column("reply", sa.Text),              # the start of the reply text
)
sa.Index("ix_messages_page", messages.c.audit_id, messages.c.site, messages.c.page_fp)

PAGE_TABLES = (pages, links, list_items, documents, page_refs)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, date | datetime):
        return obj.isoformat()
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict
        return asdict(obj)
    raise TypeError(type(obj).__name__)


# one encoder for every call: json.dumps with options builds a new one each time (a check writes
# one JSON per result, hundreds of thousands at scale)
_JSON = json.JSONEncoder(ensure_ascii=False, default=_json_default)


def to_json(value: Any) -> str:
    """JSON for the store: dates become ISO strings, non-ASCII stays readable."""
    return _JSON.encode(value)


def from_json(text: str | None, fallback: Any = None) -> Any:
    if not text:
        return fallback
    return json.loads(text)


def _engine_url(target: str | Path) -> str:
    text = str(target)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


class Store:
    """Open (and create or migrate) a store, then write and read audits through it."""

    def __init__(self, target: str | Path) -> None:
        self.url = _engine_url(target)
        self.engine = sa.create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        elif self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "before_cursor_execute", _without_nul, retval=True)
        self._migrate()

    # -- schema ---------------------------------------------------------------------------
    def _migrate(self) -> None:
        meta.create_all(self.engine)
        self._add_missing_columns()
        with self.engine.begin() as conn:
            version = conn.execute(sa.select(schema_info.c.version)).scalar()
            if version is None:
                conn.execute(schema_info.insert().values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise StoreError(f"{self.url}: store schema v{version} is newer than this gongkai (v{SCHEMA_VERSION})")
            elif version < SCHEMA_VERSION:  # v1 keyed pages by URL: its rows cannot say which POST they were
                raise StoreError(f"{self.url}: store schema v{version} is older than this gongkai (v{SCHEMA_VERSION}); "
                                 "crawl into a new --out")

    def _add_missing_columns(self) -> None:
        """Add the nullable columns a newer gongkai defines to tables an older one created.

        Additive only (``sites.crawl_state`` …): a store written before keeps its rows, and its
        new columns read as null, which every reader takes as "not recorded".
        """
        inspector = sa.inspect(self.engine)
        with self.engine.begin() as conn:
            for table in meta.sorted_tables:
                present = {c["name"] for c in inspector.get_columns(table.name)}
                for column in table.columns:
                    if column.name not in present and column.nullable:
                        kind = column.type.compile(dialect=self.engine.dialect)
                        conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')

    def close(self) -> None:
        self.engine.dispose()

    # -- audits and sites -------------------------------------------------------------------
    def create_audit(self, name: str, period: str, as_of: date, targets: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            res = conn.execute(audits.insert().values(
                name=name, period=period, as_of=as_of.isoformat(), targets_json=to_json(targets),
                started_at=now_iso()))
            return int(res.inserted_primary_key[0])

    def latest_audit_id(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(audits.c.id))).scalar()

    def audit(self, audit_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(audits).where(audits.c.id == audit_id)).mappings().first()
        return dict(row) if row else None

    def mark_audit(self, audit_id: int, **stamps: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(audits.update().where(audits.c.id == audit_id).values(**stamps))

    def finish_check(self, audit_id: int, *, judged_a_running_crawl: bool) -> None:
        """A check ran to its end: the audit is checked — unless a crawl ran while it judged (one
        running when it started, or one that started since, which cleared ``check_state``): its
        results then miss pages stored after they were read, and the audit is left unchecked."""
        with self.engine.begin() as conn:
            mine = sa.and_(audits.c.id == audit_id, audits.c.check_state == "running")
            if judged_a_running_crawl:
                conn.execute(audits.update().where(mine).values(check_state=None))
                return
            done = conn.execute(audits.update().where(mine, sa.or_(audits.c.crawl_state.is_(None),
                                                                    audits.c.crawl_state != "running"))
                                .values(check_state="finished", checked_at=now_iso()))
            if not done.rowcount:
                conn.execute(audits.update().where(mine).values(check_state=None))

    def begin_crawl(self, audit_id: int) -> None:
        """The audit's crawl (re)starts: it is running, and the check results stored so far judged
        pages this crawl may replace — they stand only once the audit is checked again."""
        self.mark_audit(audit_id, crawl_state="running", crawl_close_reason=None, check_state=None, checked_at=None)

    def upsert_site(self, audit_id: int, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(sites.delete().where(sites.c.audit_id == audit_id, sites.c.site == row["site"]))
            conn.execute(sites.insert().values(audit_id=audit_id, **row))

    def set_site_dialect(self, audit_id: int, site: str, dialect: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sites.update().where(sites.c.audit_id == audit_id, sites.c.site == site)
                         .values(dialect=dialect))

    def set_site_crawl(self, audit_id: int, site: str, **values: str | int | None) -> None:
        """Record how one site's crawl went (``crawl_state``, ``crawl_close_reason``, ``worker`` of its
        job; ``links_unchecked``)."""
        with self.engine.begin() as conn:
            conn.execute(sites.update().where(sites.c.audit_id == audit_id, sites.c.site == site).values(**values))

    def set_site_origins(self, audit_id: int, site: str, origins: list[str]) -> None:
        """Where the site turned out to live (its home redirected to another origin)."""
        with self.engine.begin() as conn:
            conn.execute(sites.update().where(sites.c.audit_id == audit_id, sites.c.site == site)
                         .values(origins_json=to_json(origins)))

    # -- crawl writes (a batch of pages per transaction) ---------------------------------------
    def page_keys(self, audit_id: int) -> set[tuple[str, str, str]]:
        """(site, fingerprint, variant) of every page the audit holds (what a re-save must replace)."""
        query = sa.select(pages.c.site, pages.c.fingerprint, pages.c.variant).where(pages.c.audit_id == audit_id)
        with self.engine.connect() as conn:
            return {tuple(row) for row in conn.execute(query)}

    def save_page(self, audit_id: int, bundle: dict[str, Any], *, fresh: bool = False) -> None:
        """Write one crawled page with its links, list items, document and probes in one transaction
        (a batch of one: :class:`PageBatch` says how a page becomes rows)."""
        batch = PageBatch(audit_id)
        batch.add_page(bundle, fresh=fresh)
        self.write_batch(batch)

    def write_batch(self, batch: PageBatch) -> None:
        """Write a batch of pages and probes in one transaction, one statement per table.

        All of it is stored or none: a crash or a full disk loses the batch, which a resumed crawl
        fetches again (it asks for what the store lacks).  Statements are built once
        (module level); each table gets one ``executemany`` however many pages the batch holds.
        """
        if not batch:
            return
        entries = batch.entries
        with self.engine.begin() as conn:
            for statement, name in ((_PAGE_DELETE, "page_deletes"), *((s, "child_deletes") for s in _CHILD_DELETES)):
                params = [row for entry in entries for row in getattr(entry, name)]
                if params:
                    conn.execute(statement, params)
            if batch.bodies:   # in sha256 order: two PostgreSQL writers storing the same bodies cannot deadlock
                _insert_ignore(conn, snapshots, [{"sha256": sha, "html_z": batch.bodies[sha]}
                                                 for sha in sorted(batch.bodies)])
            kept = dict(entry.extraction for entry in entries if entry.extraction)
            if kept:   # in key order, as the bodies
                _insert_ignore(conn, extractions, [{"key": key, "facts_z": kept[key]} for key in sorted(kept)])
            for table in (pages, probes, links, page_refs, list_items):
                rows = [row for entry in entries for row in getattr(entry, table.name)]
                if rows:
                    conn.execute(_INSERTS[table.name], rows)
            docs = [doc for entry in entries for doc in entry.documents]
            if docs:
                self._write_documents(conn, batch.audit_id, docs)

    def _write_documents(self, conn: sa.Connection, audit_id: int, docs: list[dict[str, Any]]) -> None:
        """Store each document once: a repost (same dedup key, another URL) is recorded on the first
        copy's ``also_in_json``, whether that copy is stored already or earlier in this batch.

        One query finds the stored copies of the batch's keys; the batch is then resolved in its
        order as if each document were written alone (:func:`_resolve_documents`).
        """
        keyed = [doc for doc in docs if doc.get("dedup_key")]
        stored: list[dict[str, Any]] = []
        if keyed:
            query = (sa.select(documents.c.id, documents.c.site, documents.c.url, documents.c.dedup_key,
                               documents.c.also_in_json)
                     .where(documents.c.audit_id == audit_id, documents.c.site.in_({d["site"] for d in keyed}),
                            documents.c.dedup_key.in_({d["dedup_key"] for d in keyed}))
                     .order_by(documents.c.id))
            stored = [dict(row) for row in conn.execute(query).mappings()]
        deletes, updates, inserts = _resolve_documents(audit_id, docs, stored)
        if deletes:
            conn.execute(_DOCUMENT_DELETE, deletes)
        if updates:
            conn.execute(_ALSO_UPDATE, updates)
        if inserts:
            conn.execute(_INSERTS["documents"], inserts)

    def save_attachment(self, audit_id: int, row: dict[str, Any]) -> None:
        """Write (or replace) one downloaded attachment's row; its text is bounded here."""
        row = dict(row)
        text = row.get("text") or ""
        row["truncated"] = bool(row.get("truncated")) or len(text) > MAX_ATTACHMENT_TEXT
        row["text"] = text[:MAX_ATTACHMENT_TEXT]
        with self.engine.begin() as conn:
            conn.execute(attachments.delete().where(attachments.c.audit_id == audit_id,
                                                    attachments.c.site == row["site"], attachments.c.url == row["url"]))
            conn.execute(attachments.insert().values(audit_id=audit_id, **row))

    def save_messages(self, audit_id: int, site: str, page: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """The messages one page shows, replacing what an earlier attempt at that page wrote."""
        where = {"audit_id": audit_id, "site": site, "page_fp": page["page_fp"]}
        with self.engine.begin() as conn:
            conn.execute(messages.delete().where(*(messages.c[k] == v for k, v in where.items())))
            if rows:
                conn.execute(messages.insert(), [{**where, **page, **row} for row in rows])

    def save_column(self, audit_id: int, row: dict[str, Any]) -> None:
        """Insert or update the column (site, type, url): two types may share one URL."""
        with self.engine.begin() as conn:
            existing = conn.execute(sa.select(columns.c.id).where(
                columns.c.audit_id == audit_id, columns.c.site == row["site"], columns.c.type == row["type"],
                columns.c.url == row["url"])).first()
            if existing:
                conn.execute(columns.update().where(columns.c.id == existing.id).values(**row))
            else:
                conn.execute(columns.insert().values(audit_id=audit_id, **row))

    def update_columns_at(self, audit_id: int, site: str, url: str, values: dict[str, Any]) -> None:
        """Update every column of a site listed at ``url`` (whatever types share that list)."""
        with self.engine.begin() as conn:
            conn.execute(columns.update().where(columns.c.audit_id == audit_id, columns.c.site == site,
                                                columns.c.url == url).values(**values))

    def save_probe(self, audit_id: int, row: dict[str, Any]) -> None:
        """Write one probe in its own transaction (a batch of one: :meth:`PageBatch.add_probe`)."""
        batch = PageBatch(audit_id)
        batch.add_probe(row)
        self.write_batch(batch)

    def save_tls_probe(self, audit_id: int, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(tls_probes.insert().values(audit_id=audit_id, **row))

    def save_monitor_probe(self, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(monitor_probes.insert().values(**row))

    def monitor_history(self, site: str, since: str, until: str) -> list[dict[str, Any]]:
        """Monitoring probes of a site's home with ``since <= at < until`` (ISO strings), oldest first."""
        query = (sa.select(monitor_probes).where(monitor_probes.c.site == site, monitor_probes.c.at >= since,
                                                  monitor_probes.c.at < until).order_by(monitor_probes.c.at))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def record_error(self, audit_id: int, site: str | None, stage: str, subject: str, message: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(errors.insert().values(audit_id=audit_id, site=site, stage=stage, subject=subject,
                                                message=message[:2000], at=now_iso()))

    def clear_errors(self, audit_id: int, stage: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(errors.delete().where(errors.c.audit_id == audit_id, errors.c.stage == stage))

    def update_rows(self, table: sa.Table, audit_id: int, values: dict[str, Any], **where: Any) -> int:
        """Update rows of one audit matching ``where`` (used to reclassify soft 404s after a crawl)."""
        query = table.update().where(table.c.audit_id == audit_id)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        with self.engine.begin() as conn:
            return conn.execute(query.values(**values)).rowcount

    def delete_rows(self, table: sa.Table, audit_id: int, **where: Any) -> int:
        query = table.delete().where(table.c.audit_id == audit_id)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        with self.engine.begin() as conn:
            return conn.execute(query).rowcount

    # -- check writes -------------------------------------------------------------------------
    def replace_results(self, audit_id: int, site: str, rows: Iterable[dict[str, Any]]) -> None:
        """Replace one site's results atomically: re-running checks never mixes two runs.

        ``rows`` may be a generator: they are inserted ``RESULT_BATCH`` at a time inside the one
        transaction, so a site's results (hundreds of thousands at scale) are never all in memory.
        Each batch goes to the driver's ``executemany`` as tuples: SQLAlchemy's per-row parameter
        processing was half of the write (the columns are plain text).
        """
        it = iter(rows)
        with self.engine.begin() as conn:
            conn.execute(results.delete().where(results.c.audit_id == audit_id, results.c.site == site))
            insert = _driver_insert(conn, results, ("audit_id", "site", *RESULT_FIELDS))
            while batch := [_result_row(audit_id, site, r) for r in islice(it, RESULT_BATCH)]:
                conn.exec_driver_sql(insert, batch)

    def save_rule_meta(self, audit_id: int, rows: Iterable[dict[str, Any]]) -> None:
        """Replace the audit's rule metadata (``rule``, ``meta_json``) in one transaction."""
        rows = [dict(audit_id=audit_id, rule=r["rule"], meta_json=r["meta_json"]) for r in rows]
        with self.engine.begin() as conn:
            conn.execute(rule_meta.delete().where(rule_meta.c.audit_id == audit_id))
            if rows:
                conn.execute(rule_meta.insert(), rows)

    def rule_metadata(self, audit_id: int) -> dict[str, dict[str, Any]]:
        """Rule id → the rule as the audit's last check run used it (empty before any check)."""
        return {r["rule"]: from_json(r["meta_json"], {}) for r in self.rows(rule_meta, audit_id)}

    # -- reads ---------------------------------------------------------------------------------
    def rows(self, table: sa.Table, audit_id: int, **where: Any) -> list[dict[str, Any]]:
        query = sa.select(table).where(table.c.audit_id == audit_id)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        with self.engine.connect() as conn:
            return list(_dicts(conn.execute(query.order_by(*table.primary_key.columns))))

    def iter_rows(self, table: sa.Table, audit_id: int, **where: Any) -> Iterator[dict[str, Any]]:
        yield from self.rows(table, audit_id, **where)

    def extraction(self, key: str) -> bytes | None:
        """An article's facts as the crawl kept them under ``key`` (see ``extractions``), or None."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(extractions.c.facts_z).where(extractions.c.key == key)).scalar()

    def snapshot(self, sha256: str | None) -> str | None:
        """The decoded HTML of the body whose bytes as fetched had ``sha256`` (None if not kept)."""
        if not sha256:
            return None
        return self.snapshots([sha256]).get(sha256)

    def snapshots(self, shas: Iterable[str]) -> dict[str, str]:
        """The decoded HTML of each kept body among ``shas``, by sha256, in one query (a report
        writing a thousand snapshot files asks a few times, not once a file)."""
        wanted = sorted({sha for sha in shas if sha})
        if not wanted:
            return {}
        query = sa.select(snapshots.c.sha256, snapshots.c.html_z).where(snapshots.c.sha256.in_(wanted))
        with self.engine.connect() as conn:
            return {sha: zlib.decompress(blob).decode("utf-8") for sha, blob in conn.execute(query)}

    def any_answer(self, table: sa.Table, audit_id: int) -> bool:
        """Whether any row of the audit in ``table`` (pages, probes) got an HTTP status."""
        query = sa.select(table.c.id).where(table.c.audit_id == audit_id, table.c.status.is_not(None)).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def count(self, table: sa.Table, audit_id: int, **where: Any) -> int:
        query = sa.select(sa.func.count()).select_from(table).where(table.c.audit_id == audit_id)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def stream(self, table: sa.Table, audit_id: int, only: Sequence[str], **where: Any) -> Iterator[dict[str, Any]]:
        """Rows of one audit, only the named columns, fetched in batches (a whole audit's pages
        with their snapshots would not fit in memory at scale)."""
        for row in self.stream_tuples(table, audit_id, only, **where):
            yield dict(zip(only, row, strict=True))

    def stream_tuples(self, table: sa.Table, audit_id: int, only: Sequence[str],
                      **where: Any) -> Iterator[tuple[Any, ...]]:
        """:meth:`stream` as tuples in the order of ``only``: for the largest reads (a report's every
        result), where even building a dict per row is a measurable share."""
        query = sa.select(*(table.c[name] for name in only)).where(table.c.audit_id == audit_id)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=500).execute(query.order_by(*table.primary_key.columns))
            for batch in result.partitions():
                yield from batch

    def stream_with_html(self, table: sa.Table, audit_id: int, only: Iterable[str],
                         **where: Any) -> Iterator[dict[str, Any]]:
        """:meth:`stream`, each row with its ``snapshot`` (the HTML of its body, as :meth:`snapshot`
        reads it) joined in the same query: a check reading every page's HTML asks once, not per page."""
        query = (sa.select(*(table.c[name] for name in only), snapshots.c.html_z)
                 .select_from(table.outerjoin(snapshots, table.c.sha256 == snapshots.c.sha256))
                 .where(table.c.audit_id == audit_id))
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        with self.engine.connect() as conn:   # batches of 100: a snapshot may be 2 MB before compression
            result = conn.execution_options(yield_per=100).execute(query.order_by(*table.primary_key.columns))
            for out in _dicts(result):
                blob = out.pop("html_z")
                out["snapshot"] = zlib.decompress(blob).decode("utf-8") if blob is not None else None
                yield out


def _dicts(result: sa.CursorResult[Any]) -> Iterator[dict[str, Any]]:
    """The rows of a streamed result as dicts, built from plain tuples a batch at a time
    (SQLAlchemy's per-row mapping objects cost twice the read of a large table)."""
    keys = list(result.keys())
    for batch in result.partitions():
        for row in batch:
            yield dict(zip(keys, row, strict=True))


class StoreError(Exception):
    """The store cannot be opened or is of an unknown version."""


_MACHINE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EDQUOT}
_MACHINE_MESSAGES = ("database or disk is full", "readonly database", "disk i/o error", "unable to open database")


def machine_failure(exc: BaseException) -> str | None:
    """The one-line cause when ``exc`` means this machine cannot write (disk full, read-only,
    permission, I/O), not that a row was bad; None otherwise.

    A full disk must stop the crawl with that line: recording it as one page's error would fail
    too, and the crawl would go on dropping every page without a word.
    """
    if isinstance(exc, OSError) and exc.errno in _MACHINE_ERRNOS:
        return exc.strerror or str(exc)
    text = str(getattr(exc, "orig", None) or exc).lower()
    return next((m for m in _MACHINE_MESSAGES if m in text), None)


def _compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "replace"), 6)


def _insert_ignore(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert the rows whose primary key is not there yet (several crawl processes may store one body)."""
    if conn.dialect.name in ("sqlite", "postgresql"):
        dialect = sqlite_dialect if conn.dialect.name == "sqlite" else postgresql_dialect
        conn.execute(dialect.insert(table).on_conflict_do_nothing(), rows)
        return
    key = table.primary_key.columns[0]
    for values in rows:
        if conn.execute(sa.select(key).where(key == values[key.name])).first() is None:
            conn.execute(table.insert().values(**values))


NUL_SHOWN = "⟨U+0000⟩"  # how every output already shows a NUL of crawled text


def _clean(value: Any) -> Any:
    return value.replace("\x00", NUL_SHOWN) if isinstance(value, str) and "\x00" in value else value


def _without_nul(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> Any:
    """PostgreSQL text cannot hold NUL, which hostile pages do send: store it as the outputs show it.

    SQLite keeps the character and every report prints it as ``⟨U+0000⟩``; writing that text in
    its place gives the same findings and scorecards from either store.
    """
    def clean(params: Any) -> Any:
        if isinstance(params, dict):
            return {key: _clean(value) for key, value in params.items()}
        if isinstance(params, list | tuple):
            return type(params)(_clean(value) for value in params)
        return params
    if executemany and isinstance(parameters, list | tuple):
        return statement, type(parameters)(clean(p) for p in parameters)
    return statement, clean(parameters)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _defaults(table: sa.Table) -> dict[str, Any]:
    """Every column of ``table`` but its id, with its scalar default (``variant`` normal …) or None."""
    return {column.name: column.default.arg if column.default is not None and column.default.is_scalar else None
            for column in table.columns if column.name != "id"}


_ROW_DEFAULTS = {table.name: _defaults(table) for table in (pages, probes, links, page_refs, list_items, documents)}


def _full_row(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    """A row with every column named, defaults filled as a one-row insert would: one ``executemany``
    takes rows of one shape.  A field the table lacks raises here, for the row that has it."""
    defaults = _ROW_DEFAULTS[table.name]
    unknown = row.keys() - defaults.keys()
    if unknown:
        raise ValueError(f"unknown {table.name} fields: {sorted(unknown)}")
    return {**defaults, **row}


RESULT_FIELDS = ("rule", "subject", "period", "status", "reason", "message", "evidence_json")   # as checks give them
_RESULT_KEYS = frozenset(RESULT_FIELDS)


def _result_row(audit_id: int, site: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """A result as the INSERT's tuple; a field the table lacks raises (a missing one is null)."""
    if not row.keys() <= _RESULT_KEYS:
        raise ValueError(f"unknown results fields: {sorted(row.keys() - _RESULT_KEYS)}")
    return (audit_id, site, *map(row.get, RESULT_FIELDS))


_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}   # sqlite3; psycopg


def _driver_insert(conn: sa.Connection, table: sa.Table, names: tuple[str, ...]) -> str:
    """A plain INSERT of ``names`` in the driver's own placeholder style, for ``exec_driver_sql``."""
    mark = _PLACEHOLDERS[conn.dialect.paramstyle]
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"


def _delete_where(table: sa.Table, *names: str) -> sa.Delete:
    """DELETE of one audit's rows matching ``names``, bound per row (``b_audit_id``, ``b_<name>``)."""
    return table.delete().where(*(table.c[name] == sa.bindparam(f"b_{name}") for name in ("audit_id", *names)))


# the crawl's statements, built once (a statement built per page was a fifth of the crawl's time)
_INSERTS = {table.name: table.insert() for table in (pages, probes, links, page_refs, list_items, documents)}
_PAGE_DELETE = _delete_where(pages, "site", "fingerprint", "variant")
_CHILD_DELETES = tuple(_delete_where(table, "site", "page_fp") for table in (links, list_items, page_refs))
_DOCUMENT_DELETE = _delete_where(documents, "site", "url")
_ALSO_UPDATE = (documents.update().where(documents.c.id == sa.bindparam("b_id"))
                .values(also_in_json=sa.bindparam("b_also")))


@dataclass
class _Entry:
    """The rows of one item of a batch (a page with what it holds, or one probe), kept apart so a
    batch that fails on a bad row can be written again item by item."""

    site: str | None
    subject: str
    page_deletes: list[dict[str, Any]] = field(default_factory=list)
    child_deletes: list[dict[str, Any]] = field(default_factory=list)
    shas: list[str] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    probes: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    page_refs: list[dict[str, Any]] = field(default_factory=list)
    list_items: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    extraction: tuple[str, bytes] | None = None   # (key, facts) of an article read (see ``extractions``)


class PageBatch:
    """Crawled pages (with their links, list items, references, document and snapshot) and probes
    waiting to be written together by :meth:`Store.write_batch`: the one home of how a page
    becomes rows.

    Rows are built as each item arrives, so a bad row raises for that item alone; documents are
    resolved against the store (reposts) when the batch is written.  A page is its request
    fingerprint (method + canonical URL + body), never its URL alone: two Hanweb dataproxy POSTs
    share a URL.  Re-saving a fingerprint (a resumed or repeated crawl) replaces what the earlier
    attempt wrote; ``fresh`` says the caller knows the audit holds no row of this page
    (``Store.page_keys``), so there is nothing to delete.  A batch holds a page once: the caller
    writes the batch before adding a page it already holds (:meth:`holds`).
    """

    def __init__(self, audit_id: int) -> None:
        self.audit_id = audit_id
        self.entries: list[_Entry] = []
        self.keys: set[tuple[str, str, str]] = set()
        self.bodies: dict[str, bytes] = {}     # sha256 → compressed HTML, each body compressed once

    def __len__(self) -> int:
        return len(self.entries)

    def holds(self, key: tuple[str, str, str]) -> bool:
        """Whether the page (site, fingerprint, variant) is in the batch already."""
        return key in self.keys

    def add_page(self, bundle: dict[str, Any], *, fresh: bool = False) -> tuple[str, str, str]:
        """Add a page with its links, list items, references, document and probes; its key."""
        page = dict(bundle["page"])
        html = (page.pop("snapshot", None) or "")[:MAX_SNAPSHOT]
        page["text"] = (page.get("text") or "")[:MAX_PAGE_TEXT]
        variant = page.setdefault("variant", "normal")
        page.setdefault("method", "GET")
        if not page.get("fingerprint"):
            page["fingerprint"] = request_fingerprint(page["url"], page["method"])
        site, fp, url, audit_id = page["site"], page["fingerprint"], page["url"], self.audit_id
        key = (site, fp, variant)
        if key in self.keys:
            raise ValueError(f"page {key} is in the batch already: write the batch first")
        entry = _Entry(site, url)
        if html:
            page["sha256"] = page.get("sha256") or hashlib.sha256(html.encode("utf-8", "replace")).hexdigest()
            entry.shas.append(page["sha256"])
        entry.pages.append(_full_row(pages, {**page, "audit_id": audit_id}))
        at = now_iso()
        entry.probes = [_full_row(probes, {"at": at, **row, "audit_id": audit_id}) for row in bundle.get("probes") or ()]
        if not fresh:
            entry.page_deletes.append({"b_audit_id": audit_id, "b_site": site, "b_fingerprint": fp, "b_variant": variant})
        if variant == "normal":
            if not fresh:
                entry.child_deletes.append({"b_audit_id": audit_id, "b_site": site, "b_page_fp": fp})
            for table, name in ((links, "links"), (page_refs, "refs"), (list_items, "list_items")):
                getattr(entry, table.name).extend(
                    _full_row(table, dict(audit_id=audit_id, site=site, page_url=url, page_fp=fp, **row))
                    for row in bundle.get(name) or ())
            if bundle.get("document"):
                entry.documents.append(_full_row(documents, {**bundle["document"], "audit_id": audit_id}))
        for sha in entry.shas:   # last: a row that raised above leaves the batch as it was
            if sha not in self.bodies:
                self.bodies[sha] = _compress(html)
        entry.extraction = bundle.get("extraction")
        self.entries.append(entry)
        self.keys.add(key)
        return key

    def add_probe(self, row: dict[str, Any]) -> None:
        """Add a probe (a link check, a 404 probe …), written in its order among the pages' probes."""
        entry = _Entry(row.get("site"), str(row.get("url") or ""))
        entry.probes.append(_full_row(probes, {"at": now_iso(), **row, "audit_id": self.audit_id}))
        self.entries.append(entry)

    def split(self) -> Iterator[PageBatch]:
        """The batch as batches of one item each, in order (to write again what a bad row failed)."""
        for entry in self.entries:
            one = PageBatch(self.audit_id)
            one.entries.append(entry)
            one.bodies = {sha: self.bodies[sha] for sha in entry.shas}
            yield one


def _resolve_documents(audit_id: int, docs: list[dict[str, Any]], stored: list[dict[str, Any]]
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(deletes, also_in_json updates, inserts) that store ``docs`` in order as one at a time would.

    ``stored`` are the store's documents sharing a dedup key with the batch, oldest first.  Each
    document in turn: a repost of an earlier copy — stored or earlier in the batch, the oldest one
    with its key at another URL — is recorded on that copy and not stored; any other replaces the
    document at its URL (a re-crawled page) and is stored.
    """
    copies = [{**row, "also": from_json(row["also_in_json"], []), "changed": False} for row in stored]
    pending: list[dict[str, Any]] = []   # the batch's documents to insert, each with its also list
    deletes: list[dict[str, Any]] = []
    for doc in docs:
        site, url, key = doc["site"], doc["url"], doc.get("dedup_key")
        first = next((c for c in (*copies, *pending) if key and c["site"] == site and c["dedup_key"] == key
                      and c["url"] != url), None) if key else None
        if first is not None:
            entry = {"url": url, "column_type": doc.get("column_type"), "column_url": doc.get("column_url")}
            if entry not in first["also"]:
                first["also"].append(entry)
                first["changed"] = True
            continue
        deletes.append({"b_audit_id": audit_id, "b_site": site, "b_url": url})
        copies = [c for c in copies if (c["site"], c["url"]) != (site, url)]
        pending = [p for p in pending if (p["site"], p["url"]) != (site, url)]
        pending.append({**doc, "also": from_json(doc.get("also_in_json"), []), "changed": False})
    updates = [{"b_id": c["id"], "b_also": to_json(c["also"])} for c in copies if c["changed"]]
    inserts = [{**{k: v for k, v in p.items() if k not in ("also", "changed")},
                **({"also_in_json": to_json(p["also"])} if p["changed"] else {})} for p in pending]
    return deletes, updates, inserts
