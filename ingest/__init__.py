"""ingest: a stream-processing news ingestion service on Apache Kafka."""

__version__ = "0.1.0"
