"""Serve the bridge: gunicorn in production, Flask's server with --dev."""

from __future__ import annotations

from typing import Any

from bridge import config as bridge_config


def serve(host: str, port: int, workers: int = 2, threads: int = 4, dev: bool = False) -> int:
    bridge_config.load()  # fail fast, with the variable's name, before forking workers
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
                "graceful_timeout": 30,
                "timeout": 60,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app()

    _App().run()
    return 0
