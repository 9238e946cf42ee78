"""Crash points for the kill -9 tests of the write path (test-only hook).

When the environment variable ``MARRIAGE_ARCHIVE_TEST_CRASH_AT`` names a point
(``after_stage``, ``after_copy_a``, ``after_copy_b`` = before the catalog
commit, ``before_catalog`` is an alias), the process kills itself with SIGKILL
there: no cleanup handlers run, exactly like a power cut or ``kill -9``.
This module is the only code that reads this variable; it is not a setting
(it must never be set in production) and is documented in docs/archive.md.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "MARRIAGE_ARCHIVE_TEST_CRASH_AT"
_ALIASES = {"before_catalog": "after_copy_b"}


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL if the test hook names ``name``."""
    wanted = os.environ.get(CRASH_ENV)
    if wanted and _ALIASES.get(wanted, wanted) == name:
        os.kill(os.getpid(), signal.SIGKILL)
