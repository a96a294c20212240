"""What a test needs from the machine, and what happens when it is missing.

`.ci/run` installs or starts everything the suite needs (Debian's chromium, the distributed extra,
Redis and PostgreSQL) and sets ``CI=true``: there a missing piece is a failure, so CI can never
pass by skipping a test.  A local run without them skips, saying what to install.
"""

from __future__ import annotations

import os

import pytest


def need(available: bool, why: str) -> None:
    """Go on if ``available``; otherwise skip (locally) or fail (under CI) with ``why``."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why} (.ci/run must provide it)")
    pytest.skip(why)
