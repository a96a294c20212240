"""Plain data shared between stages: what the crawler extracts and what checks conclude.

These are the contracts between stages; the store persists them and the checks read them back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

# How the crawler words a link whose host does not resolve (probes.reason starts with it): the
# checks read it back (a dead non-government domain in a body may be re-registered by anyone).
DNS_REASON = "域名无法解析 (DNS)"

Status = Literal["pass", "fail", "not_applicable", "unknown"]
STATUSES: tuple[str, ...] = ("pass", "fail", "not_applicable", "unknown")


@dataclass
class ListItem:
    """One entry of a column list page."""

    title: str
    url: str
    date: date | None = None


@dataclass
class LinkRef:
    """A link on a page: target URL, anchor text and whether CSS hides it."""

    url: str
    text: str = ""
    hidden: bool = False
    hidden_how: str = ""


@dataclass
class ArticleFields:
    """Fields of an article or 信息公开 page.  Absent values are None.

    ``written_date`` is the 成文日期 (the field of that name or the 落款 date), never a 生成日期.
    ``disclosure_label`` is read from its slot (a metadata field, or the lines after the 落款).
    """

    title: str | None = None
    publish_date: date | None = None
    written_date: date | None = None
    doc_number: str | None = None
    index_number: str | None = None
    publisher: str | None = None
    validity: str | None = None
    disclosure_label: str | None = None
    label_slot: str | None = None          # "field" | "signature" | None
    related: list[LinkRef] = field(default_factory=list)      # 相关解读 / 相关文件
    attachments: list[LinkRef] = field(default_factory=list)
    body_text: str = ""

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("publish_date", "written_date"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass
class Result:
    """The outcome of one rule on one subject (a page, a column, a month, a site)."""

    site: str
    rule: str
    subject: str
    status: Status
    reason: str = ""
    period: str | None = None
    message: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
