"""Fixtures of the browser tests: a prepared database, the dashboard served over real HTTP, headless Chromium.

The browser is Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM_PATH``), driven through Playwright's
sync API; it is never downloaded by a test tool. A missing browser fails the tests (run
``scripts/install-browser.sh``), it does not skip them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from dashboard.app_factory import create_app
from dashboard.config import Settings

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
#: Wide enough for the side-by-side layout (filters on the left, map on the right).
VIEWPORT = {"width": 1280, "height": 900}
DASH_UPDATE = "/_dash-update-component"


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The dashboard of ``settings`` served by a real threaded HTTP server on 127.0.0.1 (a free port) in a
    background thread; yields its address."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(settings).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dashboard-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(sample_settings: Settings):
    """The dashboard on the real sample (see ``sample_settings``)."""
    with served(sample_settings) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        pytest.fail(f"Chromium not found at {executable}: run scripts/install-browser.sh "
                    "(or set CHROMIUM_PATH to a Chromium executable)", pytrace=False)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class DashResponse:
    """One answer of ``/_dash-update-component``: what was asked (request body) and what came back."""

    request_body: str
    status: int
    size: int
    text: str


@dataclass
class Traffic:
    """Every request URL the page made, and every Dash callback answer, in order."""

    urls: list[str] = field(default_factory=list)
    dash_responses: list[DashResponse] = field(default_factory=list)

    def external_urls(self) -> list[str]:
        """Requests that went anywhere but the test server (``blob:`` and ``data:`` URLs are local)."""
        return [url for url in self.urls
                if not url.startswith(("blob:", "data:")) and urlsplit(url).hostname != "127.0.0.1"]


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser, base_url, traffic: Traffic):
    """A new browser context and page; ``traffic`` records its requests and Dash callback answers."""
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale="fr-FR")
    context.set_default_timeout(15_000)

    def on_request(request) -> None:
        traffic.urls.append(request.url)

    def on_finished(request) -> None:
        if DASH_UPDATE not in request.url:
            return
        response = request.response()
        try:
            body = response.body() if response is not None else b""
        except Exception:  # e.g. a 204 answer has no body to read
            body = b""
        traffic.dash_responses.append(DashResponse(request.post_data or "", response.status if response else 0,
                                                   len(body), body.decode("utf-8", errors="replace")))

    context.on("request", on_request)
    context.on("requestfinished", on_finished)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def log_in(page, sample_accounts):
    """Log the page's browser in through the login form, as the account of a role."""
    from tests.conftest import TEST_PASSWORD

    def log_in_as(role: str) -> None:
        page.goto("/login")
        page.get_by_label("Nom d'utilisateur").fill(sample_accounts[role])
        page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/")

    return log_in_as


def accept_dialogs(page) -> list[str]:
    """Accept every confirmation the page asks for from now on; the list fills with their messages."""
    messages: list[str] = []

    def accept(dialog) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return messages
