"""Soft-404 detection: a 200 answer that is really the site's "page not found".

Each site's not-found page is learnt by fetching a surely-missing URL.  Portals wrap that page in
their full template (navigation, footer), and a short real notice wrapped in the same template
would look "similar" if whole pages were compared.  So both texts are first stripped of the lines
the site's home page also shows (the template), and only what remains is compared; the usual
not-found words are looked for in that remainder too.  No per-site list of phrases.
"""

from __future__ import annotations

import re
from typing import Any

NOT_FOUND_WORDS = re.compile(r"(页面不存在|页面未找到|找不到(该|此)?页面|您(所)?访问的页面(不存在|已删除|找不到)|"
                             r"信息不存在|该信息已(删除|撤销|过期)|404\s*(not\s*found|错误)|page not found|"
                             r"文章不存在|内容不存在|栏目不存在)", re.IGNORECASE)
SIMILARITY_THRESHOLD = 0.85
SAMPLE = 20000
MIN_CONTENT = 20       # characters of non-template text needed to compare two pages
SHORT_CONTENT = 300    # a remainder this short that says "not found" is the not-found page


def _shingles(text: str, size: int = 3) -> set[str]:
    text = re.sub(r"\s+", "", text[:SAMPLE])
    return {text[i:i + size] for i in range(max(len(text) - size + 1, 1))}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character 3-grams of two texts (0..1)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def content_of(text: str, template: set[str]) -> str:
    """The lines of ``text`` that are not template lines (lines the home page shows too)."""
    lines = (line.strip() for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line and line not in template)


def is_soft404(text: str, title: str, not_found_text: str | None, template: set[str] | None = None) -> str | None:
    """Why ``text`` is a soft 404, or None.

    ``not_found_text`` is the site's learnt not-found page; ``template`` the lines of its home page.
    """
    template = template or set()
    content = content_of(text, template)
    learnt = content_of(not_found_text or "", template)
    if len(learnt) >= MIN_CONTENT and len(content) >= MIN_CONTENT and similarity(content, learnt) >= SIMILARITY_THRESHOLD:
        return "与本站“页面不存在”页面高度相似（软 404）"
    if len(content) < SHORT_CONTENT and (NOT_FOUND_WORDS.search(title or "") or NOT_FOUND_WORDS.search(content)):
        return "页面内容为“页面不存在”提示（软 404）"
    return None


def reclassify_site(store: Any, audit_id: int, site: str) -> int:
    """After a site's crawl: turn 200 pages and link probes that are the not-found page into soft 404s.

    Done once at the end, because the not-found probe and the pages arrive in any order.  A soft-404
    page loses its document (there is no document there, only the site's error page).  Pages are
    read in batches and without their snapshots: a site may hold tens of thousands.
    """
    from gongkai import store as st

    learnt, template = _references(store, audit_id, site)
    found = [(page["id"], page["url"], why) for page in _candidates(store, audit_id, site)
             if (why := is_soft404(page["text"] or "", page["title"] or "", learnt, template))]
    for page_id, url, why in found:
        store.update_rows(st.pages, audit_id, {"outcome": "broken", "reason": why}, id=page_id)
        store.delete_rows(st.documents, audit_id, site=site, url=url)
        store.update_rows(st.probes, audit_id, {"outcome": "soft404", "reason": why}, site=site, kind="link", url=url)
    probes = []
    for probe in store.rows(st.probes, audit_id, site=site, kind="link", outcome="ok"):
        detail = st.from_json(probe["detail_json"], {}) or {}
        why = detail.get("text") is not None and is_soft404(detail.get("text", ""), detail.get("title", ""), learnt,
                                                             template)
        if why:
            probes.append((probe["id"], why))
    for probe_id, why in probes:
        store.update_rows(st.probes, audit_id, {"outcome": "soft404", "reason": why}, id=probe_id)
    return len(found) + len(probes)


_PAGE_FIELDS = ("id", "url", "kind", "status", "outcome", "variant", "title", "text")


def _references(store: Any, audit_id: int, site: str) -> tuple[str | None, set[str]]:
    """The site's learnt not-found text and its template (the lines of its home page)."""
    from gongkai import store as st

    probe = next((p for p in store.stream(st.pages, audit_id, _PAGE_FIELDS, site=site, kind="not_found_probe")
                  if p["status"] == 200), None)
    home = next(iter(store.stream(st.pages, audit_id, _PAGE_FIELDS, site=site, kind="home", variant="normal")), None)
    template = {line.strip() for line in (home["text"] or "").splitlines() if line.strip()} if home else set()
    return (probe["text"] if probe else None), template


def _candidates(store: Any, audit_id: int, site: str) -> Any:
    from gongkai import store as st

    for page in store.stream(st.pages, audit_id, _PAGE_FIELDS, site=site, variant="normal", outcome="ok"):
        if page["kind"] not in ("not_found_probe", "home"):
            yield page
