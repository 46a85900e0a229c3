"""A real Redis master + two replicas watched by three real `redis-sentinel` processes (Debian's).

Everything on free loopback ports in a temporary directory; failover is fast (1 s down-after) so
tests can run one. The servers run deploy/redis.conf's safety settings: a master refuses writes
without a replica in sync (`min-replicas-to-write 1`), so an old master that comes back after a
failover cannot take writes that its demotion would then throw away. Two replicas keep the new
master writable while the old one is away. Used by tests/ops/test_sentinel*.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis

from tests.harness.processes import free_port, stop, wait_for_port

MASTER_NAME = "syncback-test"


class SentinelCluster:
    def __init__(
        self,
        base_dir: Path,
        sentinels: int = 3,
        down_after_ms: int = 1000,
        max_lag_s: int = 2,
        password: str | None = None,
    ) -> None:
        for binary in ("redis-server", "redis-sentinel"):
            if shutil.which(binary) is None:
                raise RuntimeError(f"{binary} is not installed; scripts/test installs it")
        self.dir = base_dir
        self.down_after_ms = down_after_ms
        self.max_lag_s = max_lag_s
        self.password = password
        self.redis_ports = [free_port(), free_port(), free_port()]
        self.sentinel_ports = [free_port() for _ in range(sentinels)]
        self.procs: dict[int, subprocess.Popen] = {}

    # -- processes -------------------------------------------------------------------------

    def _start_redis(self, port: int, replica_of: int | None) -> None:
        data = self.dir / f"redis-{port}"
        data.mkdir(parents=True, exist_ok=True)
        conf = data / "redis.conf"  # a file, so a restarted server keeps what Sentinel wrote
        if not conf.exists():
            lines = [
                f"port {port}",
                "bind 127.0.0.1",
                f"dir {data}",
                "save ''",
                "appendonly yes",
                "maxmemory-policy noeviction",
                "min-replicas-to-write 1",
                f"min-replicas-max-lag {self.max_lag_s}",
                f"logfile {data / 'redis.log'}",
                *([f"replicaof 127.0.0.1 {replica_of}"] if replica_of else []),
                *(
                    [f"requirepass {self.password}", f"masterauth {self.password}"]
                    if self.password
                    else []
                ),
            ]
            conf.write_text("\n".join(lines) + "\n")
        self.procs[port] = subprocess.Popen(["redis-server", str(conf)], start_new_session=True)
        wait_for_port(port, self.procs[port])

    def _start_sentinel(self, port: int, master_port: int) -> None:
        data = self.dir / f"sentinel-{port}"
        data.mkdir(parents=True, exist_ok=True)
        conf = data / "sentinel.conf"  # Sentinel rewrites its config file: it must be writable
        conf.write_text(
            "\n".join(
                [
                    f"port {port}",
                    "bind 127.0.0.1",
                    f"dir {data}",
                    f"logfile {data / 'sentinel.log'}",
                    f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 2",
                    f"sentinel down-after-milliseconds {MASTER_NAME} {self.down_after_ms}",
                    f"sentinel failover-timeout {MASTER_NAME} 10000",
                    f"sentinel parallel-syncs {MASTER_NAME} 1",
                    *(
                        [f"sentinel auth-pass {MASTER_NAME} {self.password}"]
                        if self.password
                        else []
                    ),
                ]
            )
            + "\n"
        )
        self.procs[port] = subprocess.Popen(["redis-sentinel", str(conf)], start_new_session=True)
        wait_for_port(port, self.procs[port])

    def start(self, timeout: float = 30.0) -> SentinelCluster:
        master, *replicas = self.redis_ports
        self._start_redis(master, None)
        for replica in replicas:
            self._start_redis(replica, master)
        for port in self.sentinel_ports:
            self._start_sentinel(port, master)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        """Until the replicas are in sync and every sentinel knows them and its peers."""
        deadline = time.monotonic() + timeout
        others = len(self.sentinel_ports) - 1
        while time.monotonic() < deadline:
            try:
                synced = {
                    self.client(p).info("replication").get("master_link_status")
                    for p in self.redis_ports[1:]
                }
                known = [
                    (len(s.sentinel_slaves(MASTER_NAME)), len(s.sentinel_sentinels(MASTER_NAME)))
                    for s in self.sentinels()
                ]
            except redis.RedisError:
                synced, known = None, []
            replicas = len(self.redis_ports) - 1
            if synced == {"up"} and known and all(r >= replicas and p >= others for r, p in known):
                return
            time.sleep(0.2)
        raise TimeoutError(f"sentinel cluster not ready after {timeout}s; see {self.dir}")

    def stop(self) -> None:
        for port, proc in list(self.procs.items()):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGCONT)  # a frozen server cannot handle SIGTERM
            stop(proc, timeout=5)
            del self.procs[port]

    # -- inspection and faults -------------------------------------------------------------

    def client(self, port: int, db: int = 0) -> redis.Redis:
        """A direct client (password applied to Redis servers, not to sentinels)."""
        password = self.password if port in self.redis_ports else None
        return redis.Redis(
            port=port, db=db, password=password, socket_timeout=2.0, socket_connect_timeout=1.0
        )

    def sentinels(self) -> list[redis.Redis]:
        return [self.client(p) for p in self.sentinel_ports]

    @property
    def env_value(self) -> str:
        """What REDIS_SENTINELS holds for this cluster."""
        return ",".join(f"127.0.0.1:{p}" for p in self.sentinel_ports)

    def master_port(self) -> int:
        """The master as a majority of sentinels currently name it."""
        votes: dict[int, int] = {}
        for s in self.sentinels():
            try:
                _host, port = s.sentinel_get_master_addr_by_name(MASTER_NAME)
            except redis.RedisError:
                continue
            votes[int(port)] = votes.get(int(port), 0) + 1
        return max(votes, key=votes.get)

    def role(self, port: int) -> str:
        return self.client(port).info("replication")["role"]

    def freeze(self, port: int) -> None:
        """SIGSTOP: the machine hangs (or is cut off); clients see timeouts, not refusals."""
        os.killpg(self.procs[port].pid, signal.SIGSTOP)

    def thaw(self, port: int) -> None:
        os.killpg(self.procs[port].pid, signal.SIGCONT)

    def crash(self, port: int) -> None:
        """SIGKILL: the machine dies; nothing is flushed."""
        os.killpg(self.procs[port].pid, signal.SIGKILL)
        self.procs.pop(port).wait(5)

    def restart(self, port: int) -> None:
        """Start a crashed server again from its (Sentinel-rewritten) config file."""
        self._start_redis(port, None)

    def wait_for_failover(self, old_master: int, timeout: float = 30.0) -> int:
        """Until the sentinels name another master that answers as master; its port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                port = self.master_port()
                if port != old_master and self.role(port) == "master":
                    return port
            except (redis.RedisError, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"no failover away from {old_master} after {timeout}s; see {self.dir}")

    def wait_for_role(self, port: int, role: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.role(port) == role:
                    return
            except redis.RedisError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"redis {port} is not {role} after {timeout}s")
