"""A real HTTP endpoint in the test process that records the webhooks the simulator delivers."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.raw)


class Receiver:
    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.gate = threading.Event()  # cleared: the receiver holds every request until set
        self.gate.set()
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.gate.wait(10)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._cond:
                    receiver.deliveries.append(Delivery(self.path, headers, raw))
                    receiver._cond.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Delivery]:
        """At least `count` deliveries, waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.deliveries) < count and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self.deliveries)

    def events(self) -> list[str]:
        return [d.body["webhookEvent"] for d in self.deliveries]
