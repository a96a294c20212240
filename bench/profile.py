"""Where a `gongkai crawl` of the generated portal spends its time: py-spy, summarised by function.

``bench/run.py`` says how fast; this says why.  It serves the same portal, records one crawl with
``py-spy record --format raw`` (sampling, so the crawl runs at nearly full speed; cProfile would
slow every call) and prints the functions with the most samples on the stack (inclusive) and at
the top of it (self), as shares of all samples.

``--stage check`` crawls first (not recorded) and records ``gongkai check`` over that store;
``--stage report`` crawls and checks first and records ``gongkai report``.

Usage: ``python -m bench.profile [--stage crawl|check|report] [--docs 200] [--top 25]`` (needs ``pip install py-spy``)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench import portal
from bench.run import targets_file, throughput_options
from bench.serve import Portal


def summarise(raw: Path, top: int) -> str:
    """Inclusive and self shares per function from py-spy's collapsed stacks (``a;b;c count``)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].split("/")[-1] + ")"
                  for f in stack.split(";") if f]
        for frame in set(frames):
            inclusive[frame] += n
        if frames:
            own[frames[-1]] += n
    lines = [f"{total} samples", "", "inclusive (on the stack):"]
    lines += [f"  {n / total:6.1%}  {f}" for f, n in inclusive.most_common(top)]
    lines += ["", "self (top of the stack):"]
    lines += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--columns", type=int, default=5)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cache", type=Path, default=portal.DEFAULT_CACHE)
    parser.add_argument("--stage", choices=("crawl", "check", "report"), default="crawl")
    args = parser.parse_args()
    spy = shutil.which("py-spy")
    if not spy:
        sys.exit("py-spy not found: pip install py-spy")
    root, manifest = portal.generate(args.sites, args.columns, args.docs, args.cache)
    work = Path(tempfile.mkdtemp(prefix="gongkai-profile-"))
    with Portal(root, args.sites) as served:
        targets = targets_file(work / "targets.yaml", served.homes, manifest.dialects, manifest.columns,
                               throughput_options())
        crawl = [sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(work / "out")]
        stage = [sys.executable, "-m", "gongkai.cli", args.stage, "--out", str(work / "out")]
        if args.stage != "crawl":
            subprocess.run(crawl, check=True, capture_output=True)
        if args.stage == "report":
            subprocess.run([*stage[:3], "check", *stage[4:]], check=True, capture_output=True)
        raw = work / f"{args.stage}.raw"
        recorded = crawl if args.stage == "crawl" else stage
        subprocess.run([spy, "record", "--format", "raw", "--rate", "100", "--nonblocking", "-o", str(raw), "--",
                        *recorded], check=True, capture_output=True)
    print(summarise(raw, args.top))
    print(f"\nraw stacks: {raw}")


if __name__ == "__main__":
    main()
