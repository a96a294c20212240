"""Recognising a list that only a browser would see: the page ships no rows, a script fetches them.

The spider must then record the column as *unknown* rather than *empty*: an audit that calls a
working column empty because we cannot run its JavaScript would be a false finding.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_LOADERS = re.compile(
    r"""\$\.(?:ajax|get|post|getJSON)\s*\(|\bfetch\s*\(|XMLHttpRequest|\baxios\b|\.load\s*\(\s*["']"""
    r"""|new\s+Vue\b|laypage\.render|\btemplate\s*\(\s*["']|\.jpage\s*\(|createApp\s*\(|ReactDOM""",
)
_LOADER_SRC = re.compile(r"vue|axios|react|angular|jpage|laypage|art-?template", re.IGNORECASE)
MAX_SCRIPT = 200_000  # characters of inline script examined


def loads_list_by_script(tree: HtmlElement) -> bool:
    """Whether the page has a script that fetches content (AJAX, a front-end framework)."""
    seen = 0
    for script in tree.iter("script"):
        src = script.get("src") or ""
        if src and _LOADER_SRC.search(src):
            return True
        text = script.text or ""
        if _LOADERS.search(text[: MAX_SCRIPT - seen]):
            return True
        seen += len(text)
        if seen >= MAX_SCRIPT:
            break
    return False
