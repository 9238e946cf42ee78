"""Run in a real subprocess by the crash tests: one write, possibly killed by the
``MARRIAGE_ARCHIVE_TEST_CRASH_AT`` hook (archive/_testhooks.py) with SIGKILL."""

from __future__ import annotations

import sys
from pathlib import Path

from archive import Archive
from tests.archive.helpers import commit_one, make_settings

if __name__ == "__main__":
    tmp, action = Path(sys.argv[1]), sys.argv[2]
    with Archive.open(make_settings(tmp)) as archive:
        if action == "commit":
            commit_one(archive, tmp / "batch", 1)
        else:
            archive.correct_fields("rec-0001", {"office": "高台县民政局婚姻登记处"}, "clerk", "x")
