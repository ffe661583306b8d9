"""The dead-letter cap: stop consuming instead of dead-lettering a whole feed.

Contract: over the last `window` raw messages (once at least `minimum` were seen), if the share
that went to dead-letter exceeds `share`, the cap trips. The worker then takes no further batch:
the messages stay in Kafka, uncommitted, until an operator resumes (`POST /resume` on the worker's
HTTP port, or a restart). Resuming clears the window and ignores the next `grace` messages
(default: one window), so a backlog of bad messages from the incident can drain to dead-letter
without tripping the cap again; after that the cap watches as before. While tripped:
`ingest_consumption_paused` is 1, /readyz is 503 with the reason, and an error is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable

log = logging.getLogger("ingest.guard")


class DeadLetterCap:
    def __init__(self, share: float, window: int, minimum: int) -> None:
        self.share = share
        self.window: deque[bool] = deque(maxlen=window)
        self.minimum = minimum
        self.grace = 0
        self.reason: str | None = None
        self._open = asyncio.Event()
        self._open.set()

    @property
    def tripped(self) -> bool:
        return self.reason is not None

    def record(self, dead_lettered: Iterable[bool]) -> bool:
        """Account one batch's outcomes; True when this batch tripped the cap."""
        for bad in dead_lettered:
            if self.grace > 0:
                self.grace -= 1
                continue
            self.window.append(bad)
        if self.tripped or len(self.window) < self.minimum:
            return False
        bad_share = sum(self.window) / len(self.window)
        if bad_share <= self.share:
            return False
        self.reason = (
            f"paused: {bad_share:.0%} of the last {len(self.window)} raw messages were dead-lettered "
            f"(limit {self.share:.0%}); fix the producer, then POST /resume"
        )
        self._open.clear()
        log.error("dead-letter cap tripped, consumption stopped", extra={"reason": self.reason})
        return True

    async def wait_until_open(self) -> None:
        await self._open.wait()

    def resume(self, grace: int | None = None) -> None:
        self.window.clear()
        self.grace = (self.window.maxlen or 0) if grace is None else grace
        if self.reason is not None:
            log.warning("consumption resumed by an operator", extra={"grace": self.grace})
        self.reason = None
        self._open.set()
