"""The bridge: HTTP in (admin panel, JSON API, Jira webhooks). Enqueues; never writes to Jira."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from bridge import auth, errors, extensions
from bridge import config as bridge_config


def create_app(config: dict[str, Any] | None = None, env: Mapping[str, str] | None = None) -> Flask:
    """Build the app: config from `env` (default: the process environment), then `config`."""
    app = Flask(__name__)
    app.config.from_mapping(bridge_config.load(env))
    if config:
        app.config.from_mapping(config)
    extensions.init_app(app)
    errors.register(app)
    auth.init_app(app)
    app.before_request(_limit_body)
    import_module("bridge.security_headers").init_app(app)  # no framing, no sniffing
    import_module("bridge.proxy").init_app(app)  # client address behind nginx / a balancer

    from bridge import health, ops, webhooks

    app.register_blueprint(health.bp)
    app.register_blueprint(webhooks.bp)  # Jira webhook intake (token/HMAC, no CSRF)
    from bridge import syncs_api

    syncs_api.register(app)  # scores, syncs and jobs API
    ops.init_app(app)  # /metrics, /admin/queue, request log context
    from bridge import boards_api, login

    app.register_blueprint(boards_api.bp)  # /api/boards/** (CRUD, setup, schedule)
    app.register_blueprint(login.bp)  # /admin/login, /admin/logout
    app.register_blueprint(import_module("bridge.panel").bp)  # /admin pages (bridge/panel)
    return app


def _limit_body() -> None:
    """Refuse oversized bodies before any view runs, even views that never read the body."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"Request body larger than {limit} bytes.")
