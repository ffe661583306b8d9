"""Structured logs: one JSON object per line on stderr.

Fields: ts, level, logger, msg, and any `extra=` fields the caller gives (reason codes, Kafka
coordinates). Callers never pass article bodies or credentials; `Settings.describe()` masks
secrets for the start-up line.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage()[:4000],
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)[-4000:]
        return orjson.dumps(out, default=str).decode()


def logging_config(level: str) -> dict[str, Any]:
    """A dictConfig for the worker (faust/mode apply it)."""
    quiet = "WARNING" if level.upper() in ("INFO", "DEBUG") else level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            "aiokafka": {"level": quiet},
            "faust": {"level": quiet if level.upper() == "INFO" else level.upper()},
        },
    }


def setup(level: str) -> None:
    import logging.config

    logging.config.dictConfig(logging_config(level))
