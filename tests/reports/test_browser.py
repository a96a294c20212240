"""The scorecards in a real browser: headless Chromium at 1366 and 390 px, and printed to A4.

Debian's ``chromium`` (``.ci/run`` installs it) is driven by Playwright from PyPI; Playwright's own
browser download is never used.  Without /usr/bin/chromium the test fails and says why (scripts/test.sh installs it).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from gongkai.reports.build import ReportPaths, write_reports
from gongkai.store import Store
from tests.environment import need

from .conftest import save_town

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = (1366, 390)


@pytest.fixture(autouse=True)
def _chromium() -> None:
    need(Path(CHROMIUM).exists() and shutil.which("chromium") is not None,
         "/usr/bin/chromium is absent (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser():
    need(importlib.util.find_spec("playwright") is not None, "playwright is not installed (pip install -e '.[test]')")
    from playwright import sync_api
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def report(audit_store: tuple[Store, int], rules_path: Path, tmp_path: Path) -> ReportPaths:
    """The three-site audit plus a hacked town with long URLs, grouped cards and snapshots."""
    store, audit = audit_store
    save_town(store, audit, pages=12, unreachable=True)
    return write_reports(store, audit, tmp_path / "out", rules_path=rules_path)


def _open(browser, url: str, width: int):  # noqa: ANN001, ANN202 - playwright objects
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, errors


def _overflow(page) -> list[str]:  # noqa: ANN001
    """Elements sticking out of the viewport (scrollable table wrappers excepted)."""
    return page.evaluate("""() => {
        const w = document.documentElement.clientWidth, out = [];
        if (document.documentElement.scrollWidth > w) out.push('document ' + document.documentElement.scrollWidth);
        for (const el of document.querySelectorAll('body *')) {
            if (el.closest('.scroll') && !el.closest('table.rank')) continue;
            const r = el.getBoundingClientRect();
            if (r.width && r.right > w + 1) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
        }
        return out.slice(0, 10);
    }""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["index.html", "qingsong.html", "tongbao.html"])
def test_pages_render_without_errors_or_horizontal_overflow(browser, report: ReportPaths, name: str,
                                                            width: int) -> None:
    page, errors = _open(browser, (report.scorecard.parent / name).as_uri(), width)
    assert errors == []
    assert _overflow(page) == []
    if name == "index.html":
        assert page.is_visible("#filters")                    # the script ran
        page.fill("#q", "沈阳")
        visible = page.eval_on_selector_all("#rank tbody tr", "rows => rows.filter(r => r.style.display !== 'none').length")
        assert visible == 1
    page.close()


def test_site_page_prints_to_a4(browser, report: ReportPaths, tmp_path: Path) -> None:
    page, errors = _open(browser, report.site_pages["qingsong"].as_uri(), 1366)
    pdf = tmp_path / "qingsong.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, display_header_footer=False)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and errors == []
    assert b"/MediaBox [0 0 595" in data or b"/MediaBox [0 0 594" in data      # A4: 595 × 842 pt
    assert "@top-left" in page.content() and "counter(pages)" in page.content()   # running header, page x/y
    page.emulate_media(media="print")
    assert page.is_hidden("nav.nav")                           # no navigation on paper
    assert page.eval_on_selector("article.card", "e => getComputedStyle(e).breakInside") == "avoid"
    page.close()


def test_tongbao_prints_on_one_a4_page(browser, report: ReportPaths, tmp_path: Path) -> None:
    page, errors = _open(browser, (report.scorecard.parent / "tongbao.html").as_uri(), 1366)
    pdf = tmp_path / "tongbao.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    assert errors == [] and len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) == 1
    page.close()
