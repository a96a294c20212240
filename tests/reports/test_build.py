"""write_reports end to end over a real store: findings.json, scores.json, HTML, Excel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai.reports.build import ReportPaths, write_reports
from gongkai.reports.errors import ReportError
from gongkai.reports.scorecard import page_name, site_page_path
from gongkai.store import Store

from .conftest import FORMULA_TEXT, HOSTILE_SUBJECT, HOSTILE_TITLE


@pytest.fixture
def paths(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> ReportPaths:
    store, audit = audit_store
    return write_reports(store, audit, tmp_path / "out", rules_path=rules_path)


def test_all_outputs_are_written(paths: ReportPaths) -> None:
    out = paths.out_dir
    assert paths.findings == out / "findings.json" and paths.scores == out / "scores.json"
    assert paths.scorecard == out / "scorecard" / "index.html" and paths.workbook == out / "report.xlsx"
    assert sorted(p.name for p in (out / "scorecard").iterdir()) == [
        "anshan.html", "dl-fgw.html", "index.html", "shenyang.html", "tongbao.html"]


def test_findings_are_the_failures_sorted_with_their_rule(paths: ReportPaths) -> None:
    raw = paths.findings.read_text(encoding="utf-8")
    assert "政策解读发布不及时" in raw                       # ensure_ascii=False
    findings = json.loads(raw)
    keys = [(f["site"], f["rule"], f["subject"]) for f in findings]
    assert keys == sorted(keys) and len(findings) == 11
    assert {f["site"] for f in findings} == {"shenyang", "dl-fgw"}       # anshan: nothing decided
    late = next(f for f in findings if f["rule"] == "interpretation.late")
    assert late["severity"] == "medium" and late["title"] == "政策解读发布不及时"
    assert late["subject"] == "http://www.shenyang.gov.cn/zwgk/zcwj/202404/t20240403_123456.html"
    assert late["evidence"]["interp_date"] == "2024-04-12" and len(late["evidence"]["pages"]) == 30
    assert late["source"] == "辽宁省人民政府办公厅关于贯彻落实国务院办公厅《2017年政务公开工作要点》工作安排的通知 二（五）"
    assert late["sources"] == [{"doc": "辽宁省人民政府办公厅关于贯彻落实国务院办公厅《2017年政务公开工作要点》工作安排的通知",
                                "clause": "二（五）", "status": "notice"}]
    assert late["remediation"].startswith("政策文件与解读材料同步起草")
    assert late["period"] is None
    required = {"site", "rule", "subject", "period", "severity", "message", "evidence", "source", "sources",
                "title", "remediation"}
    assert all(required <= f.keys() for f in findings)


def test_scores_per_site(paths: ReportPaths) -> None:
    doc = json.loads(paths.scores.read_text(encoding="utf-8"))
    assert doc["audit"] == {"id": 1, "name": "辽宁省政府网站2024年第二季度检查", "period": "2024Q2",
                            "as_of": "2024-06-30", "complete": True, "crawl_state": "finished",
                            "close_reason": "finished", "crawled_at": "2024-07-01T02:00:00+00:00", "note": None}
    assert doc["generated_at"] and doc["audit_errors"] == 1
    sites = {s["id"]: s for s in doc["sites"]}
    assert [s["id"] for s in doc["sites"]] == ["shenyang", "dl-fgw", "anshan"]
    sy = sites["shenyang"]
    # interpretation: 1 missing × 2 + 1 late × 1; links: 2 × 0.5
    assert (sy["score"], sy["grade"], sy["rank"], sy["vetoed"]) == (96, "合格", 1, False)
    interp = next(d for d in sy["deductions"] if d["indicator"] == "policy_interpretation")
    assert (interp["points"], interp["cap"], interp["findings"]) == (3, 10, 2)
    assert sy["results"]["interpretation.missing"] == {"pass": 2, "fail": 1, "not_applicable": 1, "unknown": 0,
                                                       "total": 4}
    assert sy["summary"] == {"results": 12, "checked": 11, "pass": 6, "fail": 4, "not_applicable": 1, "unknown": 1}
    assert sy["interpretation_rate"] == {"interpreted": 2, "due": 3, "rate": 0.6667}
    assert sy["errors"] == {"extract": 1} and sy["findings_by_severity"] == {"high": 1, "low": 2, "medium": 1}
    dl = sites["dl-fgw"]
    assert (dl["score"], dl["grade"], dl["rank"], dl["vetoed"]) == (None, "不合格", None, True)
    assert dl["veto_rules"] == ["column.stale", "site.unreachable"]
    stale = next(v for v in dl["vetoes"] if v["id"] == "column_stale")
    assert (stale["count"], stale["threshold"]) == (6, 5)        # column types read from the columns table
    an = sites["anshan"]
    assert (an["score"], an["grade"], an["assessable"], an["errors"]) == (None, "无法评估", False, {"crawl": 1})


def html_files(paths: ReportPaths) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (paths.out_dir / "scorecard").glob("*.html")}


def test_html_escapes_hostile_text_and_links_only_http(paths: ReportPaths) -> None:
    for name, html in html_files(paths).items():
        html = re.sub(r'<script id="gongkai-table-js">.*?</script>', "", html, flags=re.S)   # our own sort/filter
        assert "<script" not in html, name
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert all(h.startswith(("http://", "https://")) or re.fullmatch(r"[a-z0-9_.-]+\.html|#[a-z-]+", h)
                   for h in hrefs), name
        assert "javascript:" not in "".join(hrefs)
        assert "<link" not in html and "src=" not in html                    # self-contained
    page = html_files(paths)["shenyang.html"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert f'<span class="url">{HOSTILE_SUBJECT}</span>' in page            # shown, not clickable
    assert HOSTILE_TITLE.split("</script>")[1] in page


def test_long_evidence_is_bounded(paths: ReportPaths) -> None:
    page = html_files(paths)["shenyang.html"]
    assert "http://www.shenyang.gov.cn/p7.html" in page and "http://www.shenyang.gov.cn/p8.html" not in page
    assert "共30项，仅列前8项" in page


def test_index_ranks_sites_and_links_each_page(paths: ReportPaths) -> None:
    index = html_files(paths)["index.html"]
    assert "辽宁省政府网站2024年第二季度检查" in index and "2024Q2" in index and "2024-06-30" in index
    ranking = index[index.index('id="rank"'):]
    links = re.findall(r'<a href="([a-z0-9_.-]+\.html)">([^<]+)</a>', ranking[:ranking.index("</table>")])
    assert links == [("shenyang.html", "沈阳市人民政府"), ("dl-fgw.html", "大连市发展和改革委员会"),
                     ("anshan.html", "鞍山市人民政府")]
    for target, _ in links:
        assert (paths.scorecard.parent / target).is_file()
    assert "站点无法访问、栏目不更新" in index and "无法评估" in index


def test_site_page_shows_breakdown_rules_columns_and_errors(paths: ReportPaths) -> None:
    page = html_files(paths)["shenyang.html"]
    assert "检查3项，不合格1，无法判断0，不适用1" in page          # interpretation.missing
    assert "检查4项，不合格2，无法判断1，不适用0" in page          # link.broken
    assert "政务动态" in page and "自动发现" in page and "政策文件" in page
    assert "附件表格解析失败" in page and "解析" in page
    assert "整改建议：修复或删除失效链接" in page
    assert "66.7%（2/3）" in page
    dalian = html_files(paths)["dl-fgw.html"]
    assert "单项否决：站点无法访问、栏目不更新" in dalian and "否决" in dalian
    anshan = html_files(paths)["anshan.html"]
    assert "无法评估" in anshan and "HTTP 412: anti-bot challenge" in anshan


def test_workbook_sheets_and_formula_safety(paths: ReportPaths) -> None:
    wb = load_workbook(paths.workbook)
    assert wb.sheetnames == ["排名", "整改清单", "问题清单", "网站×指标", "检查结果", "扣分明细", "抓取覆盖", "错误"]
    for ws in wb.worksheets:
        assert ws["A1"].value == f"辽宁省政府网站2024年第二季度检查（检查期间 2024Q2，基准日 2024-06-30）— {ws.title}"
        assert ws["A1"].font.bold and ws["A2"].font.bold and ws.freeze_panes == "A4"
        assert ws["A2"].value.startswith("检查期间：2024Q2　检查基准日：2024-06-30　生成时间：") and "北京时间" in ws["A2"].value
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$3"
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    findings = wb["问题清单"]
    assert FORMULA_TEXT in [c.value for c in findings["G"]]                  # message column, as text
    assert FORMULA_TEXT in [c.value for c in wb["抓取覆盖"]["C"]]
    ranking = [[c.value for c in row] for row in wb["排名"].iter_rows(min_row=4)]
    assert [row[:3] for row in ranking] == [[1, "沈阳市人民政府", "shenyang"], [None, "大连市发展和改革委员会", "dl-fgw"],
                                            [None, "鞍山市人民政府", "anshan"]]
    assert ranking[0][4] == 96 and ranking[1][9] == "不合格" and ranking[1][10] == "是"
    assert ranking[0][3] == "人民政府" and ranking[1][3] == "政府部门"            # Chinese, not codes
    assert ranking[0][6] == 0.74 and wb["排名"].cell(row=4, column=7).number_format == "0.0%"
    assert wb["排名"].cell(row=4, column=19).number_format == "0.0%"          # 解读率
    assert wb["检查结果"].max_row == 3 + 12 + 7 + 2
    assert wb["问题清单"].column_dimensions["E"].width > wb["问题清单"].column_dimensions["D"].width


def test_unsafe_site_ids_never_escape_the_output(audit_store: tuple[Store, int], rules_path: Path,
                                                   tmp_path: Path) -> None:
    store, audit = audit_store
    store.replace_results(audit, "../../evil", [{"rule": "link.broken", "subject": "http://a/", "status": "fail"}])
    with pytest.raises(ReportError, match="not \\[a-z0-9_-\\]\\+"):
        write_reports(store, audit, tmp_path / "out", rules_path=rules_path)
    assert not (tmp_path / "evil.html").exists()
    with pytest.raises(ReportError, match="outside"):
        site_page_path(tmp_path, "../evil")
    assert page_name("index") == "index.site.html" and page_name("shenyang") == "shenyang.html"


def test_unknown_audit_and_unknown_rule(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> None:
    store, audit = audit_store
    with pytest.raises(ReportError, match="no audit 99"):
        write_reports(store, 99, tmp_path / "out", rules_path=rules_path)
    store.replace_results(audit, "anshan", [{"rule": "footer.missing_identity", "subject": "https://www.anshan.gov.cn/",
                                             "status": "fail", "message": "页脚缺少网站标识码"}])
    paths = write_reports(store, audit, tmp_path / "out2", rules_path=rules_path)
    finding = next(f for f in json.loads(paths.findings.read_text(encoding="utf-8")) if f["site"] == "anshan")
    assert (finding["title"], finding["severity"], finding["source"], finding["evidence"]) == (
        "footer.missing_identity", "unrated", "", {})
