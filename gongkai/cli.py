"""The `gongkai` command: parse arguments, call a stage, map errors to exit codes.

Exit status: 0 when the command ran (whatever the audit found), 2 for bad usage or bad input
(one line naming the file, line and field), 1 for an unexpected internal error, 3 when the crawl
did not finish (interrupted: nothing is graded; ``--resume`` continues it), 4 when nothing at all
answered (the auditor's network is down: nothing is graded).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gongkai import __version__, stages
from gongkai.targets import TargetsError, load_targets

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_OFFLINE = 0, 1, 2, 3, 4


class UsageError(Exception):
    """Bad usage or input; the message is printed as one line."""


def _out_dir(value: str) -> Path:
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{value}: exists and is not a directory")
    return path


def _load(path: str):  # noqa: ANN202 - returns Targets
    try:
        return load_targets(path)
    except TargetsError as exc:
        raise UsageError(str(exc)) from None


def _store_for(args: argparse.Namespace, *, must_exist: bool) -> stages.Store:
    location = args.store or (stages.store_path(_out_dir(args.out)) if args.out else None)
    if location is None:
        raise UsageError("give --out DIR (store DIR/gongkai.sqlite) or --store PATH")
    if not must_exist and "://" not in str(location):
        Path(location).parent.mkdir(parents=True, exist_ok=True)
    return stages.open_store(location, must_exist=must_exist)


def _say(text: str) -> None:
    print(text, flush=True)


# -- commands ----------------------------------------------------------------------------------

def cmd_audit(args: argparse.Namespace) -> int:
    targets = _load(args.targets)
    out = _out_dir(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rules = _rules_path(args)
    _say(f"抓取 crawling {len(targets.sites)} site(s) → {out}")
    outcome = stages.crawl(targets, stages.store_path(out), quiet=not args.verbose, resume=args.resume)
    store = stages.open_store(stages.store_path(out), must_exist=True)
    _print_coverage(store, outcome.audit_id)
    refusal = _refuse_grading(outcome, f"gongkai audit {args.targets} --out {args.out} --resume")
    if refusal:
        return refusal
    audit_id = outcome.audit_id
    _say("检查 checking …")
    stages.check(store, audit_id, rules)
    paths = _report(store, audit_id, out, args, rules)
    _say(f"报告 scorecard: {getattr(paths, 'index', out / 'scorecard' / 'index.html')}")
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


def cmd_check(args: argparse.Namespace) -> int:
    store = _store_for(args, must_exist=True)
    audit_id = stages.resolve_audit(store, args.audit)
    summary = stages.check(store, audit_id, _rules_path(args))
    _say(f"audit {audit_id} checked: {summary}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    store = _store_for(args, must_exist=True)
    audit_id = stages.resolve_audit(store, args.audit)
    out = _out_dir(args.out) if args.out else Path(store.url.removeprefix("sqlite:///")).parent
    paths = _report(store, audit_id, out, args, _rules_path(args))
    _say(f"报告 scorecard: {getattr(paths, 'index', out / 'scorecard' / 'index.html')}")
    return EXIT_OK


def _compare_dir(args: argparse.Namespace) -> Path | None:
    """The previous output directory of ``--compare``: it must hold a findings.json."""
    value = getattr(args, "compare", None)
    if not value:
        return None
    if not (Path(value) / "findings.json").is_file():
        raise UsageError(f"{value}: no findings.json (--compare takes a previous gongkai output directory)")
    return Path(value)


def _report(store: stages.Store, audit_id: int, out: Path, args: argparse.Namespace, rules: Path | None) -> object:
    """The report stage; with ``--compare`` each finding is marked 新增/仍存在 against the previous quarter."""
    previous = _compare_dir(args)
    if previous is None:
        return stages.report(store, audit_id, out, indicators_path=_indicators_path(args), rules_path=rules)
    from gongkai.reports.build import write_reports

    return write_reports(store, audit_id, out, indicators_path=_indicators_path(args), rules_path=rules,
                         compare_with=previous)


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
    store_file = stages.store_path(out)
    if store_file.exists():
        store_file.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(store_file) + suffix).unlink(missing_ok=True)
    with DemoPortal() as portal:
        targets_file = portal.write_targets(out / "targets.yaml")
        _say(f"演示门户 demo portal: {', '.join(portal.base_urls)}")
        args.targets, args.out = str(targets_file), str(out)
        args.rules = args.indicators = None
        args.resume = False
        cmd_audit(args)
    _say(f"打开 open: {(out / 'scorecard' / 'index.html').resolve()}")
    return EXIT_OK


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

    p = add("crawl", cmd_crawl, "crawl the sites of a targets file into the store (a new audit id)")
    p.add_argument("targets", help="targets.yaml")
    p.add_argument("--out", help="directory holding the store gongkai.sqlite")
    p.add_argument("--store", help="store path or SQLAlchemy URL")
    p.add_argument("--resume", action="store_true", help="continue the latest audit in the store: keep what it stored")
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    p = add("check", cmd_check, "run the rules over a crawled audit (no crawling)")
    p.add_argument("--out", help="directory holding the store gongkai.sqlite")
    p.add_argument("--store", help="store path or SQLAlchemy URL")
    p.add_argument("--audit", type=int, help="audit id (default: the latest)")
    p.add_argument("--rules", help="rules YAML to use instead of the bundled rulebook")

    p = add("report", cmd_report, "write findings.json, scores.json, scorecard/ and report.xlsx from the store")
    p.add_argument("--out", help="output directory (default: the store's directory)")
    p.add_argument("--store", help="store path or SQLAlchemy URL")
    p.add_argument("--audit", type=int, help="audit id (default: the latest)")
    p.add_argument("--rules", help="rules YAML (for titles, severities and sources)")
    p.add_argument("--indicators", help="indicators YAML to use instead of the bundled indicator system")
    p.add_argument("--compare", metavar="PREVIOUS_OUT_DIR",
                   help="mark findings 新增/仍存在 against a previous output directory; write changes.json")

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
    from gongkai.reports.errors import ReportError
    from gongkai.reports.indicators import IndicatorsError

    return (UsageError, stages.StageError, RulesError, ReportError, IndicatorsError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except _input_errors() as exc:
        print(f"gongkai: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `gongkai rules | head`
        sys.stderr.close()
        return EXIT_OK
    except stages.MachineError as exc:
        print(f"gongkai: error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("gongkai: interrupted; what was collected is in the store", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
