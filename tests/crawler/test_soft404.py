from gongkai.crawler.soft404 import is_soft404

NAV = "\n".join(["首页", "政务公开", "政策文件", "政策解读", "通知公告", "互动交流", "办事服务", "网站地图"] * 20)
FOOTER = "主办：江川市人民政府办公室\n网站标识码：5304210001\n滇ICP备05001234号\n滇公网安备 53042102000123号"
TEMPLATE = {line for line in (NAV + "\n" + FOOTER).splitlines()}
NOT_FOUND = f"{NAV}\n对不起，您访问的页面不存在或已被删除！\n请检查网址是否正确，或返回首页继续浏览。\n{FOOTER}"


def test_short_real_notice_in_the_template_is_not_a_soft_404():
    notice = f"{NAV}\n关于李振国同志任职的通知\n发布日期：2024-05-10\n经研究，决定任命李振国同志为江川市财政局局长。\n{FOOTER}"
    assert is_soft404(notice, "关于李振国同志任职的通知", NOT_FOUND, TEMPLATE) is None


def test_the_not_found_page_under_another_url_is_a_soft_404():
    again = NOT_FOUND.replace("请检查网址是否正确", "请检查网址是否正确")
    assert is_soft404(again, "江川市人民政府", NOT_FOUND, TEMPLATE)


def test_not_found_words_in_a_short_remainder_without_a_learnt_page():
    page = f"{NAV}\n信息不存在或已撤销\n{FOOTER}"
    assert is_soft404(page, "提示", None, TEMPLATE)


def test_a_long_article_mentioning_404_is_not_a_soft_404():
    article = NAV + "\n" + "本站将对页面不存在等问题开展专项整治。" + "整治内容包括链接可用性。" * 100 + "\n" + FOOTER
    assert is_soft404(article, "关于开展网站专项整治的通知", NOT_FOUND, TEMPLATE) is None


def test_home_page_as_the_learnt_page_flags_nothing_by_similarity():
    home = f"{NAV}\n{FOOTER}"
    assert is_soft404(home, "江川市人民政府", home, TEMPLATE) is None
