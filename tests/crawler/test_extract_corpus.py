"""Extraction against real government pages (tests/corpus, copied from ../shared/corpus), values read off each page by hand.

The fixture corpus_expected.yaml says per page what a reader sees; every field of every
article / 信息公开 / list page of the corpus is a separate test case.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from gongkai.crawler.extract import extract_page
from gongkai.crawler.extract.article import extract_article
from tests.paths import CORPUS  # noqa: E402

PAGES = CORPUS / "pages"
EXPECTED_FILE = Path(__file__).parent / "fixtures" / "corpus_expected.yaml"
FIELDS = ("title", "publish_date", "written_date", "doc_number", "index_number", "publisher", "validity",
          "disclosure_label", "label_slot")

def _expected() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))["pages"]


EXPECTED = _expected()
ARTICLES = {name: spec for name, spec in EXPECTED.items() if "items_count" not in spec}
LISTS = {name: spec for name, spec in EXPECTED.items() if "items_count" in spec}


@cache
def _html(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8", errors="replace")


@cache
def _article(name: str) -> dict[str, Any]:
    return extract_article(_html(name), EXPECTED[name]["url"]).to_json()


def test_fixture_covers_every_article_xxgk_and_list_page_of_the_manifest() -> None:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    wanted = {Path(r["file"]).name for r in rows if r["kind"] in ("article", "xxgk", "list")}
    assert wanted == set(EXPECTED)


@pytest.mark.parametrize(("name", "field"), [(n, f) for n in sorted(ARTICLES) for f in FIELDS])
def test_article_field(name: str, field: str) -> None:
    assert _article(name)[field] == ARTICLES[name][field]


@pytest.mark.parametrize("name", sorted(n for n, s in ARTICLES.items() if "related" in s or "attachments" in s))
def test_related_and_attachment_links(name: str) -> None:
    got = _article(name)
    spec = ARTICLES[name]
    assert [link["url"] for link in got["related"]] == spec.get("related", [])
    assert [link["url"] for link in got["attachments"]] == spec.get("attachments", [])


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_article_pages_yield_no_list_items(name: str) -> None:
    assert extract_page(_html(name), ARTICLES[name]["url"])["items"] == []


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_page_items(name: str) -> None:
    spec = LISTS[name]
    page = extract_page(_html(name), spec["url"])
    assert page["title"] == spec["title"]
    assert len(page["items"]) == spec["items_count"]
    by_url = {item["url"]: item for item in page["items"]}
    for want in spec["items"]:
        matches = [item for url, item in by_url.items() if url.endswith(want["url_endswith"])]
        assert len(matches) == 1, want
        assert matches[0]["title"] == want["title"]
        assert matches[0]["date"] == want["date"]


def test_body_quote_of_a_label_is_not_taken_from_the_signature_slot() -> None:
    """The govcn pages without a note must not pick up 此件 words quoted elsewhere in the body."""
    unlabelled = [n for n, s in ARTICLES.items() if n.startswith(("018", "019", "020")) and not s["disclosure_label"]]
    assert unlabelled
    for name in unlabelled:
        assert _article(name)["disclosure_label"] is None


HOME_PAGES = {  # name → address of the home page (from MANIFEST)
    "038_yichun_portal_home.html": "https://www.yichun.gov.cn/",
    "042_bjchy_district_home.html": "http://www.bjchy.gov.cn/",
    "048_govcn_portal_home_2018.html": "http://www.gov.cn/",
}


@pytest.mark.parametrize("name", sorted(HOME_PAGES))
def test_home_pages_are_not_list_pages(name: str) -> None:
    assert extract_page(_html(name), HOME_PAGES[name])["items"] == []


def test_extract_page_is_json_with_the_cli_contract_keys() -> None:
    name = "036_moe_trs_xxgk_clone.html"
    page = extract_page(_html(name), EXPECTED[name]["url"])
    assert list(page) == ["title", "publish_date", "written_date", "doc_number", "index_number", "publisher",
                          "validity", "disclosure_label", "items"]
    assert json.loads(json.dumps(page, ensure_ascii=False))["written_date"] == "2024-05-30"
