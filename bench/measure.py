"""Run one command in its own process and read what it cost: wall time and its own peak RSS.

``resource.getrusage(RUSAGE_CHILDREN)`` keeps the largest child so far, so a second crawl would
report the first one's peak; ``os.wait4`` returns the rusage of exactly the child waited for.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.serve import Hit


@dataclass
class Run:
    """One finished subprocess."""

    started: float          # time.time() when spawned (the server log speaks epoch seconds)
    ended: float
    rss_mb: float           # the child's own peak resident set (VmHWM), MiB
    status: int
    output: str

    @property
    def seconds(self) -> float:
        return self.ended - self.started


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to the end; stdout and stderr are kept together in ``output``."""
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.monotonic_ns()}.out"
    with log.open("wb") as out:
        started = time.time()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        ended = time.time()
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    log.unlink()
    return Run(started, ended, usage.ru_maxrss / 1024, proc.returncode, text)


@dataclass
class Window:
    """What the server saw of one run."""

    requests: int
    first: float
    last: float
    docs: int               # distinct article URLs answered 200
    per_host: dict[str, int]
    times: list[float]

    @property
    def seconds(self) -> float:
        return max(self.last - self.first, 1e-9)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def rates_by_fifth(self) -> list[float]:
        """Pages/s in each fifth of the run: a rate that falls as the crawl grows shows here."""
        span = self.seconds / 5
        counts = [0] * 5
        for t in self.times:
            counts[min(4, int((t - self.first) / span))] += 1
        return [c / span for c in counts]


def window(hits: list[Hit], doc_path, by_address: bool = True) -> Window:
    """Summarise the logged requests of one run (``by_address``: hosts are IPs, ports ignored)."""
    if not hits:
        return Window(0, 0.0, 0.0, 0, {}, [])
    times = sorted(h.at for h in hits)
    docs = {(h.host, h.uri) for h in hits if h.status == 200 and doc_path.search(h.uri)}
    per_host: dict[str, int] = {}
    for h in hits:
        key = h.host.rsplit(":", 1)[0] if by_address else h.host
        per_host[key] = per_host.get(key, 0) + 1
    return Window(len(hits), times[0], times[-1], len(docs), per_host, times)
