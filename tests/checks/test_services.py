"""办事服务: a service entry (own column or the province's 政务服务网) and complete 办事指南."""

from __future__ import annotations

import pytest

from gongkai.checks.engine import RulesError, load_rules

H = "http://www.dl.gov.cn/"
BS = H + "bsfw/"
FOOTER = "主办：大连市人民政府办公室 联系电话：0411-83600000 网站标识码：2102000001"
COMPLETE = "\n".join([
    "居住证办理办事指南", "事项名称", "居住证签发", "法律依据", "《居住证暂行条例》第九条",   # 设定依据 under a synonym
    "受理条件：在本市居住半年以上", "申请材料：身份证、居住证明", "办理地点：市政务服务中心一楼",
    "办理时间：工作日9:00-17:00", "咨询电话：0411-12345", "办理流程", "受理、审核、发证"])
PARTIAL = "\n".join([
    "营业执照办事指南", "一、事项名称：营业执照", "二、设定依据：《市场主体登记管理条例》",
    "三、申请条件：有固定场所", "四、办理材料：申请书", "五、办理地点：政务服务中心"])


def _guide(audit, n: int, title: str, text: str) -> None:
    url = f"{BS}{n}.html"
    audit.page(url, "article", title=title, text=text + "\n" + FOOTER, column_type="services", column_url=BS,
               identity={"footer_text": FOOTER})


def test_guides_complete_and_incomplete(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    _guide(audit, 1, "居住证办理办事指南", COMPLETE)
    _guide(audit, 2, "营业执照办事指南", PARTIAL)
    _guide(audit, 3, "市政务服务中心开展志愿服务活动", "市政务服务中心开展志愿服务活动，窗口人员……")  # not a guide
    res = audit.by_subject("service.guide_incomplete")
    assert set(res) == {f"{BS}1.html", f"{BS}2.html"}
    ok, partial = res[f"{BS}1.html"], res[f"{BS}2.html"]
    assert ok.status == "pass" and "设定依据（法律依据）" in ok.evidence["found"]
    # 联系电话 is only in the site footer: the guide itself lacks it
    assert partial.status == "fail" and partial.evidence["missing"] == ["办理时间", "联系电话/咨询方式", "办理流程"]
    assert audit.run("service.missing")[0].status == "pass"


def test_platform_link_is_a_service_entry(audit) -> None:
    """Trap: the service column only links to the province's 政务服务网: an entry, guides not judged."""
    audit.page(H, "home", title="大连市人民政府", links=[
        {"target": "https://www.lnzwfw.gov.cn/", "text": "办事服务", "internal": False},
        {"target": H + "zwgk/", "text": "政务公开"}])
    [entry] = audit.run("service.missing")
    assert entry.status == "pass" and entry.evidence["platform_links"][0]["url"] == "https://www.lnzwfw.gov.cn/"
    [guides] = audit.run("service.guide_incomplete")
    assert guides.status == "not_applicable"


def test_service_column_with_only_platform_links(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    audit.page(BS, "list", title="办事服务", text="请前往辽宁政务服务网办理", column_type="services", column_url=BS,
               links=[{"target": "https://www.lnzwfw.gov.cn/", "text": "辽宁政务服务网", "internal": False}])
    assert audit.run("service.missing")[0].status == "pass"
    [guides] = audit.run("service.guide_incomplete")
    assert guides.status == "not_applicable" and guides.subject == BS


def test_no_service_entry(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": H + "zwgk/", "text": "政务公开"},
                                                          {"target": "http://www.gov.cn/", "text": "中国政府网"}])
    [res] = audit.run("service.missing")
    assert res.status == "fail"


def test_unknown_element_is_refused(tmp_path) -> None:
    text = (tmp_path / "r.yaml")
    text.write_text("rules:\n  - id: service.guide_incomplete\n    kind: service_guide_elements\n    severity: high\n"
                    "    title: t\n    message: m\n    params: {elements: [name, bogus]}\n"
                    "    source: [{doc: d, status: project}]\n", encoding="utf-8")
    with pytest.raises(RulesError, match="bogus"):
        load_rules(text)


def test_service_column_linking_only_to_the_platform_is_no_blank_column(audit) -> None:
    """Trap: column.empty leaves 办事服务 and 咨询建言 columns to their own rules."""
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    audit.page(BS, "list", title="办事服务", text="请前往辽宁政务服务网办理", column_type="services", column_url=BS,
               links=[{"target": "https://www.lnzwfw.gov.cn/", "text": "辽宁政务服务网", "internal": False}])
    audit.column("notices", H + "tzgg/", "通知公告")
    res = audit.by_subject("column.empty")
    assert res[BS].status == "not_applicable" and res[H + "tzgg/"].status == "fail"


@pytest.mark.parametrize("host", ["https://www.zjzwfw.gov.cn/", "http://www.gdzwfw.gov.cn/", "http://www.jszwfw.gov.cn/",
                                  "https://gjzwfw.www.gov.cn/", "http://zwfw-new.hunan.gov.cn/", "https://zwdt.sh.gov.cn/",
                                  "https://banshi.beijing.gov.cn/", "https://zwykb.cq.gov.cn/"])
def test_province_platform_by_its_host_alone(audit, host: str) -> None:
    """The link text names nothing (a logo); the host alone is the 政务服务网."""
    audit.page(H, "home", title="大连市人民政府", links=[{"target": host, "text": "", "internal": False}])
    assert audit.run("service.missing")[0].status == "pass"


def test_platform_app_name_is_an_entry(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": "http://app.example.cn/", "text": "浙里办", "internal": False}])
    assert audit.run("service.missing")[0].status == "pass"


def test_a_headline_naming_a_service_word_is_no_entry(audit) -> None:
    """Trap: news items on the home page that mention 便民服务/政务服务 are not a service entry."""
    audit.page(H, "home", title="大连市人民政府", links=[
        {"target": H + "xw/202406/t20240601_1.html", "text": "我市便民服务再升级"},
        {"target": H + "xw/2.html", "text": "市政务服务中心开展志愿服务活动"},
        {"target": H + "xw/202406/t20240602_3.html", "text": "政务服务"}])
    assert audit.run("service.missing")[0].status == "fail"


def test_an_empty_service_column_is_no_entry(audit) -> None:
    """A 办事服务 column that shows nothing and links nowhere: service.missing fails, column.empty judges it."""
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    audit.page(BS, "list", title="办事服务", text="暂无信息", column_type="services", column_url=BS)
    [res] = audit.run("service.missing")
    assert res.status == "fail" and "无任何事项" in res.reason
    assert audit.by_subject("column.empty")[BS].status == "fail"


FORMATTED = "\n".join([
    "■事 项 名 称：居住证签发", "1.1 设定依据", "《居住证暂行条例》", "设定依据及法律依据：同上",
    "申请条件：居住半年以上", "申请材料目录：身份证", "办理地点", "一楼", "办理时间", "工作日", "联系电话",
    "0411-83600000", "办理流程图"])


def test_complete_guides_in_other_layouts(audit) -> None:
    """Letter-spaced labels, markers, suffixes, and a table cell that also occurs in the footer."""
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    _guide(audit, 1, "居住证签发", FORMATTED)
    [res] = audit.run("service.guide_incomplete")
    assert res.status == "pass", res.evidence


def test_a_title_alone_is_no_guide_and_attachment_guides(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    _guide(audit, 1, "关于印发《企业开办指南》的通知", "各区县：现将《企业开办指南》印发给你们。")
    for n in (2, 3):
        url = f"{BS}{n}.html"
        audit.document(url, f"营业执照办事指南{n}", "2024-05-01", column_type="services", column_url=BS,
                       body_text="详见附件", attachments=[{"url": f"{BS}{n}.docx", "text": "附件"}])
    audit.store.save_attachment(audit.audit_id, {
        "site": audit.site, "document_url": f"{BS}2.html", "url": f"{BS}2.docx", "link_text": "附件",
        "final_url": f"{BS}2.docx", "status": 200, "content_type": "application/docx", "size": 10, "sha256": "x",
        "file_type": "docx", "outcome": "ok", "reason": None, "text": COMPLETE, "truncated": False,
        "fetched_at": "2024-07-15T02:00:00+00:00"})
    res = audit.by_subject("service.guide_incomplete")
    assert f"{BS}1.html" not in res
    assert res[f"{BS}2.html"].status == "pass" and res[f"{BS}2.html"].evidence["attachment"] == f"{BS}2.docx"
    assert res[f"{BS}3.html"].status == "unknown" and "附件" in res[f"{BS}3.html"].reason


def test_only_official_elements_count_toward_the_veto(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    _guide(audit, 1, "营业执照办事指南", PARTIAL)                              # lacks only project elements
    _guide(audit, 2, "居住证办事指南", "事项名称：居住证\n办理地点：一楼\n办理时间：工作日\n联系电话：1\n办理流程：受理")
    res = audit.by_subject("service.guide_incomplete")
    assert res[f"{BS}1.html"].evidence["veto_leg"] is False
    assert res[f"{BS}2.html"].status == "fail" and res[f"{BS}2.html"].evidence["veto_leg"] is True


def test_a_services_column_never_fetched_is_no_entry_and_no_absence(audit) -> None:
    """The page budget refused the column (``pending``): neither 有办事服务栏目 nor 无指南 was seen."""
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务", outcome="pending", coverage="incomplete",
                 coverage_reason="站点页面预算用尽（max_pages_per_site=5）")
    [entry] = audit.run("service.missing")
    assert entry.status == "unknown" and "办事服务栏目无法打开" in entry.reason
    [guides] = audit.run("service.guide_incomplete")
    assert guides.status == "unknown" and guides.reason.startswith("未读到本站办事指南")


@pytest.mark.parametrize(("outcome", "coverage", "why"), [
    ("blocked", "incomplete", "办事服务栏目无法打开"),       # a WAF answered 412
    ("ok", "incomplete", "结论无法判断"),                   # listed guides the crawl did not fetch
])
def test_guides_not_read_are_unknown_not_absent(audit, outcome: str, coverage: str, why: str) -> None:
    """The 服务不实用 veto must not read "not tripped" on guides nobody read."""
    audit.page(H, "home", title="大连市人民政府", links=[
        {"target": BS, "text": "办事服务"}, {"target": "https://www.lnzwfw.gov.cn/", "text": "辽宁政务服务网"}])
    audit.column("services", BS, "办事服务", outcome=outcome, coverage=coverage,
                 coverage_reason="30篇期内文章未抓取")
    [guides] = audit.run("service.guide_incomplete")
    assert guides.status == "unknown" and why in guides.reason


def test_an_empty_services_column_beside_one_never_read_is_no_missing_entry(audit) -> None:
    """The entry may be the column nobody read: unknown, not the 服务不实用 veto's fail."""
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BS, "text": "办事服务"}])
    audit.column("services", BS, "办事服务")
    audit.column("services", H + "zwfw/", "政务服务", outcome="pending", coverage="incomplete",
                 coverage_reason="站点页面预算用尽（max_pages_per_site=5）")
    [entry] = audit.run("service.missing")
    assert entry.status == "unknown" and "政务服务" in entry.reason
