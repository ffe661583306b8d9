"""The worker's HTTP server: /metrics (Prometheus), /livez and /readyz (Kubernetes probes).

It is the only thing the worker listens on (faust's own web server is disabled), bound to
INGEST_WEB_BIND:INGEST_WEB_PORT, and it starts before the faust app so that liveness answers
while tables recover.

* /livez: 200 while the event loop runs and no agent has crashed.
* /readyz: 200 when the worker is connected to Kafka, owns raw partitions, is not rebalancing
  or recovering tables, and has not paused itself; else 503 with the reasons (JSON).
* POST /resume[?grace=N]: resume after the dead-letter cap tripped (see ingest.guard).
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web
from mode import Service
from prometheus_client import CONTENT_TYPE_LATEST

from ingest.config import Settings
from ingest.metrics import Metrics


class HealthServer(Service):
    def __init__(self, app: Any, settings: Settings, metrics: Metrics, monitor: Any, cap: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cap = cap
        self.faust_app = app
        self.settings = settings
        self.metrics = metrics
        self.monitor = monitor
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def on_start(self) -> None:
        server = web.Application()
        server.router.add_get("/metrics", self._metrics)
        server.router.add_get("/livez", self._livez)
        server.router.add_get("/readyz", self._readyz)
        server.router.add_post("/resume", self._resume)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.web_bind, self.settings.web_port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.web_port

    async def on_stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _metrics(self, request: web.Request) -> web.Response:
        self.monitor.refresh()
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _livez(self, request: web.Request) -> web.Response:
        crashed = [a.name for a in self.faust_app.agents.values() if a.crashed]
        if crashed:
            return web.json_response({"live": False, "crashed_agents": crashed}, status=503, dumps=_dumps)
        return web.json_response({"live": True}, dumps=_dumps)

    async def _readyz(self, request: web.Request) -> web.Response:
        reasons = self.monitor.not_ready_reasons()
        body = {"ready": not reasons, "reasons": reasons, "partitions": self.monitor.partitions()}
        return web.json_response(body, status=200 if not reasons else 503, dumps=_dumps)

    async def _resume(self, request: web.Request) -> web.Response:
        """Resume after the dead-letter cap tripped; ?grace=N ignores the next N messages (default: a window)."""
        grace_text = request.query.get("grace")
        try:
            grace = int(grace_text) if grace_text is not None else None
        except ValueError:
            return web.json_response({"error": "grace must be an integer"}, status=400, dumps=_dumps)
        was = self.cap.reason
        self.cap.resume(grace)
        self.monitor.not_ready_reasons()
        return web.json_response({"resumed": was is not None, "was": was, "grace": self.cap.grace}, dumps=_dumps)


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()
