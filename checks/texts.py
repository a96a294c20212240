"""The texts of a site that content and privacy rules read: stored pages and downloaded attachments.

A finding must say where its words are: the page URL, or the attachment URL with the article
linking it, and a character offset into the text stored for it.  Offsets count characters of
that stored text (``pages.text`` / ``attachments.text``), so a reviewer can find the place again.
Attachments that could not be read are sources too: rules judge them ``unknown`` with the reason.
A text read only in part (an attachment cut at the text bound, the sheet rows or PDF pages; a
page at ``MAX_PAGE_TEXT``) fails on a hit but is ``unknown``, not ``pass``, without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gongkai.checks.base import MAX_SNIPPET, result
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.store import MAX_PAGE_TEXT

SKIPPED_PAGE_KINDS = ("not_found_probe",)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


@dataclass(frozen=True)
class TextSource:
    """One text to read: a page's visible text or an attachment's extracted text."""

    where: str                 # "page" | "attachment"
    url: str                   # the page, or the attachment file
    title: str                 # page title, or the attachment's link text + its article's title
    text: str
    document_url: str | None = None   # for an attachment: the article linking it
    footer: str = ""           # the page's footer text (published contact details live there)
    unreadable: str | None = None     # why an attachment has no text (encrypted, scanned, failed …)
    truncated: bool = False    # only a part was read (text bound, sheet rows, PDF pages)

    def position(self, offset: int) -> dict[str, object]:
        """Where a hit is: the URL (and linking article) and the character offset."""
        out: dict[str, object] = {"where": self.where, "url": self.url, "offset": offset}
        if self.document_url:
            out["document_url"] = self.document_url
        return out


def site_texts(view: AuditView, site: SiteInfo) -> Iterator[TextSource]:
    """Every page that answered (normal variant) and every attachment row of the site."""
    for page in view.iter_page_texts(site.site):
        if page.get("kind") in SKIPPED_PAGE_KINDS or page.get("outcome") not in (None, "ok"):
            continue
        if not page.get("text"):
            continue
        footer = str((page.get("identity") or {}).get("footer_text") or "")
        yield TextSource("page", page["url"], str(page.get("title") or ""), page["text"], footer=footer,
                         truncated=len(page["text"]) >= MAX_PAGE_TEXT)
    titles = {d["url"]: str(d.get("title") or "") for d in view.documents(site.site)}
    for att in view.attachments(site.site):
        title = " ".join(t for t in (att.get("link_text"), titles.get(att.get("document_url") or "")) if t)
        unreadable = None if att.get("outcome") == "ok" else (att.get("reason") or att.get("outcome") or "未读取")
        yield TextSource("attachment", att["url"], title, att.get("text") or "",
                         document_url=att.get("document_url"), unreadable=unreadable,
                         truncated=bool(att.get("truncated")))


def nothing_found(site: SiteInfo, rule: Rule, source: TextSource, reason: str, **evidence: Any) -> Result:
    """The result of a text where a rule found nothing: ``pass`` when the whole text was read,
    ``unknown`` when only its beginning was (a hit in the unread rest cannot be ruled out)."""
    if source.truncated:
        return result(site, rule, source.url, "unknown", f"仅读取前{len(source.text)}字，其中{reason}，其余未读取",
                      where=source.where, truncated=True, document_url=source.document_url, **evidence)
    return result(site, rule, source.url, "pass", reason, where=source.where, **evidence)


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]`` (bounded), quoted as a finding's snippet."""
    left = max(start - MAX_SNIPPET // 2, 0)
    for m in _SENTENCE_END.finditer(text, left, start):
        left = m.end()
    right_match = _SENTENCE_END.search(text, end, end + MAX_SNIPPET // 2)
    right = right_match.end() if right_match else min(len(text), end + MAX_SNIPPET // 2)
    return text[left:right].strip()
