"""The `gongkai` command: parse arguments, call a stage, map errors to exit codes.

Exit status: 0 when the command ran (whatever the audit found), 2 for bad usage or bad input
(one line naming the file, line and field), 1 for an unexpected internal error or a failure of
the machine (disk full, read-only file system, no permission: one line naming the path; what
was already stored stays in the store), 3 when the crawl did not finish (interrupted: nothing is
graded; ``--resume`` continues it) — also from ``check`` and ``report`` on such an audit, or from
``report`` when the check did not run to its end after the last crawl (the outputs are written,
marked 未完成) — 4 when nothing at all answered (the auditor's network is down: nothing is graded).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gongkai import __version__, lock, scratch, stages
from gongkai.targets import TargetsError, load_targets, region_warning

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_OFFLINE = 0, 1, 2, 3, 4


class UsageError(Exception):
    """Bad usage or input; the message is printed as one line."""


_held: dict[Path, lock.DirectoryLock] = {}   # directories this run has locked (see _run_locks)


@contextlib.contextmanager
def _run_locks() -> Iterator[None]:
    """Around one command: the directories it claims stay locked until it returns."""
    try:
        yield
    finally:
        while _held:
            _held.popitem()[1].release()


def _claim(directory: Path) -> None:
    """Lock ``directory`` for this run (once per directory; DirectoryBusy if another run has it)."""
    key = directory.resolve()
    if key not in _held:
        _held[key] = lock.acquire(directory)


def _out_dir(value: str, *, create: bool = True) -> Path:
    """The output directory, created and locked for this run.

    A path under a regular file (``--out notes.txt/sub``) is bad input (exit 2); mkdir failing
    on a read-only or forbidden parent is the machine's failure, an OSError naming the path
    (exit 1).  With ``create=False`` (check, report: the store must already be there) a missing
    directory is only validated, neither created nor locked.
    """
    path = Path(value)
    for ancestor in (path, *path.parents):
        if ancestor.exists() or ancestor.is_symlink():
            if not ancestor.is_dir():
                where = "exists" if ancestor == path else f"is under {ancestor}, which"
                raise UsageError(f"{value}: {where} is not a directory")
            break
    if create:
        path.mkdir(parents=True, exist_ok=True)
        _claim(path)
    return path


def _load(path: str, rules_path: Path | None = None):  # noqa: ANN202 - returns Targets
    try:
        targets = load_targets(path)
    except TargetsError as exc:
        raise UsageError(str(exc)) from None
    _warn_unknown_regions(path, targets, rules_path)
    return targets


def _warn_unknown_regions(path: str, targets: object, rules_path: Path | None) -> None:
    """One stderr line when a site's region selects no regional parameters (not an error: a
    region only picks overrides, so the site is judged by the national defaults)."""
    from gongkai.checks.engine import load_rules

    keys = {key for rule in load_rules(rules_path) for key in rule.params_by_region}
    line = region_warning(path, targets, keys)  # type: ignore[arg-type]
    if line:
        print(f"gongkai: warning: {line}", file=sys.stderr, flush=True)


def _store_for(args: argparse.Namespace, *, must_exist: bool) -> stages.Store:
    """Open the store named by --store or --out, locking the directory it lives in.

    A new store's directory is created and locked before anything is written; an existing
    store (check, report) is opened first, so a missing one leaves nothing behind.
    """
    if args.store:
        location: str | Path = args.store
        directory = None if "://" in args.store else _out_dir(str(Path(args.store).parent), create=not must_exist)
    elif args.out:
        directory = _out_dir(args.out, create=not must_exist)
        location = stages.store_path(directory)
    else:
        raise UsageError("give --out DIR (store DIR/gongkai.sqlite) or --store PATH")
    store = stages.open_store(location, must_exist=must_exist)
    if directory is not None and directory.is_dir():
        _claim(directory)
    return store


def _say(text: str) -> None:
    print(text, flush=True)


# -- commands ----------------------------------------------------------------------------------

def cmd_audit(args: argparse.Namespace) -> int:
    targets = _load(args.targets, _rules_path(args))
    out = _out_dir(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rules = _rules_path(args)
    location = _audit_store(args, out)
    _say(f"抓取 crawling {len(targets.sites)} site(s) → {out}")
    if args.redis:
        outcome = _distributed(args, location).crawl(targets, resume=args.resume)
    else:
        outcome = stages.crawl(targets, location, quiet=not args.verbose, resume=args.resume)
    store = stages.open_store(location, must_exist=True)
    _print_coverage(store, outcome.audit_id)
    again = "".join(f" --{name} {stages.mask_url(getattr(args, name))}" for name in ("store", "redis")
                    if getattr(args, name))
    refusal = _refuse_grading(outcome, f"gongkai audit {args.targets} --out {args.out}{again} --resume")
    if refusal:
        return refusal
    audit_id = outcome.audit_id
    _say("检查 checking …")
    stages.check(store, audit_id, rules, processes=args.processes)
    paths = _report(store, audit_id, out, args, rules)
    _say(f"报告 scorecard: {getattr(paths, 'index', out / 'scorecard' / 'index.html')}")
    return _unfinished(store, audit_id, "reported") or EXIT_OK


def _audit_store(args: argparse.Namespace, out: Path) -> Path | str:
    """Where an audit stores: ``--store`` (a URL, or a file whose directory is locked), else DIR/gongkai.sqlite.

    A distributed audit needs a database every worker reaches: a file or SQLite URL is refused.
    """
    if not args.store:
        if args.redis:
            raise UsageError("--redis needs --store postgresql+psycopg://… (a database every worker reaches)")
        return stages.store_path(out)
    if "://" not in args.store:
        if args.redis:
            raise UsageError(f"{args.store}: --redis needs a database URL every worker reaches "
                             "(--store postgresql+psycopg://…), not a file")
        _out_dir(str(Path(args.store).parent))
        return args.store
    if args.redis and args.store.startswith("sqlite"):
        raise UsageError(f"{args.store}: --redis needs a database every worker reaches (postgresql+psycopg://…)")
    return args.store


def _distributed(args: argparse.Namespace, location: Path | str):  # noqa: ANN202 - returns Distributed
    from gongkai.distributed import Distributed

    return Distributed(str(location), args.redis, job_timeout=args.job_timeout, wait=args.wait,
                       verbose=args.verbose, say=_say)


def cmd_crawl_site(args: argparse.Namespace) -> int:
    """One job of a distributed audit (run by `gongkai worker`): crawl some sites into an existing audit."""
    location = args.store or os.environ.get("GONGKAI_STORE")
    if not location:
        raise UsageError("give --store URL (or GONGKAI_STORE in the environment)")
    outcome = stages.crawl(None, location, quiet=not args.verbose,
                           into=stages.SiteJob(args.audit, tuple(args.site)))
    if not outcome.finished:
        print(f"gongkai: audit {args.audit} sites {', '.join(args.site)}: crawl did not finish "
              f"({outcome.close_reason or 'killed'})", file=sys.stderr)
        return EXIT_INCOMPLETE
    _say(f"audit {args.audit}: crawled {', '.join(args.site)}")
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    from gongkai.distributed import QUEUE, run_worker

    _say(f"worker on {stages.mask_url(args.redis)} queue {QUEUE}" + (" (burst)" if args.burst else ""))
    run_worker(args.redis, burst=args.burst, name=args.name)
    return EXIT_OK


def cmd_crawl(args: argparse.Namespace) -> int:
    targets = _load(args.targets)
    store = _store_for(args, must_exist=False)
    location = store.url.removeprefix("sqlite:///") if store.url.startswith("sqlite:///") else store.url
    store.close()
    outcome = stages.crawl(targets, location, quiet=not args.verbose, resume=args.resume)
    store = stages.open_store(location, must_exist=True)
    _print_coverage(store, outcome.audit_id)
    store.close()
    where = f"--out {args.out}" if args.out else f"--store {args.store}"
    refusal = _refuse_grading(outcome, f"gongkai crawl {args.targets} {where} --resume")
    if refusal:
        return refusal
    _say(f"audit {outcome.audit_id} crawled into {location}")
    return EXIT_OK


def _refuse_grading(outcome: stages.CrawlOutcome, resume_command: str) -> int | None:
    """The exit status of a crawl that must not be graded, after one line saying why; else None."""
    if not outcome.finished:
        reason = outcome.close_reason or "killed"
        print(f"gongkai: audit {outcome.audit_id} crawl did not finish ({reason}): nothing graded; "
              f"continue with: {resume_command}", file=sys.stderr)
        return EXIT_INCOMPLETE
    if outcome.nothing_answered:
        print(f"gongkai: audit {outcome.audit_id}: no site and no outside host answered — the auditor's network "
              "looks down; nothing graded", file=sys.stderr)
        return EXIT_OFFLINE
    return None


def _print_coverage(store: stages.Store, audit_id: int) -> None:
    """Per site: how many columns were crawled whole, and why the others were not."""
    for line in stages.coverage_lines(store, audit_id):
        _say(line)


def cmd_probe(args: argparse.Namespace) -> int:
    """Monitoring runs every few minutes, also while an audit writes into the same directory: it
    only appends monitoring rows (SQLite serialises the writes), so it takes no directory lock."""
    targets = _load(args.targets)
    if args.store:
        location: str | Path = args.store
    elif args.out:
        directory = _out_dir(args.out, create=False)
        directory.mkdir(parents=True, exist_ok=True)
        location = stages.store_path(directory)
    else:
        raise UsageError("give --out DIR (store DIR/gongkai.sqlite) or --store PATH")
    for row in stages.probe(targets, location):
        took = f"{row['seconds']:.1f}s" if row["seconds"] is not None else "—"
        _say(f"{row['at']} {row['site']} {row['outcome']} {took} {row['reason']}")
    return EXIT_OK


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: at least 1")
    return value


def _processes_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--processes", type=_at_least_one, metavar="N",
                   help="spread a large audit's work over up to N processes: the check's sites, the report's "
                        "snapshots (default: one per core, at most 4; 1: all in this one)")


def cmd_check(args: argparse.Namespace) -> int:
    store = _store_for(args, must_exist=True)
    audit_id = stages.resolve_audit(store, args.audit)
    summary = stages.check(store, audit_id, _rules_path(args), processes=args.processes)
    _say(f"audit {audit_id} checked: {summary}")
    return _unfinished(store, audit_id, "checked") or EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    store = _store_for(args, must_exist=True)
    audit_id = stages.resolve_audit(store, args.audit)
    out = _out_dir(args.out) if args.out else Path(store.url.removeprefix("sqlite:///")).parent
    paths = _report(store, audit_id, out, args, _rules_path(args))
    _say(f"报告 scorecard: {getattr(paths, 'index', out / 'scorecard' / 'index.html')}")
    return _unfinished(store, audit_id, "reported") or EXIT_OK


def _unfinished(store: stages.Store, audit_id: int, done: str) -> int | None:
    """EXIT_INCOMPLETE, after one line saying why, when the audit's crawl or check did not finish:
    its outputs are written, marked 未完成 on every page, and cron must not take them for a grade."""
    from gongkai.reports.auditstate import audit_state

    state = audit_state(store.audit(audit_id) or {})
    if state.complete:
        return None
    print(f"gongkai: audit {audit_id} {done}, but it is unfinished ({state.why}): marked 未完成, nothing graded",
          file=sys.stderr)
    return EXIT_INCOMPLETE


def _compare_dir(args: argparse.Namespace) -> Path | None:
    """The previous output directory of ``--compare``: it must hold a findings.json."""
    from gongkai.reports import outputs

    value = getattr(args, "compare", None)
    if not value:
        return None
    if not (Path(value) / outputs.FINDINGS).is_file():
        raise UsageError(f"{value}: no {outputs.FINDINGS} (--compare takes a previous gongkai output directory)")
    return Path(value)


def _report(store: stages.Store, audit_id: int, out: Path, args: argparse.Namespace, rules: Path | None) -> object:
    """The report stage; with ``--compare`` each finding is marked 新增/仍存在 against the previous quarter."""
    return stages.report(store, audit_id, out, indicators_path=_indicators_path(args), rules_path=rules,
                         compare_with=_compare_dir(args), processes=args.processes)


def cmd_export(args: argparse.Namespace) -> int:
    """CSV of every crawled page or every link, as crawl tools offer: DIR/pages.csv or DIR/links.csv."""
    from gongkai.reports.csvexport import export_csv

    store = _store_for(args, must_exist=True)
    audit_id = stages.resolve_audit(store, args.audit)
    out = _out_dir(args.out) if args.out else Path(store.url.removeprefix("sqlite:///")).parent
    path = export_csv(store, audit_id, args.what, out)
    _say(f"导出 exported: {path}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from gongkai.demo.portal import DemoPortal

    out = _out_dir(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _remove_demo_run(out)
    with DemoPortal() as portal:
        targets_file = portal.write_targets(out / "targets.yaml")
        _say(f"演示门户 demo portal: {', '.join(portal.base_urls)}")
        args.targets, args.out = str(targets_file), str(out)
        args.rules = args.indicators = args.store = args.redis = args.processes = None
        args.resume = False
        status = cmd_audit(args)
    if status == EXIT_OK:
        _say(f"打开 open: {(out / 'scorecard' / 'index.html').resolve()}")
    return status


def _remove_demo_run(out: Path) -> None:
    """A demo starts anew: the last demo's store and outputs go, so an interrupted demo leaves no
    scorecard of the run before it looking like its own."""
    from gongkai.reports import outputs

    store_file = stages.store_path(out)
    for path in (store_file, Path(f"{store_file}-wal"), Path(f"{store_file}-shm"), *(out / n for n in outputs.FILES)):
        path.unlink(missing_ok=True)
    shutil.rmtree(out / outputs.SCORECARD, ignore_errors=True)


def cmd_rules(args: argparse.Namespace) -> int:
    from gongkai.checks.engine import format_rules_table, load_rules

    for row in format_rules_table(load_rules(_rules_path(args))):
        veto = "单项否决" if row["veto"] else row["severity"]
        _say(f"{row['id']}\t{veto}\t{row['title']}\t[{row['status']}] {row['sources']}")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from gongkai.fetch import FetchError, read_page

    try:
        html, url = read_page(args.page)
    except FetchError as exc:
        raise UsageError(str(exc)) from None
    from gongkai.crawler.extract import extract_page

    print(json.dumps(extract_page(html, url), ensure_ascii=False, indent=2))
    return EXIT_OK


def _rules_path(args: argparse.Namespace) -> Path | None:
    value = getattr(args, "rules", None)
    if value and not Path(value).is_file():
        raise UsageError(f"{value}: no such rules file")
    return Path(value) if value else None


def _indicators_path(args: argparse.Namespace) -> Path | None:
    value = getattr(args, "indicators", None)
    if value and not Path(value).is_file():
        raise UsageError(f"{value}: no such indicators file")
    return Path(value) if value else None


# -- parser --------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="政务公开 compliance audits of government websites")
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("audit", cmd_audit, "crawl + check + report: the whole audit of a targets file")
    p.add_argument("targets", help="targets.yaml")
    p.add_argument("--out", required=True, help="output directory (findings.json, scores.json, scorecard/, report.xlsx, gongkai.sqlite)")
    p.add_argument("--rules", help="rules YAML to use instead of the bundled rulebook")
    p.add_argument("--indicators", help="indicators YAML to use instead of the bundled indicator system")
    p.add_argument("--resume", action="store_true", help="continue the latest audit in DIR: keep what it stored")
    p.add_argument("--compare", metavar="PREVIOUS_OUT_DIR",
                   help="mark findings 新增/仍存在 against a previous output directory; write changes.json")
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    _processes_option(p)
    p.add_argument("--store", help="store path or SQLAlchemy URL (default: DIR/gongkai.sqlite)")
    p.add_argument("--redis", help="distributed: enqueue one job per site on this Redis (redis://…) for "
                                   "`gongkai worker`s and wait for them; needs --store postgresql+psycopg://…")
    p.add_argument("--job-timeout", type=int, default=6 * 3600, metavar="SECONDS",
                   help="with --redis: how long one site's job may crawl (default 6 h)")
    p.add_argument("--wait", type=float, default=24 * 3600, metavar="SECONDS",
                   help="with --redis: how long to wait for all jobs (default 24 h); then the crawl is unfinished")

    p = add("worker", cmd_worker, "distributed: run site crawl jobs from Redis (start one or more per machine)")
    p.add_argument("--redis", required=True, help="Redis URL (redis://host:port/db), as given to `gongkai audit`")
    p.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    p.add_argument("--name", help="worker name (default: RQ's, unique)")

    p = add("crawl-site", cmd_crawl_site, "one job of a distributed audit: crawl some sites into an existing "
                                          "audit (run by `gongkai worker`)")
    p.add_argument("--audit", type=int, required=True, help="audit id in the store")
    p.add_argument("--site", action="append", required=True, help="site id (repeat for several)")
    p.add_argument("--store", help="SQLAlchemy URL (default: $GONGKAI_STORE)")
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    p = add("crawl", cmd_crawl, "crawl the sites of a targets file into the store (a new audit id)")
    p.add_argument("targets", help="targets.yaml")
    p.add_argument("--out", help="directory holding the store gongkai.sqlite")
    p.add_argument("--store", help="store path or SQLAlchemy URL")
    p.add_argument("--resume", action="store_true", help="continue the latest audit in the store: keep what it stored")
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    p = add("probe", cmd_probe, "availability monitoring: one timed request per site home into the store "
                                "(run from cron; 站点无法访问 uses a week of these)")
    p.add_argument("targets", help="targets.yaml")
    p.add_argument("--out", help="directory holding the store gongkai.sqlite")
    p.add_argument("--store", help="store path or SQLAlchemy URL")

    p = add("check", cmd_check, "run the rules over a crawled audit (no crawling)")
    p.add_argument("--out", help="directory holding the store gongkai.sqlite")
    p.add_argument("--store", help="store path or SQLAlchemy URL")
    p.add_argument("--audit", type=int, help="audit id (default: the latest)")
    p.add_argument("--rules", help="rules YAML to use instead of the bundled rulebook")
    _processes_option(p)

    p = add("report", cmd_report, "write findings.json, scores.json, scorecard/ and report.xlsx from the store")
    p.add_argument("--out", help="output directory (default: the store's directory)")
    p.add_argument("--store", help="store path or SQLAlchemy URL")
    p.add_argument("--audit", type=int, help="audit id (default: the latest)")
    p.add_argument("--rules", help="rules YAML (for titles, severities and sources)")
    p.add_argument("--indicators", help="indicators YAML to use instead of the bundled indicator system")
    p.add_argument("--compare", metavar="PREVIOUS_OUT_DIR",
                   help="mark findings 新增/仍存在 against a previous output directory; write changes.json")
    _processes_option(p)

    p = add("export", cmd_export, "write every crawled page (pages.csv) or every link (links.csv) of an audit as CSV")
    p.add_argument("what", choices=("pages", "links"), help="pages or links")
    p.add_argument("--out", help="directory holding the store gongkai.sqlite; the CSV is written there")
    p.add_argument("--store", help="store path or SQLAlchemy URL")
    p.add_argument("--audit", type=int, help="audit id (default: the latest)")

    p = add("demo", cmd_demo, "serve the bundled sample portal on loopback and audit it into ./gongkai-demo/")
    p.add_argument("--out", default="gongkai-demo", help="output directory (default: ./gongkai-demo)")
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    p = add("rules", cmd_rules, "list the rules with their sources and the status of each source")
    p.add_argument("--rules", help="rules YAML to list instead of the bundled rulebook")

    p = add("extract", cmd_extract, "print the fields gongkai extracts from one page (file path or URL) as JSON")
    p.add_argument("page", help="an HTML file or an http(s) URL")
    return parser


def _input_errors() -> tuple[type[Exception], ...]:
    """Exceptions that mean bad input (a rules or indicators file): one line, exit 2."""
    from gongkai.checks.engine import RulesError
    from gongkai.distributed import DistributedError
    from gongkai.reports.errors import ReportError
    from gongkai.reports.indicators import IndicatorsError

    return (UsageError, stages.StageError, RulesError, ReportError, IndicatorsError, lock.DirectoryBusy,
            DistributedError)


def _where(args: argparse.Namespace, *, store: bool) -> str:
    """What a failure without a file name is about: the store (a database error), else the
    output directory (a write that failed halfway, ENOSPC from ``write()`` names no file)."""
    if getattr(args, "out", None) and not store:
        return str(args.out)
    if getattr(args, "store", None):
        return stages.mask_url(args.store)
    if getattr(args, "out", None):
        return str(stages.store_path(Path(args.out)))
    return "gongkai"


def _one_line(text: object) -> str:
    """Whatever an exception says, as one line of bounded length (cron mails stay readable)."""
    return " ".join(str(text).split())[:1000]


def _machine_line(path: str, detail: str) -> str:
    """``path: detail``, saying so when the disk is full: SQLite reports a full disk on which it
    cannot map its shared-memory file as a bare "disk I/O error".  A file system without blocks
    (/proc, /sys) has none free either, and is not full."""
    if "://" not in path and "full" not in detail and "space" not in detail.lower():
        with contextlib.suppress(OSError, ValueError):
            probe = Path(path)
            while not probe.exists() and probe != probe.parent:
                probe = probe.parent
            disk = os.statvfs(probe)
            if disk.f_blocks and disk.f_bavail == 0:
                detail += " (no space left on device)"
    return f"gongkai: error: {path}: {detail}"


def main(argv: Sequence[str] | None = None) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from sqlalchemy.exc import OperationalError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with scratch.private_tempdir(), _run_locks():
            return args.func(args)
    except _input_errors() as exc:
        print(f"gongkai: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `gongkai rules | head`
        sys.stderr.close()
        return EXIT_OK
    except stages.MachineError as exc:
        print(f"gongkai: error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except OSError as exc:  # the machine: disk full, read-only file system, permission
        path = exc.filename if exc.filename is not None else _where(args, store=False)
        print(_machine_line(str(path), _one_line(exc.strerror or exc)), file=sys.stderr)
        return EXIT_INTERNAL
    except OperationalError as exc:  # the database: "database or disk is full", a read-only store …
        print(_machine_line(_where(args, store=True), _one_line(exc.orig or exc)), file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenProcessPool:   # killed from outside: the out-of-memory killer, an operator
        print("gongkai: error: a check or report worker process died (out of memory?); what it had not finished "
              "keeps its previous content, the crawl is in the store: run gongkai check and gongkai report again "
              "(--processes 1: in one process)", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("gongkai: interrupted; what was collected is in the store", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
