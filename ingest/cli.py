"""The `ingest` command line.

    ingest worker                 run a worker (creates missing topics first)
    ingest process [FILE|-]       the pipeline offline: raw JSONL in, one JSON line out per line
    ingest topics create          create the service's topics with their partitions and configs
    ingest broker start|stop|status   the local single-node Kafka broker (development)
    ingest produce FILE|-         send a raw JSONL feed to the raw topic (replay a feed)
    ingest consume [--topic T]    print records of output topics
    ingest demo                   the embedded default: local broker + worker + sample feed
    ingest replay-deadletter      re-submit dead-lettered messages to the raw topic after a fix

Configuration comes from the environment (see ingest.config and the README).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from ingest.config import ConfigError, Settings


def _open(path: str) -> IO[bytes]:
    return sys.stdin.buffer if path == "-" else Path(path).open("rb")


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    import faust

    from ingest import logs
    from ingest.app import create_app
    from ingest.kafka import create_topics

    logs.setup(settings.log_level)
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)  # faust creates only the last level
    if not args.no_create_topics:
        asyncio.run(create_topics(settings))
    built = create_app(settings)
    import logging

    logging.getLogger("ingest").info("starting worker", extra={"settings": settings.describe()})
    worker = faust.Worker(
        built.app,
        *built.services,
        loglevel=settings.log_level,
        logging_config=logs.logging_config(settings.log_level),
        redirect_stdouts=False,
    )
    worker.execute_from_commandline()
    return 0


def cmd_process(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.offline import run

    with _open(args.file) as source:
        counts = run(source, sys.stdout.buffer.write, settings.max_message_bytes, settings.dedup_params())
    sys.stdout.flush()
    if not args.quiet:
        print(" ".join(f"{k}={v}" for k, v in counts.items()), file=sys.stderr)
    return 0


def cmd_topics(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.kafka import create_topics

    for name, state in asyncio.run(create_topics(settings)).items():
        print(f"{name}\t{state}")
    return 0


def cmd_broker(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.devbroker import DEFAULT_HOME, LocalBroker

    broker = LocalBroker(
        home=Path(args.home) if args.home else DEFAULT_HOME, port=args.port, controller_port=args.port + 1
    )
    if args.action == "start":
        broker.start()
        print(f"Kafka broker ready at {broker.bootstrap} (data in {broker.data_dir}, log {broker.log_file})")
    elif args.action == "stop":
        print("stopped" if broker.stop() else "not running")
    else:
        pid = broker.running_pid()
        print(f"running, pid {pid}, {broker.bootstrap}" if pid else "not running")
        return 0 if pid else 1
    return 0


def cmd_produce(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.feed import produce_lines

    with _open(args.file) as source:
        lines = [line.rstrip(b"\r\n") for line in source if line.strip()]
    n = asyncio.run(produce_lines(settings.kafka, args.topic or settings.topics.raw, lines))
    print(f"produced {n} messages to {args.topic or settings.topics.raw}", file=sys.stderr)
    return 0


def cmd_consume(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.feed import read_topics

    topics = args.topic or [settings.topics.enriched, settings.topics.duplicates, settings.topics.deadletter]
    records = asyncio.run(read_topics(settings.kafka, topics, timeout=args.timeout, idle=args.idle))
    for rec in records:
        sys.stdout.buffer.write(rec.value + b"\n")
    return 0


def cmd_replay(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.replay import replay

    report = asyncio.run(
        replay(
            settings,
            set(args.reason) if args.reason else None,
            args.since,
            args.group,
            args.from_beginning,
            args.dry_run,
        )
    )
    verb = "would replay" if args.dry_run else "replayed"
    print(
        f"read {report.read} dead-letter records; {verb} {sum(report.replayed.values())} {dict(report.replayed)}; "
        f"skipped {sum(report.skipped.values())} {dict(report.skipped)}; {len(report.truncated)} truncated (not replayable)"
    )
    for where in report.truncated:
        print(f"  truncated payload, re-produce the original from {where}")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.demo import run_demo

    return run_demo(keep_running=args.keep_running, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ingest", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("worker", help="run a worker")
    p.add_argument("--no-create-topics", action="store_true", help="do not create missing topics at start")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("process", help="run the pipeline offline on raw JSON Lines")
    p.add_argument("file", nargs="?", default="-", help="raw JSONL file, or - for stdin")
    p.add_argument("-q", "--quiet", action="store_true", help="no counts on stderr")
    p.set_defaults(func=cmd_process)
    p = sub.add_parser("topics", help="manage the service's topics")
    p.add_argument("action", choices=["create"])
    p.set_defaults(func=cmd_topics)
    p = sub.add_parser("broker", help="the local development Kafka broker")
    p.add_argument("action", choices=["start", "stop", "status"])
    p.add_argument("--home", help="state directory (default var/kafka)")
    p.add_argument("--port", type=int, default=9092, help="client port; the controller uses port+1")
    p.set_defaults(func=cmd_broker)
    p = sub.add_parser("produce", help="send a raw JSONL feed to the raw topic")
    p.add_argument("file", help="raw JSONL file, or - for stdin")
    p.add_argument("--topic", help="override the raw topic name")
    p.set_defaults(func=cmd_produce)
    p = sub.add_parser("consume", help="print the records of output topics as JSON lines")
    p.add_argument("--topic", action="append", help="topic to read (repeatable; default: all three outputs)")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--idle", type=float, default=3.0, help="stop after this many seconds without records")
    p.set_defaults(func=cmd_consume)
    p = sub.add_parser("replay-deadletter", help="re-submit dead-lettered messages to the raw topic")
    p.add_argument("--reason", action="append", help="only this reason (repeatable), e.g. schema_violation")
    p.add_argument("--since", help="only records that failed at or after this UTC time (RFC 3339)")
    p.add_argument("--group", help="consumer group that tracks what was replayed (default <app id>-replay)")
    p.add_argument("--from-beginning", action="store_true", help="read the whole dead-letter topic again")
    p.add_argument("--dry-run", action="store_true", help="count, do not produce or commit")
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("demo", help="local broker + worker + bundled sample feed, then show the results")
    p.add_argument("--keep-running", action="store_true", help="leave broker and worker running until Ctrl-C")
    p.add_argument("--port", type=int, default=0, help="broker port (default: a free one)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"ingest: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        code: int = args.func(settings, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from aiokafka.errors import KafkaError

        from ingest.devbroker import BrokerError

        if isinstance(exc, BrokerError):
            print(f"ingest: {exc}", file=sys.stderr)
            return 1
        if isinstance(exc, KafkaError):  # never echoes credentials: only the error and the bootstrap servers
            k = settings.kafka
            hint = " (SASL: check the user name and password)" if k.security_protocol.startswith("SASL") else ""
            print(
                f"ingest: Kafka at {k.bootstrap_servers} ({k.security_protocol}) refused or unreachable: "
                f"{type(exc).__name__}: {exc}{hint}",
                file=sys.stderr,
            )
            return 1
        raise
    return code
