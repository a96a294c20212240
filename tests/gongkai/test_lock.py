"""One run per output directory: a second run exits 2 at once naming the holder; a killed run
leaves no stale lock.  Holders are real processes; nothing here waits on a clock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from gongkai import lock
from gongkai.store import Store
from tests.crawler.hostile import GatedServer, gated_targets

HOLD = ("import sys, time; from pathlib import Path; from gongkai.lock import acquire; "
        "acquire(Path(sys.argv[1])); print('held', flush=True); time.sleep(600)")


def gongkai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True, timeout=240)


def holder(directory: Path) -> subprocess.Popen[str]:
    """A process that holds ``directory``'s lock until killed (returns once it holds it)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(directory)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def test_second_acquire_is_refused_with_the_holders_pid_then_free_after_release(tmp_path):
    held = lock.acquire(tmp_path)
    with pytest.raises(lock.DirectoryBusy) as busy:
        lock.acquire(tmp_path)   # another open file description: flock refuses it even in-process
    assert busy.value.pid == str(os.getpid()) and f"pid {os.getpid()}" in str(busy.value)
    held.release()
    lock.acquire(tmp_path).release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    proc = holder(tmp_path)
    with pytest.raises(lock.DirectoryBusy):
        lock.acquire(tmp_path)
    stop(proc)
    lock.acquire(tmp_path).release()   # the kernel dropped the flock with the process
    assert (tmp_path / lock.LOCK_NAME).exists()   # the file stays; only the flock mattered


@pytest.fixture
def busy_out(tmp_path):
    """An output directory with a store in it, held by another process."""
    out = tmp_path / "out"
    out.mkdir()
    store = Store(out / "gongkai.sqlite")
    store.create_audit("a", "2024Q2", date(2024, 8, 5), {})
    store.close()  # its WAL files gone now, not whenever the engine is collected
    targets = tmp_path / "t.yaml"
    targets.write_text("audit: {name: x, period: 2024Q2}\nsites:\n  - {id: a, name: 某局, home: 'http://127.0.0.1:9/'}\n",
                       encoding="utf-8")
    proc = holder(out)
    yield out, targets, proc
    stop(proc)


@pytest.mark.parametrize("command", [
    ["audit", "{targets}", "--out", "{out}"],
    ["crawl", "{targets}", "--out", "{out}"],
    ["crawl", "{targets}", "--store", "{out}/gongkai.sqlite"],
    ["check", "--out", "{out}"],
    ["report", "--out", "{out}"],
    ["report", "--store", "{out}/gongkai.sqlite"],
    ["demo", "--out", "{out}"],
])
def test_every_writing_command_refuses_a_busy_directory(busy_out, command):
    out, targets, proc = busy_out
    before = sorted(p.name for p in out.iterdir())
    result = gongkai(*(part.format(out=out, targets=targets) for part in command))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"pid {proc.pid}" in result.stderr and str(out) in result.stderr
    assert sorted(p.name for p in out.iterdir()) == before   # the demo did not wipe the store


def test_a_running_crawl_holds_its_directory_for_the_whole_command(tmp_path):
    """A real `gongkai crawl` stopped at a gate: a second run on its --out exits 2 naming its pid."""
    out = tmp_path / "out"
    with GatedServer() as srv:
        targets = tmp_path / "t.yaml"
        targets.write_text(yaml.safe_dump(gated_targets(srv.base_url), allow_unicode=True), encoding="utf-8")
        first = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "crawl", str(targets), "--out", str(out)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert srv.wait_reached(), "the first crawl never reached the gate"
            second = gongkai("audit", str(targets), "--out", str(out))
        finally:
            srv.open_gate()
            _, first_err = first.communicate(timeout=240)
    assert second.returncode == 2 and f"pid {first.pid}" in second.stderr, second.stderr
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert first.returncode == 0, first_err[-2000:]
    assert gongkai("check", "--out", str(out)).returncode == 0   # released when the first run ended
