"""Test-wide settings.

Hypothesis: on a developer's machine every run explores new random examples (and
keeps failures in its database); in CI (``CI=true``) the examples are derived from
each test's name, so a green main stays green and a failure reproduces exactly.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")
