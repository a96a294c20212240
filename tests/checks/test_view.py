"""The audit view: rows read once per site and forgotten when the engine is done with the site;
page text and HTML streamed, never held."""

from __future__ import annotations

from gongkai import store as st
from gongkai.checks import view as view_module
from gongkai.checks.engine import run_checks

H = "http://www.dl.gov.cn/"


def test_a_site_is_read_once_until_released(audit) -> None:
    audit.document(H + "a.html", "关于甲的通知", "2024-05-06")
    view = audit.view()
    first = view.documents(audit.site)
    assert [d["title"] for d in first] == ["关于甲的通知"]
    assert view.documents(audit.site) is first                      # every rule shares one decoding
    audit.document(H + "b.html", "关于乙的通知", "2024-05-07")
    assert len(view.documents(audit.site)) == 1                     # held until released
    view.release(audit.site)
    assert [d["title"] for d in view.documents(audit.site)] == ["关于甲的通知", "关于乙的通知"]


def test_pages_are_held_without_text_and_streamed_with_text_and_html(audit) -> None:
    audit.page(H, "home", title="首页", text="网站首页正文", snapshot="<html><body>网站首页正文</body></html>")
    audit.page(H, "home", title="首页", text="爬虫看到的首页", variant="baiduspider")
    view = audit.view()
    held = view.pages(audit.site)
    assert [p["url"] for p in held] == [H] and "text" not in held[0] and held[0]["meta"] == {}
    streamed = list(view.iter_pages(audit.site))
    assert [(p["text"], p["snapshot"]) for p in streamed] == [("网站首页正文", "<html><body>网站首页正文</body></html>")]
    assert [p["text"] for p in view.iter_pages(audit.site, variant="baiduspider")] == ["爬虫看到的首页"]


def test_documents_by_column_type_filter_the_site_s_documents(audit) -> None:
    audit.document(H + "p.html", "关于丙的通知", "2024-05-06", column_type="policy_docs")
    audit.document(H + "i.html", "《关于丙的通知》解读", "2024-05-08", column_type="interpretations")
    view = audit.view()
    assert [d["url"] for d in view.documents(audit.site, "interpretations")] == [H + "i.html"]
    assert [d["url"] for d in view.documents(audit.site)] == [H + "p.html", H + "i.html"]


def test_checks_write_each_site_s_results_and_the_store_ends_with_them(audit) -> None:
    audit.page(H, "home", title="大连市人民政府")
    summary = run_checks(audit.store, audit.audit_id)
    rows = audit.store.rows(st.results, audit.audit_id)
    assert summary.sites == [audit.site] and rows and {r["site"] for r in rows} == {audit.site}


def _texts(view, site: str) -> list[tuple[str, str]]:
    return [(p["url"], p["text"]) for p in view.iter_page_texts(site)]


def test_page_texts_are_kept_for_the_site_s_later_passes(audit) -> None:
    audit.page(H, "home", title="首页", text="首页正文", meta={"keywords": "政务"})
    audit.page(H + "a.html", "article", title="甲", text="甲的正文")
    audit.page(H, "home", title="首页", text="爬虫看到的首页", variant="baiduspider")
    view = audit.view()
    first = list(view.iter_page_texts(audit.site))
    assert [(p["url"], p["text"]) for p in first] == [(H, "首页正文"), (H + "a.html", "甲的正文")]
    audit.store.update_rows(st.pages, audit.audit_id, {"text": "改过的正文"}, site=audit.site)
    again = list(view.iter_page_texts(audit.site))          # from memory: the store is not read again
    assert again == first and again[0]["meta"] == {"keywords": "政务"} and "snapshot" not in again[0]
    assert _texts(view, audit.site) == [(H, "首页正文"), (H + "a.html", "甲的正文")]
    assert [p["text"] for p in view.iter_page_texts(audit.site, variant="baiduspider")] == ["改过的正文"]
    view.release(audit.site)
    assert _texts(view, audit.site) == [(H, "改过的正文"), (H + "a.html", "改过的正文")]


def test_a_pass_left_early_or_over_the_budget_keeps_nothing(audit, monkeypatch) -> None:
    audit.page(H, "home", title="首页", text="首页正文")
    audit.page(H + "a.html", "article", title="甲", text="甲的正文")
    view = audit.view()
    next(view.iter_page_texts(audit.site))                  # a rule that stopped at the first page
    audit.store.update_rows(st.pages, audit.audit_id, {"text": "新"}, url=H)
    assert _texts(view, audit.site) == [(H, "新"), (H + "a.html", "甲的正文")]

    monkeypatch.setattr(view_module, "TEXT_BUDGET", 5)      # the site's texts (5 characters) fit …
    view.release(audit.site)
    assert _texts(view, audit.site) == [(H, "新"), (H + "a.html", "甲的正文")]
    audit.store.update_rows(st.pages, audit.audit_id, {"text": "再改"}, url=H)
    assert _texts(view, audit.site)[0] == (H, "新")
    monkeypatch.setattr(view_module, "TEXT_BUDGET", 4)      # … and now they do not: read every time
    view.release(audit.site)
    assert _texts(view, audit.site) == [(H, "再改"), (H + "a.html", "甲的正文")]
    audit.store.update_rows(st.pages, audit.audit_id, {"text": "三改"}, url=H)
    assert _texts(view, audit.site) == [(H, "三改"), (H + "a.html", "甲的正文")]


def test_pages_with_html_pair_each_page_with_its_own_snapshot(audit) -> None:
    audit.page(H, "home", title="首页", text="首页正文", snapshot="<p>首页</p>")
    audit.page(H + "a.html", "article", title="甲", text="甲的正文")          # the helper's own HTML
    audit.page(H + "b.html", "article", title="乙", text="乙的正文", snapshot="<p>乙</p>")
    view = audit.view()
    expected = [(H, "首页正文", "<p>首页</p>"), (H + "a.html", "甲的正文",
                "<html><head><title>甲</title></head><body>甲的正文</body></html>"), (H + "b.html", "乙的正文", "<p>乙</p>")]
    assert [(p["url"], p["text"], p["snapshot"]) for p in view.iter_pages(audit.site)] == expected
    # a second pass takes the texts kept by the first and reads only the HTML again
    assert [(p["url"], p["text"], p["snapshot"]) for p in view.iter_pages(audit.site)] == expected
    assert all("snapshot" not in p for p in view.iter_page_texts(audit.site))


def test_held_pages_share_one_decoding_of_a_repeated_identity(audit) -> None:
    footer = {"footer_text": "主办：大连市人民政府办公室", "site_code": "2102000001"}
    audit.page(H, "home", title="首页", identity=footer, meta={"keywords": "政务"})
    audit.page(H + "a.html", "article", title="甲", identity=footer)
    audit.page(H + "b.html", "article", title="乙", identity={"footer_text": "别的页脚"})
    home, a, b = audit.view().pages(audit.site)
    assert home["identity"] == footer and home["identity"] is a["identity"] and b["identity"]["footer_text"] == "别的页脚"
    assert home["meta"] == {"keywords": "政务"} and "identity_json" not in home and "meta_json" not in home


def test_the_crawl_day_is_a_beijing_day(audit) -> None:
    """The store keeps UTC: a crawl that ended at 20:00 UTC ended the next Beijing day, and rules
    that ask "published after the crawl?" (dates, privacy's ages) ask it of that day."""
    from datetime import date

    audit.store.mark_audit(audit.audit_id, crawled_at="2024-07-15T20:00:00+00:00")
    assert audit.view().crawl_day == date(2024, 7, 16)
    audit.store.mark_audit(audit.audit_id, crawled_at="2024-07-15T15:59:59+00:00")
    assert audit.view().crawl_day == date(2024, 7, 15)
