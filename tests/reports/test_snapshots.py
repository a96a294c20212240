"""存档快照 rendered in worker processes while the workbook is written: the same files, the same
index and the same findings as rendered in the report's own process, and nothing left behind when
the report fails meanwhile."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from gongkai import processes as proc
from gongkai.reports import snapshots, workbook
from gongkai.reports.build import write_reports
from gongkai.store import Store

from .conftest import new_audit, refuse_to_render_the_home, save_town

PAGES = 40   # distinct pages behind findings: 20 tasks of CHUNK=2 over two workers, a window of 2 each


def _outputs(out: Path) -> dict[str, bytes]:
    """Every snapshot file, the index and findings.json (the files that name snapshots), by path."""
    files = {str(p.relative_to(out)): p.read_bytes() for p in (out / "scorecard" / "snapshots").iterdir()}
    files["findings.json"] = (out / "findings.json").read_bytes()
    return files


@pytest.fixture
def town(tmp_path: Path) -> Store:
    store = Store(tmp_path / "town.sqlite")
    save_town(store, new_audit(store), pages=PAGES)
    yield store
    store.close()


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Workers for any number of pages, two pages a task; the pools started, by their size."""
    monkeypatch.setattr(snapshots, "PROCESS_AFTER", 1)
    monkeypatch.setattr(snapshots, "CHUNK", 2)
    started: list[int] = []
    real = proc.pool

    def pool(processes, *args):  # noqa: ANN001, ANN202 - proc.pool's signature
        started.append(processes)
        return real(processes, *args)

    monkeypatch.setattr(proc, "pool", pool)
    return started


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_render_what_the_report_process_renders(town: Store, rules_path: Path, tmp_path: Path,
                                                        pooled: list[int], monkeypatch: pytest.MonkeyPatch,
                                                        method: str) -> None:
    """A budget that leaves pages out and a page that cannot be rendered (fork only: a spawned worker
    imports render afresh) are decided in priority order, whichever worker rendered what."""
    if method == "fork":
        refuse_to_render_the_home(monkeypatch)
    monkeypatch.setattr(proc, "start_method", lambda: multiprocessing.get_context(method))
    audit = 1
    inline = write_reports(town, audit, tmp_path / "inline", rules_path=rules_path, snapshot_budget=20_000,
                           processes=1).out_dir
    assert pooled == []
    workers = write_reports(town, audit, tmp_path / "workers", rules_path=rules_path, snapshot_budget=20_000,
                            processes=2).out_dir
    assert pooled == [2]
    assert _outputs(workers) == _outputs(inline)
    index = json.loads((inline / "scorecard" / "snapshots" / "index.json").read_text(encoding="utf-8"))
    assert len(index["written"]) + len(index["omitted"]) == PAGES
    reasons = {o["reason"] for o in index["omitted"]}
    assert "超出快照容量上限" in reasons and index["written"]
    assert ("快照生成失败（ValueError）" in reasons) == (method == "fork")
    assert not list(workers.rglob("*.tmp-*")) and not list(inline.rglob("*.tmp-*"))
    assert multiprocessing.active_children() == []


def test_a_report_failing_while_snapshots_render_stops_the_workers_and_leaves_no_file(
        town: Store, rules_path: Path, tmp_path: Path, pooled: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    real = workbook.write_sheet

    def disk_full_at_the_results(wb, name, *args, **kwargs):  # noqa: ANN001, ANN202 - write_sheet's signature
        if name == "检查结果":
            raise OSError(28, "No space left on device")
        return real(wb, name, *args, **kwargs)

    monkeypatch.setattr(workbook, "write_sheet", disk_full_at_the_results)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left"):
        write_reports(town, 1, out, rules_path=rules_path, processes=2)
    assert pooled == [2]
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name == "gongkai-snapshots"]
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == []   # no snapshot, no temporary file


def test_copies_workers_wrote_but_nobody_took_back_are_removed_when_the_report_fails(
        town: Store, rules_path: Path, tmp_path: Path, pooled: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers write their copies under the report's temporary names; the thread taking them
    back is held up at the first, so tasks done but never taken back hold written files when the
    workbook fails (a full disk): the report removes them too, not only the copies its batch kept."""
    import time

    out, held_up = tmp_path / "out", threading.Event()
    folder = out / "scorecard" / "snapshots"
    keep = snapshots.Rendering._keep

    def behind(self, job, copy):  # noqa: ANN001, ANN202 - _keep's signature
        held_up.wait(120)
        keep(self, job, copy)

    def disk_full_once_copies_wait(wb, name, *args, **kwargs):  # noqa: ANN001, ANN202 - write_sheet's signature
        if name == "检查结果":
            deadline = time.monotonic() + 120
            while len(list(folder.glob("*.tmp-*"))) < 2 * snapshots.CHUNK and time.monotonic() < deadline:
                time.sleep(0.05)
            written = len(list(folder.glob("*.tmp-*")))
            held_up.set()
            assert written >= 2 * snapshots.CHUNK   # more than the first task's: copies nobody took back
            raise OSError(28, "No space left on device")
        return real(wb, name, *args, **kwargs)

    real = workbook.write_sheet
    monkeypatch.setattr(snapshots.Rendering, "_keep", behind)
    monkeypatch.setattr(workbook, "write_sheet", disk_full_once_copies_wait)
    with pytest.raises(OSError, match="No space left"):
        write_reports(town, 1, out, rules_path=rules_path, processes=2)
    assert pooled == [2] and multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name == "gongkai-snapshots"]
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == []


def test_gongkai_report_takes_processes(tmp_path: Path) -> None:
    """``gongkai report --processes N`` over an audit of more pages than are rendered in the report's
    own process: the same snapshots and findings with 2 as with 1; 0 is refused in one line."""
    import subprocess
    import sys

    store = Store(tmp_path / "gongkai.sqlite")
    save_town(store, new_audit(store), pages=snapshots.PROCESS_AFTER + 10)
    store.close()
    outputs = {}
    for n in ("1", "2"):
        out = tmp_path / f"p{n}"
        done = subprocess.run([sys.executable, "-m", "gongkai.cli", "report", "--store", str(tmp_path / "gongkai.sqlite"),
                               "--out", str(out), "--processes", n], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        outputs[n] = _outputs(out)
    assert outputs["1"] == outputs["2"] and len(outputs["1"]) > snapshots.PROCESS_AFTER
    refused = subprocess.run([sys.executable, "-m", "gongkai.cli", "report", "--store", str(tmp_path / "gongkai.sqlite"),
                              "--processes", "0"], capture_output=True, text=True, timeout=600)
    assert refused.returncode == 2 and "--processes" in refused.stderr and "Traceback" not in refused.stderr



def test_a_snapshot_that_cannot_be_written_fails_the_report_and_leaves_nothing(
        town: Store, rules_path: Path, tmp_path: Path, pooled: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread taking the workers' copies back writes them: a full disk there (here a file-size
    limit, EFBIG) is the report's error, raised in its own thread, with no file or temporary left."""
    import errno

    from .test_atomic import file_size_limit

    monkeypatch.setattr(snapshots, "render", lambda page, state, also: "x" * 8_000_000)   # forked workers inherit it
    out = tmp_path / "out"
    with file_size_limit(4_000_000), pytest.raises(OSError) as failure:
        write_reports(town, 1, out, rules_path=rules_path, processes=2)
    assert failure.value.errno == errno.EFBIG and pooled == [2]
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name == "gongkai-snapshots"]
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == []
