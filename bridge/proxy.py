"""Client addresses behind a reverse proxy (nginx, a load balancer): trust its X-Forwarded-*.

Without this every request seems to come from the proxy: the login rate limit (per username and
address) would then lock an administrator out for everyone after five failures by anyone, and
the /metrics allow-list would admit whatever the proxy forwards. Only as many proxies as
SYNCBACK_TRUSTED_PROXIES says are believed; with 0 (the default) the headers are ignored, so a
client talking to the bridge directly cannot choose its address.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Wrap the WSGI app in ProxyFix for the configured number of trusted proxies."""
    hops = app.config.get("SYNCBACK_TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
