"""严重表述错误 and 错别字: exact variants from cited dictionaries, silent on correct text that holds them."""

from __future__ import annotations

from gongkai.checks.wording import _compact, _Offsets, find, load_dictionary, matcher

H = "http://www.dl.gov.cn/"
SEVERE, TYPOS = "severe_errors.yaml", "typos.yaml"


def variants(text: str, name: str) -> list[str]:
    return [h.variant for h in find(text, name)]


def test_every_entry_cites_its_source() -> None:
    for name in (SEVERE, TYPOS):
        dictionary = load_dictionary(name)
        assert dictionary.version
        assert all(e.source.doc and e.wrong for e in dictionary.entries)
    docs = {e.source.doc for e in load_dictionary(SEVERE).entries}
    assert {"中华人民共和国宪法", "中国共产党章程"} <= docs


def test_severe_variants_fire_with_sentence_and_offset() -> None:
    text = "各单位：\n根据《中华人民共合国预算法》规定，现将有关事项通知如下。"
    [hit] = find(text, SEVERE)
    assert hit.variant == "中华人民共合国" and hit.entry.correct == "中华人民共和国"
    assert text[hit.start:hit.end] == "中华人民共合国"
    assert hit.snippet == "根据《中华人民共合国预算法》规定，现将有关事项通知如下。"
    assert "宪法" in hit.entry.source.label()
    assert variants("深入学习习近平新时代中国特色社会主义，推动工作落实。", SEVERE) == ["习近平新时代中国特色社会主义"]
    assert variants("中国共产党第二十届全国代表大会胜利召开", SEVERE) == ["中国共产党第二十届全国代表大会"]


def test_correct_phrase_inside_a_longer_correct_name_is_silent() -> None:
    assert variants("扎实开展学习贯彻习近平新时代中国特色社会主义思想主题教育。", SEVERE) == []
    assert variants("依据《中华人民共和国政府信息公开条例》编制。", SEVERE) == []
    assert variants("中国共产党第二十届中央委员会第三次全体会议", SEVERE) == []
    assert variants("中国共产党第二十次全国代表大会", SEVERE) == []


def test_longer_correct_names_and_shortened_titles_are_silent() -> None:
    for ok in ("以习近平新时代中国特色社会主义经济思想为指导，推动高质量发展。",
               "深入学习习近平新时代中国特色社会主义外交思想。",
               "学习贯彻习近平新时代中国特色社会主义...",
               "学习贯彻习近平新时代中国特色社会主义…",
               "关于学习习近平新时代中国特色社会主义思…",
               "[专题]习近平新时代中国特色社会主义 ⋯"):
        assert variants(ok, SEVERE) == [], ok
    # an ellipsis does not excuse a variant that begins no correct form, nor a wrong continuation
    assert variants("根据《中华人民共合国…", SEVERE) == ["中华人民共合国"]
    assert variants("学习习近平新时代中国特色社会主义精神…", SEVERE) == ["习近平新时代中国特色社会主义"]


def test_variants_beginning_a_correct_form_are_known() -> None:
    """Every variant that begins a longer correct name is guarded (ellipsis + allow list)."""
    m = matcher(SEVERE)
    assert set(m.longer) == {"习近平新时代中国特色社会主义"}


def test_whitespace_inside_a_variant_does_not_hide_it() -> None:
    [hit] = find("《中华人民　共合国\n预算法》", SEVERE)
    assert hit.variant == "中华人民共合国" and hit.start == 1


def test_typos_respect_word_boundaries() -> None:
    assert variants("各单位要认真布署今年工作。", TYPOS) == ["布署"]
    assert variants("认真贯切落实会议精神，即然定了就要办。", TYPOS) == ["贯切", "即然"]
    # a correct sentence holding the confusable characters side by side
    assert variants("市政府发布署名文章，阐述改革思路。", TYPOS) == []
    assert variants("会议研究部署署理事宜。", TYPOS) == []
    assert variants("要认真部署今年工作，立即然后逐项落实。", TYPOS) == []


def test_rules_on_pages_and_attachments(audit) -> None:
    bad, good = H + "zwdt/202407/t20240710_1.html", H + "zwdt/202407/t20240711_2.html"
    audit.page(bad, "article", title="通知", text="各单位：\n认真布署，根据《中华人民共合国预算法》执行。")
    audit.page(good, "article", title="新闻", text="市政府发布署名文章，学习贯彻习近平新时代中国特色社会主义思想主题教育。")
    att, unread = H + "files/a.docx", H + "files/scan.pdf"
    audit.store.save_attachment(audit.audit_id, {"site": audit.site, "document_url": bad, "url": att,
                                                 "outcome": "ok", "text": "附件：\n请各单位认真贯切执行。"})
    audit.store.save_attachment(audit.audit_id, {"site": audit.site, "document_url": bad, "url": unread,
                                                 "outcome": "unknown", "reason": "PDF无文本层（可能为扫描件）", "text": ""})
    severe = audit.by_subject("content.severe_error")
    assert severe[bad].status == "fail" and severe[good].status == "pass"
    [hit] = severe[bad].evidence["hits"]
    assert hit["url"] == bad and hit["offset"] == 13 and hit["correct"] == "中华人民共和国"
    assert hit["snippet"] == "认真布署，根据《中华人民共合国预算法》执行。"
    assert severe[bad].evidence["dictionary"] == SEVERE
    typo = audit.by_subject("content.typo")
    assert typo[bad].status == "fail" and typo[good].status == "pass"
    assert typo[att].status == "fail"
    assert typo[att].evidence["hits"][0] == {"where": "attachment", "url": att, "document_url": bad, "offset": 10,
                                             "snippet": "请各单位认真贯切执行。", "wrong": "贯切", "correct": "贯彻",
                                             "source": "《现代汉语词典》（第7版）（practice）"}
    assert typo[unread].status == "unknown" and "扫描件" in typo[unread].reason
    assert audit.rules["content.severe_error"].veto and not audit.rules["content.typo"].veto


def test_dictionary_entries_are_validated() -> None:
    import pytest
    from pydantic import ValidationError

    from gongkai.checks.wording import Entry, WordingParams

    source = {"doc": "中华人民共和国宪法", "status": "official"}
    with pytest.raises(ValidationError):
        Entry(correct="中华人民共和国", wrong=["中华人民 共合国"], source=source)   # whitespace never matches
    with pytest.raises(ValidationError):
        Entry(correct="中华人民共和国", wrong=[], source=source)
    with pytest.raises(ValidationError):
        Entry(correct="中华人民共和国", wrong=["中华人民共合国"], source={"doc": "宪法", "status": "rumour"})
    with pytest.raises(ValidationError):
        WordingParams(dictionary="../rules.yaml")


def test_a_template_typo_is_one_error_not_one_per_page(audit) -> None:
    footer = "请各单位认真布署网站安全工作。"
    pages = [H + f"zwgk/tzgg/202407/t2024070{i}_{i}.html" for i in range(1, 5)]
    for i, url in enumerate(pages):
        extra = "另须贯切落实。" if i == 2 else ""
        audit.page(url, "article", title=f"通知{i}", text=f"正文{i}。{extra}\n{footer}")
    results = audit.run("content.typo")
    fails = [r for r in results if r.status == "fail"]
    assert [r.subject for r in fails] == [pages[0], pages[2]]
    [template] = fails[0].evidence["hits"]
    assert template["wrong"] == "布署" and template["also_count"] == 3 and template["also_on"] == pages[1:]
    assert "计为一处" in fails[0].reason
    assert [h["wrong"] for h in fails[1].evidence["hits"]] == ["贯切"]     # its own error; 布署 counted on page 1


def _span(text: str, name: str = SEVERE) -> list[tuple[int, int, str]]:
    return [(h.start, h.end, text[h.start:h.end]) for h in find(text, name)]


def test_offsets_count_characters_of_the_stored_text() -> None:
    """A hit's offsets are into the text as stored, whitespace and all: the stored text cut at
    [start, end) begins with the variant's first character and ends with its last."""
    word = "中华人民共合国"
    # at the very start and at the very end of the text
    assert _span(word) == [(0, 7, word)]
    assert _span("依据" + word) == [(2, 9, word)]
    # after whitespace of every kind: spaces, line ends, tabs, full-width spaces, nbsp, zero-width
    for lead in (" ", "\n\n", "\t \r\n", "\u3000\u3000", "\xa0", "\u200b", " \u3000\n\u200b\xa0"):
        text = lead + "根据《" + word + "》"
        assert _span(text) == [(len(lead) + 3, len(lead) + 10, word)], repr(lead)
    # whitespace inside the variant: the span covers it, from first to last character
    text = "根据\u3000《中华人民\u3000\u3000共合\n国》 "
    assert _span(text) == [(4, 14, "中华人民\u3000\u3000共合\n国")]
    # trailing whitespace after a hit at the end does not stretch it
    assert _span("x " + word + " \u3000\n") == [(2, 9, word)]


def test_offsets_of_several_hits_in_one_text() -> None:
    text = "  中华人民共合国\u3000宪法。\n\n各单位要认真布署。 中华人民\n共合国"
    spans = _span(text)
    assert [s[2] for s in spans] == ["中华人民共合国", "中华人民\n共合国"]
    assert spans[0][:2] == (2, 9) and spans[1][:2] == (len(text) - 8, len(text))
    [typo] = find(text, TYPOS)
    assert text[typo.start:typo.end] == "布署" and typo.start == text.index("布署")


def test_offset_map_matches_a_per_character_map() -> None:
    """The run-based map agrees with the obvious one (each kept character's index) everywhere."""
    import random
    import re

    space = re.compile(r"[\s\u3000\xa0\u200b]")
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice("ab中 \u3000\n\t\xa0\u200b") for _ in range(rng.randint(0, 16)))
        kept = [i for i, ch in enumerate(text) if not space.match(ch)]
        assert _compact(text) == "".join(text[i] for i in kept)
        where = _Offsets(text)
        assert [where.original(i) for i in range(len(kept))] == kept, repr(text)
