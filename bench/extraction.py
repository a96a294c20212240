"""Field accuracy of ``extract_page`` over the real-page corpus, per CMS and page kind.

Usage: ``python bench/extraction.py [--corpus DIR] [--expected FILE]``

Reads the corpus MANIFEST (columns file, cms, kind), runs extract_page on every page the
expected-values fixture describes, and prints, for each field, how many pages got it right —
broken down by CMS and by page kind, plus totals.  A field is "right" when it equals the value
read off the page by hand (None included: inventing a value that is not there is an error).
List pages are scored on their item count.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from gongkai.crawler.extract import FIELD_KEYS, extract_page

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("GONGKAI_CORPUS", ROOT / "tests" / "corpus"))
DEFAULT_EXPECTED = ROOT / "tests" / "crawler" / "fixtures" / "corpus_expected.yaml"


def _manifest(corpus: Path) -> dict[str, dict[str, str]]:
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return {Path(row["file"]).name: row for row in csv.DictReader(fh, delimiter="\t")}


def _score(page: dict[str, Any], spec: dict[str, Any]) -> dict[str, bool]:
    if "items_count" in spec:
        return {"title": page["title"] == spec["title"], "items": len(page["items"]) == spec["items_count"]}
    return {field: page[field] == spec[field] for field in FIELD_KEYS}


def run(corpus: Path, expected_file: Path) -> dict[tuple[str, str], dict[str, list[bool]]]:
    """(dimension, group) → field → per-page correctness."""
    manifest = _manifest(corpus)
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))["pages"]
    table: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for name, spec in sorted(expected.items()):
        html = (corpus / "pages" / name).read_text(encoding="utf-8", errors="replace")
        scores = _score(extract_page(html, spec["url"]), spec)
        row = manifest[name]
        for group in (("cms", row["cms"]), ("kind", row["kind"]), ("total", "all")):
            for field, ok in scores.items():
                table[group][field].append(ok)
    return table


def render(table: dict[tuple[str, str], dict[str, list[bool]]]) -> str:
    """A Markdown table: one row per group, one column per field, cells 'right/pages'."""
    fields = [*FIELD_KEYS, "items"]
    lines = ["| group | pages | " + " | ".join(fields) + " |", "|" + "---|" * (len(fields) + 2)]
    for (dimension, group), by_field in sorted(table.items(), key=lambda kv: (kv[0][0] == "total", kv[0])):
        pages = max(len(v) for v in by_field.values())
        cells = []
        for field in fields:
            results = by_field.get(field, [])
            cells.append(f"{sum(results)}/{len(results)}" if results else "–")
        lines.append(f"| {dimension}={group} | {pages} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED)
    args = parser.parse_args(argv)
    print(render(run(args.corpus, args.expected)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
