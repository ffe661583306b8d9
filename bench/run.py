"""The throughput and latency benchmark, through a real local broker, all scenarios in one run.

    .venv/bin/python -m bench.run [--articles 20000] [--out bench/results/run-<date>.json]

Steps: a fresh single-node broker (var/bench); the corpus of bench/corpus.py produced once to a
raw topic of 8 partitions; then, each reading those same messages with its own consumer group:
  A  aiokafka consume -> produce passthrough (the Python-on-Kafka ceiling)
  B  a faust agent that decodes and forwards (the framework's ceiling)
  C  the full worker (normalise, tag, dedupe, publish), 1 process; and C2 with 2 processes
  D  `ingest process` on the same messages, offline
For each: articles per second (first to last output), CPU seconds per article (the process's CPU
time over the same interval), peak RSS. For C also: the Kafka messages and bytes it writes per
article (outputs and internal topics: dedup requests/replies, table changelog), the share of
its time per stage (from its own metrics), and p50/p99 latency from produce to publish with input
at half of C's maximum rate. Ratios C/A, C/B, C/D. Results go to JSON for later comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.corpus import generate
from ingest.config import Settings
from ingest.devbroker import REPO, LocalBroker, free_port
from ingest.kafka import create_topics
from tests.kafka_support import topic_env

ROOT = REPO / "var" / "bench"
CLK = os.sysconf("SC_CLK_TCK")


class Proc:
    """A child process whose CPU time and peak RSS we read from /proc."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLK
        except (OSError, IndexError):
            return 0.0

    def peak_rss(self) -> int:
        try:
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


async def create(bootstrap: str, topics: dict[str, int]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(t, p, 1, topic_configs={"max.message.bytes": str(16 * 1024 * 1024)})
            for t, p in topics.items()
            if t not in existing
        ]
        if new:
            await admin.create_topics(new)
    finally:
        await admin.close()


async def produce(bootstrap: str, topic: str, lines: list[bytes], rate: float | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024)
    await producer.start()
    try:
        started = time.monotonic()
        futures = []
        for n, line in enumerate(lines):
            if rate:
                delay = started + n / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            futures.append(await producer.send(topic, line, key=str(n).encode()))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def end_offsets(bootstrap: str, topics: list[str]) -> tuple[int, int]:
    """(messages, bytes) currently in these topics (bytes: keys + values, read back)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    try:
        consumer.subscribe(topics)  # only to load these topics' metadata
        await consumer._client.force_metadata_update()
        consumer.unsubscribe()
        parts = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or set())]
        if not parts:
            return 0, 0
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        total = sum(ends.values())
        size = seen = 0
        while seen < total:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            if not batch:
                break
            for records in batch.values():
                seen += len(records)
                size += sum(len(r.value or b"") + len(r.key or b"") for r in records)
        return total, size
    finally:
        with contextlib.suppress(asyncio.CancelledError):  # aiokafka: stopping a group-less consumer
            await consumer.stop()


async def watch_outputs(
    bootstrap: str, topics: list[str], expect: int, procs: list[Proc], timeout: float
) -> dict[str, Any]:
    """Read outputs until `expect` are there; the span between the first and last output's Kafka
    timestamps, the CPU the processes spent meanwhile, their peak RSS, and per-record latency."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    stamps: list[int] = []
    latencies: list[float] = []
    cpu_at_first: float | None = None
    deadline = time.monotonic() + timeout
    try:
        while len(stamps) < expect and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batch.values():
                for r in records:
                    if cpu_at_first is None:
                        cpu_at_first = sum(p.cpu_seconds() for p in procs)
                    stamps.append(r.timestamp)
                    m = re.search(rb'"timestamp":(\d+)', r.value or b"")
                    if m:
                        latencies.append((r.timestamp - int(m.group(1))) / 1000)
        cpu_at_last = sum(p.cpu_seconds() for p in procs)
    finally:
        await consumer.stop()
    span = (max(stamps) - min(stamps)) / 1000 if len(stamps) > 1 else float("nan")
    return {
        "outputs": len(stamps),
        "seconds": span,
        "articles_per_s": len(stamps) / span if span else float("nan"),
        "cpu_s_per_article": (cpu_at_last - (cpu_at_first or 0.0)) / max(1, len(stamps)),
        "peak_rss_bytes": max((p.peak_rss() for p in procs), default=0),
        "latencies": latencies,
    }


def worker_env(bootstrap: str, tag: str, raw: str, web_port: int) -> dict[str, str]:
    """A worker on topics `bench.<tag>.*` reading `raw`; quiet, and the dead-letter cap off."""
    return topic_env(
        bootstrap,
        f"bench.{tag}",
        ROOT / f"worker-{tag}-{web_port}",
        INGEST_APP_ID=f"bench-{tag}",
        INGEST_TOPIC_RAW=raw,
        INGEST_WEB_PORT=str(web_port),
        INGEST_LOG_LEVEL="warning",
        INGEST_DEADLETTER_CAP_SHARE="1",
    )


def outputs_of(tag: str) -> list[str]:
    return [f"bench.{tag}.enriched", f"bench.{tag}.duplicates", f"bench.{tag}.deadletter"]


def stage_shares(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    sums = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r'ingest_stage_seconds_sum\{stage="(\w+)"\} ([0-9.e+-]+)', text)
    }
    total = sum(sums.values()) or 1.0
    return {k: round(v / total, 3) for k, v in sums.items()}


def run_worker_scenario(
    bootstrap: str, tag: str, raw: str, processes: int, count: int, timeout: float
) -> dict[str, Any]:
    ports = [free_port() for _ in range(processes)]
    # the worker's topics first, as `ingest topics create` would: the watcher subscribes to the
    # outputs before the worker is up (else the log fills with "not found in cluster metadata")
    asyncio.run(create_topics(Settings.from_env(worker_env(bootstrap, tag, raw, ports[0]))))
    procs = [
        Proc([sys.executable, "-m", "ingest", "worker"], worker_env(bootstrap, tag, raw, p), ROOT / f"{tag}-{p}.log")
        for p in ports
    ]
    try:
        result = asyncio.run(watch_outputs(bootstrap, outputs_of(tag), count, procs, timeout))
        result["stage_share"] = stage_shares(ports[0])
        result["ports"] = ports
        return result
    finally:
        for p in procs:
            p.stop()


def profile_core(lines: list[bytes], n: int = 2000) -> list[str]:
    """The top entries of a cProfile of the offline pipeline (the core) on `n` messages."""
    import cProfile
    import io
    import pstats

    from ingest.core.dedup import LocalStore
    from ingest.core.pipeline import Pipeline
    from ingest.offline import process_lines

    params = Settings.from_env({}).dedup_params()
    pipeline = Pipeline(params)
    list(process_lines(lines[:200], pipeline, LocalStore(params.horizon_s), 2 * 1024 * 1024))
    profiler = cProfile.Profile()
    profiler.enable()
    list(process_lines(lines[:n], pipeline, LocalStore(params.horizon_s), 2 * 1024 * 1024))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return [line for line in out.getvalue().splitlines() if re.match(r"\s+\d", line)][:12]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    n = args.articles
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out_path = args.out or REPO / "bench" / "results" / f"run-{stamp}.json"
    shutil.rmtree(ROOT, ignore_errors=True)
    ROOT.mkdir(parents=True)
    results: dict[str, Any] = {"articles": n, "machine": {"cpus": os.cpu_count()}, "started": stamp}
    say: Callable[[str], None] = lambda s: print(s, flush=True)  # noqa: E731
    lines = generate(n)
    (ROOT / "corpus.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    results["corpus"] = {"median_bytes": statistics.median(len(x) for x in lines)}
    say(f"corpus: {n} messages, median {results['corpus']['median_bytes']:.0f} bytes")

    # D first: no broker needed
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "process", "-q", str(ROOT / "corpus.jsonl")],
        stdout=subprocess.DEVNULL,
        cwd=REPO,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    results["D"] = {
        "articles_per_s": n / wall,
        "cpu_s_per_article": (usage.ru_utime + usage.ru_stime) / n,
        "peak_rss_bytes": usage.ru_maxrss * 1024,
        "exit": status,
    }
    say(f"D offline: {results['D']['articles_per_s']:.0f} articles/s")

    broker = LocalBroker(home=ROOT / "kafka", port=free_port(), controller_port=free_port())
    broker.start()
    try:
        bootstrap = broker.bootstrap
        asyncio.run(create(bootstrap, {"bench.raw": 8, "bench.a.out": 8, "bench.b.out": 8, "bench.lat.raw": 8}))
        asyncio.run(produce(bootstrap, "bench.raw", lines))
        say("raw topic written")

        a = Proc(
            [sys.executable, "-m", "bench.passthrough", bootstrap, "bench.raw", "bench.a.out", str(n), "bench-a"],
            dict(os.environ),
            ROOT / "a.log",
        )
        results["A"] = asyncio.run(watch_outputs(bootstrap, ["bench.a.out"], n, [a], 600))
        a.stop()
        say(f"A passthrough: {results['A']['articles_per_s']:.0f}/s")

        benv = dict(
            os.environ,
            BENCH_BOOTSTRAP=bootstrap,
            BENCH_RAW="bench.raw",
            BENCH_OUT="bench.b.out",
            BENCH_GROUP="bench-b",
            BENCH_DATADIR=str(ROOT / "faust-b"),
        )
        b = Proc([sys.executable, "-m", "bench.faust_forward"], benv, ROOT / "b.log")
        results["B"] = asyncio.run(watch_outputs(bootstrap, ["bench.b.out"], n, [b], 900))
        b.stop()
        say(f"B faust forward: {results['B']['articles_per_s']:.0f}/s")

        results["C"] = run_worker_scenario(bootstrap, "c", "bench.raw", 1, n, 3600)
        say(f"C worker: {results['C']['articles_per_s']:.0f}/s, stage shares {results['C']['stage_share']}")
        c_topics = [
            *outputs_of("c"),
            "bench.c.dedup.requests",
            "bench.c.dedup.replies",
            "bench-c-dedup-index-changelog",
        ]
        messages, size = asyncio.run(end_offsets(bootstrap, c_topics))
        results["C"]["kafka_messages_per_article"] = messages / n
        results["C"]["kafka_bytes_per_article"] = size / n
        say(
            f"C worker: {results['C']['articles_per_s']:.0f}/s, {messages / n:.1f} Kafka messages and {size / n:.0f} bytes written per article"
        )

        if not args.skip_scaling:
            results["C2"] = run_worker_scenario(bootstrap, "c2", "bench.raw", 2, n, 3600)
            say(f"C with 2 workers: {results['C2']['articles_per_s']:.0f}/s")

        # latency at half of C's maximum rate, on a fresh topic and worker
        rate = results["C"]["articles_per_s"] / 2
        lat_n = min(n, int(rate * 40))
        port = free_port()
        lat_worker = Proc(
            [sys.executable, "-m", "ingest", "worker"],
            worker_env(bootstrap, "lat", "bench.lat.raw", port),
            ROOT / "lat.log",
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        watcher = asyncio.run(_latency_run(bootstrap, lines[:lat_n], rate, lat_worker))
        lat_worker.stop()
        lat = sorted(watcher["latencies"])
        results["C_latency"] = {
            "rate_per_s": rate,
            "messages": lat_n,
            "p50_s": lat[len(lat) // 2] if lat else None,
            "p99_s": lat[int(len(lat) * 0.99)] if lat else None,
        }
        say(f"C latency at {rate:.0f}/s: p50 {results['C_latency']['p50_s']}, p99 {results['C_latency']['p99_s']}")
    finally:
        broker.stop()

    for key in ("A", "B", "C", "C2"):
        if key in results:
            results[key].pop("latencies", None)
    c = results["C"]["articles_per_s"]
    results["ratios"] = {
        "C/A": c / results["A"]["articles_per_s"],
        "C/B": c / results["B"]["articles_per_s"],
        "C/D": c / results["D"]["articles_per_s"],
    }
    if "C2" in results:
        results["ratios"]["C2/C"] = results["C2"]["articles_per_s"] / c
    results["profile_core_top"] = profile_core(lines)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "profile_core_top"}, indent=2, default=str))
    print("\n".join(results["profile_core_top"]))
    print(f"wrote {out_path}")


async def _latency_run(bootstrap: str, lines: list[bytes], rate: float, worker: Proc) -> dict[str, Any]:
    await create_topics(Settings.from_env(worker_env(bootstrap, "lat", "bench.lat.raw", 0)))
    watch = asyncio.create_task(watch_outputs(bootstrap, outputs_of("lat"), len(lines), [worker], 600))
    await produce(bootstrap, "bench.lat.raw", lines, rate=rate)
    return await watch


if __name__ == "__main__":
    main()
