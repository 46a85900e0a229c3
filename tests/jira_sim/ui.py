"""/_sim/ui/board/<id>: a read-only page of a board's backlog in filter order, card fields shown."""

from __future__ import annotations

from html import escape
from typing import Any

from tests.jira_sim import issue_store
from tests.jira_sim.agile import board_or_404
from tests.jira_sim.dataset import ISSUE_TYPES, SPRINT, STATUSES
from tests.jira_sim.render import display_string
from tests.jira_sim.routing import Routes
from tests.jira_sim.search import ordered_matches
from tests.jira_sim.web import Request, Response, html_response

routes = Routes()
PAGE_LIMIT = 500  # a person reads the top of the backlog; the count shows the rest

_STYLE = """body{font-family:sans-serif;margin:2em;color:#172b4d}
.card{border:1px solid #dfe1e6;border-radius:3px;padding:.5em;margin:.3em 0;max-width:50em}
.key{font-weight:bold;margin-right:.5em}.meta{color:#5e6c84;font-size:.9em}
.field{display:inline-block;background:#f4f5f7;margin:.2em .4em 0 0;padding:0 .4em}"""


@routes.get("/_sim/ui/board/{board}", auth=False)
def board_page(sim: Any, request: Request) -> Response:
    """The HTML page of one board."""
    with sim.lock:
        state = sim.state
        board = board_or_404(state, request.params["board"])
        jql = state.filters[board.filter_id].jql
        found = ordered_matches(sim, jql, "admin")
        card_fields = [i.field_id for i in board.card_layout if i.mode == "planMode"]
        cards = []
        for project, n in found[:PAGE_LIMIT]:
            values = {f: issue_store.value(state, project, n, f) for f in card_fields}
            shown = "".join(
                f'<span class="field" data-field="{escape(f)}">{escape(state.fields[f].name)}: '
                f"{escape(display_string(v) or '')}</span>"
                for f, v in values.items()
                if v is not None and f in state.fields
            )  # a card shows a field only when the issue has a value (reference §5.3)
            raw = issue_store.raw_fields(
                state, project, n, ["summary", "issuetype", "status", SPRINT]
            )
            key = f"{project.key}-{n}"
            sprint = state.sprints.get(raw[SPRINT])
            meta = [ISSUE_TYPES[raw["issuetype"]][0], STATUSES[raw["status"]].name]
            meta += [escape(sprint.name)] if sprint else []
            cards.append(
                f'<li class="card" data-key="{key}"><span class="key">{key}</span>'
                f'{escape(raw["summary"] or "")}<div class="meta">{" · ".join(meta)}</div>'
                f"{shown}</li>"
            )
        title = escape(board.name)
        more = len(found) - len(cards)
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"
        f"<p class='meta'>Filter: <code>{escape(jql)}</code> · {len(found)} issues</p>"
        f"<ol id='backlog'>{''.join(cards)}</ol>"
        + (f"<p class='meta'>… and {more} more</p>" if more > 0 else "")
        + "</body></html>"
    )
    return html_response(body)
