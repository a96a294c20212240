"""findings.json is byte-identical over unchanged portals; snapshots carry the fetched bytes' sha256."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gongkai import __version__
from gongkai.reports.build import write_reports
from gongkai.store import Store

from .conftest import TOWN_HOME, new_audit, refuse_to_render_the_home, save_town, town_page


def _audit(tmp_path: Path, rules_path: Path, name: str, **town: object) -> Path:
    store = Store(tmp_path / f"{name}.sqlite")
    audit = new_audit(store)
    save_town(store, audit, **town)
    out = write_reports(store, audit, tmp_path / name, rules_path=rules_path).out_dir
    store.close()
    return out


def test_findings_json_is_byte_identical_over_two_runs(tmp_path: Path, rules_path: Path) -> None:
    first = _audit(tmp_path, rules_path, "q1", fetched_at="2024-07-01T02:00:00+00:00")
    second = _audit(tmp_path, rules_path, "q2", fetched_at="2024-07-02T09:30:00+00:00", reverse=True)
    assert (first / "findings.json").read_bytes() == (second / "findings.json").read_bytes()
    findings = json.loads((first / "findings.json").read_text(encoding="utf-8"))
    assert [(f["site"], f["rule"], f["subject"]) for f in findings] == sorted(
        (f["site"], f["rule"], f["subject"]) for f in findings)
    assert len({f["id"] for f in findings}) == len(findings)
    assert "2024-07-01T02:00:00" not in (first / "findings.json").read_text(encoding="utf-8")   # no fetch times
    scores_one = json.loads((first / "scores.json").read_text(encoding="utf-8"))
    assert scores_one["tool"] == {"name": "gongkai", "version": __version__}
    assert scores_one["completeness"]["complete"] is True and "columns_complete" in scores_one["completeness"]


def test_each_finding_links_a_snapshot_with_the_fetched_sha256(tmp_path: Path, rules_path: Path) -> None:
    out = _audit(tmp_path, rules_path, "q1", pages=3)
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hidden = [f for f in findings if f["rule"] == "content.hidden_link"]
    assert len(hidden) == 3
    import hashlib

    from .conftest import page_html
    for f in hidden:
        snap = f["snapshot"]
        expected = hashlib.sha256(page_html(f["subject"]).encode("utf-8")).hexdigest()
        assert snap == {"path": f"scorecard/snapshots/{expected}.html", "sha256": expected}
        html = (out / snap["path"]).read_text(encoding="utf-8")
        assert expected in html and "2024-07-01 10:00:00（北京时间）" in html and "HTTP 状态" in html
        assert "原始字节未保存" in html                                # says what it is, not more
        assert "<script" not in html and "onload" not in html and "Content-Security-Policy" in html
    broken = next(f for f in findings if f["rule"] == "link.broken")       # the page holding the broken link
    assert broken["snapshot"]["path"].endswith(hashlib.sha256(page_html(TOWN_HOME).encode()).hexdigest() + ".html")
    site = (out / "scorecard" / "qingsong.html").read_text(encoding="utf-8")
    assert f'href="{hidden[0]["snapshot"]["path"].removeprefix("scorecard/")}"' in site


def test_a_page_that_cannot_be_rendered_is_left_out_with_its_reason(tmp_path: Path, rules_path: Path,
                                                                     monkeypatch) -> None:
    refuse_to_render_the_home(monkeypatch)
    out = _audit(tmp_path, rules_path, "q1", pages=3)
    index = json.loads((out / "scorecard" / "snapshots" / "index.json").read_text(encoding="utf-8"))
    assert [o["reason"] for o in index["omitted"] if o["url"] == TOWN_HOME] == ["快照生成失败（ValueError）"]
    assert index["written"] and all(w["url"] != TOWN_HOME for w in index["written"])
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    broken = next(f for f in findings if f["rule"] == "link.broken")       # its snapshot is the home page
    assert broken["snapshot"]["path"] is None and broken["snapshot"]["omitted"] == "快照生成失败（ValueError）"


def test_identical_pages_are_stored_once_and_a_budget_says_what_was_left_out(tmp_path: Path,
                                                                              rules_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    audit = new_audit(store)
    save_town(store, audit, pages=3)
    out = write_reports(store, audit, tmp_path / "small", rules_path=rules_path, snapshot_budget=1500).out_dir
    index = json.loads((out / "scorecard" / "snapshots" / "index.json").read_text(encoding="utf-8"))
    assert index["omitted"] and all(o["reason"] == "超出快照容量上限" for o in index["omitted"])
    assert index["bytes"] <= 1500
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    left_out = [f for f in findings if f.get("snapshot") and f["snapshot"]["path"] is None]
    assert left_out and all(f["snapshot"]["omitted"] == "超出快照容量上限" and f["snapshot"]["sha256"] for f in left_out)
    assert "快照未保存：超出快照容量上限" in (out / "scorecard" / "qingsong.html").read_text(encoding="utf-8")
    # two URLs, same bytes: one file naming both
    import hashlib
    html = "<html><body>same</body></html>"
    for url in ("http://www.qs.gov.cn/a.html", "http://www.qs.gov.cn/b.html"):
        store.save_page(audit, {"page": {"site": "qingsong", "url": url, "status": 200, "snapshot": html,
                                         "sha256": hashlib.sha256(html.encode()).hexdigest(),
                                         "fetched_at": "2024-07-01T02:00:00+00:00", "outcome": "ok"}})
    store.replace_results(audit, "qingsong", [
        {"rule": "link.broken", "subject": url, "status": "fail", "reason": "x", "message": "", "period": None,
         "evidence_json": "{}"} for url in ("http://www.qs.gov.cn/a.html", "http://www.qs.gov.cn/b.html")])
    out = write_reports(store, audit, tmp_path / "dedup", rules_path=rules_path).out_dir
    files = sorted((out / "scorecard" / "snapshots").glob("*.html"))
    assert len(files) == 1 and "http://www.qs.gov.cn/b.html" in files[0].read_text(encoding="utf-8")
    store.close()


def test_a_title_with_markup_is_text_everywhere(tmp_path: Path, rules_path: Path) -> None:
    evil = "<img src=x onerror=alert(1)>"
    store = Store(tmp_path / "s.sqlite")
    audit = new_audit(store)
    save_town(store, audit, pages=1, extra_results=[
        {"rule": "interpretation.missing", "subject": town_page(0), "status": "fail", "period": None,
         "reason": evil, "message": f"《{evil}》未发布政策解读",
         "evidence_json": json.dumps({"title": evil, "policy": evil, "links": [{"text": evil, "target": evil}]})},
        {"rule": "column.stale", "subject": "http://www.qs.gov.cn/c/", "status": "unknown", "reason": evil, "period": None,
         "message": "", "evidence_json": "{}"}])
    store.upsert_site(audit, {"site": "qingsong", "name": evil, "home": TOWN_HOME, "kind": "township",
                              "region": "", "origins_json": "[]"})
    paths = write_reports(store, audit, tmp_path / "out", rules_path=rules_path)
    for page in (paths.out_dir / "scorecard").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), page
    site = paths.site_pages["qingsong"].read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in site
    assert not re.search(r"content: \"[^\"]*<", site)                      # the print header is CSS-escaped
    from openpyxl import load_workbook
    wb = load_workbook(paths.workbook)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(evil in t for t in texts)
    assert evil in paths.findings.read_text(encoding="utf-8").replace("\\u003c", "<")
    store.close()
