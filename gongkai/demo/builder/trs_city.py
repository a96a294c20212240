"""trs_city — 江川市人民政府: a city government portal on TRS WCM, served as UTF-8.

Static column lists paged as ``index_N.html`` by one of three TRS pager scripts, 信息公开 tables
on numbered documents, relative links on list pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from .shared import (
    Doc,
    E,
    cn_date,
    d,
    newest_first,
    paragraphs,
    related_block,
    signature_block,
    tiny_pdf,
    tiny_png,
    write,
    write_bytes,
    write_manifest,
    write_pages,
)

TRS_NAME = "江川市人民政府"
TRS_OFFICE = "江川市人民政府办公室"
TRS_COLUMNS = {  # path: (name, ColumnType meta, pager style)
    "/xwzx/gzdt/": ("工作动态", "工作动态", "createPageHTML4"),
    "/zwgk/tzgg/": ("通知公告", "通知公告", "createPageHTML6"),
    "/zwgk/zcwj/": ("政策文件", "政策文件", "countPage"),
    "/zwgk/zcjd/": ("政策解读", "政策解读", "createPageHTML4"),
    "/zwgk/gfxwj/": ("规范性文件", "规范性文件", "createPageHTML4"),
    "/zwgk/czyjs/": ("财政预算执行", "财政信息", "createPageHTML4"),
    "/zwgk/ndbg/": ("政府信息公开年报", "政府信息公开年报", "createPageHTML4"),
    "/zwgk/rsxx/": ("人事信息", "人事信息", "createPageHTML4"),
    "/zwgk/ghjh/": ("规划计划", "规划计划", "createPageHTML4"),
}
TRS_PER_PAGE = {"/xwzx/gzdt/": 8, "/zwgk/tzgg/": 8, "/zwgk/zcwj/": 9}

LABEL = "（此件公开发布）"


def trs_docs() -> list[Doc]:
    gov, office = TRS_NAME, TRS_OFFICE
    docs = [
        # -- 政策文件 -----------------------------------------------------------------------
        Doc("p3", "/zwgk/zcwj/", "江川市人民政府关于进一步加强安全生产工作的意见", d("2024-06-03"),
            d("2024-05-30"), "江政发〔2024〕8号", gov, "有效", signature=gov, sig_label=None,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                  "为深入贯彻落实安全生产责任制，有效防范化解重大安全风险，现提出如下意见。",
                  "一、压紧压实安全生产责任。各级各部门要坚持“党政同责、一岗双责”。",
                  "二、深化重点行业领域专项整治。"]),
        Doc("p7", "/zwgk/zcwj/", "江川市城市绿化管理办法", d("2024-06-05"), d("2024-05-28"),
            "江川市人民政府令第3号", gov, "有效", signature="市长　李明华", sig_label=LABEL,
            body=["《江川市城市绿化管理办法》已经2024年5月24日市人民政府第36次常务会议通过，现予公布，"
                  "自2024年7月1日起施行。"]),
        Doc("p6", "/zwgk/zcwj/", "江川市人民政府办公室转发云南省人民政府办公厅关于进一步做好稳就业工作通知的通知",
            d("2024-05-29"), d("2024-05-27"), "江政办发〔2024〕18号", office, "有效", signature=office,
            sig_label=LABEL, body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                                   "现将《云南省人民政府办公厅关于进一步做好稳就业工作的通知》转发给你们，请认真贯彻执行。"]),
        Doc("p4", "/zwgk/zcwj/", "江川市人民政府办公室关于印发江川市城乡居民医疗保障实施办法的通知",
            d("2024-05-15"), d("2024-05-10"), "江政办发〔2024〕15号", office, "有效", signature=office,
            sig_label=LABEL, body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                                   "《江川市城乡居民医疗保障实施办法》已经市人民政府同意，现印发给你们，请认真组织实施。"]),
        Doc("p5", "/zwgk/zcwj/", "江川市人民政府关于王建华等同志职务任免的通知", d("2024-05-08"),
            d("2024-05-06"), "江政任〔2024〕3号", gov, "有效", signature=gov, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                  "经市人民政府研究决定：任命王建华为江川市发展和改革局副局长；免去赵志刚的江川市统计局副局长职务。"]),
        Doc("p1", "/zwgk/zcwj/", "江川市人民政府关于印发《江川市优化营商环境若干措施》的通知",
            d("2024-04-30"), d("2024-04-26"), "江政发〔2024〕5号", gov, "有效", signature=gov,
            sig_label=LABEL, related=["j1"], attachment="/files/202404/W020240430512345678901.pdf",
            body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                  "现将《江川市优化营商环境若干措施》印发给你们，请结合实际认真贯彻落实。"]),
        Doc("p2", "/zwgk/zcwj/", "江川市人民政府办公室关于印发江川市促进消费提质扩容若干措施的通知",
            d("2024-04-28"), d("2024-04-25"), "江政办发〔2024〕12号", office, "有效", signature=office,
            sig_label=LABEL, related=["j2"],
            body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                  "《江川市促进消费提质扩容若干措施》已经市人民政府同意，现印发给你们，请认真贯彻执行。"]),
        Doc("p0", "/zwgk/zcwj/", "江川市人民政府关于印发江川市2024年国民经济和社会发展计划的通知",
            d("2024-03-20"), d("2024-03-18"), "江政发〔2024〕3号", gov, "有效", signature=gov,
            sig_label=LABEL, body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                                   "《江川市2024年国民经济和社会发展计划》已经市十六届人大四次会议审议批准，现印发给你们。"]),
        Doc("p_2023a", "/zwgk/zcwj/", "江川市人民政府关于印发江川市“十四五”综合交通运输发展规划中期调整方案的通知",
            d("2023-12-12"), d("2023-12-08"), "江政发〔2023〕21号", gov, "有效", signature=gov,
            sig_label=LABEL, related=["j_2023"], body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将调整方案印发给你们。"]),
        Doc("p_2023b", "/zwgk/zcwj/", "江川市人民政府办公室关于印发江川市冬春季森林草原防灭火工作方案的通知",
            d("2023-11-06"), d("2023-11-02"), "江政办发〔2023〕40号", office, "有效", signature=office,
            sig_label=LABEL, body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将工作方案印发给你们。"]),
        Doc("p_2023c", "/zwgk/zcwj/", "江川市人民政府关于公布江川市第五批非物质文化遗产代表性项目名录的通知",
            d("2023-09-18"), d("2023-09-14"), "江政发〔2023〕17号", gov, "有效", signature=gov,
            sig_label=LABEL, body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将名录予以公布。"]),
        # -- 政策解读 -----------------------------------------------------------------------
        Doc("j4", "/zwgk/zcjd/", "《江川市公共租赁住房管理实施细则》政策解读", d("2024-06-14"), publisher="江川市住房和城乡建设局",
            related=["n2"], body=["一、制定背景", "二、主要内容：细则共六章三十条……"]),
        Doc("j3", "/zwgk/zcjd/", "图解：《江川市城市道路挖掘管理办法》", d("2024-05-24"), publisher="江川市住房和城乡建设局",
            related=["n1"], body=["一图读懂道路挖掘许可的申请条件、办理流程和监管要求。"]),
        Doc("j_p4", "/zwgk/zcjd/", "《江川市城乡居民医疗保障实施办法》政策解读", d("2024-05-16"), publisher="江川市医疗保障局",
            body=["一、起草背景", "二、主要内容：明确参保范围、筹资标准和待遇水平……", "三、政策亮点"]),
        Doc("j1", "/zwgk/zcjd/", "一图读懂《江川市优化营商环境若干措施》", d("2024-05-08"), publisher="江川市发展和改革局",
            related=["p1"], body=["一图读懂营商环境20条措施：市场准入、政务服务、要素保障……"]),
        Doc("j2", "/zwgk/zcjd/", "《江川市促进消费提质扩容若干措施》解读", d("2024-05-07"), publisher="江川市商务局",
            related=["p2"], body=["一、出台背景", "二、主要措施：发放消费券、支持汽车家电以旧换新……"]),
        Doc("j_2023", "/zwgk/zcjd/", "《江川市“十四五”综合交通运输发展规划中期调整方案》解读", d("2023-12-14"),
            publisher="江川市交通运输局", related=["p_2023a"], body=["一、调整背景", "二、主要调整内容"]),
        # -- 规范性文件 ---------------------------------------------------------------------
        Doc("n4", "/zwgk/gfxwj/", "江川市人民政府关于废止和修改部分行政规范性文件的决定", d("2024-06-25"),
            d("2024-06-21"), "江政规〔2024〕2号", gov, None, signature=gov, sig_label=LABEL,
            body=["为维护法制统一，市人民政府对现行行政规范性文件进行了清理，决定废止5件、修改3件。"]),
        Doc("n2", "/zwgk/gfxwj/", "江川市人民政府办公室关于印发江川市公共租赁住房管理实施细则的通知", d("2024-06-12"),
            d("2024-06-07"), "江政办规〔2024〕1号", office, "", signature=office, sig_label=LABEL, related=["j4"],
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "《江川市公共租赁住房管理实施细则》已经市人民政府同意，现印发给你们。"]),
        Doc("n1", "/zwgk/gfxwj/", "江川市人民政府关于印发江川市城市道路挖掘管理办法的通知", d("2024-05-22"),
            d("2024-05-17"), "JCGS—2024—2", gov, "有效", signature=gov, sig_label=LABEL, related=["j3"],
            also_in=["/zwgk/zcwj/"],
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将《江川市城市道路挖掘管理办法》印发给你们，请认真贯彻执行。"]),
        Doc("n3", "/zwgk/gfxwj/", "江川市人民政府关于印发江川市农村集体经济组织财务管理办法的通知", d("2023-11-20"),
            d("2023-11-15"), "江政规〔2023〕4号", gov, None, signature=gov, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将办法印发给你们。"]),
        # -- 通知公告 -----------------------------------------------------------------------
        Doc("t1", "/zwgk/tzgg/", "江川市人民政府办公室关于开展2024年“八一”走访慰问活动的通知", d("2024-07-26"),
            d("2024-07-24"), "江政办函〔2024〕31号", office, signature=office, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直有关部门：", "为做好2024年“八一”建军节走访慰问工作，现将有关事项通知如下。"]),
        Doc("t2", "/zwgk/tzgg/", "江川市人民政府办公室关于开展2024年度全市安全生产大检查的通知", d("2024-06-26"),
            d("2024-06-21"), "江政办发[2024]21号", office, signature=office, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "为切实做好汛期安全生产工作，市人民政府决定开展安全生产大检查。"]),
        Doc("t3", "/zwgk/tzgg/", "江川市人民政府关于公布2024年市级重点建设项目名单的通知", d("2024-06-20"),
            d("2024-06-17"), "江政发〔2024〕 号", gov, signature=gov, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将2024年市级重点建设项目名单予以公布。"]),
        Doc("t4", "/zwgk/tzgg/", "江川市人民政府办公室关于公布2024年度征地区片综合地价的通知", d("2024-06-13"),
            d("2024-06-11"), "江政办发〔2024〕16号", office, signature=office, sig_label="（此件依申请公开）",
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将2024年度征地区片综合地价标准予以公布，自公布之日起执行。"]),
        Doc("t5", "/zwgk/tzgg/", "江川市人民政府办公室关于做好政府信息公开属性源头认定工作的通知", d("2024-05-13"),
            d("2024-05-11"), "江政办函〔2024〕14号", office, signature=office, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：",
                  "各单位拟制公文时应当明确公开属性。拟标注“此件依申请公开”或者“此件不予公开”的，应当依法依规说明理由。",
                  "未标注公开属性的公文，不得提交审签。"]),
        Doc("t6", "/zwgk/tzgg/", "江川市人民政府办公室关于印发2024年江川市政务公开工作要点的通知", d("2024-05-06"),
            d("2024-03-01"), "江政办函〔2024〕9号", office, signature=office, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将《2024年江川市政务公开工作要点》印发给你们，请认真抓好落实。"]),
        Doc("t7", "/zwgk/tzgg/", "江川市人民政府办公室关于2024年第一季度政务公开工作检查情况的通报", d("2024-04-08"),
            d("2024-04-03"), "江政办通〔2024〕2号", office, signature=office, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现将第一季度全市政务公开工作检查情况通报如下。"],
            links=[("/zwgk/zcwj/202403/t20240315_1000099.html", "《江川市2024年政务公开工作任务分解表》")]),
        Doc("t8", "/zwgk/tzgg/", "江川市人民政府关于2024年清明节期间森林防火工作的通告", d("2024-03-28"),
            publisher=gov, body=["清明节期间，严禁在林区野外用火。"]),
        Doc("t9", "/zwgk/tzgg/", "江川市人民政府办公室关于做好2024年春节期间安全生产工作的通知", d("2024-02-02"),
            d("2024-01-31"), "江政办发〔2024〕3号", office, signature=office, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "春节将至，为确保节日期间安全稳定，现就有关事项通知如下。"]),
        Doc("t10", "/zwgk/tzgg/", "江川市2023年度法治政府建设情况报告", d("2024-01-26"), publisher=gov,
            body=["2023年，江川市深入学习贯彻习近平法治思想……"]),
        Doc("t11", "/zwgk/tzgg/", "江川市人民政府关于开展第五次全国经济普查的通告", d("2023-12-20"), publisher=gov,
            body=["根据国务院统一部署，我市开展第五次全国经济普查。"]),
        Doc("t12", "/zwgk/tzgg/", "江川市人民政府办公室关于2023年冬季燃气安全专项整治的通知", d("2023-11-28"),
            d("2023-11-24"), "江政办发〔2023〕45号", office, signature=office, sig_label=LABEL,
            body=["各乡（镇）人民政府、街道办事处，市直各部门：", "现就冬季燃气安全专项整治通知如下。"]),
        # -- 财政预算执行 -------------------------------------------------------------------
        *[Doc(f"f{i}", "/zwgk/czyjs/", f"{title}江川市财政预算执行情况", d(pub), publisher="江川市财政局",
              body=[f"{title}，全市一般公共预算收入完成{amount}亿元，同比增长{growth}%。"])
          for i, (title, pub, amount, growth) in enumerate([
              ("2024年上半年", "2024-07-17", "21.36", "3.1"), ("2024年1-5月", "2024-06-18", "17.52", "2.8"),
              ("2024年1-4月", "2024-05-17", "14.09", "2.6"), ("2024年一季度", "2024-04-18", "10.33", "2.4"),
              ("2024年1-2月", "2024-03-15", "6.71", "1.9"), ("2023年全年", "2024-01-19", "40.12", "4.3")])],
        # -- 政府信息公开年报 ---------------------------------------------------------------
        Doc("r2023", "/zwgk/ndbg/", "江川市人民政府2023年政府信息公开工作年度报告", d("2024-03-28"), publisher=office,
            body=["本报告根据《中华人民共和国政府信息公开条例》第五十条的规定编制。", "一、总体情况", "二、主动公开政府信息情况"]),
        Doc("r2022", "/zwgk/ndbg/", "江川市人民政府2022年政府信息公开工作年度报告", d("2023-03-30"), publisher=office,
            body=["本报告根据《中华人民共和国政府信息公开条例》第五十条的规定编制。", "一、总体情况"]),
        # -- 人事信息 (stale) --------------------------------------------------------------
        Doc("h1", "/zwgk/rsxx/", "江川市人民政府关于李振国同志任职的通知", d("2023-05-12"), d("2023-05-10"),
            "江政任〔2023〕6号", gov, signature=gov, sig_label=LABEL, body=["经市人民政府研究决定：任命李振国为江川市审计局副局长。"]),
        Doc("h2", "/zwgk/rsxx/", "江川市人民政府关于陈立新等同志职务任免的通知", d("2022-11-15"), d("2022-11-11"),
            "江政任〔2022〕9号", gov, signature=gov, sig_label=LABEL, body=["经市人民政府研究决定：任命陈立新为江川市水务局局长。"]),
    ]
    docs += [Doc(f"g{i}", "/xwzx/gzdt/", title, d(pub), publisher=src, body=[title + "。", *extra])
             for i, (title, pub, src, extra) in enumerate(TRS_NEWS)]
    return docs


TRS_NEWS = [
    ("江川市召开2024年下半年经济形势分析会", "2024-08-01", "江川市人民政府办公室", ["会议分析了上半年经济运行情况，部署下半年重点工作。"]),
    ("市领导督导检查防汛救灾工作", "2024-07-29", "江川市应急管理局", []),
    ("江川市举行重点项目集中开工仪式", "2024-07-24", "江川市发展和改革局", []),
    ("江川市公安局开展打击整治跨境赌博违法犯罪专项行动", "2024-07-18", "江川市公安局",
     ["专项行动以打击跨境赌博、网络赌博违法犯罪为重点，共破获网络赌博案件12起，依法查处赌博违法人员46人。",
      "公安机关提醒广大群众：远离赌博，拒绝参与任何形式的赌博活动，发现线索请拨打110举报。"]),
    ("江川市2024年夏季高校毕业生招聘会举行", "2024-07-12", "江川市人力资源和社会保障局", []),
    ("江川市召开全市安全生产工作会议", "2024-07-05", "江川市应急管理局", []),
    ("江川市开展“优化营商环境”企业走访活动", "2024-06-27", "江川市发展和改革局", []),
    ("江川市推进农村人居环境整治提升", "2024-06-20", "江川市农业农村局", []),
    ("江川市召开市政府第38次常务会议", "2024-06-14", "江川市人民政府办公室", []),
    ("江川市举行2024年防汛应急演练", "2024-06-06", "江川市应急管理局", []),
    ("江川市开展第23个全国“安全生产月”活动", "2024-06-03", "江川市应急管理局", []),
    ("江川市召开市政府第36次常务会议", "2024-05-24", "江川市人民政府办公室", []),
    ("江川市举办2024年消费季启动仪式", "2024-05-11", "江川市商务局", []),
    ("江川市召开一季度经济运行分析会", "2024-04-22", "江川市人民政府办公室", []),
    ("江川市开展春季植树造林活动", "2024-03-12", "江川市林业和草原局", []),
    ("江川市召开2024年政府工作务虚会", "2024-02-20", "江川市人民政府办公室", []),
    ("江川市春节期间市场供应平稳有序", "2024-02-05", "江川市商务局", []),
    ("江川市召开2023年度总结表彰大会", "2024-01-15", "江川市人民政府办公室", []),
    ("江川市开展冬季安全生产大检查", "2023-12-08", "江川市应急管理局", []),
    ("江川市举行第五次全国经济普查动员会", "2023-11-10", "江川市统计局", []),
]


# Markup added to a few bodies (link.external_unsafe on the https site): a commercial site (played
# by this server under the name localhost: another origin, nothing real contacted), a domain that
# no longer resolves (.invalid), a download in clear on the https page, an image loaded in clear.
TRS_BODY_EXTRA = {
    "g6": '<p>　　企业可登录<a href="{{LOCALHOST_BASE}}ad/index.html" target="_blank">江川优品商城</a>领取消费券。</p>\n',
    "g7": '<p>　　详见<a href="http://www.jcnongye-info.invalid/rjhj/" target="_blank">江川农业信息网</a>。</p>\n',
    "t1": ('<p>　　附件：<a href="{{HTTP_BASE}}files/202407/W020240726400123456789.pdf">'
           '2024年“八一”走访慰问对象名单.pdf</a></p>\n'),
    "g0": '<p style="text-align:center"><img src="{{HTTP_BASE}}images/hy20240801.png" alt="会议现场"></p>\n',
}
TRS_AD_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>江川优品商城 - 限时抢购</title></head>
<body><h1>江川优品商城</h1><p>全场满299减50，扫码领券，限时抢购！</p></body></html>
"""


def trs_url(doc: Doc, ids: Iterator[int]) -> str:
    return f"{doc.column}{doc.pub:%Y%m}/t{doc.pub:%Y%m%d}_{next(ids)}.html"


TRS_PAGER_FUNCS = {
    "createPageHTML4": """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){
		return;
	}
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0)
		document.write("<span class=\\"current\\">1</span>&nbsp;");
	else
		document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">1</a>&nbsp;");
	for(var i=1; i<_nPageCount; i++){
		if(nCurrIndex == i)
			document.write("<span class=\\"current\\">"+(i+1)+"</span>&nbsp;");
		else
			document.write("<a href=\\""+_sPageName+"_" + i + "."+_sPageExt+"\\">"+(i+1)+"</a>&nbsp;");
	}
}""",
    "createPageHTML6": """function createPageHTML(_divId, _nPageCount, _nCurrIndex, _sPageName, _sPageExt, _nPageSum){
	var pageDiv = document.getElementById(_divId);
	if(!pageDiv || _nPageCount <= 1){ return; }
	var html = "共" + _nPageSum + "条 ";
	for(var i=0; i<_nPageCount; i++){
		var href = i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt;
		html += (i == _nCurrIndex) ? "<span>" + (i+1) + "</span> " : "<a href='" + href + "'>" + (i+1) + "</a> ";
	}
	pageDiv.innerHTML = html;
}""",
}


def trs_head(title: str, column: str | None, doc: Doc | None, path: str) -> str:
    metas = [("SiteName", TRS_NAME), ("SiteDomain", "www.jiangchuan.gov.cn"), ("SiteIDCode", "5304000001")]
    if column:
        name, ctype, _ = TRS_COLUMNS[column]
        metas += [("ColumnName", name), ("ColumnDescription", f"江川市人民政府{name}"), ("ColumnKeywords", name),
                  ("ColumnType", ctype)]
    if doc:
        metas += [("ArticleTitle", doc.title), ("PubDate", f"{doc.pub:%Y-%m-%d} 09:30"),
                  ("ContentSource", doc.publisher or TRS_OFFICE), ("Keywords", ""), ("Author", ""),
                  ("Description", doc.title), ("Url", "{{BASE}}" + path.lstrip("/"))]
    meta = "\n".join(f'<meta name="{k}" content="{E(v)}">' for k, v in metas)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<title>{E(title)}</title>
{meta}
<link href="/images/base.css" rel="stylesheet">
</head>
<body>
<div class="topbar"><div class="w1200"><span>欢迎访问江川市人民政府门户网站</span>
<a href="/wza/index.html">无障碍浏览</a></div></div>
<div class="header w1200"><a href="/" class="logo"><img src="/images/logo.png" alt="江川市人民政府"></a>
<form class="search" action="/search/index.html" method="get"><input name="searchWord" value="" placeholder="请输入关键字"><button type="submit">搜索</button></form></div>
<div class="nav"><ul class="w1200">
<li><a href="/">首页</a></li>
<li><a href="{{{{BASE}}}}xwzx/gzdt/">工作动态</a></li>
<li class="has-sub"><a href="/zwgk/">政务公开</a>
  <ul class="sub" style="display:none">
  <li><a href="/zwgk/tzgg/">通知公告</a></li><li><a href="/zwgk/zcwj/">政策文件</a></li>
  <li><a href="/zwgk/zcjd/">政策解读</a></li><li><a href="/zwgk/gfxwj/">规范性文件</a></li>
  <li><a href="/zwgk/czyjs/">财政预算执行</a></li><li><a href="/zwgk/ndbg/">政府信息公开年报</a></li>
  <li><a href="/zwgk/rsxx/">人事信息</a></li><li><a href="/zwgk/ghjh/">规划计划</a></li>
  </ul></li>
<li><a href="/hdjl/">政民互动</a></li>
<li><a href="/zxft/index.html">在线访谈</a></li>
</ul></div>
"""


TRS_FOOTER = """<div class="footer"><div class="w1200">
<p><a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a></p>
<p>主办单位：江川市人民政府办公室　承办单位：江川市大数据中心　联系电话：0877-8012345</p>
<p>网站标识码：5304000001　<span>滇ICP备05001234号-1</span>　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=53040202000123" target="_blank"><img src="/images/ga.png" alt="">滇公网安备 53040202000123号</a></p>
<p><span id="_ideConac"><img id="imgConac" src="/images/red.png" alt="党政机关"></span></p>
</div></div>
</body>
</html>
"""


def trs_breadcrumb(column: str) -> str:
    name = TRS_COLUMNS[column][0]
    top = "工作动态" if column.startswith("/xwzx/") else "政务公开"
    top_href = "/xwzx/gzdt/" if column.startswith("/xwzx/") else "/zwgk/"
    return (f'<div class="crumb w1200">当前位置：<a href="/">首页</a> &gt; <a href="{top_href}">{top}</a> &gt; '
            f'<a href="{column}" class="CurrChnlCls">{name}</a></div>\n')


def trs_list_item(doc: Doc, column: str) -> str:
    href = trs_list_href(doc.url, column)
    if column == "/zwgk/tzgg/":
        return (f'<li><span class="date">[{doc.pub:%m-%d}]</span><a href="{href}" title="{E(doc.title)}" '
                f'target="_blank">{E(doc.title)}</a></li>')
    return (f'<li><a href="{href}" title="{E(doc.title)}" target="_blank">{E(doc.title)}</a>'
            f"<span>{doc.pub:%Y-%m-%d}</span></li>")


def trs_list_pages(column: str, docs: list[Doc]) -> dict[str, str]:
    """Every page of one column: ``index.html``, ``index_1.html``, … with the column's pager."""
    name, _, pager = TRS_COLUMNS[column]
    per = TRS_PER_PAGE.get(column, 10)
    pages = [docs[i:i + per] for i in range(0, len(docs), per)] or [[]]
    out = {}
    for n, chunk in enumerate(pages):
        rel = f"{column}index.html" if n == 0 else f"{column}index_{n}.html"
        body = "\n".join(trs_list_item(x, column) for x in chunk) or '<li class="no-data">暂无信息</li>'
        out[rel] = (trs_head(f"{name}_江川市人民政府", column, None, rel) + trs_breadcrumb(column)
                    + f'<div class="list-box w1200"><div class="list-title">{name}</div>\n<ul class="list">\n{body}\n</ul>\n'
                    + trs_pager(pager, len(pages), n, len(docs)) + "</div>\n" + TRS_FOOTER)
    return out


def trs_pager(style: str, count: int, current: int, total: int) -> str:
    if style == "countPage":
        return f"""<div class="page"><script type="text/javascript">
var currentPage = {current};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
document.write("共"+countPage+"页&nbsp;&nbsp;");
if(countPage>1&&currentPage!=0&&currentPage!=1)
	document.write("<a href=\\"index.html\\">首页</a>&nbsp;<a href=\\"index"+"_" + prevPage + "."+"html\\">上一页</a>&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
	document.write("<a href=\\"index.html\\">首页</a>&nbsp;<a href=\\"index.html\\">上一页</a>&nbsp;");
if(countPage>1&&currentPage!=(countPage-1))
	document.write("<a href=\\"index"+"_" + nextPage + "."+"html\\">下一页</a>&nbsp;<a href=\\"index"+"_" + (countPage-1) + "."+"html\\">尾页</a>");
</script></div>
"""
    func = TRS_PAGER_FUNCS[style]
    call = (f'createPageHTML({count}, {current}, "index", "html");' if style == "createPageHTML4"
            else f"createPageHTML('page_div', {count}, {current}, 'index', 'html', {total});")
    return (f'<script type="text/javascript">\n{func}\n</script>\n'
            f'<div class="page" id="page_div"><script type="text/javascript">{call}</script></div>\n')


def trs_list_href(url: str, column: str) -> str:
    """The relative link TRS writes on a list page: ./202405/t… or ../gfxwj/202405/t…"""
    rel = posixpath.relpath(url, column)
    return rel if rel.startswith("../") else "./" + rel


def trs_xxgk_table(doc: Doc, index_no: str) -> str:
    rows = [("索 引 号：", index_no, "主题分类：", "综合政务"),
            ("发布机构：", doc.publisher, "成文日期：", cn_date(doc.written) if doc.written else ""),
            ("标　　题：", doc.title, None, None),
            ("发文字号：", doc.number or "", "发布日期：", cn_date(doc.pub))]
    if doc.validity is not None:
        rows.append(("有 效 性：", doc.validity, None, None))
    if doc.label_field is not None:
        rows.append(("公开方式：", doc.label_field, None, None))
    cells = []
    for a, b, c, e in rows:
        if c is None:
            cells.append(f'<tr><td class="t">{a}</td><td colspan="3">{E(b)}</td></tr>')
        else:
            cells.append(f'<tr><td class="t">{a}</td><td>{E(b)}</td><td class="t">{c}</td><td>{E(e)}</td></tr>')
    return '<div class="xxgk-info w1200"><table class="xxgk-table" cellspacing="0">\n' + "\n".join(cells) + "\n</table></div>\n"


def trs_article(doc: Doc, by_key: dict[str, Doc], index_no: str) -> str:
    is_doc = bool(doc.number)
    heading = "相关文件" if doc.column == "/zwgk/zcjd/" else "相关解读"
    paras = (paragraphs(doc) + "".join(f'<p>　　附：<a href="{href}">{E(text)}</a></p>\n' for href, text in doc.links)
             + TRS_BODY_EXTRA.get(doc.key, ""))
    attach = (f'<div class="fujian">附件：<a href="{doc.attachment}" target="_blank">江川市优化营商环境若干措施.pdf</a></div>\n'
              if doc.attachment else "")
    stem = doc.url.rsplit("/", 1)[1].removesuffix(".html")
    return (trs_head(f"{doc.title}_江川市人民政府", doc.column, doc, doc.url) + trs_breadcrumb(doc.column)
            + (trs_xxgk_table(doc, index_no) if is_doc else "")
            + f'<div class="article w1200">\n<h1 class="article-title">{E(doc.title)}</h1>\n'
            + (f'<p class="wh">{E(doc.number)}</p>\n' if is_doc else "")
            + f'<div class="article-info">发布时间：{doc.pub:%Y-%m-%d} 09:30　来源：{E(doc.publisher or TRS_OFFICE)}</div>\n'
            + f'<div class="article-content"><div class="TRS_Editor">\n{paras}{signature_block(doc)}</div></div>\n'
            + attach + related_block(doc, by_key, heading)
            + f'<div class="page"><script type="text/javascript">createPageHTML(1, 0, "{stem}", "html");</script></div>\n'
            + "</div>\n" + TRS_FOOTER)


def trs_home(docs: list[Doc]) -> str:
    news = [x for x in docs if x.column == "/xwzx/gzdt/"][:6]
    notices = [x for x in docs if x.column == "/zwgk/tzgg/"][:5]
    policies = [x for x in docs if x.column == "/zwgk/zcwj/"][:5]
    news_li = "".join(f'<li><a href="{x.url}" target="_blank">{E(x.title)}</a><span>{x.pub:%Y-%m-%d}</span></li>\n' for x in news)
    notice_li = "".join(f'<li><a href="{x.url}" target="_blank">{E(x.title)}</a><span>[{x.pub:%m-%d}]</span></li>\n'
                        for x in notices)
    policy_li = "".join(f'<li><a href="{x.url}" target="_blank">{E(x.title)}</a></li>\n' for x in policies)
    return (trs_head("江川市人民政府", None, None, "/") + f"""<div class="main w1200">
<div class="box"><div class="box-title"><a href="/xwzx/gzdt/">工作动态</a><a class="more" href="/xwzx/gzdt/">更多&gt;&gt;</a></div>
<ul class="list">
{news_li}</ul></div>
<div class="box"><div class="box-title"><a href="/zwgk/tzgg/">通知公告</a></div>
<ul class="list">
{notice_li}</ul></div>
<div class="box"><div class="box-title"><a href="/zwgk/zcwj/">政策文件</a></div>
<ul class="list">
{policy_li}</ul></div>
<div class="box zwgk-links"><div class="box-title">政府信息公开</div><ul>
<li><a href="/xxgk/">政府信息公开目录</a></li>
<li><a href="/zwgk/zcjd/">政策解读</a></li>
<li><a href="/zwgk/gfxwj/">规范性文件</a></li>
<li><a href="/zwgk/czyjs/">财政预算执行</a></li>
<li><a href="/zwgk/ndbg/">政府信息公开年报</a></li>
<li><a href="/zwgk/rsxx/">人事信息</a></li>
<li><a href="/zwgk/ghjh/">规划计划</a></li>
</ul></div>
<div class="box ztzl"><div class="box-title">专题专栏</div><ul>
<li><a href="/ztzl/yshj/index.html">优化营商环境专题</a></li>
<li><a href="http://127.0.0.1:9/">江川市政务服务网（旧版）</a></li>
</ul></div>
</div>
""" + TRS_FOOTER)


def trs_static_pages() -> dict[str, str]:
    """The one-box pages the navigation links to (政务公开, 网站地图, …)."""
    columns = "".join(f'<li><a href="{p}">{v[0]}</a></li>' for p, v in TRS_COLUMNS.items())
    simple = {
        "/zwgk/index.html": ("政务公开", columns),
        "/wza/index.html": ("无障碍浏览", "<li>本网站支持无障碍浏览。</li>"),
        "/wzdt/index.html": ("网站地图", columns),
        "/lxwm/index.html": ("联系我们", "<li>地址：江川市人民路1号　电话：0877-8012345</li>"),
        "/search/index.html": ("站内搜索", "<li>请输入关键字进行搜索。</li>"),
    }
    return {rel: trs_head(f"{t}_江川市人民政府", None, None, rel) + f'<div class="main w1200"><h2>{t}</h2><ul>{b}</ul></div>\n'
            + TRS_FOOTER for rel, (t, b) in simple.items()}


TRS_404 = ('<div class="main w1200 err"><h2>404</h2><p>抱歉，您访问的页面不存在或已被删除！</p>'
           '<p><a href="/">返回首页</a></p></div>\n')
TRS_CSS = ("body{margin:0;font:14px/1.8 \"Microsoft YaHei\",SimSun,sans-serif}"
           ".w1200{width:1200px;margin:0 auto}.list li span{float:right;color:#999}"
           ".xxgk-table td{border:1px solid #ddd;padding:4px 8px}.footer{background:#f5f5f5;text-align:center}\n")
TRS_SITE_YAML = """# 江川市人民政府 (TRS WCM style, UTF-8).  Keys: see gongkai/demo/server.py.
not_found: hard
redirects: {"/xxgk/": "/zwgk/"}
status: {"/zxft/index.html": 500}
head_refused: ["/files/"]
blocked: {"/hdjl/": 412}
"""


def trs_columns(docs: list[Doc]) -> dict[str, list[Doc]]:
    """Each column's documents, newest first, reposts (``also_in``) included."""
    columns: dict[str, list[Doc]] = {c: [] for c in TRS_COLUMNS}
    for doc in docs:
        columns[doc.column].append(doc)
        for other in doc.also_in:
            columns[other].append(doc)
    return {column: newest_first(items) for column, items in columns.items()}


def write_assets(root: Path) -> None:
    write_bytes(root, "/files/202404/W020240430512345678901.pdf", tiny_pdf("Jiangchuan business environment"))
    write_bytes(root, "/files/202407/W020240726400123456789.pdf", tiny_pdf("Jiangchuan visit list"))
    write(root, "/ad/index.html", TRS_AD_PAGE)
    for name in ("red.png", "logo.png", "ga.png", "hy20240801.png"):
        write_bytes(root, f"/images/{name}", tiny_png())
    write(root, "/images/base.css", TRS_CSS)


def build(root: Path) -> None:
    """Write the 江川市人民政府 tree under ``root``."""
    docs, ids = trs_docs(), iter(range(1000101, 1009999))
    for doc in docs:
        doc.url = trs_url(doc, ids)
    by_key = {x.key: x for x in docs}
    for column, items in trs_columns(docs).items():
        write_pages(root, trs_list_pages(column, items))
    for n, doc in enumerate(docs, 1):
        write(root, doc.url, trs_article(doc, by_key, f"11530400015234567X/{doc.pub.year}-{n:05d}"))
    write_manifest(root, docs)
    write(root, "/index.html", trs_home(newest_first(docs)))
    write_pages(root, trs_static_pages())
    write(root, "/_404.html", trs_head("404_江川市人民政府", None, None, "/") + TRS_404 + TRS_FOOTER)
    write_assets(root)
    write(root, "/_site.yaml", TRS_SITE_YAML)
