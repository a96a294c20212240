"""A published message (留言/来信) and its reply: dates and state, from its page or a list row.

Portals print a message as a question block (来信时间/留言时间 …) and a reply block (回复时间/答复时间,
办理状态 "已回复 / 未回复 / 办理中"), in ``label：value`` lines or in label/value table cells.  The
labels and the status words are data (``config/interaction.yaml``).  What is read is only what the
page shows: a missing reply date stays None, never guessed; the reply state comes from the status
text first, else from a dated or written reply.  A message is pending only when the page says so
(a pending status word, or an empty reply label such as ``回复：暂无``); a page that shows neither
a reply nor a status says nothing (state None: the check reports it as unknown, never as unanswered).
Labels are found anywhere before a colon (``江川市人民政府回复：``), bracketed (``【回复】``) or
letter-spaced (``回 复：``).  A 办理时间/处理时间 (``handled``) is a reply date only with an answered
status: a message in progress shows one too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from lxml import etree

from gongkai.text import parse_date, squash
from gongkai.vocab import load_config

from .dom import text_lines
from .fold import fold
from .page import page_title

MAX_REPLY = 300          # characters of reply text kept (evidence only)
MAX_STATUS = 40          # a status value is a few words; longer text is not a status
MAX_TITLE = 500          # characters kept of a message title
NO_REPLY = frozenset({"", "无", "暂无", "暂无回复", "暂无答复", "待回复", "待答复", "未回复", "未答复", "尚未回复",
                      "尚未答复"})
FIELDS = ("asked", "replied", "handled", "status", "reply", "title")
MAX_LABEL_PREFIX = 20    # characters allowed before a label on its line (``江川市人民政府回复：``)
ANSWERED, PENDING, INVALID = "answered", "pending", "invalid"


@dataclass(frozen=True)
class Message:
    """One message as a page or a list row shows it (None: not shown)."""

    url: str | None
    title: str | None = None
    asked: date | None = None
    replied: date | None = None
    status: str | None = None      # the status text as printed
    state: str | None = None       # answered | pending | invalid | None (the page does not say)
    reply: str | None = None       # the start of the reply text

    def to_row(self) -> dict[str, Any]:
        """The store's ``messages`` columns (dates as ISO strings)."""
        return {"url": self.url, "title": self.title, "asked_date": _iso(self.asked),
                "replied_date": _iso(self.replied), "status": self.status, "state": self.state,
                "reply": self.reply}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """``config/interaction.yaml`` (labels, status words, channel words)."""
    return load_config("interaction.yaml")


def _spaced(label: str) -> str:
    """A label's pattern that also matches it letter-spaced (``回 复``)."""
    return r"\s*".join(map(re.escape, label))


@lru_cache(maxsize=1)
def _label_rx() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """(label followed by a colon or in brackets anywhere, a line that is only a label, label → field).

    A label may follow a short prefix on its line (``江川市人民政府回复：``, ``最新答复时间：``).
    """
    field_of = {label: name for name in FIELDS for label in vocabulary()["labels"][name]}
    alternation = "|".join(map(_spaced, sorted(field_of, key=len, reverse=True)))
    prefix = rf"[^\s:：|｜【】\[\]]{{0,{MAX_LABEL_PREFIX}}}?"
    with_colon = re.compile(rf"(?:^|(?<=[\s|｜])){prefix}(?:[【\[]\s*(?P<b>{alternation})\s*[】\]]\s*[:：]?"
                            rf"|(?P<c>{alternation})\s*[:：])")
    alone = re.compile(rf"^[【\[]?\s*({alternation})\s*[】\]]?\s*[:：]?$")
    return with_colon, alone, field_of


def _field(field_of: dict[str, str], label: str) -> str:
    return field_of[re.sub(r"\s+", "", label)]


def field_of_label(text: str) -> str | None:
    """The message field a label text names (``留言时间`` → asked), colon optional, else None."""
    _, alone, field_of = _label_rx()
    m = alone.match(fold(squash(text)))
    return _field(field_of, m.group(1)) if m else None


def status_state(text: str | None) -> str | None:
    """answered / pending / invalid for a status text; None when it says none of them.

    Pending words are tried before answered ones: 未回复 contains 回复.
    """
    if not text:
        return None
    folded = fold(text)
    words = vocabulary()["status"]
    for state, key in ((INVALID, "invalid"), (PENDING, "pending"), (ANSWERED, "answered")):
        if any(w in folded for w in words[key]):
            return state
    return None


def read_labels(lines: list[str]) -> dict[str, str]:
    """Field → first value printed under one of its labels (``label：value`` or label then value line)."""
    with_colon, alone, field_of = _label_rx()
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        folded = fold(line)
        if m := alone.match(folded):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if _is_value(nxt):
                found.setdefault(_field(field_of, m.group(1)), nxt)
            continue
        hits = list(with_colon.finditer(folded))
        for n, hit in enumerate(hits):
            end = hits[n + 1].start() if n + 1 < len(hits) else len(line)
            value = line[hit.end():end].strip()
            if not value and n + 1 == len(hits) and i + 1 < len(lines) and _is_value(lines[i + 1]):
                value = lines[i + 1]   # 江川市人民政府回复： then the reply on the next line
            found.setdefault(_field(field_of, hit.group("b") or hit.group("c")), value)
    return found


def _is_value(line: str) -> bool:
    """Whether a line can be the value of the label above it (it is no label itself)."""
    with_colon, _, _ = _label_rx()
    return bool(line) and not field_of_label(line) and not with_colon.match(fold(line))


def judge(msg: Message, *, handled: date | None = None, no_reply: bool = False) -> Message:
    """The reply state: the status text, else a dated reply, else a written reply, else pending when
    the page prints an empty reply (``no_reply``); else None (the page does not say).

    A pending message has no reply date (a 处理时间 on a message in progress is not one); a
    ``handled`` date (办理时间/处理时间) is the reply date only of an answered message.
    """
    state = status_state(msg.status)
    if state is None and msg.replied:
        state = ANSWERED
    if state is None and msg.reply:
        state = ANSWERED
    if state is None and no_reply:
        state = PENDING
    replied = msg.replied
    if state == PENDING:
        replied = None
    elif state == ANSWERED and replied is None:
        replied = handled
    return replace(msg, state=state, replied=replied)


def extract_message(root: etree._Element, url: str) -> Message | None:
    """The message a page shows, or None when no question date is printed (not a message page)."""
    lines = text_lines(root)
    values = read_labels(lines)
    asked = parse_date(values.get("asked"))
    if asked is None:
        return None
    reply = squash(values.get("reply") or "")[:MAX_REPLY]
    status = squash(values.get("status") or "")[:MAX_STATUS] or None
    title = (squash(values.get("title") or "") or page_title(root))[:MAX_TITLE] or None
    said = NO_REPLY - {""}
    empty = (values.get("reply") is not None and fold(squash(values["reply"])) in said) or any(fold(line) in said for line in lines)
    return judge(Message(url=url, title=title, asked=asked, replied=parse_date(values.get("replied")),
                         status=status, reply=None if reply in NO_REPLY else reply),
                 handled=parse_date(values.get("handled")), no_reply=empty)
