"""What a test needs from the machine, and what happens when it is missing.

The test command (``scripts/test.sh``, which ``.ci/run`` calls) installs or starts everything the
suite needs: Debian's chromium, the distributed extra, Redis and PostgreSQL.  A test that still
finds one missing fails, saying what — never a skip, so no run can pass by not testing.
"""

from __future__ import annotations

import pytest


def need(available: bool, why: str) -> None:
    """Go on if ``available``; otherwise fail with ``why`` and how to provide it."""
    if not available:
        pytest.fail(f"{why} (run the tests with scripts/test.sh, which provides it)")
