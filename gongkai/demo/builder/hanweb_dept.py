"""hanweb_dept — 江川市财政局: a department site on Hanweb 大汉, GBK bytes declared as gb2312.

Columns are ``/col/colN/index.html`` with the first records embedded in a jpage XML datastore;
the rest come from a ``dataproxy.jsp`` POST (served from ``_records.html``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from .shared import (
    Doc,
    E,
    d,
    fixed_zip,
    newest_first,
    paragraphs,
    related_block,
    signature_block,
    tiny_pdf,
    tiny_png,
    write,
    write_bytes,
    write_manifest,
)

HW_NAME = "江川市财政局"
HW_WEBID, HW_UNITID = 2, 45678
HW_COLUMNS = {  # columnid: (name, 信息公开 path, records embedded in index.html)
    1231: ("工作动态", "新闻动态"),
    1232: ("通知公告", "通知公告"),
    1233: ("政策文件", "政策文件"),
    1235: ("政策解读", "政策解读"),
    1234: ("财政收支", "财政数据"),
    1236: ("政府信息公开年报", "政府信息公开年报"),
}
HW_PER_PAGE = 10


def hw_docs() -> list[Doc]:
    bureau = HW_NAME
    backfill = [("江川市财政局关于做好2021年度部门决算编报工作的通知", "江财预〔2021〕45号", "2021-11-12"),
                ("江川市财政局关于加强预算单位银行账户管理的通知", "江财库〔2022〕12号", "2022-03-08"),
                ("江川市财政局关于规范行政事业单位公务卡使用的通知", "江财行〔2022〕30号", "2022-07-19"),
                ("江川市财政局关于做好2023年部门预算编制工作的通知", "江财预〔2022〕51号", "2022-11-03")]
    docs = [
        Doc("future", 1232, "江川市财政局关于2024年度部门决算编报培训的通知", d("2024-09-02"), d("2024-07-12"),
            "江财预〔2024〕25号", bureau, label_field="主动公开", signature=bureau,
            body=["各预算单位：", "定于2024年9月举办部门决算编报培训，请按时参加。"]),
        Doc("k1", 1232, "江川市财政局关于开展2024年度会计人员继续教育的通知", d("2024-06-24"), d("2024-06-20"),
            "江财会〔24〕5号", bureau, label_field="主动公开", signature=bureau,
            body=["各有关单位：", "根据《会计专业技术人员继续教育规定》，现就2024年度会计人员继续教育有关事项通知如下。"]),
        *[Doc(f"b{i}", 1232, title, d("2024-06-20"), d(written), number, bureau, label_field="主动公开", signature=bureau,
              body=["各预算单位：", "为进一步规范财政管理，现将有关事项通知如下。"])
          for i, (title, number, written) in enumerate(backfill)],
        Doc("k2", 1232, "江川市财政局关于做好2024年政府采购意向公开工作的通知", d("2024-06-05"), d("2024-06-03"),
            "江财采〔2024〕05号", bureau, label_field="主动公开", signature=bureau,
            body=["各预算单位：", "为提高政府采购透明度，现就做好政府采购意向公开工作通知如下。"]),
        Doc("k3", 1232, "江川市财政局关于开展2024年度行政事业单位国有资产报告工作的通知", d("2024-05-21"), d("2024-05-17"),
            "江财资〔2024〕第5号", bureau, label_field="主动公开", signature=bureau,
            body=["各预算单位：", "现就2024年度行政事业单位国有资产报告工作通知如下。"]),
        Doc("k4", 1232, "江川市财政局关于印发《江川市财政局2024年政务公开工作实施方案》的通知", d("2024-05-10"),
            d("2024-05-08"), "江财办〔2024〕7号", bureau, label_field="依申请公开", signature=bureau,
            body=["局机关各科室、局属各单位：", "现将《江川市财政局2024年政务公开工作实施方案》印发给你们，请认真贯彻落实。"]),
        Doc("k5", 1232, "江川市财政局关于公布2024年第一批行政事业性收费项目目录的公告", d("2024-04-22"), d("2024-04-19"),
            "江川市财政局公告2024年第1号", bureau, label_field="主动公开", signature=bureau,
            body=["根据国家和省有关规定，现将2024年第一批行政事业性收费项目目录予以公布。"]),
        Doc("k6", 1232, "江川市财政局关于做好2024年财政预算绩效自评工作的通知", d("2024-04-10"), d("2024-04-08"),
            "江财绩〔2024〕3号", bureau, label_field="主动公开", signature=bureau,
            body=["各预算单位：", "现就2024年财政预算绩效自评工作通知如下。"]),
        # 政策文件 + 解读
        Doc("q2", 1233, "江川市财政局 江川市人力资源和社会保障局关于印发《江川市就业补助资金管理办法》的通知",
            d("2024-06-17"), d("2024-06-12"), "江财社〔2024〕22号", bureau, "有效", label_field="主动公开",
            signature="江川市财政局　　江川市人力资源和社会保障局", related=["jd2"],
            attachment="/attachments/2024/06/jybzzjglbf.pdf",
            body=["各乡（镇）财政所，市直各有关单位：", "现将《江川市就业补助资金管理办法》印发给你们，请遵照执行。"]),
        Doc("q1", 1233, "江川市财政局关于印发《江川市市级财政专项资金管理办法》的通知", d("2024-05-20"), d("2024-05-16"),
            "江财预〔2024〕18号", bureau, "有效", label_field="主动公开", signature=bureau, related=["jd1"],
            body=["市直各部门：", "现将《江川市市级财政专项资金管理办法》印发给你们，请认真贯彻执行。"]),
        Doc("q0", 1233, "江川市财政局关于印发《江川市财政局行政处罚裁量基准》的通知", d("2023-10-16"), d("2023-10-11"),
            "江财法〔2023〕9号", bureau, "有效", label_field="主动公开", signature=bureau, related=["jd0"],
            body=["局机关各科室：", "现将《江川市财政局行政处罚裁量基准》印发给你们。"]),
        Doc("jd2", 1235, "《江川市就业补助资金管理办法》政策解读", d("2024-06-19"), publisher=bureau, related=["q2"],
            body=["一、制定背景", "二、主要内容：明确资金支出范围、分配方式和监督管理要求。"]),
        Doc("jd1", 1235, "《江川市市级财政专项资金管理办法》解读", d("2024-05-22"), publisher=bureau, related=["q1"],
            body=["一、制定目的", "二、主要内容"]),
        Doc("jd0", 1235, "《江川市财政局行政处罚裁量基准》解读", d("2023-10-18"), publisher=bureau, related=["q0"],
            body=["一、制定依据", "二、主要内容"]),
        # 政府信息公开年报
        Doc("a2023", 1236, "江川市财政局2023年政府信息公开工作年度报告", d("2024-02-06"), publisher=bureau,
            body=["本报告依据《中华人民共和国政府信息公开条例》编制。", "一、总体情况"]),
        Doc("a2022", 1236, "江川市财政局2022年政府信息公开工作年度报告", d("2023-01-18"), publisher=bureau,
            body=["本报告依据《中华人民共和国政府信息公开条例》编制。", "一、总体情况"]),
        Doc("a2021", 1236, "江川市财政局2021年政府信息公开工作年度报告", d("2022-01-25"), publisher=bureau,
            body=["本报告依据《中华人民共和国政府信息公开条例》编制。", "一、总体情况"]),
    ]
    docs += [Doc(f"w{i}", 1231, title, d(pub), publisher=bureau, body=[title + "。"]) for i, (title, pub) in enumerate([
        ("市财政局召开2024年上半年工作总结会", "2024-06-28"), ("市财政局开展“财政开放日”活动", "2024-06-14"),
        ("市财政局组织开展政府采购业务培训", "2024-05-29"), ("市财政局召开党风廉政建设工作会议", "2024-04-25"),
        ("市财政局开展预算绩效管理专题调研", "2024-03-21"), ("市财政局召开2024年全市财政工作会议", "2024-02-23")])]
    docs += [Doc(f"m{i}", 1234, title, d(pub), publisher=bureau,
                 body=[f"{title.removesuffix('情况')}，全市一般公共预算收入保持平稳增长。"])
             for i, (title, pub) in enumerate(HW_FISCAL)]
    return docs + hw_content_docs()


# Issue 13 (content and privacy): documents showing content.severe_error, content.typo,
# privacy.id_number (in an XLSX attachment), privacy.phone_number and date.inconsistent, each with
# its look-alike.  Dates stay at or before 06-24 in 通知公告 and 06-28 in 工作动态 (column.stale,
# site.homepage_stale keep their verdicts).
HW_ID_NUMBER = "530402198506120048"         # a valid check digit and birth date (synthetic)
HW_BAD_CHECK = "530402198506120047"         # the same with a wrong check digit: no 身份证号
HW_LIST_XLSX = "/attachments/2024/06/gyxgwnpyry.xlsx"
HW_UPLOADED = {"dt1": d("2024-06-03"), "rp1": d("2024-05-10")}   # URL (and list) day ≠ the page's 发布日期
HW_LISTED = {"rp1": d("2024-05-10")}
HW_ATTACHMENT_NAMES = {"/attachments/2024/06/jybzzjglbf.pdf": "江川市就业补助资金管理办法.pdf",
                       HW_LIST_XLSX: "2024年公益性岗位拟聘用人员名单.xlsx"}


def hw_content_docs() -> list[Doc]:
    bureau = HW_NAME
    return [
        Doc("wd1", 1231, "市财政局召开党组理论学习中心组学习会", d("2024-06-07"), publisher=bureau, body=[
            "6月7日，市财政局召开党组理论学习中心组学习会。",
            "会议强调，要深入学习习近平新时代中国特色社会主义，严格执行《中华人民共合国预算法》，认真布署下半年财政重点工作。"]),
        Doc("wd2", 1231, "市财政局开展学习贯彻习近平新时代中国特色社会主义思想主题教育", d("2024-05-15"), publisher=bureau,
            body=["市财政局扎实开展学习贯彻习近平新时代中国特色社会主义思想主题教育。",
                  "局主要负责同志在《江川日报》发布署名文章，并研究部署下一步工作。",
                  "全局将以习近平新时代中国特色社会主义经济思想为指导，推进财政高质量发展。"]),
        Doc("gs1", 1232, "江川市财政局2024年公益性岗位拟聘用人员公示", d("2024-06-13"), publisher=bureau,
            attachment=HW_LIST_XLSX, body=[
                "经笔试、面试和考察，现将2024年公益性岗位拟聘用人员名单公示如下：",
                "1　张晓明　男　139 0877 1234", "2　李秀英　女　138-7701-5678", "3　王建国　男　身份证号5304**********0048",
                f"公示期为5个工作日。项目编号：{HW_BAD_CHECK}。",
                "公示期间如有异议，请向局人事科反映。联系人：赵敏，联系电话：13908770000"]),
        Doc("dt1", 1232, "江川市财政局关于开展2024年财会监督专项行动的通知", d("2024-06-12"), publisher=bureau,
            body=["各预算单位：", "现就开展2024年财会监督专项行动有关事项通知如下。"]),
        Doc("rp1", 1232, "江川市财政局关于印发《江川市财政票据管理办法》的通知", d("2019-05-10"), publisher=bureau,
            body=["（本文件原发布于2019年5月10日，因网站改版重新发布。）",
                  "各预算单位：", "现将《江川市财政票据管理办法》印发给你们，请遵照执行。"]),
    ]


def hw_list_xlsx() -> bytes:
    """The 名单 attachment of gs1: an XLSX whose third column prints a full 身份证号."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "拟聘用人员名单"
    for row in (["序号", "姓名", "性别", "身份证号码", "拟聘岗位"], [1, "张晓明", "男", "5304**********0016", "保洁"],
                [2, "李秀英", "女", HW_ID_NUMBER, "绿化养护"]):
        sheet.append(row)
    return fixed_zip(book)


HW_FISCAL = [
    ("2024年上半年江川市财政收支情况", "2024-08-02"),
    ("2024年1-5月江川市固定资产投资完成情况", "2024-06-17"),
    ("2024年1-4月江川市财政收支情况", "2024-05-20"),
    ("2024年一季度江川市财政收支情况", "2024-04-19"),
    ("2024年1-2月江川市财政收支情况", "2024-03-18"),
    ("2023年全年江川市财政收支情况", "2024-01-22"),
    ("2023年1-11月江川市财政收支情况", "2023-12-15"),
    ("2023年1-10月江川市财政收支情况", "2023-11-17"),
    ("2023年前三季度江川市财政收支情况", "2023-10-20"),
    ("2023年1-8月江川市财政收支情况", "2023-09-15"),
    ("2023年1-7月江川市财政收支情况", "2023-08-18"),
    ("2023年上半年江川市财政收支情况", "2023-07-20"),
    ("2023年1-5月江川市财政收支情况", "2023-06-16"),
    ("2023年1-4月江川市财政收支情况", "2023-05-19"),
    ("2023年一季度江川市财政收支情况", "2023-04-18"),
    ("2023年1-2月江川市财政收支情况", "2023-03-17"),
    ("2022年全年江川市财政收支情况", "2023-01-20"),
    ("2022年1-11月江川市财政收支情况", "2022-12-16"),
    ("2022年1-10月江川市财政收支情况", "2022-11-18"),
    ("2022年前三季度江川市财政收支情况", "2022-10-21"),
    ("2022年1-8月江川市财政收支情况", "2022-09-16"),
    ("2022年1-7月江川市财政收支情况", "2022-08-19"),
    ("2022年上半年江川市财政收支情况", "2022-07-15"),
    ("2022年1-5月江川市财政收支情况", "2022-06-17"),
    ("2022年1-4月江川市财政收支情况", "2022-05-20"),
    ("2022年一季度江川市财政收支情况", "2022-04-15"),
    ("2022年1-2月江川市财政收支情况", "2022-03-18"),
]


def hw_url(doc: Doc, ids: Iterator[int]) -> str:
    day = HW_UPLOADED.get(doc.key, doc.pub)
    return f"/art/{day.year}/{day.month}/{day.day}/art_{doc.column}_{next(ids)}.html"


def hw_head(title: str, column: int | None, doc: Doc | None) -> str:
    metas = [("SiteName", HW_NAME), ("SiteDomain", "czj.jiangchuan.gov.cn"), ("SiteIDCode", "")]
    if column:
        metas.append(("ColumnName", HW_COLUMNS[column][0]))
    if doc:
        metas += [("ArticleTitle", doc.title), ("PubDate", f"{doc.pub:%Y-%m-%d} 10:00"), ("contentSource", doc.publisher),
                  ("Maketime", f"{doc.pub:%Y-%m-%d} 10:00:00")]
    meta = "\n".join(f'<meta name="{k}" content="{E(v)}">' for k, v in metas)
    nav = "".join(f'<li><a href="/col/col{c}/index.html">{n}</a></li>' for c, (n, _) in HW_COLUMNS.items())
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{E(title)}</title>
{meta}
<link href="/images/czj.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
</head>
<body>
<div class="top"><img src="/images/banner.png" alt="江川市财政局" /></div>
<div class="nav"><ul><li><a href="/index.html">网站首页</a></li>{nav}</ul></div>
"""


HW_FOOTER = """<div class="footer">
<p>主办：江川市财政局　地址：江川市人民路8号　邮编：652600　电话：0877-8023456</p>
<p>网站标识码：5304000012　<a href="https://beian.miit.gov.cn/" target="_blank">滇ICP备05001234号-3</a>　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=53040202000456" target="_blank">滇公网安备 53040202000456号</a></p>
<p><span id="_ideConac"><a href="http://bszs.conac.cn/sitename?method=show&amp;id=0B1D2C3E4F5A6B7C8D9E0F1A2B3C4D5E" target="_blank"><img src="/images/red.png" alt="党政机关" /></a></span></p>
<a href="/index.html" style="display:none">Produced By 大汉网络 大汉版通发布系统</a>
</div>
</body>
</html>
"""


def hw_record(doc: Doc) -> str:
    return (f'<li><a href="{doc.url}" target="_blank" title="{E(doc.title)}">{E(doc.title)}</a>'
            f"<span>{HW_LISTED.get(doc.key, doc.pub):%Y-%m-%d}</span></li>")


def hw_jpage_script(column: int, total: int) -> str:
    """The jpage call that pages the datastore, fetching later groups through ``dataproxy.jsp``."""
    return f"""<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
	$('#{HW_UNITID}').jpage({{
		dataStore: dataStore,
		dataBefore: '<ul class="list">',
		dataAfter: '</ul>',
		perPage: {HW_PER_PAGE},
		totalRecord: {total},
		groupSize: 1,
		barPosition: 'bottom',
		proxyUrl: '/module/web/jpage/dataproxy.jsp',
		ajaxParam: {{col: 1, appid: 1, webid: {HW_WEBID}, path: '/', columnid: {column}, sourceContentType: 1, unitid: {HW_UNITID}, webname: '{HW_NAME}', permissiontype: 0}}
	}});
}});
</script>
"""


def hw_column_page(column: int, docs: list[Doc]) -> str:
    """A column's ``index.html``: the first records inline in a jpage XML datastore."""
    name = HW_COLUMNS[column][0]
    records = "\n".join(f"<record><![CDATA[\n{hw_record(x)}\n]]></record>" for x in docs[:HW_PER_PAGE])
    nextgroup = (f'<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={HW_WEBID}&path=/&columnid={column}'
                 f'&unitid={HW_UNITID}&webname={quote(HW_NAME)}&permissiontype=0"></a>')
    empty = "" if docs else '<p class="nodata">暂无信息</p>'
    return (hw_head(f"{name} {HW_NAME}", column, None) + hw_position(column)
            + f"""<div class="main"><div class="lm-title">{name}</div>
<div class="default_pgContainer" id="{HW_UNITID}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[{nextgroup}]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore></script></div>{empty}
"""
            + hw_jpage_script(column, len(docs)) + "</div>\n" + HW_FOOTER)


def hw_xxgk_table(doc: Doc, index_no: str) -> str:
    """The 信息公开 table of a numbered document (生成日期 is the publication date)."""
    if not doc.number:
        return ""
    rows = [("索引号", index_no, "发布机构", doc.publisher), ("生成日期", f"{doc.pub:%Y-%m-%d}", "文号", doc.number)]
    extra = []
    if doc.validity is not None:
        extra.append(("有效性", doc.validity))
    if doc.label_field is not None:
        extra.append(("公开方式", doc.label_field))
    return ('<table class="xxgk_table" width="100%" border="0" cellspacing="1">\n'
            + "".join(f"<tr><th>{a}：</th><td>{E(b)}</td><th>{c}：</th><td>{E(e)}</td></tr>\n" for a, b, c, e in rows)
            + "".join(f'<tr><th>{a}：</th><td colspan="3">{E(b)}</td></tr>\n' for a, b in extra)
            + "</table>\n")


def hw_position(column: int) -> str:
    return (f'<div class="position">当前位置：<a href="/index.html">首页</a> &gt; '
            f'<a href="/col/col{column}/index.html">{HW_COLUMNS[column][0]}</a></div>\n')


def hw_article(doc: Doc, by_key: dict[str, Doc], index_no: str) -> str:
    attach = (f'<p>附件：<a href="{doc.attachment}" target="_blank">{HW_ATTACHMENT_NAMES[doc.attachment]}</a></p>\n'
              if doc.attachment else "")
    heading = "相关文件" if doc.column == 1235 else "相关解读"
    return (hw_head(f"{doc.title} {HW_NAME}", doc.column, doc) + hw_position(doc.column)
            + '<div class="main">\n' + hw_xxgk_table(doc, index_no)
            + f'<div class="title"><!--<$[标题]>begin-->{E(doc.title)}<!--<$[标题]>end--></div>\n'
            + f'<div class="info"><span>发布日期：{doc.pub:%Y-%m-%d}</span>　<span>信息来源：<!--<$[信息来源]>begin-->'
            + f'{E(doc.publisher)}<!--<$[信息来源]>end--></span></div>\n'
            + f'<div class="content" id="zoom"><!--<$[信息内容]>begin-->\n{paragraphs(doc)}{signature_block(doc)}'
            + "<!--<$[信息内容]>end--></div>\n"
            + attach + related_block(doc, by_key, heading) + "</div>\n" + HW_FOOTER)


def hw_home_box(docs: list[Doc], column: int, n: int) -> str:
    items = [x for x in docs if x.column == column][:n]
    lis = "".join(f'<li><a href="{x.url}" target="_blank">{E(x.title)}</a><span>{x.pub:%m-%d}</span></li>\n'
                  for x in items)
    return (f'<div class="box"><div class="box-title"><a href="/col/col{column}/index.html">{HW_COLUMNS[column][0]}</a>'
            f'</div><ul>\n{lis}</ul></div>\n')


HW_HOME_LINKS = ('<div class="box"><div class="box-title">政务公开</div><ul>'
                 '<li><a href="/col/col1233/index.html">政策文件</a></li><li><a href="/col/col1235/index.html">政策解读</a></li>'
                 '<li><a href="/col/col1234/index.html">财政收支</a></li>'
                 '<li><a href="/col/col1236/index.html">政府信息公开年报</a></li></ul></div>\n')


def hw_home(docs: list[Doc]) -> str:
    return (hw_head(HW_NAME, None, None) + '<div class="main">\n' + hw_home_box(docs, 1232, 5)
            + hw_home_box(docs, 1231, 5) + HW_HOME_LINKS + "</div>\n" + HW_FOOTER)


HW_404 = '<div class="main"><p>对不起，您访问的页面不存在！</p><p><a href="/index.html">返回首页</a></p></div>\n'
HW_SCRIPTS = {
    "/module/jslib/jquery/jquery.js": "/* 演示站点：真实站点此处为 jQuery。 */\n"
    "window.$ = window.$ || function(){ return { ready: function(){}, jpage: function(){} }; };\n",
    "/module/web/jpage/jpage.js": "/* 演示站点：真实站点此处为大汉 jpage 分页组件，翻页数据由 dataproxy.jsp 以 POST 返回。 */\n",
}
HW_SITE_YAML = """# 江川市财政局 (Hanweb 大汉 style).  Sources are UTF-8; served as GBK bytes, pages declare gb2312,
# the Content-Type header names no charset.  Keys: see gongkai/demo/server.py.
charset: gbk
header_charset: false
not_found: hard
referer_required: ["/attachments/"]
hanweb_dataproxy: true
hanweb_dataproxy_paths: ["/module/web/jpage/dataproxy.jsp"]
"""


def write_assets(root: Path) -> None:
    write_bytes(root, "/attachments/2024/06/jybzzjglbf.pdf", tiny_pdf("Employment subsidy fund rules"))
    write_bytes(root, HW_LIST_XLSX, hw_list_xlsx())
    for name in ("red.png", "banner.png"):
        write_bytes(root, f"/images/{name}", tiny_png())
    write(root, "/images/czj.css", "body{margin:0;font-size:14px}.list li span{float:right}\n")
    for rel, text in HW_SCRIPTS.items():
        write(root, rel, text)


def build(root: Path) -> None:
    """Write the 江川市财政局 tree under ``root``."""
    docs, ids = hw_docs(), iter(range(56789, 99999))
    for doc in docs:
        doc.url = hw_url(doc, ids)
    by_key = {x.key: x for x in docs}
    for column in HW_COLUMNS:
        items = newest_first(x for x in docs if x.column == column)
        write(root, f"/col/col{column}/index.html", hw_column_page(column, items))
        write(root, f"/col/col{column}/_records.html", "".join(hw_record(x) + "\n" for x in items))
    for n, doc in enumerate(docs, 1):
        write(root, doc.url, hw_article(doc, by_key, f"015234589/{doc.pub.year}-{n:05d}"))
    write_manifest(root, docs)
    write(root, "/index.html", hw_home(newest_first(x for x in docs if x.column in (1231, 1232, 1234))))
    write(root, "/_404.html", hw_head("页面不存在", None, None) + HW_404 + HW_FOOTER)
    write_assets(root)
    write(root, "/_site.yaml", HW_SITE_YAML)
