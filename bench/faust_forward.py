"""Scenario B: a faust agent that only decodes each message and forwards it (the framework's ceiling).

BENCH_BOOTSTRAP=... BENCH_RAW=... BENCH_OUT=... BENCH_GROUP=... python -m bench.faust_forward
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import faust
import orjson

app = faust.App(
    os.environ["BENCH_GROUP"],
    broker=f"kafka://{os.environ['BENCH_BOOTSTRAP']}",
    value_serializer="raw",
    key_serializer="raw",
    web_enabled=False,
    store="memory://",
    consumer_auto_offset_reset="earliest",
    producer_max_request_size=16 * 1024 * 1024,
    datadir=os.environ.get("BENCH_DATADIR", "/tmp/bench-faust-forward"),
)
raw = app.topic(os.environ["BENCH_RAW"], key_serializer="raw", value_serializer="raw")
out = app.topic(os.environ["BENCH_OUT"], key_serializer="raw", value_serializer="raw")


@app.agent(raw)
async def forward(stream: Any) -> None:
    async for event in stream.events():
        with contextlib.suppress(orjson.JSONDecodeError):  # decode only: forward either way
            orjson.loads(event.value)
        await out.send(key=event.message.key, value=event.value)


if __name__ == "__main__":
    faust.Worker(app, loglevel="warning", redirect_stdouts=False).execute_from_commandline()
