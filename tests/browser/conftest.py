"""Browser tests: the application served on loopback, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from toolkit import create_app
from toolkit.background import wait_for_jobs

from ..conftest import _config

CHROMIUM = "/usr/bin/chromium"
#: How long a page may take to follow the room by itself (it polls every 2 s; a busy 2-core machine is slower).
LIVE_UPDATE_TIMEOUT = 15_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(app, database_url):
    """The application served by a real HTTP server on a free loopback port, on the test's database."""
    served = create_app(_config(database_url))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    wait_for_jobs(served, timeout=60)
    with served.app_context():
        from toolkit.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """``new_page(locale="it", width=1280)``: a page in a fresh browser context (its own cookies)."""
    contexts = []

    def open_page(locale: str = "it", width: int = 1280, **options):
        context = browser.new_context(
            locale=locale,
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": locale},
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


_axe = Axe()


def assert_accessible(page) -> None:
    """Zero axe-core violations on the page as it is now (WCAG 2.2 A and AA rules and best practices)."""
    results = _axe.run(page)
    violations = results.response["violations"]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe-core violations on {page.url}:\n{report}"
