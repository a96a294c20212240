"""Whose documents, and which ones a rule judges.

Document rules judge the documents a site *published* inside the audit period, and only the
body's own (its government and office, or the department itself).  Reposts of other bodies'
documents and the exempt categories of ``config/exempt.yaml`` (转发, 政府令, 会议纪要, 放假通知,
征求意见稿, 任免, 表彰) are ``not_applicable`` where a rule lists them.  Names are compared
loosely: "区政府办公室" is the office of "宁波市北仑区人民政府"; "宁波市人民政府办公厅" is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator

from gongkai.checks.base import result
from gongkai.checks.params import ColumnType, KindParams
from gongkai.checks.rules import Rule
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import date_from_url, simplify
from gongkai.vocab import load_config

Ownership = Literal["own", "other", "unknown"]

_SITE_SUFFIX = re.compile(r"(门户网站|政府门户|政务网|政府网站|网站|政府网|官网|门户|主页)$")
_LEVEL_CHARS = "省市区县州盟旗镇乡"
_BODY_END = re.compile(r"(政府|办公厅|办公室|政府办|局|委员会|委|厅|部|署|院|办|中心|管委会|街道办事处)$")
_SPLIT = re.compile(r"[\s、,，;；/]+")


def _known_category(name: str) -> str:
    known = load_config("exempt.yaml")["categories"]
    if name not in known:
        raise ValueError(f"unknown exempt category {name!r} (config/exempt.yaml: {', '.join(known)})")
    return name


ExemptCategory = Annotated[str, AfterValidator(_known_category)]


class ScopeParams(KindParams):
    """Whose documents a rule judges: ``exempt`` lists categories of config/exempt.yaml that are
    ``not_applicable``; ``own_only`` judges only the body's own documents (an unknown issuer
    counts as the body's own: the document sits in the body's own column)."""

    exempt: list[ExemptCategory] = []
    own_only: bool = True


class DocumentParams(ScopeParams):
    """A rule judging documents wherever listed: ``columns``, the column types read (None: all)."""

    columns: list[ColumnType] | None = None


def published(doc: dict[str, Any]) -> date | None:
    """The publication day: the page's date, else the day a CMS encodes in the URL."""
    return doc.get("publish_date") or date_from_url(doc.get("url"))


def period_documents(view: AuditView, site: SiteInfo,
                     column_types: Iterable[str] | None = None) -> Iterator[tuple[dict[str, Any], date | None]]:
    """(document, publication day) for documents published in the period or of unknown date.

    Documents published outside the period are not subjects of this audit and are skipped;
    an undated one is yielded with ``None`` so the rule can say ``unknown``.
    """
    wanted = set(column_types or ())
    for doc in view.documents(site.site):
        if wanted and not wanted & set(doc["column_types"]):
            continue
        day = published(doc)
        if day is None or view.period.contains(day):
            yield doc, day


UNDATED = "发布日期无法识别"
Doc = dict[str, Any]


@dataclass(frozen=True)
class Judged:
    """A document the preamble let through — in the period, in scope, dated — with its evidence."""

    doc: Doc
    day: date
    evidence: dict[str, Any]


def documents_to_judge(view: AuditView, site: SiteInfo, rule: Rule, params: ScopeParams,
                       columns: Iterable[str] | None, evidence: Callable[[Doc, date | None], dict[str, Any]], *,
                       ignore: Callable[[Doc], bool] | None = None, before: Callable[[Doc], str | None] | None = None,
                       undated: str = UNDATED) -> Iterator[Judged | Result]:
    """The preamble every per-document kind shares, in one order.

    Documents published in the period (or undated) of ``columns``; ``ignore`` drops what is not a
    subject of the rule at all (no result).  Then ``not_applicable`` for the rule's own reason
    (``before``) or when out of scope (exempt category, another body's) — an exempt document
    needs no date — then ``unknown`` when undated; what remains is yielded as ``Judged``.
    """
    for doc, day in period_documents(view, site, columns):
        if ignore is not None and ignore(doc):
            continue
        ev = evidence(doc, day)
        why = (before(doc) if before is not None else None) or out_of_scope(doc, site, params)
        if why:
            yield result(site, rule, doc["url"], "not_applicable", why, **ev)
        elif day is None:
            yield result(site, rule, doc["url"], "unknown", undated, **ev)
        else:
            yield Judged(doc, day, ev)


def exemption(doc: dict[str, Any], categories: Iterable[str]) -> tuple[str, str] | None:
    """(category label, matched word) when the document falls in one of ``categories``."""
    vocab = load_config("exempt.yaml")["categories"]
    title = simplify(doc.get("title"))
    number = simplify(doc.get("doc_number"))
    for name in categories:
        spec = vocab[_known_category(name)]
        word = next((w for w in spec.get("title_words", []) if w in title), None)
        if word is None and number:
            word = next((p for p in spec.get("doc_number_patterns", []) if re.search(p, number)), None)
        if word is not None:
            return spec.get("label", name), word
    return None


def body_core(name: str | None) -> str:
    """A body's name without website suffixes and spaces; 人民政府 → 政府, 街道办事处 → 街道."""
    text = re.sub(r"\s+", "", simplify(name))
    text = _SITE_SUFFIX.sub("", text)
    return text.replace("人民政府", "政府").replace("街道办事处", "街道")


def _forms(core: str) -> set[str]:
    """The names a body's pages use for it: full, and with the region prefix dropped."""
    forms = {core} if core else set()
    for i, ch in enumerate(core):
        if ch in _LEVEL_CHARS:
            forms.update(f for f in (core[i:], core[i + 1:]) if len(f) >= 2)
    return forms


def same_body(name: str | None, site_name: str) -> bool:
    """True when ``name`` (a publisher, a title prefix) is the site's body or its office."""
    site_forms = _forms(body_core(site_name))
    for part in _SPLIT.split(simplify(name or "")):
        core = body_core(part)
        # "大连市" names the government of 大连市 (大连市政府), not its 财政局
        if len(core) >= 2 and any(core.startswith(f) or f == core + "政府" for f in site_forms):
            return True
    return False


def issuing_body(doc: dict[str, Any]) -> str | None:
    """Who issued a document: the body named before 关于 in its title (the 发文机关 of a 公文
    title), else the 发布机构 field (often the drafting department, hence second)."""
    title = re.sub(r"[ \t\u3000]+", " ", simplify(doc.get("title"))).strip()
    head, sep, _ = title.partition("关于")
    head = head.strip()
    if sep and head and _BODY_END.search(head.replace(" ", "")):
        return head  # spaces kept: jointly issued titles list the bodies separated by spaces
    return str(doc["publisher"]) if doc.get("publisher") else None


def ownership(doc: dict[str, Any], site: SiteInfo) -> Ownership:
    body = issuing_body(doc)
    if body is None:
        return "unknown"
    return "own" if same_body(body, site.name) else "other"


def out_of_scope(doc: dict[str, Any], site: SiteInfo, params: ScopeParams) -> str | None:
    """Why a rule does not apply to a document (exempt category, another body's), or None."""
    hit = exemption(doc, params.exempt)
    if hit:
        return f"豁免类别：{hit[0]}（标题含“{hit[1]}”）"
    if params.own_only and ownership(doc, site) == "other":
        return f"非本机关文件（发布机关：{issuing_body(doc)}）"
    return None
