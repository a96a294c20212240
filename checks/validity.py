"""规范性文件 有效性 marking (notice 000 二（二）: 修改、废止、失效 marked on the published original).

No national clause requires an 有效性 field (indicators.md §7); the practice is a metadata field
有效性：有效/失效/废止 or a title prefix such as 【已失效】.  A normative document showing neither
is unmarked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from gongkai.checks.base import result
from gongkai.checks.params import ColumnType
from gongkai.checks.registry import register
from gongkai.checks.rules import Rule
from gongkai.checks.scope import DocumentParams, documents_to_judge
from gongkai.checks.view import AuditView, SiteInfo
from gongkai.models import Result
from gongkai.text import simplify

_TITLE_MARK = re.compile(r"[【\[(（]\s*(已?失效|已?废止|有效|现行有效|已修改|已修订|部分失效)\s*[】\])）]")


class ValidityParams(DocumentParams):
    columns: list[ColumnType] | None = ["normative_docs"]


def _evidence(doc: dict[str, Any], day: date | None) -> dict[str, Any]:
    return {"title": doc.get("title"), "url": doc["url"], "publish_date": day, "validity": doc.get("validity"),
            "doc_number": doc.get("doc_number")}


@register("validity_marking", ValidityParams)
def run(view: AuditView, site: SiteInfo, rule: Rule, params: ValidityParams) -> Iterator[Result]:
    for item in documents_to_judge(view, site, rule, params, params.columns, _evidence):
        if isinstance(item, Result):
            yield item
            continue
        doc, url, ev = item.doc, item.doc["url"], item.evidence
        validity = simplify(doc.get("validity")).strip()
        mark = _TITLE_MARK.search(simplify(doc.get("title")))
        if validity:
            yield result(site, rule, url, "pass", f"有效性：{validity}", **ev)
        elif mark:
            yield result(site, rule, url, "pass", f"标题标注{mark.group(0)}", **ev)
        else:
            yield result(site, rule, url, "fail", "规范性文件未标注有效性", **ev)
