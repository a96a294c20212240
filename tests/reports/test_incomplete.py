"""An audit whose crawl did not finish is marked 未完成 in every output and graded nowhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai.reports.auditstate import audit_state
from gongkai.reports.build import ReportPaths, write_reports
from gongkai.store import Store

BANNER = "本次评估未完成（抓取中断：shutdown），结果不可作为评估结论"


CHECKED = {"check_state": "finished", "checked_at": "t"}


@pytest.mark.parametrize(("row", "complete", "why"), [
    ({"crawl_state": "finished", "crawl_close_reason": "finished", "crawled_at": "t", **CHECKED}, True, ""),
    ({"crawl_state": "interrupted", "crawl_close_reason": "shutdown", "crawled_at": "t", **CHECKED}, False,
     "抓取中断：shutdown"),
    ({"crawl_state": "interrupted", "crawl_close_reason": None, "crawled_at": None}, False, "抓取中断：原因未记录"),
    ({"crawl_state": "running", "crawl_close_reason": None, "crawled_at": None}, False,
     "抓取未结束：进程仍在运行或被强行终止"),
    ({"crawl_state": None, "crawl_close_reason": None, "crawled_at": "t", "checked_at": "t"}, True, ""),  # store before both states
    ({"crawl_state": None, "crawl_close_reason": None, "crawled_at": None}, False, "未记录抓取完成"),
    ({}, False, "未记录抓取完成"),
    ({"crawl_state": "paused", "crawled_at": "t"}, False, "抓取状态未知：paused"),
    # the check: stopped part-way, never run since the crawl (re)started, of an unknown state
    ({"crawl_state": "finished", "crawled_at": "t", "check_state": "running", "checked_at": "t"}, False,
     "检查未完成：进程被中断或仍在运行，部分站点的结果缺失或来自上一次检查"),
    ({"crawl_state": "finished", "crawled_at": "t", "check_state": None, "checked_at": None}, False,
     "抓取后尚未完成检查（gongkai check）"),
    ({"crawl_state": "finished", "crawled_at": "t", "check_state": "paused", "checked_at": "t"}, False,
     "检查状态未知：paused"),
])
def test_audit_state_from_the_audits_row(row: dict, complete: bool, why: str) -> None:
    state = audit_state(row)
    assert (state.complete, state.why) == (complete, why)
    assert state.banner == ("" if complete else f"本次评估未完成（{why}），结果不可作为评估结论")


@pytest.fixture
def interrupted(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> ReportPaths:
    store, audit = audit_store
    store.mark_audit(audit, crawl_state="interrupted", crawl_close_reason="shutdown")
    return write_reports(store, audit, tmp_path / "out", rules_path=rules_path)


def test_scores_json_says_incomplete_and_grades_nobody(interrupted: ReportPaths) -> None:
    doc = json.loads(interrupted.scores.read_text(encoding="utf-8"))
    audit = doc["audit"]
    assert (audit["complete"], audit["crawl_state"], audit["close_reason"]) == (False, "interrupted", "shutdown")
    assert audit["note"] == BANNER
    for site in doc["sites"]:
        assert (site["grade"], site["rank"], site["provisional"]) == ("未完成", None, True), site["id"]
    shenyang = next(s for s in doc["sites"] if s["id"] == "shenyang")
    assert shenyang["score"] == 96                         # what was seen stays, labelled provisional


def test_findings_json_stays_a_list_and_flags_every_finding(interrupted: ReportPaths) -> None:
    findings = json.loads(interrupted.findings.read_text(encoding="utf-8"))
    assert isinstance(findings, list) and len(findings) == 11
    assert all(f["audit_complete"] is False for f in findings)


def test_every_page_carries_the_banner_and_no_final_grade(interrupted: ReportPaths) -> None:
    pages = sorted((interrupted.out_dir / "scorecard").glob("*.html"))
    assert len(pages) == 5                                    # three sites, the index, the 通报
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert BANNER in html and 'class="incomplete"' in html, page.name
        assert "<title>【未完成】" in html, page.name
        assert ">合格<" not in html and ">不合格<" not in html and ">无法评估<" not in html, page.name
    site = (interrupted.out_dir / "scorecard" / "shenyang.html").read_text(encoding="utf-8")
    assert 'class="grade-incomplete big">未完成<' in site and '96</span><span class="muted">暂计' in site
    vetoed = (interrupted.out_dir / "scorecard" / "dl-fgw.html").read_text(encoding="utf-8")
    assert "已发现单项否决项：站点无法访问、栏目不更新。评估未完成，暂不评定等级" in vetoed
    assert "判定为不合格" not in vetoed


def test_every_sheet_says_incomplete_in_its_title_row(interrupted: ReportPaths) -> None:
    wb = load_workbook(interrupted.workbook)
    for ws in wb.worksheets:
        assert ws["A1"].value.startswith(f"【未完成】{BANNER}"), ws.title
        assert ws.print_title_rows == "$1:$3"                 # repeated on every printed page
    grades = [row[9].value for row in wb["排名"].iter_rows(min_row=4)]
    ranks = [row[0].value for row in wb["排名"].iter_rows(min_row=4)]
    assert grades == ["未完成"] * 3 and ranks == [None] * 3


def test_a_store_without_crawl_state_or_close_stamp_is_not_finished(audit_store: tuple[Store, int],
                                                                     rules_path: Path, tmp_path: Path) -> None:
    store, audit = audit_store
    store.mark_audit(audit, crawl_state=None, crawl_close_reason=None, crawled_at=None)
    paths = write_reports(store, audit, tmp_path / "out", rules_path=rules_path)
    doc = json.loads(paths.scores.read_text(encoding="utf-8"))
    assert doc["audit"]["complete"] is False and "未记录抓取完成" in doc["audit"]["note"]
    assert "未记录抓取完成" in paths.scorecard.read_text(encoding="utf-8")


def test_a_finished_audit_has_no_banner(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> None:
    store, audit = audit_store
    paths = write_reports(store, audit, tmp_path / "out", rules_path=rules_path)
    for page in (paths.out_dir / "scorecard").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "未完成" not in html.split("<style>")[0] and 'class="incomplete"' not in html, page.name
    assert all(f["audit_complete"] is True for f in json.loads(paths.findings.read_text(encoding="utf-8")))
