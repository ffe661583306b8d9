"""Kafka plumbing shared by the worker, the CLI and the tests: client options and topics.

Topics are created explicitly, with their partitions and configs, before any worker starts
(`ingest topics create`, run by `ingest worker` too): a faust agent on a missing topic consumes
nothing, and the broker is set not to auto-create topics.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from ingest.config import KafkaSettings, Settings

log = logging.getLogger("ingest.kafka")

MIB = 1024 * 1024


def ssl_context(kafka: KafkaSettings) -> ssl.SSLContext | None:
    if kafka.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    context = ssl.create_default_context(cafile=kafka.ssl_cafile or None)
    if kafka.ssl_certfile:
        context.load_cert_chain(kafka.ssl_certfile, kafka.ssl_keyfile or None, kafka.ssl_key_password or None)
    return context


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for aiokafka clients (producer, consumer, admin)."""
    options: dict[str, Any] = {
        "bootstrap_servers": kafka.bootstrap_servers,
        "security_protocol": kafka.security_protocol,
    }
    context = ssl_context(kafka)
    if context is not None:
        options["ssl_context"] = context
    if kafka.security_protocol.startswith("SASL"):
        options["sasl_mechanism"] = kafka.sasl_mechanism
        options["sasl_plain_username"] = kafka.sasl_username
        options["sasl_plain_password"] = kafka.sasl_password
    return options


def faust_credentials(kafka: KafkaSettings) -> Any:
    """The faust `broker_credentials` for these settings (None for PLAINTEXT)."""
    import faust

    context = ssl_context(kafka)
    if kafka.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password,
            mechanism=kafka.sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str]


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic the service reads or writes, but the table changelog faust creates itself."""
    t = settings.topics
    raw_limit = str(settings.max_message_bytes + MIB)
    out_limit = str(max(8 * MIB, 4 * settings.max_message_bytes))
    return [
        TopicSpec(t.raw, settings.raw_partitions, {"max.message.bytes": raw_limit}),
        TopicSpec(t.enriched, settings.output_partitions, {"max.message.bytes": out_limit}),
        TopicSpec(t.duplicates, settings.output_partitions, {"max.message.bytes": out_limit}),
        TopicSpec(t.deadletter, settings.output_partitions, {"max.message.bytes": out_limit}),
        TopicSpec(
            t.dedup_requests,
            settings.index_partitions,
            {"max.message.bytes": str(16 * MIB), "retention.ms": str(86_400_000)},
        ),
        TopicSpec(
            t.dedup_replies,
            settings.raw_partitions,
            {"max.message.bytes": str(16 * MIB), "retention.ms": str(3_600_000)},
        ),
    ]


async def create_topics(settings: Settings) -> dict[str, str]:
    """Create missing topics; report each as created, exists, or a partition mismatch (an error)."""
    admin = AIOKafkaAdminClient(**client_options(settings.kafka), request_timeout_ms=15000)
    await admin.start()
    report: dict[str, str] = {}
    try:
        existing = set(await admin.list_topics())
        wanted = topic_specs(settings)
        new = [
            NewTopic(s.name, s.partitions, settings.replication_factor, topic_configs=s.config)
            for s in wanted
            if s.name not in existing
        ]
        if new:
            response = await admin.create_topics(new)
            for name, code, message in _topic_errors(response):
                if code == 0:
                    report[name] = "created"
                elif code == TopicAlreadyExistsError.errno:
                    report[name] = "exists"
                else:
                    raise RuntimeError(f"creating topic {name} failed: error {code} {message}")
        present = [s for s in wanted if s.name not in report]
        if present:
            described = await admin.describe_topics([s.name for s in present])
            sizes = {d["topic"]: len(d["partitions"]) for d in described}
            for spec in present:
                have = sizes.get(spec.name, 0)
                if have < spec.partitions:
                    raise RuntimeError(
                        f"topic {spec.name} has {have} partitions, the settings ask for {spec.partitions}: "
                        "add partitions with kafka-topics --alter, or change the setting"
                    )
                report[spec.name] = "exists"
    finally:
        await admin.close()
    return report


def _topic_errors(response: Any) -> list[tuple[str, int, str | None]]:
    out = []
    for item in response.topic_errors:
        name, code = item[0], item[1]
        message = item[2] if len(item) > 2 else None
        out.append((name, code, message))
    return out
