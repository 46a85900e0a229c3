"""Response headers every answer carries: no framing, no content sniffing, no cross-site referrer.

The panel is reached by a link from Jira's admin menu (jira_descriptor), never inside a frame,
so no site may frame it (clickjacking of Activate/Sync/Revert buttons). SameSite=Lax already
keeps the session cookie out of cross-site frames; these headers hold for older browsers too.
"""

from __future__ import annotations

from flask import Flask, Response

HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # Admin URLs carry board and run ids, the login URL a `next`: keep them on this site.
    "Referrer-Policy": "same-origin",
}


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Add HEADERS to every response of `app`."""
    app.after_request(_add_headers)
