"""身份证号 and personal mobile numbers: valid, unmasked numbers in pages and attachments; masked
numbers, bad check digits and office contact numbers stay silent."""

from __future__ import annotations

from datetime import date

from gongkai.checks.privacy import check_digit, is_id_number
from gongkai.redact import mask_id, mask_mobile, redact

H = "http://www.dl.gov.cn/"
VALID = "330106199003071236"          # check digit 6
VALID_X = "11010519491231002X"
BAD_CHECK = "330106199003071235"      # one digit off: not a 身份证号
TODAY = date(2024, 7, 15)


def test_gb11643_check_digit_and_birth_date() -> None:
    assert check_digit(VALID[:17]) == "6" and check_digit(VALID_X[:17]) == "X"
    assert is_id_number(VALID, TODAY) and is_id_number(VALID_X.lower(), TODAY)
    assert not is_id_number(BAD_CHECK, TODAY)
    born_later = "330106202501011234"
    assert not is_id_number(born_later[:17] + check_digit(born_later[:17]), TODAY)      # born after the crawl
    no_day = "33010619900230123"
    assert not is_id_number(no_day + check_digit(no_day), TODAY)                         # 30 February
    no_province = "99010619900307123"
    assert not is_id_number(no_province + check_digit(no_province), TODAY)
    assert mask_id(VALID) == "3301**********1236"


def test_id_numbers_on_pages_and_in_attachments(audit) -> None:
    leak, masked, bad = (H + f"tzgg/202407/t2024071{i}_{i}.html" for i in (1, 2, 3))
    audit.page(leak, "article", title="2024年公益性岗位拟聘用人员公示",
               text=f"拟聘用人员名单\n姓名：张三，身份证号：{VALID}，岗位：保洁。")
    audit.page(masked, "article", title="2024年公益性岗位拟聘用人员公示", text="张三 3301**********1236 保洁")
    audit.page(bad, "article", title="统计数据", text=f"项目编号{BAD_CHECK}，订单号 {VALID}8，合计1236元。")
    xlsx = H + "files/mingdan.xlsx"
    audit.store.save_attachment(audit.audit_id, {"site": audit.site, "document_url": masked, "url": xlsx,
                                                 "link_text": "拟聘用人员名单.xlsx", "outcome": "ok",
                                                 "text": f"姓名\t身份证号\n李四\t{VALID_X}"})
    results = audit.by_subject("privacy.id_number")
    assert results[leak].status == "fail"
    [hit] = results[leak].evidence["hits"]
    assert hit["offset"] == 19 and hit["number_masked"] == "3301**********1236"
    assert VALID not in str(results[leak].evidence) and "3301**********1236" in hit["snippet"]
    assert results[masked].status == "pass" and results[bad].status == "pass"
    assert results[xlsx].status == "fail" and results[xlsx].evidence["hits"][0]["document_url"] == masked


def test_mobile_numbers_only_in_lists_and_not_office_contacts(audit) -> None:
    listing, notice, hotline = (H + f"tzgg/202407/t2024072{i}_{i}.html" for i in (1, 2, 3))
    footer = "主办：大连市人民政府办公室 电话：0411-83631234 值班手机 13904111234"
    audit.page(listing, "article", title="关于2024年见习人员名单的公示", identity={"footer_text": footer},
               text="姓名\n联系电话\n张三\n139 1234 5678\n李四\n138-1234-5678\n准考证号：13512345678\n"
                    "公示期间如有异议，请联系。联系人：王五，联系电话：13700001111\n" + footer)
    audit.page(notice, "article", title="关于开展安全检查的通知", text="请联系张三13912345678。")
    audit.page(hotline, "article", title="低保对象名单公示", identity={"footer_text": footer},
               text="名单见附件（手机号已隐去：139****5678）。\n咨询电话：13700001111\n监督电话：0411-12345\n" + footer)
    results = audit.by_subject("privacy.phone_number")
    assert results[listing].status == "fail" and results[listing].evidence["count"] == 2
    assert [h["number_masked"] for h in results[listing].evidence["hits"]] == ["139****5678", "138****5678"]
    assert notice not in results          # not 公示/名单 content: not examined
    assert results[hotline].status == "pass"


def test_redact_masks_ids_and_mobiles_3_plus_4() -> None:
    assert mask_mobile("+86 138-1234-5678") == "138****5678"
    assert redact(f"张三 {VALID} 13812345678，电话0411-83631234") == \
        "张三 3301**********1236 138****5678，电话0411-83631234"
    assert redact("2024-07-15 第20240715号") == "2024-07-15 第20240715号"


def test_no_rule_republishes_personal_data_it_quotes(audit) -> None:
    """A row with both an ID and a mobile: the phone finding must not show the ID, the ID finding
    not the mobile, and a typo in the same sentence must not quote either."""
    url = H + "tzgg/202407/t20240730_9.html"
    audit.page(url, "article", title="2024年低保对象名单公示",
               text=f"张三 {VALID} 13812345678 认真布署，城区\n")
    results = {rid: audit.by_subject(rid)[url] for rid in ("privacy.id_number", "privacy.phone_number",
                                                          "content.typo")}
    assert all(r.status == "fail" for r in results.values())
    for r in results.values():
        shown = str(r.evidence) + r.reason
        assert VALID not in shown and "13812345678" not in shown and "1234567" not in shown, r.rule
    assert "138****5678" in results["privacy.id_number"].evidence["hits"][0]["snippet"]
    assert "3301**********1236" in results["privacy.phone_number"].evidence["hits"][0]["snippet"]


def test_a_partly_read_attachment_without_a_hit_is_unknown(audit) -> None:
    doc = H + "tzgg/202407/t20240731_1.html"
    audit.page(doc, "article", title="2024年低保对象名单公示", text="名单见附件。")
    rows = {"cut.xlsx": ("姓名\t身份证号\n李四\t3301**********1236", True),
            "cut_leak.xlsx": (f"姓名\t身份证号\n李四\t{VALID}", True),
            "whole.xlsx": ("姓名\t身份证号\n李四\t3301**********1236", False)}
    for name, (text, truncated) in rows.items():
        audit.store.save_attachment(audit.audit_id, {"site": audit.site, "document_url": doc, "url": H + name,
                                                     "link_text": "低保名单.xlsx", "outcome": "ok", "text": text,
                                                     "truncated": truncated})
    for rule in ("privacy.id_number", "privacy.phone_number", "content.typo", "content.severe_error"):
        results = audit.by_subject(rule)
        cut = results[H + "cut.xlsx"]
        assert cut.status == "unknown" and cut.reason.startswith("仅读取前") and cut.evidence["truncated"], rule
        assert results[H + "whole.xlsx"].status == "pass", rule
    assert audit.by_subject("privacy.id_number")[H + "cut_leak.xlsx"].status == "fail"


def test_numbers_labelled_as_codes_are_no_id_numbers(audit) -> None:
    """An 18-digit 施工许可证编号 / 项目代码 can pass the check digit: its label says what it is."""
    page, sheet, person = H + "zdxm/202407/t20240701_1.html", H + "files/xuke.xlsx", H + "files/renyuan.xlsx"
    audit.page(page, "article", title="2024年6月施工许可证发放公示",
               text=f"施工许可证编号：{VALID}\n项目代码 {VALID_X}\n")
    audit.store.save_attachment(audit.audit_id, {"site": audit.site, "document_url": page, "url": sheet,
                                                 "link_text": "许可证名单.xlsx", "outcome": "ok",
                                                 "text": f"[Sheet1]\n序号\t工程名称\t施工许可证号\n1\t某小区\t{VALID}"})
    audit.store.save_attachment(audit.audit_id, {"site": audit.site, "document_url": page, "url": person,
                                                 "link_text": "人员名单.xlsx", "outcome": "ok",
                                                 "text": f"[Sheet1]\n编号\t姓名\t身份证号\n1\t张三\t{VALID}\n"
                                                         f"编号：7 姓名：李四 身份证号：{VALID_X}"})
    results = audit.by_subject("privacy.id_number")
    assert results[page].status == "pass" and results[page].evidence["not_id"][0]["context"] == "施工许可证编号："
    assert [x["label"] for x in results[page].evidence["not_id"]] == ["编号", "项目代码"]
    assert results[sheet].status == "pass" and results[sheet].evidence["not_id"][0]["label"] == "证号"
    assert results[sheet].evidence["not_id"][0]["context"] == "施工许可证号"
    assert results[person].status == "fail" and results[person].evidence["count"] == 2    # 身份证号 header wins


def test_a_mobile_after_a_masked_id_on_the_same_row_is_found(audit) -> None:
    url = H + "tzgg/202407/t20240801_1.html"
    audit.page(url, "article", title="2024年公益性岗位拟聘用人员公示",
               text="3　王建国　男　身份证号5304**********0048　13812345678\n")
    [hit] = audit.by_subject("privacy.phone_number")[url].evidence["hits"]
    assert hit["number_masked"] == "138****5678"


def test_every_result_evidence_is_plain_json_with_numbers_masked_but_urls_kept() -> None:
    """checks.base.result: dates become ISO text, tuples and sets lists, keys text; every string
    masked (a str subclass too) except URLs — nested at any depth."""
    from datetime import date, datetime

    from gongkai.checks.base import result
    from gongkai.checks.rules import Rule
    from gongkai.checks.view import SiteInfo

    class Quoted(str):
        pass

    site = SiteInfo(site="s", name="s", home="http://s.gov.cn/", kind="department", region=None, dialect=None,
                    origins=())
    rule = Rule.model_validate({"id": "x.y", "kind": "spam_injection", "title": "t", "severity": "low",
                                "message": "m", "source": [{"doc": "d", "clause": "c", "status": "official"}]})
    got = result(site, rule, "", "fail", f"见{VALID}", snippets=[{"text": Quoted(f"手机13812345678，{VALID}")}],
                 at=(date(2024, 7, 1), datetime(2024, 7, 1, 8, 30)), seen={1: {"13812345678"}},
                 url="http://s.gov.cn/13812345678.html", count=3, ok=True, none=None)
    masked = redact(VALID)
    assert got.reason == f"见{masked}" and got.subject == "http://s.gov.cn/"
    assert got.evidence == {"snippets": [{"text": f"手机138****5678，{masked}"}], "at": ["2024-07-01", "2024-07-01T08:30:00"],
                            "seen": {"1": ["138****5678"]}, "url": "http://s.gov.cn/13812345678.html",
                            "count": 3, "ok": True, "none": None}
    assert type(got.evidence["snippets"][0]["text"]) is str


def test_texts_shorter_than_any_match_are_left_as_they_are() -> None:
    """redact skips texts under SHORTEST characters: no ID or mobile pattern can match one."""
    from re import _parser

    from gongkai import redact as r

    shortest = min(_parser.parse(p.pattern, p.flags).getwidth()[0] for p in (r.ID_NUMBER, r.MOBILE))
    assert shortest >= r.SHORTEST
    assert r.redact("13812345678") == "138****5678" and len("13812345678") == r.SHORTEST


def test_texts_without_a_run_of_eight_digits_are_left_as_they_are() -> None:
    """redact skips texts without a run of eight digits (one separator allowed): every match of
    either pattern holds one — checked on the numbers of both shapes and on random texts made of
    digits, separators, letters and Chinese, where any match found must pass the gate too."""
    import random
    from collections import Counter

    from gongkai import redact as r

    shapes = ["13812345678", "+86 138-1234-5678", "86-138 1234 5678", "138 1234 5678",
              "11010519491231002X", "110105194912310028", "号码：138-1234 5678。"]
    for text in shapes:
        assert r.ID_NUMBER.search(text) or r.MOBILE.search(text)
        assert r._DIGIT_RUN.search(text) and r.redact(text) != text
    rng, found = random.Random(11), Counter()
    pieces = ["-", " ", "--", "+86", "86", "x", "X", "a", "号", "1", "13", "138", "1381234", "5678"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) if rng.random() < 0.4 else str(rng.randrange(10 ** rng.randint(1, 18)))
                       for _ in range(rng.randint(2, 7)))
        hits = [p.pattern for p in (r.ID_NUMBER, r.MOBILE) if p.search(text)]
        found.update(hits)
        if hits:
            assert r._DIGIT_RUN.search(text), text
    assert min(found[r.ID_NUMBER.pattern], found[r.MOBILE.pattern]) > 50   # both shapes were met often
    assert r.redact("基准政发〔2024〕14号 2024-06-17 第0-3-13项") == "基准政发〔2024〕14号 2024-06-17 第0-3-13项"
