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
