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
from .fields import doc_number, first_token, is_known_label_line, organisation, read_fields, validity
from .fold import fold
from .links import attachment_links, related_links
from .page import base_url, meta_tags, meta_value, page_title
from .signature import find_signature

MAX_BODY = 100_000
HEADER_WINDOW = 6       # lines under the title where an unlabelled publication date may stand
_DATE_TIME_LINE = re.compile(r"^\s*(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
NUMBER_LINE_WINDOW = 8  # lines at the top of the body where a 发文字号 line may stand
_DOC_NUMBER_LINE = re.compile(
    r"^[\u4e00-\u9fff]{1,16}\s*[〔\[【(［（﹝]\s*(?:19|20)\d{2}\s*[〕\]】)］）﹞]\s*(?:第\s*)?\d{1,5}\s*[号號]$")
_SITE_SUFFIX = re.compile(r"(网|网站|门户|政府|人民政府|政府网|平台|gov\.cn|首页|官网)$", re.I)
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|——|—|\s-\s|-)\s*")
_HEADINGS = frozenset({"h1", "h2", "h3"})
PUBLISH_META = ("PubDate", "publishdate", "pubdate", "firstpublishedtime", "article:published_time")
TITLE_META = ("ArticleTitle", "og:title")
SOURCE_META = ("ContentSource", "source")


def extract_article(html: str, url: str) -> ArticleFields:
    """Every field the page shows; absent ones are None (see :class:`gongkai.models.ArticleFields`)."""
    root = parse(html)
    meta = meta_tags(root)
    lines = text_lines(root)
    fields = read_fields(lines)
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
        index_number=_first(fields, "index_number", first_token),
        publisher=_first(fields, "publisher", organisation) or meta_value(meta, *SOURCE_META) or None,
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
    """The 发文字号 printed on its own line under the title (国发〔2019〕5号)."""
    for line in body[:NUMBER_LINE_WINDOW]:
        if _DOC_NUMBER_LINE.match(fold(line.strip())):
            return line.strip()
    return None


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
    a, b = _compact(heading), _compact(title)
    return bool(a) and bool(b) and (a in b or b in a)


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
