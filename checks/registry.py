"""Check kinds register here by name; the engine looks them up and knows no rule itself.

A kind is ``run(view, site, rule) -> Iterator[Result]``.  Modules register on import, so
:func:`load_kinds` imports every kind module listed in :data:`KIND_MODULES` once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

from gongkai.models import Result

# A kind: (view: AuditView, site: SiteInfo, rule: Rule) -> Iterator[Result]
Kind = Callable[..., Iterator[Result]]

KIND_MODULES: tuple[str, ...] = (
    "annual_report", "availability", "docnumber", "fiscal", "freshness", "identity",
    "interpretation", "labels", "links", "publication", "spam", "validity",
)

_KINDS: dict[str, Kind] = {}


def register(name: str) -> Callable[[Kind], Kind]:
    """Decorator: make a function available to rules as ``kind: name``."""
    def deco(fn: Kind) -> Kind:
        if name in _KINDS and _KINDS[name] is not fn:
            raise ValueError(f"check kind {name!r} registered twice")
        _KINDS[name] = fn
        return fn
    return deco


def load_kinds() -> dict[str, Kind]:
    """Import every kind module (idempotent) and return the registry."""
    for module in KIND_MODULES:
        importlib.import_module(f"gongkai.checks.{module}")
    return dict(_KINDS)


def get_kind(name: str) -> Kind:
    kinds = load_kinds()
    if name not in kinds:
        raise KeyError(name)
    return kinds[name]
