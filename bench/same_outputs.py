"""Do ``gongkai check`` + ``gongkai report`` still say exactly the same thing?  A before/after guard
for work on their speed and memory, which must not change a single finding, score or cell.

``dump STORE_DIR OUT.json`` runs check and report on the store in ``STORE_DIR`` (a copy: the store
is not touched) and writes a digest of everything they produced: the ``results`` rows (sorted),
findings.json, scores.json, every cell of report.xlsx with its type, font, fill, alignment, number
format and hyperlink, each sheet's column widths, panes, filter and print set-up, and the sha256 of
every file under scorecard/.  The time of the run (``generated_at``, 生成时间) is blanked.
``compare A.json B.json`` prints the first differences and exits 1 when there are any.

Typical use: ``python -m bench.same_outputs dump /tmp/demo before.json`` on the old code,
the same with ``after.json`` on the new, then ``compare before.json after.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

TIMES = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\+00:00|Z)?|\d{4}年\d{1,2}月\d{1,2}日 ?\d\d:\d\d(:\d\d)?"
                   r'|@bottom-left \{ content: "[^"]*"')   # the print footer's time, CSS-escaped


def _blank_times(text: str) -> str:
    return TIMES.sub("<time>", text)


def _json(path: Path) -> Any:
    return json.loads(_blank_times(path.read_text(encoding="utf-8"))) if path.exists() else None


def _style(cell: Any) -> list[Any]:
    font, fill, align = cell.font, cell.fill, cell.alignment
    return [font.b, font.sz, font.color.rgb if font.color else None, font.u, fill.fill_type,
            fill.fgColor.rgb if fill.fgColor else None, align.wrap_text, align.vertical, cell.number_format]


def workbook(path: Path) -> dict[str, Any]:
    """Every sheet: cells (value, type, style, link) and the sheet's layout, times blanked."""
    wb = load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = [[c.coordinate, _blank_times(str(c.value)) if isinstance(c.value, str) else c.value, c.data_type,
                  _style(c), c.hyperlink.target if c.hyperlink else None]
                 for row in ws.iter_rows() for c in row if c.value is not None or c.hyperlink]
        out[ws.title] = {
            "cells": cells, "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
            "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "titles": ws.print_title_rows,
            "setup": [ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToWidth,
                      ws.page_setup.fitToHeight, ws.print_options.gridLines, ws.oddFooter.center.text,
                      ws.oddHeader.left.text]}
    return out


def files(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(_blank_times(p.read_text(encoding="utf-8",
                                                                                  errors="replace")).encode()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def results(store: Path) -> list[list[Any]]:
    with sqlite3.connect(store) as conn:
        rows = conn.execute("select audit_id, site, rule, subject, period, status, reason, message, evidence_json "
                            "from results").fetchall()
    return sorted([list(r) for r in rows], key=lambda r: [str(x) for x in r])


def dump(store_dir: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-same-") as tmp:
        work = Path(tmp)
        shutil.copy(store_dir / "gongkai.sqlite", work / "gongkai.sqlite")
        for cmd in ("check", "report"):
            subprocess.run([sys.executable, "-m", "gongkai.cli", cmd, "--out", str(work)], check=True,
                           capture_output=True)
        digest = {"results": results(work / "gongkai.sqlite"), "findings": _json(work / "findings.json"),
                  "scores": _json(work / "scores.json"), "workbook": workbook(work / "report.xlsx"),
                  "scorecard": files(work / "scorecard")}
    out.write_text(json.dumps(digest, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"{out}: {len(digest['results'])} results, {len(digest['findings'] or [])} findings, "
          f"{len(digest['scorecard'])} scorecard files")


def differences(a: Any, b: Any, where: str = "", limit: int = 20) -> list[str]:
    """Paths at which ``a`` and ``b`` differ (at most ``limit``)."""
    if type(a) is not type(b):
        return [f"{where}: {a!r:.200} != {b!r:.200}"]
    if isinstance(a, dict):
        out = [f"{where}/{k}: only in {'first' if k in a else 'second'}" for k in sorted(set(a) ^ set(b), key=str)]
        for k in a:
            if k in b and len(out) < limit:
                out += differences(a[k], b[k], f"{where}/{k}", limit - len(out))
        return out[:limit]
    if isinstance(a, list):
        out = [f"{where}: {len(a)} items != {len(b)}"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if len(out) >= limit:
                break
            out += differences(x, y, f"{where}[{i}]", limit - len(out))
        return out[:limit]
    return [] if a == b else [f"{where}: {a!r:.200} != {b!r:.200}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="run check + report on a copy of DIR/gongkai.sqlite, write a digest")
    d.add_argument("store_dir", type=Path)
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare", help="exit 1 when two digests differ")
    c.add_argument("first", type=Path)
    c.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.cmd == "dump":
        dump(args.store_dir, args.out)
        return
    diff = differences(json.loads(args.first.read_text(encoding="utf-8")),
                       json.loads(args.second.read_text(encoding="utf-8")))
    print("\n".join(diff) if diff else "identical")
    sys.exit(1 if diff else 0)


if __name__ == "__main__":
    main()
