"""Rule metadata for reports: through the checks engine, or straight from the YAML without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.reports.errors import ReportError
from gongkai.reports.rulemeta import load_rule_meta, to_meta, unknown_rule


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
