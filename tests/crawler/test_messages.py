"""Messages (留言/来信) of a 咨询建言 channel: list rows in the common layouts, message pages, and a crawl."""

from __future__ import annotations

from datetime import date

from gongkai import store as st
from gongkai.checks.engine import run_checks
from gongkai.crawler.dialects.messages import message_rows
from gongkai.crawler.extract.message import extract_message
from gongkai.crawler.markup import parse_document
from gongkai.demo.server import SiteServer
from tests.crawler.sites import FOOTER, META, write_tree
from tests.crawler.test_spider import run_crawl

U = "http://www.jc.gov.cn/ldxx/"


def test_table_with_header_columns_in_any_order() -> None:
    html = """<table><tr><th>状态</th><th>信件标题</th><th>答复时间</th><th>来信时间</th></tr>
    <tr><td>已答复</td><td><a href="1.html">路灯</a></td><td>2024-05-10</td><td>2024-05-06</td></tr>
    <tr><td>办理中</td><td><a href="2.html">噪音</a></td><td></td><td>2024-05-08</td></tr></table>"""
    one, two = message_rows(html, U)
    assert (one.url, one.asked, one.replied, one.state) == (U + "1.html", date(2024, 5, 6), date(2024, 5, 10), "answered")
    assert (two.asked, two.replied, two.state) == (date(2024, 5, 8), None, "pending")


def test_a_processing_date_is_a_reply_date_only_when_answered() -> None:
    html = """<table><tr><th>标题</th><th>留言时间</th><th>处理时间</th><th>状态</th></tr>
    <tr><td><a href="1.html">路灯</a></td><td>2024-05-06</td><td>2024-05-07</td><td>办理中</td></tr>
    <tr><td><a href="2.html">噪音</a></td><td>2024-05-06</td><td>2024-05-10</td><td>已办结</td></tr></table>"""
    one, two = message_rows(html, U)
    assert (one.state, one.replied) == ("pending", None)
    assert (two.state, two.replied) == ("answered", date(2024, 5, 10))


def test_rows_without_header() -> None:
    html = """<ul><li><a href="1.html">问一</a><span>2024-05-06</span><span>已回复</span></li>
    <li><a href="2.html">问二</a> 2024-05-07 <em>未回复</em></li></ul>"""
    one, two = message_rows(html, U)
    assert one.state == "answered" and two.state == "pending"   # 未回复 contains 回复: pending wins


def test_rows_without_header_read_outside_the_title() -> None:
    """Glued inline dates, a title ending in a digit, a date or a state word inside the title."""
    html = """<ul><li><a href="1.html">问一</a><span>2024-06-01</span><span>2024-06-05</span><span>已回复</span></li>
    <li><a href="2.html">关于G320国道2</a><span>2024-06-02</span></li>
    <li><a href="3.html">2023-01-05的噪音投诉未处理</a><span>2024-06-03</span><span>已回复</span></li>
    <li><a href="4.html">垃圾处理中转站</a><span>2024-06-04</span><span>已回复</span></li>
    <li><a href="5.html">路灯无效</a><span>2024-06-05</span><span>【未回复】</span></li></ul>"""
    rows = {m.url.rsplit("/", 1)[-1]: m for m in message_rows(html, U)}
    assert (rows["1.html"].asked, rows["1.html"].replied) == (date(2024, 6, 1), date(2024, 6, 5))
    assert rows["2.html"].asked == date(2024, 6, 2) and rows["2.html"].title == "关于G320国道2"
    assert rows["3.html"].asked == date(2024, 6, 3) and rows["3.html"].state == "answered"
    assert rows["4.html"].state == "answered" and rows["5.html"].state == "pending"


def test_hanweb_records() -> None:
    rec = '<tr><td><a href="/art/2024/5/6/art_9_1.html">来信一</a></td><td>2024-05-06</td><td>2024-05-09</td><td>已办结</td></tr>'
    html = f"""<html><body><script type="text/xml"><datastore><recordset><record><![CDATA[{rec}]]></record>
    </recordset></datastore></script></body></html>"""
    [msg] = message_rows(html, U, dialect="hanweb")
    assert (msg.asked, msg.replied, msg.state) == (date(2024, 5, 6), date(2024, 5, 9), "answered")


def test_message_page_blocks() -> None:
    page = """<html><head><title>关于路灯</title></head><body><div>来信时间：2024年5月6日　办理状态：已回复</div>
    <div>来信内容：路灯坏了</div><table><tr><td>答复时间</td><td>2024-05-10</td></tr>
    <tr><td>答复内容</td><td>已修复</td></tr></table></body></html>"""
    msg = extract_message(parse_document(page), U + "1.html")
    assert msg and (msg.asked, msg.replied, msg.state, msg.reply) == (date(2024, 5, 6), date(2024, 5, 10), "answered", "已修复")
    pending = extract_message(parse_document("<p>留言时间：2024-05-06</p><p>回复：暂无</p>"), U + "2.html")
    assert pending and pending.state == "pending" and pending.reply is None   # the page says: no reply yet
    silent = extract_message(parse_document("<p>留言时间：2024-05-06</p><p>留言内容：路灯坏了</p>"), U + "4.html")
    assert silent and silent.state is None     # says nothing about a reply: not "unanswered"
    assert extract_message(parse_document("<p>发布日期：2024-05-06</p>"), U + "3.html") is None


def _message_page(title: str, asked: str, replied: str | None) -> str:
    reply = (f"<div class='reply'><p>回复时间：{replied}</p><p>回复内容：已转交相关部门办理。</p></div>"
             if replied else "<div class='reply'><p>办理状态：办理中</p></div>")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{META}</head><body>
<div class="q"><p>留言标题：{title}</p><p>留言时间：{asked}</p><p>留言内容：请有关部门关注。</p></div>{reply}{FOOTER}</body></html>"""


def channel_site(root):
    rows = [("1", "小区路灯不亮", "2024-05-06", "2024-05-09"), ("2", "道路积水", "2024-03-01", None),
            ("3", "学校周边交通", "2024-06-03", "2024-07-22")]
    table = "".join(f'<tr><td><a href="/ldxx/{n}.html">{t}</a></td><td>{a}</td><td>{r or ""}</td>'
                    f'<td>{"已回复" if r else "办理中"}</td></tr>' for n, t, a, r in rows)
    files = {
        "index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>江川市人民政府</title>{META}</head>
<body><div class="nav"><a href="/ldxx/">领导信箱</a> <a href="/xf/">网上信访</a> <a href="/bsfw/">办事服务</a>
<a href="/zx/">在线咨询</a></div>
<ul><li><a href="/xw/1.html">要闻一</a><span>2024-08-01</span></li></ul>{FOOTER}</body></html>""",
        "ldxx/index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>领导信箱</title>{META}</head><body>
<table class="list"><tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>{table}</table>{FOOTER}</body></html>""",
        "xf/index.html": "<html><body>网上信访（请登录）</body></html>",
        "zx/index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>在线咨询</title></head><body>
<form action="/login"><p>用户登录</p><p>请先登录后再提交咨询</p><input name="u"><input name="p" type="password"></form>{FOOTER}</body></html>""",
        "bsfw/index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>办事服务</title></head><body>
<ul><li><a href="/bsfw/1.html">居住证签发办事指南</a><span>2024-05-01</span></li></ul>{FOOTER}</body></html>""",
        "bsfw/1.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>居住证签发办事指南</title></head><body>
<table><tr><td>事项名称</td><td>居住证签发</td></tr><tr><td>法律依据</td><td>《居住证暂行条例》</td></tr>
<tr><td>申请条件</td><td>居住半年以上</td></tr></table>{FOOTER}</body></html>""",
    }
    for n, t, a, r in rows:
        files[f"ldxx/{n}.html"] = _message_page(t, a, r)
    return write_tree(root, files)


def test_crawl_reads_the_channel_and_the_checks_judge_it(tmp_path) -> None:
    with SiteServer(channel_site(tmp_path / "site")) as srv:
        store, audit = run_crawl(tmp_path, [{"id": "jc", "name": "江川市人民政府", "home": srv.base_url}])
    cols = {c["type"]: c["url"] for c in store.rows(st.columns, audit, site="jc")}
    messages = sorted(c["url"] for c in store.rows(st.columns, audit, site="jc") if c["type"] == "messages")
    assert messages == [srv.base_url + "ldxx/", srv.base_url + "zx/"] and cols["services"] == srv.base_url + "bsfw/"
    assert not any(u.endswith("/xf/") for u in cols.values())   # 网上信访 is no channel
    rows = store.rows(st.messages, audit, site="jc")
    assert {r["source"] for r in rows} == {"list", "page"}
    pages = {r["url"].rsplit("/", 1)[-1]: r for r in rows if r["source"] == "page"}
    assert pages["1.html"]["replied_date"] == "2024-05-09" and pages["2.html"]["state"] == "pending"
    run_checks(store, audit, sites=["jc"])
    results = store.rows(st.results, audit, site="jc")
    got = {(r["rule"], r["subject"].rsplit("/", 1)[-1]): r["status"] for r in results}
    assert got[("interaction.channel_missing", "")] == "pass"
    assert got[("interaction.reply_late", "1.html")] == "pass"
    assert got[("interaction.reply_late", "2.html")] == "fail"     # unanswered since March: > 3 months
    assert got[("interaction.reply_late", "3.html")] == "pass"     # 7 weeks: no working-day deadline by default
    hidden = {r["subject"].rsplit("/", 2)[-2]: r["status"] for r in results if r["rule"] == "interaction.replies_hidden"}
    assert hidden == {"ldxx": "pass", "zx": "unknown"}   # the 在线咨询 channel is behind a login wall
    assert got[("service.missing", "")] == "pass"
    assert got[("service.guide_incomplete", "1.html")] == "fail"


def test_hanweb_records_read_by_the_page_header() -> None:
    """The header (回复时间 before 来信时间) is in the page; the rows come as records."""
    rec = '<tr><td><a href="/art/2024/5/6/art_9_2.html">来信二</a></td><td>2024-05-20</td><td>2024-05-06</td><td>已回复</td></tr>'
    html = f"""<html><body><table><tr><th>信件标题</th><th>回复时间</th><th>来信时间</th><th>状态</th></tr></table>
    <script type="text/xml"><datastore><recordset><record><![CDATA[{rec}]]></record></recordset></datastore></script>
    </body></html>"""
    [msg] = message_rows(html, U, dialect="hanweb")
    assert (msg.asked, msg.replied) == (date(2024, 5, 6), date(2024, 5, 20))


REPLIES = {   # reply blocks the parser must read as answered (never as "仍未答复")
    "1": "<p>江川市人民政府回复：</p><p>您好，路灯已修复。</p>",
    "2": "<p>【回复】</p><p>您好，已转交住建局办理。</p>",
    "3": "<p>回 复：您好，已安排清理。</p>",
    "4": "<p>回复单位：江川市住房和城乡建设局</p><p>2024-03-05</p><p>您好，已修复。</p>",
}


def _reply_page(n: str, body: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>留言{n}</title>{META}</head><body>
<div class="q"><p>留言标题：留言{n}</p><p>留言时间：2024-03-01</p><p>留言内容：请有关部门关注。</p></div>
<div class="a">{body}</div>{FOOTER}</body></html>"""


def test_crawl_reads_reply_blocks_in_other_wordings(tmp_path) -> None:
    """A reply under a prefixed, bracketed, letter-spaced or unit label is a reply; a page that says
    暂无回复 is pending; a page in progress (办理中 + 处理时间) is not answered by its processing date."""
    pages = {**REPLIES, "5": "<p>回复：暂无回复</p>", "6": "<p>办理状态：办理中</p><p>处理时间：2024-03-05</p>",
             "7": "<p>办理状态：已办结</p><p>办理时间：2024-03-05</p>"}
    items = "".join(f'<li><a href="/ldxx/{n}.html">留言{n}</a><span>2024-03-01</span></li>' for n in pages)
    files = {
        "index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>江川市人民政府</title>{META}</head>
<body><div class="nav"><a href="/ldxx/">领导信箱</a></div>{FOOTER}</body></html>""",
        "ldxx/index.html": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>领导信箱</title>{META}</head>
<body><ul>{items}</ul>{FOOTER}</body></html>""",
        **{f"ldxx/{n}.html": _reply_page(n, body) for n, body in pages.items()},
    }
    with SiteServer(write_tree(tmp_path / "site", files)) as srv:
        store, audit = run_crawl(tmp_path, [{"id": "jc", "name": "江川市人民政府", "home": srv.base_url}])
    states = {r["url"].rsplit("/", 1)[-1]: (r["state"], r["replied_date"])
              for r in store.rows(st.messages, audit, site="jc") if r["source"] == "page"}
    assert {states[f"{n}.html"][0] for n in REPLIES} == {"answered"}
    assert states["5.html"] == ("pending", None) and states["6.html"] == ("pending", None)
    assert states["7.html"] == ("answered", "2024-03-05")
    run_checks(store, audit, sites=["jc"])
    got = {r["subject"].rsplit("/", 1)[-1]: r for r in store.rows(st.results, audit, site="jc")
           if r["rule"] == "interaction.reply_late"}
    assert all(got[f"{n}.html"]["status"] == "unknown" for n in REPLIES)   # answered, reply date not labelled
    assert got["5.html"]["status"] == "fail" and got["6.html"]["status"] == "fail"
    assert got["7.html"]["status"] == "pass"
