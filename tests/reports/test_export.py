"""JSON written item by item is the same text as the whole list written at once; read item by
item, it gives what ``json.load`` gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.reports.export import NotAList, read_json_list, write_json, write_json_list

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


LIST_ITEMS = [{"id": "a,]", "n": 12345, "s": "引号\"[]{}\\ ⟨U+202E⟩", "l": [1, 2.5e10, None, True, 1e5, -0.0]}, 7, "x", [],
         {}, -0.5, 123456789, 2.5e-7, {"nested": [[{"deep": "]"}]]}]


def test_read_json_list_gives_what_json_load_gives_whatever_the_window(tmp_path: Path) -> None:
    """Every window size, down to one character: values cut anywhere (``2.5`` of ``2.5e10``, a
    string at its escape) are read again with more text, never taken short."""
    path = write_json_list(tmp_path / "f.json", LIST_ITEMS)
    whole = json.loads(path.read_text(encoding="utf-8"))
    for chunk in range(1, 60):
        assert list(read_json_list(path, chunk)) == whole, chunk
    for text in ("[]", " [ ] \n", "[1]", "[ 1 , 2 ]\n", "[2.5e10 ]", "[1E+5,2]", "[\n]"):
        (tmp_path / "o.json").write_text(text, encoding="utf-8")
        for chunk in (1, 2, 3, 100):
            assert list(read_json_list(tmp_path / "o.json", chunk)) == json.loads(text), (text, chunk)


def test_read_json_list_refuses_what_json_load_refuses(tmp_path: Path) -> None:
    for text in ("[1,]", "[1 2]", "[1] x", "[", "[1,,2]", "[,1]", "[1,", '["a]', "[1]]", "[2.5e]", "[tru]"):
        (tmp_path / "b.json").write_text(text, encoding="utf-8")
        for chunk in (1, 3, 100):
            with pytest.raises(ValueError):
                list(read_json_list(tmp_path / "b.json", chunk))
            with pytest.raises(ValueError):
                json.loads(text)
    for text in ("{}", "", "7", '"[1]"'):
        (tmp_path / "n.json").write_text(text, encoding="utf-8")
        with pytest.raises(NotAList):
            list(read_json_list(tmp_path / "n.json"))
