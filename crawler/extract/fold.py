"""Offset-preserving simplification: find labels in 简体 while keeping the page's own characters.

A 发文字号 such as 遼政辦發〔2020〕13號 must be returned exactly as written (checks of form look at
its brackets), yet the label in front of it may be written 發文字號.  :func:`fold` maps every
character to its simplified, width-folded form *one for one*, so a match found at offset i in
the folded text is at offset i in the original.
"""

from __future__ import annotations

from gongkai.text import simplify

MAX_TABLE = 65_536   # characters whose fold is kept for the process (a hostile page may hold any)


def _fold_char(ch: str) -> str:
    """One character → its simplified, NFKC-folded form when that is still one character."""
    if ch in "\u3000\xa0":
        return " "
    s = simplify(ch)
    return s if len(s) == 1 else ch


class _FoldTable(dict[int, str]):
    """Code point → its fold, worked out the first time ``str.translate`` asks for it; kept up to
    ``MAX_TABLE`` characters.  Known characters are looked up in C: no Python call per character."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < MAX_TABLE:
            self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Simplified, width-folded ``text`` of exactly the same length (so offsets carry over)."""
    return text.translate(_TABLE) if text else ""
