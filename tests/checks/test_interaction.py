"""互动交流: the 咨询建言 channel, reply timeliness (the 3-month veto leg and the regional deadline), published replies."""

from __future__ import annotations

from datetime import date

from gongkai.workdays import add_workdays

H = "http://www.dl.gov.cn/"
BOX = H + "ldxx/"


def _messages(audit, page_url: str, rows: list[dict], source: str = "list", column_url: str = BOX) -> None:
    """Messages as the crawler stores them for one page (list rows, or the message page itself)."""
    audit.store.save_messages(audit.audit_id, audit.site, {"column_url": column_url, "page_url": page_url,
                                                           "page_fp": f"fp-{page_url}", "source": source}, rows)


def _row(n: int, asked: str, replied: str | None = None, status: str | None = None, state: str | None = None,
         reply: str | None = None) -> dict:
    return {"url": f"{BOX}{n}.html", "title": f"留言{n}", "asked_date": asked, "replied_date": replied,
            "status": status, "state": state, "reply": reply}


def _channel_site(audit, *, links: list[dict], box_text: str = "领导信箱 留言列表") -> None:
    audit.page(H, "home", title="大连市人民政府", links=links)
    audit.column("messages", BOX, "领导信箱")
    audit.page(BOX, "list", title="领导信箱", text=box_text, column_type="messages", column_url=BOX)


def test_channel_present(audit) -> None:
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(audit, BOX, [_row(1, "2024-07-01", "2024-07-03", "已回复", "answered")])
    [res] = audit.run("interaction.channel_missing")
    assert res.status == "pass" and res.evidence["channels"][0]["url"] == BOX


def test_xinfang_is_not_a_channel(audit) -> None:
    """Trap: 网上信访 and 纪委书记信箱 links are not 咨询建言 channels."""
    audit.page(H, "home", title="大连市人民政府", links=[
        {"target": H + "xf/", "text": "网上信访"}, {"target": H + "jw/", "text": "纪委书记信箱"},
        {"target": H + "zwgk/", "text": "政务公开"}])
    [res] = audit.run("interaction.channel_missing")
    assert res.status == "fail" and "仅有信访、举报入口" in res.reason
    assert len(res.evidence["excluded"]) == 2


def test_offsite_channel_counts_when_it_answers(audit) -> None:
    target = "http://12345.dl.gov.cn/liuyan/"
    audit.page(H, "home", title="大连市人民政府", links=[{"target": target, "text": "我要留言", "internal": False}])
    audit.probe("link", target, "ok", status=200)
    assert audit.run("interaction.channel_missing")[0].status == "pass"


def test_login_wall_is_unknown(audit) -> None:
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}], box_text="用户登录 请先登录后再写信 用户名 密码")
    [res] = audit.run("interaction.channel_missing")
    assert res.status == "unknown" and "登录" in res.reason
    [hidden] = audit.run("interaction.replies_hidden")
    assert hidden.status == "unknown"


def test_channel_answering_an_error_is_unknown(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BOX, "text": "领导信箱"}])
    audit.column("messages", BOX, "领导信箱", outcome="broken")
    audit.page(BOX, "list", title="500", outcome="broken", status=500, column_type="messages", column_url=BOX)
    assert audit.run("interaction.channel_missing")[0].status == "unknown"


def _deadline(audit, days: int = 10):
    """The reply rule with a regional deadline of ``days`` working days (none is set by default)."""
    rule = audit.rules["interaction.reply_late"]
    return rule.model_copy(update={"params_by_region": {"辽宁": {"reply_working_days": days}}})


def test_reply_late_veto_leg_and_deadline(audit) -> None:
    """as_of 2024-07-15, a regional deadline of 10 working days, 3 months for the veto leg."""
    last_day = add_workdays(date(2024, 4, 30), 10)
    assert last_day == date(2024, 5, 16)   # 五一 off, Sat 05-11 worked (调休)
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(audit, BOX, [
        _row(1, "2024-04-30", "2024-05-16", "已回复"),          # trap: answered on the last allowed working day
        _row(2, "2024-04-30", "2024-05-17", "已回复"),          # one working day late: deduction, no veto
        _row(3, "2024-03-01", None, "未回复"),                   # unanswered for more than 3 months: veto leg
        _row(4, "2024-01-10", "2024-05-20", "已答复"),          # answered after 4 months: veto leg
        _row(5, "2023-06-01", None, "未回复"),                   # trap: older than 12 months, out of scope
        _row(6, "2024-07-10", None, "办理中"),                   # still within the deadline
        _row(7, "2024-06-01", None, None),                       # the list does not say
        _row(8, "2024-06-02", None, "不予受理"),                 # not a valid message
    ])
    default = {r.subject.rsplit("/", 1)[-1]: r for r in audit.run("interaction.reply_late")}
    assert default["2.html"].status == "pass"          # no deadline in working days unless a region sets one
    assert default["3.html"].status == "fail" and default["3.html"].evidence["overdue"] is True
    res = {r.subject.rsplit("/", 1)[-1]: r for r in audit.run("interaction.reply_late", _deadline(audit))}
    assert res["1.html"].status == "pass"
    assert res["2.html"].status == "fail" and res["2.html"].evidence["overdue"] is False
    assert res["2.html"].evidence["deadline"] == "2024-05-16" and res["2.html"].period == "2024-04"
    assert res["3.html"].status == "fail" and res["3.html"].evidence["overdue"] is True
    assert res["4.html"].status == "fail" and res["4.html"].evidence["overdue"] is True
    assert res["5.html"].status == "not_applicable"
    assert res["6.html"].status == "pass"
    assert res["7.html"].status == "unknown"
    assert res["8.html"].status == "not_applicable"


def test_message_page_completes_the_list_row(audit) -> None:
    """The list says nothing; the message page says 暂无回复 (pending): unanswered."""
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(audit, BOX, [_row(1, "2024-02-01")])
    _messages(audit, f"{BOX}1.html", [_row(1, "2024-02-01", state="pending")], source="page")
    [res] = audit.run("interaction.reply_late")
    assert res.status == "fail" and res.evidence["sources"] == ["page", "list"]


def test_a_page_that_does_not_say_is_no_unanswered_message(audit) -> None:
    """Trap: a message page whose reply the parser did not recognise is unknown, never "仍未答复"."""
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(audit, f"{BOX}1.html", [_row(1, "2024-02-01")], source="page")
    [res] = audit.run("interaction.reply_late")
    assert res.status == "unknown" and "未显示答复状态" in res.reason


def test_a_message_in_progress_is_not_answered_by_its_processing_date(audit) -> None:
    """State pending with a date (处理时间 read as a reply date): still unanswered after 3 months."""
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(audit, BOX, [_row(1, "2024-02-01", "2024-02-05", "办理中", "pending")])
    [res] = audit.run("interaction.reply_late")
    assert res.status == "fail" and res.evidence["overdue"] is True and res.evidence["replied"] is None


def test_reply_deadline_without_a_calendar_is_unknown(make_audit) -> None:
    audit = make_audit(period="2040Q1", as_of=date(2040, 3, 1))
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(audit, BOX, [_row(1, "2040-02-01", "2040-02-20", "已回复"),
                           _row(2, "2040-02-20", "2040-02-22", "已回复")])   # within 10 calendar days: on time
    res = {r.subject.rsplit("/", 1)[-1]: r for r in audit.run("interaction.reply_late", _deadline(audit))}
    assert res["1.html"].status == "unknown" and "工作日历" in res["1.html"].reason
    assert res["2.html"].status == "pass"


def test_replies_hidden(make_audit) -> None:
    hidden = make_audit()
    _channel_site(hidden, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(hidden, BOX, [_row(1, "2024-07-01"), _row(2, "2024-07-02")])
    [res] = hidden.run("interaction.replies_hidden")
    assert res.status == "fail" and res.subject == BOX and res.evidence["messages"] == 2
    shown = make_audit()
    _channel_site(shown, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(shown, BOX, [_row(1, "2024-07-01"), _row(2, "2024-07-02", "2024-07-05", "已回复", "answered")])
    assert shown.run("interaction.replies_hidden")[0].status == "pass"
    empty = make_audit()
    _channel_site(empty, links=[{"target": BOX, "text": "领导信箱"}])
    assert empty.run("interaction.replies_hidden")[0].status == "fail"


def test_replies_hidden_unknown_when_the_column_was_not_read_whole(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BOX, "text": "领导信箱"}])
    audit.column("messages", BOX, "领导信箱", coverage="incomplete", coverage_reason="列表第2页抓取失败（HTTP 500）")
    audit.page(BOX, "list", title="领导信箱", text="领导信箱", column_type="messages", column_url=BOX)
    _messages(audit, BOX, [_row(1, "2024-07-01")])
    [res] = audit.run("interaction.replies_hidden")
    assert res.status == "unknown" and res.evidence["seen"]["status"] == "fail"


def test_channel_that_is_gone_fails(audit) -> None:
    """A 404 channel is no working channel (a 5xx one may work another time: unknown, above)."""
    target = "http://12345.dl.gov.cn/gone/"
    audit.page(H, "home", title="大连市人民政府", links=[{"target": target, "text": "市长信箱", "internal": False}])
    audit.probe("link", target, "broken", status=404, reason="HTTP 404")
    [res] = audit.run("interaction.channel_missing")
    assert res.status == "fail" and "无法使用" in res.reason


def test_regional_deadline_overrides_the_default(audit) -> None:
    """A region's own deadline (params_by_region, matched by prefix: 辽宁 covers 辽宁省大连市) decides."""
    rule = audit.rules["interaction.reply_late"].model_copy(update={"params_by_region": {"辽宁": {"reply_working_days": 5}}})
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}])
    _messages(audit, BOX, [_row(1, "2024-07-01", "2024-07-09", "已回复")])   # 6th working day
    assert audit.run("interaction.reply_late")[0].status == "pass"           # no deadline by default
    [res] = audit.run("interaction.reply_late", rule)
    assert res.status == "fail" and res.evidence["deadline"] == "2024-07-08" and res.evidence["working_days"] == 5


def test_a_channel_not_read_whole_leaves_the_veto_undecided(audit) -> None:
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BOX, "text": "领导信箱"}])
    audit.column("messages", BOX, "领导信箱", coverage="incomplete", coverage_reason="翻页达到上限（max_list_pages=1）")
    audit.page(BOX, "list", title="领导信箱", text="领导信箱", column_type="messages", column_url=BOX)
    _messages(audit, BOX, [_row(1, "2024-07-01", "2024-07-03", "已回复")])
    res = audit.by_subject("interaction.reply_late")
    assert res[f"{BOX}1.html"].status == "pass"
    assert res[BOX].status == "unknown" and "翻页达到上限" in res[BOX].reason


def test_replies_published_in_another_channel(audit) -> None:
    """Trap: a write-a-letter column whose replies are published in 留言选登 is no finding."""
    form = H + "xx/"
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}, {"target": form, "text": "我要写信"}])
    audit.column("messages", form, "我要写信")
    audit.page(form, "list", title="我要写信", text="我要写信 姓名 电话 内容 提交", column_type="messages", column_url=form)
    _messages(audit, BOX, [_row(1, "2024-07-01", "2024-07-03", "已回复", "answered")])
    res = audit.by_subject("interaction.replies_hidden")
    assert res[BOX].status == "pass"
    assert res[form].status == "not_applicable" and "领导信箱" in res[form].reason


def test_a_list_layout_not_read_is_unknown(audit) -> None:
    """The list shows 6 items, the message reader read none: unknown, not N/A nor fail."""
    audit.page(H, "home", title="大连市人民政府", links=[{"target": BOX, "text": "领导信箱"}])
    audit.column("messages", BOX, "领导信箱")
    audit.page(BOX, "list", title="领导信箱", text="领导信箱", column_type="messages", column_url=BOX,
               list_items=[{"title": f"留言{n}", "url": f"{BOX}{n}.html", "date": "2024-07-01"} for n in range(6)])
    [late] = audit.run("interaction.reply_late")
    assert late.status == "unknown" and "列表格式未识别" in late.reason
    [hidden] = audit.run("interaction.replies_hidden")
    assert hidden.status == "unknown" and "列表格式未识别" in hidden.reason


def test_a_page_that_only_loads_is_no_working_channel(audit) -> None:
    """Trap: a 领导信箱 column that says 暂无信息 (no message, no form, no 我要写信 link) is unknown."""
    _channel_site(audit, links=[{"target": BOX, "text": "领导信箱"}], box_text="领导信箱 暂无信息")
    [res] = audit.run("interaction.channel_missing")
    assert res.status == "unknown" and "未见留言" in res.reason


def test_a_section_is_judged_by_the_channels_below_it(make_audit) -> None:
    """互动交流 is a section: only 信访/访谈 below it is no channel; a 市长信箱 with a form below it is."""
    sec = H + "hdjl/"
    bare = make_audit()
    bare.page(H, "home", title="大连市人民政府", links=[{"target": sec, "text": "互动交流"}])
    bare.column("messages", sec, "互动交流")
    bare.page(sec, "list", title="互动交流", text="网上信访 在线访谈", column_type="messages", column_url=sec,
              links=[{"target": H + "xf/", "text": "网上信访"}, {"target": H + "ft/", "text": "在线访谈"}])
    assert bare.run("interaction.channel_missing")[0].status == "unknown"
    full = make_audit()
    full.page(H, "home", title="大连市人民政府", links=[{"target": sec, "text": "互动交流"}])
    full.column("messages", sec, "互动交流")
    full.page(sec, "list", title="互动交流", text="市长信箱 网上信访", column_type="messages", column_url=sec,
              links=[{"target": H + "xf/", "text": "网上信访"}, {"target": BOX, "text": "市长信箱"}])
    full.page(BOX, "list", title="市长信箱", snapshot="<html><body><form><textarea name='c'></textarea></form></body></html>")
    [res] = full.run("interaction.channel_missing")
    assert res.status == "pass" and res.reason.endswith("市长信箱")
    assert any(c["found_as"] == "“互动交流”下链接" and c["state"] == "ok" for c in res.evidence["channels"])
