"""Parameters of check kinds: each kind declares a pydantic model, the one home of its defaults.

A rules file's ``params``, and every ``params_by_kind`` / ``params_by_region`` block, is validated
against its kind's model when the rulebook is loaded, so ``workingdays: 30`` (a typo) or
``working_days: "three"`` is refused with file:line:field instead of silently falling back to a
default.  Every field has a default because an override block names only what it changes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from gongkai.vocab import column_types


class KindParams(BaseModel):
    """Base of every kind's parameters: unknown keys refused, values immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(KindParams):
    """A kind that takes no parameters (any key given is a mistake)."""


def _known_column_type(value: str) -> str:
    known = column_types()
    if value not in known:
        raise ValueError(f"unknown column type {value!r} (config/columns.yaml: {', '.join(sorted(known))})")
    return value


# A column type of the vocabulary in config/columns.yaml.
ColumnType = Annotated[str, AfterValidator(_known_column_type)]
