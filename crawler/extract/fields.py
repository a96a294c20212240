"""Label:value pairs of 信息公开 metadata, whatever the layout that carries them.

Real sites put 索引号/发文字号/发布日期 … in 2-, 4- or 6-cell table rows, in ``<li>``/``<span>``
runs on one line, with the label and value in one cell or in two, with "：" or ":" or no colon
at all, in simplified or traditional characters.  All of these read the same once the page is
seen as *lines* (see :func:`dom.text_lines`, and :mod:`metadata` for the tables and empty slots
it rewrites first): a label is a known word followed by a colon at the start of a line or after
a space; its value runs to the next known label on that line (glued or not: "来源：某局发布日期：…"),
or — when nothing follows the colon — is the next line, unless that line is itself a label or
the slot is marked :data:`EMPTY`.  The labels are data: ``config/fields.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gongkai.vocab import field_labels, stop_labels

from .fold import fold

# Field → labels, most trusted first.  Spaces inside labels ("索 引 号", "标　　题") are allowed.
FIELD_LABELS: dict[str, tuple[str, ...]] = field_labels()
# Labels that belong to no field but end the value of the label before them.
OTHER_LABELS: tuple[str, ...] = stop_labels()
EMPTY = "\ue000"  # the value of a slot the page shows empty: never replaced by the next line's text
MAX_VALUE = 300
MAX_NEXT_LINE_VALUE = 150  # a longer next line is body text, not a metadata value

_LABEL_FIELD: dict[str, str] = {}
for _field, _labels in FIELD_LABELS.items():
    for _label in _labels:
        _LABEL_FIELD[_label] = _field


def _label_pattern(labels: Iterable[str]) -> str:
    spaced = (r"\s*".join(map(re.escape, label)) for label in sorted(labels, key=len, reverse=True))
    return "|".join(spaced)


_ALL = _label_pattern([*_LABEL_FIELD, *OTHER_LABELS])
_BOUNDARY = r"(?:^|(?<=[\s|｜/、,;>》】\])）(]))"
_LABEL_COLON = re.compile(_BOUNDARY + r"(" + _ALL + r")\s*:")
_NEXT_LABEL = re.compile(r"(" + _ALL + r")\s*:")  # inside a value no boundary is needed
_LABEL_ONLY = re.compile(r"^(" + _ALL + r")\s*:?$")
_GENERIC_LABEL = re.compile(r"^[^\s:\d]{1,8}\s*:")
_GENERIC_LABEL_ONLY = re.compile(r"^[^\s:\d]{1,8}\s*:$")


def _canonical(label_text: str) -> str:
    return re.sub(r"\s+", "", label_text)


def _is_label_line(line: str) -> bool:
    folded = fold(line)
    return bool(_LABEL_COLON.match(folded) or _LABEL_ONLY.match(folded) or _GENERIC_LABEL.match(folded))


def label_of(text: str) -> str | None:
    """The known label (field or stop label) that ``text`` consists of, colon optional, else None."""
    only = _LABEL_ONLY.match(fold(text.strip()))
    return _canonical(only.group(1)) if only else None


def cell_label(text: str) -> str | None:
    """The label a table cell consists of: a known one, colon optional, or any short word ending
    in a colon ("名称：") — a header cell even where no field of ours is named."""
    known = label_of(text)
    if known:
        return known
    folded = fold(text.strip())
    return _canonical(folded.rstrip(": ")) if _GENERIC_LABEL_ONLY.match(folded) else None


def is_label_text(text: str) -> bool:
    """Whether ``text`` is nothing but a label ("备注", "发布机构：") — never a field's value."""
    return label_of(text) is not None


def field_of(label: str) -> str | None:
    """The field a canonical label names (None for stop labels and unknown words)."""
    return _LABEL_FIELD.get(label)


def is_known_label_line(line: str) -> bool:
    """A line that starts with one of the known metadata labels (来源：…, 作者：, 访问量：12)."""
    folded = fold(line)
    return bool(_LABEL_COLON.match(folded) or _LABEL_ONLY.match(folded))


def _is_value_line(lines: list[str], i: int) -> bool:
    """Whether line ``i`` can be the value of a label that ended the line before it."""
    return i < len(lines) and len(lines[i]) <= MAX_NEXT_LINE_VALUE and not _is_label_line(lines[i])


def _label_matches(folded: str) -> list[re.Match[str]]:
    """Known labels followed by a colon: the first at a boundary, the rest anywhere in its value.

    "来源：广州市某区统计局发布日期：2024-06-05" is two pairs although nothing separates 局 from 发布.
    """
    first = _LABEL_COLON.search(folded)
    found = [first] if first else []
    while found and (m := _NEXT_LABEL.search(folded, found[-1].end())):
        found.append(m)
    return found


def _up_to_label(text: str) -> str:
    """``text`` up to the first known label in it: a value never runs into the next pair."""
    m = _NEXT_LABEL.search(fold(text))
    return text[:m.start()].strip() if m else text


def _pairs_in_line(lines: list[str], i: int) -> list[tuple[str, str]]:
    """(label, value) pairs on line ``i``; a bare trailing label takes the next line as value."""
    line = lines[i]
    folded = fold(line)
    only = _LABEL_ONLY.match(folded)
    if only:
        spans = [(only.start(1), only.end(1), len(line))]
    else:
        found = _label_matches(folded)
        spans = [(m.start(1), m.end(), found[k + 1].start(1) if k + 1 < len(found) else len(line))
                 for k, m in enumerate(found)]
    pairs: list[tuple[str, str]] = []
    for start, value_start, end in spans:
        label = _canonical(folded[start:value_start].rstrip(": "))
        value = line[value_start:end].strip(" :：\u3000\xa0")
        if not value and end == len(line) and _is_value_line(lines, i + 1):
            value = _up_to_label(lines[i + 1].strip())
        pairs.append((label, value.replace(EMPTY, "").strip()[:MAX_VALUE]))
    return pairs


def read_fields(lines: list[str]) -> dict[str, list[str]]:
    """Field → candidate values, ordered by label trust, then by position on the page."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for i, line in enumerate(lines):
        if len(line) > 2000:
            continue
        for label, value in _pairs_in_line(lines, i):
            field = field_of(label)
            if field and value:
                rank = FIELD_LABELS[field].index(label)
                found.setdefault(field, []).append((rank, i, value))
    return {field: [v for _, _, v in sorted(items)] for field, items in found.items()}
