"""Spam injection: dense spam runs, phrase patterns, anchors, scripts and cloaking; crackdown news is not spam."""

from __future__ import annotations

import re

from gongkai.checks.spam import _gate, judge_text, script_text, vocabulary
from tests.paths import NOTICES

H = "http://www.dl.gov.cn/"
NOTICE_001 = NOTICES / "001_ba8a9e982fed0093.txt"
SPAM_LINE = "{蜜色影院}-精品国产精品国产自在久国产,大胸护士,高清无码免费中文字幕,欧美一级片在线观看,国产精品日韩,久久久国产亚洲精品播放"
CRACKDOWN = ("为严厉打击赌博违法犯罪活动，市公安局近日开展专项行动，共查处网络赌博案件12起，其中涉及“六合彩”“百家乐”"
             "等网络赌博平台。警方提醒广大市民远离赌博，发现澳门博彩网站广告可拨打110举报。")
SCRAP = "扫黄打非办公室通报：查处一批传播色情、无码视频的网站，其中包括所谓“成人影院”，已依法取缔。"


def test_text_judgement() -> None:
    assert judge_text(SPAM_LINE) is not None
    if NOTICE_001.exists():   # the real notice: spam in its first line, government text after
        first, _, rest = NOTICE_001.read_text(encoding="utf-8").partition("\n")
        assert judge_text(first) is not None
        assert judge_text(rest[:5000]) is None
    assert judge_text(CRACKDOWN) is None
    assert judge_text(SCRAP) is None
    assert judge_text("推动国产精品走向世界，成人教育招生工作启动，久久为功。") is None
    assert judge_text("澳门威尼斯人官网注册就送88元") is not None
    assert judge_text("遼寧省人民政府辦公廳關于印發實施方案的通知") is None


def test_each_phrase_pattern_still_fires_behind_its_gate() -> None:
    """A pattern is searched only in texts holding its required literal; every pattern still finds
    what it finds, in any letter case, after whatever optional group begins it."""
    for text, phrase in (("免费无码在线观看", "免费无码在线"), ("高清无码视频", "高清无码视频"), ("无码 电影", "无码 电影"), ("无码播放", None),
                         ("AV在线观看", "av在线"), ("首存送 100元", "首存送 100"), ("注册即送88", "注册即送88"),
                         ("{蜜色影院}", "{蜜色影院}"), ("澳门葡京娱乐", "澳门葡京娱乐"), ("欧美一级", "欧美一级"),
                         ("打击免费无码视频传播", None), ("ſav在线", None)):
        found = judge_text(text)
        assert (found[0] if found else None) == (f"垃圾信息短语“{phrase}”" if phrase else None), text


def test_gate_is_a_literal_every_match_holds() -> None:
    assert _gate(re.compile("(高清|免费)?无码.{0,6}(视频|在线)", re.I)).pattern == "无码"
    assert _gate(re.compile("(注册|开户)(就|即)?送\\s*\\d+", re.I)).pattern == "送"
    assert _gate(re.compile("欧美一级|国产自拍", re.I)) is None          # no literal outside the alternation
    assert _gate(re.compile("(成人|色情)(影院|视频)", re.I)) is None
    av = _gate(re.compile("(?<![a-z])av(女优|在线)", re.I))
    assert av.pattern == "av" and av.search("AV") and av.flags & re.I   # the pattern's flags
    voc = vocabulary()
    for pattern, gate in zip(voc.patterns, voc.gates, strict=True):
        for m in pattern.finditer("澳门新葡京娱乐 六合彩开奖 网上赌场 首存送 100 免费无码视频 欧美一级 {x影院} 成人影院 av女优"):
            assert gate is None or gate.search(m.group(0)), pattern.pattern


def test_script_text_decodes_unescape() -> None:
    encoded = "".join(f"%u{ord(c):04X}" for c in "澳门葡京娱乐官网")
    html = f"<script>document.write(unescape('{encoded}'));</script>"
    assert "澳门葡京娱乐官网" in script_text(html)


def test_spam_rule_on_pages(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", text="政务动态 通知公告 " + CRACKDOWN)
    audit.page(H, "home", variant="baiduspider", title="澳门新葡京娱乐场_百家乐官网", text="澳门新葡京娱乐场 百家乐 时时彩开奖 首存送100")
    audit.page(H + "zwdt/202407/t20240710_1.html", "article", title=SPAM_LINE, text="正文")
    audit.page(H + "zwdt/202407/t20240711_2.html", "article", title="我市开展打击赌博专项行动", text=CRACKDOWN)
    audit.page(H + "zwdt/202407/t20240712_3.html", "article", title="新闻", text="正文",
               links=[{"target": "http://www.3344av.com/", "text": "免费观看高清无码"}])
    audit.page(H + "zwdt/202407/t20240713_4.html", "article", title="新闻", text="正文", identity={
        "footer_text": "主办：大连市人民政府办公室 网站标识码：2102000001 澳门博彩官网 六合彩开奖资料"})
    results = audit.by_subject("content.spam_injection")
    home = results[H]
    assert home.status == "fail" and home.evidence["cloaking"] is True
    assert results[H + "zwdt/202407/t20240710_1.html"].status == "fail"
    assert results[H + "zwdt/202407/t20240711_2.html"].status == "pass"
    assert results[H + "zwdt/202407/t20240712_3.html"].status == "fail"
    assert results[H + "zwdt/202407/t20240713_4.html"].status == "fail"
    assert audit.rules["content.spam_injection"].veto


def test_a_page_cut_at_the_text_bound_is_unknown_not_clean(audit) -> None:
    """Spam injected past the stored part of a huge page cannot be ruled out."""
    from gongkai.store import MAX_PAGE_TEXT

    audit.page(H, "home", title="大连市人民政府", text="政务公开" * (MAX_PAGE_TEXT // 4))
    [res] = audit.run("content.spam_injection")
    assert res.status == "unknown" and res.evidence["truncated"] is True and "其余未读取" in res.reason


def test_a_blocked_spider_fetch_is_not_called_checked(audit) -> None:
    """The copy shown to Baiduspider got a 412: the page passes on what a visitor sees, and says
    the cloaking check could not be made."""
    audit.page(H, "home", title="大连市人民政府", text="政务公开")
    audit.page(H, "home", variant="baiduspider", title="", text="", outcome="blocked", status=412)
    [res] = audit.run("content.spam_injection")
    assert res.status == "pass"
    assert res.evidence["spider_checked"] is False and res.evidence["spider_outcome"] == "blocked"
