"""Scoring arithmetic: vetoes, caps, pass line, bonus gate, ranking ties, undecided sites."""

from __future__ import annotations

from typing import Any

import pytest

from gongkai.reports.dataset import ResultRow
from gongkai.reports.indicators import IndicatorSystem
from gongkai.reports.scoring import rank, score_audit, score_site

SOURCE = {"doc": "《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）",
          "clause": "单项否决指标", "status": "notice"}


def system(**overrides: Any) -> IndicatorSystem:
    data: dict[str, Any] = {
        "name": "测试指标", "source": SOURCE, "total": 100, "pass_line": 60, "bonus_gate": 80,
        "interpretation_rate_rule": "interpretation.missing",
        "veto": [
            {"id": "unreachable", "name": "站点无法访问", "rules": ["site.unreachable"], "source": SOURCE},
            {"id": "stale", "name": "栏目不更新", "rules": ["column.stale"], "min_count": 5, "warn_at": 3,
             "column_types": ["news", "notices", "policy_docs"], "source": SOURCE},
            {"id": "empty", "name": "空白栏目", "rules": ["column.empty"], "min_count": 5, "source": SOURCE},
        ],
        "groups": [
            {"name": "发布解读", "status": "notice", "indicators": [
                {"id": "interp", "name": "政策解读", "points": 40, "status": "project", "deductions": [
                    {"rule": "interpretation.missing", "per_finding": 2},
                    {"rule": "interpretation.late", "per_finding": 1}]},
                {"id": "labels", "name": "信息公开规范", "points": 44, "status": "project", "deductions": [
                    {"rule": "label.disclosure_attribute_missing", "per_finding": 1}]},
            ]},
            {"name": "功能设计", "status": "notice", "indicators": [
                {"id": "links", "name": "链接可用性", "points": 6, "status": "project", "deductions": [
                    {"rule": "link.broken", "per_finding": 0.5}]},
                {"id": "identity", "name": "网站标识", "points": 10, "status": "project", "deductions": [
                    {"rule": "footer.missing_identity", "per_finding": 10}]},
            ]},
        ],
        "bonus": {"max": 5, "items": [
            {"id": "award", "name": "创新做法", "points": 4, "sites": ["shenyang"]},
            {"id": "clean", "name": "标识规范", "points": 3, "rules": ["footer.missing_identity"]}]},
    }
    data.update(overrides)
    return IndicatorSystem.model_validate(data)


def r(rule: str, status: str, subject: str = "http://www.shenyang.gov.cn/a.html", site: str = "shenyang",
      column_type: str | None = None, period: str | None = None) -> ResultRow:
    return ResultRow(site=site, rule=rule, subject=subject, period=period, status=status, reason="", message="",
                     evidence={}, column_type=column_type)


def home_ok(site: str = "shenyang") -> ResultRow:
    return r("site.unreachable", "pass", f"http://{site}.gov.cn/", site=site)


def fails(rule: str, n: int, site: str = "shenyang", column_type: str | None = None) -> list[ResultRow]:
    return [r(rule, "fail", f"http://{site}.gov.cn/{rule}/{i}.html", site, column_type) for i in range(n)]


SITE = {"site": "shenyang", "name": "沈阳市人民政府", "kind": "government"}   # holds the 创新做法 award
PLAIN = {"site": "dalian", "name": "大连市人民政府", "kind": "government"}


def test_clean_site_scores_full_marks_and_passes() -> None:
    results = [home_ok("dalian"), r("link.broken", "pass", site="dalian"),
               r("interpretation.missing", "pass", site="dalian")]
    score = score_site(system(), PLAIN, results)
    assert (score.score, score.deduction_score, score.grade, score.vetoed) == (100, 100, "合格", False)
    awarded = score_site(system(), SITE, [home_ok()])
    assert (awarded.deduction_score, awarded.bonus, awarded.bonus_items) == (100, 4, ["创新做法"])


def test_deductions_are_capped_per_indicator() -> None:
    results = [home_ok(), *fails("link.broken", 30), *fails("interpretation.missing", 3),
               *fails("interpretation.late", 1)]
    score = score_site(system(), SITE, results)
    by_id = {i.id: i for i in score.indicators}
    assert by_id["links"].deducted == 6            # 30 × 0.5 = 15, capped at 6
    assert by_id["links"].findings == 30
    assert by_id["interp"].deducted == 7           # 3 × 2 + 1 × 1
    assert by_id["interp"].by_rule == {"interpretation.missing": 3, "interpretation.late": 1}
    assert score.deduction_score == 87


def test_duplicate_results_count_once_but_periods_are_distinct() -> None:
    dup = r("link.broken", "fail", "http://x.gov.cn/a.doc")
    months = [r("link.broken", "fail", "http://x.gov.cn/b.doc", period=p) for p in ("2024-04", "2024-05")]
    score = score_site(system(), SITE, [home_ok(), dup, dup, *months])
    assert next(i for i in score.indicators if i.id == "links").findings == 3


def test_pass_line_is_inclusive() -> None:
    at_line = score_site(system(), SITE, [home_ok(), *fails("label.disclosure_attribute_missing", 40)])
    below = score_site(system(), SITE, [home_ok(), *fails("label.disclosure_attribute_missing", 40),
                                        *fails("link.broken", 1)])
    assert (at_line.score, at_line.grade) == (60, "合格")
    assert (below.score, below.grade) == (59.5, "不合格")


def test_veto_stops_scoring_but_reports_every_veto() -> None:
    results = [r("site.unreachable", "fail", "http://shenyang.gov.cn/"), *fails("column.empty", 5),
               *fails("link.broken", 2)]
    score = score_site(system(), SITE, results)
    assert score.vetoed and score.grade == "不合格"
    assert score.score is None and score.deduction_score is None and score.bonus == 0
    assert score.veto_rules == ["column.empty", "site.unreachable"]
    assert [v.id for v in score.vetoes if v.hit] == ["unreachable", "empty"]
    assert all(i.deducted is None for i in score.indicators)
    assert next(i for i in score.indicators if i.id == "links").findings == 2   # still listed


def test_column_veto_counts_only_its_column_types_and_warns_below_the_line() -> None:
    four_news = fails("column.stale", 4, column_type="news")
    warned = score_site(system(), SITE, [home_ok(), *four_news])
    stale = next(v for v in warned.vetoes if v.id == "stale")
    assert (stale.count, stale.hit, stale.warning, stale.verdict) == (4, False, True, "预警")
    other_types = score_site(system(), SITE, [home_ok(), *four_news, *fails("column.stale", 3, column_type="personnel")])
    assert not other_types.vetoed
    fifth = r("column.stale", "fail", "http://shenyang.gov.cn/tzgg/", column_type="notices")
    vetoed = score_site(system(), SITE, [home_ok(), *four_news, fifth])
    assert vetoed.vetoed and vetoed.veto_rules == ["column.stale"]
    assert next(v for v in vetoed.vetoes if v.id == "stale").subjects[-1] == "http://shenyang.gov.cn/tzgg/"


def test_bonus_only_above_the_gate_and_capped() -> None:
    at_gate = [home_ok(), r("footer.missing_identity", "pass"), *fails("label.disclosure_attribute_missing", 20)]
    score = score_site(system(), SITE, at_gate)
    assert (score.deduction_score, score.bonus, score.score) == (80, 0, 80)     # 80 is not > 80
    above = [home_ok(), r("footer.missing_identity", "pass"), *fails("label.disclosure_attribute_missing", 19)]
    score = score_site(system(), SITE, above)
    assert score.bonus_items == ["创新做法", "标识规范"]
    assert (score.deduction_score, score.bonus, score.score) == (81, 5, 86)     # 4 + 3 capped at 5


def test_rule_bonus_needs_a_decided_pass_and_no_failure() -> None:
    undecided = score_site(system(), PLAIN, [home_ok("dalian"), r("footer.missing_identity", "unknown", site="dalian")])
    assert undecided.bonus == 0 and undecided.bonus_items == []
    decided = score_site(system(), PLAIN, [home_ok("dalian"), r("footer.missing_identity", "pass", site="dalian")])
    assert decided.bonus_items == ["标识规范"] and decided.score == 103


def test_undecided_sites_are_not_scored() -> None:
    blocked = score_site(system(), SITE, [r("site.unreachable", "unknown"), r("column.stale", "unknown"),
                                          r("link.broken", "unknown")])
    assert (blocked.grade, blocked.score, blocked.assessable, blocked.coverage) == ("无法评估", None, False, 0)
    assert blocked.undecided_rules == ["column.stale", "link.broken", "site.unreachable"]
    assert next(v for v in blocked.vetoes if v.id == "unreachable").verdict == "无法判断"
    mostly = score_site(system(), SITE, [home_ok(), r("column.stale", "unknown"), r("link.broken", "unknown")])
    assert mostly.grade == "无法评估"           # 1 of 3 rules decided < 50 %
    nothing = score_site(system(), SITE, [])
    assert nothing.grade == "无法评估" and nothing.coverage is None


def test_a_veto_outweighs_undecided_results() -> None:
    score = score_site(system(), SITE, [r("site.unreachable", "fail"), r("column.stale", "unknown"),
                                        r("link.broken", "unknown")])
    assert score.grade == "不合格" and score.vetoed


def test_ranking_shares_ties_and_puts_unranked_sites_last() -> None:
    sites = [{"site": s, "name": s} for s in ("a", "b", "c", "d", "e")]
    results = [home_ok("a"), *fails("link.broken", 2, site="a"),                       # 99
               home_ok("b"), *fails("link.broken", 2, site="b"),                       # 99
               home_ok("c"), *fails("interpretation.late", 3, site="c"),               # 97
               r("site.unreachable", "fail", site="d"),                                # vetoed
               r("site.unreachable", "unknown", site="e")]                              # 无法评估
    ranked = score_audit(system(), sites, results)
    assert [(s.site, s.score, s.rank) for s in ranked] == [
        ("a", 99, 1), ("b", 99, 1), ("c", 97, 3), ("d", None, None), ("e", None, None)]
    assert [s.grade for s in ranked] == ["合格", "合格", "合格", "不合格", "无法评估"]


def test_rank_orders_vetoed_before_unassessable() -> None:
    sites = [{"site": "z"}, {"site": "y"}]
    scores = [score_site(system(), sites[0], [r("site.unreachable", "unknown", site="z")]),
              score_site(system(), sites[1], [r("site.unreachable", "fail", site="y")])]
    assert [s.site for s in rank(scores)] == ["y", "z"]


def test_interpretation_rate_counts_due_policies_only() -> None:
    results = [home_ok(), r("interpretation.missing", "pass", "http://x/1"), r("interpretation.missing", "pass", "http://x/2"),
               r("interpretation.missing", "fail", "http://x/3"), r("interpretation.missing", "not_applicable", "http://x/4"),
               r("interpretation.missing", "unknown", "http://x/5")]
    assert score_site(system(), SITE, results).interpretation == {"interpreted": 2, "due": 3, "rate": 0.6667}
    assert score_site(system(), SITE, [home_ok()]).interpretation is None


def test_unmapped_failures_are_listed_as_unscored() -> None:
    score = score_site(system(), SITE, [home_ok(), *fails("content.hidden_link", 2)])
    assert score.unscored_rules == ["content.hidden_link"] and score.deduction_score == 100
    assert score.findings == 2


@pytest.mark.parametrize("status", ["pass", "fail"])
def test_rule_counts_cover_every_status(status: str) -> None:
    results = [home_ok(), r("link.broken", status, "http://a/1"), r("link.broken", "unknown", "http://a/2"),
               r("link.broken", "not_applicable", "http://a/3")]
    counts = score_site(system(), SITE, results).rule_counts["link.broken"]
    assert counts == {"pass": status == "pass", "fail": status == "fail", "not_applicable": 1, "unknown": 1,
                      "total": 3}


def test_an_unfinished_crawl_grades_and_ranks_nobody() -> None:
    results = [home_ok(), home_ok("dalian"), *fails("site.unreachable", 1, "anshan")]
    sites = [SITE, PLAIN, {"site": "anshan", "name": "鞍山市人民政府"}]
    final = score_audit(system(), sites, results)
    unfinished = score_audit(system(), sites, results, complete=False)
    assert [s.site for s in unfinished] == [s.site for s in final]
    assert {s.grade for s in final} == {"合格", "不合格"} and not any(s.provisional for s in final)
    assert all((s.grade, s.rank, s.provisional) == ("未完成", None, True) for s in unfinished)
    assert [s.score for s in unfinished] == [s.score for s in final]     # what was seen, marked 暂计


def test_reply_late_vetoes_only_on_its_overdue_leg() -> None:
    """互动回应差 counts reply_late failures with evidence overdue=true; a reply past the regional
    deadline (overdue false) only costs points (bundled indicators)."""

    from gongkai.reports.indicators import load_indicators

    bundled = load_indicators()
    late = r("interaction.reply_late", "fail", "http://sy.gov.cn/ldxx/1.html")._replace(evidence={"overdue": False})
    overdue = r("interaction.reply_late", "fail", "http://sy.gov.cn/ldxx/2.html")._replace(evidence={"overdue": True})
    only_late = score_site(bundled, PLAIN, [home_ok(), late])
    assert not only_late.vetoed
    assert next(i for i in only_late.indicators if i.id == "message_replies").deducted == 1
    both = score_site(bundled, PLAIN, [home_ok(), late, overdue])
    veto = next(v for v in both.vetoes if v.id == "interaction_unanswered")
    assert both.vetoed and veto.count == 1 and veto.subjects == ["http://sy.gov.cn/ldxx/2.html"]


def test_unchecked_points_name_what_remains() -> None:
    """With the 办事服务 and 互动交流 rules examined, only their unchecked parts stay 未检查."""
    from gongkai.reports.indicators import load_indicators

    rows = [home_ok(), *(r(rule, "pass") for rule in (
        "interaction.channel_missing", "interaction.reply_late", "service.missing", "service.guide_incomplete"))]
    score = score_site(load_indicators(), PLAIN, rows)
    unchecked = {i.name for i in score.indicators if not i.checked}
    assert {"办件统计数据", "在线办理与表格下载", "留言统计、调查征集与在线访谈"} <= unchecked
    assert not {"办事服务入口", "办事指南要素", "咨询建言渠道", "留言办理与答复公开"} & unchecked


def unknowns(rule: str, n: int, site: str = "dalian", column_type: str | None = None) -> list[ResultRow]:
    return [r(rule, "unknown", f"http://{site}.gov.cn/{rule}/u{i}.html", site, column_type) for i in range(n)]


@pytest.mark.parametrize(("unknown", "grade", "verdict"), [
    (4, "无法评估", "无法判断"),   # 3 stale + 4 unreadable columns: the 5 that trip the veto may be there
    (1, "合格", "预警"),           # 3 + 1 < 5: no veto can hide behind them
])
def test_a_veto_the_undecided_results_could_trip_leaves_no_grade(unknown: int, grade: str, verdict: str) -> None:
    results = [home_ok("dalian"), r("link.broken", "pass", site="dalian"),
               *fails("column.stale", 3, "dalian", "news"), *unknowns("column.stale", unknown, "dalian", "news")]
    score = score_site(system(), PLAIN, results)
    stale = next(v for v in score.vetoes if v.id == "stale")
    assert (score.grade, stale.verdict, stale.hit) == (grade, verdict, False)
    assert score.assessable is (grade == "合格")


@pytest.mark.parametrize(("passes", "grade"), [
    (10, "合格"),     # one page not read among ten read: the veto is decided on what was read
    (0, "无法评估"),  # no page could be read: a single finding would trip it, and none could be seen
])
def test_a_one_finding_veto_is_undecided_only_when_nothing_of_it_was_decided(passes: int, grade: str) -> None:
    spam = {"id": "spam", "name": "安全问题", "rules": ["content.spam_injection"], "source": SOURCE}
    results = [home_ok("dalian"), r("link.broken", "pass", site="dalian"),
               *[r("content.spam_injection", "pass", f"http://dalian.gov.cn/{i}.html", "dalian") for i in range(passes)],
               *unknowns("content.spam_injection", 1)]
    score = score_site(system(veto=[*system().model_dump()["veto"], spam]), PLAIN, results)
    veto = next(v for v in score.vetoes if v.id == "spam")
    assert score.grade == grade and veto.verdict == ("未触发" if passes else "无法判断")
