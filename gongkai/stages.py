"""The stages of an audit — crawl, check, report — each reading only what the previous one stored.

``run_audit`` chains them.  The crawl runs Scrapy in this process (a Twisted reactor starts once
per process, so a process runs at most one crawl; tests drive the CLI in subprocesses).
"""

from __future__ import annotations

import errno
import logging
import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from gongkai.store import Store, StoreError, now_iso, to_json

__all__ = ["Store", "StageError", "crawl", "check", "report"]
from gongkai.targets import Targets

STORE_NAME = "gongkai.sqlite"


class StageError(Exception):
    """A stage cannot run (missing store, unknown audit); the message is one line for the user."""


def store_path(out_dir: Path) -> Path:
    return out_dir / STORE_NAME


def mask_url(location: Path | str) -> str:
    """A store location fit for a message: a database URL's password replaced by ***."""
    text = str(location)
    if "://" not in text:
        return text
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)


# SQLite's words for a machine that cannot take the write (the store itself is fine).
_MACHINE = {"database or disk is full": errno.ENOSPC, "attempt to write a readonly database": errno.EROFS,
            "disk i/o error": errno.EIO}


def open_store(path: Path | str, *, must_exist: bool = False) -> Store:
    """Open a store; a missing file, a file that is not a database or a dead URL is a StageError.

    Those are the user's input (exit 2, one line, a URL's password masked).  A disk that is
    full, read-only or forbidden is the machine's: an OSError naming the store path (exit 1).
    """
    shown = mask_url(path)
    if must_exist and "://" not in str(path) and not Path(path).exists():
        raise StageError(f"{shown}: no such store (run `gongkai crawl` or `gongkai audit` first)")
    try:
        return Store(path)
    except ImportError as exc:  # create_engine imports the URL's driver (psycopg2 …)
        raise StageError(f"{shown}: no database driver installed for this URL ({exc.name or exc})") from None
    except (StoreError, SQLAlchemyError) as exc:
        detail = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        machine = _machine_failure(path, detail)
        if machine is not None:
            raise machine from None
        raise StageError(f"{shown}: not a usable gongkai store: {detail}") from None


def _machine_failure(path: Path | str, detail: str) -> OSError | None:
    """The OSError behind a SQLite failure to open or write, when the machine is to blame."""
    for words, code in _MACHINE.items():
        if words in detail.lower():
            return OSError(code, detail, mask_url(path))
    if "://" in str(path) or "unable to open database file" not in detail.lower():
        return None
    directory = Path(path).resolve().parent
    if directory.is_dir() and not os.access(directory, os.W_OK):
        code = errno.EROFS if os.statvfs(directory).f_flag & os.ST_RDONLY else errno.EACCES
        return OSError(code, os.strerror(code), str(directory))
    return None


def resolve_audit(store: Store, audit_id: int | None) -> int:
    found = audit_id if audit_id is not None else store.latest_audit_id()
    if found is None or store.audit(found) is None:
        wanted = f"#{audit_id}" if audit_id is not None else "found"
        raise StageError(f"{store.url}: no audit {wanted} in the store")
    return found


def start_audit(store: Store, targets: Targets) -> int:
    """Create the audit and its sites in the store (before any page is fetched)."""
    audit_id = store.create_audit(targets.audit.name, targets.audit.period, targets.audit.as_of,
                                  targets.model_dump(mode="json"))
    for site in targets.sites:
        store.upsert_site(audit_id, {"site": site.id, "name": site.name, "home": site.home, "kind": site.kind,
                                     "region": site.region, "origins_json": to_json(site.origins()),
                                     "dialect": None})
    return audit_id


def resume_ledger(store: Store, audit_id: int) -> dict[str, dict[str, Any]]:
    """Per site, what an interrupted crawl already has: stored articles, their links, probed links."""
    from gongkai import store as st

    ledger: dict[str, dict[str, Any]] = {}
    for page in store.rows(st.pages, audit_id, kind="article", outcome="ok"):
        ledger.setdefault(page["site"], {"done": set(), "links": {}, "checked": set()})["done"].add(page["url"])
    for link in store.rows(st.links, audit_id):
        entry = ledger.get(link["site"])
        if entry and link["page_url"] in entry["done"]:
            entry["links"].setdefault(link["target"], link["page_url"])
    for probe in store.rows(st.probes, audit_id, kind="link"):
        ledger.setdefault(probe["site"], {"done": set(), "links": {}, "checked": set()})["checked"].add(probe["url"])
    return ledger


def crawl(targets: Targets, store_location: Path | str, *, quiet: bool = True, resume: bool = False) -> int:
    """Crawl every site of ``targets`` into a new audit of the store; returns the audit id.

    With ``resume``, continue the latest audit instead: articles already stored and link targets
    already probed are not fetched again, everything else (home, lists, failed pages) is.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from gongkai.crawler import settings as crawler_settings
    from gongkai.crawler.spiders.portal import PortalSpider

    store = open_store(store_location)
    ledger: dict[str, dict[str, Any]] = {}
    if resume and store.latest_audit_id() is not None:
        audit_id = resolve_audit(store, None)
        ledger = resume_ledger(store, audit_id)
    else:
        audit_id = start_audit(store, targets)
    store_url = store.url
    store.close()
    settings = Settings()
    settings.setmodule(crawler_settings, priority="project")
    settings.update(crawler_settings.from_friendly(targets.crawl.model_dump()), priority="cmdline")
    settings.set("GONGKAI_STORE", store_url, priority="cmdline")
    settings.set("GONGKAI_AUDIT_ID", audit_id, priority="cmdline")
    if quiet:
        settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    process = CrawlerProcess(settings)
    if quiet:  # failures are recorded in the store with their reasons; the terminal stays readable
        for name in ("scrapy.downloadermiddlewares.retry", "scrapy.core.scraper", "scrapy.core.downloader"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    process.crawl(PortalSpider, targets=targets, audit_id=audit_id, ledger=ledger)
    process.start()
    return audit_id


def check(store: Store, audit_id: int, rules_path: Path | None = None) -> Any:
    """Run the rules over an audit already in the store."""
    from gongkai.checks.engine import run_checks

    summary = run_checks(store, audit_id, rules_path=rules_path)
    store.mark_audit(audit_id, checked_at=now_iso())
    return summary


def report(store: Store, audit_id: int, out_dir: Path, *, indicators_path: Path | None = None,
           rules_path: Path | None = None) -> Any:
    """Write findings.json, scores.json, the scorecard and report.xlsx for an audit."""
    from gongkai.reports.build import write_reports

    out_dir.mkdir(parents=True, exist_ok=True)
    return write_reports(store, audit_id, out_dir, indicators_path=indicators_path, rules_path=rules_path)
