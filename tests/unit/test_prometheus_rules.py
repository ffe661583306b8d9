"""The Prometheus config, recording and alerting rules pass promtool, and their unit tests pass.

promtool comes with Debian's `prometheus` package (./dev and .ci/run install it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: apt-get install prometheus (./dev setup does it)"
    return subprocess.run([tool, *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "args",
    [
        ("check", "config", str(DEPLOY / "prometheus.yml")),
        ("check", "rules", str(DEPLOY / "rules" / "ingest.yml")),
        ("test", "rules", str(DEPLOY / "tests" / "ingest_test.yml")),
    ],
    ids=["check-config", "check-rules", "test-rules"],
)
def test_promtool(args: tuple[str, ...]) -> None:
    result = promtool(*args)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_runbook_and_a_severity() -> None:
    doc = yaml.safe_load((DEPLOY / "rules" / "ingest.yml").read_text())
    alerts = [r for g in doc["groups"] for r in g["rules"] if "alert" in r]
    assert len(alerts) >= 6
    for rule in alerts:
        assert rule["labels"]["severity"] in ("page", "warn", "info"), rule["alert"]
        assert len(rule["annotations"]["runbook"]) > 40, rule["alert"]
    names = {r["alert"] for r in alerts}
    assert {
        "IngestWorkerDown",
        "IngestLagGrowing",
        "IngestNoInput",
        "IngestDeadLetterShareHigh",
        "IngestPublishAgeHigh",
        "IngestDuplicateShareUnusual",
    } <= names


def test_operations_doc_covers_every_alert() -> None:
    ops = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    doc = yaml.safe_load((DEPLOY / "rules" / "ingest.yml").read_text())
    for rule in (r for g in doc["groups"] for r in g["rules"] if "alert" in r):
        assert re.search(rf"\b{rule['alert']}\b", ops), f"{rule['alert']} is not in docs/operations.md"
