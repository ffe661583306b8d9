"""Every Prometheus metric the worker exports, in one registry.

Naming: `ingest_` prefix, `_total` counters, base units (`_seconds`, `_bytes`). Label values
come from fixed sets only (topic names from settings, reason and status codes, stage names,
a fixed list of region codes plus "other", the 17 IPTC top-level codes): never an article id,
URL or free text.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest

from ingest import __version__

#: Region codes that get their own label value; every other country counts as "other".
TRACKED_REGIONS = (
    "TR",
    "SY",
    "IQ",
    "IR",
    "IL",
    "PS",
    "LB",
    "JO",
    "SA",
    "EG",
    "RU",
    "UA",
    "US",
    "GB",
    "DE",
    "FR",
    "GR",
    "CY",
    "AZ",
    "AM",
    "CN",
    "QA",
    "AE",
    "LY",
)
_TRACKED = frozenset(TRACKED_REGIONS)

_LATENCY = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_AGE = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


class Metrics:
    """The worker's metrics; one instance per process (tests make their own)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.consumed = Counter("ingest_messages_consumed_total", "Messages consumed, by topic.", ["topic"], registry=r)
        self.published = Counter(
            "ingest_records_published_total", "Records published, by output topic.", ["topic"], registry=r
        )
        self.published_bytes = Counter(
            "ingest_published_bytes_total", "Bytes of records published, by output topic.", ["topic"], registry=r
        )
        self.deadletters = Counter(
            "ingest_deadletters_total", "Raw messages dead-lettered, by reason.", ["reason"], registry=r
        )
        self.verdicts = Counter("ingest_dedup_verdicts_total", "Dedup verdicts, by status.", ["status"], registry=r)
        self.region_tags = Counter(
            "ingest_region_tags_total",
            "Region tags with score >= 0.5, by region code (fixed list, else 'other').",
            ["region"],
            registry=r,
        )
        self.topic_tags = Counter(
            "ingest_topic_tags_total", "Top-level IPTC topics tagged, by medtop code.", ["topic"], registry=r
        )
        self.stage_seconds = Histogram(
            "ingest_stage_seconds", "Processing time per article and stage.", ["stage"], buckets=_LATENCY, registry=r
        )
        self.article_seconds = Histogram(
            "ingest_article_processing_seconds",
            "End-to-end processing time per article inside the worker (batch time / batch size).",
            buckets=_LATENCY,
            registry=r,
        )
        self.batch_seconds = Histogram(
            "ingest_batch_seconds",
            "Wall time to process one batch, from taking it to its outputs being acknowledged by Kafka.",
            buckets=_LATENCY,
            registry=r,
        )
        self.batch_size = Histogram(
            "ingest_batch_size",
            "Raw messages per processed batch.",
            buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000),
            registry=r,
        )
        self.publish_age = Histogram(
            "ingest_publish_age_seconds",
            "Age of each article at publish: now minus the raw message's Kafka timestamp.",
            buckets=_AGE,
            registry=r,
        )
        self.index_rpc_seconds = Histogram(
            "ingest_index_request_seconds", "Wait for dedup index answers per batch.", buckets=_LATENCY, registry=r
        )
        self.index_timeouts = Counter(
            "ingest_index_timeouts_total", "Dedup index requests that timed out and were retried.", registry=r
        )
        self.refetched = Counter(
            "ingest_refetched_messages_total",
            "Messages faust did not hand out, read from Kafka and processed, by topic (raw, dedup requests).",
            ["topic"],
            registry=r,
        )
        self.index_ops = Counter(
            "ingest_index_operations_total",
            "Dedup index operations applied on this worker's partitions, by kind (get, put).",
            ["kind"],
            registry=r,
        )
        self.index_entries = Gauge(
            "ingest_index_entries", "Dedup index entries in this worker's table partitions.", registry=r
        )
        self.index_expired = Counter(
            "ingest_index_expired_total", "Dedup index entries deleted by the horizon sweep.", registry=r
        )
        self.lag = Gauge(
            "ingest_consumer_lag_messages",
            "High watermark minus committed offset, by topic and partition.",
            ["topic", "partition"],
            registry=r,
        )
        self.assigned = Gauge(
            "ingest_assigned_partitions", "Partitions assigned to this worker, by topic.", ["topic"], registry=r
        )
        self.ready = Gauge(
            "ingest_ready", "1 when the worker is connected to Kafka, has partitions and is consuming.", registry=r
        )
        self.paused = Gauge(
            "ingest_consumption_paused",
            "1 when the worker stopped consuming because of the dead-letter cap.",
            registry=r,
        )
        self.broker_up = Gauge(
            "ingest_broker_connected", "1 when the last metadata request to Kafka succeeded.", registry=r
        )
        self.build = Info("ingest_build", "Build and taxonomy versions.", registry=r)
        self.build.info({"version": __version__, "taxonomy_version": "none"})

    def set_taxonomy(self, taxonomy_version: str) -> None:
        self.build.info({"version": __version__, "taxonomy_version": taxonomy_version})

    def region(self, code: str) -> None:
        self.region_tags.labels(code if code in _TRACKED else "other").inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
