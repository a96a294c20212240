"""The bundled indicator system, and one-line errors for a bad indicators file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gongkai.reports.indicators import IndicatorsError, default_indicators_path, load_indicators

# Rule ids are a contract (issue 4): the indicator file may only map these.
RULE_IDS = {
    "fiscal.monthly_disclosure", "interpretation.late", "interpretation.missing", "interpretation.unlinked",
    "label.disclosure_attribute_missing", "label.disclosure_attribute_conflict", "docnumber.malformed",
    "validity.unmarked", "publication.late", "column.stale", "column.empty", "site.homepage_stale",
    "site.unreachable", "link.broken", "content.spam_injection", "content.hidden_link", "meta.missing",
    "footer.missing_identity", "annual_report.missing", "annual_report.late",
    # issue 13
    "content.severe_error", "content.typo", "privacy.id_number", "privacy.phone_number", "date.inconsistent",
    "footer.identity_incomplete", "link.external_unsafe", "site.tls",
    # issue 12
    "interaction.channel_missing", "interaction.reply_late", "interaction.replies_hidden",
    "service.missing", "service.guide_incomplete",
}
NO_19 = "国办秘函〔2019〕19号"


def test_bundled_system_follows_the_2019_scoring_method() -> None:
    system = load_indicators()
    assert (system.total, system.pass_line, system.bonus_gate) == (100, 60, 80)
    assert NO_19 in system.source.doc and system.source.status == "official"
    assert [g.name for g in system.groups] == ["发布解读", "办事服务", "互动交流", "功能设计"]
    assert system.bonus.items == []                      # nothing earned automatically
    assert system.grades.passed == "合格" and system.grades.unassessable == "无法评估"


def test_bundled_vetoes_match_the_veto_items() -> None:
    vetoes = {v.id: v for v in load_indicators().veto}
    assert vetoes["column_stale"].min_count == 5
    assert vetoes["column_stale"].column_types == ["news", "notices", "policy_docs"]
    assert vetoes["column_empty"].min_count == 5 and vetoes["column_empty"].rules == ["column.empty"]
    assert vetoes["column_long_stale"].min_count == 10
    assert {r for v in vetoes.values() for r in v.rules} == {
        "site.unreachable", "site.homepage_stale", "column.stale", "column.empty", "content.spam_injection",
        "content.severe_error",
        "interaction.channel_missing", "interaction.reply_late", "service.missing", "service.guide_incomplete"}
    assert vetoes["interaction_unanswered"].evidence == {"overdue": True}   # the 3-month leg only
    assert all(NO_19 in v.source.doc and v.source.clause for v in vetoes.values())


def test_bundled_rules_are_contract_ids_and_unverified_points_are_project() -> None:
    system = load_indicators()
    mapped = {d.rule for _, i in system.indicators() for d in i.deductions} | {r for v in system.veto for r in v.rules}
    assert mapped <= RULE_IDS
    assert mapped >= RULE_IDS - {"site.homepage_stale", "content.spam_injection", "site.unreachable"}
    statuses = {i.id: i.status for _, i in system.indicators()}
    assert statuses["link_availability"] == "project"     # per-link deductions: UNVERIFIED
    assert statuses["policy_docs_column"] == "notice"     # −5 applied in a 2019 self-check
    assert "official" not in statuses.values()


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def bundled() -> dict:
    return yaml.safe_load(default_indicators_path().read_text(encoding="utf-8"))


def test_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    data = bundled()
    data["groups"][0]["indicators"][1]["points"] = "五分"
    path = write(tmp_path, data)
    with pytest.raises(IndicatorsError) as err:
        load_indicators(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:")
    assert "groups[0].indicators[1].points:" in message
    line = int(message.split(":")[1])
    assert "points: 五分" in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_unknown_key_is_reported(tmp_path: Path) -> None:
    data = bundled()
    data["veto"][2]["threshold"] = 5
    with pytest.raises(IndicatorsError, match=r"veto\[2\]\.threshold: unknown key"):
        load_indicators(write(tmp_path, data))


def test_points_must_add_up_to_the_total(tmp_path: Path) -> None:
    data = bundled()
    data["groups"][1]["indicators"][0]["points"] = 20     # 办事服务入口: 5 → 20
    with pytest.raises(IndicatorsError, match="add up to 115, not total 100"):
        load_indicators(write(tmp_path, data))


def test_a_finding_cannot_cost_points_twice(tmp_path: Path) -> None:
    data = bundled()
    data["groups"][3]["indicators"][0]["deductions"].append({"rule": "link.broken", "per_finding": 1})
    data["groups"][3]["indicators"][0]["points"] = 6
    with pytest.raises(IndicatorsError, match="'link.broken' is deducted twice"):
        load_indicators(write(tmp_path, data))


def test_warning_line_must_sit_below_the_veto_line(tmp_path: Path) -> None:
    data = bundled()
    data["veto"][2]["warn_at"] = 5
    with pytest.raises(IndicatorsError, match=r"veto\[2\]: warn_at \(5\) must be below min_count \(5\)"):
        load_indicators(write(tmp_path, data))


def test_broken_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\ngroups: [\n  - a\n", encoding="utf-8")
    with pytest.raises(IndicatorsError, match=rf"^{path}:\d+:"):
        load_indicators(path)
    with pytest.raises(IndicatorsError, match="cannot read"):
        load_indicators(tmp_path / "absent.yaml")


@pytest.mark.parametrize("where", ["deduction", "veto", "bonus"])
def test_a_rule_no_rulebook_knows_is_one_line_naming_file_line_and_field(
        audit_store, rules_path: Path, tmp_path: Path, where: str) -> None:
    """``link.brokenX`` scored 链接可用性 as 未检查 and raised every site's score without a word."""
    from gongkai.reports.build import score_model

    store, audit = audit_store
    data = bundled()
    if where == "deduction":
        data["groups"][0]["indicators"][0]["deductions"][0]["rule"] = "link.brokenX"
        field = "groups[0].indicators[0].deductions[0].rule:"
    elif where == "veto":
        data["veto"][1]["rules"] = ["site.unreachable", "link.brokenX"]
        field = "veto[1].rules[1]:"
    else:
        data["bonus"]["items"] = [{"id": "b", "name": "创新", "points": 1, "rules": ["link.brokenX"]}]
        field = "bonus.items[0].rules[0]:"
    path = write(tmp_path, data)
    with pytest.raises(IndicatorsError) as err:
        score_model(store, audit, indicators_path=path, rules_path=rules_path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path}:") and field in message
    assert "unknown rule 'link.brokenX'" in message
    assert "link.brokenX" in path.read_text(encoding="utf-8").splitlines()[int(message.split(":")[1]) - 1]


def test_a_rule_of_the_bundled_rulebook_is_known_to_a_report_with_other_rules(audit_store, tmp_path: Path) -> None:
    """The report's ``--rules`` names only some rules: a rule of the bundled rulebook is no typo."""
    from gongkai.reports.build import score_model

    store, audit = audit_store
    few = tmp_path / "few.yaml"
    rules = yaml.safe_load((default_indicators_path().parent / "rules.yaml").read_text(encoding="utf-8"))
    rules["rules"] = [r for r in rules["rules"] if r["id"] == "link.broken"]
    few.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    assert score_model(store, audit, rules_path=few).scores
