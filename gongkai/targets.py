"""The targets file: which portals to audit, for which period, with which crawl settings.

Validated with pydantic.  Every error becomes one line naming the file, the line and the field
(``targets.yaml:7: sites[1].home: not a URL``) so an evaluator can fix it without a traceback.
YAML tags and aliases are refused outright: a targets file never needs them, and alias bombs
would otherwise expand during validation.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gongkai import yamlfile
from gongkai.vocab import column_types
from gongkai.workdays import Period, parse_period

SiteKind = Literal["government", "department", "township"]


class TargetsError(Exception):
    """A targets file that cannot be used; the message is the one line shown to the user."""


def origin(url: str) -> str:
    """scheme://host:port with the default port made explicit, the unit of site membership."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "http").lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def _check_url(value: str) -> str:
    parts = urlsplit(str(value).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not a URL")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ValueError("not a URL (bad port)") from exc
    return str(value).strip()


def infer_kind(name: str) -> SiteKind:
    """Infer the kind of body from its name: 镇/乡/街道 → township, 人民政府 → government."""
    if re.search(r"(镇|乡|街道办事处|街道)(人民政府)?$", name) and not re.search(r"(市|县|区|州|盟|旗)人民政府$", name):
        return "township"
    if re.search(r"人民政府(门户网站)?$|政府门户|政府网$", name):
        return "government"
    return "department"


class CrawlOptions(BaseModel):
    """Friendly names for the Scrapy settings an evaluator may want to change."""

    model_config = ConfigDict(extra="forbid")
    download_delay: float = Field(0.25, ge=0, le=60)
    concurrent_requests: int = Field(16, ge=1, le=512)
    concurrent_requests_per_domain: int = Field(4, ge=1, le=64)
    download_timeout: float = Field(20, gt=0, le=300)
    retry_times: int = Field(2, ge=0, le=10)
    user_agent: str | None = None
    obey_robots: bool = False
    autothrottle: bool = False
    max_pages_per_site: int = Field(3000, ge=1)
    max_list_pages: int = Field(30, ge=1)
    max_links_checked_per_site: int = Field(1500, ge=0)
    lookback_days: int = Field(400, ge=0)
    max_page_bytes: int = Field(10_000_000, ge=10_000)
    cloak_check: bool = True
    home_attempts: int = Field(3, ge=1, le=10)
    home_attempt_interval: float = Field(60, ge=0, le=3600)


class SiteTarget(BaseModel):
    """One portal to audit."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_-]+$", max_length=64)
    name: str = Field(min_length=1, max_length=200)
    home: str
    kind: SiteKind | None = None
    region: str | None = None
    hosts: list[str] = Field(default_factory=list)
    columns: dict[str, str] = Field(default_factory=dict)

    _home = field_validator("home")(_check_url)

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for host in value:
            if not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", host):
                raise ValueError(f"not a host name: {host!r}")
            try:
                origin(f"http://{host}/")
            except ValueError:
                raise ValueError(f"not a host name (bad port): {host!r}") from None
        return [h.lower() for h in value]

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        known = column_types()
        for ctype, url in value.items():
            if ctype not in known:
                raise ValueError(f"unknown column type {ctype!r} (known: {', '.join(known)})")
            _check_url(url)
        return value

    @model_validator(mode="after")
    def _infer_kind(self) -> SiteTarget:
        if self.kind is None:
            self.kind = infer_kind(self.name)
        return self

    def origins(self) -> list[str]:
        """Origins (scheme://host:port) that belong to this site."""
        found = [origin(self.home)] + [origin(u) for u in self.columns.values()]
        for host in self.hosts:
            if ":" in host:
                found += [origin(f"http://{host}"), origin(f"https://{host}")]
            else:
                found += [origin(f"http://{host}/"), origin(f"https://{host}/")]
        return list(dict.fromkeys(found))

    def owns(self, url: str) -> bool:
        """True when ``url`` is inside this site (scheme + host + port, not host alone)."""
        try:
            return origin(url) in self.origins()
        except ValueError:
            return False


class AuditSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    period: str
    as_of: date = Field(default_factory=date.today)

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> str:
        parse_period(str(value))
        return str(value)

    @property
    def parsed_period(self) -> Period:
        return parse_period(self.period)


class Targets(BaseModel):
    """The whole targets file."""

    model_config = ConfigDict(extra="forbid")
    audit: AuditSpec
    crawl: CrawlOptions = Field(default_factory=CrawlOptions)
    sites: list[SiteTarget] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Targets:
        seen: set[str] = set()
        for site in self.sites:
            if site.id in seen:
                raise ValueError(f"duplicate site id {site.id!r}")
            seen.add(site.id)
        return self

    def site(self, site_id: str) -> SiteTarget:
        return next(s for s in self.sites if s.id == site_id)


# -- loading ---------------------------------------------------------------------------------------

def load_targets(path: str | Path) -> Targets:
    """Read and validate a targets file; raise TargetsError with one readable line."""
    try:
        data, root = yamlfile.load(path, "targets file")
    except yamlfile.YamlFileError as exc:
        raise TargetsError(str(exc)) from None
    if not isinstance(data, dict):
        raise TargetsError(f"{path}:1: top level: expected a mapping with audit, crawl and sites")
    try:
        return Targets.model_validate(data)
    except ValidationError as exc:
        raise TargetsError(yamlfile.validation_problem(str(path), root, exc)) from None
