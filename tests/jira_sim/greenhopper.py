"""Private /rest/greenhopper/1.0 board settings: card layout (3 per mode), edit model (§5.3)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim.agile import board_json, board_or_404, configuration_json
from tests.jira_sim.dataset import STATUSES
from tests.jira_sim.routing import Routes
from tests.jira_sim.state import Board, CardItem, SimState
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response, no_content

routes = Routes()
MODES = ("planMode", "workMode")
MAX_PER_MODE = 3


def _mode(raw: str) -> str:
    if raw not in MODES:
        raise JiraHttpError(
            400, f"Invalid card layout mode '{raw}'; expected planMode or workMode."
        )
    return raw


def _item_json(state: SimState, item: CardItem) -> dict[str, Any]:
    field = state.fields.get(item.field_id)
    return {
        "id": item.id,
        "fieldId": item.field_id,
        "name": field.name if field else item.field_id,
        "isValid": field is not None,
        "mode": item.mode,
    }


def layout_json(state: SimState, board: Board, mode: str | None) -> dict[str, Any]:
    """Card layout as greenhopper shows it, for one mode or both."""
    current = [_item_json(state, i) for i in board.card_layout if mode in (None, i.mode)]
    used = {i.field_id for i in board.card_layout if mode in (None, i.mode)}
    available = [
        {"fieldId": f.id, "name": f.name}
        for f in state.fields.values()
        if f.custom and f.id not in used
    ]
    return {"currentFields": current, "availableFields": available, "canEdit": True}


def _board_admin(request: Request) -> None:
    if not request.user.admin:
        raise JiraHttpError(403, "Only board administrators can change the board configuration.")


def _changed(sim: Any, board: Board) -> dict[str, Any]:
    return {
        "webhookEvent": "board_configuration_changed",
        "board": board_json(sim, board),
        "configuration": configuration_json(sim, board),
    }


@routes.get("/rest/greenhopper/1.0/cardlayout/{board}/{mode}/field")
def get_card_layout(sim: Any, request: Request) -> Response:
    """Card fields of one mode."""
    mode = _mode(request.params["mode"])
    with sim.lock:
        board = board_or_404(sim.state, request.params["board"])
        return json_response(layout_json(sim.state, board, mode))


@routes.post("/rest/greenhopper/1.0/cardlayout/{board}/{mode}/field")
def add_card_field(sim: Any, request: Request) -> Response:
    """Add a card field; at most three per mode."""
    _board_admin(request)
    mode = _mode(request.params["mode"])
    field_id = request.json_object().get("fieldId")
    with sim.lock:
        state = sim.state
        board = board_or_404(state, request.params["board"])
        if not isinstance(field_id, str) or field_id not in state.fields:
            raise JiraHttpError(400, errors={"fieldId": f"Field '{field_id}' does not exist."})
        in_mode = [i for i in board.card_layout if i.mode == mode]
        if any(i.field_id == field_id for i in in_mode):
            raise JiraHttpError(
                400, errors={"fieldId": f"Field '{field_id}' is already on the card."}
            )
        if len(in_mode) >= MAX_PER_MODE:
            raise JiraHttpError(
                400, f"A card can show at most {MAX_PER_MODE} extra fields in {mode}."
            )
        item = CardItem(state.next_card_item, field_id, mode)
        state.next_card_item += 1
        board.card_layout.append(item)
        body, event = _item_json(state, item), _changed(sim, board)
    sim.webhooks.emit("board_configuration_changed", event)
    return json_response(body)


@routes.delete("/rest/greenhopper/1.0/cardlayout/{board}/{mode}/field/{item}")
def remove_card_field(sim: Any, request: Request) -> Response:
    """Remove a card field."""
    _board_admin(request)
    mode = _mode(request.params["mode"])
    with sim.lock:
        board = board_or_404(sim.state, request.params["board"])
        item = next(
            (
                i
                for i in board.card_layout
                if str(i.id) == request.params["item"] and i.mode == mode
            ),
            None,
        )
        if item is None:
            raise JiraHttpError(404, f"Card layout field {request.params['item']} does not exist.")
        board.card_layout.remove(item)
        event = _changed(sim, board)
    sim.webhooks.emit("board_configuration_changed", event)
    return no_content()


def _rapid_view(sim: Any, request: Request) -> Board:
    raw = request.arg("rapidViewId") or ""
    return board_or_404(sim.state, raw)


@routes.get("/rest/greenhopper/1.0/rapidviewconfig/cardLayout")
def rapid_card_layout(sim: Any, request: Request) -> Response:
    """Card layout of both modes."""
    with sim.lock:
        return json_response(layout_json(sim.state, _rapid_view(sim, request), None))


@routes.get("/rest/greenhopper/1.0/rapidviewconfig/editmodel")
def edit_model(sim: Any, request: Request) -> Response:
    """The board settings edit model (rapidviewconfig/editmodel)."""
    with sim.lock:
        state = sim.state
        board = _rapid_view(sim, request)
        flt = state.filters[board.filter_id]
        columns = [
            {
                "id": i + 1,
                "name": c["name"],
                "min": "",
                "max": "",
                "isKanPlanColumn": False,
                "mappedStatuses": [{"id": s, "name": _status_name(s)} for s in c["statuses"]],
            }
            for i, c in enumerate(board.columns)
        ]
        body = {
            "id": board.id,
            "name": board.name,
            "canEdit": request.user.admin,
            "filterConfig": {
                "id": flt.id,
                "name": flt.name,
                "query": flt.jql,
                "owner": {"userName": flt.owner},
            },
            "subqueryConfig": {"subqueries": []},
            "rapidListConfig": {
                "mappedColumns": columns,
                "unmappedStatuses": [],
                "currentStatisticsField": {"id": "none_"},
            },
            "cardLayoutConfig": layout_json(state, board, None),
            "estimationStatisticConfig": {
                "currentEstimationStatistic": {
                    "fieldId": "customfield_10002",
                    "name": "Story Points",
                }
            },
            "boardAdmins": {
                "userKeys": [{"key": "admin", "displayName": "Ada Admin"}],
                "groupKeys": [],
            },
        }
    return json_response(body)


def _status_name(status_id: str) -> str:
    return STATUSES[status_id].name
