"""The 落款 of an official document and the disclosure note printed under it.

A 公文 ends with the issuing body on one line and the 成文日期 on the next ("国务院" /
"2019年1月27日" or "二〇〇四年八月十二日"), optionally followed by "（此件公开发布）".  That note only
counts as a disclosure label in this slot: a body sentence that quotes "此件依申请公开" is not one.
Some documents (统计公报) carry the same pair right under the title, the date in parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from gongkai.text import parse_date, simplify

from .fold import fold

_BARE_DATE = re.compile(
    r"^(?:(?:19|20)\d{2}[年./-]\d{1,2}[月./-]\d{1,2}日?"
    r"|[〇○零O一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$")
_LABEL = re.compile(r"^\(?\s*((?:此件|本件)\s*[^()]{0,8}?(?:公开|发布)[^()]{0,4}?)\s*\)?$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。；;，,:！!？?、]$")
LABEL_LOOKAHEAD = 3  # lines after the 落款 date that may carry the note
TAIL_LINES = 3       # without a 落款, the note may still close the body


@dataclass
class Signature:
    """What the signature block says: the 落款 date and the disclosure note under it."""

    written_date: date | None = None
    label: str | None = None
    line: int | None = None


def bare_date(line: str) -> date | None:
    """The date when the whole line is a date (brackets and spaces allowed), else None."""
    folded = re.sub(r"[\s()]", "", fold(line))
    if len(folded) > 16 or not _BARE_DATE.match(folded):
        return None
    return parse_date(folded)


def _is_issuer(line: str) -> bool:
    text = line.strip()
    folded = fold(text)
    return (2 <= len(text) <= 40 and bool(_CJK.search(text)) and not re.search(r"[\d:]", folded)
            and not _SENTENCE_END.search(folded))


def disclosure_note(line: str) -> str | None:
    """"此件公开发布" for a line that is only such a note (any brackets, traditional too)."""
    folded = fold(line.strip())
    if len(folded) > 20:
        return None
    m = _LABEL.match(folded)
    return simplify(re.sub(r"\s+", "", m.group(1))) if m else None


def _note_after(lines: list[str], i: int) -> str | None:
    for line in lines[i + 1:i + 1 + LABEL_LOOKAHEAD]:
        note = disclosure_note(line)
        if note:
            return note
    return None


def find_signature(lines: list[str]) -> Signature:
    """The first issuer-then-date pair in the document body and the note after it."""
    for i in range(1, len(lines)):
        day = bare_date(lines[i])
        if day and _is_issuer(lines[i - 1]):
            return Signature(day, _note_after(lines, i) or _closing_note(lines), i)
    return Signature(label=_closing_note(lines))


def _closing_note(lines: list[str]) -> str | None:
    """A note that closes the body even where no 落款 date was recognised."""
    for line in lines[-TAIL_LINES:]:
        note = disclosure_note(line)
        if note:
            return note
    return None
