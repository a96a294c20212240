"""A small audit in a real store: three sites with realistic results, columns and errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gongkai.store import Store, to_json

RULES_YAML = """\
rules:
  - id: interpretation.late
    kind: interpretation_timeliness
    severity: medium
    params: {working_days: 3}
    title: 政策解读发布不及时
    message: "《{policy}》{policy_date}发布，解读{interp_date}发布，超过{working_days}个工作日"
    remediation: 政策文件与解读材料同步起草、同步审签、同步发布
    source:
      - {doc: 辽宁省人民政府办公厅关于贯彻落实国务院办公厅《2017年政务公开工作要点》工作安排的通知, clause: 二（五）, status: notice}
  - id: interpretation.missing
    kind: interpretation_presence
    severity: high
    title: 政策文件未发布解读
    message: "《{policy}》未发布政策解读"
    remediation: 按照“谁起草、谁解读”的原则补发解读材料
    source:
      - {doc: 辽宁省人民政府办公厅关于贯彻落实国务院办公厅《2017年政务公开工作要点》工作安排的通知, clause: 二（五）, status: notice}
  - id: column.stale
    kind: column_freshness
    severity: high
    title: 栏目不更新
    message: "栏目“{column}”最新信息日期为{newest}"
    remediation: 及时更新栏目内容，无内容可更新的栏目应整合或关停
    source:
      - {doc: 《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）, clause: 单项否决指标 栏目不更新, status: notice}
  - id: site.unreachable
    kind: site_reachability
    severity: high
    veto: true
    title: 站点无法访问
    message: 首页无法访问
    remediation: 排查服务器与网络故障
    source:
      - {doc: 《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）, clause: 单项否决指标, status: notice}
  - id: content.hidden_link
    kind: hidden_links
    severity: high
    title: 页面含指向非政府网站的隐藏链接（暗链）
    message: 页面含隐藏链接
    remediation: 删除隐藏链接，排查网站是否被入侵篡改
    source:
      - {doc: gongkai 项目约定, clause: 暗链, status: project}
  - id: link.broken
    kind: link_availability
    severity: low
    title: 链接不可用
    message: 链接无法访问
    remediation: 修复或删除失效链接
    source:
      - {doc: 《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）, clause: 扣分指标 功能设计 可用性, status: notice}
"""

HOSTILE_TITLE = '<script>alert("x")</script>关于印发《沈阳市优化营商环境条例》的通知'
HOSTILE_SUBJECT = "javascript:alert(document.cookie)"
FORMULA_TEXT = '=HYPERLINK("http://evil.example/","点击")'
# 抓取覆盖 of shenyang's two columns: news fully covered, policy_docs missing a list page
COMPLETE_COVERAGE = {"announced_records": 137, "announced_pages": 7, "list_pages": 3, "list_pages_failed": 0,
                     "items_listed": 60, "items_in_window": 23, "articles_fetched": 23, "articles_failed": 0,
                     "coverage": "complete", "coverage_reason": None}
INCOMPLETE_REASON = "列表第3页抓取失败（HTTP 503）"
INCOMPLETE_COVERAGE = {"announced_records": 412, "announced_pages": 21, "list_pages": 2, "list_pages_failed": 1,
                       "items_listed": 40, "items_in_window": 31, "articles_fetched": 29, "articles_failed": 2,
                       "coverage": "incomplete", "coverage_reason": INCOMPLETE_REASON}


def _result(rule: str, subject: str, status: str, message: str = "", evidence: dict | None = None,
            period: str | None = None, reason: str = "") -> dict:
    return {"rule": rule, "subject": subject, "status": status, "period": period, "reason": reason,
            "message": message, "evidence_json": to_json(evidence or {})}


def _shenyang(store: Store, audit: int) -> None:
    home = "http://www.shenyang.gov.cn/"
    store.upsert_site(audit, {"site": "shenyang", "name": "沈阳市人民政府", "home": home, "kind": "government",
                              "region": "辽宁", "origins_json": to_json(["http://www.shenyang.gov.cn:80"])})
    news = "http://www.shenyang.gov.cn/zwgk/zwdt/"
    store.save_column(audit, {"site": "shenyang", "type": "news", "name": "政务动态", "url": news,
                              "how_found": "discovered", "outcome": "ok", **COMPLETE_COVERAGE})
    store.save_column(audit, {"site": "shenyang", "type": "policy_docs", "name": FORMULA_TEXT,
                              "url": "http://www.shenyang.gov.cn/zwgk/zcwj/", "how_found": "config", "outcome": "ok",
                              **INCOMPLETE_COVERAGE})
    policy = "http://www.shenyang.gov.cn/zwgk/zcwj/202404/t20240403_123456.html"
    store.replace_results(audit, "shenyang", [
        _result("site.unreachable", home, "pass"),
        _result("interpretation.late", policy, "fail", message=FORMULA_TEXT,
                evidence={"policy_date": "2024-04-03", "interp_date": "2024-04-12", "title": HOSTILE_TITLE,
                          "pages": [f"http://www.shenyang.gov.cn/p{i}.html" for i in range(30)]}),
        _result("interpretation.late", "http://www.shenyang.gov.cn/zwgk/zcwj/202405/t20240510_2.html", "pass"),
        _result("interpretation.missing", policy, "pass"),
        _result("interpretation.missing", "http://www.shenyang.gov.cn/zwgk/zcwj/202405/t20240510_2.html", "pass"),
        _result("interpretation.missing", "http://www.shenyang.gov.cn/zwgk/zcwj/202406/t20240601_3.html", "fail",
                message="《沈阳市城市更新管理办法》未发布政策解读"),
        _result("interpretation.missing", "http://www.shenyang.gov.cn/zwgk/zcwj/202406/t20240628_4.html",
                "not_applicable", reason="解读期限未到"),
        _result("column.stale", news, "pass"),
        _result("link.broken", HOSTILE_SUBJECT, "fail", message=HOSTILE_TITLE,
                evidence={"linked_from": [home], "status": 404}),
        _result("link.broken", "http://www.shenyang.gov.cn/attach/2024.doc", "fail", message="链接返回404",
                evidence={"linked_from": [policy], "status": 404}),
        _result("link.broken", "http://www.ln.gov.cn/", "pass"),
        _result("link.broken", "https://www.beian.gov.cn/", "unknown", reason="412 反爬拦截"),
    ])
    store.record_error(audit, "shenyang", "extract", policy, "附件表格解析失败")


def _dalian(store: Store, audit: int) -> None:
    """A department whose news columns went stale and whose home page is unreachable."""
    home = "http://fgw.dl.gov.cn/"
    store.upsert_site(audit, {"site": "dl-fgw", "name": "大连市发展和改革委员会", "home": home, "kind": "department",
                              "region": "辽宁", "origins_json": to_json([])})
    rows = [_result("site.unreachable", home, "fail", message="首页3次访问均超时",
                    evidence={"attempts": 3, "timeout_s": 15})]
    for n in range(6):
        url = f"http://fgw.dl.gov.cn/col/col{n}/index.html"
        store.save_column(audit, {"site": "dl-fgw", "type": "news" if n < 4 else "notices", "name": f"栏目{n}",
                                  "url": url, "how_found": "discovered", "outcome": "ok"})
        rows.append(_result("column.stale", url, "fail", message=f"栏目{n}超过2周未更新"))
    store.replace_results(audit, "dl-fgw", rows)


def _blocked(store: Store, audit: int) -> None:
    """A site behind an anti-bot challenge: nothing could be decided."""
    home = "https://www.anshan.gov.cn/"
    store.upsert_site(audit, {"site": "anshan", "name": "鞍山市人民政府", "home": home, "kind": "government",
                              "region": "辽宁", "origins_json": to_json([])})
    store.replace_results(audit, "anshan", [
        _result("site.unreachable", home, "unknown", reason="412 瑞数挑战页"),
        _result("column.stale", "https://www.anshan.gov.cn/zwdt/", "unknown", reason="列表需执行JS"),
    ])
    store.record_error(audit, "anshan", "crawl", home, "HTTP 412: anti-bot challenge")


@pytest.fixture
def rules_path(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES_YAML, encoding="utf-8")
    return path


@pytest.fixture
def audit_store(tmp_path: Path) -> tuple[Store, int]:
    store = Store(tmp_path / "gongkai.sqlite")
    audit = store.create_audit("辽宁省政府网站2024年第二季度检查", "2024Q2", date(2024, 6, 30), {"sites": []})
    _shenyang(store, audit)
    _dalian(store, audit)
    _blocked(store, audit)
    store.record_error(audit, None, "crawl", "targets", "DNS 解析失败: www.example.gov.cn")
    store.mark_audit(audit, crawled_at="2024-07-01T02:00:00+00:00", crawl_state="finished",
                     crawl_close_reason="finished", checked_at="2024-07-01T03:00:00+00:00", check_state="finished")
    yield store, audit
    store.close()


# -- a town whose hacked template repeats one 暗链 on many pages, with snapshots ---------------------

TOWN_HOME = "http://www.qs.gov.cn/"
HACKED_REASON = "4个隐藏链接指向非政府域名：www.88xpj-vip.invalid"


def town_page(n: int) -> str:
    return f"{TOWN_HOME}xwdt/2024{n:02d}/{n}.shtml" if n else TOWN_HOME


def page_html(url: str, extra: str = "") -> str:
    return (f"<html><head><title>青松镇</title><script>alert('run')</script></head>"
            f"<body onload=\"alert(1)\"><p>{url}</p><div style=\"left:-9999px\"><a href=\"http://www.88xpj-vip.invalid/\">"
            f"澳门威尼斯人</a></div>{extra}</body></html>")


def save_town(store: Store, audit: int, *, pages: int = 18, fetched_at: str = "2024-07-01T02:00:00+00:00",
              reverse: bool = False, unreachable: bool = False, extra_results: list[dict] | None = None) -> None:
    """A township: ``pages`` pages share one hacked template; ``reverse`` stores everything in the other order."""
    import hashlib

    store.upsert_site(audit, {"site": "qingsong", "name": "青松镇人民政府", "home": TOWN_HOME, "kind": "township",
                              "region": "云南", "origins_json": to_json([])})
    order = list(range(pages))[::-1] if reverse else list(range(pages))
    results = []
    for n in order:
        url = town_page(n)
        html = page_html(url)
        body = html.encode("utf-8")
        store.save_page(audit, {"page": {"site": "qingsong", "url": url, "final_url": url, "status": 200,
                                         "content_type": "text/html", "encoding": "utf-8", "size": len(body),
                                         "sha256": hashlib.sha256(body).hexdigest(), "fetched_at": fetched_at,
                                         "kind": "home" if n == 0 else "article", "title": "青松镇",
                                         "snapshot": html, "outcome": "ok"}})
        links = [{"target": "http://www.88xpj-vip.invalid/", "text": "澳门威尼斯人", "how": "off-screen"},
                 {"target": "http://www.88xpj-vip.invalid/cp/", "text": "时时彩", "how": "off-screen"}]
        results.append(_result("content.hidden_link", url, "fail", message="页面含指向非政府网站的隐藏链接",
                               reason=HACKED_REASON,
                               evidence={"hosts": ["www.88xpj-vip.invalid"], "hidden": 4, "url": url,
                                         "links": links[::-1] if reverse else links}))
    results.append(_result("interpretation.late", f"{TOWN_HOME}zcwj/1.shtml", "fail", reason="解读晚于期限",
                           message="解读晚于期限", evidence={"policy_date": "2024-04-03", "interp_date": "2024-04-12"}))
    results.append(_result("link.broken", "http://www.qs.gov.cn/old.doc", "fail", reason="链接不可用：HTTP 404",
                           evidence={"status": 404, "linked_from": [{"page": TOWN_HOME, "text": "附件"}]}))
    results.append(_result("site.unreachable", TOWN_HOME, "fail" if unreachable else "pass",
                           reason="首页3次探测均失败" if unreachable else "",
                           evidence={"tried": [{"attempt": 1, "at": fetched_at, "outcome": "broken"}]}))
    results.append(_result("column.stale", f"{TOWN_HOME}xxgk/", "unknown", reason="列表需执行JS"))
    results.extend(extra_results or [])
    store.replace_results(audit, "qingsong", results[::-1] if reverse else results)


def new_audit(store: Store, period: str = "2024Q2", as_of: date = date(2024, 6, 30)) -> int:
    audit = store.create_audit("云南省政府网站检查", period, as_of, {"sites": []})
    store.mark_audit(audit, crawled_at="2024-07-01T02:00:00+00:00", crawl_state="finished",
                     crawl_close_reason="finished", checked_at="2024-07-01T03:00:00+00:00", check_state="finished")
    return audit


def refuse_to_render_the_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the town's home page one that cannot be rendered (lxml's complaint about a character)."""
    from gongkai.reports import snapshots

    real = snapshots.render

    def refuse(page, state, also):  # noqa: ANN001, ANN202 - render's signature
        if page.url == TOWN_HOME:
            raise ValueError("All strings must be XML compatible")
        return real(page, state, also)

    monkeypatch.setattr(snapshots, "render", refuse)
