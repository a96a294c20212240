"""存档快照: the page behind each finding, as it was seen, in a form that survives an appeal.

A webmaster who fixed a page overnight will say the finding was never true.  The store keeps, for
every fetched page, the decoded HTML (bounded), the sha256 of the bytes as fetched, the fetch time
and the HTTP status — not the raw bytes.  Each snapshot file therefore says exactly that: this is
the decoded HTML of a response whose bytes had this sha256, fetched at this time with this status.

The copy is made inert before anyone opens it (:mod:`reports.inert`: nothing in it may run, load
or navigate, hidden characters shown as ``⟨U+202E⟩``, 身份证号 and mobile numbers masked) and a
Content-Security-Policy forbids every outside load (a hacked page must not run, track or redirect
the evaluator).
Files are named by sha256, so identical pages are stored once; a byte budget bounds the folder and
``scorecard/snapshots/index.json`` lists what was left out and why.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

from gongkai import processes as proc
from gongkai import store as st
from gongkai.text import visible_controls

from . import atomic
from .auditstate import AuditState
from .cards import Finding
from .evidence import timestamp
from .export import json_text
from .inert import inert, serialize

DIRECTORY = "scorecard/snapshots"    # inside scorecard/: the folder handed over carries its evidence
DEFAULT_BUDGET = 50_000_000          # bytes of snapshot files per report
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'"
EVIDENCE_URL_KEYS = ("url", "policy_url", "report_url", "release_url", "page", "column_url")
NOT_STORED = "未存储页面内容"
NOT_RENDERED = "快照生成失败"
OVER_BUDGET = "超出快照容量上限"


@dataclass(frozen=True)
class PageRecord:
    """The store's record of one fetched page (``html`` is loaded only when the file is written)."""

    url: str
    final_url: str | None
    status: int | None
    fetched_at: str | None
    sha256: str
    html: str
    site: str = ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PageRecord:
        return cls(row["url"], row.get("final_url"), row.get("status"), row.get("fetched_at"),
                   row.get("sha256") or "", row.get("snapshot") or "", row.get("site") or "")


def candidate_urls(f: Finding) -> list[str]:
    """The pages behind a finding: its subject, then pages its evidence names (a broken link's source)."""
    ev = f.evidence
    urls = [f.row.subject] + [ev[k] for k in EVIDENCE_URL_KEYS if isinstance(ev.get(k), str)]
    for source in ev.get("linked_from") or []:
        page = source.get("page") if isinstance(source, dict) else source
        if isinstance(page, str):
            urls.append(page)
    return list(dict.fromkeys(urls))


PAGE_FIELDS = ("site", "url", "final_url", "status", "fetched_at", "sha256", "variant")   # no text


def _pick(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Of the rows at one URL, the normal variant first, then the earliest fetched (rows without a body skipped)."""
    rows = [r for r in rows if r.get("sha256")]
    rows.sort(key=lambda r: (r.get("variant") != "normal", r.get("fetched_at") or ""))
    return rows[0] if rows else None


class PageIndex:
    """The pages behind findings, found in one pass over the audit's pages (without their HTML)
    instead of two queries per URL, and kept only for the URLs findings name: a big audit must
    not hold every page.  A URL's page is a page fetched at it, else one redirected to it."""

    def __init__(self, store: st.Store, audit_id: int, items: Iterable[Finding]) -> None:
        wanted = {(f.row.site, url) for f in items for url in candidate_urls(f)}
        at_url: dict[tuple[str, str], list[dict[str, Any]]] = {}
        redirected: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in store.stream(st.pages, audit_id, PAGE_FIELDS):
            key = (row["site"], row["url"])
            if key in wanted:
                at_url.setdefault(key, []).append(row)
            final = (row["site"], row["final_url"])
            if row["final_url"] is not None and final in wanted:
                redirected.setdefault(final, []).append(row)
        self.cache: dict[tuple[str, str], PageRecord | None] = {}
        for key in wanted:
            row = _pick(at_url.get(key) or redirected.get(key) or [])
            self.cache[key] = PageRecord.from_row(row) if row else None

    def get(self, site: str, url: str) -> PageRecord | None:
        return self.cache.get((site, url))

    def for_finding(self, f: Finding) -> PageRecord | None:
        for url in candidate_urls(f):
            page = self.get(f.row.site, url)
            if page:
                return page
        return None


BANNER_STYLE = ("all:initial;display:block;font:14px/1.5 sans-serif;background:#fff8e1;color:#222;"
                "border:3px solid #b00;padding:8px 12px;margin:0 0 12px")
BANNER_TEXT = ("：以下为抓取时收到的字节经解码后的 HTML（存储有长度上限，可能被截断），已移除脚本、框架与事件属性并禁止加载任何外部资源，"
               "正文中的身份证号、手机号码已遮盖，显示效果可能与原网页不同。原始字节未保存；下表的 SHA-256 是抓取所得原始字节的摘要。")
HEAD_META = ({"charset": "utf-8"}, {"http-equiv": "Content-Security-Policy", "content": CSP},
             {"name": "referrer", "content": "no-referrer"})


def _tag(name: str, attrs: dict[str, str] | None, *children: etree._Element | str) -> etree._Element:
    """An element holding text and elements in order (text after an element is that element's tail)."""
    tag = etree.Element(name, attrs or {})
    for child in children:
        if isinstance(child, str):
            if len(tag):
                tag[-1].tail = (tag[-1].tail or "") + child
            else:
                tag.text = (tag.text or "") + child
        else:
            tag.append(child)
    return tag


def banner(page: PageRecord, state: AuditState, also: list[str]) -> etree._Element:
    """The evidence header: URL, fetch time, status, sha256 — and what the file is and is not.

    Built as elements, never parsed from markup: every crawled value is a text node (shown with
    its invisible characters escaped), so no URL can open an element or an attribute."""
    fetched = timestamp(page.fetched_at or "") or page.fetched_at or "未记录"
    rows = [("地址", page.url), ("最终地址", page.final_url if page.final_url != page.url else None),
            ("抓取时间", f"{fetched}（{page.fetched_at or '—'}）"), ("HTTP 状态", page.status),
            ("SHA-256（抓取所得原始字节）", page.sha256)]
    if also:
        rows.append(("内容相同的其他地址", "；".join(also[:20])))
    shown = [_tag("tr", None, _tag("th", None, visible_controls(k)), _tag("td", None, visible_controls(str(v))))
             for k, v in rows if v is not None]
    parts: list[etree._Element] = []
    if not state.complete:
        parts.append(_tag("p", None, _tag("b", None, "未完成"), " " + visible_controls(state.banner or "")))
    parts.append(_tag("p", None, _tag("b", None, "gongkai 存档快照"), BANNER_TEXT))
    parts.append(_tag("table", {"style": "border-collapse:collapse"}, *shown))
    return _tag("div", {"id": "gongkai-snapshot", "style": BANNER_STYLE}, *parts)


def render(page: PageRecord, state: AuditState, also: list[str]) -> str:
    """The inert copy with the CSP first in its head and the banner first in its body."""
    root = inert(page.html)
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
    root.insert(0, head)   # first, wherever the page had it: a policy in a head after the body is ignored
    root.text = None
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    head[0:0] = [etree.Element("meta", attrs) for attrs in HEAD_META]
    body.insert(0, banner(page, state, also))
    return "<!DOCTYPE html>\n" + serialize(root)


@dataclass
class SnapshotSet:
    """Snapshot records per finding id, and the index written next to the files."""

    by_finding: dict[str, dict[str, Any]]
    index: dict[str, Any]


def _collect(pages: PageIndex, items: Iterable[Finding]) -> tuple[dict[str, dict[str, Any]], dict[str, list[PageRecord]]]:
    """Per finding its page's sha256; per sha256 the pages with those bytes, in first-seen (priority) order."""
    by_finding: dict[str, dict[str, Any]] = {}
    by_sha: dict[str, list[PageRecord]] = {}
    for f in items:
        page = pages.for_finding(f)
        if page is None:
            continue
        same = by_sha.setdefault(page.sha256, [])
        if page.url not in {p.url for p in same}:
            same.append(page)
        by_finding[f.id] = {"sha256": page.sha256}
    return by_finding, by_sha


@dataclass(frozen=True)
class _Job:
    """One distinct body to write: the record of the page named for it (without its HTML) and the
    other URLs that served the same bytes."""

    page: PageRecord
    also: list[str]

    def entry(self) -> dict[str, Any]:
        page = self.page
        return {"sha256": page.sha256, "url": page.url, "also": self.also, "status": page.status,
                "fetched_at": page.fetched_at}


def _jobs(pages: PageIndex, items: Iterable[Finding]) -> tuple[dict[str, dict[str, Any]], list[_Job]]:
    by_finding, by_sha = _collect(pages, items)
    jobs = []
    for same in by_sha.values():
        records = sorted(same, key=lambda p: p.url)
        jobs.append(_Job(records[0], [p.url for p in records[1:]]))
    return by_finding, jobs


def _render_job(job: _Job, html: str, state: AuditState) -> tuple[str | None, str | None]:
    """(the inert copy, None) of a job's page given its stored HTML, or (None, why it cannot be written)."""
    if not html:
        return None, NOT_STORED
    try:
        return render(replace(job.page, html=html), state, job.also), None
    except (ValueError, etree.LxmlError) as exc:   # none known; one page must not stop the report
        return None, f"{NOT_RENDERED}（{type(exc).__name__}）"


@dataclass(frozen=True)
class _Copy:
    """What became of one job: its copy written under the report's temporary name (``tmp``), of
    ``size`` bytes, or why not (``reason``; ``size`` too when it was too large to fit)."""

    tmp: Path | None
    size: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class _Target:
    """Where a task's copies go: the snapshot folder, under temporary names of the report's
    process (``owner``: it renames them, or removes whatever a stopped worker left), and the bytes
    left in the budget when the task was handed out (``room``: only ever less when it is kept, so
    a larger copy is not written at all)."""

    directory: Path
    owner: int
    room: int


_worker: dict[str, Any] = {}   # a render worker's store, set once by _open_store


def _open_store(url: str) -> None:
    _worker["store"] = st.Store(url)


def _write_all(store: st.Store, jobs: list[_Job], state: AuditState, target: _Target) -> list[_Copy]:
    """The jobs' copies rendered and written, their pages read from the store in one query.

    The copies are written where they are made (a worker process, in parallel, instead of one
    thread of the report writing every file); if one cannot be, those already written for the
    task are removed before the error is raised: a task's files are all handed back or none is
    left."""
    html = store.snapshots(job.page.sha256 for job in jobs)
    copies: list[_Copy] = []
    try:
        for job in jobs:
            copies.append(_write_copy(job, html.get(job.page.sha256, ""), state, target))
    except BaseException:
        for copy in copies:
            if copy.tmp is not None:
                copy.tmp.unlink(missing_ok=True)
        raise
    return copies


def _write_copy(job: _Job, html: str, state: AuditState, target: _Target) -> _Copy:
    text, reason = _render_job(job, html, state)
    if text is None:
        return _Copy(None, reason=reason)
    data = text.encode("utf-8")
    if len(data) > target.room:
        return _Copy(None, len(data), OVER_BUDGET)
    return _Copy(atomic.write_temporary(target.directory / f"{job.page.sha256}.html", data, target.owner), len(data))


def _write_in_worker(jobs: list[_Job], state: AuditState, target: _Target) -> list[_Copy]:
    return _write_all(_worker["store"], jobs, state, target)


PROCESS_AFTER = 200   # distinct pages below which snapshots are rendered in the calling process
CHUNK = 16            # pages per task: the thread taking them back waits for the interpreter once per task
WINDOW = 2            # tasks per worker rendered ahead of the one being kept or left out


class Rendering:
    """The snapshots of a report, rendered while the caller goes on (:func:`rendering`).

    Each distinct page behind a finding is made inert in one of up to ``processes`` worker processes
    (a large report has thousands; lxml holds the interpreter while it works), read there from the
    store, ``CHUNK`` pages a task, and written there under the report's temporary name (creating
    thousands of files was the slowest part of the report's own process).  A thread of the calling
    process takes each task's outcome back in priority order and keeps each copy within the byte
    budget — adopted by the caller's batch, or its file removed — so what is kept is what one
    process writing them would keep.  At most ``WINDOW`` tasks per worker are ahead of it, so memory
    stays bounded however many findings there are; a stopped report removes what its workers
    wrote.  A report of fewer than ``PROCESS_AFTER`` pages, or run with one process, renders and
    writes them in :meth:`finish`.
    """

    def __init__(self, out_dir: Path, store: st.Store, audit_id: int, items: Iterable[Finding], state: AuditState,
                 files: atomic.Batch, budget: int, processes: int) -> None:
        self.directory, self.state, self.files, self.budget = Path(out_dir) / DIRECTORY, state, files, budget
        self.store, items = store, list(items)
        self.by_finding, self.jobs = _jobs(PageIndex(store, audit_id, items), items)
        self.written: list[dict[str, Any]] = []
        self.omitted: list[dict[str, Any]] = []
        self.used = 0
        self.processes = processes
        self.failure: BaseException | None = None
        self.pool: ProcessPoolExecutor | None = None
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self.submitting = threading.Lock()

    def start(self) -> None:
        """Start the workers and hand them the first pages from this thread (a fork must not copy
        another thread mid-use), then let a thread keep them busy and take their copies back."""
        if self.processes <= 1 or len(self.jobs) < PROCESS_AFTER:
            return
        processes = self.processes
        self.pool = proc.pool(processes, proc.start_method(), _open_store, (self.store.url,))
        ahead: collections.deque[tuple[list[_Job], Future[list[_Copy]]]] = collections.deque()
        tasks = (self.jobs[i:i + CHUNK] for i in range(0, len(self.jobs), CHUNK))
        self.directory.mkdir(parents=True, exist_ok=True)
        for task in itertools.islice(tasks, WINDOW * processes):
            ahead.append((task, self.pool.submit(_write_in_worker, task, self.state, self._target())))
        self.thread = threading.Thread(target=self._take_back, args=(ahead, tasks), name="gongkai-snapshots",
                                       daemon=True)
        self.thread.start()

    def _target(self) -> _Target:
        return _Target(self.directory, os.getpid(), self.budget - self.used)

    def _take_back(self, ahead: collections.deque[tuple[list[_Job], Future[list[_Copy]]]],
                   tasks: Iterator[list[_Job]]) -> None:
        pool = self.pool
        assert pool is not None, "started before the thread"
        try:
            while ahead and not self.stopping.is_set():
                task, future = ahead.popleft()
                for job, copy in zip(task, proc.result(future, pool), strict=True):
                    self._keep(job, copy)
                following = next(tasks, None)
                with self.submitting:   # never after abort() has begun: a late task would wait for ever
                    if following is not None and not self.stopping.is_set():
                        ahead.append((following, pool.submit(_write_in_worker, following, self.state, self._target())))
        except BaseException as exc:  # noqa: BLE001 - raised again by finish(), in the caller's thread
            self.failure = exc

    def _keep(self, job: _Job, copy: _Copy) -> None:
        """Keep a page's copy if it fits the budget; else remove it and record why it was left out."""
        entry = job.entry()
        if copy.tmp is not None and copy.size is not None and self.used + copy.size <= self.budget:
            self.files.adopt(copy.tmp, self.directory / f"{job.page.sha256}.html")
            self.used += copy.size
            self.written.append({**entry, "path": f"{DIRECTORY}/{job.page.sha256}.html", "size": copy.size})
            return
        if copy.tmp is not None:   # written while there was room; the pages kept before it took it
            copy.tmp.unlink(missing_ok=True)
            copy = _Copy(None, copy.size, OVER_BUDGET)
        self.omitted.append({**entry, "reason": copy.reason, **({"size": copy.size} if copy.size is not None else {})})

    def finish(self) -> SnapshotSet:
        """Every page kept or left out (rendered here when no worker did), the index written with them.

        Returns, per finding id, ``{"path": "scorecard/snapshots/<sha256>.html", "sha256": …}`` — ``path``
        null and ``omitted`` set when the copy was not written."""
        if self.thread is None:
            if self.jobs:
                self.directory.mkdir(parents=True, exist_ok=True)
            for i in range(0, len(self.jobs), CHUNK):
                task = self.jobs[i:i + CHUNK]
                for job, copy in zip(task, _write_all(self.store, task, self.state, self._target()), strict=True):
                    self._keep(job, copy)
        else:
            self.thread.join()
            if self.failure is not None:
                self.abort()   # tasks still in flight are not waited for
                raise self.failure
            self._stop()
        _finish_records(self.by_finding, self.omitted)
        index = {"complete": self.state.complete, "budget_bytes": self.budget, "bytes": self.used,
                 "written": sorted(self.written, key=lambda e: e["sha256"]),
                 "omitted": sorted(self.omitted, key=lambda e: e["sha256"])}
        if self.written or self.omitted:   # with the files it lists: in place only if they are
            self.directory.mkdir(parents=True, exist_ok=True)
            self.files.write_text(self.directory / "index.json", json_text(index))
        return SnapshotSet(self.by_finding, index)

    def _stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None

    def abort(self) -> None:
        """Stop at once (the caller failed or was interrupted): the thread told to stop, the workers
        killed (the result the thread waits for fails, even one killed mid-send), the thread ended."""
        with self.submitting:
            self.stopping.set()
        if self.pool is not None:
            proc.stop(self.pool)
        if self.thread is not None:
            self.thread.join(proc.STOP_WAIT_SECONDS)
        if self.pool is not None:   # copies written by tasks never taken back, or cut off by the stop
            atomic.remove_temporaries(self.directory, os.getpid())
        self.pool = None


@contextlib.contextmanager
def rendering(out_dir: Path, store: st.Store, audit_id: int, items: Iterable[Finding], state: AuditState,
              files: atomic.Batch, budget: int = DEFAULT_BUDGET, processes: int = 1) -> Iterator[Rendering]:
    """Render the snapshots behind ``items`` (in priority order) while the caller goes on; the
    caller calls :meth:`Rendering.finish` for the result.  Its files go through ``files``, which
    the caller commits after this block."""
    job = Rendering(out_dir, store, audit_id, items, state, files, budget, processes)
    try:
        job.start()
        yield job
    except BaseException:
        job.abort()
        raise
    job.abort()   # finished already, or never asked: nothing left running either way


def _finish_records(by_finding: dict[str, dict[str, Any]], omitted: list[dict[str, Any]]) -> None:
    """Give each finding's record its path, or null and the reason it was left out."""
    reasons = {o["sha256"]: o["reason"] for o in omitted}
    for record in by_finding.values():
        sha = record["sha256"]
        record["path"] = None if sha in reasons else f"{DIRECTORY}/{sha}.html"
        if sha in reasons:
            record["omitted"] = reasons[sha]


def link(record: dict[str, Any] | None, base: str = "scorecard/") -> str | None:
    """The snapshot's path relative to ``base`` (a scorecard page's folder; "" for the output directory)."""
    if not record or not record.get("path"):
        return None
    return record["path"].removeprefix(base)

