"""公开属性 labels of the body's own 公文 (notice 000 二（二）).

印发的公文要明确标注“此件公开发布”、“此件依申请公开”: a 公文 with a 发文字号 should show its
disclosure attribute, and one published on the portal should not be labelled 依申请公开 or
不予公开.  A label counts only when the crawler found it in its slot (a metadata field such as
公开方式, or the lines after the 落款) — never a quotation inside the body text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from gongkai.checks.base import result
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.scope import DocumentParams, documents_to_judge
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import simplify

SLOTS = ("field", "signature")


class PresenceParams(DocumentParams):
    """``cutoff``: 公文 formed before it need no label; ``attributes``: words that count as one."""

    cutoff: date = date(2017, 1, 1)
    attributes: list[str] = ["公开发布", "主动公开", "依申请公开", "不予公开", "不公开", "免予公开"]


class ConflictParams(DocumentParams):
    """``conflicts``: labels that contradict active publication on the portal."""

    conflicts: list[str] = ["依申请公开", "不予公开", "不公开", "免予公开"]


def slot_label(doc: dict[str, Any]) -> str | None:
    """The label read from its slot, simplified; None when the page shows none there."""
    if doc.get("label_slot") in SLOTS and doc.get("label"):
        return simplify(doc["label"]).strip()
    return None


def _evidence(doc: dict[str, Any], day: date | None) -> dict[str, Any]:
    return {"title": doc.get("title"), "url": doc["url"], "doc_number": doc.get("doc_number"),
            "written_date": doc.get("written_date"), "publish_date": day,
            "label": doc.get("label"), "label_slot": doc.get("label_slot")}


def _not_a_document(doc: dict[str, Any]) -> str | None:
    return None if (doc.get("doc_number") or "").strip() else "无发文字号，不按公文判断"


def _unlabelled(doc: dict[str, Any]) -> str | None:
    return None if slot_label(doc) is not None else "无公开属性标注（正文引述不计）"


@register("disclosure_label_presence", PresenceParams)
def run_missing(view: AuditView, site: SiteInfo, rule: Rule, params: PresenceParams) -> Iterator[Result]:
    cutoff, attributes = params.cutoff, params.attributes
    for item in documents_to_judge(view, site, rule, params, params.columns, _evidence, before=_not_a_document):
        if isinstance(item, Result):
            yield item
            continue
        doc, day, url, ev = item.doc, item.day, item.doc["url"], item.evidence
        formed = doc.get("written_date") or day
        if formed < cutoff:
            yield result(site, rule, url, "not_applicable", f"成文早于{cutoff}", **ev)
            continue
        label = slot_label(doc)
        if label and any(a in label for a in attributes):
            yield result(site, rule, url, "pass", f"标注公开属性：{label}", **ev)
        else:
            yield result(site, rule, url, "fail", "未在元数据或落款处标注公开属性", **ev)


@register("disclosure_label_conflict", ConflictParams)
def run_conflict(view: AuditView, site: SiteInfo, rule: Rule, params: ConflictParams) -> Iterator[Result]:
    conflicts = params.conflicts
    for item in documents_to_judge(view, site, rule, params, params.columns, _evidence, before=_unlabelled):
        if isinstance(item, Result):
            yield item
            continue
        url, ev, label = item.doc["url"], item.evidence, slot_label(item.doc)
        hit = next((c for c in conflicts if c in label), None)
        if hit:
            yield result(site, rule, url, "fail", f"标注为“{label}”却在网站主动发布", **ev)
        else:
            yield result(site, rule, url, "pass", f"标注为“{label}”", **ev)
