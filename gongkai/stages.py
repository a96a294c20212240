"""The stages of an audit — crawl, check, report — each reading only what the previous one stored.

``run_audit`` chains them.  The crawl runs Scrapy in this process (a Twisted reactor starts once
per process, so a process runs at most one crawl; tests drive the CLI in subprocesses).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from gongkai.store import Store, StoreError, now_iso, to_json

__all__ = ["Store", "StageError", "SiteJob", "crawl", "check", "report"]
from gongkai.targets import Targets

STORE_NAME = "gongkai.sqlite"


class StageError(Exception):
    """A stage cannot run (missing store, unknown audit); the message is one line for the user."""


class MachineError(Exception):
    """This machine failed the stage (disk full, read-only store); one line naming the path, exit 1."""


@dataclass(frozen=True)
class CrawlOutcome:
    """How a crawl ended: only a ``finished`` crawl may be checked and reported as complete."""

    audit_id: int
    state: str            # finished | interrupted | running (killed before Scrapy could close)
    close_reason: str | None
    nothing_answered: bool  # no site and no outside host answered: the auditor's network is down

    @property
    def finished(self) -> bool:
        return self.state == "finished"


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


def _site_row(site: Any) -> dict[str, Any]:
    return {"site": site.id, "name": site.name, "home": site.home, "kind": site.kind, "region": site.region,
            "origins_json": to_json(site.origins()), "dialect": None}


def start_audit(store: Store, targets: Targets) -> int:
    """Create the audit and its sites in the store (before any page is fetched)."""
    audit_id = store.create_audit(targets.audit.name, targets.audit.period, targets.audit.as_of,
                                  targets.model_dump(mode="json"))
    for site in targets.sites:
        store.upsert_site(audit_id, _site_row(site))
    return audit_id


def reconcile(store: Store, audit_id: int, targets: Targets) -> None:
    """Make a resumed audit match the targets file, or refuse in one line.

    A site added to the file since the interrupted run (or never written, when the run was
    killed between creating the audit and its sites) gets its row, so it is checked and
    reported; a changed name or period, or a removed site, would mix two audits and is refused
    (a shared database holds other evaluators' audits: the newest one may not be this file's).
    The audit keeps its own ``as_of``: a resumed run grades as of the day the audit started.
    """
    from gongkai import store as st

    audit = store.audit(audit_id) or {}
    if audit.get("name") != targets.audit.name:
        raise StageError(f"audit.name: {targets.audit.name} differs from the name of audit {audit_id} "
                         f"being resumed ({audit.get('name')}); resume with the targets file that started it")
    if audit.get("period") != targets.audit.period:
        raise StageError(f"audit.period: {targets.audit.period} differs from the period of audit {audit_id} "
                         f"being resumed ({audit.get('period')}); start a new audit in another --out")
    stored = {r["site"] for r in store.rows(st.sites, audit_id)}
    wanted = {site.id for site in targets.sites}
    gone = sorted(stored - wanted)
    if gone:
        raise StageError(f"sites: {', '.join(gone)} of audit {audit_id} missing from the targets file; "
                         "resume with the same sites (new ones may be added)")
    for site in targets.sites:
        if site.id not in stored:
            store.upsert_site(audit_id, _site_row(site))
    store.mark_audit(audit_id, targets_json=to_json(targets.model_dump(mode="json")))


def _ledger_entry() -> dict[str, Any]:
    return {"done": set(), "links": {}, "checked": set(), "attachments_stored": {}, "attachments_pending": []}


def _json_list(text: str | None) -> list[dict[str, Any]] | None:
    """A stored list of {url, …} entries; None when the text is not one (a damaged store)."""
    from gongkai.store import from_json

    try:
        value = from_json(text, [])
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(v, dict) and isinstance(v.get("url"), str) for v in value):
        return None
    return value


def resume_ledger(store: Store, audit_id: int) -> dict[str, dict[str, Any]]:
    """Per site, what an interrupted crawl already has: stored articles (fingerprints), their links,
    probed links, stored attachments (URL → outcome) and the stored articles' attachments it had not
    fetched yet (article URL, [{url, text}]) — an article is not fetched again, so its files must be.

    An article whose files the store cannot list — a repost (kept only as another copy's
    ``also_in``) or a document whose file list is unreadable — is not counted as done: it is fetched
    again, and its files with it."""
    from gongkai import store as st

    ledger: dict[str, dict[str, Any]] = {}
    article_fp: dict[tuple[str, str], str] = {}
    for page in store.rows(st.pages, audit_id, kind="article", outcome="ok"):
        ledger.setdefault(page["site"], _ledger_entry())["done"].add(page["fingerprint"])
        article_fp[(page["site"], page["url"])] = page["fingerprint"]
    for link in store.rows(st.links, audit_id):
        entry = ledger.get(link["site"])
        if entry and link["page_fp"] in entry["done"]:
            entry["links"].setdefault(link["target"], link["page_url"])
    for probe in store.rows(st.probes, audit_id, kind="link"):
        ledger.setdefault(probe["site"], _ledger_entry())["checked"].add(probe["url"])
    for row in store.rows(st.attachments, audit_id):
        ledger.setdefault(row["site"], _ledger_entry())["attachments_stored"][row["url"]] = row["outcome"]
    unlisted: set[tuple[str, str]] = set()   # (site, article URL) whose files are not known
    for doc in store.rows(st.documents, audit_id):
        entry = ledger.get(doc["site"])
        if entry is None:
            continue
        files, reposts = _json_list(doc["attachments_json"]), _json_list(doc["also_in_json"])
        unlisted.update((doc["site"], r["url"]) for r in reposts or [])
        if files is None:
            unlisted.add((doc["site"], doc["url"]))
            continue
        missing = [f for f in files if f["url"] not in entry["attachments_stored"]]
        if missing:
            entry["attachments_pending"].append((doc["url"], missing))
    for site, url in unlisted:
        if (fp := article_fp.get((site, url))) is not None:
            ledger[site]["done"].discard(fp)
    return ledger


def crawl(targets: Targets | None, store_location: Path | str, *, quiet: bool = True, resume: bool = False,
          into: SiteJob | None = None) -> CrawlOutcome:
    """Crawl every site of ``targets`` into a new audit of the store; say how the crawl ended.

    With ``resume``, continue the latest audit instead: articles already stored and link targets
    already probed are not fetched again, everything else (home, lists, failed pages) is.
    With ``into`` (one job of a distributed audit), crawl only those sites into that existing
    audit, resuming what earlier attempts stored; the outcome is theirs (``sites.crawl_state``),
    and the audit itself is left running for the command that enqueued the jobs to close.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from gongkai.crawler import settings as crawler_settings
    from gongkai.crawler.pipelines import STORE_FAILURE
    from gongkai.crawler.spiders.portal import PortalSpider

    store = open_store(store_location)
    ledger: dict[str, dict[str, Any]] = {}
    if into is not None:
        targets = into.targets_of(store)
        audit_id = into.audit_id
        ledger = {site: entry for site, entry in resume_ledger(store, audit_id).items() if site in into.sites}
    elif resume and store.latest_audit_id() is not None:
        audit_id = resolve_audit(store, None)
        reconcile(store, audit_id, targets)
        store.begin_crawl(audit_id)   # before the ledger is read (slow): a stop from here on leaves it unfinished
        ledger = resume_ledger(store, audit_id)
    else:
        audit_id = start_audit(store, targets)
    assert targets is not None
    store_url = store.url
    store.close()
    settings = Settings()
    settings.setmodule(crawler_settings, priority="project")
    settings.update(crawler_settings.from_friendly(targets.crawl.model_dump()), priority="cmdline")
    settings.set("GONGKAI_STORE", store_url, priority="cmdline")
    settings.set("GONGKAI_AUDIT_ID", audit_id, priority="cmdline")
    settings.set("GONGKAI_SITE_JOB", into is not None, priority="cmdline")
    _place_http_cache(settings, store_location)
    if quiet:
        settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    process = CrawlerProcess(settings)
    if quiet:  # failures are recorded in the store with their reasons; the terminal stays readable
        for name in ("scrapy.downloadermiddlewares.retry", "scrapy.core.scraper", "scrapy.core.downloader"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, targets=targets, audit_id=audit_id, ledger=ledger)
    try:
        process.start()
    finally:
        _restore_signals(finished=bool(crawler.stats) and crawler.stats.get_value("finish_reason") == "finished")
    failure = crawler.stats.get_value(STORE_FAILURE) if crawler.stats else None
    if failure:
        raise MachineError(f"{store_location}: {failure}; the crawl stopped and what it stored is kept — "
                           "free the disk, then continue with --resume")
    if into is not None:
        return into.outcome(open_store(store_location))
    return crawl_outcome(open_store(store_location), audit_id)


@dataclass(frozen=True)
class SiteJob:
    """Some sites of an existing audit, crawled by one job of a distributed audit.

    The targets come from the audit itself (``audits.targets_json``), so a worker on another
    machine needs only the store URL, the audit id and the site ids.
    """

    audit_id: int
    sites: tuple[str, ...]

    def targets_of(self, store: Store) -> Targets:
        from gongkai import store as st

        audit = store.audit(self.audit_id)
        if audit is None:
            raise StageError(f"{store.url}: no audit #{self.audit_id} in the store")
        targets = Targets.model_validate(st.from_json(audit["targets_json"], {}))
        known = {site.id for site in targets.sites}
        stored = {row["site"] for row in store.rows(st.sites, self.audit_id)}
        missing = sorted(set(self.sites) - (known & stored))
        if missing:
            raise StageError(f"audit {self.audit_id} has no site {', '.join(missing)}")
        return targets.model_copy(update={"sites": [s for s in targets.sites if s.id in self.sites]})

    def outcome(self, store: Store) -> CrawlOutcome:
        """The job's outcome: finished only if every one of its sites finished."""
        from gongkai import store as st

        try:
            rows = [r for r in store.rows(st.sites, self.audit_id) if r["site"] in self.sites]
            states = {r["crawl_state"] or "running" for r in rows}
            state = "finished" if states == {"finished"} else ("interrupted" if "interrupted" in states else "running")
            reasons = {r["crawl_close_reason"] for r in rows} - {None, "finished"}
            reason = ", ".join(sorted(reasons)) or (None if state == "running" else "finished")
            return CrawlOutcome(self.audit_id, state, reason, nothing_answered=False)
        finally:
            store.close()


def probe(targets: Targets, store_location: Path | str) -> list[dict[str, Any]]:
    """One timed request per site home into the store's monitoring history; returns what was seen."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from gongkai.crawler import settings as crawler_settings
    from gongkai.crawler.monitor import MonitorSpider

    store = open_store(store_location)
    store_url = store.url
    started = now_iso()
    store.close()
    settings = Settings()
    settings.setmodule(crawler_settings, priority="project")
    user_agent = targets.crawl.user_agent
    if user_agent:
        settings.set("USER_AGENT", user_agent, priority="cmdline")
    settings.set("GONGKAI_STORE", store_url, priority="cmdline")
    settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(MonitorSpider, targets=targets)
    try:
        process.start()
    finally:
        _restore_signals()
    store = open_store(store_location)
    try:
        return [row for site in targets.sites for row in store.monitor_history(site.id, started, "9999")]
    finally:
        store.close()


def _place_http_cache(settings: Any, store_location: Path | str) -> None:
    """The revalidation cache lives beside a local store (DIR/httpcache) unless the targets file
    names a directory; with a database URL and no directory there is nowhere to keep it."""
    if settings.get("HTTPCACHE_DIR"):
        settings.set("HTTPCACHE_DIR", str(Path(settings.get("HTTPCACHE_DIR")).resolve()), priority="cmdline")
    elif "://" not in str(store_location):
        settings.set("HTTPCACHE_DIR", str(Path(store_location).resolve().parent / "httpcache"), priority="cmdline")
    else:
        settings.set("HTTPCACHE_ENABLED", False, priority="cmdline")


def crawl_outcome(store: Store, audit_id: int) -> CrawlOutcome:
    """Read back how the crawl of ``audit_id`` ended (written by the crawler's CrawlCloser)."""
    from gongkai.crawler.offline import nothing_answered

    try:
        audit = store.audit(audit_id) or {}
        return CrawlOutcome(audit_id, audit.get("crawl_state") or "running", audit.get("crawl_close_reason"),
                            nothing_answered(store, audit_id))
    finally:
        store.close()


def _restore_signals(*, finished: bool = True) -> None:
    """Scrapy's shutdown handlers outlive the crawl.  After a finished crawl, a Ctrl-C or SIGTERM
    during check or report must stop the command; after an interrupted one the command is only
    saying so and exiting 3, and a further Ctrl-C must not turn that into a traceback."""
    if finished:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _terminate)
    else:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def coverage_lines(store: Store, audit_id: int) -> list[str]:
    """One line per site (columns crawled whole / all), then one per incomplete column with its reason."""
    from gongkai import store as st
    from gongkai.vocab import column_label

    lines = []
    by_site: dict[str, list[dict[str, Any]]] = {row["site"]: [] for row in store.rows(st.sites, audit_id)}
    for col in store.rows(st.columns, audit_id):
        by_site.setdefault(col["site"], []).append(col)
    reused = store.count(st.pages, audit_id, variant="normal", revalidated=True)
    if reused:
        fetched = store.count(st.pages, audit_id, variant="normal")
        kept = store.count(st.pages, audit_id, variant="normal", facts_reused=True)
        lines.append(f"重用 reused {reused}/{fetched} pages unchanged since the last audit (HTTP 304); "
                     f"{kept} articles not parsed again (their extraction kept)")
    for site in sorted(by_site):
        cols = by_site[site]
        if not cols:
            lines.append(f"覆盖 coverage {site}: 未找到栏目 no column found (see the site's home page outcome)")
            continue
        whole = sum(c["coverage"] == "complete" for c in cols)
        lines.append(f"覆盖 coverage {site}: {whole}/{len(cols)} 栏目完整 columns complete")
        for c in cols:
            if c["coverage"] != "complete":
                reason = c["coverage_reason"] or "抓取未结束"
                lines.append(f"  不完整 incomplete {column_label(c['type'])} {c['url']}: {reason}")
    return lines


def check(store: Store, audit_id: int, rules_path: Path | None = None, processes: int | None = None) -> Any:
    """Run the rules over an audit already in the store (sites in up to ``processes`` processes)."""
    from gongkai.checks.engine import run_checks

    return run_checks(store, audit_id, rules_path=rules_path, processes=processes)   # it marks the audit checked


def report(store: Store, audit_id: int, out_dir: Path, *, indicators_path: Path | None = None,
           rules_path: Path | None = None, compare_with: Path | None = None, processes: int | None = None) -> Any:
    """Write findings.json, scores.json, the scorecard and report.xlsx for an audit (changes.json
    too when compared with a previous output directory; snapshots in up to ``processes`` processes)."""
    from gongkai.reports.build import write_reports

    out_dir.mkdir(parents=True, exist_ok=True)
    return write_reports(store, audit_id, out_dir, indicators_path=indicators_path, rules_path=rules_path,
                         compare_with=compare_with, processes=processes)
