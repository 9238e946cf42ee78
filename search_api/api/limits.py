"""Abuse limits for API keys: per-minute rate, daily quota, enumeration alert.

In-process and in memory: the service runs as one waitress process (threads),
so one :class:`LookupLimiter` per app sees every call. Counters restart with the
process (documented in docs/lookup-api.md); the daily quota window is the UTC day.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas.errors import RateLimited

log = logging.getLogger("marriage_archive.api.limits")


@dataclass
class _KeyState:
    recent: deque[float] = field(default_factory=deque)  # monotonic times, last 60 s
    day: str = ""
    day_count: int = 0
    subjects: dict[str, float] = field(default_factory=dict)  # hmac -> last seen (1 h)
    alerted_at: float = -math.inf


class LookupLimiter:
    """Thread-safe sliding-window rate limit + daily quota + enumeration watch."""

    def __init__(
        self,
        rate_per_minute: int,
        daily_quota: int,
        alert_distinct: int,
        clock=time.monotonic,
        wall=lambda: datetime.now(UTC),
    ):
        self.rate_per_minute = rate_per_minute
        self.daily_quota = daily_quota
        self.alert_distinct = alert_distinct
        self._clock = clock
        self._wall = wall
        self._lock = threading.Lock()
        self._keys: dict[str, _KeyState] = {}

    def consume(self, key_id: str, units: int = 1) -> None:
        """Take ``units`` lookups from the key's allowance or raise :class:`RateLimited`.

        A call that would cross a limit consumes nothing (a batch is all or nothing).
        """
        now = self._clock()
        today = self._wall().date().isoformat()
        with self._lock:
            state = self._keys.setdefault(key_id, _KeyState())
            while state.recent and state.recent[0] <= now - 60.0:
                state.recent.popleft()
            if state.day != today:
                state.day, state.day_count = today, 0
            if state.day_count + units > self.daily_quota:
                raise RateLimited(
                    "Daily lookup quota reached for this key: retry after midnight UTC.",
                    retry_after=self._seconds_to_midnight(),
                    code="quota_exceeded",
                )
            if len(state.recent) + units > self.rate_per_minute:
                if units > self.rate_per_minute:
                    wait = 60
                else:
                    oldest = state.recent[len(state.recent) + units - self.rate_per_minute - 1]
                    wait = max(1, math.ceil(oldest + 60.0 - now))
                raise RateLimited(
                    f"Rate limit of {self.rate_per_minute} lookups a minute reached: "
                    f"retry in {wait} s.",
                    retry_after=wait,
                )
            state.recent.extend([now] * units)
            state.day_count += units

    def observe_subjects(self, key_id: str, client_name: str, subjects: list[str]) -> bool:
        """Record queried subjects (HMACs); log an alert when the key looks like it enumerates.

        Returns True when an alert was raised by this call. Never logs the subjects.
        """
        now = self._clock()
        with self._lock:
            state = self._keys.setdefault(key_id, _KeyState())
            for subject in subjects:
                state.subjects[subject] = now
            if len(state.subjects) > self.alert_distinct:
                cutoff = now - 3600.0
                state.subjects = {s: t for s, t in state.subjects.items() if t > cutoff}
            distinct = len(state.subjects)
            if distinct <= self.alert_distinct or now - state.alerted_at < 3600.0:
                return False
            state.alerted_at = now
        log.warning(
            "ALERT possible ID enumeration: key %s (%s) queried %s distinct subjects in 1 h "
            "(threshold %s)",
            key_id,
            client_name,
            distinct,
            self.alert_distinct,
        )
        return True

    def _seconds_to_midnight(self) -> int:
        now = self._wall()
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return max(1, math.ceil((midnight - now).total_seconds()))
