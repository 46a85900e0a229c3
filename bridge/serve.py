"""Serve the bridge: gunicorn in production, Flask's server with --dev; JSON logs either way."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

from bridge import config as bridge_config
from bridge import metrics
from worker import logs
from worker.settings import ConfigError

DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
GRACEFUL_TIMEOUT_S = 30
"""In-flight requests get this long after SIGTERM; requests only enqueue, so 30 s is ample."""


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}: {raw!r} is not a whole number >= 1")
    return int(raw)


def web_workers(env: Mapping[str, str] | None = None) -> int:
    return _positive(os.environ if env is None else env, "SYNCBACK_WEB_WORKERS", DEFAULT_WORKERS)


def web_threads(env: Mapping[str, str] | None = None) -> int:
    return _positive(os.environ if env is None else env, "SYNCBACK_WEB_THREADS", DEFAULT_THREADS)


class JsonGunicornLogger(GunicornLogger):
    """gunicorn's error and access logs as our JSON lines (redacted: webhook URLs hold a token)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        self.access_log.info(
            "http.request",
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": getattr(resp, "status_code", None) or str(resp.status).split()[0],
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "remote_addr": environ.get("REMOTE_ADDR"),
                "bytes": getattr(resp, "sent", None),
                "request_id": _header(resp, "X-Request-Id"),
            },
        )


def _header(resp: Any, name: str) -> str | None:
    for key, value in getattr(resp, "headers", None) or []:
        if key.lower() == name.lower():
            return value
    return None


def serve(
    host: str,
    port: int,
    workers: int | None = None,
    threads: int | None = None,
    dev: bool = False,
    log_level: str | None = None,
) -> int:
    """Run the bridge until stopped; workers/threads default to SYNCBACK_WEB_WORKERS/_THREADS."""
    # Each gunicorn worker builds its own app: without a configured key each would draw its own
    # and refuse the sessions and CSRF tokens of the others. One key for this server's workers
    # (restarts of the server still end sessions, as documented for an unset key).
    if not os.environ.get("SYNCBACK_SECRET_KEY"):
        os.environ["SYNCBACK_SECRET_KEY"] = secrets.token_hex(32)
    level = logs.configure_logging(log_level)
    # Fail fast, with the variable's name, before forking workers.
    metrics.parse_networks(bridge_config.load().get("SYNCBACK_METRICS_ALLOW"))
    for flag, value in (("--workers", workers), ("--threads", threads)):
        if value is not None and value < 1:
            raise ConfigError(f"{flag}: must be >= 1, got {value}")
    workers = workers or web_workers()
    threads = threads or web_threads()
    from bridge import create_app

    if dev:
        create_app().run(host=host, port=port, threaded=True)
        return 0

    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "logger_class": JsonGunicornLogger,
                "loglevel": level.lower(),
                "graceful_timeout": GRACEFUL_TIMEOUT_S,
                "timeout": 60,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app()

    logging.getLogger(__name__).info(
        "bridge.start", extra={"bind": f"{host}:{port}", "workers": workers, "threads": threads}
    )
    _App().run()
    return 0
