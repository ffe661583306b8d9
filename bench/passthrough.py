"""Scenario A: a raw aiokafka consume -> produce passthrough (the Python-on-Kafka ceiling).

python -m bench.passthrough BOOTSTRAP RAW_TOPIC OUT_TOPIC COUNT GROUP
"""

from __future__ import annotations

import asyncio
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def main(bootstrap: str, raw: str, out: str, count: int, group: str) -> None:
    consumer = AIOKafkaConsumer(
        raw,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=True,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024)
    await consumer.start()
    await producer.start()
    done = 0
    try:
        while done < count:
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            futures = []
            for records in batch.values():
                for m in records:
                    futures.append(await producer.send(out, m.value, key=m.key))
            if futures:
                await asyncio.gather(*futures)
                done += len(futures)
    finally:
        await producer.stop()
        await consumer.stop()


if __name__ == "__main__":
    b, r, o, n, g = sys.argv[1:6]
    asyncio.run(main(b, r, o, int(n), g))
