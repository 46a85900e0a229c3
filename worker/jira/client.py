"""JiraClient: every call syncback makes to Jira Server / Data Center, one method per call.

Endpoint constants, auth in one place (`_session`), a timeout on every request, retries of
429/503 through a backoff shared by all threads, and errors translated in one place
(`worker.jira.errors.from_response`). Facts with sources: shared/reference/jira-server-api.md.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from worker.jira.backoff import SharedBackoff
from worker.jira.errors import (
    JiraError,
    JiraRateLimitedError,
    JiraUnavailableError,
    from_response,
    retry_after_s,
)
from worker.settings import JiraSettings

log = logging.getLogger(__name__)

SERVER_INFO = "/rest/api/2/serverInfo"
MYSELF = "/rest/api/2/myself"
MY_PERMISSIONS = "/rest/api/2/mypermissions"
FIELDS = "/rest/api/2/field"
SCREENS = "/rest/api/2/screens"
SCREEN_TABS = "/rest/api/2/screens/{screen}/tabs"
TAB_FIELDS = "/rest/api/2/screens/{screen}/tabs/{tab}/fields"
SEARCH = "/rest/api/2/search"
ISSUE = "/rest/api/2/issue/{key}"
EDITMETA = "/rest/api/2/issue/{key}/editmeta"
FILTER = "/rest/api/2/filter/{id}"
BOARDS = "/rest/agile/1.0/board"
BOARD = "/rest/agile/1.0/board/{id}"
BOARD_CONFIGURATION = "/rest/agile/1.0/board/{id}/configuration"
BOARD_SPRINTS = "/rest/agile/1.0/board/{id}/sprint"
SPRINT = "/rest/agile/1.0/sprint/{id}"
CARD_LAYOUT = "/rest/greenhopper/1.0/cardlayout/{board}/{mode}/field"
CARD_LAYOUT_ITEM = "/rest/greenhopper/1.0/cardlayout/{board}/{mode}/field/{item}"
# The webhook resource moved in Jira 10 and the old path 404s there (JRASERVER-78733).
WEBHOOKS_V9 = "/rest/webhooks/1.0/webhook"
WEBHOOKS_V10 = "/rest/jira-webhook/1.0/webhooks"

SEARCH_PAGE_MAX = 1000
"""Jira's default `jira.search.views.default.max`; the server may cap lower (we follow it)."""

RETRY_STATUSES = {429, 502, 503, 504}
MAX_ATTEMPTS = 8


class JiraClient:
    def __init__(self, settings: JiraSettings, backoff: SharedBackoff | None = None) -> None:
        if not settings.base_url:
            raise ValueError("JIRA_BASE_URL is not configured")
        self.settings = settings
        self.base_url = settings.base_url.rstrip("/")
        self.backoff = backoff or SharedBackoff()
        self.timeout = (3.05, settings.timeout_s)
        self._local = threading.local()
        self._stats_lock = threading.Lock()
        self.stats: Counter[str] = Counter()

    # -- transport -------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        """One Session per thread (requests does not promise thread safety), auth set here."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({"Accept": "application/json"})
            if self.settings.token:
                session.headers["Authorization"] = f"Bearer {self.settings.token}"
            elif self.settings.user:
                session.auth = (self.settings.user, self.settings.password or "")
            self._local.session = session
        return session

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        retry: bool = True,
        attempts: int = MAX_ATTEMPTS,
    ) -> Any:
        """Send one call; retry 429/5xx through the shared backoff when `retry` is set.

        `attempts` caps tries on 5xx and transport errors (a caller that can report one item
        and move on asks for fewer); 429 always gets MAX_ATTEMPTS: it only says "slower".
        """
        url = self.base_url + path
        attempt = 0
        failures = 0
        while True:
            self.backoff.wait()
            try:
                response = self._session().request(
                    method, url, params=params, json=json, timeout=self.timeout
                )
            except requests.RequestException as exc:
                self._count("transport_error")
                failures += 1
                if retry and attempt + 1 < MAX_ATTEMPTS and failures < attempts:
                    self.backoff.pause(attempt, None)
                    attempt += 1
                    continue
                raise JiraUnavailableError(f"{method} {path}: {exc.__class__.__name__}") from exc
            self._count(f"status_{response.status_code}")
            self.backoff.observe(response.headers, response.status_code)
            failures += response.status_code in RETRY_STATUSES and response.status_code != 429
            if (
                response.status_code in RETRY_STATUSES
                and retry
                and attempt + 1 < MAX_ATTEMPTS
                and failures < attempts
            ):
                delay = self.backoff.pause(attempt, retry_after_s(response))
                self._count("retry")
                log.info(
                    "jira.retry",
                    extra={"path": path, "status": response.status_code, "delay_s": delay},
                )
                attempt += 1
                continue
            if response.status_code >= 400:
                raise from_response(method, path, response)
            if response.status_code == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError as exc:
                raise JiraError(
                    f"{method} {path}: answer is not JSON", status=response.status_code
                ) from exc

    # -- server and user -------------------------------------------------------------------

    def server_info(self) -> dict[str, Any]:
        return self.request("GET", SERVER_INFO, retry=False)

    def major_version(self) -> int:
        numbers = self.server_info().get("versionNumbers") or [0]
        return int(numbers[0])

    def myself(self) -> dict[str, Any]:
        return self.request("GET", MYSELF, retry=False)

    def my_permissions(self) -> dict[str, Any]:
        # DC has no `permissions` filter and returns every permission (jira-server-api.md §1.4).
        return self.request("GET", MY_PERMISSIONS, retry=False)["permissions"]

    def is_admin(self) -> bool:
        perms = self.my_permissions()
        return any(perms.get(k, {}).get("havePermission") for k in ("ADMINISTER", "SYSTEM_ADMIN"))

    # -- fields and screens ----------------------------------------------------------------

    def fields(self) -> list[dict[str, Any]]:
        return self.request("GET", FIELDS)

    def create_field(
        self, name: str, type_key: str, searcher_key: str, description: str = ""
    ) -> dict[str, Any]:
        body = {
            "name": name,
            "description": description,
            "type": type_key,
            "searcherKey": searcher_key,
        }
        # POST is not idempotent: never resent blindly (a retry could create a duplicate).
        return self.request("POST", FIELDS, json=body, retry=False)

    def screens(self) -> list[dict[str, Any]]:
        # Shape differs by version: bare array (10.3), {"screens": [...]} (11.x), or a page
        # (jira-server-api.md §3); only the page form has more pages to follow.
        out: list[dict[str, Any]] = []
        while True:
            params = {"startAt": len(out), "maxResults": 1000}
            body = self.request("GET", SCREENS, params=params)
            if not isinstance(body, dict):
                return body
            values = body.get("screens") or body.get("values") or []
            out.extend(values)
            if "values" not in body or body.get("isLast", True) or not values:
                return out

    def screen_tabs(self, screen_id: int) -> list[dict[str, Any]]:
        return self.request("GET", SCREEN_TABS.format(screen=screen_id))

    def tab_fields(self, screen_id: int, tab_id: int) -> list[dict[str, Any]]:
        return self.request("GET", TAB_FIELDS.format(screen=screen_id, tab=tab_id))

    def add_field_to_tab(self, screen_id: int, tab_id: int, field_id: str) -> dict[str, Any]:
        path = TAB_FIELDS.format(screen=screen_id, tab=tab_id)
        return self.request("POST", path, json={"fieldId": field_id}, retry=False)

    # -- issues ----------------------------------------------------------------------------

    def search(
        self, jql: str, fields: list[str], start_at: int = 0, max_results: int = SEARCH_PAGE_MAX
    ) -> dict[str, Any]:
        body = {
            "jql": jql,
            "startAt": start_at,
            "maxResults": max_results,
            "fields": fields,
            "validateQuery": True,
        }
        # A search POST changes nothing, so it is safe to retry.
        return self.request("POST", SEARCH, json=body)

    def search_pages(
        self, jql: str, fields: list[str], page_size: int = SEARCH_PAGE_MAX
    ) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """Yield (total, issues) per page, advancing by what Jira returned: it may cap a page
        below `page_size` without saying so other than in `maxResults`."""
        start = 0
        while True:
            page = self.search(jql, fields, start_at=start, max_results=page_size)
            issues = page.get("issues") or []
            total = int(page.get("total", 0))
            yield total, issues
            start += len(issues)
            if not issues or start >= total:
                return

    def search_all(
        self, jql: str, fields: list[str], page_size: int = SEARCH_PAGE_MAX
    ) -> Iterator[dict[str, Any]]:
        """Yield every issue of the search, page by page."""
        for _, issues in self.search_pages(jql, fields, page_size):
            yield from issues

    def get_issue(self, key: str, fields: list[str] | None = None) -> dict[str, Any]:
        params = {"fields": ",".join(fields)} if fields else None
        return self.request("GET", ISSUE.format(key=key), params=params)

    def edit_issue(
        self,
        key: str,
        fields: dict[str, Any],
        notify_users: bool = False,
        attempts: int = MAX_ATTEMPTS,
    ) -> None:
        """PUT the fields; `notifyUsers=false` needs (project) admin rights, else 403."""
        params = {"notifyUsers": "true" if notify_users else "false"}
        path = ISSUE.format(key=key)
        self.request("PUT", path, params=params, json={"fields": fields}, attempts=attempts)

    def editmeta(self, key: str) -> dict[str, Any]:
        return self.request("GET", EDITMETA.format(key=key))["fields"]

    # -- agile -----------------------------------------------------------------------------

    def _agile_pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every `values` item of an agile resource, following its pages of 50 to `isLast`."""
        out: list[dict[str, Any]] = []
        while True:
            page = self.request(
                "GET", path, params={**params, "startAt": len(out), "maxResults": 50}
            )
            values = page.get("values") or []
            out.extend(values)
            if page.get("isLast", True) or not values:
                return out

    def boards(self) -> list[dict[str, Any]]:
        return self._agile_pages(BOARDS)

    def board(self, board_id: int) -> dict[str, Any]:
        return self.request("GET", BOARD.format(id=board_id))

    def board_configuration(self, board_id: int) -> dict[str, Any]:
        return self.request("GET", BOARD_CONFIGURATION.format(id=board_id))

    def board_sprints(self, board_id: int, state: str = "active,future") -> list[dict[str, Any]]:
        return self._agile_pages(BOARD_SPRINTS.format(id=board_id), state=state)

    def closed_sprints_tail(self, board_id: int, hint: int = 0) -> tuple[list[dict[str, Any]], int]:
        """The newest closed sprints of a board (from `hint` on, or the last page); and how many
        closed sprints it has.

        Jira lists a board's closed sprints oldest first, 50 a page at most, and the list only
        grows (https://docs.atlassian.com/jira-software/REST/9.12.0/#agile/1.0/board-getAllSprints:
        "ordered first by state ... then by their position in the backlog"), so the newest are
        at the end of years of history. Jump to the last page when the page carries `total`;
        otherwise read on from `hint` (what the caller counted last time, less a page).
        """
        path = BOARD_SPRINTS.format(id=board_id)

        def page_at(start: int) -> tuple[int, dict[str, Any]]:
            params = {"state": "closed", "startAt": start, "maxResults": 50}
            return start, self.request("GET", path, params=params)

        start, page = page_at(max(0, hint))
        total, values = page.get("total"), page.get("values") or []
        if isinstance(total, int) and (start < total - 50 or (start and not values)):
            start, page = page_at(max(0, total - 50))
        elif not isinstance(total, int) and start and not values:
            start, page = page_at(0)  # fewer than `hint` now (sprints deleted): from the top
        out: list[dict[str, Any]] = []
        while True:
            values = page.get("values") or []
            out.extend(values)
            if page.get("isLast", True) or not values:
                return out, start + len(values)
            start, page = page_at(start + len(values))

    def sprint(self, sprint_id: int) -> dict[str, Any]:
        return self.request("GET", SPRINT.format(id=sprint_id))

    def filter(self, filter_id: int | str) -> dict[str, Any]:
        return self.request("GET", FILTER.format(id=filter_id))

    def update_filter_jql(self, filter_id: int | str, jql: str) -> dict[str, Any]:
        return self.request("PUT", FILTER.format(id=filter_id), json={"jql": jql})

    def card_layout(self, board_id: int, mode: str) -> list[dict[str, Any]]:
        """Card fields of `planMode` (backlog) or `workMode` (active sprint); private API."""
        body = self.request("GET", CARD_LAYOUT.format(board=board_id, mode=mode))
        return body.get("currentFields", []) if isinstance(body, dict) else body

    def add_card_layout_field(self, board_id: int, mode: str, field_id: str) -> dict[str, Any]:
        path = CARD_LAYOUT.format(board=board_id, mode=mode)
        return self.request("POST", path, json={"fieldId": field_id}, retry=False)

    def remove_card_layout_field(self, board_id: int, mode: str, item_id: int) -> None:
        self.request("DELETE", CARD_LAYOUT_ITEM.format(board=board_id, mode=mode, item=item_id))

    # -- webhooks --------------------------------------------------------------------------

    def webhooks_path(self, major_version: int) -> str:
        return WEBHOOKS_V10 if major_version >= 10 else WEBHOOKS_V9

    def webhooks(self, major_version: int) -> list[dict[str, Any]]:
        return self.request("GET", self.webhooks_path(major_version))

    def create_webhook(self, major_version: int, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", self.webhooks_path(major_version), json=body, retry=False)

    def update_webhook(
        self, major_version: int, webhook_id: int | str, body: dict[str, Any]
    ) -> dict[str, Any]:
        path = f"{self.webhooks_path(major_version)}/{webhook_id}"
        return self.request("PUT", path, json=body)


__all__ = ["JiraClient", "JiraRateLimitedError"]
