"""The dead-letter cap (ingest.guard)."""

from __future__ import annotations

import asyncio

from ingest.guard import DeadLetterCap


async def test_trips_on_a_bad_feed_and_holds_until_resumed() -> None:
    cap = DeadLetterCap(share=0.5, window=100, minimum=50)
    assert not cap.record([True] * 20 + [False] * 20)  # too few to judge
    assert cap.record([True] * 30)
    assert cap.tripped and "71% of the last 70" in (cap.reason or "")
    waiter = asyncio.create_task(cap.wait_until_open())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    cap.resume(grace=40)
    await asyncio.wait_for(waiter, 1)
    assert not cap.tripped
    assert not cap.record([True] * 40)  # the backlog drains inside the grace
    assert not cap.record([False] * 60)
    assert not cap.tripped


def test_a_healthy_feed_never_trips() -> None:
    cap = DeadLetterCap(share=0.5, window=100, minimum=50)
    for _ in range(50):
        assert not cap.record([False] * 9 + [True])
    assert not cap.tripped


def test_share_one_disables_the_cap() -> None:
    cap = DeadLetterCap(share=1.0, window=10, minimum=1)
    assert not cap.record([True] * 100)
