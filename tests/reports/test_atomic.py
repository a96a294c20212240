"""Atomic output: a failed write leaves the old file intact and no temporary file behind."""

from __future__ import annotations

import contextlib
import errno
import resource
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.reports import atomic
from gongkai.reports.build import ReportPaths, build_model, write_reports
from gongkai.reports.export import findings, scores_document, write_json, write_json_list
from gongkai.reports.scorecard import write_scorecards
from gongkai.reports.workbook import write_workbook
from gongkai.store import Store

LIMIT = 1024          # bytes a file may grow to while the limit holds; every report file is larger


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """A real write failure in the middle of a file: RLIMIT_FSIZE makes write() fail with EFBIG.

    SIGXFSZ is ignored while the limit holds, so the failing write raises OSError instead of
    killing the test process.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.rglob("*.tmp-*")]


def test_replace_writes_the_new_content_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    path.write_text("old", encoding="utf-8")
    assert atomic.write_text(path, "新内容\n") == path
    assert path.read_text(encoding="utf-8") == "新内容\n" and leftovers(tmp_path) == []
    assert atomic.temp_path(path).parent == tmp_path                 # same directory: rename, not copy


def test_a_save_that_fails_midway_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text("<p>old scorecard</p>", encoding="utf-8")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("<p>half a new sc", encoding="utf-8")
        raise RuntimeError("template blew up")

    with pytest.raises(RuntimeError, match="template blew up"):
        atomic.replace(path, half_then_fail)
    assert path.read_text(encoding="utf-8") == "<p>old scorecard</p>" and leftovers(tmp_path) == []


def test_a_batch_replaces_every_file_together(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("old a", encoding="utf-8")
    with atomic.batch() as files:
        files.write_text(tmp_path / "a.html", "new a")
        files.write_text(tmp_path / "b.html", "new b")
        assert (tmp_path / "a.html").read_text(encoding="utf-8") == "old a"   # nothing renamed before the end
    assert snapshot(tmp_path) == {"a.html": b"new a", "b.html": b"new b"} and leftovers(tmp_path) == []


def test_a_batch_that_fails_midway_replaces_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("old a", encoding="utf-8")
    with file_size_limit(LIMIT), pytest.raises(OSError) as failure, atomic.batch() as files:
        files.write_text(tmp_path / "a.html", "new a")
        files.write_text(tmp_path / "b.html", "x" * (LIMIT * 4))
    assert failure.value.errno == errno.EFBIG
    assert snapshot(tmp_path) == {"a.html": b"old a"} and leftovers(tmp_path) == []


@pytest.fixture
def old_outputs(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> ReportPaths:
    store, audit = audit_store
    return write_reports(store, audit, tmp_path / "out", rules_path=rules_path)


def test_every_output_survives_a_write_that_hits_the_file_size_limit(
        old_outputs: ReportPaths, audit_store: tuple[Store, int], rules_path: Path) -> None:
    out = old_outputs.out_dir
    before = snapshot(out)
    assert all(len(content) > LIMIT for content in before.values())
    store, audit = audit_store               # new content: one more finding, so a silent success would show
    store.replace_results(audit, "anshan", [{"rule": "link.broken", "subject": "https://www.anshan.gov.cn/x",
                                             "status": "fail", "message": "新问题"}])
    with atomic.batch() as snapshot_files:
        model = build_model(store, audit, out, snapshot_files, rules_path=rules_path)
    data, system, scores = model.data, model.system, model.scores
    writers = {
        "scorecard": lambda: write_scorecards(out / "scorecard", model),
        "findings": lambda: write_json_list(out / "findings.json", findings(data, system, model.findings)),
        "scores": lambda: write_json(out / "scores.json", scores_document(data, system, scores, "2024-07-02")),
        "workbook": lambda: write_workbook(out / "report.xlsx", model),
    }
    for name, write in writers.items():
        with file_size_limit(LIMIT), pytest.raises(OSError) as failure:
            write()
        assert failure.value.errno == errno.EFBIG, name
        assert snapshot(out) == before, name
        assert leftovers(out) == [], name
    write_json_list(out / "findings.json", findings(data, system, model.findings))                 # and without the limit it works
    assert "新问题" in (out / "findings.json").read_text(encoding="utf-8") and leftovers(out) == []

