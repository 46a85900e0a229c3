"""Operations wiring: /metrics, the queue page, and log context for every request."""

from __future__ import annotations

import uuid

from flask import Flask, Response, g, request

from bridge import metrics, queue_page
from worker import logs

REQUEST_ID_HEADER = "X-Request-Id"


def _bind_request() -> None:
    """Tag every log line of this request with a request id (and the board/run it is about)."""
    view_args = request.view_args or {}
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    # A caller-chosen id is kept only when it is short and plain (it ends up in our logs).
    request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
    g.request_id = request_id
    g.log_token = logs.bind(
        request_id=request_id,
        board=view_args.get("board_id")
        or (view_args.get("id") if request.path.startswith("/api/boards/") else None),
        run_id=view_args.get("run_id"),
    )


def _unbind_request(_exc: BaseException | None) -> None:
    token = g.pop("log_token", None)
    if token is not None:
        logs.unbind(token)


def _echo_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def init_app(app: Flask) -> None:
    app.before_request(_bind_request)
    app.after_request(_echo_request_id)
    app.teardown_request(_unbind_request)
    metrics.init_app(app)
    queue_page.init_app(app)
