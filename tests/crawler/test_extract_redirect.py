import pytest

from gongkai.crawler.extract.redirect import script_redirect
from tests.paths import CORPUS_PAGES


@pytest.mark.parametrize(("name", "url", "expected"), [
    ("045_12333sh_redirect_home.html", "http://www.12333sh.gov.cn/", "http://www.12333sh.gov.cn/201712333/index.shtml"),
    ("046_bjgtj_hanweb_redirect_home.html", "http://www.bjgtj.gov.cn/", "http://www.bjgtj.gov.cn/col/col3664/index.html"),
    ("047_bjsat_redirect_home.html", "http://www.bjsat.gov.cn/", "http://www.bjsat.gov.cn/bjsat/"),
    ("044_bnpo_splash_home.html", "http://bnpo.gov.cn/", "http://bnpo.gov.cn/index"),
])
def test_real_redirect_stubs(name, url, expected):
    html = (CORPUS_PAGES / name).read_text(encoding="utf-8")
    assert script_redirect(html, url) == expected


@pytest.mark.parametrize("name", ["038_yichun_portal_home.html", "048_govcn_portal_home_2018.html",
                                  "042_bjchy_district_home.html"])
def test_real_home_pages_are_not_stubs(name):
    html = (CORPUS_PAGES / name).read_text(encoding="utf-8")
    assert script_redirect(html, "http://www.example.gov.cn/") is None


def test_script_is_read_never_run():
    html = "<script>location.href = compute() + '/x.html'; location.replace('javascript:alert(1)')</script>"
    assert script_redirect(html, "http://a.gov.cn/") is None
