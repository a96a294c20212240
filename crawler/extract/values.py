"""What a metadata value must look like to be taken as its field — else the field is None.

A label says where a value should stand; it does not make whatever stands there the value.  An
empty 文号 slot followed by an organisation name, a header-row table whose 文件编号 column is read as
"备注", a 来源 that is really a date: each is refused here.  Values are returned *as written* (the
brackets of a 发文字号 are evidence for ``checks/docnumber``), only trimmed of the UI words that
follow them on the same line.
"""

from __future__ import annotations

import re

from gongkai.text import parse_date

from .fields import is_label_text
from .fold import fold

MAX_DOC_NUMBER = 40
MAX_TOKENS = 6          # a 发文字号 printed with spaces ("某府发 〔2024〕 3号") has at most this many parts
MAX_INDEX_NUMBER = 80
MAX_PUBLISHER = 60
MAX_VALIDITY = 40

_OPEN = r"[〔\[【(［（﹝〖{]"
_CLOSE = r"[〕\]】)］）﹞〗}]"
_ISSUER = r"[\u4e00-\u9fffA-Za-z]{1,24}"
_NUMBER = r"(?:第\s*)?\d{1,5}"
_YEAR = r"(?:19|20)\d{2}"
# The shapes of a 文号, malformed ones included so that checks/docnumber can flag them rather than
# never see them.  Each has an issuer code, a year and a 号; the numbering systems docnumber judges
# apart (令, 公告, 统一编号) are numbers too.
_FORMS = (
    # 机关代字〔年份〕序号号 with any brackets, a two-digit year, or no sequence number (某发〔2024〕号)
    _ISSUER + r"\s*" + _OPEN + r"\s*(?:" + _YEAR + r"|\d{2})\s*" + _CLOSE + r"\s*(?:" + _NUMBER + r")?\s*号",
    # the year unbracketed: 某府发2024年3号, 某府发2024第3号, 某府发2024-3号
    _ISSUER + r"\s*" + _YEAR + r"\s*(?:年\s*(?:第\s*)?|第\s*|[-—－]\s*)\d{1,5}\s*号",
    # 公告: 某某市人民政府公告2024年第5号, or only 2024年第5号
    r"[\u4e00-\u9fff]*" + _YEAR + r"\s*年\s*第\s*\d{1,5}\s*号",
    # 令: 国务院令第707号
    r"[\u4e00-\u9fff]{1,24}令\s*第\s*[0-9一二三四五六七八九十百〇零]{1,6}\s*号",
    # provincial 规范性文件 统一编号: LNGS—2017—9
    r"[A-Z]{2,10}\s*[—\-–－]+\s*" + _YEAR + r"\s*[—\-–－]+\s*\d{1,6}",
)
_DOC_NUMBER = re.compile("^(?:" + "|".join(_FORMS) + ")$")
_INDEX_NUMBER = re.compile(r"^(?=.*\d)[0-9A-Za-z][0-9A-Za-z/\-_.—–]{3,}$")
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_ORG_END = re.compile(r"(院|部|厅|局|委|会|府|室|处|办|队|所|站|中心|公司|集团|银行|政府|[省市县区镇乡]|社|台|报|网|署|总局)$")
_VALIDITY_WORD = re.compile(r"有效|失效|废止|廢止|修改|修订|修訂|暂行|暫行|试行|試行|现行|現行|期满|期滿|宣布|继续|繼續|[至到]\s*\d{4}")


def first_token(value: str) -> str:
    """The value up to the first space: fields such as 有效性 or 公开方式 never contain one."""
    parts = value.split()
    return parts[0] if parts else ""


def is_doc_number(text: str) -> bool:
    """Whether ``text`` as a whole has the shape of a 发文字号 (see ``_DOC_NUMBER``)."""
    folded = fold(text.strip()).replace("號", "号")
    return len(folded) <= MAX_DOC_NUMBER and bool(_DOC_NUMBER.match(folded))


def doc_number(value: str) -> str:
    """The 发文字号 at the start of ``value`` as written, or '' when there is none.

    The shortest run of leading space-separated parts that is a 文号 wins, so a number printed
    with spaces is kept whole and the words after it (下载, 备注) are dropped.
    """
    parts = value.split()
    for k in range(1, min(len(parts), MAX_TOKENS) + 1):
        candidate = " ".join(parts[:k])
        if is_doc_number(candidate):
            return candidate
    return ""


def index_number(value: str) -> str:
    """A 索引号: a code of digits, letters, slashes and dashes (000014349/2019-00007), else ''."""
    token = first_token(value)
    folded = fold(token)
    return token if len(folded) <= MAX_INDEX_NUMBER and _INDEX_NUMBER.match(folded) else ""


def organisation(value: str) -> str:
    """An issuing body, without the UI words that follow it on the same line (下载 收藏 …).

    Joint issuers are kept ("国务院办公厅 中央军委办公厅"): every space-separated part after the first
    must itself end like an organisation.
    """
    parts = value.split()
    if not parts:
        return ""
    kept = [parts[0]]
    for part in parts[1:]:
        if not _ORG_END.search(part):
            break
        kept.append(part)
    return " ".join(kept)


def publisher(value: str) -> str:
    """A publishing body — never a date, a label, a 文号 or a lone character — else ''."""
    name = organisation(value)
    if len(name) < 2 or len(name) > MAX_PUBLISHER or not _NAME_CHAR.search(name):
        return ""
    if parse_date(name) or is_label_text(name) or is_doc_number(name):
        return ""
    return name


def validity(value: str) -> str:
    """A 有效性 value: a short status (有效, 失效, 已废止, 有效期至2027年…), else ''.

    An empty 有效性 cell makes the line reader take the next line (often the document title) as
    its value; a status vocabulary keeps that from being read as the document's validity.
    """
    token = first_token(value)
    return token if len(token) <= MAX_VALIDITY and _VALIDITY_WORD.search(token) else ""
