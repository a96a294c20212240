"""gongkai export pages|links: every page and link as CSV, formulas inert, Chinese readable in Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gongkai.cli import main
from gongkai.store import Store

from .conftest import new_audit, save_town


def _read(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_pages_and_links(tmp_path: Path) -> None:
    store = Store(tmp_path / "gongkai.sqlite")
    audit = new_audit(store)
    save_town(store, audit, pages=2)
    store.save_page(audit, {"page": {"site": "qingsong", "url": "http://www.qs.gov.cn/f.html", "status": 200,
                                     "title": '=HYPERLINK("http://evil/","x")', "sha256": "ab", "outcome": "ok",
                                     "fetched_at": "2024-07-01T02:00:00+00:00"},
                            "links": [{"target": "http://www.qs.gov.cn/old.doc", "text": "附件", "hidden": False}]})
    store.close()
    assert main(["export", "--out", str(tmp_path), "pages"]) == 0
    pages = _read(tmp_path / "pages.csv")
    assert len(pages) == 3 and list(pages[0])[:5] == ["url", "final_url", "status", "outcome", "reason"]
    evil = next(p for p in pages if p["url"] == "http://www.qs.gov.cn/f.html")
    assert evil["title"] == "'=HYPERLINK(\"http://evil/\",\"x\")" and evil["fetched_at"] == "2024-07-01T02:00:00+00:00"
    assert main(["export", "--out", str(tmp_path), "links"]) == 0
    links = _read(tmp_path / "links.csv")
    assert {"source": "http://www.qs.gov.cn/f.html", "url": "http://www.qs.gov.cn/old.doc", "title": "附件"}.items() \
        <= links[0].items()


def test_cells_mask_personal_numbers_but_keep_urls() -> None:
    from gongkai.reports.csvexport import cell

    assert cell("关于张三（13812345678）的公示") == "关于张三（138****5678）的公示"
    assert cell("http://www.dl.gov.cn/gs/13812345678.html") == "http://www.dl.gov.cn/gs/13812345678.html"
