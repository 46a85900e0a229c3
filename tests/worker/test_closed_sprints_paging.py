"""JiraClient.closed_sprints_tail reads the end of a long closed-sprint list, not all of it.

The simulator's boards have one closed sprint at most, so a small HTTP stand-in serves a board
with 120 closed sprints, oldest first, in pages of 50, with `total` (as the simulator and the
docs show) or without it (isLast only), recording which pages were asked for.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from worker.jira import JiraClient
from worker.settings import JiraSettings

CLOSED = 120


class SprintPages(ThreadingHTTPServer):
    with_total = True
    count = CLOSED
    starts: list[int]


class Handler(BaseHTTPRequestHandler):
    server: SprintPages

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = parse_qs(url.query)
        assert url.path == "/rest/agile/1.0/board/1/sprint"
        assert query["state"] == ["closed"]
        start = int(query["startAt"][0])
        size = min(int(query["maxResults"][0]), 50)  # Jira caps sprint pages at 50
        self.server.starts.append(start)
        values = [
            {"id": n, "state": "closed", "completeDate": "2026-11-01T09:00:00.000+0000"}
            for n in range(start + 1, min(start + size, self.server.count) + 1)
        ]
        page: dict[str, Any] = {"maxResults": size, "startAt": start, "values": values}
        page["isLast"] = start + len(values) >= self.server.count
        if self.server.with_total:
            page["total"] = self.server.count
        raw = json.dumps(page).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def pages() -> Iterator[SprintPages]:
    server = SprintPages(("127.0.0.1", 0), Handler)
    server.starts = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def tail(pages: SprintPages, hint: int = 0) -> tuple[list[int], int]:
    url = f"http://127.0.0.1:{pages.server_address[1]}"
    sprints, count = JiraClient(JiraSettings(url, token="t")).closed_sprints_tail(1, hint)
    return [s["id"] for s in sprints], count


def test_with_total_it_jumps_to_the_last_page(pages: SprintPages) -> None:
    ids, count = tail(pages)
    assert (ids, count) == (list(range(71, 121)), 120)
    assert pages.starts == [0, 70]


def test_with_total_and_a_hint_it_reads_one_page(pages: SprintPages) -> None:
    assert tail(pages, hint=100) == (list(range(101, 121)), 120)
    assert pages.starts == [100]


def test_without_total_it_reads_on_from_the_hint(pages: SprintPages) -> None:
    pages.with_total = False
    assert tail(pages, hint=70) == (list(range(71, 121)), 120)
    assert pages.starts == [70]


def test_without_total_or_hint_it_reads_everything_once(pages: SprintPages) -> None:
    pages.with_total = False
    assert tail(pages) == (list(range(1, 121)), 120)
    assert pages.starts == [0, 50, 100]


@pytest.mark.parametrize("with_total", [True, False])
def test_a_hint_past_the_end_finds_the_newest_again(pages: SprintPages, with_total: bool) -> None:
    pages.with_total = with_total
    pages.count = 60  # sprints were deleted since the hint was taken
    ids, count = tail(pages, hint=100)
    assert count == 60
    assert ids[-1] == 60
    assert pages.starts[0] == 100
