"""整改清单: order (vetoes, 高, 中, 低), grouping of identical findings, indicator and points on each card."""

from __future__ import annotations

import json
import re
from pathlib import Path

from openpyxl import load_workbook

from gongkai.reports.build import write_reports
from gongkai.reports.cards import finding_id, stable
from gongkai.store import Store

from .conftest import HACKED_REASON, new_audit, save_town, town_page


def _report(tmp_path: Path, rules_path: Path, **town: object):
    store = Store(tmp_path / "gongkai.sqlite")
    audit = new_audit(store)
    save_town(store, audit, **town)
    paths = write_reports(store, audit, tmp_path / "out", rules_path=rules_path)
    store.close()
    return paths


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="card (tier-\d) sev-[a-z]+"', html)


def test_identical_findings_are_one_card_listing_every_page(tmp_path: Path, rules_path: Path) -> None:
    paths = _report(tmp_path, rules_path)
    html = paths.site_pages["qingsong"].read_text(encoding="utf-8")
    assert html.count(HACKED_REASON) == 1                              # one card, not eighteen
    card = html[html.index(HACKED_REASON) - 600:]
    card = card[:card.index("</article>")]
    assert "× 18" in card and "证据（各页相同）" in card
    for n in range(18):
        assert f'href="{town_page(n)}"' in card                         # every page, as a link
    assert "扣分指标「隐藏链接」：每项扣 1 分，本卡 18 项计 18 分；该指标共扣 5 分，上限 5 分" in card
    assert len(json.loads(paths.findings.read_text(encoding="utf-8"))) == 18 + 2   # the JSON keeps every finding


def test_cards_are_ordered_veto_then_high_medium_low(tmp_path: Path, rules_path: Path) -> None:
    paths = _report(tmp_path, rules_path, unreachable=True)
    html = paths.site_pages["qingsong"].read_text(encoding="utf-8")
    assert _cards(html) == ["tier-0", "tier-2", "tier-3", "tier-4"]
    todo = html.index('id="todo"')
    assert todo < html.index("单项否决指标</h3>") and todo < html.index("检查规则（")   # method after the list
    assert html.index("站点无法访问") < html.index(HACKED_REASON) < html.index("解读晚于期限") < html.index("链接不可用")
    assert "已触发，网站判定为不合格" in html


def test_a_vetoed_site_shows_the_score_it_would_have_had(tmp_path: Path, rules_path: Path) -> None:
    paths = _report(tmp_path, rules_path, unreachable=True)
    site = json.loads(paths.scores.read_text(encoding="utf-8"))["sites"][0]
    assert site["vetoed"] and site["score"] is None
    assert site["reference_score"] == 100 - 5 - 1 - 0.5               # hidden links (capped), late, broken link
    html = paths.site_pages["qingsong"].read_text(encoding="utf-8")
    assert "参考得分（93.5）" in html


def test_unknowns_are_listed_with_their_reasons_and_unchecked_points_are_stated(tmp_path: Path,
                                                                                rules_path: Path) -> None:
    paths = _report(tmp_path, rules_path)
    html = paths.site_pages["qingsong"].read_text(encoding="utf-8")
    unknown = html[html.index('id="unknown"'):html.index('id="coverage"')]
    assert "列表需执行JS" in unknown and "栏目不更新" in unknown
    assert "分值未检查" in html and "办事服务" in html and "互动交流" in html
    index = paths.scorecard.read_text(encoding="utf-8")
    assert "未检查" in index


def test_evidence_is_labelled_in_chinese_not_raw_json(tmp_path: Path, rules_path: Path) -> None:
    paths = _report(tmp_path, rules_path)
    html = paths.site_pages["qingsong"].read_text(encoding="utf-8")
    assert "外部域名" in html and "<mark>www.88xpj-vip.invalid</mark>" in html
    assert "引用页面" in html and "HTTP 状态" in html
    assert "linked_from" not in html and "{&#34;" not in html and "outcome" not in html


def test_workbook_todo_sheet_follows_the_same_order(tmp_path: Path, rules_path: Path) -> None:
    paths = _report(tmp_path, rules_path, unreachable=True)
    ws = load_workbook(paths.workbook)["整改清单"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[1] for r in rows] == ["单项否决", "高", "中", "低"]
    assert rows[0][5] == "单项否决「站点无法访问」已触发"
    assert rows[1][4] == 18 and rows[1][5] == "扣分「隐藏链接」" and rows[1][0] == "青松镇人民政府"
    assert ws.cell(row=5, column=8).hyperlink.target.startswith("http://www.qs.gov.cn/")


def test_finding_id_depends_on_site_rule_subject_period_only() -> None:
    a = finding_id("s", "r", "http://a/", "2024")
    assert a == finding_id("s", "r", "http://a/", "2024") and re.fullmatch(r"F[0-9a-f]{16}", a)
    assert len({a, finding_id("s", "r", "http://a/", None), finding_id("t", "r", "http://a/", "2024"),
                finding_id("s", "q", "http://a/", "2024"), finding_id("s", "r", "http://b/", "2024")}) == 5
    assert stable({"b": [3, 1], "at": "x", "tried": [{"at": 1, "n": 2}]}) == {"b": [1, 3], "tried": [{"n": 2}]}


def test_a_finding_is_a_veto_card_only_when_its_evidence_is_the_veto_leg() -> None:
    """The cards take the veto's evidence filter as scoring does: a reply past the regional deadline
    (overdue false) and a guide lacking only project elements (veto_leg false) cost points only."""
    from gongkai.reports.cards import veto_of
    from gongkai.reports.indicators import load_indicators

    system = load_indicators()
    assert veto_of(system, "interaction.reply_late", "messages", {"overdue": False}) is None
    assert veto_of(system, "interaction.reply_late", "messages", {"overdue": True}).indicator == "interaction_unanswered"
    assert veto_of(system, "service.guide_incomplete", "services", {"veto_leg": False}) is None
    assert veto_of(system, "service.guide_incomplete", "services", {"veto_leg": True}).indicator == "service_unusable"
    assert veto_of(system, "service.missing", None, {"veto_leg": True}).indicator == "service_unusable"
