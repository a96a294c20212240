"""The names of a report's outputs in its directory: one home for what the report writes, what
``--compare`` reads back and what ``gongkai demo`` clears before it starts anew."""

from __future__ import annotations

WORKBOOK = "report.xlsx"
FINDINGS = "findings.json"
SCORES = "scores.json"
CHANGES = "changes.json"     # with --compare only
SCORECARD = "scorecard"      # a directory: index, one page per site, 通报, snapshots

FILES = (WORKBOOK, FINDINGS, SCORES, CHANGES)
