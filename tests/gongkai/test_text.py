from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from gongkai.text import compact, date_from_url, iter_dates, nfkc, parse_date, simplify, year_from_url


def test_date_forms():
    assert parse_date("发布时间：2024-05-10 09:30") == date(2024, 5, 10)
    assert parse_date("2024/5/9") == date(2024, 5, 9)
    assert parse_date("2024年05月10日") == date(2024, 5, 10)
    assert parse_date("二〇二四年五月十日") == date(2024, 5, 10)
    assert parse_date("2024年12月31日") == date(2024, 12, 31)


def test_short_dates_need_a_year_hint_never_now():
    assert parse_date("[05-10]") is None
    assert parse_date("[05-10]", year_hint=2023) == date(2023, 5, 10)


def test_invalid_dates_are_not_dates():
    assert parse_date("2024-02-30") is None
    assert parse_date("文号 20240510999") is None
    assert list(iter_dates("2024-13-01")) == []


def test_url_dates():
    assert date_from_url("http://x.gov.cn/zwgk/202405/t20240510_123456.html") == date(2024, 5, 10)
    assert date_from_url("http://x.gov.cn/art/2024/5/10/art_1234_56789.html") == date(2024, 5, 10)
    assert year_from_url("http://x.gov.cn/zwgk/202405/abc.html") == 2024
    assert date_from_url("http://x.gov.cn/col/col1234/index.html") is None


def test_traditional_is_simplified_for_comparison():
    assert simplify("遼寧省人民政府辦公廳關于印發") == "辽宁省人民政府办公厅关于印发"
    assert compact("《关于  印发…的通知》") == compact("关于印发的通知")


@given(st.text(max_size=300))
def test_parsers_never_raise(text):
    list(iter_dates(text, year_hint=2024))
    date_from_url(text)
    year_from_url(text)
    simplify(text)


def _reference_nfkc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def test_nfkc_folds_full_width_forms_like_unicodedata():
    text = "根据《条例》第（三）项：ＡＢＣ１２３，见\u3000附件！"
    assert nfkc(text) == _reference_nfkc(text) == "根据《条例》第(三)项:ABC123,见 附件!"
    # a full-width letter followed by a combining accent composes with it, as NFKC says
    assert nfkc("Ａ\u0301ｅ\u0308") == _reference_nfkc("Ａ\u0301ｅ\u0308") == "Áë"
    # compatibility forms outside the full-width block still fold (circled digits, ligatures, ㈱)
    assert nfkc("①ﬁ㈱ｶﾞ") == _reference_nfkc("①ﬁ㈱ｶﾞ") == "1fi(株)ガ"


@given(st.text(alphabet=st.sampled_from("，：（）ＡａＺ０\u3000\u0301\u0308\u3099か中ｶﾞ① a"), max_size=40)
       | st.text(max_size=60))
def test_nfkc_is_unicodedata_nfkc(text):
    assert nfkc(text) == _reference_nfkc(text)


def test_every_invisible_code_point_of_this_unicode_is_shown_though_only_three_planes_are_scanned() -> None:
    import unicodedata

    from gongkai import text

    hidden = [chr(cp) for cp in range(0x110000)
              if unicodedata.category(chr(cp)) in text._INVISIBLE_CATEGORIES and chr(cp) not in text._KEPT]
    assert len(hidden) > 2000
    assert [f"U+{ord(ch):04X}" for ch in hidden if not text._invisible().fullmatch(ch)] == []
    assert text.visible_controls("\U000e0041") == "⟨U+E0041⟩" and text.visible_controls("a\tb\n") == "a\tb\n"
