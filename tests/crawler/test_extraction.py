"""Articles read in a worker process say exactly what they say when read in the crawl's process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gongkai.crawler.extraction import ArticleFacts, ExtractionFailed, ExtractionPool, article_facts
from tests.crawler import poison
from tests.paths import CORPUS_PAGES, TESTS

PAGES = sorted(CORPUS_PAGES.glob("*.html"))[:12]


def _html(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


async def _read_all(pool: ExtractionPool, pages: list[Path]) -> list[ArticleFacts]:
    url = "http://www.example.gov.cn/col/art/2024/5/10/art_1_{}.html"
    jobs = [pool.run(article_facts, _html(p), url.format(i), url.format(i), extract=True, messages=True)
            for i, p in enumerate(pages)]
    return await asyncio.gather(*jobs)


def test_a_worker_reads_real_pages_as_the_crawl_process_does() -> None:
    assert len(PAGES) == 12
    inline = asyncio.run(_read_all(ExtractionPool(0), PAGES))
    pool = ExtractionPool(2)
    try:
        pooled = asyncio.run(_read_all(pool, PAGES))
    finally:
        pool.close()
    assert pooled == inline
    assert sum(1 for f in inline if f.fields and f.fields.title) >= 10   # the pages were really read
    assert all(f.page.text for f in inline)


def test_a_dead_worker_costs_one_page_read_in_process_and_a_new_pool(caplog) -> None:
    pool = ExtractionPool(1)
    try:
        first = asyncio.run(_read_all(pool, PAGES[:1]))
        for pid in list(pool._pool()._processes):   # the worker is killed (out of memory, an operator …)
            os.kill(pid, signal.SIGKILL)
        again = asyncio.run(_read_all(pool, PAGES[:1]))
        third = asyncio.run(_read_all(pool, PAGES[:1]))
    finally:
        pool.close()
    assert first == again == third
    assert sum("extraction worker died" in r.message for r in caplog.records) <= 1


def test_workers_end_when_the_crawl_process_is_killed(tmp_path) -> None:
    """SIGKILL gives the pool no shutdown: the workers notice their parent is gone and end."""
    script = tmp_path / "crawl.py"
    script.write_text(
        "import asyncio, time\n"
        "from gongkai.crawler.extraction import ExtractionPool, article_facts\n"
        "if __name__ == '__main__':\n"
        "    pool = ExtractionPool(1)\n"
        "    asyncio.run(pool.run(article_facts, '<p>x</p>', 'http://a.gov.cn/', 'http://a.gov.cn/', extract=True,\n"
        "                         messages=False))\n"
        "    print(' '.join(str(p) for p in pool._pool()._processes), flush=True)\n"
        "    time.sleep(600)\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=TESTS.parent)
    try:
        workers = [int(p) for p in proc.stdout.readline().split()]
    finally:
        proc.kill()
        proc.wait()
    assert len(workers) == 1
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "extraction workers outlived the killed crawl"
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_page_that_kills_every_worker_is_unread_and_the_crawl_process_lives() -> None:
    pool = ExtractionPool(1)
    try:
        with pytest.raises(ExtractionFailed, match="两次"):
            asyncio.run(pool.run(poison.die, "<p>x</p>"))
        assert asyncio.run(pool.run(poison.echo, "next page")) == "next page"   # a new pool reads the next one
    finally:
        pool.close()


def test_a_page_past_the_time_limit_is_unread_and_its_worker_stopped() -> None:
    pool = ExtractionPool(1, timeout=2)
    try:
        asyncio.run(pool.run(poison.echo, "warm"))
        hung = list(pool._pool()._processes)
        with pytest.raises(ExtractionFailed, match="超过 2 秒"):
            asyncio.run(pool.run(poison.hang, "<p>x</p>"))
        assert asyncio.run(pool.run(poison.echo, "next page")) == "next page"
    finally:
        pool.close()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in hung):
        assert time.monotonic() < deadline, "the hung worker was left running"
        time.sleep(0.2)


def test_without_processes_articles_are_read_in_the_crawl_process(monkeypatch, caplog) -> None:
    pool = ExtractionPool(1)

    def refuse() -> None:
        raise OSError(11, "Resource temporarily unavailable")   # ulimit -u, cgroup pids.max, no /dev/shm

    monkeypatch.setattr(pool, "_pool", refuse)
    assert asyncio.run(pool.run(poison.echo, "page")) == "page"
    assert pool.processes == 0 and "cannot start" in caplog.text


def test_a_small_crawl_never_starts_a_worker() -> None:
    pool = ExtractionPool(1, start_after=2)
    try:
        assert [asyncio.run(pool.run(poison.echo, f"p{i}")) for i in range(2)] == ["p0", "p1"]
        assert pool._executor is None                   # read in this process so far
        assert asyncio.run(pool.run(poison.echo, "p2")) == "p2"
        assert pool._executor is not None               # the third page went to a worker
    finally:
        pool.close()
