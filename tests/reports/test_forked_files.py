"""A large report writes its scorecards and JSON files in a forked process while the workbook is
finished (reports/build.py): the same files as written one after the other, renamed into place
only once the workbook is; a failed workbook replaces none of them and leaves no process and no
temporary file; a failed fork's files are written by the report itself."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai import processes as proc
from gongkai.reports import build, workbook
from gongkai.store import Store

from .conftest import new_audit, save_town

GENERATED_AT = "2024-07-02T08:00:00+00:00"


@pytest.fixture
def town(tmp_path: Path) -> Store:
    store = Store(tmp_path / "town.sqlite")
    save_town(store, new_audit(store), pages=30)
    yield store
    store.close()


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[proc.Forked]:
    """Fork allowed for any number of findings, whatever threads the test process runs; the forks made."""
    monkeypatch.setattr(build, "FORK_AFTER", 1)
    monkeypatch.setattr(build, "now_iso", lambda: GENERATED_AT)
    monkeypatch.setattr(proc, "start_method", lambda: multiprocessing.get_context("fork"))
    made: list[proc.Forked] = []
    real = proc.Forked

    def forked(call):  # noqa: ANN001, ANN202 - Forked's signature
        made.append(real(call))
        return made[-1]

    monkeypatch.setattr(proc, "Forked", forked)
    return made


def _files(out: Path) -> dict[str, bytes]:
    """Every file but the workbook (a zip that records when it was made), by path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "report.xlsx"}


def _cells(out: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(out / "report.xlsx", read_only=True)
    cells = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    wb.close()
    return cells


def test_files_written_alongside_the_workbook_are_the_files_written_after_it(
        town: Store, rules_path: Path, tmp_path: Path, forks: list[proc.Forked]) -> None:
    alone = build.write_reports(town, 1, tmp_path / "alone", rules_path=rules_path, processes=1)
    assert forks == []
    alongside = build.write_reports(town, 1, tmp_path / "alongside", rules_path=rules_path, processes=2)
    assert len(forks) == 1
    assert alongside.findings == tmp_path / "alongside" / "findings.json"
    assert sorted(alongside.site_pages) == sorted(alone.site_pages) == ["qingsong"]
    files = _files(alongside.out_dir)
    assert files == _files(alone.out_dir) and "scorecard/index.html" in files and "scores.json" in files
    assert _cells(alongside.out_dir) == _cells(alone.out_dir)
    assert not list(alongside.out_dir.rglob("*.tmp-*")) and multiprocessing.active_children() == []


def test_a_workbook_failing_while_the_fork_writes_kills_it_and_leaves_no_temporary(
        town: Store, rules_path: Path, tmp_path: Path, forks: list[proc.Forked],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork stops mid-write (its first scorecard page written to its temporary name, not yet
    renamed); meanwhile the workbook's sheet after the snapshots fails: the fork is killed and its
    temporary file removed."""
    import os
    import time

    from gongkai.reports import atomic

    parent, out = os.getpid(), tmp_path / "out"
    real_fsync, real_sheet = atomic._fsync_file, workbook.write_sheet

    def stuck_in_the_fork(path: Path) -> None:
        if os.getpid() != parent:
            time.sleep(600)
        real_fsync(path)

    def sheet(wb, name, *args, **kwargs):  # noqa: ANN001, ANN202 - write_sheet's signature
        if name == "问题清单":   # filled after the snapshots, while the fork writes
            deadline = time.monotonic() + 120
            while not list(out.rglob(f"*.tmp-{forks[0].pid}")) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert list(out.rglob(f"*.tmp-{forks[0].pid}")), "the fork never began writing"
            raise OSError(28, "No space left on device")
        return real_sheet(wb, name, *args, **kwargs)

    monkeypatch.setattr(atomic, "_fsync_file", stuck_in_the_fork)
    monkeypatch.setattr(workbook, "write_sheet", sheet)
    started = time.monotonic()
    with pytest.raises(OSError, match="No space left"):
        build.write_reports(town, 1, out, rules_path=rules_path, processes=2)
    assert time.monotonic() - started < 300 and len(forks) == 1
    assert multiprocessing.active_children() == []
    assert not list(out.rglob("*.tmp-*"))
    assert not (out / "report.xlsx").exists() and not (out / "findings.json").exists()


def test_a_workbook_failing_after_the_fork_finished_replaces_none_of_its_files(
        town: Store, rules_path: Path, tmp_path: Path, forks: list[proc.Forked],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    real_sheet, out = workbook.write_sheet, tmp_path / "out"

    def sheet(wb, name, *args, **kwargs):  # noqa: ANN001, ANN202 - write_sheet's signature
        if name == "问题清单":
            deadline = time.monotonic() + 120
            while not forks[0].future.done() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert forks[0].future.result() and list(out.rglob(f"*.tmp-{forks[0].pid}"))   # written, held back
            raise OSError(28, "No space left on device")
        return real_sheet(wb, name, *args, **kwargs)

    monkeypatch.setattr(workbook, "write_sheet", sheet)
    with pytest.raises(OSError, match="No space left"):
        build.write_reports(town, 1, out, rules_path=rules_path, processes=2)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == []   # no file, no snapshot, no temporary
    assert multiprocessing.active_children() == []


def test_a_fork_that_fails_alone_leaves_the_report_to_write_its_files(
        town: Store, rules_path: Path, tmp_path: Path, forks: list[proc.Forked],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed in the middle of findings.json (as the out-of-memory killer would): the report writes
    the files itself, the same as a report without a fork, and the fork's leftovers are gone."""
    import os
    import signal

    parent, real = os.getpid(), build.write_json_list

    def killed_in_the_fork(path, items):  # noqa: ANN001, ANN202 - write_json_list's signature
        if os.getpid() != parent:
            path.with_name(f"{path.name}.tmp-{os.getpid()}").write_text("[", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, items)

    monkeypatch.setattr(build, "write_json_list", killed_in_the_fork)
    alone = build.write_reports(town, 1, tmp_path / "alone", rules_path=rules_path, processes=1)
    paths = build.write_reports(town, 1, tmp_path / "out", rules_path=rules_path, processes=2)
    assert len(forks) == 1 and multiprocessing.active_children() == []
    assert _files(paths.out_dir) == _files(alone.out_dir) and not list(paths.out_dir.rglob("*.tmp-*"))


def test_an_error_of_the_fork_is_met_again_and_fails_the_report(
        town: Store, rules_path: Path, tmp_path: Path, forks: list[proc.Forked],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - write_json_list's signature
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "write_json_list", full_disk)   # the fork inherits it
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left"):
        build.write_reports(town, 1, out, rules_path=rules_path, processes=2)
    assert len(forks) == 1 and multiprocessing.active_children() == []
    assert not (out / "findings.json").exists() and not list(out.rglob("*.tmp-*"))


@pytest.mark.parametrize("processes", [1, 2])
def test_a_report_failing_after_its_workbook_leaves_the_last_reports_files_whole(
        town: Store, rules_path: Path, tmp_path: Path, forks: list[proc.Forked],
        monkeypatch: pytest.MonkeyPatch, processes: int) -> None:
    """The disk fills at findings.json, after the workbook and the scorecards were written: every
    output still is the last report's — none of this run's replaced one of its files."""
    out = tmp_path / "out"
    build.write_reports(town, 1, out, rules_path=rules_path, processes=processes)
    before = {**_files(out), "report.xlsx": (out / "report.xlsx").read_bytes()}

    def full_disk(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - write_json_list's signature
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "now_iso", lambda: "2024-10-01T08:00:00+00:00")   # every output differs
    monkeypatch.setattr(build, "write_json_list", full_disk)
    with pytest.raises(OSError, match="No space left"):
        build.write_reports(town, 1, out, rules_path=rules_path, processes=processes)
    after = {**_files(out), "report.xlsx": (out / "report.xlsx").read_bytes()}
    assert after == before and not list(out.rglob("*.tmp-*"))
    assert multiprocessing.active_children() == []
