"""Functions an extraction worker runs in tests: importable by name in a spawned process."""

from __future__ import annotations

import os
import signal
import time


def die(_html: str) -> str:
    """A page that takes its worker down (a libxml2 crash, the kernel's OOM killer)."""
    os.kill(os.getpid(), signal.SIGKILL)
    return "never"


def hang(_html: str) -> str:
    """A page a worker never finishes (catastrophic backtracking)."""
    time.sleep(600)
    return "never"


def echo(html: str) -> str:
    return html
