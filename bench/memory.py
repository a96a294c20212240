"""What a `gongkai crawl` still holds in memory when the crawl ends, and where it was allocated.

Peak RSS grows with the pages crawled (``bench/run.py`` prints it at two sizes); this says what
grows.  It runs one crawl of the generated portal with ``tracemalloc`` on and a Scrapy extension
(added to the crawl's own settings, the product's defaults untouched) that, when the spider
closes, prints the largest allocation sites still alive and the sizes of the spider's per-site
ledgers.  tracemalloc slows the crawl about twofold: read sizes from it, not times.

Usage: ``python -m bench.memory [--docs 200] [--top 20]``
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


class Snapshot:
    """Scrapy extension: at spider_closed, print live allocations and the spider's ledger sizes."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> Snapshot:
        from scrapy import signals

        ext = cls()
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def closed(self, spider: Any) -> None:
        if not tracemalloc.is_tracing():
            print("tracemalloc was not started")
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
    args = parser.parse_args()
    root, manifest = portal.generate(args.sites, args.columns, args.docs, args.cache)
    work = Path(tempfile.mkdtemp(prefix="gongkai-memory-"))
    code = ("import sys, tracemalloc; tracemalloc.start(); import gongkai.crawler.settings as s; "
            "s.EXTENSIONS = {**s.EXTENSIONS, 'bench.memory.Snapshot': 900}; "
            "from gongkai.cli import main; sys.exit(main(sys.argv[1:]))")
    with Portal(root, args.sites) as served:
        targets = targets_file(work / "targets.yaml", served.homes, manifest.dialects, manifest.columns,
                               throughput_options())
        proc = run([sys.executable, "-c", code, "crawl", str(targets), "--out", str(work / "out")], cwd=REPO)
    print(proc.output)
    print(f"peak RSS {proc.rss_mb:.0f} MiB (with tracemalloc's own overhead)")


if __name__ == "__main__":
    main()
