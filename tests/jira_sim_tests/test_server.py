"""The HTTP layer: HTTP/1.1 keep-alive, concurrent writes, unknown paths."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import requests

from tests.harness.jira_sim import ADMIN_TOKEN, SimServer
from tests.jira_sim_tests.conftest import Call

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}


def test_one_connection_serves_many_requests(jira: SimServer) -> None:
    url = urlparse(jira.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        for key in ("SHOP-1", "SHOP-2", "OPS-3"):
            connection.request("GET", f"/rest/api/2/issue/{key}?fields=summary", headers=AUTH)
            response = connection.getresponse()
            assert response.status == 200 and response.version == 11
            assert json.loads(response.read())["key"] == key
            assert response.getheader("Connection") != "close"
        body = json.dumps({"fields": {"customfield_10100": 1}})
        connection.request("PUT", "/rest/api/2/issue/SHOP-1", body=body, headers=AUTH)
        put = connection.getresponse()
        assert put.status == 204 and put.read() == b""
    finally:
        connection.close()


def test_concurrent_writes_all_land(jira: SimServer) -> None:
    jira.reset(issues=400)

    def write(n: int) -> int:
        with requests.Session() as session:
            return session.put(
                f"{jira.url}/rest/api/2/issue/SHOP-{n}",
                json={"fields": {"customfield_10101": f"note {n}"}},
                headers=AUTH,
                timeout=10,
            ).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(write, range(1, 401)))
    closed = [n for n in range(1, 401) if n % 25 == 0]  # Closed issues refuse edits
    assert statuses.count(204) == 400 - len(closed) and statuses.count(400) == len(closed)
    assert jira.stats()["issue_writes"] == 400 - len(closed)
    assert jira.field("SHOP-399", "customfield_10101") == "note 399"


def test_unknown_rest_path_is_404_error_collection(admin: Call) -> None:
    response = admin("GET", "/rest/api/2/nothing/here")
    assert response.status_code == 404
    assert response.json()["errorMessages"] == ["null for uri: /rest/api/2/nothing/here"]


def test_wrong_method_is_405(admin: Call) -> None:
    assert admin("DELETE", "/rest/api/2/search").status_code == 405


def test_command_line_options_reach_the_state(tmp_path: Path) -> None:
    server = SimServer(version="9.12", dataset="demo", issues=100_000, log_dir=tmp_path).start()
    try:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        info = requests.get(server.url + "/rest/api/2/serverInfo", timeout=5).json()
        assert info["versionNumbers"][:2] == [9, 12]
        last = requests.get(
            server.url + "/rest/api/2/issue/SHOP-100000", headers=headers, timeout=5
        )
        assert last.status_code == 200
        assert "listening on" in (tmp_path / "jira_sim.log").read_text()
    finally:
        server.stop()
    assert server.proc is None
