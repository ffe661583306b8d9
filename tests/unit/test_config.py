from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.config import VARIABLES, ConfigError, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults() -> None:
    s = Settings.from_env({})
    assert s.topics.raw == "news.raw" and s.topics.enriched == "news.enriched"
    assert s.topics.duplicates == "news.duplicates" and s.topics.deadletter == "news.deadletter"
    assert s.raw_partitions == 8 and s.max_message_bytes == 2 * 1024 * 1024
    assert s.processing_guarantee == "at_least_once"


def test_overrides_and_validation() -> None:
    s = Settings.from_env({"INGEST_TOPIC_RAW": "feeds.in", "INGEST_RAW_PARTITIONS": "16"})
    assert s.topics.raw == "feeds.in" and s.raw_partitions == 16
    with pytest.raises(ConfigError, match="INGEST_RAW_PARTITIONS"):
        Settings.from_env({"INGEST_RAW_PARTITIONS": "many"})
    with pytest.raises(ConfigError, match="INGEST_PROCESSING_GUARANTEE"):
        Settings.from_env({"INGEST_PROCESSING_GUARANTEE": "maybe_once"})
    with pytest.raises(ConfigError, match="SASL_MECHANISM"):
        Settings.from_env({"INGEST_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"})


def test_secrets_are_masked() -> None:
    s = Settings.from_env(
        {
            "INGEST_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "INGEST_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "INGEST_KAFKA_SASL_USERNAME": "svc",
            "INGEST_KAFKA_SASL_PASSWORD": "hunter2-secret",
            "INGEST_KAFKA_SSL_KEY_PASSWORD": "keypass-secret",
        }
    )
    text = repr(s) + str(s.describe())
    assert "hunter2-secret" not in text and "keypass-secret" not in text
    assert s.describe()["kafka.sasl_password"] == "***"
    assert s.kafka.sasl_password == "hunter2-secret"


def test_every_variable_is_documented_in_the_readme() -> None:
    readme = README.read_text()
    documented = set(re.findall(r"`(INGEST_[A-Z0-9_]+)`", readme))
    declared = {v.name for v in VARIABLES}
    assert declared - documented == set(), "undocumented variables"
    assert documented - declared == set(), "README documents variables the code does not read"


def test_config_is_the_only_reader_of_the_environment() -> None:
    pkg = Path(__file__).resolve().parents[2] / "ingest"
    readers = [
        str(p.relative_to(pkg)) for p in pkg.rglob("*.py") if re.search(r"os\.environ|os\.getenv", p.read_text())
    ]
    assert set(readers) <= {"config.py", "demo.py"}
