"""The engine: the rulebook contract, rules-file errors, running and storing, contained crashes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from gongkai import store as st
from gongkai.checks.engine import (
    RulesError,
    format_message,
    format_rules_table,
    known_regions,
    load_rules,
    run_checks,
)
from gongkai.checks.params import KindParams
from gongkai.checks.registry import load_kinds, register
from gongkai.vocab import config_path

ISSUE_4_RULES = [
    "fiscal.monthly_disclosure", "interpretation.late", "interpretation.missing", "interpretation.unlinked",
    "label.disclosure_attribute_missing", "label.disclosure_attribute_conflict", "docnumber.malformed",
    "validity.unmarked", "publication.late", "column.stale", "column.empty", "site.homepage_stale",
    "site.unreachable", "link.broken", "content.spam_injection", "content.hidden_link", "meta.missing",
    "footer.missing_identity", "annual_report.missing", "annual_report.late",
]
ISSUE_13_RULES = ["content.severe_error", "content.typo", "privacy.id_number", "privacy.phone_number", "date.inconsistent",
                  "footer.identity_incomplete", "link.external_unsafe", "site.tls"]
ISSUE_12_RULES = [
    "interaction.channel_missing", "interaction.reply_late", "interaction.replies_hidden",
    "service.guide_incomplete", "service.missing",
]
H = "http://www.dl.gov.cn/"


def test_rulebook_has_every_rule_of_issue_4_with_sources_and_registered_kinds() -> None:
    rules = {r.id: r for r in load_rules()}
    assert sorted(rules) == sorted(ISSUE_4_RULES + ISSUE_12_RULES + ISSUE_13_RULES)
    kinds = load_kinds()
    for rule in rules.values():
        assert rule.kind in kinds
        assert rule.source and all(s.doc for s in rule.source)
        assert rule.title and rule.message and rule.remediation
    for veto in ("site.homepage_stale", "site.unreachable", "content.spam_injection", "interaction.channel_missing",
                 "service.missing", "service.guide_incomplete"):
        assert rules[veto].veto and rules[veto].severity == "high"
    cited = " ".join(s.doc + (s.clause or "") for r in rules.values() for s in r.source)
    for needle in ("第二十六条", "第四十九条", "国办秘函〔2019〕19号", "二（五）", "（九）", "二（二）", "一（一）1", "7.2.4"):
        assert needle in cited


def test_format_rules_table() -> None:
    rows = {r["id"]: r for r in format_rules_table(load_rules())}
    assert rows["publication.late"]["status"] == "official"
    assert "第二十六条" in rows["publication.late"]["sources"]
    assert rows["fiscal.monthly_disclosure"]["status"] == "notice"


def _write_rules(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _rule(**over) -> dict:
    base = {"id": "column.empty", "kind": "column_emptiness", "severity": "medium", "title": "空白栏目",
            "message": "栏目“{column}”为空", "source": [{"doc": "国办秘函〔2019〕19号", "status": "official"}]}
    return {**base, **over}


@pytest.mark.parametrize(("entries", "expected"), [
    ([_rule(kind="nonsense")], r"rules\.yaml:\d+: rules\[0\]\.kind: unknown check kind 'nonsense'"),
    ([{k: v for k, v in _rule().items() if k != "id"}], r"rules\.yaml:\d+: rules\[0\]\.id: required field is missing"),
    ([_rule(), _rule()], r"rules\.yaml:\d+: rules\[1\]\.id: duplicate rule id 'column.empty'"),
    ([_rule(severity="urgent")], r"rules\.yaml:\d+: rules\[0\]\.severity"),
    ([_rule(colour="red")], r"rules\.yaml:\d+: rules\[0\]\.colour: unknown key"),
    ([_rule(source=[{"doc": "x", "status": "rumour"}])], r"rules\[0\]\.source\[0\]\.status"),
    ([_rule(params_by_kind={"village": {}})], r"unknown site kind 'village'"),
])
def test_bad_rules_files(tmp_path: Path, entries: list[dict], expected: str) -> None:
    with pytest.raises(RulesError, match=expected):
        load_rules(_write_rules(tmp_path, entries))


def test_every_kind_declares_its_parameters_and_the_bundled_rules_fit_them() -> None:
    kinds = load_kinds()
    for kind in kinds.values():
        assert issubclass(kind.params, KindParams) and kind.params.model_config["extra"] == "forbid"
    rules = load_rules()
    for rule in rules:
        kinds[rule.kind].params.model_validate(rule.params)
    assert known_regions(rules) == {"辽宁", "黑龙江"}


def _interp(**over) -> dict:
    return _rule(id="interpretation.late", kind="interpretation_timeliness", **over)


@pytest.mark.parametrize(("entry", "field", "message", "line_text"), [
    (_interp(params={"workingdays": 30}), "rules[0].params.workingdays", "unknown parameter", "workingdays: 30"),
    (_interp(params={"working_days": "three"}), "rules[0].params.working_days", "valid integer",
     "working_days: three"),
    (_interp(params_by_region={"辽宁": {"workingdays": 5}}), "rules[0].params_by_region.辽宁.workingdays",
     "unknown parameter", "workingdays: 5"),
    (_interp(params_by_kind={"department": {"working_days": -1}}), "rules[0].params_by_kind.department.working_days",
     "greater than or equal to 0", "working_days: -1"),
    (_interp(params={"exempt": ["repost", "holidays"]}), "rules[0].params.exempt[1]", "unknown exempt category",
     "- holidays"),
    (_interp(params={"policy_columns": ["policy_doc"]}), "rules[0].params.policy_columns[0]",
     "unknown column type 'policy_doc'", "- policy_doc"),
    (_rule(id="column.stale", kind="column_freshness", params={"windows": {"news": "2 weeks"}}),
     "rules[0].params.windows.news", "not a window", "news: 2 weeks"),
    (_rule(id="column.stale", kind="column_freshness", params={"windows": {"newz": "14d"}}),
     "rules[0].params.windows.newz", "unknown column type 'newz'", "newz: 14d"),
    (_rule(params={"anything": 1}), "rules[0].params.anything", "unknown parameter", "anything: 1"),
    (_interp(params={"columns": ["policy_docs"]}), "rules[0].params.columns", "unknown parameter", "columns:"),
])
def test_bad_parameters_are_refused_with_file_line_field(tmp_path: Path, entry: dict, field: str, message: str,
                                                         line_text: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": [entry]}, allow_unicode=True, sort_keys=False,
                                   default_flow_style=False), encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(path)
    name, line, rest = str(err.value).split(":", 2)
    assert name == str(path) and rest.startswith(f" {field}: ") and message in rest
    assert path.read_text(encoding="utf-8").splitlines()[int(line) - 1].strip() == line_text


def test_parameters_reach_the_kind_typed(audit) -> None:
    fiscal = next(r for r in load_rules() if r.id == "fiscal.monthly_disclosure")
    rule = fiscal.model_copy(update={"params_by_region": {"辽宁": {"lag_months": "2"}}})
    view = audit.view()
    params = load_kinds()[rule.kind].params_for(rule, audit.site_info(view))
    assert params.lag_months == 2 and params.title_words == ["财政收支", "预算执行"]   # region, then default


def test_bad_rules_lines(tmp_path: Path) -> None:
    path = _write_rules(tmp_path, [_rule(), _rule(id="column.other", kind="nonsense")])
    with pytest.raises(RulesError) as err:
        load_rules(path)
    line = int(str(err.value).split(":")[1])
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "kind: nonsense"
    bad = tmp_path / "alias.yaml"
    bad.write_text("rules:\n  - &a {id: x.y}\n  - *a\n", encoding="utf-8")
    with pytest.raises(RulesError, match="alias"):
        load_rules(bad)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "absent.yaml")


def test_format_message_is_lenient() -> None:
    assert format_message("《{policy}》{policy_date}发布", {"policy": "某文件"}) == "《某文件》—发布"
    assert format_message("缺少：{tags}", {"tags": ["SiteName", "PubDate"]}) == "缺少：SiteName、PubDate"
    assert format_message("坏模板 {", {}) == "坏模板 {"
    assert format_message("{n:%Y}", {"n": 3}) == "3"


@register("test_engine_crash")
def _crash(view, site, rule, params) -> Iterator:
    yield from ()
    raise RuntimeError("boom")


def test_run_checks_stores_results_and_contains_crashes(tmp_path: Path, audit) -> None:
    audit.column("interpretations", H + "zcjd/", "政策解读")
    audit.page(H, "home", title="大连市人民政府", identity={"site_code": "2102000001"})
    rules_file = tmp_path / "custom.yaml"
    bundled = yaml.safe_load(config_path("rules.yaml").read_text(encoding="utf-8"))["rules"]
    bundled.append(_rule(id="test.crash", kind="test_engine_crash"))
    rules_file.write_text(yaml.safe_dump({"rules": bundled}, allow_unicode=True), encoding="utf-8")

    summary = run_checks(audit.store, audit.audit_id, rules_file)
    assert summary.sites == ["dalian"] and summary.rules == len(bundled)
    assert summary.counts["column.empty"]["fail"] == 1
    assert summary.errors and "test.crash" in summary.errors[0]
    rows = audit.store.rows(st.results, audit.audit_id)
    empty = next(r for r in rows if r["rule"] == "column.empty")
    assert empty["subject"] == H + "zcjd/" and empty["message"] == "栏目“政策解读”无任何信息（空白栏目）"
    assert st.from_json(empty["evidence_json"])["items"] == 0
    footer = next(r for r in rows if r["rule"] == "footer.missing_identity")
    assert footer["status"] == "pass" and footer["message"] == footer["reason"]
    assert not any(r["rule"] == "test.crash" for r in rows)
    errors = audit.store.rows(st.errors, audit.audit_id)
    assert errors[0]["stage"] == "check" and errors[0]["subject"] == "test.crash"
    assert errors[0]["message"] == "RuntimeError: boom"

    again = run_checks(audit.store, audit.audit_id)          # re-running replaces, never mixes
    assert len(audit.store.rows(st.results, audit.audit_id)) == sum(sum(c.values()) for c in again.counts.values())
    assert audit.store.rows(st.errors, audit.audit_id) == []
    assert audit.store.audit(audit.audit_id)["checked_at"]


def test_a_site_that_never_answered_is_unknown_on_every_content_rule(audit):
    audit.page(audit.home, "home", outcome="broken", status=None)
    for attempt in (1, 2, 3):  # attempts spread over the audit, all refused
        audit.probe("home", audit.home, "broken", reason="连接被拒绝 (connection refused)",
                    detail={"attempt": attempt, "of": 3, "seconds": 0.1, "timeout_s": 20})
    run_checks(audit.store, audit.audit_id)
    results = audit.store.rows(st.results, audit.audit_id)
    by_rule = {r["rule"]: r for r in results}
    assert by_rule["site.unreachable"]["status"] == "fail"
    others = [r for r in results if r["rule"] != "site.unreachable"]
    assert others and {r["status"] for r in others} == {"unknown"}
    assert by_rule["annual_report.missing"]["reason"] == "站点未能抓取到任何页面，无法检查"


def test_a_run_over_some_sites_keeps_the_other_rules_metadata(tmp_path: Path, audit) -> None:
    audit.page(H, "home", title="大连市人民政府")
    custom = _write_rules(tmp_path, [_rule(id="custom.blank", title="自定义空白栏目")])
    run_checks(audit.store, audit.audit_id, custom)
    run_checks(audit.store, audit.audit_id, sites=["dalian"])
    stored = audit.store.rule_metadata(audit.audit_id)
    assert stored["custom.blank"]["title"] == "自定义空白栏目" and "column.stale" in stored
    run_checks(audit.store, audit.audit_id)
    assert "custom.blank" not in audit.store.rule_metadata(audit.audit_id)


def test_results_go_through_a_spool_on_disk_unchanged(audit, monkeypatch) -> None:
    """A site's rows are spooled rule by rule (to disk past SPOOL_MEMORY) and written in batches:
    what the store ends with is what holding them all would have written, in the same order."""
    from gongkai.checks import engine

    audit.page(H, "home", title="大连市人民政府", text="根据《中华人民共合国预算法》，认真布署。")
    for i in range(4):
        audit.page(H + f"zwdt/202407/t2024071{i}_{i}.html", "article", title=f"新闻{i}", text=f"第{i}篇，立即然后落实。")

    def stored() -> list[tuple]:
        return [(r["site"], r["rule"], r["subject"], r["status"], r["reason"], r["message"], r["evidence_json"])
                for r in audit.store.rows(st.results, audit.audit_id)]

    held = run_checks(audit.store, audit.audit_id)
    expected = stored()
    monkeypatch.setattr(engine, "SPOOL_MEMORY", 64)
    monkeypatch.setattr(st, "RESULT_BATCH", 5)
    spooled = run_checks(audit.store, audit.audit_id)
    assert stored() == expected and len(expected) > 20
    assert spooled.counts == held.counts


def test_only_a_check_run_to_its_end_marks_the_audit_checked(audit, monkeypatch) -> None:
    """A check stopped part-way leaves sites judged by two rulebooks (or not at all): the audit
    stays ``running`` — the report's 未完成 — until a whole check ends; judging some sites again
    leaves it as checked as it was."""
    from gongkai.checks import engine
    from gongkai.reports.auditstate import audit_state

    audit.page(H, "home", title="大连市人民政府")
    audit.store.mark_audit(audit.audit_id, crawl_state="finished", crawled_at=st.now_iso())
    assert "尚未完成检查" in audit_state(audit.store.audit(audit.audit_id)).why

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(engine, "_run_site", stopped)
        with pytest.raises(KeyboardInterrupt):
            run_checks(audit.store, audit.audit_id, processes=1)
    row = audit.store.audit(audit.audit_id)
    assert row["check_state"] == "running" and "检查未完成" in audit_state(row).why
    run_checks(audit.store, audit.audit_id, sites=["dalian"], processes=1)
    assert audit.store.audit(audit.audit_id)["check_state"] == "running"   # the other sites are still unjudged
    run_checks(audit.store, audit.audit_id, processes=1)
    row = audit.store.audit(audit.audit_id)
    assert row["check_state"] == "finished" and row["checked_at"] and audit_state(row).complete
    run_checks(audit.store, audit.audit_id, sites=["dalian"], processes=1)
    assert audit.store.audit(audit.audit_id)["check_state"] == "finished"
    audit.store.begin_crawl(audit.audit_id)   # a resumed crawl: the results judged pages it may replace
    row = audit.store.audit(audit.audit_id)
    assert (row["crawl_state"], row["check_state"], row["checked_at"]) == ("running", None, None)


@pytest.mark.parametrize("crawl", ["running at its start", "started while it judged"])
def test_a_check_that_judged_a_running_crawl_does_not_mark_the_audit_checked(audit, monkeypatch, crawl: str) -> None:
    """Its results miss the pages stored after they were read: the audit stays unchecked."""
    from gongkai.checks import engine

    audit.page(H, "home", title="大连市人民政府")
    if crawl == "running at its start":
        audit.store.begin_crawl(audit.audit_id)
    else:
        real = engine._run_site

        def crawl_starts(store, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - _run_site's
            store.begin_crawl(audit.audit_id)
            return real(store, *args, **kwargs)
        monkeypatch.setattr(engine, "_run_site", crawl_starts)
    run_checks(audit.store, audit.audit_id, processes=1)
    assert audit.store.audit(audit.audit_id)["check_state"] is None
