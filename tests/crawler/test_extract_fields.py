"""The label vocabulary (config/fields.yaml) and the line reader of crawler/extract/fields.py."""

from __future__ import annotations

from gongkai.crawler.extract.fields import EMPTY, field_of, label_of, read_fields
from gongkai.vocab import field_labels, load_config, stop_labels


def test_every_synonym_is_documented_and_belongs_to_one_field() -> None:
    spec = load_config("fields.yaml")
    labels = [entry["label"] for entries in spec["fields"].values() for entry in entries]
    assert all(entry.get("why") for entries in spec["fields"].values() for entry in entries)
    assert all(group.get("why") for group in spec["stop_labels"])
    assert len(labels) == len(set(labels))
    assert not set(labels) & set(stop_labels())


def test_issue_synonyms_are_in_the_vocabulary() -> None:
    labels = field_labels()
    assert {"索取号", "索引号", "信息索引号"} <= set(labels["index_number"])
    assert {"文号", "发文字号", "文件编号", "文件字号"} <= set(labels["doc_number"])
    assert {"发布机构", "发文机关", "发布单位", "来源", "信息来源"} <= set(labels["publisher"])
    assert {"发布日期", "发布时间", "公开日期"} <= set(labels["publish_date"])
    assert {"成文日期", "成文时间"} <= set(labels["written_date"])
    assert {"有效性", "时效性"} <= set(labels["validity"])
    assert "生成日期" in stop_labels()   # a CMS record date, not the 成文日期


def test_labels_are_recognised_spaced_traditional_and_with_colons() -> None:
    assert label_of("索 引 号：") == "索引号"
    assert label_of("發文字號") == "发文字号"
    assert label_of("备注") == "备注"
    assert field_of("备注") is None
    assert field_of("文件编号") == "doc_number"
    assert label_of("某某市人民政府") is None


def test_glued_pairs_split_at_each_known_label() -> None:
    fields = read_fields(["来源：广州市某区统计局发布日期：2024-06-05"])
    assert fields == {"publisher": ["广州市某区统计局"], "publish_date": ["2024-06-05"]}


def test_an_empty_slot_never_takes_the_next_line() -> None:
    assert read_fields([f"文号：{EMPTY}", "某某市人民政府办公室"]) == {}
    assert read_fields(["文号：", EMPTY, "某某市人民政府办公室"]) == {}
    assert read_fields(["发文字号：", "某发〔2024〕1号"]) == {"doc_number": ["某发〔2024〕1号"]}
