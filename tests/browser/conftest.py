"""Browser tests: Debian's chromium driven by Playwright against the bridge served over real
HTTP, a real `syncback worker` process and the Jira simulator. One browser for them all; each
test gets a fresh context (cookies) and a store emptied of syncback data.

The bridge, the worker and the browser live as long as this package's tests (scope "package"):
a worker left running would take jobs from the shared queue of later tests."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis as redis_lib
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import make_server

from bridge import create_app
from tests.conftest import API_TOKEN, base_env
from tests.harness.jira_sim import SimServer
from tests.harness.processes import ROOT, free_port
from tests.harness.redis_server import RedisServer
from tests.harness.worker_process import WorkerProcess

SHOTS = ROOT / "test-artifacts" / "screenshots"
FAILED = pytest.StashKey[bool]()
TIMEOUT_MS = 20_000
"""How long a page waits for an element or state (jobs run in the worker, over HTTP)."""
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Stack:
    url: str
    jira: SimServer
    redis: redis_lib.Redis
    api: requests.Session

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        """The bridge's JSON API with the machine token (test setup and checks)."""
        return self.api.request(method, self.url + path, timeout=30, **kw)

    def ok(self, method: str, path: str, **kw: Any) -> Any:
        response = self.call(method, path, **kw)
        assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def job(self, path: str) -> Any:
        """Start a setup job through the API and wait for its result."""
        job_id = self.ok("POST", path)["job_id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = self.ok("GET", f"/api/jobs/{job_id}")
            if job["status"] == "finished":
                return job["result"]
            assert job["status"] != "failed", f"{path}: {job.get('error')}"
            time.sleep(0.1)
        raise TimeoutError(f"{path}: job {job_id} did not finish")

    def board(self, board_id: str, name: str, jira_board: int, project: str) -> None:
        body = {"id": board_id, "name": name, "emoji": "🛒", "jira_board_id": jira_board}
        self.ok("POST", "/api/boards", json={**body, "project_keys": [project]})

    def active_board(self, scores: int = 30) -> dict[str, str]:
        """Board `shop` set up through the API (fields created, scored, active); field ids."""
        self.board("shop", "SHOP board", 1, "SHOP")
        self.job("/api/boards/shop/fields/create-in-jira")
        items = [{"issue": f"SHOP-{n}", "score": 100 - n} for n in range(1, scores + 1)]
        self.ok("PUT", "/api/boards/shop/scores", json={"scores": items})
        self.job("/api/boards/shop/refresh")
        self.ok("POST", "/api/boards/shop/activate")
        board = self.ok("GET", "/api/boards/shop")
        return {f["source"]: f["tracker_field"] for f in board["fields"]}


@pytest.fixture(scope="package")
def browser_env(redis_server: RedisServer, jira_sim: SimServer) -> dict[str, str]:
    return base_env(redis_server.url, jira_sim.url)


@pytest.fixture(scope="package")
def bridge_url(browser_env: dict[str, str]) -> Iterator[str]:
    """The bridge app on a free port, served by werkzeug in a thread (real HTTP, real cookies)."""
    app = create_app(env=browser_env)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="bridge", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="package")
def worker_process(
    browser_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerProcess]:
    log = tmp_path_factory.mktemp("browser-worker") / "worker.log"
    proc = WorkerProcess(browser_env, log=log).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "chromium is not installed: scripts/test installs it (apt-get install chromium)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def stack(
    redis_server: RedisServer,
    jira: SimServer,
    bridge_url: str,
    worker_process: WorkerProcess,
) -> Iterator[Stack]:
    """Demo Jira, no syncback data (RQ's worker registration is kept: the worker stays up)."""
    conn = redis_server.client()
    keys = list(conn.scan_iter("syncback:*", count=1000))
    if keys:
        conn.delete(*keys)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {API_TOKEN}"
    yield Stack(url=bridge_url, jira=jira, redis=conn, api=session)
    session.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    item.stash.setdefault(FAILED, False)
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture
def context(browser: Browser, stack: Stack) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    if request.node.stash.get(FAILED, False):
        shot(page, f"FAILED-{request.node.name}")
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/screenshots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(
    page: Page, username: str = "admin", password: str = "admin", next_path: str = "/admin"
) -> None:
    """Log in through the real login form (checked against the simulated Jira)."""
    page.goto(f"/admin/login?next={next_path}")
    page.get_by_label("Jira username").fill(username)
    page.get_by_label("Password or personal access token").fill(password)
    page.get_by_role("button", name="Log in").click()
    if username == "admin":
        wait_ready(page)


def wait_ready(page: Page) -> None:
    """Wait until the panel's scripts have set up their handlers (html[data-ready])."""
    page.wait_for_load_state()
    page.locator("html[data-ready=true]").wait_for(state="attached")


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea, button")]
  .filter((el) => el.type !== "hidden")
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
    && !el.getAttribute("aria-labelledby") && !(el.tagName === "BUTTON" && el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 120))"""


def assert_every_control_labelled(page: Page) -> None:
    """Every form control on the page has a label (or an accessible name of its own)."""
    missing = page.evaluate(UNLABELLED)
    assert not missing, f"controls without a label on {page.url}: {missing}"
