"""CSV of every crawled page or every link, the inventory crawl tools (Screaming Frog, …) offer.

A webmaster fixing broken links wants a sheet of every link with its status, not only the
findings.  Columns are fixed (docs/outputs.md); strings pass through visible_controls; a cell
that a spreadsheet would read as a formula (``= + - @``, tab, CR) gets a leading apostrophe; the
file is UTF-8 with a BOM so Excel opens Chinese correctly, and is written atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gongkai import store as st
from gongkai.redact import redact_string
from gongkai.text import visible_controls

from . import atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PAGE_COLUMNS = ("url", "final_url", "status", "outcome", "reason", "title", "kind", "column_type", "fetched_at",
                "source", "sha256", "size", "content_type", "method", "variant", "site")
LINK_COLUMNS = ("source", "url", "status", "outcome", "reason", "title", "hidden", "hidden_how", "internal",
                "fetched_at", "site")


def cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates, that shows invisible characters, and whose
    身份证号 and mobile numbers are masked (a page title or link text may hold them; URLs kept)."""
    if value is None or isinstance(value, bool | int | float):
        return "" if value is None else value
    text = visible_controls(redact_string(str(value)))
    return "'" + text if text.startswith(FORMULA_START) else text


def page_rows(store: st.Store, audit_id: int) -> Iterable[dict[str, Any]]:
    """One row per stored page (source: the column list it was found in, when known)."""
    for p in sorted(store.rows(st.pages, audit_id), key=lambda r: (r["site"], r["url"], r.get("variant") or "")):
        yield {**{k: p.get(k) for k in PAGE_COLUMNS}, "source": p.get("column_url")}


def link_rows(store: st.Store, audit_id: int) -> Iterable[dict[str, Any]]:
    """One row per link on a stored page, with the link probe's status and outcome when it was checked."""
    probes = {(p["site"], p["url"]): p for p in store.rows(st.probes, audit_id) if p["kind"] == "link"}
    for link in sorted(store.rows(st.links, audit_id), key=lambda r: (r["site"], r["page_url"], r["target"])):
        probe = probes.get((link["site"], link["target"]), {})
        yield {"source": link["page_url"], "url": link["target"], "status": probe.get("status"),
               "outcome": probe.get("outcome"), "reason": probe.get("reason"), "title": link.get("text"),
               "hidden": link.get("hidden"), "hidden_how": link.get("hidden_how"), "internal": link.get("internal"),
               "fetched_at": probe.get("at"), "site": link["site"]}


def to_csv(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return "\ufeff" + buffer.getvalue()


def export_csv(store: st.Store, audit_id: int, what: str, out_dir: Path) -> Path:
    """Write ``out_dir/pages.csv`` or ``out_dir/links.csv`` and return its path."""
    if what == "pages":
        text = to_csv(PAGE_COLUMNS, page_rows(store, audit_id))
    elif what == "links":
        text = to_csv(LINK_COLUMNS, link_rows(store, audit_id))
    else:
        raise ValueError(f"unknown export {what!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return atomic.write_text(out_dir / f"{what}.csv", text)
