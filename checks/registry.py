"""Check kinds register here by name with their parameter model; the engine knows no rule itself.

A kind is ``run(view, site, rule, params) -> Iterator[Result]`` where ``params`` is an instance of
the model it registered (see :mod:`gongkai.checks.params`): the rule's parameters for that site,
already merged (defaults, site kind, region) and validated.  Modules register on import, so
:func:`load_kinds` imports every kind module listed in :data:`KIND_MODULES` once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongkai.checks.params import KindParams, NoParams
from gongkai.models import Result

if TYPE_CHECKING:
    from gongkai.checks.rules import Rule
    from gongkai.checks.view import AuditView, SiteInfo

# The code of a kind: (view, site, rule, params) -> Iterator[Result]
KindFn = Callable[..., Iterator[Result]]

KIND_MODULES: tuple[str, ...] = (
    "annual_report", "availability", "dates", "docnumber", "external", "fiscal", "freshness", "identity",
    "interaction", "interpretation", "labels", "links", "privacy", "publication", "services", "spam", "tls",
    "validity", "wording",
)


@dataclass(frozen=True)
class Kind:
    """A registered check kind: its code and the model its parameters must fit."""

    name: str
    run: KindFn
    params: type[KindParams]

    def params_for(self, rule: Rule, site: SiteInfo) -> KindParams:
        """The rule's parameters for one site, typed (blocks were validated when loading)."""
        return self.params.model_validate(rule.params_for(site))

    def __call__(self, view: AuditView, site: SiteInfo, rule: Rule) -> Iterator[Result]:
        """Run the rule on one site with that site's parameters (the engine also keeps them for messages)."""
        return self.run(view, site, rule, self.params_for(rule, site))


_KINDS: dict[str, Kind] = {}


def _all_defaulted(name: str, params: type[KindParams]) -> None:
    # override blocks (params_by_kind, params_by_region) are validated alone: nothing may be required
    required = [f for f, info in params.model_fields.items() if info.is_required()]
    if required:
        raise TypeError(f"check kind {name!r}: parameters {required} need defaults")


def register(name: str, params: type[KindParams] = NoParams) -> Callable[[KindFn], KindFn]:
    """Decorator: make a function available to rules as ``kind: name``, taking ``params``."""
    _all_defaulted(name, params)

    def deco(fn: KindFn) -> KindFn:
        if name in _KINDS and _KINDS[name].run is not fn:
            raise ValueError(f"check kind {name!r} registered twice")
        _KINDS[name] = Kind(name, fn, params)
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

