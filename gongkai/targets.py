"""The targets file: which portals to audit, for which period, with which crawl settings.

Validated with pydantic.  Every error becomes one line naming the file, the line and the field
(``targets.yaml:7: sites[1].home: not a URL``) so an evaluator can fix it without a traceback.
YAML tags and aliases are refused outright: a targets file never needs them, and alias bombs
would otherwise expand during validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

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


_BAD_HOST_CHARS = re.compile(r"[\s<>\"'`{}|\\^%]")


def _check_url(value: str) -> str:
    """An http(s) URL with a host: ``http//host/x``, ``ftp://…`` or ``http:///x`` would crawl nothing."""
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a URL (want http:// or https:// and a host): {text[:200]!r}")
    if _BAD_HOST_CHARS.search(parts.hostname) or len(parts.hostname) > 253:
        raise ValueError(f"not a URL (bad host name): {text[:200]!r}")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ValueError("not a URL (bad port)") from exc
    return text


WebUrl = Annotated[str, AfterValidator(_check_url)]


def infer_kind(name: str) -> SiteKind:
    """Infer the kind of body from its name: 镇/乡/街道 → township, 人民政府 → government."""
    if re.search(r"(镇|乡|街道办事处|街道)(人民政府)?$", name) and not re.search(r"(市|县|区|州|盟|旗)人民政府$", name):
        return "township"
    if re.search(r"人民政府(门户网站)?$|政府门户|政府网$", name):
        return "government"
    return "department"


class CrawlOptions(BaseModel):
    """Friendly names for the Scrapy settings an evaluator may want to change.

    Every number has bounds, because an unattended run must not start with a setting that can
    only hang it or exhaust the machine (``max_page_bytes: 99999999999999999999999`` would pass
    Scrapy an unbounded download size).  Values are strict: ``true`` is not a number.
    """

    model_config = ConfigDict(extra="forbid")
    download_delay: float | None = Field(None, ge=0, le=60, allow_inf_nan=False)
    concurrent_requests: int | None = Field(None, ge=1, le=256, strict=True)
    concurrent_requests_per_domain: int | None = Field(None, ge=1, le=64, strict=True)
    download_timeout: float | None = Field(None, ge=1, le=600, allow_inf_nan=False)
    retry_times: int | None = Field(None, ge=0, le=10, strict=True)
    user_agent: str | None = Field(None, min_length=1, max_length=512, pattern=r"^[\x20-\x7e]+$")
    obey_robots: bool | None = None
    autothrottle: bool | None = None
    max_pages_per_site: int | None = Field(None, ge=1, le=1_000_000, strict=True)
    max_list_pages: int | None = Field(None, ge=1, le=10_000, strict=True)
    max_links_checked_per_site: int | None = Field(None, ge=0, le=1_000_000, strict=True)
    max_attachments_per_site: int | None = Field(None, ge=0, le=100_000, strict=True)
    max_attachment_bytes: int | None = Field(None, ge=10_000, le=1_000_000_000, strict=True)
    lookback_days: int | None = Field(None, ge=0, le=3660, strict=True)
    max_page_bytes: int | None = Field(None, ge=10_000, le=1_000_000_000, strict=True)
    cloak_check: bool | None = None
    home_attempts: int | None = Field(None, ge=1, le=10)
    home_attempt_interval: float | None = Field(None, ge=0, le=3600)
    http_cache: bool | None = None
    http_cache_dir: str | None = Field(None, min_length=1, max_length=1000)
    link_skip_hosts: list[Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[^\s/:]+$")]] | None = Field(
        None, max_length=1000)
    tls_check: bool | None = None
    tls_cafile: str | None = Field(None, min_length=1, max_length=1000)
    extract_processes: int | None = Field(None, ge=0, le=64, strict=True)


class SiteTarget(BaseModel):
    """One portal to audit."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_-]+$", max_length=64)
    name: str = Field(min_length=1, max_length=200)
    home: str
    kind: SiteKind | None = None
    region: str | None = None
    hosts: list[str] = Field(default_factory=list)
    columns: dict[str, WebUrl] = Field(default_factory=dict)   # a bad URL is named by its column type

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
        for ctype in value:
            if ctype not in known:
                raise ValueError(f"unknown column type {ctype!r} (known: {', '.join(known)})")
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


def unmatched_regions(targets: Targets, region_keys: Iterable[str]) -> list[tuple[int, str]]:
    """(index, region) of each site whose region selects none of ``region_keys``.

    Matching is the rules' own (checks.rules.Rule.params_for): a key applies when the region
    equals it or starts with it, so ``辽宁`` covers ``辽宁省大连市`` but ``云南省`` matches nothing
    unless some rule has a ``云南`` key.  Such a site silently gets the national defaults.
    """
    keys = [k for k in region_keys if k]
    return [(i, site.region) for i, site in enumerate(targets.sites)
            if site.region and not any(site.region == k or site.region.startswith(k) for k in keys)]


def region_warning(path: str | Path, targets: Targets, region_keys: Iterable[str]) -> str | None:
    """One line naming file:line:field of the first unmatched region and listing the known ones."""
    keys = sorted(set(region_keys))
    missing = unmatched_regions(targets, keys)
    if not missing:
        return None
    index, region = missing[0]
    more = f" (and {len(missing) - 1} more site(s))" if len(missing) > 1 else ""
    where = f"{path}:{_line_of_field(path, ('sites', index, 'region'))}: sites[{index}].region"
    return (f"{where}: {region!r} selects no regional rule parameters{more}; national defaults apply "
            f"(regions the rules know: {', '.join(keys) or 'none'})")


def _line_of_field(path: str | Path, loc: tuple[Any, ...]) -> int | str:
    """Line of a field, read again from the file (only for a warning; the file already loaded once)."""
    try:
        _, root = yamlfile.load(path, "targets file")
    except yamlfile.YamlFileError:
        return "?"
    return yamlfile.line_of(root, loc)


# -- loading ---------------------------------------------------------------------------------------

def load_targets(path: str | Path) -> Targets:
    """Read and validate a targets file; raise TargetsError with one readable line."""
    try:
        return yamlfile.load_model(path, "targets file", Targets, "a mapping with audit, crawl and sites")
    except yamlfile.YamlFileError as exc:
        raise TargetsError(str(exc)) from None
