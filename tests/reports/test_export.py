"""JSON written item by item is the same text as the whole list written at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.reports.export import write_json, write_json_list

ITEMS = [
    {"id": "F1", "evidence": {"hits": [{"snippet": "关于\u202egpj.exe", "offset": 3}], "empty": [], "none": None},
     "lines": "第一行\n第二行", "flag": True, "score": 1.5},
    {"id": "F2", "evidence": {}, "nested": [[1, 2], {"a": {"b": []}}]},
]


@pytest.mark.parametrize("items", [ITEMS, ITEMS[:1], []])
def test_a_list_written_item_by_item_is_byte_identical(tmp_path: Path, items: list) -> None:
    whole = write_json(tmp_path / "whole.json", items).read_bytes()
    streamed = write_json_list(tmp_path / "streamed.json", iter(items)).read_bytes()
    assert streamed == whole
    assert "⟨U+202E⟩".encode() in whole or not items
