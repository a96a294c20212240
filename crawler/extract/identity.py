"""Who runs the site, as its footer declares: 网站标识码, ICP 备案, 公安备案, the 党政机关 badge, the
主办单位 and how to contact it.

Government sites must show these in the page footer, so they are read from the footer region
(elements whose class or id says footer/bottom/foot, else the last part of the page) and only
then from the whole text.  A page whose footer is injected by script has none in its HTML; that
is reported as None, not guessed from meta tags, and the script or frame that loads the footer
(home_bottom.js, bottom.htm) is recorded as ``footer_loaded_by`` so checks say "unknown", not "missing".  Besides the numbers, the links that make them
checkable are recorded: the ICP number to the MIIT 备案 system, the 公安 number to the 公安 备案
platform, the badge to its certificate (``bszs.conac.cn``, or the ``dcs.conac.cn`` script that
writes that link).  主办单位 and 联系方式 are read from the footer region only: an article body
says 主办单位 of events, not of the site.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from gongkai.crawler.markup import host_in

from .dom import is_ancestor, iter_elements, parse, squash, tag_of, text_lines
from .fold import fold

MAX_FOOTER_TEXT = 2000
TAIL_LINES = 15  # without a marked footer, the last lines of the page are its footer
_FOOTER_WORD = re.compile(r"(?:^|[-_\s])(?:footer|foot|bottom|ft|copyright|bot)(?:$|[-_\s\d])", re.I)
_PROVINCES = "京津沪渝冀豫云滇辽黑湘皖鲁新苏浙赣鄂桂甘陇晋蒙陕吉闽贵黔粤青藏川蜀宁琼"
_SITE_CODE = re.compile(r"网站标识码\s*[:]?\s*(bm\d{8}|\d{10})(?!\d)", re.I)
_ICP = re.compile(r"([" + _PROVINCES + r"]\s*ICP\s*备\s*\d{6,10}\s*号(?:\s*-\s*\d{1,3})?)", re.I)
_PSB = re.compile(r"([" + _PROVINCES + r"]\s*公网安备\s*\d{10,16}\s*号?)")
_CONAC_SRC = re.compile(r"conac|dzjg|scopsr", re.I)
MAX_FIELD = 200
ICP_HOSTS = ("beian.miit.gov.cn", "miitbeian.gov.cn")           # MIIT 备案 system (old and new)
PSB_HOSTS = ("beian.mps.gov.cn", "beian.gov.cn")                # 全国互联网安全管理服务平台
CONAC_HOSTS = ("conac.cn",)                                     # 开办者标识 certificate and its script
_SPONSOR = re.compile(r"(?:主办单位|网站主办|主办)\s*[:：]\s*([^\s|｜丨,，;；©]{2,40})")
_SPONSORED_BY = re.compile(r"由\s*([^\s|｜丨,，;；©:：由]{2,40}?)\s*主办")
_ORG_NAME = re.compile(r"^[\u4e00-\u9fff〇·（）()]{2,40}$")
_ORG_SUFFIX = re.compile(r"(?:政府|办公室|办公厅|委员会|管委会|办事处|街道|局|厅|委|部|署|中心|院|会|处|所|站|馆|队|社|办|"
                         r"集团|公司|学校|大学|医院|乡|镇|村|区|县|市|省)(?:（[^）]*）)?$")
_VENDOR_LABEL = re.compile(r"(?:技术支持|技术服务|技术保障|制作|设计|开发|维护|运维|承建)\s*(?:单位)?\s*[:：]?\s*$")
_COPYRIGHT_AFTER = re.compile(r"版权所有\s*[:：]\s*(?:©\s*)?([^\s|｜丨,，;；©]{2,40})")
_COPYRIGHT_BEFORE = re.compile(r"([^\s|｜丨,，;；©:：]{2,40})\s*(?:©\s*)?版权所有")
_PHONE = re.compile(r"(?<![\d-])((?:0\d{2,3}[-－—]?)?[2-9]\d{6,7}|1[3-9]\d{9}|400[-－]?\d{3}[-－]?\d{4}|12345)(?![\d-])")
_PHONE_LABEL = re.compile(r"电话|热线|传真|TEL|Tel|tel")
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_ADDRESS = re.compile(r"(?:地址|通讯地址|联系地址)\s*[:：]\s*([^\s|｜丨,，;；]{4,60})")
_CONTACT_LINK = re.compile(r"联系|咨询")
# a script or frame whose file (or id) names a footer: home_bottom.js, /2016public/bottom.htm, foot.shtml
_FOOTER_FILE = re.compile(r"(?:^|[-_.])(?:foot(?:er)?|bottom|bot|copyright|banquan|dibu)(?:$|[-_.\d])", re.I)


def _is_footer(el: etree._Element) -> bool:
    if tag_of(el) == "footer":
        return True
    marks = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(_FOOTER_WORD.search(marks[:300]))


def footer_elements(root: etree._Element) -> list[etree._Element]:
    """Outermost footer-marked elements, in document order (only a ``<footer>`` or an element with an
    id or class can be one: XPath picks those in C, the rest never reach Python)."""
    found = [el for el in root.xpath("descendant-or-self::*[self::footer or @id or @class]") if _is_footer(el)]
    keep: list[etree._Element] = []
    for el in found:
        if not any(is_ancestor(outer, el) for outer in keep):
            keep.append(el)
    return keep


def footer_lines(root: etree._Element, footers: list[etree._Element] | None = None,
                 lines: list[str] | None = None) -> list[str]:
    """Lines of the footer region: marked footers, else the page's last lines (``lines``: the page's
    :func:`text_lines`, when the caller has them)."""
    marked = [line for el in (footer_elements(root) if footers is None else footers) for line in text_lines(el)]
    return marked or (text_lines(root) if lines is None else lines)[-TAIL_LINES:]


def _search(rx: re.Pattern[str], texts: list[tuple[str, str]]) -> str | None:
    """The first match in (text, its :func:`fold`) pairs, read back from the text as written."""
    for text, folded in texts:
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


def _link_to(root: etree._Element, hosts: tuple[str, ...], tags: frozenset[str] = frozenset({"a"})) -> str | None:
    """The first href (or script src) pointing at one of ``hosts``, as written."""
    for el in iter_elements(root, tags):
        url = el.get("href") if tag_of(el) == "a" else el.get("src")
        if url and host_in(url, hosts):
            return url.strip()[:MAX_FIELD]
    return None


def _conac_link(root: etree._Element) -> str | None:
    """The badge's certificate link (bszs.conac.cn), else the conac script that writes it."""
    return _link_to(root, CONAC_HOSTS) or _link_to(root, CONAC_HOSTS, frozenset({"script"}))


def is_organisation(name: str) -> bool:
    """A 主办单位 is a Chinese organisation name (…人民政府办公室, …管委会): not a year range
    ("2003-2024"), not Latin ("Reserved"), not a bare word."""
    return bool(_ORG_NAME.match(name) and _ORG_SUFFIX.search(name))


def _sponsor(footer: str) -> tuple[str | None, str | None]:
    """(主办单位 as written, the label it was read from): 主办 / 由…主办, else the 版权所有 holder.

    Each candidate must be an organisation name, and not the one a 技术支持/制作 label names (the
    vendor that built the site writes its own name next to 版权所有)."""
    for label, rx in (("主办", _SPONSOR), ("主办", _SPONSORED_BY), ("版权所有", _COPYRIGHT_AFTER),
                      ("版权所有", _COPYRIGHT_BEFORE)):
        for m in rx.finditer(footer):
            name = m.group(1).strip()
            before = footer[max(0, m.start(1) - 12):m.start(1)]
            if is_organisation(name) and not _VENDOR_LABEL.search(before):
                return name[:MAX_FIELD], label
    return None, None


def _phone(footer: str) -> str | None:
    """A phone number on a footer line that says 电话/热线 (a bare number may be anything)."""
    for line in footer.splitlines():
        label = _PHONE_LABEL.search(line)
        if label:
            m = _PHONE.search(line, label.end())
            if m:
                return m.group(1)
    return None


def _contact_page(root: etree._Element, footers: list[etree._Element]) -> str | None:
    """The footer's 联系我们 / 咨询 link (anywhere in the page when no footer is marked)."""
    scopes = footers or [root]
    for scope in scopes:
        for a in scope.iter("a"):
            text = squash(a.text_content())
            if text and len(text) <= 20 and _CONTACT_LINK.search(text) and a.get("href"):
                return a.get("href", "").strip()[:MAX_FIELD]
    return None


def _contact(root: etree._Element, footer: str, footers: list[etree._Element]) -> dict[str, str | None]:
    email = _EMAIL.search(footer)
    address = _ADDRESS.search(footer)
    return {"phone": _phone(footer), "email": email.group(0)[:MAX_FIELD] if email else None,
            "address": address.group(1)[:MAX_FIELD] if address else None, "page": _contact_page(root, footers)}


def footer_loader(root: etree._Element) -> dict[str, str] | None:
    """The script or frame that writes the footer (``{"how": "script" | "iframe", "src": …}``), when
    its file or id says footer/bottom: the footer's identity is then not in this page's HTML, so a
    check must not call it missing."""
    for el in iter_elements(root, frozenset({"script", "iframe", "frame"})):
        src = (el.get("src") or "").strip()
        name = src.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if src and (_FOOTER_FILE.search(name) or _FOOTER_FILE.search(el.get("id") or "")):
            return {"how": "script" if tag_of(el) == "script" else "iframe", "src": src[:MAX_FIELD]}
    return None


def footer_identity(html: str | etree._Element, lines: list[str] | None = None) -> dict[str, Any]:
    """site_code, icp, psb (strings or None), conac (bool), the links that certify them
    (icp_link, psb_link, conac_link), sponsor (+ sponsor_label), contact (phone, email, address,
    page), footer_text (≤ 2000 chars) and footer_loaded_by (:func:`footer_loader`, or None).

    ``lines``: the page's :func:`text_lines`, when the caller already has them (the page row does)."""
    root = html if isinstance(html, etree._Element) else parse(html)
    lines = text_lines(root) if lines is None else lines
    footers = footer_elements(root)
    footer = "\n".join(footer_lines(root, footers, lines))
    everything = "\n".join(lines)
    texts = [(footer, fold(footer)), (everything, fold(everything))]
    site_code = _search(_SITE_CODE, texts)
    sponsor, sponsor_label = _sponsor(footer)
    return {
        "site_code": site_code.lower() if site_code and site_code.lower().startswith("bm") else site_code,
        "icp": _search(_ICP, texts),
        "psb": _search(_PSB, texts),
        "conac": _has_conac(root),
        "icp_link": _link_to(root, ICP_HOSTS),
        "psb_link": _link_to(root, PSB_HOSTS),
        "conac_link": _conac_link(root),
        "sponsor": sponsor,
        "sponsor_label": sponsor_label,
        "contact": _contact(root, footer, footers),
        "footer_text": footer[-MAX_FOOTER_TEXT:],
        "footer_loaded_by": footer_loader(root),
    }
