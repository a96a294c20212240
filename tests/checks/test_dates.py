"""date.inconsistent: the shown publish date against the URL date, the list date and the crawl; a
re-post that says so is honest."""

from __future__ import annotations

H = "http://www.dl.gov.cn/"
COL = H + "zwgk/tzgg/"


def shows(day: str, body: str = "") -> str:
    """Page text that displays ``day`` as the publish date."""
    return f"发布日期：{day}\n{body}"


def test_url_list_and_crawl_dates(audit) -> None:
    trs_ok = H + "zwgk/tzgg/202405/t20240510_1.html"
    trs_back = H + "zwgk/tzgg/202405/t20240510_2.html"
    hanweb_list = H + "art/2024/5/10/art_12_3.html"
    future = H + "zwgk/tzgg/202407/t20240712_4.html"
    repost = H + "art/2024/5/10/art_12_5.html"
    repost_unnoted = H + "art/2024/5/10/art_12_6.html"
    audit.column("notices", COL, "通知公告")
    audit.document(trs_ok, "关于A的通知", "2024-05-11", column_type="notices", column_url=COL,
                   body_text=shows("2024-05-11"))
    audit.document(trs_back, "关于B的通知", "2024-04-20", column_type="notices", column_url=COL,
                   body_text=shows("2024-04-20"))
    audit.document(hanweb_list, "关于C的通知", "2024-05-10", column_type="notices", column_url=COL,
                   body_text=shows("2024-05-10"))
    audit.document(future, "关于D的通知", "2024-09-02", column_type="notices", column_url=COL,
                   body_text=shows("2024-09-02"))
    audit.document(repost, "江川市历史文化名城保护规划", "2019-03-01", column_type="notices", column_url=COL,
                   body_text=shows("2019-03-01", "（本文件原发布于2019年3月1日，因网站改版重新发布。）\n规划全文如下。"))
    audit.document(repost_unnoted, "关于E的通知", "2019-03-01", column_type="notices", column_url=COL,
                   body_text=shows("2019-03-01", "规划全文如下。本网站内容未经许可不得转载。"))
    audit.page(COL, "list", title="通知公告", list_items=[
        {"column_url": COL, "title": "关于A的通知", "url": trs_ok, "date": "2024-05-11"},
        {"column_url": COL, "title": "关于C的通知", "url": hanweb_list, "date": "2024-06-20"},
        {"column_url": COL, "title": "规划", "url": repost, "date": "2024-05-10"}])
    audit.page(H, "home", title="首页", list_items=[   # a home box: MM-DD with an inferred year, not compared
        {"column_url": H, "title": "关于A的通知", "url": trs_ok, "date": "2023-05-11"}])
    results = audit.by_subject("date.inconsistent")
    assert results[trs_ok].status == "pass"
    back = results[trs_back]
    assert back.status == "fail" and "URL日期为2024-05-10（相差20天）" in back.reason
    assert back.evidence["publish_date"] == "2024-04-20" and back.evidence["url_date"] == "2024-05-10"
    listed = results[hanweb_list]
    assert listed.status == "fail" and listed.evidence["list_dates"] == [{"list": COL, "date": "2024-06-20"}]
    assert "列表日期为2024-06-20（相差41天）" in listed.reason
    assert results[future].status == "fail" and "晚于抓取日期2024-07-15" in results[future].reason
    assert results[repost].status == "pass" and "重新发布" in results[repost].evidence["note"]
    assert results[repost_unnoted].status == "fail"   # a copyright line saying 不得转载 is no re-post note


def test_only_a_displayed_publish_date_is_compared(audit) -> None:
    hidden, issued, listed = (H + f"zwgk/tzgg/202405/t20240510_{i}.html" for i in (7, 8, 9))
    # the page shows no date: publish_date came from the URL and would "agree" with itself
    audit.document(hidden, "关于F的通知", "2024-05-10", column_type="notices", column_url=COL, body_text="通知全文。")
    # the date shown is the 发文日期 (days before the upload)
    audit.document(issued, "关于G的通知", "2024-04-28", column_type="notices", column_url=COL,
                   body_text="索引号：001\n发文日期：2024年4月28日\n通知全文。")
    # a 信息公开目录 row whose first date is the 成文日期; the page shows both dates
    audit.document(listed, "关于H的通知", "2024-05-10", column_type="notices", column_url=COL,
                   written_date="2024-04-15", body_text="成文日期：2024-04-15 发布日期：2024-05-10\n通知全文。")
    audit.page(COL, "list", title="通知公告", list_items=[
        {"column_url": COL, "title": "关于H的通知", "url": listed, "date": "2024-04-15"}])
    results = audit.by_subject("date.inconsistent")
    assert results[hidden].status == "not_applicable" and "未显示" in results[hidden].reason
    assert results[issued].status == "not_applicable" and "发文日期" in results[issued].reason
    assert results[listed].status == "pass" and results[listed].evidence["list_dates"] == []


def test_a_date_with_nothing_to_compare_is_not_called_consistent(audit) -> None:
    """No date in the URL, no list row seen: only "not after the crawl" could be asked."""
    url = H + "zwgk/tzgg/content_1.html"
    audit.column("notices", COL, "通知公告")
    audit.document(url, "关于E的通知", "2024-05-11", column_type="notices", column_url=COL,
                   body_text=shows("2024-05-11"))
    res = audit.by_subject("date.inconsistent")[url]
    assert res.status == "not_applicable" and "无可比对的日期" in res.reason
    assert res.evidence["url_date"] is None and res.evidence["list_dates"] == []
