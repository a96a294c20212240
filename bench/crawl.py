"""Crawl scale: do several sites crawl side by side, or one after another?

Each site has its own download slot (``site:<id>``), so with the same politeness delay K sites
should take about as long as one, not K times as long.  This serves K synthetic TRS sites of N
articles on loopback, runs `gongkai crawl` for one site and then for all K in the same run, and
prints the ratio (and pages per second, and the peak memory of each crawl).

Usage: ``python bench/crawl.py [--sites 4] [--articles 60] [--delay 0.05]``
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import yaml

from gongkai import store as st
from gongkai.demo.server import SiteServer

PER_PAGE = 20


def build_site(root: Path, articles: int) -> Path:
    """A TRS-style site: home → one column with createPageHTML pagination → articles."""
    pages = (articles + PER_PAGE - 1) // PER_PAGE
    root.mkdir(parents=True)
    (root / "index.html").write_text('<html><head><meta charset="utf-8"><title>某市人民政府</title></head><body>'
                                     '<div class="nav"><a href="/zwgk/tzgg/">通知公告</a></div></body></html>',
                                     encoding="utf-8")
    col = root / "zwgk" / "tzgg"
    for page in range(pages):
        items = []
        for i in range(page * PER_PAGE, min(articles, (page + 1) * PER_PAGE)):
            day = 28 - i % 28
            rel = f"202406/t202406{day:02d}_{1000 + i}.html"
            items.append(f'<li><a href="./{rel}">关于第{i}项工作的通知</a><span>2024-06-{day:02d}</span></li>')
            (col / "202406").mkdir(parents=True, exist_ok=True)
            (col / rel).write_text(f'<html><head><meta charset="utf-8"><title>关于第{i}项工作的通知</title></head>'
                                   f'<body><h1>关于第{i}项工作的通知</h1><p>发布日期：2024-06-{day:02d}</p>'
                                   f'<div class="TRS_Editor"><p>正文。</p></div></body></html>', encoding="utf-8")
        name = "index.html" if page == 0 else f"index_{page}.html"
        (col / name).write_text(f'<html><head><meta charset="utf-8"><title>通知公告</title></head><body><ul>{"".join(items)}'
                                f'</ul><script>createPageHTML({pages}, {page}, "index", "html");</script></body></html>',
                                encoding="utf-8")
    return root


def crawl(tmp: Path, homes: list[str], delay: float, label: str) -> tuple[float, int, float]:
    """(seconds, pages stored, peak RSS MiB) of one `gongkai crawl` of the given homes."""
    targets = {"audit": {"name": "bench", "period": "2024Q2", "as_of": "2024-08-05"},
               "crawl": {"download_delay": delay, "concurrent_requests": 64, "concurrent_requests_per_domain": 1,
                         "cloak_check": False, "max_links_checked_per_site": 0},
               "sites": [{"id": f"s{i}", "name": f"某市{i}人民政府", "home": home} for i, home in enumerate(homes)]}
    path = tmp / f"{label}.yaml"
    path.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
    out = tmp / label
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gongkai.cli", "crawl", str(path), "--out", str(out)], check=True,
                   capture_output=True)
    seconds = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    store = st.Store(out / "gongkai.sqlite")
    pages = len(store.rows(st.pages, store.latest_audit_id()))
    return seconds, pages, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.05, help="download_delay per site (politeness)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir, ExitStack() as stack:
        tmp = Path(tmpdir)
        servers = [stack.enter_context(SiteServer(build_site(tmp / f"site{i}", args.articles)))
                   for i in range(args.sites)]
        homes = [s.base_url for s in servers]
        one = crawl(tmp, homes[:1], args.delay, "one")
        many = crawl(tmp, homes, args.delay, "many")
    print("| crawl | sites | pages | seconds | pages/s | peak RSS MiB |\n|---|---|---|---|---|---|")
    for label, n, (sec, pages, peak) in (("one site", 1, one), (f"{args.sites} sites", args.sites, many)):
        print(f"| {label} | {n} | {pages} | {sec:.2f} | {pages / sec:.1f} | {peak:.0f} |")
    print(f"\ntime ratio {args.sites} sites / 1 site: {many[0] / one[0]:.2f} "
          f"(1.00 = perfectly side by side, {args.sites}.00 = one after another)")


if __name__ == "__main__":
    main()
