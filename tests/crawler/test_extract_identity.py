"""footer_identity: 网站标识码, ICP/公安备案 and the 党政机关 badge, read from the footer."""

from __future__ import annotations

import pytest

from gongkai.crawler.extract.identity import footer_identity
from tests.paths import CORPUS_PAGES as CORPUS


def _corpus(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize(("name", "site_code", "icp", "psb"), [
    ("038_yichun_portal_home.html", "3609000002", "赣ICP备06000141号", "赣公网安备 36090202000004号"),
    ("036_moe_trs_xxgk_clone.html", "bm05000001", "京ICP备10028400号-1", "京公网安备11010202007625号"),
    ("037_ordos_egb_trs_nianbao_list.html", "1506000140", "蒙ICP备13001412号-2", "蒙公网安备 15062102000168号"),
    ("035_zjfgw_hanweb_article.html", "3300000020", "浙ICP备05018911号", "浙公网安备 33010602009328号"),
    ("034_shanxi_trs_article.html", "1400000045", "晋ICP备12000773号", "晋公网安备 14010502050691号"),
])
def test_corpus_footers(name: str, site_code: str, icp: str, psb: str) -> None:
    got = footer_identity(_corpus(name))
    assert (got["site_code"], got["icp"], got["psb"], got["conac"]) == (site_code, icp, psb, True)
    assert icp in got["footer_text"]
    assert len(got["footer_text"]) <= 2000


@pytest.mark.parametrize("name", ["042_bjchy_district_home.html", "048_govcn_portal_home_2018.html",
                                  "045_12333sh_redirect_home.html", "047_bjsat_redirect_home.html"])
def test_footer_injected_by_script_or_absent_gives_nothing(name: str) -> None:
    got = footer_identity(_corpus(name))
    assert (got["site_code"], got["icp"], got["psb"], got["conac"]) == (None, None, None, False)


@pytest.mark.parametrize(("name", "how", "src"), [
    ("042_bjchy_district_home.html", "script", "/resource/js/home_bottom.js"),
    ("048_govcn_portal_home_2018.html", "iframe", "/2016public/bottom.htm"),
])
def test_footer_loaded_by_script_or_frame_is_recorded(name: str, how: str, src: str) -> None:
    assert footer_identity(_corpus(name))["footer_loaded_by"] == {"how": how, "src": src}


@pytest.mark.parametrize("markup", [
    '<script src="/js/jquery.min.js"></script><script src="/js/botany.js"></script>',
    '<iframe src="http://www.gov.cn/zhuanti/zhaopin.html"></iframe>',
    '<div class="footer">网站标识码：2102000001</div>'])
def test_other_scripts_and_frames_load_no_footer(markup: str) -> None:
    assert footer_identity(f"<html><body>{markup}</body></html>")["footer_loaded_by"] is None


def test_footer_region_wins_over_body_mentions() -> None:
    html = """<html><body><div class="content"><p>网站标识码：1111111111 是示例，京ICP备00000001号也是。</p></div>
<div id="bottom"><p>政府网站标识码：5304210001</p><p>滇ICP备05001234号-2 滇公网安备 53042102000123号</p>
<script id="_ideConac" src="http://dcs.conac.cn/js/x.js"></script></div></body></html>"""
    got = footer_identity(html)
    assert got["site_code"] == "5304210001"
    assert got["icp"] == "滇ICP备05001234号-2"
    assert got["psb"] == "滇公网安备 53042102000123号"
    assert got["conac"] is True


def test_without_a_marked_footer_the_whole_text_is_searched() -> None:
    html = "<html><body><p>新闻</p><table><tr><td>網站標識碼：BM12000001 京ICP備05060933號</td></tr></table></body></html>"
    got = footer_identity(html)
    assert got["site_code"] == "bm12000001"
    assert got["icp"] == "京ICP備05060933號"
    assert got["conac"] is False


@pytest.mark.parametrize("markup", [
    '<span id="_ideConac"></span>',
    '<img src="/images/dzjg.png">',
    '<img src="http://www.scopsr.gov.cn/images/red.png">',
    '<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="/r.png"></a>',
])
def test_conac_badge_forms(markup: str) -> None:
    assert footer_identity(f'<div class="footer">{markup}</div>')["conac"] is True


def test_malformed_codes_are_not_identity() -> None:
    got = footer_identity('<div class="footer">网站标识码：12345 ICP备123号 公网安备</div>')
    assert (got["site_code"], got["icp"], got["psb"]) == (None, None, None)


@pytest.mark.parametrize(("name", "icp_link", "sponsor", "contact"), [
    ("038_yichun_portal_home.html", "https://beian.miit.gov.cn/", "宜春市人民政府", "page"),
    ("036_moe_trs_xxgk_clone.html", "https://beian.miit.gov.cn/", "中华人民共和国教育部", "page"),
    ("037_ordos_egb_trs_nianbao_list.html", "http://www.beian.miit.gov.cn/", "鄂尔多斯市恩格贝生态示范区管委会", "phone"),
    ("035_zjfgw_hanweb_article.html", "http://beian.miit.gov.cn/", "中国·浙江省发展和改革委员会", "page"),
])
def test_corpus_complete_footers(name: str, icp_link: str, sponsor: str, contact: str) -> None:
    """Real footers that show every element, each with its certifying link."""
    got = footer_identity(_corpus(name))
    assert got["icp_link"] == icp_link and got["sponsor"] == sponsor and got["contact"][contact]
    assert "beian.gov.cn/portal/registerSystemInfo" in got["psb_link"]
    assert "bszs.conac.cn/sitename?method=show" in got["conac_link"]


def test_corpus_ordos_contact_details() -> None:
    got = footer_identity(_corpus("037_ordos_egb_trs_nianbao_list.html"))
    assert got["contact"] == {"phone": "0477-2258659", "email": "egb@ordos.gov.cn", "address": None,
                              "page": "../../dbdh/lxwm/"}


def test_corpus_shanxi_icp_number_without_its_link() -> None:
    """山西: the ICP number is an ``<a>`` with no href — shown, but not linked to the MIIT system."""
    got = footer_identity(_corpus("034_shanxi_trs_article.html"))
    assert got["icp"] == "晋ICP备12000773号" and got["icp_link"] is None
    assert got["sponsor"] == "山西省人民政府办公厅" and got["sponsor_label"] == "主办"


def test_sponsor_and_contact_only_from_the_footer() -> None:
    html = """<html><body><div class="content"><p>主办单位：市体育局</p><p>报名电话：0411-88889999</p>
<p>联系地址：人民路1号</p></div>
<div class="footer"><p>大连市人民政府办公室 版权所有</p><p>网站标识码：2102000001</p>
<p>技术支持：0411-12345678</p></div></body></html>"""
    got = footer_identity(html)
    assert got["sponsor"] == "大连市人民政府办公室" and got["sponsor_label"] == "版权所有"
    assert got["contact"] == {"phone": None, "email": None, "address": None, "page": None}  # an unlabelled number is no 电话


def test_conac_script_is_the_certificate_link() -> None:
    html = ('<div id="footer"><span id="_ideConac"></span>'
            '<script src="https://dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710001.js"></script>'
            '<a href="http://www.beian.miit.gov.cn.evil.com/">浙ICP备05018911号</a></div>')
    got = footer_identity(html)
    assert got["conac"] and got["conac_link"].startswith("https://dcs.conac.cn/js/")
    assert got["icp_link"] is None          # a look-alike host is not the MIIT system
    plain = footer_identity('<div class="footer"><img src="/images/red.png" alt="党政机关"><span id="_ideConac"></span></div>')
    assert plain["conac"] and plain["conac_link"] is None


@pytest.mark.parametrize(("footer", "sponsor", "label"), [
    ("Copyright © 2003-2024 版权所有", None, None),
    ("All Rights Reserved 版权所有", None, None),
    ("技术支持：XX科技有限公司 版权所有", None, None),
    ("技术支持：大连某某科技有限公司版权所有", None, None),
    ("本网站由大连市人民政府办公室主办", "大连市人民政府办公室", "主办"),
    ("技术支持：大连某某科技有限公司 版权所有：大连市人民政府", "大连市人民政府", "版权所有"),
    ("Copyright © 2024 大连市西岗区人民政府 版权所有", "大连市西岗区人民政府", "版权所有"),
])
def test_sponsor_is_an_organisation_not_a_year_word_or_vendor(footer: str, sponsor: str | None,
                                                              label: str | None) -> None:
    got = footer_identity(f'<div class="footer"><p>{footer}</p></div>')
    assert (got["sponsor"], got["sponsor_label"]) == (sponsor, label)
