"""The crawl benchmark: gongkai vs a bare Scrapy spider vs ``scrapy bench``, side by side in one run.

On one generated portal (``bench/portal.py``: TRS, Hanweb and generic sites) served by nginx
(``bench/serve.py``) it prints: pages/s of ``gongkai crawl``, the bare spider and ``scrapy
bench``; the coverage of each; check + report time per 1,000 pages; peak RSS and store size at two
sizes; the politeness ratio (12 sites under ``download_delay``, on one host and on 12 hosts); the
speed-up of 2 workers over 1; a re-audit of the unchanged portal (time, pages answered 304, articles
not parsed again).  Rates are read from the server's request log, first request to
last, so process start-up is left out (and printed apart); every crawl runs in its own process
and its own peak RSS is read with ``os.wait4``.  Ratios measured in one run are the figures to
compare: absolute rates move with the machine's load, which is printed too.

Usage (repository root, venv active): ``python -m bench.run [--size small|default|large|huge]``;
``--memory-only`` runs only gongkai crawl, check and report at the size and a quarter of it (the
peak-RSS figures: ``--size huge --memory-only`` is the 100k-page one); ``--skip-workers`` leaves
out the distributed crawl (Redis and PostgreSQL from ``scripts/services.sh``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench import portal
from bench.measure import Run, Window, run, window
from bench.serve import Portal

SIZES = {"small": (6, 5, 50), "default": (6, 5, 200), "large": (6, 5, 1000),   # sites, columns, docs
         "huge": (6, 5, 3334)}                                                   # ≈ 105k pages
CONCURRENCY, PER_HOST = 32, 8
POLITE_SITES, POLITE_DOCS, POLITE_DELAY = 12, 12, 0.2
REPO = Path(__file__).resolve().parent.parent


@dataclass
class CrawlResult:
    """One crawl of the portal: the process, what the server saw, what the crawler stored."""

    label: str
    proc: Run
    seen: Window
    stored: int | None = None          # pages rows (gongkai)
    documents: int | None = None       # documents rows (gongkai)
    columns: tuple[int, int] | None = None   # (complete, all)
    store_mb: float | None = None

    @property
    def startup(self) -> float:
        return self.seen.first - self.proc.started if self.seen.requests else float("nan")


def targets_file(path: Path, homes: list[str], dialects: list[str], columns: int, crawl: dict) -> Path:
    sites = [{"id": f"s{i}", "name": portal.site_name(i), "home": home,
              "columns": {t: home.rstrip("/") + p for t, p in portal.column_paths(d, columns).items()}}
             for i, (home, d) in enumerate(zip(homes, dialects, strict=True))]
    data = {"audit": {"name": "bench", "period": "2024Q2", "as_of": "2024-08-05"}, "crawl": crawl, "sites": sites}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path




def patched_cli(**settings: object) -> list[str]:
    """``python -c`` arguments running the gongkai CLI with crawler settings changed in its own
    process: the targets file has no name for Scrapy settings such as RANDOMIZE_DOWNLOAD_DELAY or
    CONCURRENT_ITEMS, and a diagnostic must not edit the product's defaults."""
    assigns = "".join(f"s.{name} = {value!r}; " for name, value in settings.items())
    return ["-c", f"import sys, gongkai.crawler.settings as s; {assigns}"
                  "from gongkai.cli import main; sys.exit(main(sys.argv[1:]))"]


def gongkai_crawl(served: Portal, manifest: portal.Manifest, work: Path, label: str, crawl: dict,
                  by_address: bool = True, patch: dict | None = None) -> CrawlResult:
    """``gongkai crawl`` of the served portal into ``work/label``; reads the store afterwards."""
    out = work / label
    targets = targets_file(work / f"{label}.yaml", served.homes, manifest.dialects, manifest.columns, crawl)
    mark = served.mark()
    cli = patched_cli(**patch) if patch else ["-m", "gongkai.cli"]
    proc = run([sys.executable, *cli, "crawl", str(targets), "--out", str(out)])
    if proc.status not in (0,):
        print(f"  ! gongkai crawl exited {proc.status}: {proc.output[-2000:]}")
    result = CrawlResult(label, proc, window(served.hits(mark), portal.DOC_PATH, by_address))
    db = out / "gongkai.sqlite"
    if db.exists():
        with sqlite3.connect(db) as con:
            audit = con.execute("select max(audit_id) from pages").fetchone()[0]
            result.stored = con.execute("select count(*) from pages where audit_id=?", (audit,)).fetchone()[0]
            result.documents = con.execute("select count(*) from documents where audit_id=?", (audit,)).fetchone()[0]
            cols = con.execute("select coverage from columns where audit_id=?", (audit,)).fetchall()
            result.columns = (sum(c[0] == "complete" for c in cols), len(cols))
        result.store_mb = sum(p.stat().st_size for p in out.glob("gongkai.sqlite*")) / 2**20
    return result


def throughput_options() -> dict:
    """The same concurrency as the bare spider, no politeness delay: the rate is the crawler's."""
    return {"download_delay": 0, "concurrent_requests": CONCURRENCY, "concurrent_requests_per_domain": PER_HOST,
            "max_pages_per_site": 1_000_000, "max_list_pages": 10_000, "lookback_days": 400}


def bare_crawl(served: Portal) -> CrawlResult:
    mark = served.mark()
    proc = run([sys.executable, str(REPO / "bench" / "bare_spider.py"), *served.homes,
                "--concurrency", str(CONCURRENCY), "--per-host", str(PER_HOST)])
    return CrawlResult("bare Scrapy spider", proc, window(served.hits(mark), portal.DOC_PATH))


def scrapy_bench(seconds: int = 10) -> float | None:
    """Pages/s of ``scrapy bench`` (its own local server and spider), from its last stats line."""
    with tempfile.TemporaryDirectory() as tmp:   # outside the repository: no project settings
        proc = run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                    "-s", "LOGSTATS_INTERVAL=1"], cwd=Path(tmp))
    rates = re.findall(r"\(at (\d+) pages/min\)", proc.output)
    tail = [int(r) for r in rates[2:]] or [int(r) for r in rates]   # skip the warm-up seconds
    return sum(tail) / len(tail) / 60 if tail else None


def check_and_report(out: Path) -> tuple[Run, Run]:
    check = run([sys.executable, "-m", "gongkai.cli", "check", "--out", str(out)])
    report = run([sys.executable, "-m", "gongkai.cli", "report", "--out", str(out)])
    return check, report


def politeness(cache: Path, work: Path, one_host: bool, use_nginx: bool,
               jitter: bool = True) -> tuple[float, float, int, float]:
    """(seconds, bound, largest slot's requests, ratio) of 12 small sites under ``download_delay``.

    The bound is the busiest download slot's requests × delay: on one host all sites share one
    slot (Scrapy slots by host name), so it is every request; on 12 hosts, the largest site's.
    ``jitter`` False turns RANDOMIZE_DOWNLOAD_DELAY off, to tell Scrapy's jitter from gongkai's cost.
    """
    root, manifest = portal.generate(POLITE_SITES, 1, POLITE_DOCS, cache)
    crawl = {"download_delay": POLITE_DELAY, "max_pages_per_site": 100_000, "max_list_pages": 10_000}
    with Portal(root, POLITE_SITES, one_host=one_host, use_nginx=use_nginx) as served:
        label = ("polite-1host" if one_host else "polite-12hosts") + ("" if jitter else "-nojitter")
        result = gongkai_crawl(served, manifest, work, label, crawl, by_address=True,
                               patch=None if jitter else {"RANDOMIZE_DOWNLOAD_DELAY": False})
    slot = max(result.seen.per_host.values()) if result.seen.per_host else 0
    bound = slot * POLITE_DELAY
    return result.seen.seconds, bound, slot, result.seen.seconds / bound if bound else float("nan")


def _row(r: CrawlResult, pages_total: int, docs_total: int, base_rate: float | None) -> str:
    share = f"{r.seen.rate / base_rate:.0%}" if base_rate else "–"
    stored = f"{r.stored}" if r.stored is not None else "–"
    cols = f"{r.columns[0]}/{r.columns[1]}" if r.columns else "–"
    return (f"| {r.label} | {r.seen.requests} | {r.seen.requests / pages_total:.0%} | {r.seen.docs}/{docs_total} "
            f"({r.seen.docs / docs_total:.0%}) | {stored} | {cols} | {r.seen.seconds:.1f} | {r.startup:.1f} | "
            f"{r.seen.rate:.1f} | {share} | {r.proc.rss_mb:.0f} |")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default",
                        help="small 6×5×50, default 6×5×200 (≈6k pages), large 6×5×1000 (≈31k), huge 6×5×3334 (≈105k)")
    parser.add_argument("--docs", type=int, help="documents per column (overrides --size)")
    parser.add_argument("--cache", type=Path, default=portal.DEFAULT_CACHE, help="where generated portals are kept")
    parser.add_argument("--no-nginx", action="store_true", help="serve with gongkai.demo.server only")
    parser.add_argument("--skip-politeness", action="store_true")
    parser.add_argument("--skip-workers", action="store_true", help="no distributed crawl (Redis + PostgreSQL)")
    parser.add_argument("--memory-only", action="store_true",
                        help="only gongkai crawl, check and report at two sizes (peak RSS, store size, check+report)")
    return parser.parse_args()


@dataclass
class Sized:
    """One size of the portal: gongkai's crawl, then check and report on its store."""

    crawl: CrawlResult
    check: Run
    report: Run

    @property
    def pages(self) -> int:
        return self.crawl.stored or self.crawl.seen.requests

    @property
    def after(self) -> float:
        return self.check.seconds + self.report.seconds


def sized_run(root: Path, manifest: portal.Manifest, sites: int, work: Path, label: str, nginx: bool) -> Sized:
    with Portal(root, sites, use_nginx=nginx) as served:
        crawl = gongkai_crawl(served, manifest, work, label, throughput_options())
    return Sized(crawl, *check_and_report(work / label))


def print_crawls(results: list[CrawlResult], manifest: portal.Manifest, bare: CrawlResult | None,
                 bench_rate: float | None) -> None:
    print("\n| crawler | requests | of portal pages | documents reached | pages stored | columns complete "
          "| crawl s | start-up s | pages/s | of bare | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|")
    base = bare.seen.rate if bare else None
    for r in results:
        print(_row(r, manifest.pages, manifest.documents, base))
    if bench_rate is not None:
        print(f"| scrapy bench (its own server) | – | – | – | – | – | 10 | – | {bench_rate:.1f} | "
              f"{bench_rate / max(base or 1e-9, 1e-9):.0%} | – |")


def print_after(big: Sized) -> None:
    cr, crawl_s = big.after, big.crawl.proc.seconds
    print(f"\ncheck {big.check.seconds:.1f} s + report {big.report.seconds:.1f} s over {big.pages} pages: "
          f"{cr / big.pages * 1000:.2f} s per 1,000 pages, {cr / crawl_s:.0%} of the crawl's {crawl_s:.0f} s "
          "(target ≤ 10 %)" + ("" if big.check.status == big.report.status == 0 else
                               f" [exit {big.check.status}/{big.report.status}]"))


def print_sizes(small: Sized, big: Sized) -> None:
    print("\n| size | pages stored | store MiB | crawl peak RSS MiB | check peak RSS MiB | report peak RSS MiB "
          "| check + report s | of crawl time |\n|---|---|---|---|---|---|---|---|")
    for s in (small, big):
        print(f"| {s.crawl.label} | {s.pages} | {s.crawl.store_mb or 0:.1f} | {s.crawl.proc.rss_mb:.0f} | "
              f"{s.check.rss_mb:.0f} | {s.report.rss_mb:.0f} | {s.after:.1f} | {s.after / s.crawl.proc.seconds:.0%} |")
    grow = big.pages / max(small.pages, 1)
    for name, a, b in (("crawl", small.crawl.proc, big.crawl.proc), ("check", small.check, big.check),
                       ("report", small.report, big.report)):
        ratio = b.rss_mb / a.rss_mb
        print(f"{name}: pages ×{grow:.1f} → peak RSS ×{ratio:.2f} ({'sub' if ratio < grow else 'super'}linear; "
              f"+{(b.rss_mb - a.rss_mb) / max(big.pages - small.pages, 1) * 1000:.1f} MiB per 1,000 pages more)")


def print_reaudit(root: Path, manifest: portal.Manifest, sites: int, work: Path, big: Sized, nginx: bool) -> None:
    """The same crawl again into the same directory (its store, its HTTP cache), the portal unchanged:
    what a quarterly re-audit of an unchanged portal costs, and what it reused."""
    with Portal(root, sites, use_nginx=nginx) as served:
        again = gongkai_crawl(served, manifest, work, big.crawl.label, throughput_options())
    with sqlite3.connect(work / big.crawl.label / "gongkai.sqlite") as con:
        audit = con.execute("select max(audit_id) from pages").fetchone()[0]
        revalidated, articles, kept = con.execute(
            "select sum(revalidated), sum(kind = 'article'), sum(facts_reused) from pages "
            "where audit_id = ? and variant = 'normal'", (audit,)).fetchone()
    first = big.crawl.seen.seconds
    print(f"\nre-audit of the unchanged portal (same directory): {again.seen.seconds:.1f} s vs {first:.1f} s "
          f"the first time (×{again.seen.seconds / first:.2f}), {again.seen.requests} requests, "
          f"{revalidated}/{again.stored} pages unchanged (HTTP 304), {kept}/{articles} articles not parsed again, "
          f"{again.columns[0] if again.columns else 0}/{again.columns[1] if again.columns else 0} columns complete")


def print_politeness(cache: Path, work: Path, nginx: bool) -> None:
    print(f"\npoliteness: {POLITE_SITES} sites × 1 column × {POLITE_DOCS} documents, download_delay "
          f"{POLITE_DELAY}, ratio = crawl time / (busiest slot's requests × delay), target ≤ 1.1")
    for one_host, name in ((True, "1 host, 12 ports"), (False, "12 hosts 127.0.0.2–13")):
        sec, bound, slot, ratio = politeness(cache, work, one_host, nginx)
        print(f"  {name}: {sec:.1f} s vs bound {bound:.1f} s ({slot} requests in the busiest slot): ratio {ratio:.2f}")


def print_workers(root: Path, manifest: portal.Manifest, sites: int, work: Path, nginx: bool) -> None:
    from bench.workers import distributed_crawl, services

    try:
        redis, pg = services()
    except (subprocess.CalledProcessError, KeyError) as exc:
        print(f"\n2 workers over 1: not measured (scripts/services.sh failed: {exc})")
        return
    with Portal(root, sites, use_nginx=nginx) as served:
        runs = [distributed_crawl(served, manifest, work, n, throughput_options(), redis, pg) for n in (1, 2)]
    print("\n| distributed (one job per site; Redis + PostgreSQL) | requests | documents reached | pages stored "
          "| crawl s | pages/s |\n|---|---|---|---|---|---|")
    for r in runs:
        print(f"| {r.label} | {r.seen.requests} | {r.seen.docs}/{manifest.documents} | {r.stored} | "
              f"{r.seen.seconds:.1f} | {r.seen.rate:.1f} |")
    print(f"2 workers over 1: ×{runs[1].seen.rate / max(runs[0].seen.rate, 1e-9):.2f} pages/s")


PACKAGE_DIRS = ("gongkai", "checks", "reports", "crawler", "bench")


def compile_sources() -> None:
    """Byte-compile the project as an installation does (``pip install`` compiles a wheel's modules;
    an editable install leaves it to the first run).  Without this, a run with PYTHONDONTWRITEBYTECODE
    set — or from a fresh clone — compiles every gongkai module again in every process it starts
    (≈ 0.25 s a command here), a cost no installed copy pays and the bare spider's Scrapy never did."""
    import compileall

    for name in PACKAGE_DIRS:
        compileall.compile_dir(REPO / name, quiet=1)


def main() -> None:
    args = _args()
    compile_sources()
    sites, columns, docs = SIZES[args.size]
    docs = args.docs or docs
    nginx = not args.no_nginx
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    root, manifest = portal.generate(sites, columns, docs, args.cache)
    small_root, small = portal.generate(sites, columns, max(docs // 4, 20), args.cache)
    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    print(f"portal: {sites} sites ({', '.join(manifest.dialects)}) × {columns} columns × {docs} documents = "
          f"{manifest.documents} documents, {manifest.pages} pages ({manifest.static_pages} static + "
          f"{manifest.hanweb_posts} Hanweb POSTs); work dir {work}")
    bare, results, bench_rate = None, [], None
    if not args.memory_only:
        with Portal(root, sites, use_nginx=nginx) as served:
            print(f"server: {served.server}; crawl concurrency {CONCURRENCY}, {PER_HOST} per host, no delay")
            bare = bare_crawl(served)
            results.append(bare)
            results.append(gongkai_crawl(served, manifest, work, "gongkai crawl in one process (diagnostic)",
                                         {**throughput_options(), "extract_processes": 0}))
        bench_rate = scrapy_bench()
    big = sized_run(root, manifest, sites, work, "gongkai crawl", nginx)
    results.append(big.crawl)
    print_crawls(results, manifest, bare, bench_rate)
    fifths = " → ".join(f"{x:.0f}" for x in big.crawl.seen.rates_by_fifth())
    print(f"\ngongkai pages/s by fifth of the crawl: {fifths}")
    print_after(big)
    print_sizes(sized_run(small_root, small, sites, work, "gongkai crawl (¼ size)", nginx), big)
    if not args.memory_only:
        print_reaudit(root, manifest, sites, work, big, nginx)
    if not (args.skip_politeness or args.memory_only):
        print_politeness(args.cache, work, nginx)
    if not (args.skip_workers or args.memory_only):
        print_workers(root, manifest, sites, work, nginx)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(json.dumps({"bare_rate": bare.seen.rate if bare else None, "gongkai_rate": big.crawl.seen.rate,
                      "check_report_share": big.after / big.crawl.proc.seconds}))


if __name__ == "__main__":
    main()
