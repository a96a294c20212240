"""Link blocks of an article: 相关解读 / 关联稿件 (related) and 附件 (attachments).

A block is found by its heading — an element whose whole text is one of the headings below,
not itself a link (a navigation link called 政策解读 is a column, not a related-interpretation
block) — and holds the links that follow the heading inside the nearest ancestor that has any.
"""

from __future__ import annotations

import re

from lxml import etree

from gongkai.crawler.markup import absolute_url, base_url, is_attachment
from gongkai.models import LinkRef

from .content import content_block
from .dom import is_ancestor, iter_elements, squash, tag_of
from .fold import fold
from .identity import footer_elements
from .page import anchor_text

RELATED_HEADINGS = ("相关解读", "相关文件", "关联稿件", "相关链接", "政策解读", "解读材料", "相关政策", "关联文件",
                    "关联解读", "相关稿件", "解读文件", "文件解读", "图文解读", "政策文件")
ATTACHMENT_HEADINGS = ("附件下载", "相关附件", "附件")
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar", ".ofd", ".et",
                         ".ppt", ".pptx", ".7z", ".txt", ".csv")
MAX_HEADING = 20
MAX_BLOCK_LINKS = 100
CLIMB = 4


def _heading_rx(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(r"^[【\[]?\s*(?:" + alternatives + r")\s*[】\]]?\s*[:：]?$")


_RELATED = _heading_rx(RELATED_HEADINGS)
_ATTACHMENT = _heading_rx(ATTACHMENT_HEADINGS)


def _inside_link(el: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if tag_of(node) == "a":
            return True
        node = node.getparent()
    return False


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def _headings(root: etree._Element, rx: re.Pattern[str], words: tuple[str, ...]) -> list[etree._Element]:
    """Elements whose whole text is a heading; only elements that write a heading word themselves
    are examined, so the cost does not grow with the size of every container."""
    found = []
    for el in iter_elements(root):
        own = _compact(el.text or "")
        if not own or not any(w in own for w in words):
            continue
        text = squash(el.text_content())
        if len(text) <= MAX_HEADING and rx.match(_compact(text)) and not _inside_link(el):
            found.append(el)
    return found


def _links_after(heading: etree._Element) -> list[etree._Element]:
    """The ``<a>`` elements after ``heading`` inside the block it heads.

    The block is the nearest ancestor with links whose text still *begins* with the heading:
    climbing further would reach the page around the block (share buttons, 上一篇/下一篇).
    """
    head = _compact(heading.text_content())
    container = heading
    for _ in range(CLIMB):
        parent = container.getparent()
        if parent is None or not _compact(parent.text_content()[:5000]).startswith(head):
            break
        container = parent
        after, seen = [], False
        for el in container.iter():
            if el is heading:
                seen = True
            elif seen and tag_of(el) == "a" and not is_ancestor(heading, el):
                after.append(el)
        if after:
            return after[:MAX_BLOCK_LINKS]
    return []


def _refs(anchors: list[etree._Element], base: str) -> list[LinkRef]:
    out: list[LinkRef] = []
    seen: set[str] = set()
    for a in anchors:
        url = absolute_url(a.get("href"), base)
        if url and url not in seen:
            seen.add(url)
            out.append(LinkRef(url=url, text=anchor_text(a)))
    return out


def related_links(root: etree._Element, base: str) -> list[LinkRef]:
    """Links of the 相关解读 / 关联稿件 / 相关链接 blocks."""
    anchors = [a for h in _headings(root, _RELATED, RELATED_HEADINGS) for a in _links_after(h)]
    return _refs(anchors, base)


def _names_file(href: str | None) -> bool:
    """Cheap pre-check on the raw href, so pages with 20,000 links are not all resolved."""
    path = re.split(r"[?#]", (href or "").strip(), maxsplit=1)[0].lower()
    return path.endswith(ATTACHMENT_EXTENSIONS)


def attachment_links(root: etree._Element, base: str) -> list[LinkRef]:
    """Links to document files anywhere in the page, and every link of a 附件 block."""
    by_ext = [a for a in iter_elements(root, frozenset({"a"}))
              if _names_file(a.get("href")) and is_attachment(absolute_url(a.get("href"), base) or "")]
    in_block = [a for h in _headings(root, _ATTACHMENT, ATTACHMENT_HEADINGS) for a in _links_after(h)]
    return _refs(by_ext + in_block, base)


MAX_BODY_LINKS = 500
MAX_RESOURCES = 200
# element → attributes a browser loads without a click (mixed content when fetched over http)
_RESOURCE_ATTRS = {"img": ("src",), "script": ("src",), "iframe": ("src",), "frame": ("src",), "embed": ("src",),
                   "audio": ("src",), "video": ("src", "poster"), "source": ("src",), "object": ("data",),
                   "link": ("href",), "input": ("src",)}


def body_block(root: etree._Element) -> etree._Element | None:
    """The document body (the CMS's body container, else the densest text block), or None when
    the page has none that is not the whole page or its footer."""
    block = content_block(root)
    if block is None or tag_of(block) in ("body", "html"):
        return None
    footers = footer_elements(root)  # a short article leaves the footer the densest block: not a body
    if any(f is block or is_ancestor(f, block) for f in footers):
        return None
    return block


def body_links(root: etree._Element, base: str) -> list[LinkRef]:
    """The links written in the document body: what the author chose to cite, unlike navigation,
    友情链接 and footer links (none when no body block was found: see :func:`page_refs`)."""
    block = body_block(root)
    if block is None:
        return []
    footers = footer_elements(root)
    anchors = [a for a in block.iter("a") if a.get("href") and not any(is_ancestor(f, a) for f in footers)]
    return _refs(anchors[:MAX_BODY_LINKS], base)


def _loads(el: etree._Element) -> bool:
    """A ``<link>`` loads its href only as a stylesheet or icon; other elements always load."""
    if tag_of(el) != "link":
        return True
    rel = (el.get("rel") or "").lower()
    return "stylesheet" in rel or "icon" in rel


def insecure_resources(root: etree._Element, base: str) -> list[LinkRef]:
    """Sub-resources the page loads over plain http (scripts, images, frames, styles …).

    On an https page these are mixed content: a browser blocks or warns, and a script or frame
    fetched in clear can be swapped in transit.  ``text`` holds the tag that loads it.
    """
    out: list[LinkRef] = []
    seen: set[str] = set()
    for el in iter_elements(root, frozenset(_RESOURCE_ATTRS)):
        if not _loads(el):
            continue
        for attr in _RESOURCE_ATTRS[tag_of(el)]:
            url = absolute_url(el.get(attr), base)
            if url and url.lower().startswith("http://") and url not in seen:
                seen.add(url)
                out.append(LinkRef(url=url, text=tag_of(el)))
        if len(out) >= MAX_RESOURCES:
            break
    return out


def upgrades_insecure(root: etree._Element) -> bool:
    """Whether the page's own CSP meta says ``upgrade-insecure-requests``: browsers then fetch its
    http sub-resources over https, so they are no mixed content."""
    for meta in iter_elements(root, frozenset({"meta"})):
        if (meta.get("http-equiv") or "").strip().lower() == "content-security-policy" and \
                "upgrade-insecure-requests" in (meta.get("content") or "").lower():
            return True
    return False


NO_BODY = "未找到正文区域"


def page_refs(root: etree._Element, url: str, kind: str) -> list[dict[str, str]]:
    """``page_refs`` rows of a page: an article's body links (role ``body``; role ``no_body`` with
    the page itself as target when no body block was found, so a check can say "unknown" rather
    than "no outside links") and, on a page served over https without a CSP that upgrades
    insecure requests, what it loads over plain http (role ``insecure``, text = the tag)."""
    base = base_url(root, url)
    rows: list[dict[str, str]] = []
    if kind == "article":
        if body_block(root) is None:
            rows.append({"role": "no_body", "target": url, "text": NO_BODY})
        rows += [{"role": "body", "target": r.url, "text": r.text} for r in body_links(root, base)]
    if url.lower().startswith("https://") and not upgrades_insecure(root):
        rows += [{"role": "insecure", "target": r.url, "text": r.text} for r in insecure_resources(root, base)]
    return rows
