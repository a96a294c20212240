"""Fields of an article or 信息公开 page: :func:`extract_article`.

Each field is read from its most trustworthy slot first — the page's metadata labels
(索引号/发文字号/发布日期 …), then CMS meta tags, then the document itself (the number line
under the title, the 落款), then the URL — and every step only reads, never guesses: a value
that is not on the page stays None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from lxml import etree

from gongkai.models import ArticleFields
from gongkai.text import date_from_url, parse_date, simplify, year_from_url

from .content import content_block, without_tables
from .dom import parse, tag_of, text_lines
from .fields import is_known_label_line, read_fields
from .fold import fold
from .links import attachment_links, related_links
from .metadata import field_lines
from .page import base_url, meta_tags, meta_value, page_title
from .signature import find_signature
from .values import doc_number, first_token, index_number, is_doc_number, publisher, validity

MAX_BODY = 100_000
HEADER_WINDOW = 6       # lines under the title where an unlabelled publication date may stand
_DATE_TIME_LINE = re.compile(r"^\s*(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
HEADER_LINES = 20  # most lines a 版头 (份号, 紧急程度, joint issuers' 红头, 文号, title) takes
_RUNNING_TEXT = re.compile(r"[。；;：:！？]$")
MAX_HEADER_LINE = 60
_SITE_SUFFIX = re.compile(r"(网|网站|门户|政府|人民政府|政府网|平台|gov\.cn|首页|官网)$", re.I)
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|——|—|\s-\s|-)\s*")
_HEADINGS = frozenset({"h1", "h2", "h3"})
PUBLISH_META = ("PubDate", "publishdate", "pubdate", "firstpublishedtime", "article:published_time")
TITLE_META = ("ArticleTitle", "og:title")
SOURCE_META = ("ContentSource", "source")


def extract_article(html: str, url: str, root: etree._Element | None = None) -> ArticleFields:
    """Every field the page shows; absent ones are None (see :class:`gongkai.models.ArticleFields`).

    ``root`` is the page already parsed by the crawler (never modified here), so a page is parsed
    once for every extractor.
    """
    root = parse(html) if root is None else root
    meta = meta_tags(root)
    lines = text_lines(root)
    fields = read_fields(field_lines(root))
    block = content_block(root)
    body = text_lines(block)
    signature = find_signature(text_lines(without_tables(block)) if block is not None else [])
    year = year_from_url(url)
    field_label = _first(fields, "disclosure_label", first_token)
    base = base_url(root, url)
    title = _title(fields, meta, root, block)
    return ArticleFields(
        title=title,
        publish_date=(_first_date(fields.get("publish_date", []), year) or _header_date(lines, title)
                      or _first_date([meta_value(meta, *PUBLISH_META)], year) or date_from_url(url)),
        written_date=_first_date(fields.get("written_date", []), year) or signature.written_date,
        doc_number=_first(fields, "doc_number", doc_number) or _number_line(body),
        index_number=_first(fields, "index_number", index_number),
        publisher=_first(fields, "publisher", publisher) or publisher(meta_value(meta, *SOURCE_META)) or None,
        validity=_simplified(_first(fields, "validity", validity)),
        disclosure_label=_simplified(field_label) or signature.label,
        label_slot="field" if field_label else ("signature" if signature.label else None),
        related=related_links(root, base),
        attachments=attachment_links(root, base),
        body_text="\n".join(body)[:MAX_BODY],
    )


def _first(fields: dict[str, list[str]], name: str, clean: Callable[[str], str]) -> str | None:
    """The first candidate of field ``name`` that is still non-empty once cleaned."""
    for value in fields.get(name, []):
        cleaned = clean(value)
        if cleaned:
            return cleaned
    return None


def _simplified(value: str | None) -> str | None:
    return simplify(value) if value else None


def _first_date(values: list[str], year: int | None) -> date | None:
    for value in values:
        day = parse_date(value, year_hint=year)
        if day:
            return day
    return None


def _header_date(lines: list[str], title: str | None) -> date | None:
    """An unlabelled date standing alone under the title, past only metadata lines (来源：… 作者：…).

    Anything else between title and date (a 关联稿件 list with its own dates) ends the search.
    """
    if not title:
        return None
    wanted = _compact(title)
    for i, line in enumerate(lines):
        if wanted and _compact(line) == wanted:
            for below in lines[i + 1:i + 1 + HEADER_WINDOW]:
                if _DATE_TIME_LINE.match(fold(below)):
                    return parse_date(below)
                if not is_known_label_line(below):
                    return None
            return None
    return None


def _number_line(body: list[str]) -> str | None:
    """The 发文字号 printed unlabelled on a line of its own in the 版头 of the body: under the
    红头 (某某市人民政府文件, one line per issuer of a joint document) or the title, as a 公文 —
    often pasted from Word — prints it.

    Only a line that is a 文号 and nothing else counts, and only before the running text starts:
    a number quoted in a sentence, or further down, is another document's.
    """
    for line in body[:HEADER_LINES]:
        if is_doc_number(line):
            return line.strip()
        if _is_running_text(line):
            return None
    return None


def _is_running_text(line: str) -> bool:
    """The first line of the 主体 (主送机关 "各区人民政府：", a sentence): the 版头 is over."""
    text = fold(line.strip())
    return len(text) > MAX_HEADER_LINE or bool(_RUNNING_TEXT.search(text))


def _title(fields: dict[str, list[str]], meta: dict[str, str], root: etree._Element,
           block: etree._Element | None) -> str | None:
    if fields.get("title"):
        return fields["title"][0]
    from_meta = meta_value(meta, *TITLE_META)
    if from_meta:
        return from_meta
    site_names = {meta_value(meta, "SiteName"), meta_value(meta, "ColumnName")} - {""}
    stripped = strip_site_suffix(page_title(root), site_names)
    headings = _heading_texts(root, block)
    for heading in headings:
        if stripped and _agree(heading, stripped):
            return heading
    if stripped and not _site_like(stripped, site_names):
        return stripped
    return headings[0] if headings else (stripped or None)


def _heading_texts(root: etree._Element, block: etree._Element | None) -> list[str]:
    """h1–h3 texts, those inside or right before the content block first."""
    texts = []
    for el in root.iter():
        if tag_of(el) in _HEADINGS:
            text = " ".join(text_lines(el))
            if 4 <= len(text) <= 200:
                texts.append(text)
    if block is not None:
        inside = [" ".join(text_lines(el)) for el in block.iter() if tag_of(el) in _HEADINGS]
        texts = [t for t in inside if t] + [t for t in texts if t not in inside]
    return texts


def _compact(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", fold(text))


def _agree(heading: str, title: str) -> bool:
    """The heading and the page title name the same document.

    A heading inside the title must be most of it: a 公文 title begins with its issuer's name,
    so the site banner (``<h1>江川市青松镇人民政府</h1>``) is contained in it without being it.
    """
    a, b = _compact(heading), _compact(title)
    if not a or not b:
        return False
    return b in a or (a in b and 2 * len(a) >= len(b))


def _site_like(text: str, site_names: set[str]) -> bool:
    return text in site_names or bool(_SITE_SUFFIX.search(text)) or (text.startswith("中国") and len(text) <= 6)


def strip_site_suffix(title: str, site_names: set[str] | None = None) -> str:
    """"万载县2022年统计公报 _ 万载县人民政府" → "万载县2022年统计公报"; titles that merely contain a
    hyphen ("1-10月德清县…") are left alone because their tail does not name a site."""
    names = site_names or set()
    text = title.strip()
    while True:
        parts = list(_TITLE_SEPARATORS.finditer(text))
        if not parts:
            return text
        last = parts[-1]
        head, tail = text[:last.start()].strip(), text[last.end():].strip()
        if not head or not tail or not _site_like(tail, names):
            return text
        text = head
