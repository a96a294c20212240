"""抓取覆盖: each column's counts and state, and each site's roll-up, in HTML, JSON and the workbook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai.reports.build import ReportPaths, write_reports
from gongkai.reports.coverage import by_site
from gongkai.store import Store

from .conftest import INCOMPLETE_REASON

ROLLUP = f"2 个栏目中 1 个完整；不完整：政策文件·=HYPERLINK(\"http://evil.example/\",\"点击\")（{INCOMPLETE_REASON}）"
NEWS = "http://www.shenyang.gov.cn/zwgk/zwdt/"
POLICY = "http://www.shenyang.gov.cn/zwgk/zcwj/"


def test_rollup_names_each_state() -> None:
    rows = [{"site": "s", "type": "news", "url": "u1", "coverage": "complete"},
            {"site": "s", "type": "interpretations", "url": "u2", "coverage": "incomplete",
             "coverage_reason": "列表第3页抓取失败"},
            {"site": "s", "type": "notices", "url": "u3", "coverage": "pending"},
            {"site": "s", "type": "budgets", "url": "u4", "name": "财政预决算"}]
    site = by_site(rows)["s"]
    assert site.summary == ("4 个栏目中 1 个完整；不完整：政策解读（列表第3页抓取失败）；待定（抓取未结束）：通知公告；"
                            "未记录：预决算·财政预决算")
    assert site.short == "1/4 完整" and not site.complete
    assert by_site([], ["t"])["t"].summary == "未发现栏目"
    assert by_site(rows[:1])["s"].summary == "1 个栏目全部完整"


@pytest.fixture
def paths(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> ReportPaths:
    store, audit = audit_store
    return write_reports(store, audit, tmp_path / "out", rules_path=rules_path)


def test_site_page_has_the_rollup_and_one_row_per_column(paths: ReportPaths) -> None:
    page = (paths.out_dir / "scorecard" / "shenyang.html").read_text(encoding="utf-8")
    rollup = ROLLUP.replace('"', "&#34;")
    assert page.index(rollup) < page.index('<h2 id="todo">')                 # near the top
    table = page[page.index('<table class="coverage">'):]
    table = table[:table.index("</table>")]
    assert page[:page.index('<table class="coverage">')].endswith('<div class="scroll">\n')
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 2
    news, policy = (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows)
    assert news.startswith("工作动态 政务动态 自动发现") and NEWS in news
    assert "137 / 7 3 60 23 23 完整" in news
    assert policy.startswith("政策文件 =HYPERLINK") and POLICY in policy
    assert f"412 / 21 2 失败 1 40 31 29 失败 2 不完整 ：{INCOMPLETE_REASON}" in policy


def test_index_has_a_coverage_column(paths: ReportPaths) -> None:
    index = paths.scorecard.read_text(encoding="utf-8")
    assert "<th>抓取覆盖</th>" in index
    assert "1/2 完整" in index and "6/6 完整" not in index
    assert "0/6 完整" in index                                  # dl-fgw: coverage not recorded by its crawler
    assert "未发现栏目" in index                                 # anshan


def test_scores_json_has_site_coverage_and_column_rows(paths: ReportPaths) -> None:
    sites = {s["id"]: s for s in json.loads(paths.scores.read_text(encoding="utf-8"))["sites"]}
    cov = sites["shenyang"]["crawl_coverage"]
    assert (cov["columns"], cov["complete"], cov["incomplete"], cov["all_complete"]) == (2, 1, 1, False)
    assert cov["incomplete_reasons"] == [{"type": "policy_docs", "label": "政策文件", "name": cov["rows"][1]["name"],
                                          "url": POLICY, "coverage": "incomplete", "reason": INCOMPLETE_REASON}]
    news, policy = cov["rows"]
    assert (news["url"], news["announced_records"], news["articles_fetched"], news["coverage"]) == (
        NEWS, 137, 23, "complete")
    assert (policy["list_pages"], policy["list_pages_failed"], policy["items_in_window"], policy["articles_failed"],
            policy["coverage_reason"]) == (2, 1, 31, 2, INCOMPLETE_REASON)
    assert sites["dl-fgw"]["crawl_coverage"]["unrecorded"] == 6
    assert sites["shenyang"]["coverage"] == 1.0                 # the rule-decided share keeps its key


def test_workbook_has_a_coverage_sheet(paths: ReportPaths) -> None:
    wb = load_workbook(paths.workbook)
    ws = wb["抓取覆盖"]
    header = [c.value for c in ws[3]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=4)]
    assert len(rows) == 2 + 6
    policy = next(r for r in rows if r["地址"] == POLICY)
    assert (policy["栏目"], policy["CMS公布条数"], policy["CMS公布页数"], policy["已抓列表页"], policy["失败列表页"],
            policy["列表条目"], policy["期内条目"], policy["已抓文章"], policy["失败文章"]) == (
        "政策文件", 412, 21, 2, 1, 40, 31, 29, 2)
    assert (policy["覆盖状态"], policy["不完整原因"]) == ("不完整", INCOMPLETE_REASON)
    assert next(r for r in rows if r["地址"] == NEWS)["覆盖状态"] == "完整"
    ranking = {row[2].value: row[-1].value for row in wb["排名"].iter_rows(min_row=4)}
    assert ranking == {"shenyang": "1/2 完整", "dl-fgw": "0/6 完整", "anshan": "未发现栏目"}


def test_site_page_counts_the_pages_and_how_columns_were_found(paths: ReportPaths) -> None:
    page = (paths.out_dir / "scorecard" / "shenyang.html").read_text(encoding="utf-8")
    assert ("抓取页面：列表页 5 个（另有 1 个失败），期内文章 52 篇（另有 2 篇失败）；"
            "栏目 2 个，其中配置 1 个、自动发现 1 个。") in page
