"""Settings: every environment variable the service reads, read once, secrets masked.

`Settings.from_env()` is the only place that touches ``os.environ``. Every variable is
declared in `VARIABLES` with its default and documentation; the README's configuration table
is checked against this list by a test, so an undocumented variable fails CI.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

SECRET_MARK = "***"


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    default: str
    doc: str
    secret: bool = False


VARIABLES: tuple[Variable, ...] = (
    Variable("INGEST_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka bootstrap servers, comma-separated host:port."),
    Variable("INGEST_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."),
    Variable("INGEST_KAFKA_SASL_MECHANISM", "", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (SASL_* protocols)."),
    Variable("INGEST_KAFKA_SASL_USERNAME", "", "SASL user name."),
    Variable("INGEST_KAFKA_SASL_PASSWORD", "", "SASL password (never logged).", secret=True),
    Variable("INGEST_KAFKA_SSL_CAFILE", "", "CA bundle (PEM) to verify the brokers (SSL, SASL_SSL)."),
    Variable("INGEST_KAFKA_SSL_CERTFILE", "", "Client certificate (PEM) for mutual TLS."),
    Variable("INGEST_KAFKA_SSL_KEYFILE", "", "Client private key (PEM) for mutual TLS."),
    Variable("INGEST_KAFKA_SSL_KEY_PASSWORD", "", "Password of the client key (never logged).", secret=True),
    Variable("INGEST_APP_ID", "ingest", "Consumer group id; prefix of the worker's state topics."),
    Variable("INGEST_TOPIC_RAW", "news.raw", "Input topic of raw article events."),
    Variable("INGEST_TOPIC_ENRICHED", "news.enriched", "Output topic: originals and revisions."),
    Variable("INGEST_TOPIC_DUPLICATES", "news.duplicates", "Output topic: near-copies and exact copies."),
    Variable("INGEST_TOPIC_DEADLETTER", "news.deadletter", "Output topic: input that could not be processed."),
    Variable("INGEST_TOPIC_DEDUP_REQUESTS", "news.dedup.requests", "Internal: dedup index lookups and inserts."),
    Variable("INGEST_TOPIC_DEDUP_REPLIES", "news.dedup.replies", "Internal: dedup index answers."),
    Variable("INGEST_RAW_PARTITIONS", "8", "Partitions of the raw topic (and of the replies topic)."),
    Variable("INGEST_OUTPUT_PARTITIONS", "8", "Partitions of the enriched, duplicates and dead-letter topics."),
    Variable("INGEST_INDEX_PARTITIONS", "8", "Partitions of the dedup index (requests topic and its table)."),
    Variable("INGEST_REPLICATION_FACTOR", "1", "Replication factor of the topics the service creates."),
    Variable(
        "INGEST_MAX_MESSAGE_BYTES",
        str(2 * 1024 * 1024),
        "Largest raw message processed; larger ones are dead-lettered as too_large.",
    ),
    Variable("INGEST_BATCH_SIZE", "500", "Most raw messages the worker processes as one batch."),
    Variable("INGEST_BATCH_WINDOW_MS", "20", "Longest wait for a batch to fill before processing it."),
    Variable(
        "INGEST_PRODUCER_LINGER_MS",
        "10",
        "How long the worker's producer gathers messages into one request (0: send at once).",
    ),
    Variable("INGEST_DEDUP_TIMEOUT_S", "30", "Wait for dedup index answers before re-asking."),
    Variable("INGEST_DEDUP_JACCARD", "0.8", "Near-copy: estimated word-shingle Jaccard similarity at least this."),
    Variable(
        "INGEST_DEDUP_CONTAINMENT",
        "0.9",
        "Near-copy: or this share of the smaller article's shingles in the larger (trims, added paragraphs).",
    ),
    Variable(
        "INGEST_DEDUP_HORIZON_DAYS",
        "7",
        "Articles further apart in article time never match; the index forgets older ones.",
    ),
    Variable(
        "INGEST_INDEX_SWEEP_INTERVAL_S", "60", "How often each index partition sweeps a chunk of expired entries."
    ),
    Variable(
        "INGEST_DEADLETTER_CAP_SHARE",
        "0.5",
        "Stop consuming when more than this share of recent raw messages is dead-lettered (1 disables).",
    ),
    Variable("INGEST_DEADLETTER_CAP_WINDOW", "1000", "How many recent raw messages the dead-letter cap looks at."),
    Variable("INGEST_DEADLETTER_CAP_MIN", "200", "Messages seen before the dead-letter cap judges at all."),
    Variable("INGEST_SESSION_TIMEOUT_S", "30", "Consumer group session timeout: how soon a crashed worker's partitions move to the others."),
    Variable("INGEST_STORE", "rocksdb://", "Table store of the dedup index: rocksdb:// or memory://."),
    Variable("INGEST_DATA_DIR", "var/worker", "Worker state directory (RocksDB tables)."),
    Variable("INGEST_PROCESSING_GUARANTEE", "at_least_once", "at_least_once or exactly_once (Kafka transactions)."),
    Variable("INGEST_WEB_BIND", "127.0.0.1", "Address of the metrics and health HTTP server."),
    Variable("INGEST_WEB_PORT", "6066", "Port of the metrics and health HTTP server."),
    Variable("INGEST_LOG_LEVEL", "info", "debug, info, warning or error."),
)

_BY_NAME = {v.name: v for v in VARIABLES}

Guarantee = Literal["at_least_once", "exactly_once"]


class ConfigError(ValueError):
    """An environment variable has a value the service cannot use."""


@dataclass(frozen=True, slots=True)
class KafkaSettings:
    bootstrap_servers: str
    security_protocol: str
    sasl_mechanism: str
    sasl_username: str
    sasl_password: str = field(repr=False)
    ssl_cafile: str
    ssl_certfile: str
    ssl_keyfile: str
    ssl_key_password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class TopicNames:
    raw: str
    enriched: str
    duplicates: str
    deadletter: str
    dedup_requests: str
    dedup_replies: str


@dataclass(frozen=True, slots=True)
class Settings:
    kafka: KafkaSettings
    topics: TopicNames
    app_id: str
    raw_partitions: int
    output_partitions: int
    index_partitions: int
    replication_factor: int
    max_message_bytes: int
    batch_size: int
    batch_window_ms: int
    producer_linger_ms: int
    dedup_timeout_s: float
    dedup_jaccard: float
    dedup_containment: float
    dedup_horizon_days: float
    index_sweep_interval_s: float
    deadletter_cap_share: float
    deadletter_cap_window: int
    deadletter_cap_min: int
    session_timeout_s: float
    store: str
    data_dir: str
    processing_guarantee: Guarantee
    web_bind: str
    web_port: int
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every variable once from `env` (default: the process environment)."""
        src = os.environ if env is None else env

        def get(name: str) -> str:
            return src.get(name, _BY_NAME[name].default).strip()

        def get_int(name: str, low: int = 1) -> int:
            raw = get(name)
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
            if value < low:
                raise ConfigError(f"{name} must be >= {low}, got {value}")
            return value

        def get_positive_float(name: str) -> float:
            raw = get(name)
            try:
                value = float(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a number, got {raw!r}") from None
            if not value > 0:
                raise ConfigError(f"{name} must be > 0, got {value}")
            return value

        def get_fraction(name: str) -> float:
            value = get_positive_float(name)
            if value > 1:
                raise ConfigError(f"{name} must be in (0, 1], got {value}")
            return value

        guarantee = get("INGEST_PROCESSING_GUARANTEE")
        if guarantee not in ("at_least_once", "exactly_once"):
            raise ConfigError(f"INGEST_PROCESSING_GUARANTEE must be at_least_once or exactly_once, got {guarantee!r}")
        protocol = get("INGEST_KAFKA_SECURITY_PROTOCOL").upper()
        if protocol not in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"):
            raise ConfigError(f"INGEST_KAFKA_SECURITY_PROTOCOL not supported: {protocol!r}")
        mechanism = get("INGEST_KAFKA_SASL_MECHANISM").upper()
        if protocol.startswith("SASL") and mechanism not in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
            raise ConfigError(f"INGEST_KAFKA_SASL_MECHANISM must be PLAIN or SCRAM-SHA-256/512 with {protocol}")
        store = get("INGEST_STORE")
        if store not in ("rocksdb://", "memory://"):
            raise ConfigError(f"INGEST_STORE must be rocksdb:// or memory://, got {store!r}")
        level = get("INGEST_LOG_LEVEL").lower()
        if level not in ("debug", "info", "warning", "error"):
            raise ConfigError(f"INGEST_LOG_LEVEL must be debug, info, warning or error, got {level!r}")
        return cls(
            kafka=KafkaSettings(
                bootstrap_servers=get("INGEST_KAFKA_BOOTSTRAP_SERVERS"),
                security_protocol=protocol,
                sasl_mechanism=mechanism,
                sasl_username=get("INGEST_KAFKA_SASL_USERNAME"),
                sasl_password=src.get("INGEST_KAFKA_SASL_PASSWORD", ""),
                ssl_cafile=get("INGEST_KAFKA_SSL_CAFILE"),
                ssl_certfile=get("INGEST_KAFKA_SSL_CERTFILE"),
                ssl_keyfile=get("INGEST_KAFKA_SSL_KEYFILE"),
                ssl_key_password=src.get("INGEST_KAFKA_SSL_KEY_PASSWORD", ""),
            ),
            topics=TopicNames(
                raw=get("INGEST_TOPIC_RAW"),
                enriched=get("INGEST_TOPIC_ENRICHED"),
                duplicates=get("INGEST_TOPIC_DUPLICATES"),
                deadletter=get("INGEST_TOPIC_DEADLETTER"),
                dedup_requests=get("INGEST_TOPIC_DEDUP_REQUESTS"),
                dedup_replies=get("INGEST_TOPIC_DEDUP_REPLIES"),
            ),
            app_id=get("INGEST_APP_ID"),
            raw_partitions=get_int("INGEST_RAW_PARTITIONS"),
            output_partitions=get_int("INGEST_OUTPUT_PARTITIONS"),
            index_partitions=get_int("INGEST_INDEX_PARTITIONS"),
            replication_factor=get_int("INGEST_REPLICATION_FACTOR"),
            max_message_bytes=get_int("INGEST_MAX_MESSAGE_BYTES", low=1024),
            batch_size=get_int("INGEST_BATCH_SIZE"),
            batch_window_ms=get_int("INGEST_BATCH_WINDOW_MS"),
            producer_linger_ms=get_int("INGEST_PRODUCER_LINGER_MS", low=0),
            dedup_timeout_s=float(get_int("INGEST_DEDUP_TIMEOUT_S")),
            dedup_jaccard=get_fraction("INGEST_DEDUP_JACCARD"),
            dedup_containment=get_fraction("INGEST_DEDUP_CONTAINMENT"),
            dedup_horizon_days=get_positive_float("INGEST_DEDUP_HORIZON_DAYS"),
            index_sweep_interval_s=get_positive_float("INGEST_INDEX_SWEEP_INTERVAL_S"),
            deadletter_cap_share=get_fraction("INGEST_DEADLETTER_CAP_SHARE"),
            deadletter_cap_window=get_int("INGEST_DEADLETTER_CAP_WINDOW"),
            deadletter_cap_min=get_int("INGEST_DEADLETTER_CAP_MIN"),
            session_timeout_s=get_positive_float("INGEST_SESSION_TIMEOUT_S"),
            store=store,
            data_dir=get("INGEST_DATA_DIR"),
            processing_guarantee=guarantee,  # type: ignore[arg-type]
            web_bind=get("INGEST_WEB_BIND"),
            web_port=get_int("INGEST_WEB_PORT", low=0),
            log_level=level,
        )

    def describe(self) -> dict[str, Any]:
        """All settings as a flat dict, secrets replaced by a mask: safe to log."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, KafkaSettings | TopicNames):
                for sub in fields(value):
                    item = getattr(value, sub.name)
                    secret = sub.name in ("sasl_password", "ssl_key_password")
                    out[f"{f.name}.{sub.name}"] = SECRET_MARK if secret and item else item
            else:
                out[f.name] = value
        return out

    def dedup_params(self) -> Any:
        """The core's DedupParams for these settings."""
        from ingest.core.dedup import DedupParams

        return DedupParams(
            jaccard=self.dedup_jaccard,
            containment=self.dedup_containment,
            horizon_s=int(self.dedup_horizon_days * 86400),
        )

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields replaced (tests, the demo and the CLI's flags use it)."""
        from dataclasses import replace

        return replace(self, **changes)
