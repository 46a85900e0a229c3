"""The admin panel: server-rendered pages under /admin, a view over the JSON API (DESIGN §5).

Pages read the stores for their first render; every change goes through the JSON API from
`bridge/static/panel.js` (session cookie + `X-CSRFToken`), so the panel can do nothing the API
would not allow.
"""

from __future__ import annotations

from flask import Blueprint

from bridge.panel import guard, views

bp = Blueprint("panel", __name__, url_prefix="/admin")
bp.context_processor(guard.template_context)
bp.add_app_template_filter(views.field_dict, "field_dict")

from bridge.panel import pages, runs, scores  # noqa: E402,F401  (routes register on bp)
