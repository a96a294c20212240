"""Who runs the site, as its footer declares: 网站标识码, ICP 备案, 公安备案 and the 党政机关 badge.

Government sites must show these in the page footer, so they are read from the footer region
(elements whose class or id says footer/bottom/foot, else the last part of the page) and only
then from the whole text.  A page whose footer is injected by script has none in its HTML; that
is reported as None, not guessed from meta tags.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .dom import is_ancestor, iter_elements, parse, tag_of, text_lines
from .fold import fold

MAX_FOOTER_TEXT = 2000
TAIL_LINES = 15  # without a marked footer, the last lines of the page are its footer
_FOOTER_WORD = re.compile(r"(?:^|[-_\s])(?:footer|foot|bottom|ft|copyright|bot)(?:$|[-_\s\d])", re.I)
_PROVINCES = "京津沪渝冀豫云滇辽黑湘皖鲁新苏浙赣鄂桂甘陇晋蒙陕吉闽贵黔粤青藏川蜀宁琼"
_SITE_CODE = re.compile(r"网站标识码\s*[:]?\s*(bm\d{8}|\d{10})(?!\d)", re.I)
_ICP = re.compile(r"([" + _PROVINCES + r"]\s*ICP\s*备\s*\d{6,10}\s*号(?:\s*-\s*\d{1,3})?)", re.I)
_PSB = re.compile(r"([" + _PROVINCES + r"]\s*公网安备\s*\d{10,16}\s*号?)")
_CONAC_SRC = re.compile(r"conac|dzjg|scopsr", re.I)


def _is_footer(el: etree._Element) -> bool:
    if tag_of(el) == "footer":
        return True
    marks = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(_FOOTER_WORD.search(marks[:300]))


def footer_elements(root: etree._Element) -> list[etree._Element]:
    """Outermost footer-marked elements, in document order."""
    found = [el for el in iter_elements(root) if _is_footer(el)]
    keep: list[etree._Element] = []
    for el in found:
        if not any(is_ancestor(outer, el) for outer in keep):
            keep.append(el)
    return keep


def footer_lines(root: etree._Element) -> list[str]:
    """Lines of the footer region: marked footers, else the page's last lines."""
    lines = [line for el in footer_elements(root) for line in text_lines(el)]
    return lines or text_lines(root)[-TAIL_LINES:]


def _search(rx: re.Pattern[str], *texts: str) -> str | None:
    for text in texts:
        folded = fold(text)
        m = rx.search(folded)
        if m:
            return re.sub(r"\s+", " ", text[m.start(1):m.end(1)]).strip()
    return None


def _has_conac(root: etree._Element) -> bool:
    for el in iter_elements(root):
        if el.get("id") == "_ideConac":
            return True
        tag = tag_of(el)
        if tag in ("img", "script") and _CONAC_SRC.search(el.get("src") or ""):
            return True
        if tag == "a" and "conac.cn" in (el.get("href") or "").lower():
            return True
    return False


def footer_identity(html: str | etree._Element) -> dict[str, Any]:
    """site_code, icp, psb (strings or None), conac (bool) and footer_text (≤ 2000 chars)."""
    root = html if isinstance(html, etree._Element) else parse(html)
    footer = "\n".join(footer_lines(root))
    everything = "\n".join(text_lines(root))
    site_code = _search(_SITE_CODE, footer, everything)
    return {
        "site_code": site_code.lower() if site_code and site_code.lower().startswith("bm") else site_code,
        "icp": _search(_ICP, footer, everything),
        "psb": _search(_PSB, footer, everything),
        "conac": _has_conac(root),
        "footer_text": footer[-MAX_FOOTER_TEXT:],
    }
