"""generic_town — 江川市青松镇人民政府: generic ``list.shtml`` columns, a hacked footer, a cloaked home.

Soft 404s, a redirect loop, gambling links hidden in the footer and a spam home page served only
to Baiduspider (see ``_site.yaml``).  互动交流 and 办事服务 (issue 12): a 镇长信箱 whose messages were
answered in time, late and never; a 网上咨询 that publishes questions only; a 网上信访 link that is no
咨询建言 channel; 办事指南 pages complete (设定依据 printed as 法律依据) and not.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .shared import Doc, E, d, newest_first, paragraphs, write, write_manifest, write_pages

TOWN_NAME = "江川市青松镇人民政府"
TOWN_COLUMNS = {"/xwdt/": "乡镇动态", "/tzgg/": "通知公告", "/xxgknb/": "政府信息公开年报"}
TOWN_PER_PAGE = 6
SPAM_HOST = "http://www.88xpj-vip.invalid/"
TOWN_SPAM_FOOTER = f"""<div class="yqlj">友情链接：<a href="/">青松镇人民政府</a>　<a href="{SPAM_HOST}">澳门新葡京娱乐场</a>　<a href="{SPAM_HOST}bjl/">真人百家乐</a>　<a href="{SPAM_HOST}ty/">线上赌场 体育投注</a></div>
<div style="position:absolute;left:-9999px;top:-9999px;">
<a href="{SPAM_HOST}">澳门威尼斯人</a><a href="{SPAM_HOST}app/">pg电子娱乐</a><a href="{SPAM_HOST}cp/">时时彩投注平台</a><a href="{SPAM_HOST}ag/">AG真人视讯</a>
</div>
"""


def town_docs() -> list[Doc]:
    news = [("青松镇召开防汛工作部署会", "2024-07-30"), ("青松镇开展夏季农村人居环境整治", "2024-07-19"),
            ("青松镇组织开展禁毒宣传进村社活动", "2024-07-08"), ("青松镇召开上半年工作总结会", "2024-06-28"),
            ("青松镇开展“安全生产月”宣传活动", "2024-06-12"), ("青松镇推进高标准农田建设", "2024-05-23"),
            ("青松镇组织开展森林防火演练", "2024-04-16"), ("青松镇召开2024年春耕生产工作会", "2024-03-08"),
            ("青松镇开展春节慰问困难群众活动", "2024-02-06"), ("青松镇召开2023年度工作总结大会", "2024-01-12")]
    docs = [Doc(f"x{i}", "/xwdt/", t, d(p), publisher="青松镇党政办", body=[t + "。"]) for i, (t, p) in enumerate(news)]
    notices = [("青松镇2024年春季征兵公告", "2024-03-05"), ("青松镇关于2024年农村低保对象评审结果的公示", "2024-01-22"),
               ("青松镇关于2023年度财政衔接资金项目计划的公示", "2023-11-14")]
    docs += [Doc(f"y{i}", "/tzgg/", t, d(p), publisher="青松镇党政办", body=[t + "。"]) for i, (t, p) in enumerate(notices)]
    docs += [Doc("nb2022", "/xxgknb/", "青松镇人民政府2022年政府信息公开工作年度报告", d("2023-01-16"), publisher="青松镇人民政府",
                 body=["根据《中华人民共和国政府信息公开条例》，编制本报告。"]),
             Doc("nb2021", "/xxgknb/", "青松镇人民政府2021年政府信息公开工作年度报告", d("2022-01-20"), publisher="青松镇人民政府",
                 body=["根据《中华人民共和国政府信息公开条例》，编制本报告。"])]
    return docs


def town_head(title: str) -> str:
    nav = "".join(f'<li><a href="{p}list.shtml">{n}</a></li>' for p, n in TOWN_COLUMNS.items())
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{E(title)}</title>
<link rel="stylesheet" href="/css/style.css">
</head>
<body>
<div class="header"><h1>江川市青松镇人民政府</h1></div>
<div class="menu"><ul>
<li><a href="/index.html">首页</a></li>{nav}
<li><a href="/ldxx/list.shtml">镇长信箱</a></li><li><a href="/wszx/list.shtml">网上咨询</a></li>
<li><a href="/bsfw/list.shtml">办事指南</a></li><li><a href="/xfbl/index.shtml">网上信访</a></li>
<li class="dropdown"><a href="/jgsz/index.shtml">机构设置</a>
  <ul class="submenu" style="display:none"><li><a href="/xwdt/list.shtml">镇情概况</a></li><li><a href="/tzgg/list.shtml">公示公告</a></li></ul></li>
<li><a href="/loop-a.html">网上办事</a></li>
</ul></div>
"""


TOWN_FOOTER = ('<div class="footer">\n<p>主办：江川市青松镇人民政府　地址：江川市青松镇青松街18号　电话：0877-8099001</p>\n'
               '<p>滇ICP备05009999号-5</p>\n' + TOWN_SPAM_FOOTER + "</div>\n</body>\n</html>\n")


def town_date(day: date, style: int) -> str:
    return (f"{day:%Y-%m-%d}", f"{day.year}/{day.month}/{day.day}", f"{day:%Y年%m月%d日}")[style % 3]


def town_list_nav(column: str, n: int, pages: int, total: int) -> str:
    """``共N条　第n/m页`` then 首页/上一页/下一页/尾页 links as they apply."""
    nav = [f"共{total}条　第{n}/{pages}页"]
    if n > 1:
        nav += [f'<a href="{column}list.shtml">首页</a>',
                f'<a href="{column}{"list" if n == 2 else f"list_{n - 1}"}.shtml">上一页</a>']
    if n < pages:
        nav += [f'<a href="{column}list_{n + 1}.shtml">下一页</a>', f'<a href="{column}list_{pages}.shtml">尾页</a>']
    return "　".join(nav)


def town_list_pages(column: str, docs: list[Doc]) -> dict[str, str]:
    """A column's ``list.shtml``, ``list_2.shtml``, …; each row's date in one of three styles."""
    name = TOWN_COLUMNS[column]
    pages = [docs[i:i + TOWN_PER_PAGE] for i in range(0, len(docs), TOWN_PER_PAGE)] or [[]]
    out = {}
    for n, chunk in enumerate(pages, 1):
        rel = f"{column}list.shtml" if n == 1 else f"{column}list_{n}.shtml"
        rows = "".join(f'<li><a href="{x.url}" target="_blank">{E(x.title)}</a>'
                       f'<span class="time">{town_date(x.pub, i)}</span></li>\n' for i, x in enumerate(chunk))
        out[rel] = (town_head(f"{name}-江川市青松镇人民政府")
                    + f'<div class="main"><div class="lmmc">{name}</div>\n<ul class="list">\n{rows}</ul>\n'
                    + f'<div class="pagination">{town_list_nav(column, n, len(pages), len(docs))}</div></div>\n'
                    + TOWN_FOOTER)
    return out


def town_article(doc: Doc) -> str:
    return (town_head(f"{doc.title}-江川市青松镇人民政府")
            + f'<div class="main"><h2 class="art-title">{E(doc.title)}</h2>\n'
            + f'<div class="art-info">发布时间：{doc.pub:%Y-%m-%d} 10:12　来源：{E(doc.publisher)}</div>\n'
            + f'<div class="art-content">\n{paragraphs(doc, indent="")}</div></div>\n' + TOWN_FOOTER)


def town_home(latest: list[Doc]) -> str:
    news = "".join(f'<li><a href="{x.url}">{E(x.title)}</a><span>{x.pub:%Y-%m-%d}</span></li>\n'
                   for x in latest if x.column == "/xwdt/")
    notices = "".join(f'<li><a href="{x.url}">{E(x.title)}</a></li>' for x in latest if x.column == "/tzgg/")
    return town_head("江川市青松镇人民政府") + f"""<div class="main">
<div class="box"><h3><a href="/xwdt/list.shtml">乡镇动态</a></h3><ul>
{news}</ul></div>
<div class="box"><h3><a href="/tzgg/list.shtml">通知公告</a></h3><ul>
{notices}
</ul></div>
<div class="box"><h3>政务公开</h3><ul><li><a href="/xxgknb/list.shtml">政府信息公开年报</a></li></ul></div>
</div>
""" + TOWN_FOOTER


TOWN_SPIDER_INDEX = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>澳门新葡京_百家乐_线上赌场官网-江川市青松镇人民政府</title>
<meta name="keywords" content="澳门新葡京,真人百家乐,线上赌场,体育投注,时时彩">
<meta name="description" content="澳门新葡京娱乐场官方网站，提供真人百家乐、体育投注、电子游艺，注册即送彩金。">
</head>
<body>
<h1>澳门新葡京娱乐场 - 真人百家乐 线上赌场</h1>
<p>注册即送88元彩金，百家乐、龙虎斗、体育投注，提款秒到账。</p>
<ul><li><a href="http://www.88xpj-vip.invalid/">澳门新葡京官网</a></li><li><a href="/index.html">江川市青松镇人民政府</a></li></ul>
</body>
</html>
"""
TOWN_404 = ('<div class="main"><div class="tip">您访问的页面不存在，可能已被删除或地址有误。</div>'
            '<p><a href="/index.html">返回首页</a></p></div>\n')
TOWN_SITE_YAML = """# 江川市青松镇人民政府 (generic lists).  Keys: see gongkai/demo/server.py.
not_found: soft
redirect_loop: ["/loop-a.html", "/loop-b.html"]
user_agent:
  Baiduspider: {"/index.html": "_spider_index.html"}
"""


# -- 互动交流: (key, title, asked, replied or None, status) ------------------------------------------
MAILBOX = [
    ("m1", "青松街路灯损坏何时修复", "2024-07-01", "2024-07-05", "已回复"),
    ("m2", "村道硬化工程进度咨询", "2024-04-30", "2024-05-16", "已回复"),     # the 10th working day: on time
    ("m3", "低保申请条件咨询", "2024-06-03", "2024-06-25", "已回复"),         # due 06-18 (端午 06-10): late
    ("m4", "集市占道经营问题", "2024-03-11", None, "未回复"),                  # > 3 months unanswered: veto
    ("m5", "自来水水压不足", "2024-02-05", "2024-06-20", "已回复"),           # answered after 3 months: veto
    ("m6", "关于增设公交站点的建议", "2024-07-29", None, "办理中"),             # not yet due at as_of
    ("m7", "老旧小区改造咨询", "2023-05-10", None, "未回复"),                  # older than 12 months
]
QUESTIONS = [("w1", "咨询新生入学报名时间", "2024-07-30"), ("w2", "咨询农机购置补贴申请", "2024-07-31")]
MESSAGE_COLUMNS = {"/ldxx/": "镇长信箱", "/wszx/": "网上咨询"}


def message_page(column: str, title: str, asked: str, replied: str | None, status: str | None) -> str:
    """A message: the question block, then the reply block (or only the state, or nothing)."""
    reply = ""
    if replied:
        reply = (f'<div class="reply"><p>办理状态：{status}</p><p>回复单位：青松镇党政办</p><p>回复时间：{replied}</p>'
                 '<p>回复内容：您好，您反映的问题已交相关办公室办理，感谢您的关注。</p></div>\n')
    elif status:
        reply = f'<div class="reply"><p>办理状态：{status}</p></div>\n'
    return (town_head(f"{title}-{MESSAGE_COLUMNS[column]}-江川市青松镇人民政府")
            + f'<div class="main"><div class="question"><p>留言标题：{E(title)}</p><p>留言时间：{asked}</p>'
            + '<p>留言内容：请镇政府关注并答复。</p></div>\n' + reply + "</div>\n" + TOWN_FOOTER)


def message_list(column: str, rows: list[tuple[str, str, str, str | None, str | None]]) -> str:
    """标题 | 留言时间 | 回复时间 | 状态 (the 网上咨询 list shows only 标题 | 咨询时间)."""
    full = any(status for *_, status in rows)
    head = "<tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>" if full else \
        "<tr><th>标题</th><th>咨询时间</th></tr>"
    body = "".join(f'<tr><td><a href="{column}{key}.shtml">{E(title)}</a></td><td>{asked}</td>'
                   + (f"<td>{replied or ''}</td><td>{status}</td>" if full else "") + "</tr>\n"
                   for key, title, asked, replied, status in rows)
    name = MESSAGE_COLUMNS[column]
    return (town_head(f"{name}-江川市青松镇人民政府") + f'<div class="main"><div class="lmmc">{name}</div>\n'
            + f'<table class="list">{head}\n{body}</table></div>\n' + TOWN_FOOTER)


def write_messages(root: Path) -> None:
    columns = {"/ldxx/": list(MAILBOX), "/wszx/": [(k, t, a, None, None) for k, t, a in QUESTIONS]}
    for column, rows in columns.items():
        write(root, f"{column}list.shtml", message_list(column, rows))
        for key, title, asked, replied, status in rows:
            write(root, f"{column}{key}.shtml", message_page(column, title, asked, replied, status))
    write(root, "/xfbl/index.shtml", town_head("网上信访-江川市青松镇人民政府")
          + '<div class="main"><p>网上信访请登录省网上信访信息系统。</p></div>\n' + TOWN_FOOTER)


# -- 办事服务: (key, title, date, element rows); 设定依据 is printed as 法律依据 ---------------------------
GUIDES = [
    ("g1", "农村宅基地建房审批办事指南", "2024-05-20", [
        ("事项名称", "农村宅基地建房审批"), ("法律依据", "《中华人民共和国土地管理法》第六十二条"),
        ("申请条件", "本集体经济组织成员，符合一户一宅"), ("办理材料", "申请表、身份证、户口簿"),
        ("办理地点", "青松镇便民服务中心2号窗口"), ("办理时间", "工作日上午9:00-12:00，下午14:00-17:30"),
        ("咨询电话", "0877-8099012"), ("办理流程", "申请—村级审查—镇级审核—批准—发证")]),
    ("g2", "城乡居民最低生活保障申请办事指南", "2024-04-12", [   # lacks 办理时间, 咨询方式 and 办理流程
        ("事项名称", "最低生活保障申请"), ("设定依据", "《社会救助暂行办法》第九条"),
        ("申请条件", "家庭人均收入低于当地低保标准"), ("申请材料", "申请书、家庭收入证明"),
        ("办理地点", "青松镇便民服务中心1号窗口")]),
    ("g4", "临时救助申请办事指南", "2024-03-18", [   # lacks 设定依据 and 申请条件: the veto leg (sourced elements)
        ("事项名称", "临时救助申请"), ("办理材料", "申请书、身份证"), ("办理地点", "青松镇便民服务中心1号窗口"),
        ("办理时间", "工作日9:00-17:00"), ("咨询电话", "0877-8099013"), ("办理流程", "申请—审核—审批—发放")]),
]
NOT_A_GUIDE = ("g3", "青松镇便民服务中心窗口调整公告", "2024-06-11")


def guide_page(title: str, rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{E(label)}</th><td>{E(value)}</td></tr>\n" for label, value in rows)
    return (town_head(f"{title}-江川市青松镇人民政府") + f'<div class="main"><h2 class="art-title">{E(title)}</h2>\n'
            + f'<table class="guide">\n{cells}</table></div>\n' + TOWN_FOOTER)


def write_guides(root: Path) -> None:
    items = [(key, title, day) for key, title, day, _ in GUIDES] + [NOT_A_GUIDE]
    rows = "".join(f'<li><a href="/bsfw/{key}.shtml">{E(title)}</a><span class="time">{day}</span></li>\n'
                   for key, title, day in items)
    write(root, "/bsfw/list.shtml", town_head("办事指南-江川市青松镇人民政府")
          + f'<div class="main"><div class="lmmc">办事指南</div>\n<ul class="list">\n{rows}</ul></div>\n' + TOWN_FOOTER)
    for key, title, _, elements in GUIDES:
        write(root, f"/bsfw/{key}.shtml", guide_page(title, elements))
    key, title, _ = NOT_A_GUIDE
    write(root, f"/bsfw/{key}.shtml", town_head(f"{title}-江川市青松镇人民政府")
          + f'<div class="main"><h2 class="art-title">{E(title)}</h2><p>即日起，便民服务中心社保窗口调整至一楼。</p></div>\n'
          + TOWN_FOOTER)


def build(root: Path) -> None:
    """Write the 江川市青松镇人民政府 tree under ``root``."""
    docs = town_docs()
    ids = iter(range(1024, 9999))
    for doc in docs:
        doc.url = f"{doc.column}{doc.pub:%Y%m}/{next(ids)}.shtml"
    for column in TOWN_COLUMNS:
        write_pages(root, town_list_pages(column, newest_first(x for x in docs if x.column == column)))
    for doc in docs:
        write(root, doc.url, town_article(doc))
    write_manifest(root, docs)
    write(root, "/index.html", town_home(newest_first(docs)))
    write(root, "/_spider_index.html", TOWN_SPIDER_INDEX)
    write(root, "/_404.html", town_head("提示信息-江川市青松镇人民政府") + TOWN_404 + TOWN_FOOTER)
    write(root, "/css/style.css", "body{margin:0;font-size:14px}.list li span{float:right}.submenu{position:absolute}\n")
    write(root, "/_site.yaml", TOWN_SITE_YAML)
    write_messages(root)
    write_guides(root)
