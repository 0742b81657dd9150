"""Answers kept for a few seconds: what the gateway asks its database on every request (who a
session's or a token's user is) asked at most once per key in that time."""
from __future__ import annotations

import time
from typing import Callable

MAX_KEYS = 10_000  # a flood of distinct keys empties the memory rather than filling it


class Recent:
    """Values by key, each forgotten `seconds` after it was kept (0: nothing is kept)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds, self._clock = seconds, clock
        self._kept: dict = {}

    def get(self, key):
        """The value kept for `key` less than `seconds` ago, or None."""
        found = self._kept.get(key)
        if found is None:
            return None
        if found[0] <= self._clock():
            self._kept.pop(key, None)
            return None
        return found[1]

    def keep(self, key, value) -> None:
        if self.seconds <= 0:
            return
        if len(self._kept) >= MAX_KEYS:
            self._kept.clear()
        self._kept[key] = (self._clock() + self.seconds, value)

    def forget(self, match: Callable[[object, object], bool]) -> None:
        """Forget every key whose (key, value) `match`es."""
        for key in [key for key, (_, value) in self._kept.items() if match(key, value)]:
            self._kept.pop(key, None)
