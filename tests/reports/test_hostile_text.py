"""Invisible and control characters from crawled text are shown visibly escaped in HTML, Excel, JSON."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gongkai.reports.build import ReportPaths, write_reports
from gongkai.reports.present import safe_href
from gongkai.reports.workbook import cell_value
from gongkai.store import Store, to_json
from gongkai.text import visible_controls

RLO, NUL, ZWSP = "\u202e", "\x00", "\u200b"
RAW = (RLO, NUL, ZWSP)
SHOWN = ("⟨U+202E⟩", "⟨U+0000⟩", "⟨U+200B⟩")
TITLE = f"关于{RLO}fdp.exe{NUL}的通知{ZWSP}"
URL = f"http://www.shenyang.gov.cn/zwgk/{ZWSP}a{RLO}.html"


@pytest.mark.parametrize(("raw", "shown"), [
    ("a\u202eb", "a⟨U+202E⟩b"), ("\x00", "⟨U+0000⟩"), ("x\u200by", "x⟨U+200B⟩y"),
    ("\u2066\u2069\u200f\u2028\u2029\ufeff\u00ad", "⟨U+2066⟩⟨U+2069⟩⟨U+200F⟩⟨U+2028⟩⟨U+2029⟩⟨U+FEFF⟩⟨U+00AD⟩"),
    ("\x1b[31m\x7f\x85", "⟨U+001B⟩[31m⟨U+007F⟩⟨U+0085⟩"), ("\r", "⟨U+000D⟩"), ("\ud800", "⟨U+D800⟩"),
    ("\U000e0041", "⟨U+E0041⟩"), ("\uffff", "⟨U+FFFF⟩"),
    ("政策解读\t第1页\n", "政策解读\t第1页\n"), ("", ""),
    ("第一行\n第二行\u202e\t", "第一行\n第二行⟨U+202E⟩\t"), ("证据：\n  · 名称\x00\n", "证据：\n  · 名称⟨U+0000⟩\n"),
    ("\u3000全角\n\u2028", "\u3000全角\n⟨U+2028⟩"),   # multi-line text: the tab and newline kept, nothing else hidden
])
def test_visible_controls(raw: str, shown: str) -> None:
    assert visible_controls(raw) == shown
    assert visible_controls(shown) == shown                              # idempotent


def test_nothing_excel_rejects_survives_and_urls_with_hidden_characters_are_not_links() -> None:
    every_c0 = "".join(chr(c) for c in range(0x20))
    assert not ILLEGAL_CHARACTERS_RE.search(cell_value(every_c0))
    assert safe_href(URL) is None and safe_href("http://a.gov.cn/x\t") is None
    assert safe_href("http://a.gov.cn/x") == "http://a.gov.cn/x"
    assert safe_href("HTTPS://A.gov.cn/x") == "HTTPS://A.gov.cn/x"
    for not_a_link in ("javascript:alert(1)", "https:", "httpx://a.gov.cn/", "//a.gov.cn/", "a.gov.cn", "数据", ""):
        assert safe_href(not_a_link) is None, not_a_link


@pytest.fixture
def hostile(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> ReportPaths:
    store, audit = audit_store
    store.save_column(audit, {"site": "anshan", "type": "notices", "name": TITLE, "url": URL, "how_found": "discovered",
                              "outcome": "blocked", "reason": f"412{NUL}", "coverage": "incomplete",
                              "coverage_reason": f"列表{RLO}第2页失败"})
    store.replace_results(audit, "anshan", [
        {"rule": "interpretation.missing", "subject": URL, "status": "fail", "message": f"《{TITLE}》未发布政策解读",
         "evidence_json": to_json({"title": TITLE, f"key{ZWSP}": [TITLE, URL]})},
        {"rule": "link.broken", "subject": URL, "status": "unknown", "reason": f"拦截{RLO}", "message": "",
         "evidence_json": "{}"}])
    store.record_error(audit, "anshan", "extract", URL, f"解析失败：{TITLE}")
    return write_reports(store, audit, tmp_path / "out", rules_path=rules_path)


def assert_visible(text: str, where: str) -> None:
    for raw in RAW:
        assert raw not in text, (where, hex(ord(raw)))
    for shown in SHOWN:
        assert shown in text, (where, shown)


def test_html_shows_them_escaped(hostile: ReportPaths) -> None:
    page = (hostile.out_dir / "scorecard" / "anshan.html").read_text(encoding="utf-8")
    assert_visible(page, "anshan.html")
    assert "关于⟨U+202E⟩fdp.exe⟨U+0000⟩的通知⟨U+200B⟩" in page               # title, message, column name
    assert not re.search(r'href="[^"]*zwgk/', page)                         # the hidden-character URL is no link
    for other in (hostile.out_dir / "scorecard").glob("*.html"):
        text = other.read_text(encoding="utf-8")
        assert not any(raw in text for raw in RAW), other.name


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_json_shows_them_escaped_and_stays_valid(hostile: ReportPaths) -> None:
    for path in (hostile.findings, hostile.scores):
        raw = path.read_text(encoding="utf-8")
        decoded = "\n".join(strings(json.loads(raw)))
        assert not re.search(r"\\u(0000|200b|202e)", raw, re.IGNORECASE), path.name
        assert not any(ch in raw for ch in RAW), path.name
        assert_visible(decoded, path.name)
    finding = next(f for f in json.loads(hostile.findings.read_text(encoding="utf-8")) if f["site"] == "anshan")
    assert finding["evidence"]["title"] == "关于⟨U+202E⟩fdp.exe⟨U+0000⟩的通知⟨U+200B⟩"
    assert "key⟨U+200B⟩" in finding["evidence"] and finding["subject"] == visible_controls(URL)


def test_workbook_shows_them_escaped(hostile: ReportPaths) -> None:
    wb = load_workbook(hostile.workbook)
    cells = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                      if c.value is not None)
    assert_visible(cells, "report.xlsx")
    with zipfile.ZipFile(hostile.workbook) as z:                           # nor in the stored XML
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert not any(raw in xml for raw in RAW)
