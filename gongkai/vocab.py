"""Access to the bundled data files of ``config/`` (rules, indicators, vocabularies)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def config_path(name: str) -> Path:
    """Path of a bundled config file such as ``rules.yaml``."""
    return Path(str(resources.files("gongkai.config").joinpath(name)))


# The bundled files are the project's own data, not a user's: libyaml's safe loader reads them
# in a tenth of the pure-Python one's time (every command loads several; the check, a dozen).
# Files that people write (targets, rules, indicators) go through :mod:`gongkai.yamlfile`.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=32)
def load_config(name: str) -> Any:
    """Parsed YAML of a bundled config file (cached: these files are read-only data)."""
    with config_path(name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 (a safe loader, C or Python)


def column_types() -> dict[str, list[str]]:
    """Column type → navigation words, from ``config/columns.yaml``."""
    return {name: list(spec.get("words", [])) for name, spec in load_config("columns.yaml")["types"].items()}


@lru_cache(maxsize=1)
def column_excludes() -> dict[str, tuple[str, ...]]:
    """Column type → words that keep a navigation text out of that type (信访 is not 咨询)."""
    return {name: tuple(spec.get("exclude", [])) for name, spec in load_config("columns.yaml")["types"].items()}


@lru_cache(maxsize=1)
def column_multiple() -> frozenset[str]:
    """Column types discovery keeps several of (one per URL), e.g. every 咨询建言 channel."""
    return frozenset(name for name, spec in load_config("columns.yaml")["types"].items() if spec.get("multiple"))


def column_label(column_type: str) -> str:
    """Chinese display name of a column type (``policy_docs`` → 政策文件)."""
    spec = load_config("columns.yaml")["types"].get(column_type, {})
    return str(spec.get("label") or column_type)


def field_labels() -> dict[str, tuple[str, ...]]:
    """Metadata field → its labels, most trusted first, from ``config/fields.yaml``."""
    spec = load_config("fields.yaml")["fields"]
    return {field: tuple(str(entry["label"]) for entry in entries) for field, entries in spec.items()}


def stop_labels() -> tuple[str, ...]:
    """Labels of no field that still end the value before them (``config/fields.yaml``)."""
    return tuple(str(label) for group in load_config("fields.yaml")["stop_labels"] for label in group["labels"])
