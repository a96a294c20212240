"""Each command's temporary files live in a directory of its own, gone at its end; one left by a
killed run is removed by the next command once that run's process is gone and the files are old."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from gongkai import scratch


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def _run_dir(base: Path, pid: int, age: float, tag: str) -> Path:
    directory = base / f"{scratch.PREFIX}{pid}-{tag}"
    (directory / "sub").mkdir(parents=True)
    (directory / "sub" / "openpyxl.xml").write_bytes(b"x" * 1000)
    then = time.time() - age
    for path in (directory / "sub" / "openpyxl.xml", directory / "sub", directory):
        os.utime(path, (then, then))
    return directory


def test_a_command_removes_what_killed_runs_left_and_leaves_nothing_itself(tmp_path: Path) -> None:
    old = scratch.STALE_SECONDS + 60
    killed = _run_dir(tmp_path, _dead_pid(), old, "a")          # a killed run's: removed
    running = _run_dir(tmp_path, os.getpid(), old, "b")         # a live process's: kept
    recent = _run_dir(tmp_path, _dead_pid(), 10, "c")           # touched lately (another pid namespace?): kept
    unrelated = tmp_path / "gongkai-check-xyz"
    unrelated.mkdir()
    done = subprocess.run([sys.executable, "-m", "gongkai.cli", "rules"], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=600)
    assert done.returncode == 0, done.stderr
    assert not killed.exists() and running.exists() and recent.exists() and unrelated.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, recent.name, unrelated.name])


def test_temporary_files_of_a_command_go_to_its_own_directory(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with scratch.private_tempdir() as own:
        assert own is not None and own.parent == tmp_path and own.name.startswith(f"{scratch.PREFIX}{os.getpid()}-")
        named = tempfile.NamedTemporaryFile(delete=False)  # noqa: SIM115 - left behind on purpose
        named.close()
        assert Path(named.name).parent == own and os.environ["TMPDIR"] == str(own)
    assert not own.exists() and os.environ["TMPDIR"] == str(tmp_path) and list(tmp_path.iterdir()) == []
