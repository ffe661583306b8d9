"""Loading the versioned data files under ingest/data (taxonomy, gazetteers, lexicons)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import orjson


@functools.cache
def load_json(relative: str) -> Any:
    """The parsed data file `ingest/data/<relative>` (cached: load once per process)."""
    return orjson.loads(resources.files("ingest").joinpath("data", relative).read_bytes())
