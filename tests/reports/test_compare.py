"""Quarter over quarter: 新增 / 仍存在 / 已整改 / 无法确认 against a hand-made pair of audits."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai.cli import main
from gongkai.reports.build import write_reports
from gongkai.reports.cards import finding_id
from gongkai.reports.errors import ReportError
from gongkai.store import Store, to_json

SITE = "qingsong"
HOME = "http://www.qs.gov.cn/"
KEPT, FIXED, GONE, UNDECIDED, NEW = (f"{HOME}{name}.html" for name in ("kept", "fixed", "gone", "undecided", "new"))


def _row(subject: str, status: str, rule: str = "link.broken") -> dict:
    return {"rule": rule, "subject": subject, "status": status, "period": None, "reason": f"{status} {subject}",
            "message": "", "evidence_json": to_json({"status": 404})}


def _store(path: Path, period: str, rows: list[dict]) -> tuple[Store, int]:
    store = Store(path)
    audit = store.create_audit("青松镇网站检查", period, date(2024, 6, 30), {"sites": []})
    store.upsert_site(audit, {"site": SITE, "name": "青松镇人民政府", "home": HOME, "kind": "township",
                              "region": "", "origins_json": "[]"})
    store.replace_results(audit, SITE, rows)
    store.mark_audit(audit, crawled_at="2024-07-01T02:00:00+00:00", crawl_state="finished", crawl_close_reason="finished",
                     checked_at="2024-07-01T03:00:00+00:00", check_state="finished")
    return store, audit


@pytest.fixture
def quarters(tmp_path: Path, rules_path: Path) -> tuple[Path, Path]:
    """Q1 had four broken links; in Q2 one persists, one passes, one was not examined, one is undecided, one is new."""
    prev_store, prev = _store(tmp_path / "q1.sqlite", "2024Q1",
                              [_row(u, "fail") for u in (KEPT, FIXED, GONE, UNDECIDED)])
    q1 = write_reports(prev_store, prev, tmp_path / "q1", rules_path=rules_path).out_dir
    prev_store.close()
    (tmp_path / "q2").mkdir()
    store, audit = _store(tmp_path / "q2" / "gongkai.sqlite", "2024Q2",
                          [_row(KEPT, "fail"), _row(FIXED, "pass"), _row(UNDECIDED, "unknown"), _row(NEW, "fail")])
    store.close()
    return q1, tmp_path / "q2"


def test_compare_marks_every_state(quarters: tuple[Path, Path], rules_path: Path) -> None:
    q1, q2 = quarters
    assert main(["report", "--out", str(q2), "--rules", str(rules_path), "--compare", str(q1)]) == 0
    ids = {u: finding_id(SITE, "link.broken", u, None) for u in (KEPT, FIXED, GONE, UNDECIDED, NEW)}
    changes = json.loads((q2 / "changes.json").read_text(encoding="utf-8"))
    assert changes["compared_with"]["period"] == "2024Q1"
    assert (changes["new"], changes["persisting"], changes["fixed"]) == ([ids[NEW]], [ids[KEPT]], [ids[FIXED]])
    assert changes["unconfirmed"] == sorted([ids[GONE], ids[UNDECIDED]])
    findings = {f["subject"]: f for f in json.loads((q2 / "findings.json").read_text(encoding="utf-8"))}
    assert (findings[NEW]["change"], findings[KEPT]["change"]) == ("new", "persisting")
    assert findings[NEW]["id"] == ids[NEW]
    html = (q2 / "scorecard" / "qingsong.html").read_text(encoding="utf-8")
    for word in ("新增", "仍存在", "已整改", "无法确认"):
        assert word in html
    wb = load_workbook(q2 / "report.xlsx")
    states = [row[1].value for row in wb["较上期"].iter_rows(min_row=4)]
    assert states.count("已整改") == 1 and states.count("无法确认") == 2
    findings_sheet = [[c.value for c in row] for row in wb["问题清单"].iter_rows(min_row=4)]
    assert sorted(r[9] for r in findings_sheet) == ["仍存在", "新增"]


def test_without_compare_there_is_no_change_key(quarters: tuple[Path, Path], rules_path: Path) -> None:
    _, q2 = quarters
    assert main(["report", "--out", str(q2), "--rules", str(rules_path)]) == 0
    assert not (q2 / "changes.json").exists()
    assert all("change" not in f for f in json.loads((q2 / "findings.json").read_text(encoding="utf-8")))


def test_compare_with_a_directory_without_findings_is_a_usage_error(quarters: tuple[Path, Path], tmp_path: Path,
                                                                    rules_path: Path) -> None:
    _, q2 = quarters
    assert main(["report", "--out", str(q2), "--rules", str(rules_path), "--compare", str(tmp_path / "nope")]) == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "findings.json").write_text("{}", encoding="utf-8")
    store = Store(q2 / "gongkai.sqlite")
    with pytest.raises(ReportError, match="not a JSON list"):
        write_reports(store, 1, tmp_path / "x", rules_path=rules_path, compare_with=tmp_path / "bad")
    store.close()
