"""What a `gongkai crawl` still holds in memory when the crawl ends, and where it was allocated.

Peak RSS grows with the pages crawled (``bench/run.py`` prints it at two sizes); this says what
grows.  It runs one crawl of the generated portal with ``tracemalloc`` on and a Scrapy extension
(added to the crawl's own settings, the product's defaults untouched) that, when the spider
closes, prints the largest allocation sites still alive and the sizes of the spider's per-site
ledgers.  tracemalloc slows the crawl about twofold: read sizes from it, not times.

Usage: ``python -m bench.memory [--docs 200] [--no-trace]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from bench import portal
from bench.measure import run
from bench.run import REPO, targets_file, throughput_options
from bench.serve import Portal

TOP = 20


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Snapshot:
    """Scrapy extension: every second, the scheduler's backlog and the RSS; at spider_closed, the
    live allocations and the spider's ledger sizes."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.samples: list[tuple[int, float]] = []
        self.loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Snapshot:
        from scrapy import signals

        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        from twisted.internet import task

        self.loop = task.LoopingCall(self.sample)
        self.loop.start(1.0)

    def sample(self) -> None:
        scheduler = getattr(getattr(self.crawler.engine, "_slot", None), "scheduler", None)
        self.samples.append((len(scheduler) if scheduler is not None else -1, _rss_mib()))

    def closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.samples:
            peak = max(self.samples)
            step = max(1, len(self.samples) // 12)
            trace = ", ".join(f"{q}/{r:.0f}" for q, r in self.samples[::step])
            print(f"scheduler backlog / RSS MiB each {step} s: {trace}")
            print(f"largest backlog {peak[0]} requests (RSS then {peak[1]:.0f} MiB); "
                  f"largest RSS {max(r for _, r in self.samples):.0f} MiB")
        if not tracemalloc.is_tracing():
            return
        snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        stats = snap.statistics("lineno")
        total = sum(s.size for s in stats)
        print(f"live Python allocations at spider_closed: {total / 2**20:.1f} MiB")
        for s in stats[:TOP]:
            frame = s.traceback[0]
            print(f"  {s.size / 2**20:7.2f} MiB {s.count:8d} blocks  {frame.filename.split('site-packages/')[-1]}:{frame.lineno}")
        for site_id, state in getattr(spider, "sites", {}).items():
            sizes = {name: len(value) for name, value in vars(state).items() if isinstance(value, set | dict)}
            wanted = sum(len(c.wanted) for c in state.coverage.values()) if hasattr(state, "coverage") else 0
            print(f"  site {site_id}: {sizes}, coverage.wanted {wanted}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--columns", type=int, default=5)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=portal.DEFAULT_CACHE)
    parser.add_argument("--no-trace", action="store_true", help="backlog and RSS only (tracemalloc off: full speed)")
    args = parser.parse_args()
    root, manifest = portal.generate(args.sites, args.columns, args.docs, args.cache)
    work = Path(tempfile.mkdtemp(prefix="gongkai-memory-"))
    start = "" if args.no_trace else "tracemalloc.start(); "
    code = (f"import sys, tracemalloc; {start}import gongkai.crawler.settings as s; "
            "s.EXTENSIONS = {**s.EXTENSIONS, 'bench.memory.Snapshot': 900}; "
            "from gongkai.cli import main; sys.exit(main(sys.argv[1:]))")
    with Portal(root, args.sites) as served:
        targets = targets_file(work / "targets.yaml", served.homes, manifest.dialects, manifest.columns,
                               throughput_options())
        proc = run([sys.executable, "-c", code, "crawl", str(targets), "--out", str(work / "out")], cwd=REPO)
    print(proc.output)
    print(f"peak RSS (VmHWM) {proc.rss_mb:.0f} MiB" + ("" if args.no_trace else " (tracemalloc's own overhead included)"))


if __name__ == "__main__":
    main()
