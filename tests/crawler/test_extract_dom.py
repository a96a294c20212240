"""The tree helpers every extractor shares: same answers whichever way lxml is asked."""

from __future__ import annotations

import lxml.html
from lxml import etree

from gongkai.crawler.extract import fold as fold_module
from gongkai.crawler.extract.dom import iter_elements, parse, tag_of
from gongkai.crawler.extract.fold import fold


def test_iter_elements_sees_upper_case_tags_and_skips_comments() -> None:
    root = parse("<HTML><BODY><DIV ID=a><P>一</P><!-- <p>no</p> --><Footer>二</Footer></DIV></BODY></HTML>")
    assert [tag_of(el) for el in iter_elements(root)] == ["html", "body", "div", "p", "footer"]
    assert [el.text for el in iter_elements(root, frozenset({"p", "footer"}))] == ["一", "二"]
    assert [tag_of(el) for el in iter_elements(root.find(".//div"), frozenset({"div"}))] == ["div"]  # itself too


def test_parsed_elements_keep_the_html_element_api() -> None:
    root = parse("<form action=/x><input name=q value=1><p>正文 <b>加粗</b></p></form>")
    assert all(isinstance(el, lxml.html.HtmlElement) for el in root.iter(etree.Element))
    assert root.find(".//p").text_content() == "正文 加粗"


def test_fold_maps_each_character_one_for_one() -> None:
    text = "發文字號：遼政辦發〔2020〕13號\u3000ＡＢＣ１２３"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("发文字号:辽政办发〔2020〕13号 ")   # NFKC folds the full-width colon
    assert folded.endswith("ABC123")


def test_fold_past_its_table_bound_gives_the_same_text(monkeypatch) -> None:
    text = "發布時間 各級機關 ＡＢＣ"
    expected = fold(text)
    monkeypatch.setattr(fold_module, "_TABLE", fold_module._FoldTable())
    monkeypatch.setattr(fold_module, "MAX_TABLE", 3)   # a hostile page of every character in Unicode
    assert fold(text) == expected
    assert len(fold_module._TABLE) == 3   # nothing kept past the bound
