"""The core stays pure: no Kafka, faust, mode or Prometheus imports, and no edge modules."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "ingest" / "core"
BANNED = (
    "faust",
    "aiokafka",
    "mode",
    "prometheus_client",
    "kafka",
    "ingest.codec",
    "ingest.app",
    "ingest.worker",
    "ingest.index_rpc",
    "ingest.metrics",
    "ingest.config",
    "ingest.kafka",
    "ingest.health",
    "ingest.monitor",
)


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_imports_nothing_of_kafka_faust_or_metrics() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 5
    offenders = [
        f"{path.relative_to(CORE)}: {name}"
        for path in files
        for name in _imports(path)
        if any(name == b or name.startswith(b + ".") for b in BANNED)
    ]
    assert offenders == []


def test_modules_stay_small() -> None:
    big = [str(p) for p in (CORE.parent).rglob("*.py") if len(p.read_text().splitlines()) > 400]
    assert big == []
