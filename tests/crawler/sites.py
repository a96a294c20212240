"""Small site trees for crawler tests, written into tmp dirs and served by gongkai.demo.server."""

from __future__ import annotations

from pathlib import Path

import yaml

FOOTER = """<div class="footer"><p>主办：江川市人民政府办公室 网站标识码：5304210001 滇ICP备05001234号
<a href="http://www.beian.gov.cn/">滇公网安备 53042102000123号</a></p>
<span id="_ideConac"><img src="/images/dzjg.png"></span></div>"""

META = """<meta name="SiteName" content="江川市人民政府"><meta name="SiteDomain" content="127.0.0.1">
<meta name="SiteIDCode" content="5304210001">"""


def write_tree(root: Path, files: dict[str, str], site: dict | None = None) -> Path:
    for rel, text in files.items():
        path = root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if site:
        (root / "_site.yaml").write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    return root


def trs_article(title: str, day: str, number: str, label: str = "（此件公开发布）", extra: str = "") -> str:
    y, m, d = day.split("-")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_江川市人民政府</title>{META}
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{day} 10:00">
<meta name="ColumnName" content="政策文件"><meta name="ColumnType" content="政策文件"><meta name="ContentSource" content="江川市人民政府办公室">
</head><body><div class="xxgk">
<table class="xxgk_table"><tr><td>索引号：</td><td>115304210001-2024-0001</td><td>发布机构：</td><td>江川市人民政府办公室</td></tr>
<tr><td>发文日期：</td><td>{day}</td><td>文号：</td><td>{number}</td></tr>
<tr><td>有效性：</td><td>有效</td><td>公开方式：</td><td>主动公开</td></tr></table>
<h1>{title}</h1><div class="TRS_Editor"><p>各乡镇人民政府，市直各部门：</p><p>现将有关事项通知如下。</p>{extra}
<p style="text-align:right">江川市人民政府办公室</p><p style="text-align:right">{int(y)}年{int(m)}月{int(d)}日</p>
<p>{label}</p></div>
<a href="/missing-attachment.pdf">附件1.pdf</a></div>{FOOTER}</body></html>"""


def trs_list(title: str, items: list[tuple[str, str, str]], pager: str) -> str:
    lis = "\n".join(f'<li><a href="{href}" title="{t}">{t}</a><span>{d}</span></li>' for href, t, d in items)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{META}</head><body>
<div class="nav"><a href="/">首页</a></div><div class="list"><ul>{lis}</ul></div>
<div class="page"><script>{pager}</script></div>{FOOTER}</body></html>"""


def trs_site(root: Path) -> Path:
    """A TRS-style portal: 3-page policy list, articles, a 404, a redirect, an external dead link."""
    items = {
        0: [("./202406/t20240610_1003.html", "关于印发江川市乡村振兴实施方案的通知", "2024-06-10"),
            ("./202405/t20240520_1002.html", "江川市人民政府关于加强安全生产工作的意见", "2024-05-20")],
        1: [("./202405/t20240510_1001.html", "江川市人民政府办公室关于做好防汛工作的通知", "2024-05-10")],
        2: [("./202404/t20240403_1000.html", "江川市人民政府关于调整城乡居民医保政策的通知", "2024-04-03")],
    }
    files = {
        "index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>江川市人民政府</title>{META}</head>
<body><div class="nav"><a href="/">首页</a><a href="/zwgk/zcwj/">政策文件</a><a href="/old-news/">工作动态</a>
<a href="http://127.0.0.1:9/">友情链接失效</a><a href="/missing.html">机构概况</a>
<a href="http://127.0.0.1:9/zwgk/tzgg/">通知公告</a></div>
<ul class="news"><li><a href="/xwdt/202407/t20240801_2001.html">江川市召开防汛工作会议</a><span>2024-08-01</span></li></ul>
{FOOTER}</body></html>""",
        "xwdt/index.html": trs_list("工作动态", [("./202407/t20240801_2001.html", "江川市召开防汛工作会议", "2024-08-01")],
                                    'createPageHTML(1, 0, "index", "html");'),
        "xwdt/202407/t20240801_2001.html": trs_article("江川市召开防汛工作会议", "2024-08-01", ""),
    }
    for page, rows in items.items():
        name = "index.html" if page == 0 else f"index_{page}.html"
        files[f"zwgk/zcwj/{name}"] = trs_list("政策文件", rows, f'createPageHTML(3, {page}, "index", "html");')
        for href, title, day in rows:
            files[f"zwgk/zcwj/{href[2:]}"] = trs_article(title, day, f"江政发〔2024〕{page + 1}号")
    return write_tree(root, files, {"not_found": "hard", "redirects": {"/old-news/": "/xwdt/"}})


def hanweb_site(root: Path, total: int = 50) -> Path:
    """A Hanweb-style GBK site whose column pages beyond the first come only from dataproxy.jsp."""
    records = []
    for i in range(total):
        day = 28 - (i % 28)
        month = 6 - i // 28
        records.append(f'<li><a href="/art/2024/{month}/{day}/art_1234_{5000 + i}.html" title="财政局工作动态第{i}号">'
                       f"财政局工作动态第{i}号</a><span>2024-{month:02d}-{day:02d}</span></li>")
    first = "".join(f"<record><![CDATA[{r}]]></record>" for r in records[:15])
    files = {
        "index.html": f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>江川市财政局</title>{META}</head><body><div class="nav"><a href="/col/col1234/index.html">工作动态</a></div>
<a href="/art/2019/1/1/art_1_1.html">已删除的旧文章</a><a href="/files/report.pdf">2023年部门决算.pdf</a>
<a href="/protected/data.html">数据开放</a>{FOOTER}</body></html>""",
        "files/report.pdf": "%PDF-1.4 demo",
        "_404.html": "<html><head><title>页面不存在</title></head><body><div>对不起，您访问的页面不存在或已被删除！</div>"
                     "<a href='/'>返回首页</a></body></html>",
        "col/col1234/index.html": f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>工作动态 江川市财政局</title></head><body><div id="5678">
<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid=1234&unitid=5678&webname=%E6%B1%9F%E5%B7%9D&permissiontype=0"></a>]]></nextgroup>
<recordset>{first}</recordset></datastore></script></div>
<script>$(document).ready(function(){{ $('#5678').jpage({{ dataStore: dataStore, perPage: 15, totalRecord: {total}, groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp' }}); }});</script>
{FOOTER}</body></html>""",
        "col/col1234/_records.html": "\n".join(records) + "\n",
    }
    for i, rec in enumerate(records):
        href = rec.split('"')[1]
        title = f"财政局工作动态第{i}号"
        day = href.split("/")[2:5]
        files[href.lstrip("/")] = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}</title></head><body><!--<$[标题]>begin--><h1>{title}</h1><!--<$[标题]>end-->
<p>发布日期：{day[0]}-{int(day[1]):02d}-{int(day[2]):02d} 信息来源：江川市财政局</p>
<!--<$[信息内容]>begin--><p>财政局本月工作。</p><!--<$[信息内容]>end--></body></html>"""
    return write_tree(root, files, {"charset": "gbk", "header_charset": False, "hanweb_dataproxy": True,
                                    "not_found": "soft", "head_refused": ["/files/"],
                                    "blocked": {"/protected/": 412}})
