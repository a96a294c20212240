"""Rule metadata for reports: through the checks engine, and from the store the check stage wrote."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from gongkai import stages
from gongkai.reports.errors import ReportError
from gongkai.reports.rulemeta import audit_rule_meta, load_rule_meta, stored_rule_meta, to_meta, unknown_rule
from gongkai.store import Store, to_json


def test_engine_rules_become_report_metadata(rules_path: Path) -> None:
    meta = load_rule_meta(rules_path)
    assert sorted(meta) == ["column.stale", "content.hidden_link", "interpretation.late", "interpretation.missing", "link.broken",
                            "site.unreachable"]
    unreachable = meta["site.unreachable"]
    assert (unreachable.title, unreachable.severity, unreachable.veto) == ("站点无法访问", "high", True)
    assert unreachable.source_text == ("《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》"
                                       "（国办秘函〔2019〕19号） 单项否决指标")


def test_plain_mappings_and_unknown_rules() -> None:
    meta = to_meta({"id": "meta.missing", "title": "网页标签缺失", "severity": "low",
                    "source": [{"doc": "《政府网站发展指引》（国办发〔2017〕47号）", "clause": "附件 网页设计规范", "status": "project"},
                               {"doc": "项目设定", "status": "project"}]})
    assert meta.source_text == "《政府网站发展指引》（国办发〔2017〕47号） 附件 网页设计规范; 项目设定"
    assert (unknown_rule("x.y").title, unknown_rule("x.y").severity) == ("x.y", "unrated")


def test_engine_errors_become_report_errors(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  - id: link.broken\n    kind: no_such_kind\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"rules\.yaml:\d+: rules\[0\]"):
        load_rule_meta(bad)


# -- metadata stored with the results ------------------------------------------------------------------

CUSTOM_RULES = """\
rules:
  - id: custom.blank_column
    kind: column_emptiness
    severity: high
    veto: true
    title: 自定义：空白栏目
    message: "栏目“{column}”为空"
    remediation: 补充内容或下线栏目
    source:
      - {doc: 某市政务公开工作要点, clause: 三（二）, status: notice}
"""
HOME = "http://www.example.gov.cn/"


def _crawled(tmp_path: Path) -> tuple[Store, int]:
    """A store as a crawl leaves it: one site that answered, with one blank column."""
    store = Store(tmp_path / "gongkai.sqlite")
    audit = store.create_audit("测试", "2024Q2", date(2024, 7, 15), {"sites": []})
    store.upsert_site(audit, {"site": "ex", "name": "某市人民政府", "home": HOME, "kind": "government",
                              "region": "辽宁", "origins_json": to_json([]), "dialect": "generic"})
    store.save_page(audit, {"page": {"site": "ex", "url": HOME, "status": 200, "kind": "home", "outcome": "ok"}})
    store.save_column(audit, {"site": "ex", "type": "notices", "name": "通知公告", "url": HOME + "tzgg/",
                              "how_found": "discovered", "outcome": "ok", "coverage": "complete"})
    return store, audit


def test_report_reads_the_rules_the_check_ran_from_the_store(tmp_path: Path) -> None:
    rules = tmp_path / "my.yaml"
    rules.write_text(CUSTOM_RULES, encoding="utf-8")
    store, audit = _crawled(tmp_path)
    stages.check(store, audit, rules)
    paths = stages.report(store, audit, tmp_path / "out")               # no --rules
    [finding] = json.loads(paths.findings.read_text(encoding="utf-8"))
    assert (finding["rule"], finding["title"], finding["severity"]) == ("custom.blank_column", "自定义：空白栏目", "high")
    assert finding["source"] == "某市政务公开工作要点 三（二）" and finding["remediation"] == "补充内容或下线栏目"
    assert finding["message"] == "栏目“通知公告”为空"
    store.close()


def test_stored_metadata_is_replaced_by_the_next_check_and_overridden_by_report_rules(tmp_path: Path,
                                                                                   rules_path: Path) -> None:
    rules = tmp_path / "my.yaml"
    rules.write_text(CUSTOM_RULES, encoding="utf-8")
    store, audit = _crawled(tmp_path)
    stages.check(store, audit, rules)
    assert set(store.rule_metadata(audit)) == {"custom.blank_column"}
    assert store.rule_metadata(audit)["custom.blank_column"]["veto"] is True
    stages.check(store, audit)                                           # the bundled rulebook now
    stored = stored_rule_meta(store, audit)
    assert "custom.blank_column" not in stored and stored["column.empty"].title == "空白栏目"
    assert audit_rule_meta(store, audit)["column.empty"].severity == "medium"
    overridden = audit_rule_meta(store, audit, rules_path)              # report --rules wins
    assert overridden["column.stale"].title == "栏目不更新" and overridden["column.empty"].title == "空白栏目"
    store.close()


def test_a_store_checked_before_metadata_was_stored_falls_back_to_the_bundled_rules(tmp_path: Path) -> None:
    store, audit = _crawled(tmp_path)
    assert store.rule_metadata(audit) == {}
    assert audit_rule_meta(store, audit)["column.empty"].title == "空白栏目"
    store.close()
