"""The real Redis and PostgreSQL that `scripts/services.sh` starts, for the tests that need them.

The test command (`scripts/test.sh`, called by `.ci/run`) starts them and exports
GONGKAI_TEST_REDIS and GONGKAI_TEST_PG; a run without those variables fails these tests, saying
which server is missing: no run passes by skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests.environment import need

REDIS_URL = os.environ.get("GONGKAI_TEST_REDIS")
PG_URL = os.environ.get("GONGKAI_TEST_PG")
WHY = "GONGKAI_TEST_REDIS / GONGKAI_TEST_PG not set: run `eval \"$(scripts/services.sh)\"` first"


def require(*urls: str | None) -> None:
    """Skip (locally) or fail (in CI) when a server's URL is not given."""
    need(all(urls), WHY)


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (dropped afterwards); its SQLAlchemy URL."""
    import sqlalchemy as sa

    require(PG_URL)
    assert PG_URL is not None
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"gk_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
