"""Which CMS wrote a page, read from the page itself (never configured per site).

Each dialect scores the markers its CMS leaves — pager calls, record stores, URL shapes,
generator names — and the higher score wins if it is clear enough; otherwise the page is
"generic".  Markers are counted with bounded scans, so a hostile page cannot slow this down.
"""

from __future__ import annotations

import re
from itertools import islice
from urllib.parse import urlsplit

from gongkai.crawler.markup import MAX_HTML

THRESHOLD = 3   # below this neither CMS is evident

# (pattern, points per hit, most hits counted)
_HANWEB = (
    (re.compile(r"<datastore\b"), 5, 1),
    (re.compile(r"dataproxy\.jsp"), 5, 1),
    (re.compile(r"\.jpage\s*\("), 4, 1),
    (re.compile(r"/module/(?:web/)?jpage/|/module/jslib/"), 2, 1),
    (re.compile(r"hanweb|大汉网络|大汉版通", re.IGNORECASE), 3, 1),
)
# Hanweb URL shapes count only as links into this site: a portal linking to Hanweb-built
# department sites is not itself Hanweb.
_HANWEB_LINKS = r"""href\s*=\s*["']\s*(?:https?://{host})?(?:/[\w.-]+)?/(?:col/col\d{{1,12}}/|art/\d{{4}}/\d{{1,2}}/\d{{1,2}}/art_)"""
_TRS = (
    (re.compile(r"createPageHTML\s*\("), 4, 1),                 # a call (or its definition) …
    (re.compile(r"function\s+createPageHTML\b"), 1, 1),         # … a definition alone scores 5
    (re.compile(r"\bvar\s+countPage\s*="), 4, 1),
    (re.compile(r"\bt(?:19|20)\d{6}_\d{1,12}\.s?html?"), 1, 4),
    (re.compile(r"TRS_Editor|TRS_AUTOADD|TRS_PreAppend|trs_paper"), 3, 1),
    (re.compile(r"""content\s*=\s*["']TRS\b|/wcm/|\.trs\.|WCMEDITOR""", re.IGNORECASE), 2, 1),
)


def detect(html: str, url: str) -> str:
    """"trs" | "hanweb" | "generic"."""
    text = html[:MAX_HTML]
    head = text.lstrip()[:300].lower()
    if "dataproxy.jsp" in url.lower() or (head.startswith(("<?xml", "<datastore")) and "<datastore" in head):
        return "hanweb"
    host = re.escape(urlsplit(url).netloc)
    own_links = re.compile(_HANWEB_LINKS.format(host=host), re.IGNORECASE)
    hanweb = _score(_HANWEB, text) + _score(((own_links, 1, 3),), text)
    trs = _score(_TRS, text)
    if max(hanweb, trs) < THRESHOLD:
        return "generic"
    return "hanweb" if hanweb >= trs else "trs"


def _score(markers: tuple[tuple[re.Pattern[str], int, int], ...], text: str) -> int:
    return sum(points * sum(1 for _ in islice(rx.finditer(text), cap)) for rx, points, cap in markers)
