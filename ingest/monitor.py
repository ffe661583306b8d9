"""The worker's view of its own health: broker connectivity, assignment, lag, index size.

Every `PROBE_SECONDS` a metadata request goes to Kafka with a short timeout; its outcome is
`ingest_broker_connected`. Readiness (see `not_ready_reasons`) combines it with the faust
consumer's assignment, rebalancing and table-recovery state and the dead-letter cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from aiokafka.client import AIOKafkaClient
from mode import Service

from ingest.config import Settings
from ingest.index_sweep import entry_count
from ingest.kafka import client_options
from ingest.metrics import Metrics

log = logging.getLogger("ingest.monitor")

PROBE_SECONDS = 2.0
PROBE_TIMEOUT = 3.0


class Monitor(Service):
    def __init__(
        self, app: Any, settings: Settings, metrics: Metrics, table: Any, raw_topic: Any, cap: Any, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.faust_app = app
        self.settings = settings
        self.metrics = metrics
        self.table = table
        self.raw_topic_name = settings.topics.raw
        self.connected = False
        self.cap = cap  # the dead-letter cap (ingest.guard): its reason makes the worker not ready
        self._client: AIOKafkaClient | None = None
        self._last_refresh = 0.0

    async def on_start(self) -> None:
        self._client = AIOKafkaClient(
            **client_options(self.settings.kafka), request_timeout_ms=int(PROBE_TIMEOUT * 1000)
        )
        self.add_future(self._probe_forever())

    async def on_stop(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()

    async def _probe_forever(self) -> None:
        assert self._client is not None
        bootstrapped = False
        while not self.should_stop:
            try:
                if not bootstrapped:
                    await asyncio.wait_for(self._client.bootstrap(), PROBE_TIMEOUT)
                    bootstrapped = True
                await asyncio.wait_for(self._client.fetch_all_metadata(), PROBE_TIMEOUT)
                self._set_connected(True)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._set_connected(False, exc)
            self.refresh()
            await self.sleep(PROBE_SECONDS)

    def _set_connected(self, up: bool, exc: Exception | None = None) -> None:
        if up != self.connected:
            if up:
                log.info("connected to Kafka")
            else:
                log.warning("lost Kafka: %s", exc)
        self.connected = up
        self.metrics.broker_up.set(1 if up else 0)

    def _assignment(self) -> set[Any]:
        try:
            return set(self.faust_app.consumer.assignment())
        except Exception:
            return set()

    def partitions(self) -> dict[str, list[int]]:
        """The partitions this worker owns, by topic."""
        out: dict[str, list[int]] = {}
        for tp in self._assignment():
            out.setdefault(tp.topic, []).append(tp.partition)
        return {topic: sorted(ps) for topic, ps in sorted(out.items())}

    def not_ready_reasons(self) -> list[str]:
        app = self.faust_app
        reasons = []
        if not self.connected:
            reasons.append("not connected to Kafka")
        if not any(tp.topic == self.raw_topic_name for tp in self._assignment()):
            reasons.append(f"no partitions of {self.raw_topic_name} assigned")
        if getattr(app, "rebalancing", False):
            reasons.append("rebalancing")
        if getattr(app, "in_recovery", False):
            reasons.append("recovering tables")
        if self.cap.reason:
            reasons.append(self.cap.reason)
        self.metrics.paused.set(1 if self.cap.tripped else 0)
        self.metrics.ready.set(0 if reasons else 1)
        return reasons

    def refresh(self) -> None:
        """Update assignment, lag and index gauges (at most once a second)."""
        now = time.monotonic()
        if now - self._last_refresh < 1.0:
            return
        self._last_refresh = now
        assignment = self._assignment()
        per_topic: dict[str, int] = {}
        consumer = getattr(self.faust_app, "consumer", None)
        committed = getattr(consumer, "_committed_offset", {}) if consumer is not None else {}
        for tp in assignment:
            per_topic[tp.topic] = per_topic.get(tp.topic, 0) + 1
            try:
                high = consumer.highwater(tp) if consumer is not None else None
            except Exception:
                high = None
            done = committed.get(tp)
            if high is not None:
                self.metrics.lag.labels(tp.topic, str(tp.partition)).set(max(0, high - (done or 0)))
        for topic in {self.raw_topic_name, self.settings.topics.dedup_requests}:
            self.metrics.assigned.labels(topic).set(per_topic.get(topic, 0))
        index_partitions = [tp.partition for tp in assignment if tp.topic == self.settings.topics.dedup_requests]
        try:
            self.metrics.index_entries.set(entry_count(self.table, index_partitions))
        except Exception as exc:  # a store closing during a rebalance: next time
            log.debug("index size unavailable: %s", exc)
        self.not_ready_reasons()
