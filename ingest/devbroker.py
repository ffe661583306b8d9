"""A real single-node Apache Kafka broker (KRaft) for development, the demo and the tests.

Jars come from Maven Central through `deploy/kafka/pom.xml` (`mvn dependency:copy-dependencies`,
cached in ~/.m2 and in `<home>/lib`); the broker runs on this machine's Java. Its state lives in
`<home>` (default `var/kafka`, git-ignored): `lib/`, `data/`, `server.properties`, `broker.log`,
`broker.pid`. Readiness is a Kafka metadata request from a real client, not a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy" / "kafka"
DEFAULT_HOME = REPO / "var" / "kafka"


class BrokerError(RuntimeError):
    """The broker cannot be built, started or reached; the message says what to do."""


def require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BrokerError(f"`{tool}` was not found on PATH: {hint}")
    return path


def with_scram_listener(broker: LocalBroker, port: int, users: dict[str, str]) -> LocalBroker:
    """Add a SASL_PLAINTEXT listener on loopback that authenticates SCRAM-SHA-512 users."""
    broker.extra_listeners["SASL"] = (port, "SASL_PLAINTEXT")
    broker.extra_properties.update(
        {
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.sasl.scram-sha-512.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        }
    )
    broker.scram_users.update(users)
    return broker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def ensure_jars(lib: Path) -> Path:
    """Copy the broker's jars into `lib` with Maven unless they are there for this pom already."""
    pom = DEPLOY / "pom.xml"
    stamp = hashlib.sha256(pom.read_bytes()).hexdigest()
    marker = lib / ".complete"
    if marker.exists() and marker.read_text().strip() == stamp:
        return lib
    require("java", "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)")
    mvn = require("mvn", "install Apache Maven (Debian: apt-get install maven)")
    if lib.exists():
        shutil.rmtree(lib)
    lib.mkdir(parents=True)
    cmd = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies", f"-DoutputDirectory={lib}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BrokerError(
            f"Maven could not fetch the Kafka jars ({' '.join(cmd)}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    marker.write_text(stamp)
    return lib


@dataclass
class LocalBroker:
    """One broker process. `home` holds its data; ports default to 9092 (clients) and 9093."""

    home: Path = DEFAULT_HOME
    port: int = 9092
    controller_port: int = 9093
    heap: str = "512m"
    #: extra listeners, name -> (port, security protocol), e.g. {"SASL": (9094, "SASL_PLAINTEXT")}
    extra_listeners: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: extra server.properties lines (SASL/JAAS settings for the extra listeners)
    extra_properties: dict[str, str] = field(default_factory=dict)
    #: SCRAM-SHA-512 users (name -> password) written into the metadata when the data dir is formatted
    scram_users: dict[str, str] = field(default_factory=dict)
    lib: Path | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "broker.log"

    def _classpath(self) -> str:
        lib = self.lib or ensure_jars(DEFAULT_HOME / "lib")
        return f"{lib}/*"

    def _java(self, *args: str, log: Path | None = None) -> list[str]:
        java = require("java", "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)")
        return [
            java,
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={DEPLOY / 'log4j2.properties'}",
            "-cp",
            self._classpath(),
            *args,
        ]

    def render_config(self) -> Path:
        listeners = [f"PLAINTEXT://127.0.0.1:{self.port}", f"CONTROLLER://127.0.0.1:{self.controller_port}"]
        advertised = [f"PLAINTEXT://127.0.0.1:{self.port}"]
        protocols = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
        for name, (port, protocol) in self.extra_listeners.items():
            listeners.append(f"{name}://127.0.0.1:{port}")
            advertised.append(f"{name}://127.0.0.1:{port}")
            protocols.append(f"{name}:{protocol}")
        text = (DEPLOY / "server.properties").read_text()
        values = {
            "CONTROLLER_PORT": str(self.controller_port),
            "LISTENERS": ",".join(listeners),
            "ADVERTISED": ",".join(advertised),
            "PROTOCOL_MAP": ",".join(protocols),
            "DATA_DIR": str(self.data_dir),
        }
        for name, value in values.items():
            text = text.replace("${" + name + "}", value)
        text += "".join(f"{k}={v}\n" for k, v in self.extra_properties.items())
        path = self.home / "server.properties"
        self.home.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def start(self, timeout: float = 90.0) -> None:
        """Format the data directory if new, start the broker and wait until clients can use it."""
        if self.running_pid() is not None:
            self.wait_ready(timeout)
            return
        config = self.render_config()
        if not (self.data_dir / "meta.properties").exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            scram = [
                arg
                for name, password in self.scram_users.items()
                for arg in ("--add-scram", f"SCRAM-SHA-512=[name={name},password={password}]")
            ]
            fmt = self._java("kafka.tools.StorageTool", "format", f"--cluster-id={_cluster_id()}", "-c", str(config), *scram)
            proc = subprocess.run(fmt, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise BrokerError(f"formatting {self.data_dir} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        with self.log_file.open("ab") as log:
            proc_ = subprocess.Popen(
                self._java("kafka.Kafka", str(config)),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(proc_.pid))
        try:
            self.wait_ready(timeout, proc_)
        except BrokerError:
            self.stop()
            raise

    def wait_ready(self, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise BrokerError(f"the broker exited with {proc.returncode}; log tail:\n{self.log_tail()}")
            try:
                asyncio.run(probe(self.bootstrap))
                return
            except Exception as exc:
                last = f"{type(exc).__name__}: {exc}"
                time.sleep(0.3)
        raise BrokerError(
            f"the broker at {self.bootstrap} was not ready after {timeout:.0f}s ({last}); log tail:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM, wait, then SIGKILL. True when a broker was running."""
        pid = self.running_pid()
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.2)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie that is not our child counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _cluster_id() -> str:
    """A random cluster id (base64url of a UUID; it may start with "-", so pass it as --cluster-id=...)."""
    import base64

    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


async def probe(bootstrap: str, **client_options: object) -> list[str]:
    """A metadata request from a real client: the broker's topic names."""
    import logging

    from aiokafka.admin import AIOKafkaAdminClient

    client_log = logging.getLogger("aiokafka")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)  # "connection refused" is expected while it starts
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000, **client_options)
    try:
        await admin.start()
        topics: list[str] = await admin.list_topics()
        return topics
    finally:
        await admin.close()
        client_log.setLevel(level)
