"""Fixtures for check tests: ``audit`` builds a real store in tmp_path (see helpers.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("gongkai_tests_checks_helpers", Path(__file__).with_name("helpers.py"))
assert _spec and _spec.loader
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)


@pytest.fixture
def audit(tmp_path: Path):
    builder = helpers.AuditBuilder(tmp_path)
    yield builder
    builder.store.close()


@pytest.fixture
def make_audit(tmp_path: Path):
    """Factory for an audit with another period, as_of, site kind or region."""
    made = []

    def make(**kwargs):
        sub = tmp_path / f"a{len(made)}"
        sub.mkdir()
        builder = helpers.AuditBuilder(sub, **kwargs)
        made.append(builder)
        return builder
    yield make
    for builder in made:
        builder.store.close()
