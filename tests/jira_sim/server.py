"""Threaded HTTP/1.1 server with keep-alive, feeding requests to a Sim."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.jira_sim.app import Sim
from tests.jira_sim.web import Request, Response


class SimHTTPServer(ThreadingHTTPServer):
    """A threaded server (one thread per connection) bound to one Sim."""

    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sim: Sim) -> None:
        self.sim = sim
        super().__init__(address, Handler)
        host, port = self.server_address[:2]
        sim.base_url = f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    """Reads a request, hands it to the Sim, writes the answer with Content-Length."""

    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    server_version = "JiraSim/1.0"
    disable_nagle_algorithm = True
    server: SimHTTPServer

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "Bad Content-Length")
            return
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, path, query, headers, body)
        response = self.server.sim.handle(request)
        self._write(response)

    def _write(self, response: Response) -> None:
        self.send_response_only(response.status)
        self.send_header("Content-Length", str(len(response.body)))
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence per-request logging (it would dominate the cost of a request)."""


def make_server(sim: Sim, host: str = "127.0.0.1", port: int = 0) -> SimHTTPServer:
    """A server for `sim`, not yet serving."""
    server = SimHTTPServer((host, port), sim)
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return server
