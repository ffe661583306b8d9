"""The README's run command: `ingest demo` on a fresh local broker, stopping what it started."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.kafka
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(300)
def test_demo_shows_enriched_events_and_stops_everything() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", "demo"], capture_output=True, text=True, cwd=REPO, timeout=280, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "12 records for 12 raw events." in out
    assert out.count("news.enriched") >= 7 and "DEAD-LETTER" in out
    assert "/metrics" in out and "ingest_records_published_total" in out
    assert "Stopped the worker and the broker." in out
    assert subprocess.run(["pgrep", "-f", "var/demo/kafka"], capture_output=True, check=False).returncode == 1
